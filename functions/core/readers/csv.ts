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
  const { text, delimiter } = prepare(bytes);
  let records: string[][];
  try {
    // The whole file (at most maxBytes) at once: the plain use of the library.
    records = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (e) {
    throw malformed(e);
  }
  const maxRows = opts.maxRows ?? 20_000;
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

const malformed = (e: unknown) =>
  new UnreadableFileError('CSV 文件格式有误（引号或分隔符不配对），无法读取：请用 Excel 打开后另存为 .xlsx 重新上传', 'corrupt', (e as Error).message);

function prepare(bytes: Uint8Array): { text: string; delimiter: string } {
  const text = decodeText(bytes);
  if (text.includes('\u0000')) throw new UnreadableFileError('文件不是文本格式的 CSV，无法读取：请用 Excel 打开后另存为 .xlsx 或 CSV（UTF-8）重新上传', 'corrupt');
  // Excel saves ";" or tab only in unusual locales; pick the delimiter that the first line uses most.
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0 || text.length);
  const delimiter = [',', '\t', ';'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  return { text, delimiter };
}

