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
    // Every line break ends a record, as in Excel: a CRLF file with one bare LF line is not one
    // record spanning two projects (csv-parse otherwise keeps to the first break it sees).
    records = parse(text, { delimiter, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
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
 * Cells a CSV may have for each row it is allowed. A ledger has about 20 columns; the bound is on
 * cells (rows × columns), so neither a long file of wide lines nor a short one of very wide lines
 * makes csv-parse build millions of empty fields before the row or column limit is checked.
 */
const CELLS_PER_ROW = 64;

/**
 * The text up to its last line with anything on it, refused in one pass over its characters
 * (milliseconds for the largest file allowed) if it has far more lines, cells, or columns in a
 * line than a ledger of `maxRows` rows can. csv-parse builds a record for every line, blank or
 * not, and a field for every delimiter: 20 MB of line breaks is ten million records, one line of
 * 19 million commas a gigabyte. Excel writes ",,,," for every formatted but empty row below the
 * data; those are dropped here first. A line ends at LF, CRLF or a lone CR, as in csv-parse's
 * record delimiters (readCsv) and in Excel.
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
  const allowed = maxRows + ROW_MARGIN;
  const maxLines = allowed * LINES_PER_ROW;
  const maxCells = allowed * CELLS_PER_ROW;
  let lines = 1;
  let cells = 1;
  let lineCells = 1;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch === d) {
      cells++;
      if (++lineCells > MAX_CSV_COLUMNS) throw tooWide(lines);
    } else if (ch === 0x0a || (ch === 0x0d && body.charCodeAt(i + 1) !== 0x0a)) {
      if (++lines > maxLines) throw tooLong(maxLines, maxRows);
      cells++;
      lineCells = 1;
    } else continue;
    if (cells > maxCells) throw tooManyCells(maxCells, maxRows);
  }
  return body;
}

/** Excel's column limit: a sheet saved as CSV never has more cells in a line. */
const MAX_CSV_COLUMNS = 16_384;

const tooWide = (line: number) =>
  new UnreadableFileError(
    `文件第 ${line} 行超过 ${MAX_CSV_COLUMNS} 列（Excel 的列数上限），不是正常的台账：请用 Excel 打开后另存为 .xlsx 重新上传`,
    'too-many-columns',
    `line ${line} has more than ${MAX_CSV_COLUMNS} cells`,
  );

const tooLong = (maxLines: number, maxRows: number) =>
  new UnreadableFileError(
    `文件超过 ${maxLines} 行（含空行），远多于上限 ${maxRows} 行数据：请删除多余的空行，或核对是否误传了其他表格`,
    'too-many-rows',
    `more than ${maxLines} lines`,
  );

const tooManyCells = (maxCells: number, maxRows: number) =>
  new UnreadableFileError(
    `文件的单元格超过 ${maxCells.toLocaleString('en-US')} 个（${maxRows} 行数据、每行 ${CELLS_PER_ROW} 列的上限），不是正常的台账：请删除多余的列和空行，或核对是否误传了其他表格`,
    'too-many-columns',
    `more than ${maxCells} cells`,
  );

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
