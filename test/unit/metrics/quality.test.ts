import { describe, expect, it } from 'vitest';
import type { LedgerRow, MonthLedger } from '../../../functions/core/ledger/ledger-row';
import { makeRow } from '../../helpers/rows';
import { dedupeFindings } from '../../../functions/core/metrics/quality/findings';
import { crossMonthChecks } from '../../../functions/core/metrics/quality/month-checks';
import { rowChecks } from '../../../functions/core/metrics/quality/row-checks';

/** One fixed project (same code every call), so cross-month checks can follow it. */
const row = (over: Partial<LedgerRow> = {}) =>
  makeRow({
    unitCode: '411102',
    projectCode: '2104-411102-04-01-000123',
    projectName: '漯河食品产业园',
    batch: '开工',
    status: '已开工',
    annualPlan: 300,
    ytdCompleted: 200,
    sourceRow: 5,
    ...over,
  });

const checks = (fs: readonly { check: string }[]) => fs.map((f) => f.check);

describe('rowChecks', () => {
  it('finds nothing on a clean row', () => {
    expect(
      rowChecks(row({ signedDate: '2026-01-05', landedDate: '2026-02-01', startDate: '2026-03-01' }), '2026-10'),
    ).toEqual([]);
  });

  it('Q3: ytdCompleted above totalInvestment, naming both values', () => {
    const [f, ...rest] = rowChecks(row({ ytdCompleted: 1200.5, totalInvestment: 1000 }), '2026-10');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ check: 'Q3', unitCode: '411102', projectCode: '2104-411102-04-01-000123' });
    expect(f.message).toContain('漯河食品产业园');
    expect(f.message).toContain('1200.5万元');
    expect(f.message).toContain('1000万元');
  });

  it('Q3: equal to totalInvestment is fine', () => {
    expect(rowChecks(row({ ytdCompleted: 1000, totalInvestment: 1000 }), '2026-10')).toEqual([]);
  });

  it('Q7: project code not in the national format', () => {
    for (const code of ['ABC-123', '2104-411102-04-01-00012', '2104411102040100012 3', ' 2104-411102-04-01-000123']) {
      const fs = rowChecks(row({ projectCode: code }), '2026-10');
      expect(checks(fs)).toEqual(['Q7']);
      expect(fs[0].message).toContain('格式');
    }
  });

  it('Q7: region part not a Henan code', () => {
    const fs = rowChecks(row({ projectCode: '2104-110105-04-01-000123' }), '2026-10');
    expect(checks(fs)).toEqual(['Q7']);
    expect(fs[0].message).toContain('110105');
    expect(fs[0].message).toContain('河南');
  });

  it('Q8: dates out of order, skipping missing ones', () => {
    const fs = rowChecks(row({ signedDate: '2026-05-01', landedDate: null, startDate: '2026-04-01' }), '2026-10');
    expect(checks(fs)).toEqual(['Q8']);
    expect(fs[0].message).toContain('签约日期2026-05-01晚于开工日期2026-04-01');
  });

  it('Q8: equal dates are in order', () => {
    const d = '2026-05-01';
    expect(rowChecks(row({ signedDate: d, landedDate: d, startDate: d, productionDate: d }), '2026-10')).toEqual([]);
  });

  it('Q8: a date after the end of the report month', () => {
    const fs = rowChecks(row({ startDate: '2026-11-01' }), '2026-10');
    expect(checks(fs)).toEqual(['Q8']);
    expect(fs[0].message).toContain('2026-10-31');
    // The last day of the month itself is allowed.
    expect(rowChecks(row({ startDate: '2026-10-31' }), '2026-10')).toEqual([]);
    expect(rowChecks(row({ startDate: '2026-02-28' }), '2026-02')).toEqual([]);
  });
});

