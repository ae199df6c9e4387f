import ExcelJS from 'exceljs';
import { division } from '../core/shared/divisions';
import { COLUMNS, type ColumnDef, type FieldType } from '../core/ledger/columns';
import { BATCHES, STATUSES } from '../core/ledger/ledger-row';
import { monthLabel } from '../core/shared/months';

/**
 * The blank ledger form (`GET /template.xlsx`), generated from the same COLUMNS the ingest
 * matches headers against, so the form and the parser cannot drift apart:
 *
 *   row 1  title   "源汇区“三个一批”项目建设进展情况月报表（2026年10月）" (month only when given:
 *                  ingest checks a stated month against the upload's month)
 *   row 2  units   "填报单位：源汇区" … "单位：万元" (the money unit ingest reads)
 *   row 3  header  序号 + every column's canonical header, required ones highlighted
 *   row 4  sample  a filled example whose 序号 cell starts with "注：", so ingest skips it like
 *                  any note row if the clerk leaves it in
 *   rows 5…        empty, with drop-down lists for 批次 and 项目状态 and number checks
 * and a second sheet "填写说明" listing every column, whether it is required and what it accepts.
 */
export const TEMPLATE_SHEET = '台账';
export const TEMPLATE_HELP_SHEET = '填写说明';
export const TEMPLATE_HEADER_ROW = 3;
export const TEMPLATE_SAMPLE_ROW = 4;
/** Rows below the sample that carry the validation lists. */
export const TEMPLATE_INPUT_ROWS = 1000;
export const SAMPLE_MARK = '注：示例';

const TYPE_HELP: Record<FieldType, string> = {
  text: '文字',
  code: '文字（全国投资项目在线审批监管平台代码，如 2601-411102-04-01-000001）',
  batch: `从下拉列表选择：${BATCHES.join(' / ')}`,
  phase: '正整数（如 13，也可写“第13期”）',
  status: `从下拉列表选择：${STATUSES.join(' / ')}`,
  money: '数字，单位万元，不小于 0',
  date: '日期（如 2026-10-08）',
  unitCode: '6 位行政区划代码，须与报送单位一致',
};

function sampleValues(unitCode: string): Record<string, ExcelJS.CellValue> {
  return {
    projectCode: `2601-${unitCode}-04-01-000001`,
    projectName: '年产10万吨新型建材项目',
    batch: '开工',
    phase: 13,
    status: '已开工',
    totalInvestment: 52000,
    annualPlan: 15000,
    ytdCompleted: 12600,
    monthCompleted: 1300,
    industry: '新材料',
    unitCode,
    signedDate: new Date(Date.UTC(2025, 2, 18)),
    landedDate: new Date(Date.UTC(2025, 4, 10)),
    startDate: new Date(Date.UTC(2025, 8, 26)),
    productionDate: null,
    progress: '主体厂房封顶，设备进场安装',
    problems: '无',
    leader: '王××',
  };
}

function validationFor(def: ColumnDef): ExcelJS.DataValidation | null {
  const common = { allowBlank: !def.required, showErrorMessage: true, errorStyle: 'stop' as const };
  switch (def.type) {
    case 'batch':
      return { ...common, type: 'list', formulae: [`"${BATCHES.join(',')}"`], errorTitle: '批次', error: `请从下拉列表选择：${BATCHES.join('、')}` };
    case 'status':
      return { ...common, type: 'list', formulae: [`"${STATUSES.join(',')}"`], errorTitle: '项目状态', error: `请从下拉列表选择：${STATUSES.join('、')}` };
    case 'phase':
      return { ...common, type: 'whole', operator: 'greaterThanOrEqual', formulae: [1], errorTitle: '期次', error: '期次应为正整数' };
    case 'money':
      return { ...common, type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], errorTitle: def.header, error: '应为不小于 0 的数字（单位：万元）' };
    default:
      return null;
  }
}

export interface TemplateOptions {
  /** Month stated in the title (`YYYY-MM`); omitted → no month in the title. */
  month?: string | null;
  /** Reporting unit code for the title and 填报单位; omitted → blank. */
  unitCode?: string | null;
}

