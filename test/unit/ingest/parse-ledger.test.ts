import { describe, expect, it } from 'vitest';
import { parseLedger } from '../../../functions/core/ingest/parse-ledger';
import { splitHeader } from '../../../functions/core/ledger/columns';
import type { RawSheet } from '../../../functions/formats/readers/sheet';

const ctx = { month: '2026-10', unitCode: '411102', maxRows: 100 };
const sheet = (rows: (string | number | null)[][]): RawSheet => ({ name: null, rows: rows.map((cells, i) => ({ number: i + 1, cells })) });
const HEADER = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资'];
const row = (code: string, over: Record<number, string | number | null> = {}) => {
  const r: (string | number | null)[] = [code, '冷链物流中心', '签约', 3, '已落地', 1000, 500, 400];
  for (const [k, v] of Object.entries(over)) r[Number(k)] = v;
  return r;
};

describe('parseLedger', () => {
  it('normalizes headers: spaces, full-width, line breaks, any bracket style for the unit', () => {
    expect(splitHeader('总 投 资\n（亿元）')).toEqual({ label: '总投资', unit: '亿元' });
    expect(splitHeader('总投资[元]')).toEqual({ label: '总投资', unit: '元' });
    expect(splitHeader('总投资【万元】')).toEqual({ label: '总投资', unit: '万元' });
    expect(splitHeader('项目代码(必填)')).toEqual({ label: '项目代码', unit: null });
  });

  it('finds the header below title rows, applies the 单位 row, skips 合计 and notes', () => {
    const r = parseLedger(
      sheet([
        ['源汇区“三个一批”项目建设进展情况月报表（2026年10月）'],
        ['填报单位：源汇区发改委', null, null, null, null, '单位：亿元'],
        HEADER,
        row('2604-411102-04-01-000001', { 5: 1.5, 6: 0.5, 7: 0.25 }),
        [],
        ['合计', null, null, null, null, 1.5, 0.5, 0.25],
        ['注：本表由县发改委汇总'],
        ['填表人：张三', null, '填报日期：2026年11月3日'],
      ]),
      ctx,
    );
    expect(r.errors).toEqual([]);
    expect(r.headerRow).toBe(3);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ totalInvestment: 15000, annualPlan: 5000, ytdCompleted: 2500, sourceRow: 4 });
    expect(r.skippedRows).toBe(4);
  });

  it('元 ÷10,000 and 亿元 ×10,000 without binary dust', () => {
    const r = parseLedger(sheet([[...HEADER.slice(0, 5), '总投资（元）', '年度计划投资（亿元）', '本年累计完成投资'], row('A1', { 5: 12345678, 6: 1.2345, 7: 0.1 })]), ctx);
    expect(r.rows[0].totalInvestment).toBe(1234.5678);
    expect(r.rows[0].annualPlan).toBe(12345);
  });

  it('lists every error at once with row, column as written, and value', () => {
    const r = parseLedger(
      sheet([
        ['项目编号', ...HEADER.slice(1)],
        row('A1', { 5: '待定' }),
        row('A2', { 2: '签约二批', 4: '' }),
        row('A1', { 3: '第零期', 6: -5 }),
      ]),
      ctx,
    );
    expect(r.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([
      [2, '总投资', '待定', 'invalid-money'],
      [3, '批次', '签约二批', 'invalid-batch'],
      [3, '项目状态', null, 'required-empty'],
      [4, '期次', '第零期', 'invalid-phase'],
      [4, '年度计划投资', '-5', 'invalid-money'],
      [4, '项目编号', 'A1', 'duplicate-code'],
    ]);
    expect(r.errors[5].message).toBe('第 4 行“项目编号”A1 与第 2 行重复');
  });

  it('duplicate codes are reported on the later rows, in row order among the other errors', () => {
    const r = parseLedger(
      sheet([HEADER, row('B1'), row('B2'), row('B1'), row('B3', { 5: '待定' }), row('B2'), row('B1', { 2: '签约二批' }), row(' B3 ')]),
      ctx,
    );
    expect(r.errors.map((e) => [e.row, e.code, e.value])).toEqual([
      [4, 'duplicate-code', 'B1'],
      [5, 'invalid-money', '待定'],
      [6, 'duplicate-code', 'B2'],
      [7, 'invalid-batch', '签约二批'],
      [7, 'duplicate-code', 'B1'],
      [8, 'duplicate-code', 'B3'],
    ]);
    expect(r.errors.map((e) => e.message).filter((m) => m.includes('重复'))).toEqual([
      '第 4 行“项目代码”B1 与第 2 行重复',
      '第 6 行“项目代码”B2 与第 3 行重复',
      '第 7 行“项目代码”B1 与第 2 行重复',
      '第 8 行“项目代码”B3 与第 5 行重复',
    ]);
  });

  it('money as plain text is read exactly as Number() reads it, in any unit', () => {
    const r = parseLedger(
      sheet([
        ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资（亿元）', '年度计划投资', '本年累计完成投资'],
        row('C1', { 5: '12.', 6: '.5', 7: '0.1' }),
        row('C2', { 5: '1.23456789012345', 6: '007', 7: '123456789.012345' }),
        row('C3', { 5: '1e5', 6: '0x10', 7: '.' }),
      ]),
      ctx,
    );
    expect(r.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [4, '总投资（亿元）', '1e5'],
      [4, '年度计划投资', '0x10'],
      [4, '本年累计完成投资', '.'],
    ]);
    const ok = parseLedger(sheet([['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资（亿元）', '年度计划投资', '本年累计完成投资'], row('C1', { 5: '12.', 6: '.5', 7: '0.1' }), row('C2', { 5: '1.23456789012345', 6: '007', 7: '123456789.012345' })]), ctx);
    expect(ok.rows.map((x) => [x.totalInvestment, x.annualPlan, x.ytdCompleted])).toEqual([
      [120000, 0.5, 0.1],
      [12345.678901, 7, 123456789.012345], // money is kept to 1e-6 万元
    ]);
  });

  it('missing required columns, header without data, month and unit disagreeing with the key', () => {
    expect(parseLedger(sheet([['项目代码', '项目名称', '批次', '期次']]), ctx).errors.map((e) => e.message)).toEqual([
      '缺少必填列“项目状态”（或 进展状态、建设状态）',
      '缺少必填列“总投资”（或 计划总投资、项目总投资）',
      '缺少必填列“年度计划投资”（或 本年计划投资、年计划投资）',
      '缺少必填列“本年累计完成投资”（或 累计完成投资、年初至本月累计完成投资）',
    ]);
    expect(parseLedger(sheet([HEADER]), ctx).errors[0].code).toBe('no-data');
    const month = parseLedger(sheet([['××县月报表（2026年9月）'], HEADER, row('A1')]), ctx);
    expect(month.errors[0].message).toBe('标题写的是 2026年9月，但本次上传的是 2026年10月的报表');
    const unit = parseLedger(sheet([[...HEADER, '行政区划代码'], [...row('A1'), '411103']]), ctx);
    expect(unit.errors[0]).toMatchObject({ code: 'unit-mismatch', row: 2, column: '行政区划代码', value: '411103' });
  });

  it('without a header, names the required columns and where the blank form is', () => {
    const r = parseLedger(sheet([['会议纪要'], ['2026年10月工作安排']]), ctx);
    expect(r.errors.map((e) => [e.code, e.message])).toEqual([
      ['no-header', '未找到表头行：表格应包含 项目代码、项目名称、批次、期次、项目状态、总投资、年度计划投资、本年累计完成投资 等列（可在上报页面点击“下载空白模板（.xlsx）”获取空白表格）'],
    ]);
  });

  it('keeps text literally: formulas and markup are data', () => {
    const r = parseLedger(sheet([HEADER, row('A1', { 1: '<script>alert(1)</script>=HYPERLINK("x")' })]), ctx);
    expect(r.rows[0].projectName).toBe('<script>alert(1)</script>=HYPERLINK("x")');
  });

  it('refuses more rows than the limit', () => {
    const rows = [HEADER, ...Array.from({ length: 101 }, (_, i) => row(`A${i}`))];
    expect(parseLedger(sheet(rows), ctx).errors.map((e) => e.code)).toEqual(['too-many-rows']);
  });
});
