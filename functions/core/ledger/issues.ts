import type { FieldType } from './columns';

/**
 * What an upload's receipt says about it: errors (any one rejects the file) and warnings, each
 * with a code. The codes are part of the receipt's public contract (docs/ledger-format.md): a new
 * code is added to IssueCode before anything can use it, and an existing one is not renamed.
 */

/** Codes of a file that cannot be read at all (`UnreadableFileError`, thrown by the readers). */
export type UnreadableCode =
  | 'corrupt'
  | 'empty'
  | 'encrypted'
  | 'unsupported'
  | 'too-many-rows'
  | 'too-many-columns'
  | 'too-complex'
  | 'inflated-too-large';

/** The column types whose cells can fail to read (text and codes take any text). */
export type CheckedType = Extract<FieldType, 'money' | 'batch' | 'phase' | 'status' | 'date'>;

/** A cell its column's type cannot read: `invalid-money`, `invalid-date`, … */
export type InvalidValueCode = `invalid-${CheckedType}`;

/** The quality checks run on each row at upload (rowChecks): warnings coded by the check. */
export type RowCheckCode = 'Q3' | 'Q7' | 'Q8';

export type IssueCode =
  // The upload as a whole, before or while reading it (check-upload.ts, the readers).
  | 'bad-key'
  | 'too-large'
  | UnreadableCode
  // The sheet: header, columns, title, size (the parser).
  | 'no-header'
  | 'missing-column'
  | 'duplicate-column'
  | 'month-mismatch'
  | 'no-data'
  | 'too-many-rows'
  // A data row (the parser).
  | 'required-empty'
  | InvalidValueCode
  | 'too-long'
  | 'unit-mismatch'
  // The project codes: most of another reporting unit (an error), a few (warnings).
  | 'other-unit-ledger'
  | 'code-other-unit'
  | 'duplicate-code'
  // The 合计 row against the sum of the project rows (sum-row-check.ts).
  | 'sum-mismatch'
  // Data-quality warnings on single rows.
  | RowCheckCode;

/** One problem in an upload, located the way the clerk sees the spreadsheet. */
export interface Issue {
  code: IssueCode;
  /** Spreadsheet row number (1-based), when the problem is in a row. */
  row: number | null;
  /** The header as written in the file. */
  column: string | null;
  /** The offending value as written (truncated). */
  value: string | null;
  message: string;
}

export function issue(code: IssueCode, message: string, row: number | null = null, column: string | null = null, value: string | null = null): Issue {
  return { code, row, column, value, message };
}
