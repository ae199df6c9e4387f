/**
 * 年度考评: the year's score of every unit from the months' rates.json (docs/metrics.md, "年度考评").
 * Pure: the months come in already read (functions/evaluate/ reads them).
 *
 * Per unit and rate, the component is the mean of the month's (key-weighted) rate over the
 * months counted; the 年度得分 is the weighted mean of the components, the same formula as the
 * month's 综合得分 (metrics/score.ts). Ranked as every score is: on the printed value (0.1 分),
 * competition ranking (metrics/rank.ts).
 */
import type { RatesDoc, RateMap, UnitResult } from '../metrics/rates-types';
import { RATE_KEYS } from '../metrics/rates-types';
import { nullRates } from '../metrics/rates';
import { competitionRanks } from '../metrics/rank';
import { computeScore } from '../metrics/score';
import type { Config } from '../shared/config';
import { CITIES, PROVINCE_CODE, PROVINCE_NAME, REPORTING_UNITS } from '../shared/divisions';
import { printedScore } from '../shared/printed';
import type { EvaluationDoc, EvaluationMonthOfUnit, EvaluationUnit, EvaluationWeights, SkippedMonth } from './evaluation-types';
import type { KeyFigures } from './key-industry';
import { weightedRates } from './weighted-rates';

/** One month used: its rates.json and, when key projects weigh more, each unit's key figures. */
export interface EvaluationMonthInput {
  doc: RatesDoc;
  /** Key figures by unit code (keyFiguresOf); null when extraWeight is 0 (no ledger read). */
  key: Map<string, KeyFigures> | null;
}

export interface EvaluateYearInput {
  year: number;
  /** The months used, any order (sorted here); each must be of `year`. */
  months: EvaluationMonthInput[];
  skippedMonths: SkippedMonth[];
  config: Config;
  generatedAt: string;
}

/** The weights the year is scored with: `evaluation.weights`, else the month's `scoreWeights`. */
export function evaluationWeights(config: Config): EvaluationWeights {
  return config.evaluation.weights ?? config.scoreWeights;
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * The components of one unit: each rate's mean over the months counted. A reported month
 * counts its rate when it has one (a zero denominator drops out, as in the month's score). An
 * unreported month, with `unreportedMonths: zero`, counts 0 for each rate the unit had in a
 * reported month of the year — or for every rate if it reported in none; with `skip` it drops out.
 */
export function components(months: readonly EvaluationMonthOfUnit[], mode: 'zero' | 'skip'): RateMap<number | null> {
  const reportedAny = months.some((m) => m.reported);
  const out = nullRates();
  for (const k of RATE_KEYS) {
    const had = !reportedAny || months.some((m) => m.reported && m.rates[k] !== null);
    const values: number[] = [];
    for (const m of months) {
      if (m.reported) {
        if (m.rates[k] !== null) values.push(m.rates[k]!);
      } else if (mode === 'zero' && had) values.push(0);
    }
    out[k] = mean(values);
  }
  return out;
}

type Level = UnitResult['level'];

export function evaluateYear(input: EvaluateYearInput): EvaluationDoc {
  const { year, config } = input;
  const months = [...input.months].sort((a, b) => a.doc.month.localeCompare(b.doc.month));
  for (const m of months) {
    if (!m.doc.month.startsWith(`${year}-`)) throw new Error(`${m.doc.month} 不属于 ${year} 年`);
  }
  const weights = evaluationWeights(config);
  const { keywords, extraWeight } = config.evaluation.keyIndustries;
  const mode = config.evaluation.unreportedMonths;

  // The frame of units is the divisions' (as rates.json's): a year with no month used still lists them all.
  const byMonth = months.map((m) => ({ m, units: new Map(m.doc.units.map((u) => [`${u.level}#${u.code}`, u])) }));

  const unitOf = (level: Level, code: string, name: string, cityCode: string | null): EvaluationUnit => {
    const monthly: EvaluationMonthOfUnit[] = byMonth.map(({ m, units }) => {
      const u = units.get(`${level}#${code}`);
      const key = m.key?.get(code) ?? null;
      const reported = u?.reported === true;
      return {
        month: m.doc.month,
        reported,
        rates: reported ? weightedRates(u!.counts, u!.investment, key, extraWeight) : nullRates(),
        keyProjects: m.key ? (reported && key ? key.counts.projects : 0) : null,
      };
    });
    const rates = components(monthly, mode);
    return {
      level,
      code,
      name,
      cityCode,
      monthsReported: monthly.filter((x) => x.reported).length,
      rates,
      score: computeScore(rates, weights),
      rank: null,
      months: monthly,
    };
  };

  const province = unitOf('province', PROVINCE_CODE, PROVINCE_NAME, null);
  const cities = CITIES.map((c) => unitOf('city', c.code, c.name, c.code));
  const units = REPORTING_UNITS.map((d) => unitOf('county', d.code, d.name, d.cityCode));
  for (const peers of [cities, units]) {
    const ranks = competitionRanks(peers.map((u) => printedScore(u.score)));
    peers.forEach((u, i) => (u.rank = ranks[i]));
  }

  return {
    schemaVersion: 1,
    year,
    generatedAt: input.generatedAt,
    config: { weights: { ...weights }, keyIndustries: { keywords: [...keywords], extraWeight }, unreportedMonths: mode },
    months: months.map(({ doc, key }) => ({
      month: doc.month,
      version: doc.version ?? null,
      reportedUnits: doc.units.filter((u) => u.level === 'county' && u.reported).length,
      keyProjects: key ? (key.get(PROVINCE_CODE)?.counts.projects ?? 0) : null,
    })),
    skippedMonths: [...input.skippedMonths].sort((a, b) => a.month.localeCompare(b.month)),
    province,
    cities,
    units,
  };
}
