/**
 * The year so far, for the bulletin's 1—M月 trend and the portal's 本年各月 (issue 13): what each
 * month's latest rates.json said about each unit's three headline rates and their printed ranks.
 * Kept small (a point per unit and month, not the month's whole document) so a report or a portal
 * request holds a year of history at no cost. Pure (the reading: trend-history.ts).
 *
 * A month without a rates.json, or a unit that did not report in it, is a gap (null), never a
 * zero: a county that sent nothing in March did not have a 0% 开工率 in March.
 */
import { parseMonth, formatMonth } from '../shared/months';
import type { RatesDoc, UnitResult } from '../metrics/rates-types';

/** The rates a trend follows: the three headline rates the province tracks month by month. */
export const TREND_KEYS = ['signingLanding', 'start', 'investmentCompletion'] as const;
export type TrendKey = (typeof TREND_KEYS)[number];

export type TrendRates = Record<TrendKey, number | null>;

/** One month of one year: each unit's headline rates (`{level}/{code}`). */
export interface MonthPoint {
  month: string;
  /** The published version the document is; null for a draft (computed while the month is open). */
  version: number | null;
  units: Record<string, TrendRates>;
  /**
   * The same units' ranks of the three rates as the bulletin prints them: a county within its
   * city (rankInCity), a city-level unit among the 19 (rank); the province has none (nulls).
   */
  ranks: Record<string, TrendRates>;
}

export const unitKey = (u: Pick<UnitResult, 'level' | 'code'>): string => `${u.level}/${u.code}`;

const headline = (m: Partial<Record<TrendKey, number | null>> | undefined): TrendRates => ({
  signingLanding: m?.signingLanding ?? null,
  start: m?.start ?? null,
  investmentCompletion: m?.investmentCompletion ?? null,
});

/** The month's point: every unit that reported, with its three rates and their printed ranks. */
export function monthPoint(doc: RatesDoc): MonthPoint {
  const units: Record<string, TrendRates> = {};
  const ranks: Record<string, TrendRates> = {};
  for (const u of doc.units) {
    if (!u.reported) continue;
    units[unitKey(u)] = headline(u.rates);
    ranks[unitKey(u)] = headline(u.level === 'county' ? u.rankInCity : u.rank);
  }
  return { month: doc.month, version: doc.version ?? null, units, ranks };
}

/** The months of the year before `month` (January … M−1), which the history loader reads. */
export function earlierMonthsOfYear(month: string): string[] {
  const { year, month: m } = parseMonth(month);
  return Array.from({ length: m - 1 }, (_, i) => formatMonth(year, i + 1));
}

/** January … M of the year, with the points known (null for a month never computed). */
export interface YearSeries {
  months: string[];
  points: (MonthPoint | null)[];
}

export function yearSeries(doc: RatesDoc, history: readonly (MonthPoint | null)[]): YearSeries {
  const months = [...earlierMonthsOfYear(doc.month), doc.month];
  const byMonth = new Map(history.filter((p): p is MonthPoint => p !== null).map((p) => [p.month, p]));
  byMonth.set(doc.month, monthPoint(doc));
  return { months, points: months.map((m) => byMonth.get(m) ?? null) };
}

/** One unit's values of one rate, month by month (null: a gap). */
export function unitSeries(series: YearSeries, key: string, rate: TrendKey): (number | null)[] {
  return series.points.map((p) => p?.units[key]?.[rate] ?? null);
}