export async function templateWorkbook(opts: TemplateOptions = {}): Promise<Uint8Array> {
  const unit = opts.unitCode ? division(opts.unitCode) : undefined;
  const wb = new ExcelJS.Workbook();
  wb.creator = '河南省“三个一批”项目月报系统';
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: TEMPLATE_HEADER_ROW, xSplit: 3 }] });
  const width = COLUMNS.length + 1;
  const lastCol = ws.getColumn(width).letter;

  // Row 1: title.
  const title = `${unit ? unit.name : '____县（市、区）'}“三个一批”项目建设进展情况月报表${opts.month ? `（${monthLabel(opts.month)}）` : ''}`;
  ws.mergeCells(`A1:${lastCol}1`);
  const t = ws.getCell('A1');
  t.value = title;
  t.font = { bold: true, size: 16 };
  t.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 30;

  // Row 2: reporting unit and money unit.
  ws.mergeCells('A2:E2');
  ws.getCell('A2').value = `填报单位：${unit ? unit.name : ''}`;
  ws.getCell(`${lastCol}2`).value = '单位：万元';
  ws.getCell(`${lastCol}2`).alignment = { horizontal: 'right' };

  // Row 3: headers.
  const header = ws.getRow(TEMPLATE_HEADER_ROW);
  header.values = ['序号', ...COLUMNS.map((c) => c.header)];
  header.height = 32;
  header.eachCell((cell, col) => {
    const def = COLUMNS[col - 2];
    cell.font = { bold: true, color: def?.required ? { argb: 'FF9C0006' } : undefined };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: def?.required ? 'FFFDE9E7' : 'FFEFF3F8' } };
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    if (def) cell.note = `${def.required ? '必填' : '选填'}：${TYPE_HELP[def.type]}`;
  });

  // Row 4: the sample, skipped by ingest as a note row.
  const sample = sampleValues(unit?.code ?? '411102');
  const sampleRow = ws.getRow(TEMPLATE_SAMPLE_ROW);
  sampleRow.values = [SAMPLE_MARK, ...COLUMNS.map((c) => sample[c.field] ?? null)];
  sampleRow.eachCell({ includeEmpty: true }, (cell) => {
    cell.font = { italic: true, color: { argb: 'FF808080' } };
  });

  // Column formats and input checks.
  ws.getColumn(1).width = 10;
  COLUMNS.forEach((def, i) => {
    const col = ws.getColumn(i + 2);
    col.width = def.type === 'text' && def.field === 'projectName' ? 28 : def.type === 'code' ? 26 : def.type === 'date' ? 12 : Math.max(10, def.header.length * 2 + 2);
    const numFmt = def.type === 'date' ? 'yyyy-mm-dd' : def.type === 'money' ? '#,##0.00' : def.type === 'code' || def.type === 'unitCode' ? '@' : undefined;
    const dv = validationFor(def);
    if (numFmt) ws.getCell(TEMPLATE_SAMPLE_ROW, i + 2).numFmt = numFmt;
    for (let r = TEMPLATE_SAMPLE_ROW + 1; r <= TEMPLATE_SAMPLE_ROW + TEMPLATE_INPUT_ROWS; r++) {
      const cell = ws.getCell(r, i + 2);
      if (numFmt) cell.numFmt = numFmt;
      if (dv) cell.dataValidation = dv;
    }
  });

  // Second sheet: what each column takes.
  const help = wb.addWorksheet(TEMPLATE_HELP_SHEET);
  help.columns = [
    { header: '列名', width: 18 },
    { header: '是否必填', width: 10 },
    { header: '填写要求', width: 60 },
    { header: '也可使用的列名', width: 40 },
  ];
  help.getRow(1).font = { bold: true };
  for (const def of COLUMNS) help.addRow([def.header, def.required ? '必填' : '选填', TYPE_HELP[def.type], def.synonyms.join('、')]);
  help.addRow([]);
  for (const line of [
    '说明：',
    '1. 每个报送单位每月上传一个文件，内容为截至当月末的全部项目；同一月份再次上传将替换之前的上传。',
    `2. 第 ${TEMPLATE_SAMPLE_ROW} 行为填写示例（序号列以“注：”开头），上传时自动忽略，可保留也可删除。`,
    '3. 金额单位为万元；如填写亿元，请在列名后注明“（亿元）”。',
    '4. 标题中的月份须与上传时选择的月份一致。',
    '5. 可保存为 .xlsx 或 .csv 文件上传；请勿使用 .xls 格式。',
  ]) {
    help.addRow([line]);
  }

  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** The download name: 台账模板-源汇区-2026年10月.xlsx */
export function templateFileName(opts: TemplateOptions = {}): string {
  const unit = opts.unitCode ? division(opts.unitCode)?.name : undefined;
  return ['台账模板', unit, opts.month ? monthLabel(opts.month) : undefined].filter(Boolean).join('-') + '.xlsx';
}
