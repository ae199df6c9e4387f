/** The `rates.json` contract (docs/metrics.md, schemaVersion 1). Change only by adding fields. */

export const RATE_KEYS = ['signingLanding', 'start', 'investmentCompletion', 'production', 'efficiency'] as const;
export type RateKey = (typeof RATE_KEYS)[number];

export const RATE_NAMES: Record<RateKey, string> = {
  signingLanding: '签约落地率',
  start: '开工率',
  investmentCompletion: '投资完成率',
  production: '投产率',
  efficiency: '达效率',
};

export type RateMap<T> = Record<RateKey, T>;
export type Grade = 'green' | 'yellow' | 'red';

export interface Counts {
  projects: number;
  signed: number;
  signedLanded: number;
  signedStarted: number;
  startBatch: number;
  startBatchInProduction: number;
  productionBatch: number;
  productionBatchAtCapacity: number;
  terminated: number;
}

export interface Investment {
  total: number;
  annualPlan: number;
  ytdCompleted: number;
}

/** Projects and money (万元) of one batch (签约一批 / 开工一批 / 投产一批). */
export interface BatchFigures {
  projects: number;
  total: number;
  annualPlan: number;
  ytdCompleted: number;
}

export type ByBatch = Record<'签约' | '开工' | '投产', BatchFigures>;

export interface UnitResult {
  level: 'province' | 'city' | 'county';
  code: string;
  name: string;
  cityCode: string | null;
  reported: boolean;
  counts: Counts;
  investment: Investment;
  /** Added field: projects and money per batch (the bulletin's 总体情况). */
  byBatch?: ByBatch;
  rates: RateMap<number | null>;
  change: RateMap<number | null>;
  rank: RateMap<number | null>;
  /** Counties only. */
  rankInCity?: RateMap<number | null>;
  grade: RateMap<Grade | null>;
  score: number | null;
  /** Added field: the score's rank among peers (null when unranked). */
  scoreRank?: number | null;
  /** Added field: the same unit's ranks in the previous month (for ↑↓ in bulletins). */
  previousRank?: RateMap<number | null> | null;
  /** Added field: city-level units that report for themselves and county-level rows: reporting units counted. */
  reportingUnits?: number;
  reportedUnits?: number;
  /**
   * Added field, county-level rows (every reporting unit): 按时报送 / 逾期报送 / 未报送 by the
   * event time of the accepted current upload against the month's deadline; `at` is that time
   * (null when missing). Absent in documents computed before it existed.
   */
  reporting?: UnitReporting;
  /** Added field, province and city-level rows: the timeliness counts of their reporting units. */
  timeliness?: Timeliness;
  /**
   * Added field: how many projects of its (reporting units') counted uploads the city marked
   * 不予认定 (docs/metrics.md "不予认定"); absent in documents computed without reviews.
   */
  unrecognized?: number;
}

export interface UnitReporting {
  status: 'on-time' | 'late' | 'missing';
  at: string | null;
}

/** 报送及时率 = onTime ÷ (onTime + late + missing), the reporting units due (应报单位数). */
export interface Timeliness {
  onTime: number;
  late: number;
  missing: number;
  rate: number | null;
}

export interface PhaseResult {
  phase: number;
  counts: Counts;
  investment: Investment;
  rates: RateMap<number | null>;
}

export type QualityCheck = 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'Q5' | 'Q6' | 'Q7' | 'Q8';

export interface QualityFinding<C extends QualityCheck = QualityCheck> {
  check: C;
  unitCode: string;
  projectCode: string;
  message: string;
}

export interface RatesDoc {
  schemaVersion: 1;
  month: string;
  timeProgress: number;
  config: { landingCriterion: 'landed' | 'started' };
  units: UnitResult[];
  byPhase: PhaseResult[];
  /** Reporting units with no accepted upload for the month (未报送 or 报送未通过), in code order. */
  unreported: string[];
  /**
   * Added field: the part of `unreported` that did upload, every upload refused (报送未通过, 退回
   * with a receipt listing the errors); the rest of `unreported` sent nothing (未报送). Absent in
   * documents computed before it existed: read as empty.
   */
  rejected?: string[];
  quality: QualityFinding[];
  /**
   * Added field: the part of `rejected` whose counted upload the city returned (退回), sorted;
   * absent in documents computed without reviews.
   */
  returned?: string[];
  /** Added field: the 不予认定 projects (unit, project, name, reason), by unit then project code. */
  unrecognized?: UnrecognizedProjectEntry[];
  /** Added field: the month's 报送截止时间 (ISO, UTC), present when timeliness was computed. */
  deadline?: string;
  /** Added field: when the document was computed (ISO). */
  computedAt?: string;
  /**
   * Added field: the published version of the month this document is (1, 2, …); absent in a
   * draft computed while the month is open (core/month/month-state.ts).
   */
  version?: number;
  /** Added field, versions ≥ 2: what changed against the version it replaces (更正说明). */
  correction?: CorrectionNote;
}

/** A project its city marked 不予认定: it stays on the ledger and counts in no numerator. */
export interface UnrecognizedProjectEntry {
  unitCode: string;
  projectCode: string;
  projectName: string | null;
  reason: string;
}

/** 更正说明: version `version` replaces `replaces`; each unit whose printed rates or ranks changed. */
export interface CorrectionNote {
  replaces: number;
  /** When the replaced version was published (ISO). */
  replacedPublishedAt: string | null;
  changes: UnitChange[];
}

export interface UnitChange {
  level: UnitResult['level'];
  code: string;
  name: string;
  cityCode: string | null;
  /** Printed values old → new ('—' for none), for each rate or rank that differs. */
  fields: { key: string; label: string; from: string; to: string }[];
}