describe('crossMonthChecks', () => {
  const m = '2026-10';

  it('finds nothing when nothing changed oddly', () => {
    const prev: MonthLedger = { '411102': [row({ ytdCompleted: 150 })] };
    const now: MonthLedger = { '411102': [row({ ytdCompleted: 200, monthCompleted: 50, status: '已投产' })] };
    expect(crossMonthChecks(m, now, prev)).toEqual([]);
  });

  it('Q1: status went down, with both statuses and months in the message', () => {
    const prev: MonthLedger = { '411102': [row({ status: '已开工' })] };
    const now: MonthLedger = { '411102': [row({ status: '已签约' })] };
    const fs = crossMonthChecks(m, now, prev);
    expect(checks(fs)).toEqual(['Q1']);
    expect(fs[0].message).toContain('项目“漯河食品产业园”（2104-411102-04-01-000123）状态由“已开工”');
    expect(fs[0].message).toContain('退回“已签约”');
    expect(fs[0].message).toContain('2026年9月');
    expect(fs[0].message).toContain('2026年10月');
  });

  it('Q1: going to 已终止 is not a step back', () => {
    const prev: MonthLedger = { '411102': [row({ status: '已投产' })] };
    const now: MonthLedger = { '411102': [row({ status: '已终止' })] };
    expect(crossMonthChecks(m, now, prev)).toEqual([]);
  });

  it('Q2: ytdCompleted went down within the year', () => {
    const prev: MonthLedger = { '411102': [row({ ytdCompleted: 250 })] };
    const now: MonthLedger = { '411102': [row({ ytdCompleted: 200 })] };
    const fs = crossMonthChecks(m, now, prev);
    expect(checks(fs)).toEqual(['Q2']);
    expect(fs[0].message).toContain('250万元');
    expect(fs[0].message).toContain('200万元');
  });

  it('Q2: not in January (the year resets)', () => {
    const prev: MonthLedger = { '411102': [row({ ytdCompleted: 900 })] };
    const now: MonthLedger = { '411102': [row({ ytdCompleted: 20 })] };
    expect(crossMonthChecks('2027-01', now, prev)).toEqual([]);
  });

  it('Q4: monthCompleted disagrees with the ytd difference by more than 0.5 万元', () => {
    const prev: MonthLedger = { '411102': [row({ ytdCompleted: 150 })] };
    const bad: MonthLedger = { '411102': [row({ ytdCompleted: 200, monthCompleted: 49.4 })] };
    const fs = crossMonthChecks(m, bad, prev);
    expect(checks(fs)).toEqual(['Q4']);
    expect(fs[0].message).toContain('49.4万元');
    expect(fs[0].message).toContain('50万元');
  });

  it('Q4: a difference of exactly 0.5 万元 is tolerated', () => {
    const prev: MonthLedger = { '411102': [row({ ytdCompleted: 150.2 })] };
    const ok: MonthLedger = { '411102': [row({ ytdCompleted: 200.3, monthCompleted: 49.6 })] };
    expect(crossMonthChecks(m, ok, prev)).toEqual([]);
  });

  it('Q4: in January monthCompleted is compared with ytd(M), even without M−1', () => {
    const bad: MonthLedger = { '411102': [row({ ytdCompleted: 80, monthCompleted: 50 })] };
    expect(checks(crossMonthChecks('2027-01', bad, null))).toEqual(['Q4']);
    const ok: MonthLedger = { '411102': [row({ ytdCompleted: 80, monthCompleted: 80 })] };
    expect(crossMonthChecks('2027-01', ok, { '411102': [row({ ytdCompleted: 700 })] })).toEqual([]);
  });

  it('Q4: not checked when the project is new (not on M−1) outside January, or monthCompleted is empty', () => {
    const now: MonthLedger = { '411102': [row({ ytdCompleted: 200, monthCompleted: 10 })] };
    expect(crossMonthChecks(m, now, null)).toEqual([]);
    expect(crossMonthChecks(m, now, { '411102': [] })).toEqual([]);
    const prev: MonthLedger = { '411102': [row({ ytdCompleted: 150 })] };
    expect(crossMonthChecks(m, { '411102': [row({ ytdCompleted: 200, monthCompleted: null })] }, prev)).toEqual([]);
  });

  it('Q5: the same project code in two units, one finding per unit', () => {
    const now: MonthLedger = {
      '411103': [row({ unitCode: '411103' })],
      '411102': [row()],
      '411104': [row({ unitCode: '411104', projectCode: '2104-411104-04-01-000001' })],
    };
    const fs = crossMonthChecks(m, now, null);
    expect(fs.map((f) => [f.check, f.unitCode])).toEqual([
      ['Q5', '411102'],
      ['Q5', '411103'],
    ]);
    expect(fs[0].message).toContain('郾城区');
    expect(fs[1].message).toContain('源汇区');
  });

  it('Q6: a project of M−1 missing in M without being 已终止', () => {
    const prev: MonthLedger = {
      '411102': [row(), row({ projectCode: '2104-411102-04-01-000999', projectName: '已终止项目', status: '已终止' })],
    };
    const now: MonthLedger = { '411102': [row({ projectCode: '2104-411102-04-01-000555', projectName: '新项目' })] };
    const fs = crossMonthChecks(m, now, prev);
    expect(fs.map((f) => [f.check, f.projectCode])).toEqual([['Q6', '2104-411102-04-01-000123']]);
    expect(fs[0].message).toContain('2026年9月');
    expect(fs[0].message).toContain('缺失');
    expect(fs[0].message).toContain('已终止');
  });

  it('Q6: not raised for units that did not report in M (they are 未报送)', () => {
    const prev: MonthLedger = { '411102': [row()] };
    expect(crossMonthChecks(m, {}, prev)).toEqual([]);
  });

  it('orders findings by unit, project, check', () => {
    const prev: MonthLedger = {
      '411103': [row({ unitCode: '411103', projectCode: '2104-411103-04-01-000002', status: '已投产', ytdCompleted: 300 })],
      '411102': [row({ projectCode: '2104-411102-04-01-000009', status: '已投产' })],
    };
    const now: MonthLedger = {
      '411103': [row({ unitCode: '411103', projectCode: '2104-411103-04-01-000002', status: '已开工', ytdCompleted: 100 })],
      '411102': [row({ projectCode: '2104-411102-04-01-000009', status: '已落地' })],
    };
    const fs = crossMonthChecks(m, now, prev);
    expect(fs.map((f) => `${f.unitCode} ${f.check}`)).toEqual(['411102 Q1', '411103 Q1', '411103 Q2']);
  });
});

describe('dedupeFindings', () => {
  it('drops exact repeats and sorts', () => {
    const a = { check: 'Q3' as const, unitCode: '411102', projectCode: 'p2', message: 'x' };
    const b = { check: 'Q1' as const, unitCode: '411102', projectCode: 'p1', message: 'y' };
    expect(dedupeFindings([a, b, { ...a }])).toEqual([b, a]);
  });
});
