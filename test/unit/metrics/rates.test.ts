import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../../functions/core/ledger/ledger-row';
import { makeRow } from '../../helpers/rows';
import { countRows, ratio, summarize, sumInvestment } from '../../../functions/core/metrics/rates';

const row = (over: Partial<LedgerRow> = {}) => makeRow({ ytdCompleted: 50, ...over });

describe('ratio', () => {
  it('is null for a zero denominator, never 0 or 1', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
    expect(ratio(3, 4)).toBe(0.75);
  });
});

describe('summarize', () => {
  it('gives all-null rates and zero counts for no rows', () => {
    const s = summarize([], 'landed');
    expect(s.rates).toEqual({
      signingLanding: null,
      start: null,
      investmentCompletion: null,
      production: null,
      efficiency: null,
    });
    expect(s.counts.projects).toBe(0);
    expect(s.investment).toEqual({ total: 0, annualPlan: 0, ytdCompleted: 0 });
  });

  const rows = [
    // 签约 batch: 4 rows, 已终止 stays in the denominator.
    row({ batch: '签约', status: '已签约' }),
    row({ batch: '签约', status: '已落地' }),
    row({ batch: '签约', status: '已开工' }),
    row({ batch: '签约', status: '已终止' }),
    // 开工 batch: 2 of 3 in production (已达效 ≥ 已投产).
    row({ batch: '开工', status: '已开工' }),
    row({ batch: '开工', status: '已投产' }),
    row({ batch: '开工', status: '已达效' }),
    // 投产 batch: 1 of 3 at capacity; 已终止 counted in the denominator.
    row({ batch: '投产', status: '已投产' }),
    row({ batch: '投产', status: '已达效' }),
    row({ batch: '投产', status: '已终止' }),
  ];

  it('counts per batch with 已终止 in denominators, never numerators', () => {
    expect(countRows(rows, 'landed')).toEqual({
      projects: 10,
      signed: 4,
      signedLanded: 2,
      signedStarted: 1,
      startBatch: 3,
      startBatchInProduction: 2,
      productionBatch: 3,
      productionBatchAtCapacity: 1,
      terminated: 2,
    });
    const r = summarize(rows, 'landed').rates;
    expect(r.signingLanding).toBe(0.5);
    expect(r.start).toBe(0.25);
    expect(r.production).toBeCloseTo(2 / 3, 12);
    expect(r.efficiency).toBeCloseTo(1 / 3, 12);
  });

  it("with landingCriterion 'started', 落地 means status ≥ 已开工", () => {
    const s = summarize(rows, 'started');
    expect(s.counts.signedLanded).toBe(1);
    expect(s.rates.signingLanding).toBe(0.25);
    expect(s.rates.start).toBe(0.25);
  });

  it('counts later statuses (已达效) of the 签约 batch as landed and started', () => {
    const s = summarize([row({ status: '已达效' }), row({ status: '已投产' })], 'landed');
    expect(s.rates.signingLanding).toBe(1);
    expect(s.rates.start).toBe(1);
  });

  it('gives null count rates for batches that have no rows', () => {
    const s = summarize([row({ batch: '开工', status: '已开工' })], 'landed');
    expect(s.rates.signingLanding).toBeNull();
    expect(s.rates.start).toBeNull();
    expect(s.rates.efficiency).toBeNull();
    expect(s.rates.production).toBe(0);
  });

  it('sums money over all batches for 投资完成率', () => {
    const money = [
      row({ batch: '签约', totalInvestment: 500, annualPlan: 100, ytdCompleted: 30 }),
      row({ batch: '开工', totalInvestment: 800, annualPlan: 200, ytdCompleted: 150 }),
      row({ batch: '投产', status: '已终止', totalInvestment: 200, annualPlan: 100, ytdCompleted: 0 }),
    ];
    expect(sumInvestment(money)).toEqual({ total: 1500, annualPlan: 400, ytdCompleted: 180 });
    expect(summarize(money, 'landed').rates.investmentCompletion).toBe(0.45);
  });

  it('gives a null 投资完成率 when the annual plan is zero, even with money spent', () => {
    const s = summarize([row({ annualPlan: 0, ytdCompleted: 20 })], 'landed');
    expect(s.rates.investmentCompletion).toBeNull();
  });
});

describe('money sums', () => {
  it('carry no binary dust into rates.json', () => {
    const inv = sumInvestment([row({ annualPlan: 0.1, ytdCompleted: 0.1 }), row({ annualPlan: 0.2, ytdCompleted: 0.2 })]);
    expect(inv.annualPlan).toBe(0.3);
    expect(inv.ytdCompleted).toBe(0.3);
  });
});
