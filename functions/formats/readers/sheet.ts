import type { Cell } from '../../core/ledger/cell-values';
import type { UnreadableCode } from '../../core/ledger/issues';

/** One spreadsheet row as the clerk sees it: its row number and its cells (0-based columns). */
export interface RawRow {
  number: number;
  cells: Cell[];
}

/** A merged area: rows as the clerk sees them (1-based, inclusive), columns 0-based inclusive. */
export interface CellRange {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface RawSheet {
  /** Sheet name (xlsx) or null (csv, arrow). */
  name: string | null;
  /** Rows with at least one cell, in order. */
  rows: RawRow[];
  /** Merged cells (xlsx): the value sits on the top-left cell only. */
  merges?: CellRange[];
}

/** What a reader may be asked to respect: limits against hostile files, and which sheet to take. */
export interface ReadOptions {
  /** Rows beyond this many data rows (plus a margin for titles and notes) are not read: the file is refused. */
  maxRows?: number;
  /** Total bytes an .xlsx may inflate to (all parts read). */
  maxInflatedBytes?: number;
  /**
   * Choosing among several sheets: the first visible sheet whose first `rows` non-empty rows
   * `accept` is taken; if none is accepted, the first visible sheet with data.
   */
  pickSheet?: { rows: number; accept: (firstRows: RawRow[]) => boolean };
}

/** Rows above and below the data (titles, header, 合计, notes) allowed on top of `maxRows`. */
export const ROW_MARGIN = 200;

/** Columns beyond this are ignored: a ledger has ~20; Excel allows 16,384 (a cheap way to bloat rows). */
export const MAX_COLUMNS = 256;

/** A file that cannot be read at all: the reason is shown to the clerk as is. */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly code: UnreadableCode,
    /** Technical detail from the parsing library, kept for support (not the clerk's message). */
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

export function tooManyRows(maxRows: number, detail: string): UnreadableFileError {
  return new UnreadableFileError(`表格行数超过上限 ${maxRows} 行，请核对是否误传了其他表格（每个单位每月一个台账文件）`, 'too-many-rows', detail);
}
