import { readArrowIsolated } from './arrow-sandbox';
import { readCsv } from './csv';
import type { RawSheet, ReadOptions } from './sheet';
import { UnreadableFileError } from './sheet';
import { readXlsx } from './xlsx';

export { UnreadableFileError, ROW_MARGIN } from './sheet';
export type { CellRange, RawRow, RawSheet, ReadOptions } from './sheet';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** The file's extension, lower-case, without the dot ("" when none). */
export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}

/**
 * Reads an upload into rows by its extension, checking the bytes agree with it. Throws
 * UnreadableFileError with a message the clerk can act on. `opts` bounds the work a hostile
 * file can cause (rows, inflated bytes) and chooses the sheet of a workbook.
 */
export async function readSheet(fileName: string, bytes: Uint8Array, opts: ReadOptions = {}): Promise<RawSheet> {
  const ext = extensionOf(fileName);
  if (bytes.byteLength === 0) throw new UnreadableFileError('文件为空（0 字节），请重新上传', 'empty');
  if (ext === 'xls' || ext === 'et') {
    throw new UnreadableFileError(`不支持 .${ext} 格式，请另存为 .xlsx 后重新上传`, 'unsupported');
  }
  if (ext === 'xlsx' || ext === 'xlsm') {
    if (startsWith(bytes, OLE)) {
      throw new UnreadableFileError('文件已加密（设置了打开密码）或实为旧版 .xls 格式：请取消密码并另存为 .xlsx 后重新上传', 'encrypted');
    }
    if (startsWith(bytes, ZIP_EMPTY)) throw new UnreadableFileError('Excel 文件是空的（不含任何工作表），请重新保存后上传', 'empty');
    if (!startsWith(bytes, ZIP)) throw new UnreadableFileError('文件不是有效的 .xlsx（已损坏或扩展名有误）：请在 Excel 中打开确认后另存为 .xlsx 重新上传', 'corrupt');
    return readXlsx(bytes, opts);
  }
  if (ext === 'csv' || ext === 'txt') {
    if (startsWith(bytes, ZIP) || startsWith(bytes, OLE)) {
      throw new UnreadableFileError('文件扩展名为 .csv，但内容是 Excel 工作簿：请另存为 .xlsx 或 CSV 后重新上传', 'corrupt');
    }
    return readCsv(bytes, opts);
  }
  if (ext === 'arrow' || ext === 'feather' || ext === 'arrows' || ext === 'ipc') return readArrowIsolated(bytes, opts);
  throw new UnreadableFileError(
    `不支持的文件类型“${ext ? '.' + ext : '无扩展名'}”：请上传 .xlsx 或 .csv 文件`,
    'unsupported',
  );
}
