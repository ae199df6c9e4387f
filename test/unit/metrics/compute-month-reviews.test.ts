import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/shared/config';
import type { LedgerRow, MonthLedger } from '../../../functions/core/ledger/ledger-row';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import type { ReviewRecord } from '../../../functions/core/review/review';
import { makeRow } from '../../helpers/rows';

/*
 * 漯河 411100: 源汇区 411102 and 郾城区 411103 report. The city returns 郾城区's upload and
 * marks one 源汇区 project 不予认定.
 */
const YH = '411102';
const YC = '411103';
const row = (unitCode: string, over: Partial<LedgerRow> = {}) => makeRow({ ...over, unitCode });

const Y1 = row(YH, { status: '已开工', annualPlan: 100, ytdCompleted: 80 });
const Y2 = row(YH, { status: '已开工', annualPlan: 100, ytdCompleted: 60 }); // 不予认定
const Y3 = row(YH, { status: '已签约', annualPlan: 100, ytdCompleted: 10 });
const Y4 = row(YH, { batch: '开工', status: '已投产', annualPlan: 50, ytdCompleted: 50 });
const C1 = row(YC, { status: '已落地', annualPlan: 100, ytdCompleted: 100 });
const ledger: MonthLedger = { [YH]: [Y1, Y2, Y3, Y4], [YC]: [C1] };
const uploadIds = { [YH]: 'aaaaaaaaaaaaaaaa', [YC]: 'bbbbbbbbbbbbbbbb' };

const review = (over: Partial<ReviewRecord>): ReviewRecord => ({
  month: '2026-10',
  unitCode: YH,
  uploadId: uploadIds[YH],
  decision: 'approved',
  reason: null,
  unrecognized: [],
  by: 'c1',
  at: '2026-11-02T00:00:00Z',
  ...over,
});

const reviews: ReviewRecord[] = [
  review({ unrecognized: [{ projectCode: Y2.projectCode, reason: '无立项手续' }] }),
  review({ unitCode: YC, uploadId: uploadIds[YC], decision: 'returned', reason: '数据不全' }),
];

const compute = (unrecognizedInDenominator: boolean, rs: ReviewRecord[] = reviews) =>
  computeMonth({ month: '2026-10', ledger, previous: null, config: parseConfig({ review: { unrecognizedInDenominator } }), rejectedUnits: [], reviews: rs, uploadIds });
const unitOf = (doc: ReturnType<typeof compute>, level: string, code: string) => doc.units.find((u) => u.level === level && u.code === code)!;

describe('computeMonth with the city’s reviews', () => {
  it('counts a returned unit as 报送未通过: its rows in no rate', () => {
    const doc = compute(true);
    expect(doc.unreported).toContain(YC);
    expect(doc.rejected).toEqual([YC]);
    expect(doc.returned).toEqual([YC]);
    const yc = unitOf(doc, 'county', YC);
    expect(yc).toMatchObject({ reported: false, score: null });
    expect(yc.rates.signingLanding).toBeNull();
    const city = unitOf(doc, 'city', '411100');
    expect(city.reportedUnits).toBe(1);
    expect(city.counts.projects).toBe(4); // 源汇区's only
  });

  it('counts a 不予认定 project in no numerator, in the denominators by default', () => {
    const doc = compute(true);
    const yh = unitOf(doc, 'county', YH);
    // 签约: Y1 (started), Y2 (not recognised), Y3 → landed 1 of 3, started 1 of 3
    expect(yh.counts).toMatchObject({ projects: 4, signed: 3, signedLanded: 1, signedStarted: 1, startBatch: 1, startBatchInProduction: 1 });
    // 投资完成率: (80 + 10 + 50) ÷ (100 + 100 + 100 + 50); Y2's 60 is not counted
    expect(yh.investment).toEqual({ total: 4000, annualPlan: 350, ytdCompleted: 140 });
    expect(yh.rates.investmentCompletion).toBeCloseTo(140 / 350, 12);
    expect(yh.unrecognized).toBe(1);
    expect(unitOf(doc, 'city', '411100').unrecognized).toBe(1);
    expect(unitOf(doc, 'province', '410000').unrecognized).toBe(1);
    expect(doc.unrecognized).toEqual([{ unitCode: YH, projectCode: Y2.projectCode, projectName: Y2.projectName, reason: '无立项手续' }]);
  });

  it('with unrecognizedInDenominator false, counts it in nothing', () => {
    const yh = unitOf(compute(false), 'county', YH);
    expect(yh.counts).toMatchObject({ projects: 3, signed: 2, signedLanded: 1, signedStarted: 1 });
    expect(yh.investment).toEqual({ total: 3000, annualPlan: 250, ytdCompleted: 140 });
    expect(yh.rates.signingLanding).toBe(0.5);
  });

  it('keeps a 不予认定 project in the quality checks (it stays on the ledger)', () => {
    const bad = row(YH, { status: '已签约', projectCode: 'BAD-CODE' });
    const doc = computeMonth({
      month: '2026-10',
      ledger: { [YH]: [bad] },
      previous: null,
      config: parseConfig({ review: { unrecognizedInDenominator: false } }),
      reviews: [review({ unrecognized: [{ projectCode: 'BAD-CODE', reason: '代码不规范' }] })],
      uploadIds,
    });
    expect(doc.quality.some((q) => q.projectCode === 'BAD-CODE' && q.check === 'Q7')).toBe(true);
  });

  it('ignores a review of another upload of the unit (a re-upload starts unreviewed)', () => {
    const stale = reviews.map((r) => ({ ...r, uploadId: 'cccccccccccccccc' }));
    const doc = compute(true, stale);
    expect(doc.returned).toEqual([]);
    expect(doc.unrecognized).toEqual([]);
    expect(unitOf(doc, 'county', YC).reported).toBe(true);
    expect(unitOf(doc, 'county', YH).counts.signedStarted).toBe(2);
  });

  it('writes the same numbers as without reviews when nothing is returned or marked', () => {
    const plain = computeMonth({ month: '2026-10', ledger, previous: null, config: parseConfig({}), rejectedUnits: [] });
    const approved = computeMonth({ month: '2026-10', ledger, previous: null, config: parseConfig({}), rejectedUnits: [], reviews: [review({})], uploadIds });
    const { returned, unrecognized, ...rest } = approved;
    expect(returned).toEqual([]);
    expect(unrecognized).toEqual([]);
    expect({ ...rest, units: rest.units.map(({ unrecognized: n, ...u }) => (expect(n).toBe(0), u)) }).toEqual(plain);
  });
});
