import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/shared/config';
import { checkUpload } from '../../../functions/core/ingest/check-upload';
import { COLUMNS } from '../../../functions/core/ledger/columns';
import { BATCHES, STATUSES } from '../../../functions/core/ledger/ledger-row';
import { readSheet } from '../../../functions/formats/readers';
import {
  SAMPLE_MARK,
  TEMPLATE_HEADER_ROW,
  TEMPLATE_SAMPLE_ROW,
  templateFileName,
  templateWorkbook,
} from '../../../functions/formats/template-form';

const config = parseConfig({});

async function load(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb.worksheets[0];
}

/** The template as a clerk fills it: rows typed in below the sample. */
async function filled(bytes: Uint8Array, rows: (string | number | null)[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  rows.forEach((r, i) => {
    ws.getRow(TEMPLATE_SAMPLE_ROW + 1 + i).values = [i + 1, ...r];
  });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const row = (n: number): (string | number | null)[] => {
  const byField: Record<string, string | number | null> = {
    projectCode: `2604-411102-04-01-00000${n}`,
    projectName: `测试项目${n}`,
    batch: '签约',
    phase: 13,
    status: '已落地',
    totalInvestment: 1000,
    annualPlan: 200,
    ytdCompleted: 150,
  };
  return COLUMNS.map((c) => byField[c.field] ?? null);
};

describe('the blank ledger form', () => {
  // Generating a form (1,000 input rows with their checks) takes exceljs most of a second: each
  // of the two forms is made once for the file. The bytes are only read, never changed.
  let forMonth: Uint8Array; // 源汇区, 2026-10
  let blank: Uint8Array; // no unit, no month
  beforeAll(async () => {
    forMonth = await templateWorkbook({ month: '2026-10', unitCode: '411102' });
    blank = await templateWorkbook();
  });

  it('has a title, a units row, the canonical headers of the ingest schema and a sample row', async () => {
    const ws = await load(forMonth);
    expect(ws.getCell('A1').value).toBe('源汇区“三个一批”项目建设进展情况月报表（2026年10月）');
    expect(ws.getCell('A2').value).toBe('填报单位：源汇区');
    expect(ws.getRow(2).values).toContain('单位：万元');
    const header = (ws.getRow(TEMPLATE_HEADER_ROW).values as unknown[]).slice(1);
    expect(header).toEqual(['序号', ...COLUMNS.map((c) => c.header)]);
    expect(ws.getCell(TEMPLATE_SAMPLE_ROW, 1).value).toBe(SAMPLE_MARK);
    expect(ws.getCell(TEMPLATE_SAMPLE_ROW, 3).value).toBe('年产10万吨新型建材项目');
  });

  it('offers drop-down lists for 批次 and 项目状态 from the ingest vocabulary', async () => {
    const ws = await load(blank);
    const col = (field: string) => COLUMNS.findIndex((c) => c.field === field) + 2;
    const dv = (field: string, r = TEMPLATE_SAMPLE_ROW + 1) => ws.getCell(r, col(field)).dataValidation;
    expect(dv('batch')).toMatchObject({ type: 'list', formulae: [`"${BATCHES.join(',')}"`] });
    expect(dv('status', TEMPLATE_SAMPLE_ROW + 500)).toMatchObject({ type: 'list', formulae: [`"${STATUSES.join(',')}"`] });
    expect(dv('phase')).toMatchObject({ type: 'whole', operator: 'greaterThanOrEqual' });
    expect(dv('totalInvestment')).toMatchObject({ type: 'decimal' });
    expect(ws.getCell(1, 1).value).toBe('____县（市、区）“三个一批”项目建设进展情况月报表');
  });

  it('is read by the ingest as it is: the sample row is skipped, so a blank form has no data', async () => {
    const bytes = forMonth;
    const sheet = await readSheet('t.xlsx', bytes);
    expect(sheet.name).toBe('台账');
    const check = await checkUpload('incoming/2026-10/411102/t.xlsx', bytes, config);
    expect(check.status).toBe('rejected');
    expect(check.errors.map((e) => e.code)).toEqual(['no-data']);
    expect(check.skippedRows).toBe(1);
  });

  it('filled in, it is accepted with exactly the clerk rows', async () => {
    const bytes = await filled(forMonth, [row(1), row(2)]);
    const check = await checkUpload('incoming/2026-10/411102/t.xlsx', bytes, config);
    expect(check.errors).toEqual([]);
    expect(check.status).toBe('accepted');
    expect(check.rows.map((r) => [r.projectCode, r.sourceRow])).toEqual([
      ['2604-411102-04-01-000001', TEMPLATE_SAMPLE_ROW + 1],
      ['2604-411102-04-01-000002', TEMPLATE_SAMPLE_ROW + 2],
    ]);
    // the title states the month: uploading it for another month is caught
    const other = await checkUpload('incoming/2026-09/411102/t.xlsx', bytes, config);
    expect(other.errors.map((e) => e.code)).toContain('month-mismatch');
  });

  it('is named for the clerk', () => {
    expect(templateFileName({ month: '2026-10', unitCode: '411102' })).toBe('台账模板-源汇区-2026年10月.xlsx');
    expect(templateFileName()).toBe('台账模板.xlsx');
  });
});
