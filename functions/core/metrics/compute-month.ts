import type { Config } from '../shared/config';
import type { ComputeLedger, ComputeRow, MonthLedger } from '../ledger/ledger-row';
import type { Grade, PhaseResult, QualityFinding, RateMap, RatesDoc, UnitResult } from './rates-types';
import { RATE_KEYS } from './rates-types';
import { CITIES, PROVINCE_CODE, PROVINCE_NAME, REPORTING_UNITS, reportingUnitsOf } from '../shared/divisions';
import { parseMonth, timeProgress } from '../shared/months';
import { deadlineOf, timelinessOf } from '../shared/deadline';
import { type Recognized, type RowSummary, type Tally, addRow, emptySummary, emptyTally, landedMinOf, mergeTally, nullRates, summaryOf } from './rates';
import type { ReviewRecord } from '../review/review';
import { type UnrecognizedEntry, applyReviews } from '../review/apply-reviews';
import { printedRate, printedScore } from '../shared/printed';
import { competitionRanks } from './rank';
import { gradeRates } from './grade';
import { computeScore } from './score';
import { dedupeFindings } from './quality/findings';
import { crossMonthChecks } from './quality/month-checks';
import { rowChecks } from './quality/row-checks';

/** One line of `units`: who it is and which reporting units roll up into it. */
interface UnitFrame {
  level: UnitResult['level'];
  code: string;
  name: string;
  cityCode: string | null;
  reportingCodes: string[];
}

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

// CITIES follows the CSV (航空港区 is appended last); the bulletin wants code order.
const CITY_FRAMES: UnitFrame[] = [...CITIES].sort(byCode).map((c) => ({
  level: 'city',
  code: c.code,
  name: c.name,
  cityCode: c.code,
  reportingCodes: reportingUnitsOf(c.code).map((d) => d.code),
}));

const COUNTY_FRAMES: UnitFrame[] = [...REPORTING_UNITS].sort(byCode).map((d) => ({
  level: 'county',
  code: d.code,
  name: d.name,
  cityCode: d.cityCode,
  reportingCodes: [d.code],
}));

const PROVINCE_FRAME: UnitFrame = {
  level: 'province',
  code: PROVINCE_CODE,
  name: PROVINCE_NAME,
  cityCode: null,
  reportingCodes: COUNTY_FRAMES.map((f) => f.code),
};

const FRAMES: UnitFrame[] = [PROVINCE_FRAME, ...CITY_FRAMES, ...COUNTY_FRAMES];

/** Per-frame numbers of one month, index-aligned with FRAMES. */
interface MonthEval {
  reported: boolean[];
  reportedUnits: number[];
  summaries: RowSummary[];
  scores: Array<number | null>;
  rank: RateMap<number | null>[];
  scoreRank: Array<number | null>;
  rankInCity: RateMap<number | null>[];
  /** The province's tallies by 期次 (byPhase). */
  phases: Map<number, Tally>;
}

/**
 * Ranks every rate (and the score) among the frames at `peers` (indexes into FRAMES), on the
 * values as printed: what a reader of the bulletin compares (docs/metrics.md, "Ranks").
 */
function rankAmong(
  peers: number[],
  summaries: RowSummary[],
  scores: Array<number | null>,
  rank: RateMap<number | null>[],
  scoreRank: Array<number | null> | null,
): void {
  for (const k of RATE_KEYS) {
    const r = competitionRanks(peers.map((i) => printedRate(summaries[i].rates[k])));
    peers.forEach((i, j) => (rank[i][k] = r[j]));
  }
  if (scoreRank) {
    const r = competitionRanks(peers.map((i) => printedScore(scores[i])));
    peers.forEach((i, j) => (scoreRank[i] = r[j]));
  }
}

