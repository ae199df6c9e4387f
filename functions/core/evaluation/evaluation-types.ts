/** The `evaluation.json` contract (docs/metrics.md, "年度考评", schemaVersion 1). Change only by adding fields. */
import type { RateMap, UnitResult } from '../metrics/rates-types';
import type { Config } from '../shared/config';

export type EvaluationWeights = Config['scoreWeights'];

/** One month of the year as a unit's evaluation used it. */
export interface EvaluationMonthOfUnit {
  month: string;
  /** The unit had an accepted upload that month (a city: at least one of its reporting units). */
  reported: boolean;
  /** The month's five rates with key-industry projects weighted (null: no denominator, or unreported). */
  rates: RateMap<number | null>;
  /** Key-industry projects on the unit's ledger that month (null when no ledger was read: extraWeight 0). */
  keyProjects: number | null;
}

export interface EvaluationUnit {
  level: UnitResult['level'];
  code: string;
  name: string;
  cityCode: string | null;
  /** Months of `months` (the months used) in which the unit reported. */
  monthsReported: number;
  /** The components: each rate's mean over the months counted (see docs/metrics.md); null when none counted. */
  rates: RateMap<number | null>;
  /** 年度得分, 0–100, unrounded: the weighted mean of the components. Null: no weighted component. */
  score: number | null;
  /** Rank of the printed score among the peers (19 city-level units, or 158 reporting units); null for the province. */
  rank: number | null;
  months: EvaluationMonthOfUnit[];
}

export interface EvaluationMonth {
  month: string;
  /** The published version the month's rates.json is; null for a draft (the month still open). */
  version: number | null;
  reportedUnits: number;
  /** Key-industry projects on the province's ledger that month (null: no ledger read). */
  keyProjects: number | null;
}

export interface SkippedMonth {
  month: string;
  /** Why, in Chinese, for people. */
  reason: string;
}

export interface EvaluationDoc {
  schemaVersion: 1;
  year: number;
  generatedAt: string;
  config: {
    weights: EvaluationWeights;
    keyIndustries: { keywords: string[]; extraWeight: number };
    unreportedMonths: 'zero' | 'skip';
  };
  /** The months used, in order. */
  months: EvaluationMonth[];
  /** Months of the year not used (no computed rates.json, or no matching ledger copy). */
  skippedMonths: SkippedMonth[];
  /** The province: components and score, not ranked. */
  province: EvaluationUnit;
  /** The 19 city-level units, in code order. */
  cities: EvaluationUnit[];
  /** The 158 reporting units, in code order. */
  units: EvaluationUnit[];
}
