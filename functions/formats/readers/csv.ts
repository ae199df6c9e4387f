import { parse } from 'csv-parse/sync';
import type { RawSheet, ReadOptions } from './sheet';
import { ROW_MARGIN, UnreadableFileError, tooManyRows } from './sheet';

/**
 * CSV as Excel in China saves it: UTF-8 with or without BOM, or GB18030/GBK. Strict UTF-8 is
 * tried first (GB18030 bytes are almost never valid UTF-8), then GB18030.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export function readCsv(bytes: Uint8Array, opts: ReadOptions = {}): RawSheet {
  const maxRows = opts.maxRows ?? 20_000;
  const { text, delimiter } = prepare(bytes, maxRows);
  let records: string[][];
  try {
    // The whole file (at most maxBytes, and boundedLines) at once: the plain use of the library.
    records = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (e) {
    throw malformed(e);
  }
  const rows: RawSheet['rows'] = [];
  for (let i = 0; i < records.length; i++) {
    const cells = records[i];
    // Rows with no text at all (",,,,") are what Excel writes for blank rows: not kept, like xlsx.
    if (cells.every((c) => c === '')) continue;
    rows.push({ number: i + 1, cells });
  }
  if (rows.length > maxRows + ROW_MARGIN) throw tooManyRows(maxRows, `more than ${maxRows + ROW_MARGIN} rows with data`);
  return { name: null, rows };
}

/** Lines a CSV may have for each data row it is allowed: room for blank rows and multi-line cells. */
const LINES_PER_ROW = 5;

/**
 * The text up to its last line with anything on it, refused if that still has far more lines than
 * the row limit allows. csv-parse builds a record for every line, blank or not: 20 MB of line
 * breaks is ten million records (minutes, and gigabytes more than the Lambda has). Excel writes
 * ",,,," for every formatted but empty row below the data; those are dropped here first.
 */
function boundedLines(text: string, delimiter: string, maxRows: number): string {
  const d = delimiter.charCodeAt(0);
  let last = text.length - 1;
  for (; last >= 0; last--) {
    const ch = text.charCodeAt(last);
    if (ch !== d && ch !== 0x20 && ch !== 0x09 && ch !== 0x0d && ch !== 0x0a) break;
  }
  // Keep the rest of the last line with text, its line break included (its trailing delimiters
  // are still its cells).
  const end = last < 0 ? -1 : text.indexOf('\n', last);
  const body = last < 0 ? '' : end < 0 ? text : text.slice(0, end + 1);
  const cap = (maxRows + ROW_MARGIN) * LINES_PER_ROW;
  let lines = 0;
  for (let start = 0; start < body.length; ) {
    const nl = body.indexOf('\n', start);
    const end = nl < 0 ? body.length : nl;
    if (++lines > cap) {
      throw new UnreadableFileError(
        `文件超过 ${cap} 行（含空行），远多于上限 ${maxRows} 行数据：请删除多余的空行，或核对是否误传了其他表格`,
        'too-many-rows',
        `more than ${cap} lines`,
      );
    }
    // Only a line this long can hold more cells than Excel has columns (one line of 19 million
    // commas is a record of 19 million fields: a gigabyte).
    if (end - start > MAX_CSV_COLUMNS && delimitersIn(body, d, start, end) >= MAX_CSV_COLUMNS) {
      throw new UnreadableFileError(
        `文件第 ${lines} 行超过 ${MAX_CSV_COLUMNS} 列（Excel 的列数上限），不是正常的台账：请用 Excel 打开后另存为 .xlsx 重新上传`,
        'too-many-columns',
        `line ${lines} has ${MAX_CSV_COLUMNS}+ delimiters`,
      );
    }
    start = end + 1;
  }
  return body;
}

/** Excel's column limit: a sheet saved as CSV never has more cells in a line. */
const MAX_CSV_COLUMNS = 16_384;

function delimitersIn(text: string, d: number, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === d) n++;
  return n;
}

const malformed = (e: unknown) =>
  new UnreadableFileError('CSV 文件格式有误（引号或分隔符不配对），无法读取：请用 Excel 打开后另存为 .xlsx 重新上传', 'corrupt', (e as Error).message);

function prepare(bytes: Uint8Array, maxRows: number): { text: string; delimiter: string } {
  const text = decodeText(bytes);
  if (text.includes('\u0000')) throw new UnreadableFileError('文件不是文本格式的 CSV，无法读取：请用 Excel 打开后另存为 .xlsx 或 CSV（UTF-8）重新上传', 'corrupt');
  // Excel saves ";" or tab only in unusual locales; pick the delimiter that the first line uses most.
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0 || text.length);
  const delimiter = [',', '\t', ';'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  return { text: boundedLines(text, delimiter, maxRows), delimiter };
}
