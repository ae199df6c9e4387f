import { roundMoney } from '../ledger/cell-values';
import type { LedgerRow } from '../ledger/ledger-row';
import { statusAtLeast } from '../ledger/ledger-row';
import type { ByBatch, Counts, Investment, RateMap } from './rates-types';
import type { Config } from '../shared/config';

/** Counts, money and the five rates of one set of rows (a unit, a city, the province, a phase). */
export interface RowSummary {
  counts: Counts;
  investment: Investment;
  byBatch: ByBatch;
  rates: RateMap<number | null>;
}

export type LandingCriterion = Config['landingCriterion'];

export function emptyCounts(): Counts {
  return {
    projects: 0,
    signed: 0,
    signedLanded: 0,
    signedStarted: 0,
    startBatch: 0,
    startBatchInProduction: 0,
    productionBatch: 0,
    productionBatchAtCapacity: 0,
    terminated: 0,
  };
}

export function emptyInvestment(): Investment {
  return { total: 0, annualPlan: 0, ytdCompleted: 0 };
}

export function nullRates<T = number>(): RateMap<T | null> {
  return { signingLanding: null, start: null, investmentCompletion: null, production: null, efficiency: null };
}

/**
 * Whether a row may count in a numerator: false for a project its city marked 不予认定 (it stays
 * in the denominators when the config keeps it there; docs/metrics.md "不予认定").
 */
export type Recognized = (row: LedgerRow) => boolean;

const ALL_RECOGNIZED: Recognized = () => true;

/**
 * Counts rows (projects). 已终止 rows are counted in their batch (they stay in every
 * denominator) but never in a numerator, because statusAtLeast puts 已终止 below everything;
 * rows that are not `recognized` likewise.
 */
export function countRows(rows: readonly LedgerRow[], landingCriterion: LandingCriterion, recognized: Recognized = ALL_RECOGNIZED): Counts {
  const landedMin = landingCriterion === 'started' ? '已开工' : '已落地';
  const c = emptyCounts();
  for (const r of rows) {
    c.projects++;
    if (r.status === '已终止') c.terminated++;
    if (!recognized(r)) {
      if (r.batch === '签约') c.signed++;
      else if (r.batch === '开工') c.startBatch++;
      else if (r.batch === '投产') c.productionBatch++;
      continue;
    }
    if (r.batch === '签约') {
      c.signed++;
      if (statusAtLeast(r.status, landedMin)) c.signedLanded++;
      if (statusAtLeast(r.status, '已开工')) c.signedStarted++;
    } else if (r.batch === '开工') {
      c.startBatch++;
      if (statusAtLeast(r.status, '已投产')) c.startBatchInProduction++;
    } else if (r.batch === '投产') {
      c.productionBatch++;
      if (statusAtLeast(r.status, '已达效')) c.productionBatchAtCapacity++;
    }
  }
  return c;
}

/** Money sums in 万元 over all batches (本年累计完成, the numerator of 投资完成率, of recognized rows only). */
export function sumInvestment(rows: readonly LedgerRow[], recognized: Recognized = ALL_RECOGNIZED): Investment {
  const inv = emptyInvestment();
  for (const r of rows) {
    inv.total += r.totalInvestment;
    inv.annualPlan += r.annualPlan;
    if (recognized(r)) inv.ytdCompleted += r.ytdCompleted;
  }
  // Stored values are exact to 1e-6 万元; keep the sums so (no 0.30000000000000004 in rates.json).
  return { total: roundMoney(inv.total), annualPlan: roundMoney(inv.annualPlan), ytdCompleted: roundMoney(inv.ytdCompleted) };
}

/** A rate with a zero denominator is unknown, not 0% or 100% (docs/metrics.md). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function ratesOf(counts: Counts, investment: Investment): RateMap<number | null> {
  return {
    signingLanding: ratio(counts.signedLanded, counts.signed),
    start: ratio(counts.signedStarted, counts.signed),
    investmentCompletion: ratio(investment.ytdCompleted, investment.annualPlan),
    production: ratio(counts.startBatchInProduction, counts.startBatch),
    efficiency: ratio(counts.productionBatchAtCapacity, counts.productionBatch),
  };
}

/** Projects and money per batch. */
export function sumByBatch(rows: readonly LedgerRow[], recognized: Recognized = ALL_RECOGNIZED): ByBatch {
  const split = { 签约: [] as LedgerRow[], 开工: [] as LedgerRow[], 投产: [] as LedgerRow[] };
  for (const r of rows) split[r.batch].push(r);
  const figures = (rs: LedgerRow[]) => ({ projects: rs.length, ...sumInvestment(rs, recognized) });
  return { 签约: figures(split.签约), 开工: figures(split.开工), 投产: figures(split.投产) };
}

export function summarize(rows: readonly LedgerRow[], landingCriterion: LandingCriterion, recognized: Recognized = ALL_RECOGNIZED): RowSummary {
  const counts = countRows(rows, landingCriterion, recognized);
  const investment = sumInvestment(rows, recognized);
  return { counts, investment, byBatch: sumByBatch(rows, recognized), rates: ratesOf(counts, investment) };
}

/** What an unreported unit shows: zeros and nulls, nothing carried forward. */
export function emptySummary(): RowSummary {
  return { counts: emptyCounts(), investment: emptyInvestment(), byBatch: sumByBatch([]), rates: nullRates() };
}
