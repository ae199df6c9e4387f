/**
 * The year so far, for the bulletin's 1—M月 trend (issue 13): what each earlier month's published
 * rates.json said about each unit's three headline rates. Kept small (a point per unit and month,
 * not the month's whole document) so a report holds a year of history at no cost. Pure.
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
  units: Record<string, TrendRates>;
}

export const unitKey = (u: Pick<UnitResult, 'level' | 'code'>): string => `${u.level}/${u.code}`;

/** The month's point: every unit that reported, with its three rates. */
export function monthPoint(doc: RatesDoc): MonthPoint {
  const units: Record<string, TrendRates> = {};
  for (const u of doc.units) {
    if (!u.reported) continue;
    units[unitKey(u)] = { signingLanding: u.rates.signingLanding, start: u.rates.start, investmentCompletion: u.rates.investmentCompletion };
  }
  return { month: doc.month, units };
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
