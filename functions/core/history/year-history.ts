/**
 * A year's history per unit, for trends (the bulletin's 1–M月 section, the portal's unit page):
 * for each month of the year, whether the unit reported, its three headline rates and their
 * ranks. A month the unit did not report — or a month not computed at all — is a gap (null),
 * never a zero: a line chart must break there, not fall to the axis. Pure: the months' rates.json
 * come in already read (functions/adapters/aws/year-rates.ts).
 */
import type { RatesDoc, UnitResult } from '../metrics/rates-types';
import { formatMonth, timeProgress } from '../shared/months';

/** The three rates the bulletin heads with (每月通报签约落地率、项目开工率、投资完成率). */
export const HEADLINE_KEYS = ['signingLanding', 'start', 'investmentCompletion'] as const;
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];
export type Headline<T> = Record<HeadlineKey, T>;

export interface HistoryPoint {
  month: string;
  /** Whether the month was computed at all (a rates.json exists). */
  computed: boolean;
  /** Null when the month was not computed. */
  reported: boolean | null;
  /** Null for a gap (not computed, not reported); a rate itself null when it has no denominator. */
  rates: Headline<number | null> | null;
  rank: Headline<number | null> | null;
  score: number | null;
  scoreRank: number | null;
}

export interface UnitHistory {
  level: UnitResult['level'];
  code: string;
  name: string;
  cityCode: string | null;
  /** Twelve points, January to December. */
  points: HistoryPoint[];
}

export interface YearHistory {
  year: number;
  /** The twelve months, and 时序进度 of each (the 投资完成率 chart's reference line). */
  months: { month: string; computed: boolean; timeProgress: number }[];
  /** Every unit of the months computed (rates.json's order: province, the 19, the 158). */
  units: UnitHistory[];
}

const pick = <T>(m: Record<HeadlineKey, T>): Headline<T> => ({ signingLanding: m.signingLanding, start: m.start, investmentCompletion: m.investmentCompletion });

function pointOf(month: string, u: UnitResult | undefined, computed: boolean): HistoryPoint {
  if (!computed || !u) return { month, computed, reported: computed ? false : null, rates: null, rank: null, score: null, scoreRank: null };
  if (!u.reported) return { month, computed, reported: false, rates: null, rank: null, score: null, scoreRank: null };
  return { month, computed, reported: true, rates: pick(u.rates), rank: pick(u.rank), score: u.score, scoreRank: u.scoreRank ?? null };
}

export function buildYearHistory(year: number, docs: readonly RatesDoc[]): YearHistory {
  const byMonth = new Map<string, Map<string, UnitResult>>();
  const frame: UnitResult[] = [];
  const seen = new Set<string>();
  for (const doc of [...docs].sort((a, b) => a.month.localeCompare(b.month))) {
    if (!doc.month.startsWith(`${year}-`)) throw new Error(`${doc.month} 不属于 ${year} 年`);
    byMonth.set(doc.month, new Map(doc.units.map((u) => [`${u.level}#${u.code}`, u])));
    for (const u of doc.units) {
      const id = `${u.level}#${u.code}`;
      if (!seen.has(id)) (seen.add(id), frame.push(u));
    }
  }
  const months = Array.from({ length: 12 }, (_, i) => formatMonth(year, i + 1));
  return {
    year,
    months: months.map((month) => ({ month, computed: byMonth.has(month), timeProgress: timeProgress(month) })),
    units: frame.map((u) => ({
      level: u.level,
      code: u.code,
      name: u.name,
      cityCode: u.cityCode,
      points: months.map((month) => pointOf(month, byMonth.get(month)?.get(`${u.level}#${u.code}`), byMonth.has(month))),
    })),
  };
}