function evaluateMonth(ledger: ComputeLedger, config: Config, recognized?: Recognized): MonthEval {
  const landedMin = landedMinOf(config.landingCriterion);
  // One pass over the rows: a tally per unit and phase; units, cities, the province and the
  // phases add those up (integer sums: the same in any order, rates.ts Tally).
  const tallies = new Map<string, Tally>();
  const phases = new Map<number, Tally>();
  for (const f of COUNTY_FRAMES) {
    if (!Object.hasOwn(ledger, f.code)) continue;
    const rows = ledger[f.code];
    const own = new Map<number, Tally>();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      let t = own.get(r.phase);
      if (!t) own.set(r.phase, (t = emptyTally()));
      addRow(t, r, landedMin, recognized);
    }
    const unit = emptyTally();
    for (const [phase, t] of own) {
      mergeTally(unit, t);
      const p = phases.get(phase);
      if (p) mergeTally(p, t);
      else phases.set(phase, t);
    }
    tallies.set(f.code, unit);
  }
  const reported: boolean[] = [];
  const reportedUnits: number[] = [];
  const summaries: RowSummary[] = [];
  for (const frame of FRAMES) {
    const t = emptyTally();
    let n = 0;
    for (const code of frame.reportingCodes) {
      const unit = tallies.get(code);
      if (!unit) continue;
      n++;
      mergeTally(t, unit);
    }
    reported.push(n > 0);
    reportedUnits.push(n);
    summaries.push(n > 0 ? summaryOf(t) : emptySummary());
  }
  const scores = summaries.map((s, i) => (reported[i] ? computeScore(s.rates, config.scoreWeights) : null));

  const rank = FRAMES.map(() => nullRates());
  const scoreRank: Array<number | null> = FRAMES.map(() => null);
  const rankInCity = FRAMES.map(() => nullRates());
  const idx = (level: UnitFrame['level']) => FRAMES.flatMap((f, i) => (f.level === level ? [i] : []));
  rankAmong(idx('city'), summaries, scores, rank, scoreRank);
  const counties = idx('county');
  rankAmong(counties, summaries, scores, rank, scoreRank);
  for (const city of CITY_FRAMES) {
    const peers = counties.filter((i) => FRAMES[i].cityCode === city.code);
    rankAmong(peers, summaries, scores, rankInCity, null);
  }
  return { reported, reportedUnits, summaries, scores, rank, scoreRank, rankInCity, phases };
}

function change(
  now: RateMap<number | null>,
  before: RateMap<number | null> | null,
  january: boolean,
): RateMap<number | null> {
  const out = nullRates();
  if (!before) return out;
  for (const k of RATE_KEYS) {
    // 本年累计 restarts in January, so 投资完成率 has no comparable December value.
    if (january && k === 'investmentCompletion') continue;
    const a = now[k];
    const b = before[k];
    out[k] = a === null || b === null ? null : a - b;
  }
  return out;
}

function nullGrades(): RateMap<Grade | null> {
  return nullRates<Grade>();
}

/** The province's numbers by 期次 (the tallies evaluateMonth made), in phase order. */
function byPhase(phases: Map<number, Tally>): PhaseResult[] {
  return [...phases.keys()].sort((a, b) => a - b).map((phase) => ({ phase, ...summaryOf(phases.get(phase)!) }));
}

/** Q3, Q7, Q8 of every row of a whole ledger (what ingest keeps in each upload's digest). */
export function ledgerRowFindings(ledger: MonthLedger, month: string): QualityFinding[] {
  const out: QualityFinding[] = [];
  for (const unit of Object.keys(ledger)) for (const r of ledger[unit]) for (const f of rowChecks(r, month)) out.push(f);
  return out;
}

function qualityOf(month: string, ledger: ComputeLedger, previous: ComputeLedger | null, rowFindings: readonly QualityFinding[]): QualityFinding[] {
  return dedupeFindings([...crossMonthChecks(month, ledger, previous), ...rowFindings]);
}

/**
 * The month's rows: whole ledger rows (the row checks run on them), or the rows of the uploads'
 * digests with the row checks' findings ingest kept (core/ledger/upload-digest.ts).
 */
export type MonthRows = { ledger: MonthLedger; rowFindings?: undefined } | { ledger: ComputeLedger; rowFindings: readonly QualityFinding[] };

export type ComputeMonthInput = MonthRows & ComputeMonthOptions;

export interface ComputeMonthOptions {
  month: string;
  previous: ComputeLedger | null;
  config: Config;
  /** Reporting units that uploaded for the month but had every upload refused (from the receipts). */
  rejectedUnits?: readonly string[];
  /**
   * Reporting unit → S3 event time (ISO) of its accepted current upload (the receipt of the
   * CURRENT pointer's upload). Given, every unit gets `reporting`, the province and cities
   * `timeliness`, and the doc `deadline`; absent, none of them is written.
   */
  acceptedAt?: Readonly<Record<string, string | null>>;
  /**
   * The city's review decisions of the month (core/review/review.ts) and, per reporting unit, the
   * upload its ledger rows come from: only a review of that upload counts. Given, a returned unit
   * is 报送未通过 (in `rejected` and `returned`), 不予认定 projects count in no numerator (in the
   * denominators per config `review.unrecognizedInDenominator`), and `unrecognized` is written.
   */
  reviews?: readonly ReviewRecord[];
  uploadIds?: Readonly<Record<string, string>>;
  computedAt?: string;
}

