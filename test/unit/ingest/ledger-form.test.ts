import { describe, expect, it } from 'vitest';
import type { Cell } from '../../../functions/core/ledger/cell-values';
import { parseLedger } from '../../../functions/core/ingest/parse-ledger';
import type { CellRange, RawSheet } from '../../../functions/formats/readers/sheet';
import { parseRange } from '../../../functions/formats/readers/xlsx';

/** Forms as clerks fill them: what the readers hand over (rows with their numbers, merges). */
const ctx = { month: '2026-10', unitCode: '411102', maxRows: 100 };
type Row = Cell[];
const sheet = (rows: Row[], merges: string[] = [], start = 1): RawSheet => ({
  name: '台账',
  rows: rows.map((cells, i) => ({ number: start + i, cells })).filter((r) => r.cells.some((c) => c !== null && c !== '')),
  merges: merges.map((m) => parseRange(m) as CellRange),
});
const code = (n: number) => `2604-411102-04-01-${String(n).padStart(6, '0')}`;

// 序号 项目代码 项目名称 批次 期次 状态 | 投资情况（亿元）: 总投资 年度计划投资 | 完成投资: 1-10月累计 本月 | 开工时间
const TOP: Row = ['序号', '项目代码', '项目名称', '批次', '期次', '项目状态', '投资情况（亿元）', null, '完成投资', null, '开工时间'];
const SUB: Row = [null, null, null, null, null, null, '总投资', '年度计划投资', '1-10月累计', '本月', null];
const MERGES = ['A3:A4', 'B3:B4', 'C3:C4', 'D3:D4', 'E3:E4', 'F3:F4', 'G3:H3', 'I3:J3', 'K3:K4'];
const project = (n: number, over: Record<number, Cell> = {}): Row => {
  const r: Row = [n, code(n), `项目${n}`, '签约一批', '第13期', '在建', 1.5, 0.5, 0.25, 0.05, '2026-05-08'];
  for (const [k, v] of Object.entries(over)) r[Number(k)] = v;
  return r;
};

describe('two-row headers with merged cells', () => {
  it('group row over sub-headers, headers merged vertically, the group’s unit applies to its columns', () => {
    const r = parseLedger(sheet([['源汇区“三个一批”项目月报表（2026年10月）'], ['填报单位：源汇区发改委'], TOP, SUB, project(1), project(2)], ['A1:K1', ...MERGES]), ctx);
    expect(r.errors).toEqual([]);
    expect(r.headerRow).toBe(4);
    // 亿元 from the group header "投资情况（亿元）"; 完成投资 has no unit: the sheet's (万元).
    expect(r.rows[0]).toMatchObject({ projectCode: code(1), batch: '签约', phase: 13, status: '已开工', totalInvestment: 15000, annualPlan: 5000, ytdCompleted: 0.25, monthCompleted: 0.05, startDate: '2026-05-08', sourceRow: 5 });
  });

  it('the same form saved as CSV (no merge information): groups found by the layout', () => {
    const r = parseLedger(sheet([['月报表（2026年10月）'], TOP, SUB, project(1)]), ctx);
    expect(r.errors).toEqual([]);
    expect(r.headerRow).toBe(3);
    expect(r.rows[0]).toMatchObject({ totalInvestment: 15000, annualPlan: 5000, ytdCompleted: 0.25, monthCompleted: 0.05 });
  });

  it('errors name the header as the clerk sees it: the group and the sub-header', () => {
    const r = parseLedger(sheet([TOP, SUB, project(1, { 9: '待定' }), project(2, { 6: '-1' })], MERGES.map((m) => m.replace(/3/g, '1').replace(/4/g, '2'))), ctx);
    expect(r.errors.map((e) => [e.row, e.column, e.value, e.message])).toEqual([
      [3, '完成投资/本月', '待定', '第 3 行“完成投资/本月”：“待定”不是数字'],
      [4, '总投资', '-1', '第 4 行“总投资”：“-1”不能为负数'],
    ]);
  });

  it('a title merged across the table is not taken for a group row: its month is still checked', () => {
    const header = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资'];
    const r = parseLedger(sheet([['××县“三个一批”月报表（2026年1-9月）'], header, [code(1), 'x', '签约', 1, '签约', 1, 1, 1]], ['A1:H1']), ctx);
    expect(r.headerRow).toBe(2);
    expect(r.errors).toEqual([{ code: 'month-mismatch', row: 1, column: null, value: '××县“三个一批”月报表（2026年1-9月）', message: '标题写的是 2026年9月，但本次上传的是 2026年10月的报表' }]);
  });

  it('a header line break, "(单位:亿元)" and the "金额单位：" row', () => {
    const header = ['项目代码', '项目名称', '批次', '期次', '项目状态', '总投资\n(单位:亿元)', '年度计划\n投资', '本年累计\r\n完成投资'];
    const r = parseLedger(sheet([['金额单位：元'], header, [code(1), 'x', '签约', 1, '签约', 2, 10000, 20000]]), ctx);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ totalInvestment: 20000, annualPlan: 1, ytdCompleted: 2 });
    const bad = parseLedger(sheet([header, [code(1), 'x', '签约', 1, '签约', 2, 'x', 1]]), ctx);
    expect(bad.errors[0].column).toBe('年度计划投资');
  });
});

