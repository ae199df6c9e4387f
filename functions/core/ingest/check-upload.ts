import type { Config } from '../shared/config';
import type { Issue, IssueCode } from '../ledger/issues';
import type { LedgerRow } from '../ledger/ledger-row';
import { rowChecks } from '../metrics/quality/row-checks';
import { checkLedgerOwner } from './ledger-owner';
import { type RawSheet, type ReadOptions, UnreadableFileError, readSheet } from '../../formats/readers';
import { HEADER_SCAN_ROWS, hasLedgerHeader } from './find-header';
import { parseLedger } from './parse-ledger';
import { parseUploadKey, uploadFileName } from './upload-key';
import { clipText } from '../shared/visible-text';

export interface UploadCheck {
  status: 'accepted' | 'rejected';
  month: string | null;
  unitCode: string | null;
  fileName: string;
  rows: LedgerRow[];
  errors: Issue[];
  warnings: Issue[];
  skippedRows: number;
  /** The sheet read (xlsx), for support; null for csv/arrow or unreadable files. */
  sheetName?: string | null;
  headerRow?: number | null;
}

/** Limits beyond the configuration's (which has rows and bytes). */
export interface IngestLimits {
  /** Total bytes an .xlsx may inflate to; default 200 MB. */
  maxInflatedBytes?: number;
}

const fileIssue = (code: IssueCode, message: string, value: string | null = null): Issue => ({ code, row: null, column: null, value, message });

/** Size check before the bytes are even fetched. */
export function checkSize(size: number, config: Config): Issue | null {
  const limit = config.ingest.maxBytes;
  if (size <= limit) return null;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return fileIssue('too-large', `文件大小 ${mb(size)} 超过上限 ${mb(limit)}，请删除无关工作表、图片后重新上传`);
}

function readOptions(config: Config, limits: IngestLimits): ReadOptions {
  return {
    maxRows: config.ingest.maxRows,
    maxInflatedBytes: limits.maxInflatedBytes,
    // A workbook's first sheet is often 填报说明: take the first sheet that has a ledger header.
    pickSheet: { rows: HEADER_SCAN_ROWS, accept: (rows) => hasLedgerHeader(rows) },
  };
}

/** Reads the upload's bytes into rows (the "parse" of ingest), or the reason it cannot be read. */
export async function readUpload(fileName: string, bytes: Uint8Array, config: Config, limits: IngestLimits = {}): Promise<RawSheet> {
  return readSheet(fileName, bytes, readOptions(config, limits));
}

/** An upload refused before or while reading it: no rows, the reasons as errors. */
export function rejectUpload(key: string, errors: Issue[], warnings: Issue[] = [], skippedRows = 0): UploadCheck {
  const parsedKey = parseUploadKey(key);
  return {
    status: 'rejected',
    month: parsedKey.ok ? parsedKey.key.month : parsedKey.month ?? null,
    unitCode: parsedKey.ok ? parsedKey.key.unitCode : parsedKey.unitCode ?? null,
    fileName: uploadFileName(key, null),
    rows: [],
    errors,
    warnings,
    skippedRows,
  };
}

/**
 * Everything ingest decides about one upload, from its key and bytes: the normalized rows,
 * or every reason to reject it. Any error rejects the whole file.
 */
export async function checkUpload(key: string, bytes: Uint8Array, config: Config, limits: IngestLimits = {}): Promise<UploadCheck> {
  const parsedKey = parseUploadKey(key);
  const fileName = uploadFileName(key, null);
  const rejected = (errors: Issue[], warnings: Issue[] = [], skippedRows = 0) => rejectUpload(key, errors, warnings, skippedRows);
  if (!parsedKey.ok) return rejected([fileIssue('bad-key', parsedKey.message)]);
  const { month, unitCode } = parsedKey.key;
  const tooLarge = checkSize(bytes.byteLength, config);
  if (tooLarge) return rejected([tooLarge]);

  // The whole sheet is read first (a workbook's merged cells are known only at its end); the
  // parser then releases the raw rows as it consumes them.
  let sheet: RawSheet;
  try {
    sheet = await readUpload(fileName, bytes, config, limits);
  } catch (e) {
    if (e instanceof UnreadableFileError) return rejected([fileIssue(e.code, e.message, e.detail)]);
    // Whatever a library throws on a malformed file is still the file's fault, never a crash.
    // The advice fits the file: a clerk's spreadsheet is saved again; an Arrow file is a machine's.
    const advice = /\.(arrow|feather|arrows|ipc)$/i.test(fileName) ? '请检查生成该文件的程序后重新上传' : '请在 Excel 中打开确认后另存为 .xlsx 或 CSV（UTF-8）重新上传';
    return rejected([fileIssue('corrupt', `文件无法读取，可能已损坏：${advice}`, clipText(String((e as Error).message), 200))]);
  }
  // The sheet is not needed afterwards: its rows are released as they are parsed.
  const parsed = parseLedger(sheet, { month, unitCode, maxRows: config.ingest.maxRows, consume: true });

  const where = { sheetName: sheet.name, headerRow: parsed.headerRow };
  if (parsed.errors.length) return { ...rejected(parsed.errors, parsed.warnings, parsed.skippedRows), ...where };
  const owner = checkLedgerOwner(parsed.rows, unitCode, parsed.headers.projectCode ?? '项目代码');
  if (owner.errors.length) return { ...rejected(owner.errors, parsed.warnings, parsed.skippedRows), ...where };

  const rowWarnings: Issue[] = [];
  for (const row of parsed.rows) {
    const findings = rowChecks(row, month);
    // Indexed: a for-of here would make an iterator for each of the (mostly clean) rows.
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i];
      rowWarnings.push({ code: f.check, row: row.sourceRow, column: null, value: null, message: `第 ${row.sourceRow} 行：${f.message}` });
    }
  }
  return {
    status: 'accepted',
    month,
    unitCode,
    fileName,
    rows: parsed.rows,
    errors: [],
    warnings: [...parsed.warnings, ...owner.warnings, ...rowWarnings],
    skippedRows: parsed.skippedRows,
    ...where,
  };
}