/** The month's `rates.json` document. Pure: the same input always gives the same output. */
export function computeMonth(input: ComputeMonthInput): RatesDoc {
  const { month, previous, config } = input;
  const reviewed = input.reviews ? applyReviews<ComputeRow>(input.ledger, input.uploadIds ?? {}, input.reviews, config.review.unrecognizedInDenominator) : null;
  // The quality checks read the ledger as uploaded: 不予认定 projects stay on it.
  const ledger: ComputeLedger = reviewed ? reviewed.ledger : input.ledger;
  const tp = timeProgress(month);
  const january = parseMonth(month).month === 1;
  const now = evaluateMonth(ledger, config, reviewed?.recognized);
  const before = previous ? evaluateMonth(previous, config) : null;

  const units: UnitResult[] = FRAMES.map((frame, i) => {
    const reported = now.reported[i];
    const s = now.summaries[i];
    const unit: UnitResult = {
      level: frame.level,
      code: frame.code,
      name: frame.name,
      cityCode: frame.cityCode,
      reported,
      counts: s.counts,
      investment: s.investment,
      byBatch: s.byBatch,
      rates: s.rates,
      change: reported ? change(s.rates, before ? before.summaries[i].rates : null, january) : nullRates(),
      rank: now.rank[i],
      grade: reported ? gradeRates(s.rates, tp, config.grades) : nullGrades(),
      score: now.scores[i],
      scoreRank: now.scoreRank[i],
      previousRank: before ? before.rank[i] : null,
    };
    if (frame.level === 'county') unit.rankInCity = now.rankInCity[i];
    else {
      unit.reportingUnits = frame.reportingCodes.length;
      unit.reportedUnits = now.reportedUnits[i];
    }
    return unit;
  });

  const unreported = FRAMES.flatMap((f, i) => (f.level === 'county' && !now.reported[i] ? [f.code] : [])).sort();
  const rejected = new Set(input.rejectedUnits ?? []);
  const doc: RatesDoc = {
    schemaVersion: 1,
    month,
    timeProgress: tp,
    config: { landingCriterion: config.landingCriterion },
    units,
    byPhase: byPhase(now.phases),
    unreported,
    rejected: unreported.filter((code) => rejected.has(code) || reviewed?.returned.includes(code)),
    quality: qualityOf(month, input.ledger, previous, input.rowFindings ?? ledgerRowFindings(input.ledger as MonthLedger, month)),
  };
  if (reviewed) addReviews(doc, reviewed.returned, reviewed.unrecognized);
  if (input.acceptedAt) addTimeliness(doc, input.acceptedAt, config);
  if (input.computedAt !== undefined) doc.computedAt = input.computedAt;
  return doc;
}

/** `returned`, `unrecognized` (the list) and each unit's `unrecognized` count. */
function addReviews(doc: RatesDoc, returned: string[], list: UnrecognizedEntry[]): void {
  doc.returned = returned;
  doc.unrecognized = list;
  const perUnit = new Map<string, number>();
  for (const e of list) perUnit.set(e.unitCode, (perUnit.get(e.unitCode) ?? 0) + 1);
  FRAMES.forEach((frame, i) => {
    doc.units[i].unrecognized = frame.reportingCodes.reduce((n, code) => n + (perUnit.get(code) ?? 0), 0);
  });
}

/** `reporting` of every county-level row, `timeliness` of the province and cities, `deadline`. */
function addTimeliness(doc: RatesDoc, acceptedAt: Readonly<Record<string, string | null>>, config: Config): void {
  doc.deadline = deadlineOf(doc.month, config.deadline).toISOString();
  const status = new Map<string, UnitResult['reporting'] & object>();
  for (const u of doc.units) {
    if (u.level !== 'county') continue;
    const at = u.reported && Object.hasOwn(acceptedAt, u.code) ? (acceptedAt[u.code] ?? null) : null;
    u.reporting = { status: timelinessOf(at, u.reported, doc.month, config.deadline), at: u.reported ? at : null };
    status.set(u.code, u.reporting);
  }
  FRAMES.forEach((frame, i) => {
    if (frame.level === 'county') return;
    const t = { onTime: 0, late: 0, missing: 0, rate: null as number | null };
    for (const code of frame.reportingCodes) {
      const s = status.get(code)?.status ?? 'missing';
      if (s === 'on-time') t.onTime++;
      else if (s === 'late') t.late++;
      else t.missing++;
    }
    const due = frame.reportingCodes.length;
    t.rate = due ? t.onTime / due : null;
    doc.units[i].timeliness = t;
  });
}