describe('rows around the data', () => {
  const HEADER = ['序号', '项目代码', '项目名称', '批次', '期次', '项目状态', '总投资', '年度计划投资', '本年累计完成投资', '备注'];
  const p = (n: number, over: Record<number, Cell> = {}): Row => {
    const r: Row = [n, code(n), `项目${n}`, '签约', 1, '已签约', 100 * n, 10 * n, n, null];
    for (const [k, v] of Object.entries(over)) r[Number(k)] = v;
    return r;
  };

  it('a 合计 row that agrees is skipped silently; one that disagrees is a warning naming the row and column', () => {
    const ok = parseLedger(sheet([HEADER, p(1), p(2), ['合计', null, null, null, null, null, 300, 30, 3]]), ctx);
    expect(ok.warnings).toEqual([]);
    expect(ok.rows).toHaveLength(2);
    // A total rounded to the decimals it shows still agrees.
    const rounded = parseLedger(sheet([HEADER, p(1, { 6: 100.04 }), p(2), ['合计', null, null, null, null, null, '300.0', 30, 3]]), ctx);
    expect(rounded.warnings).toEqual([]);
    const off = parseLedger(sheet([HEADER, ['全县合计', null, null, null, null, null, '1,300', 30, 3.5], p(1), p(2)]), ctx);
    expect(off.errors).toEqual([]);
    expect(off.warnings.map((w) => [w.code, w.row, w.column, w.value, w.message])).toEqual([
      ['sum-mismatch', 2, '总投资', '1,300', '第 2 行“全县合计”的“总投资”为 1,300，与各项目之和 300 不一致（相差 1000），请核对合计或项目数据'],
      ['sum-mismatch', 2, '本年累计完成投资', '3.5', '第 2 行“全县合计”的“本年累计完成投资”为 3.5，与各项目之和 3 不一致（相差 0.5），请核对合计或项目数据'],
    ]);
  });

  it('the 合计 check compares in the column’s own unit (亿元)', () => {
    const h = [...HEADER];
    h[6] = '总投资（亿元）';
    const r = parseLedger(sheet([h, p(1, { 6: 1.25 }), p(2, { 6: 2.5 }), ['合计', null, null, null, null, null, 3.85, 30, 3]]), ctx);
    expect(r.rows.map((x) => x.totalInvestment)).toEqual([12500, 25000]);
    expect(r.warnings[0].message).toBe('第 4 行“合计”的“总投资（亿元）”为 3.85，与各项目之和 3.75 不一致（相差 0.1），请核对合计或项目数据');
  });

  it('小计 rows, a 栏次 row, pre-numbered empty rows, "以下空白" and notes are skipped; 注塑 is a project', () => {
    const r = parseLedger(
      sheet([
        HEADER,
        ['甲', '乙', 1, 2, 3, 4, 5, 6, 7, 8],
        p(1),
        ['小计', null, null, null, null, null, 100, 10, 1],
        p(2, { 2: '注塑产业园' }),
        [3],
        [4, null, null, null, null, null, null, null, null, '以下空白'],
        ['注：金额单位万元'],
        ['填表人 张三'],
      ]),
      ctx,
    );
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => x.projectName)).toEqual(['项目1', '注塑产业园']);
    expect(r.skippedRows).toBe(6);
  });

  it('a merged 批次 cell over several projects applies to each of them; merged amounts are not copied', () => {
    const r = parseLedger(sheet([HEADER, p(1, { 3: '开工一批' }), p(2, { 3: null }), p(3, { 3: null, 6: null })], ['D2:D4', 'G3:G4']), ctx);
    expect(r.rows.map((x) => x.batch)).toEqual(['开工', '开工']);
    expect(r.errors).toEqual([{ code: 'required-empty', row: 4, column: '总投资', value: null, message: '第 4 行“总投资”为空' }]);
  });
});
