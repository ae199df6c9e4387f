import { roundMoney } from '../ledger/cell-values';
import { BATCHES, type Batch, type ComputeRow, type Status, statusAtLeast } from '../ledger/ledger-row';
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
export type Recognized = (row: ComputeRow) => boolean;

const ALL_RECOGNIZED: Recognized = () => true;

/**
 * The additive part of a summary: counts and money of a set of rows, money in whole millionths
 * of a 万元 (stored values are exact to 1e-6 万元, core/ledger/cell-values.ts roundMoney). Integer
 * sums are exact and independent of order (below 2^53 millionths, 9×10^9 万元), so a city's sums
 * are the same whether added over its rows or over its counties' tallies: compute tallies each
 * county once and merges the tallies for cities, the province and the phases.
 */
export interface Tally {
  counts: Counts;
  money: MicroMoney;
  byBatch: Record<Batch, MicroMoney & { projects: number }>;
}

interface MicroMoney {
  total: number;
  annualPlan: number;
  ytdCompleted: number;
}

const micro = (x: number) => Math.round(x * 1e6);
const fromMicro = (m: number) => roundMoney(m / 1e6);
const zeroMoney = (): MicroMoney => ({ total: 0, annualPlan: 0, ytdCompleted: 0 });

export function emptyTally(): Tally {
  return {
    counts: emptyCounts(),
    money: zeroMoney(),
    byBatch: { 签约: { projects: 0, ...zeroMoney() }, 开工: { projects: 0, ...zeroMoney() }, 投产: { projects: 0, ...zeroMoney() } },
  };
}

/**
 * Adds rows to a tally. 已终止 rows are counted in their batch (they stay in every denominator)
 * but never in a numerator, because statusAtLeast puts 已终止 below everything; rows that are
 * not `recognized` likewise (and their 本年累计完成 is in no numerator either).
 */
export function addRows(t: Tally, rows: readonly ComputeRow[], landingCriterion: LandingCriterion, recognized: Recognized = ALL_RECOGNIZED): Tally {
  const landedMin = landedMinOf(landingCriterion);
  for (let i = 0; i < rows.length; i++) addRow(t, rows[i], landedMin, recognized);
  return t;
}

/** The status a 签约 project needs to count as 落地 under the config's criterion. */
export function landedMinOf(landingCriterion: LandingCriterion): Status {
  return landingCriterion === 'started' ? '已开工' : '已落地';
}

/** Adds one row to a tally (addRows; compute's single pass over a month, by unit and phase at once). */
export function addRow(t: Tally, r: ComputeRow, landedMin: Status, recognized: Recognized = ALL_RECOGNIZED): void {
  const c = t.counts;
  const ok = recognized === ALL_RECOGNIZED || recognized(r);
  c.projects++;
  if (r.status === '已终止') c.terminated++;
  const total = micro(r.totalInvestment);
  const plan = micro(r.annualPlan);
  const ytd = ok ? micro(r.ytdCompleted) : 0;
  t.money.total += total;
  t.money.annualPlan += plan;
  t.money.ytdCompleted += ytd;
  const b = t.byBatch[r.batch];
  b.projects++;
  b.total += total;
  b.annualPlan += plan;
  b.ytdCompleted += ytd;
  if (r.batch === '签约') {
    c.signed++;
    if (ok && statusAtLeast(r.status, landedMin)) c.signedLanded++;
    if (ok && statusAtLeast(r.status, '已开工')) c.signedStarted++;
  } else if (r.batch === '开工') {
    c.startBatch++;
    if (ok && statusAtLeast(r.status, '已投产')) c.startBatchInProduction++;
  } else if (r.batch === '投产') {
    c.productionBatch++;
    if (ok && statusAtLeast(r.status, '已达效')) c.productionBatchAtCapacity++;
  }
}

/** Adds `from` into `into` (a city's tally is the sum of its counties'). */
export function mergeTally(into: Tally, from: Tally): Tally {
  for (const k of Object.keys(into.counts) as (keyof Counts)[]) into.counts[k] += from.counts[k];
  const add = (a: MicroMoney, b: MicroMoney) => {
    a.total += b.total;
    a.annualPlan += b.annualPlan;
    a.ytdCompleted += b.ytdCompleted;
  };
  add(into.money, from.money);
  for (const b of BATCHES) {
    into.byBatch[b].projects += from.byBatch[b].projects;
    add(into.byBatch[b], from.byBatch[b]);
  }
  return into;
}

const money = (m: MicroMoney): Investment => ({ total: fromMicro(m.total), annualPlan: fromMicro(m.annualPlan), ytdCompleted: fromMicro(m.ytdCompleted) });

/** The summary (counts, money in 万元, rates) of a tally. */
export function summaryOf(t: Tally): RowSummary {
  const investment = money(t.money);
  const byBatch = Object.fromEntries(BATCHES.map((b) => [b, { projects: t.byBatch[b].projects, ...money(t.byBatch[b]) }])) as unknown as ByBatch;
  return { counts: { ...t.counts }, investment, byBatch, rates: ratesOf(t.counts, investment) };
}

/** Counts rows (projects), as addRows does. */
export function countRows(rows: readonly ComputeRow[], landingCriterion: LandingCriterion, recognized: Recognized = ALL_RECOGNIZED): Counts {
  return addRows(emptyTally(), rows, landingCriterion, recognized).counts;
}

/** Money sums in 万元 over all batches (本年累计完成, the numerator of 投资完成率, of recognized rows only). */
export function sumInvestment(rows: readonly ComputeRow[], recognized: Recognized = ALL_RECOGNIZED): Investment {
  return money(addRows(emptyTally(), rows, 'landed', recognized).money);
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

export function summarize(rows: readonly ComputeRow[], landingCriterion: LandingCriterion, recognized: Recognized = ALL_RECOGNIZED): RowSummary {
  return summaryOf(addRows(emptyTally(), rows, landingCriterion, recognized));
}

/** What an unreported unit shows: zeros and nulls, nothing carried forward. */
export function emptySummary(): RowSummary {
  return { ...summaryOf(emptyTally()), rates: nullRates() };
}
