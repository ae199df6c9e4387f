import ExcelJS from 'exceljs';
import type { Cell } from '../cell-values';
import type { RawSheet } from './sheet';
import { UnreadableFileError } from './sheet';

/** Unwraps exceljs cell values: rich text, formulas (their cached result), hyperlinks, errors. */
export function unwrapCell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    // Formula cells: the value the saving program computed; the formula itself is never run.
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) {
      const r = (v as ExcelJS.CellFormulaValue).result;
      if (r === undefined || r === null) return null;
      if (typeof r === 'object' && 'error' in r) return String(r.error);
      return unwrapCell(r as ExcelJS.CellValue);
    }
    if ('text' in v && 'hyperlink' in v) return unwrapCell((v as ExcelJS.CellHyperlinkValue).text as ExcelJS.CellValue);
    if ('error' in v) return String((v as ExcelJS.CellErrorValue).error);
  }
  return String(v);
}

export async function readXlsx(bytes: Uint8Array): Promise<RawSheet> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    throw new UnreadableFileError('Excel 文件已损坏或不完整，无法读取：请在 Excel 中打开确认内容后另存为 .xlsx 重新上传', 'corrupt', (e as Error).message);
  }
  // The first visible sheet that has any data: clerks often keep a blank or hidden "Sheet2".
  const sheet = wb.worksheets.find((ws) => ws.state === 'visible' && ws.actualRowCount > 0) ?? wb.worksheets[0];
  if (!sheet) throw new UnreadableFileError('Excel 文件中没有工作表', 'empty');
  const rows: RawSheet['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells[col - 1] = unwrapCell(cell.value);
    });
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    rows.push({ number: rowNumber, cells });
  });
  return { name: sheet.name, rows };
}
