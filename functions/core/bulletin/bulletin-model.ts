/**
 * The bulletin's view model: everything a 通报 (the province's, or a city's edition) and its email
 * show, already formatted as the strings a reader sees. Pure (no I/O): `rates.json` + config (+ the
 * previous month's `rates.json` and the money per batch, when the caller has them) in, plain data out.
 *
 * Strings are raw text, never HTML: escaping is the template's job (Handlebars `{{ }}`), so
 * nothing here is pre-escaped and nothing can be double-escaped. Names of projects reach the
 * model only inside data-quality messages, which come from uploads: templates escape them.
 *
 * Sections (templates render a section only when it has content):
 *   masthead · 一、总体情况 (batches, main indicators, 期次 cohorts) · 二、各地进展 (prose, table,
 *   charts) · 三、预警 · 四、数据质量 · 五、有关要求 · 附表 (province) · notes · 版记.
 * The city edition (city-edition.ts) fills the same shape for one city-level unit.
 */
import { chartBars, chartSize, referenceLine, type ChartSpec } from './chart-data';
import type { Config } from '../shared/config';
import { CITIES, PROVINCE_CODE, division, reportingUnitsOf, shortName, type Division } from '../shared/divisions';
import {
  DASH,
  cnNumber,
  formatChangePhrase,
  formatCount,
  formatDateCn,
  formatGap,
  formatPoints,
  formatPointsAbs,
  formatRank,
  formatRankMove,
  formatRate,
  formatRateDiff,
  formatScore,
  formatYi,
  rateTenths,
} from './format';
import type { Batch } from '../ledger/ledger-row';
import { monthLabel, monthsBetween } from '../shared/months';
import {
  NO_BASE,
  PROSE_METRIC,
  investmentSentence,
  joinNames,
  laggardsClause,
  laggardsSentence,
  leadersClause,
  leadersSentence,
  ratesList,
  sentence,
  type Peer,
} from './prose';
import { competitionRanks } from '../metrics/rank';
import {
  RATE_KEYS,
  RATE_NAMES,
  type Grade,
  type QualityCheck,
  type QualityFinding,
  type RateKey,
  type RateMap,
  type RatesDoc,
  type UnitResult,
} from '../metrics/rates-types';

export const BULLETIN_TITLE = '“三个一批”项目建设月度通报';
export const PROVINCE_EDITION = 'province';

export type Edition = 'province' | 'city';
export type GradeClass = 'grade-green' | 'grade-yellow' | 'grade-red' | 'grade-none';
export type MoveClass = 'move-up' | 'move-down' | 'move-same' | '';

/** The rates in the order documents list them in prose: the batches' chain, then money. */
export const PROSE_ORDER: readonly RateKey[] = ['signingLanding', 'start', 'production', 'efficiency', 'investmentCompletion'];
/** Count rates (graded against fixed thresholds), in prose order. */
export const COUNT_RATES: readonly RateKey[] = ['signingLanding', 'start', 'production', 'efficiency'];

/** One rate of one unit, ready to print. */
export interface RateCell {
  key: RateKey;
  /** 签约落地率 … */
  name: string;
  /** "57.0%" or "—". */
  value: string;
  /** Month-on-month change in 百分点: "+1.2" / "-0.8" / "0.0" / "—". */
  change: string;
  /** The same as a phrase: "提高 1.2 个百分点" / "下降 0.8 个百分点" / "持平" / "—". */
  changePhrase: string;
  /** Rank among the table's peers: "3" or "—". */
  rank: string;
  /** The rank's move since last month: "↑2" / "↓1" / "→" / "". */
  rankMove: string;
  rankMoveClass: MoveClass;
  grade: Grade | null;
  /** 绿 / 黄 / 红 / — */
  gradeLabel: string;
  gradeClass: GradeClass;
}

/** A row of the 各地 table (province: a city-level unit; city edition: a reporting unit). */
export interface UnitRow {
  code: string;
  /** Short name: 郑州, 济源, 航空港区; a county's name. */
  name: string;
  reported: boolean;
  /** "" or "未报送" / "无数据". */
  status: string;
  projects: string;
  /** Reporting units that reported, "12/13" (city-level rows), or "—". */
  reportedUnits: string;
  rates: RateCell[];
  score: string;
  scoreRank: string;
  scoreMove: string;
  scoreMoveClass: MoveClass;
}

export interface BatchRow {
  /** “签约一批” … 合计 */
  name: string;
  projects: string;
  /** 亿元 */
  total: string;
  annualPlan: string;
  ytdCompleted: string;
  /** 投资完成率 of the batch. */
  completion: string;
  isTotal: boolean;
}

/** A row of the main-indicator table: the unit's rate, last month's, the change, and (city editions) the province's. */
export interface IndicatorRow {
  key: RateKey;
  name: string;
  value: string;
  previous: string;
  change: string;
  gradeLabel: string;
  gradeClass: GradeClass;
  /** City editions: the province's value, the difference in 百分点, the rank among the 19 and its move. */
  province: string;
  diff: string;
  rank: string;
  rankMove: string;
  rankMoveClass: MoveClass;
}

export interface PhaseRow {
  /** 第1期 */
  phase: string;
  projects: string;
  rates: Array<{ key: RateKey; value: string }>;
}

export interface QualityItem {
  check: QualityCheck;
  /** 状态倒退 … */
  label: string;
  projectCode: string;
  /** From compute; carries project names from uploads (escape!). */
  message: string;
}

export interface QualityGroup {
  unitCode: string;
  /** 金水区（郑州市） */
  heading: string;
  items: QualityItem[];
}

export interface QualitySection {
  total: number;
  /** 本月数据质量检查共发现问题 N 条，涉及 M 个单位：… */
  summary: string;
  groups: QualityGroup[];
  /** "另有 N 条问题（涉及 M 个单位）未列出，……" or "". */
  rest: string;
}

export interface WarningSection {
  /** 地区 (province) / 单位 (city edition): the tables' name column. */
  nameHeader: string;
  red: {
    number: string;
    caption: string;
    rows: Array<{ metric: string; criterion: string; units: string }>;
    /** Reporting units with several red rates (province), or "". */
    note: string;
  };
  falls: {
    number: string;
    caption: string;
    rows: Array<{ unit: string; metric: string; now: string; before: string; change: string }>;
    /** A sentence when there is nothing to tabulate or more to say (reporting units), or "". */
    note: string;
  };
  unreported: {
    count: number;
    groups: UnreportedGroup[];
    /** Groups joined with "；", or "无". */
    text: string;
    sentence: string;
  };
}

export interface UnreportedGroup {
  /** 郑州市; for a city-level unit that reports for itself: its short name (济源, 航空港区). */
  cityName: string;
  /** Unit names (full county names), in code order; empty for a self-reporting city. */
  units: string[];
  /** "郑州市：中原区、金水区" or "济源". */
  text: string;
}

export interface AppendixRow {
  kind: 'unit' | 'subtotal' | 'total';
  name: string;
  projects: string;
  rates: Array<{ key: RateKey; value: string; gradeClass: GradeClass }>;
  score: string;
  rank: string;
  status: string;
}

export interface EmailModel {
  subject: string;
  /** File name of the attached PDF. */
  attachmentName: string;
  greeting: string;
  /** "现将2026年10月全省“三个一批”项目建设情况通报如下" (the template adds where the PDF is). */
  intro: string;
  table: {
    /** The unit's column: 全省 / 郑州市 */
    unitHeader: string;
    /** City editions: 全省 (the comparison column), else "". */
    compareHeader: string;
    rows: Array<{ name: string; value: string; change: string; compare: string; rank: string }>;
  };
  /** Sentences under the table: 时序进度, leaders, warnings, 未报送. */
  lines: string[];
}

export interface BulletinModel {
  edition: Edition;
  /** `province` or the city-level code: names the edition in S3 keys, the send log, the outbox. */
  editionKey: string;
  /** The city of a city edition. */
  city: { code: string; name: string; shortName: string } | null;
  /** YYYY-MM */
  month: string;
  /** 2026年10月 */
  monthLabel: string;
  masthead: {
    issuer: string;
    title: string;
    issueNo: number;
    /** 第 10 期 */
    issueLabel: string;
    /** "" or the city of an edition: 郑州市 */
    edition: string;
    /** YYYY-MM-DD */
    issuedOn: string;
    /** 2026年11月5日 */
    issuedOnLabel: string;
  };
  /** The document's own heading: 2026年10月全省“三个一批”项目建设进展情况 */
  heading: string;
  /** Printed in every page's footer next to the page numbers: “三个一批”项目建设月度通报　第 10 期 */
  footer: string;
  overview: {
    paragraphs: string[];
    batchTable: { number: string; caption: string; rows: BatchRow[]; note: string };
    indicatorTable: { number: string; caption: string; unitHeader: string; compare: boolean; rows: IndicatorRow[]; note: string };
    phaseTable: { number: string; caption: string; columns: Array<{ key: RateKey; name: string }>; rows: PhaseRow[] } | null;
  };
  units: {
    title: string;
    intro: string;
    paragraphs: string[];
    table: {
      /** 表3 (set by numberTables) */
      number: string;
      caption: string;
      /** 地区 / 单位 */
      nameHeader: string;
      /** 排名 / 市内排名 */
      rankHeader: string;
      showReportedUnits: boolean;
      columns: Array<{ key: RateKey; name: string }>;
      rows: UnitRow[];
    };
    charts: ChartSpec[];
  };
  warnings: WarningSection;
  quality: QualitySection;
  requirements: string[];
  appendix: { caption: string; note: string; columns: Array<{ key: RateKey; name: string }>; rows: AppendixRow[] } | null;
  notes: string[];
  /** (本期发至……) */
  distribution: string;
  email: EmailModel;
}

export interface BulletinOptions {
  /** Date of issue, YYYY-MM-DD. */
  issuedOn: string;
  /** Last month's document: rank moves of scores and of ranks within a city. */
  previous?: RatesDoc | null;
  /** Overrides config.bulletin.qualityLimitProvince / qualityLimitCity for this build. */
  qualityLimit?: number;
  /** Overrides config.bulletin.fallThreshold for this build. */
  fallThreshold?: number;
}

// ── small helpers ───────────────────────────────────────────────────────────

const GRADE_LABEL: Record<Grade, string> = { green: '绿', yellow: '黄', red: '红' };
const BATCH_LABEL: Record<Batch, string> = { 签约: '“签约一批”', 开工: '“开工一批”', 投产: '“投产一批”' };

export const QUALITY_LABEL: Record<QualityCheck, string> = {
  Q1: '状态倒退',
  Q2: '累计投资减少',
  Q3: '累计投资超总投资',
  Q4: '月度投资与累计不符',
  Q5: '项目重复填报',
  Q6: '项目缺失',
  Q7: '项目代码不规范',
  Q8: '日期有误',
};

export function moveClass(move: 'up' | 'down' | 'same' | null): MoveClass {
  return move ? (`move-${move}` as MoveClass) : '';
}

export function rateCell(unit: UnitResult | undefined, key: RateKey, rank: number | null = null, previousRank: number | null = null): RateCell {
  if (!unit) {
    return { key, name: RATE_NAMES[key], value: DASH, change: DASH, changePhrase: DASH, rank: DASH, rankMove: '', rankMoveClass: '', grade: null, gradeLabel: DASH, gradeClass: 'grade-none' };
  }
  const grade = unit.grade?.[key] ?? null;
  const move = formatRankMove(rank, previousRank);
  return {
    key,
    name: RATE_NAMES[key],
    value: formatRate(unit.rates[key]),
    change: formatPoints(unit.change?.[key]),
    changePhrase: formatChangePhrase(unit.change?.[key]),
    rank: formatRank(rank),
    rankMove: move.text,
    rankMoveClass: moveClass(move.move),
    grade,
    gradeLabel: grade ? GRADE_LABEL[grade] : DASH,
    gradeClass: grade ? `grade-${grade}` : 'grade-none',
  };
}

/** Last month's value of a rate, from this month's value and change (— when either is missing). */
export function previousRate(unit: UnitResult, key: RateKey): string {
  const v = unit.rates[key];
  const c = unit.change?.[key];
  return typeof v === 'number' && typeof c === 'number' ? formatRate(v - c) : DASH;
}

export function issueNumber(month: string, config: Config): number {
  const n = config.bulletin.issueBase + monthsBetween(config.bulletin.issueBaseMonth, month);
  if (n < 1) {
    throw new Error(
      `month ${month} is before bulletin.issueBaseMonth ${config.bulletin.issueBaseMonth} (issue number would be ${n})`,
    );
  }
  return n;
}

/** The name a bulletin prints for a unit: the official short name, else the document's name. */
export function displayName(code: string, fallback: string | undefined): string {
  const d = division(code);
  return d ? shortName(d) : (fallback ?? code);
}

/** "7市" for a list of city-level units; "8地" when one of them is not a 市 (航空港区). */
export function cityCountNoun(units: Peer[]): string {
  if (units.length < 2) return '';
  return units.some((u) => u.name === '航空港区') ? `${units.length}地` : `${units.length}市`;
}

/** "，共 3 个" for reporting units (nothing for one). */
export function countyCountNoun(units: Peer[]): string {
  return units.length < 2 ? '' : `，共 ${units.length} 个`;
}

/** A unit as a ranking peer for one rate (why it has no value, when it has none). */
export function peerOf(name: string, unit: UnitResult | undefined, value: number | null): Peer {
  return { name, value, missing: !unit || !unit.reported ? 'unreported' : value === null ? 'no-base' : null };
}

/** The date of issue and the 期号. */
export function mastheadOf(doc: RatesDoc, config: Config, opts: BulletinOptions, edition: string): BulletinModel['masthead'] {
  const issueNo = issueNumber(doc.month, config);
  return {
    issuer: config.bulletin.issuer,
    title: BULLETIN_TITLE,
    issueNo,
    issueLabel: `第 ${issueNo} 期`,
    edition,
    issuedOn: opts.issuedOn,
    issuedOnLabel: formatDateCn(opts.issuedOn),
  };
}

export function provinceUnit(doc: RatesDoc): UnitResult {
  const p = doc.units.find((u) => u.level === 'province') ?? doc.units.find((u) => u.code === PROVINCE_CODE);
  if (!p) throw new Error(`rates document for ${doc.month} has no province unit`);
  return p;
}

export interface CityEntry {
  code: string;
  /** Short name (郑州). */
  name: string;
  /** Official name (郑州市). */
  fullName: string;
  unit: UnitResult | undefined;
}

/** The 19 city-level units in the official order, then any other city-level unit of the document. */
export function cityEntries(doc: RatesDoc): CityEntry[] {
  const byCode = new Map(doc.units.filter((u) => u.level === 'city').map((u) => [u.code, u]));
  const known = new Set(CITIES.map((c) => c.code));
  const entries: CityEntry[] = CITIES.map((c) => ({ code: c.code, name: shortName(c), fullName: c.name, unit: byCode.get(c.code) }));
  for (const u of doc.units) {
    if (u.level === 'city' && !known.has(u.code)) entries.push({ code: u.code, name: displayName(u.code, u.name), fullName: u.name, unit: u });
  }
  return entries;
}

/** Lookup of a document's units by level and code. */
export function unitIndex(doc: RatesDoc | null | undefined): (level: UnitResult['level'], code: string) => UnitResult | undefined {
  const m = new Map((doc?.units ?? []).map((u) => [`${u.level}#${u.code}`, u]));
  return (level, code) => m.get(`${level}#${code}`);
}

/** Score ranks among peers: the document's `scoreRank` when every peer has one, else computed. */
export function scoreRanks(units: Array<UnitResult | undefined>, useDoc: boolean): Array<number | null> {
  if (useDoc && units.every((u) => !u || u.scoreRank !== undefined)) return units.map((u) => u?.scoreRank ?? null);
  return competitionRanks(units.map((u) => u?.score ?? null));
}

// ── 一、总体情况 ─────────────────────────────────────────────────────────────

/** The batch table: projects and money per batch, 合计 last. Money is "—" for a rates.json without `byBatch`. */
export function batchTable(unit: UnitResult): BatchRow[] {
  const breakdown = unit.byBatch;
  const counts: Record<Batch, number> = { 签约: unit.counts.signed, 开工: unit.counts.startBatch, 投产: unit.counts.productionBatch };
  const rows: BatchRow[] = (['签约', '开工', '投产'] as const).map((b) => {
    const f = breakdown ? breakdown[b] : null;
    return {
      name: BATCH_LABEL[b],
      projects: formatCount(counts[b]),
      total: f ? formatYi(f.total) : DASH,
      annualPlan: f ? formatYi(f.annualPlan) : DASH,
      ytdCompleted: f ? formatYi(f.ytdCompleted) : DASH,
      completion: f ? formatRate(f.annualPlan > 0 ? f.ytdCompleted / f.annualPlan : null) : DASH,
      isTotal: false,
    };
  });
  rows.push({
    name: '合计',
    projects: formatCount(unit.counts.projects),
    total: formatYi(unit.investment.total),
    annualPlan: formatYi(unit.investment.annualPlan),
    ytdCompleted: formatYi(unit.investment.ytdCompleted),
    completion: formatRate(unit.rates.investmentCompletion),
    isTotal: true,
  });
  return rows;
}

/**
 * "截至2026年10月底，全省“三个一批”台账共有项目 3586 个，总投资 16505.63 亿元。其中，“签约一批”项目
 * 1494 个、总投资 … 亿元，……；已终止项目 40 个（计入各项比率的分母）。全年计划投资 … 亿元，本年累计完成
 * 投资 … 亿元。"
 */
export function countsParagraph(label: string, who: string, unit: UnitResult): string {
  const c = unit.counts;
  const money = unit.byBatch;
  const batch = (b: Batch, n: number) => `${BATCH_LABEL[b]}项目 ${formatCount(n)} 个${money ? `、总投资 ${formatYi(money[b].total)} 亿元` : ''}`;
  const terminated = c.terminated > 0 ? `；已终止项目 ${formatCount(c.terminated)} 个（计入各项比率的分母）` : '';
  return (
    `截至${label}底，${who}“三个一批”台账共有项目 ${formatCount(c.projects)} 个，总投资 ${formatYi(unit.investment.total)} 亿元。` +
    `其中，${batch('签约', c.signed)}，${batch('开工', c.startBatch)}，${batch('投产', c.productionBatch)}${terminated}。` +
    `全年计划投资 ${formatYi(unit.investment.annualPlan)} 亿元，本年累计完成投资 ${formatYi(unit.investment.ytdCompleted)} 亿元。`
  );
}

/** "“签约一批”项目开工率 60.0%，与上月持平" or "…暂无数据（暂无签约类项目）". */
export function rateWithChange(unit: UnitResult, key: RateKey, withName = true): string {
  const v = unit.rates[key];
  const name = withName ? PROSE_METRIC[key] : '';
  if (v === null) return `${name}暂无数据${unit.reported ? `（${NO_BASE[key]}）` : ''}`;
  const phrase = formatChangePhrase(unit.change?.[key]);
  const change = phrase === DASH ? '' : phrase === '持平' ? '，与上月持平' : `，较上月${phrase}`;
  return `${name} ${formatRate(v)}${change}`;
}

/** "投资完成率 83.7%，较上月提高 8.2 个百分点，高于时序进度（83.3%）0.4 个百分点". */
export function investmentWithGap(unit: UnitResult, timeProgress: number): string {
  const ic = unit.rates.investmentCompletion;
  if (ic === null) return rateWithChange(unit, 'investmentCompletion');
  const gap = formatGap(ic, timeProgress).replace(/时序进度 ?/, `时序进度（${formatRate(timeProgress)}）`);
  return `${rateWithChange(unit, 'investmentCompletion')}，${gap}`;
}

/** 从主要指标看，全省“签约一批”项目落地率 …；…；投资完成率 …，高于时序进度（83.3%）0.4 个百分点。 */
export function ratesParagraph(who: string, unit: UnitResult, timeProgress: number): string {
  const parts = COUNT_RATES.map((k) => rateWithChange(unit, k));
  parts.push(investmentWithGap(unit, timeProgress));
  return `从主要指标看，${who}${parts.join('；')}。`;
}

export function indicatorRows(unit: UnitResult, compare?: { province: UnitResult; rank: RateMap<number | null>; previousRank: RateMap<number | null> | null }): IndicatorRow[] {
  return RATE_KEYS.map((key) => {
    const cell = rateCell(unit, key, compare ? compare.rank[key] : null, compare?.previousRank?.[key] ?? null);
    const provinceValue = compare ? compare.province.rates[key] : null;
    return {
      key,
      name: RATE_NAMES[key],
      value: cell.value,
      previous: previousRate(unit, key),
      change: cell.change,
      gradeLabel: cell.gradeLabel,
      gradeClass: cell.gradeClass,
      province: compare ? formatRate(provinceValue) : '',
      diff: compare ? formatRateDiff(unit.rates[key], provinceValue) : '',
      rank: compare ? cell.rank : '',
      rankMove: compare ? cell.rankMove : '',
      rankMoveClass: compare ? cell.rankMoveClass : '',
    };
  });
}


function phaseSection(doc: RatesDoc): { table: BulletinModel['overview']['phaseTable']; paragraph: string } {
  const phases = [...doc.byPhase].sort((a, b) => a.phase - b.phase);
  if (!phases.length) return { table: null, paragraph: '' };
  const names: Record<RateKey, string> = { ...RATE_NAMES, start: '开工率', production: '投产率', efficiency: '达效率' };
  const line = (p: (typeof phases)[number], label: string) => {
    const list = ratesList(p.rates, ['start', 'production', 'efficiency'], names);
    return list ? `${label}“三个一批”项目${list}` : `${label}项目暂无可计算的开工率、投产率、达效率`;
  };
  const first = phases[0];
  const last = phases[phases.length - 1];
  const parts = [line(first, `第${cnNumber(first.phase)}期`)];
  if (last !== first) parts.push(line(last, `最近一期（第${cnNumber(last.phase)}期）`));
  return {
    table: {
      number: '',
      caption: '分期次主要指标',
      columns: RATE_KEYS.map((k) => ({ key: k, name: RATE_NAMES[k] })),
      rows: phases.map((p) => ({
        phase: `第${p.phase}期`,
        projects: formatCount(p.counts.projects),
        rates: RATE_KEYS.map((k) => ({ key: k, value: formatRate(p.rates[k]) })),
      })),
    },
    paragraph: sentence(parts, `分期次看，全省共有 ${phases.length} 期“三个一批”项目在库。`),
  };
}

// ── 三、预警 ─────────────────────────────────────────────────────────────────

export function redCriterion(key: RateKey, config: Config): string {
  if (key === 'investmentCompletion') return `低于时序进度 ${formatPointsAbs(config.grades.investmentRedGap)} 个百分点及以上`;
  return `低于 ${formatRate(config.grades.yellow)}`;
}

/** Rates of a unit that dropped by more than `threshold` (on the printed 百分点). */
export function fallsOf(unit: UnitResult, threshold: number): RateKey[] {
  const limit = -Math.round(threshold * 1000);
  return RATE_KEYS.filter((k) => {
    const c = unit.change?.[k];
    return typeof c === 'number' && rateTenths(c) < limit;
  });
}

export function fallRow(name: string, unit: UnitResult, key: RateKey): WarningSection['falls']['rows'][number] {
  return { unit: name, metric: RATE_NAMES[key], now: formatRate(unit.rates[key]), before: previousRate(unit, key), change: formatPoints(unit.change[key]) };
}

/** A unit as the warning tables name it. */
export interface NamedUnit {
  name: string;
  unit?: UnitResult | null;
}

/** 红色等级指标: per rate, the units graded red, lowest first ("无" when none). */
export function redRows(units: readonly NamedUnit[], config: Config): WarningSection['red']['rows'] {
  return RATE_KEYS.map((key) => {
    const red = units
      .filter((u) => u.unit?.reported && u.unit.grade?.[key] === 'red')
      .sort((a, b) => (a.unit!.rates[key] ?? 0) - (b.unit!.rates[key] ?? 0))
      .map((u) => `${u.name} ${formatRate(u.unit!.rates[key])}`);
    return { metric: RATE_NAMES[key], criterion: redCriterion(key, config), units: red.length ? red.join('、') : '无' };
  });
}

/** Rates that fell by more than `threshold`, over all the units, the largest fall first. */
export function fallRows(units: readonly NamedUnit[], threshold: number): WarningSection['falls']['rows'] {
  return units
    .flatMap((u) => (u.unit?.reported ? fallsOf(u.unit, threshold).map((k) => ({ u, k, d: u.unit!.change[k] as number })) : []))
    .sort((a, b) => a.d - b.d)
    .map(({ u, k }) => fallRow(u.name, u.unit!, k));
}

export function unreportedGroups(codes: readonly string[], doc: RatesDoc): WarningSection['unreported'] {
  const unitsByCode = unitIndex(doc);
  const cityOrder = new Map(CITIES.map((c, i) => [c.code, i]));
  const groups = new Map<string, { cityName: string; order: number; self: boolean; units: Array<{ code: string; name: string }> }>();
  for (const code of [...new Set(codes)]) {
    const d: Division | undefined = division(code);
    const docUnit = unitsByCode('county', code);
    const cityCode = d?.cityCode ?? docUnit?.cityCode ?? '';
    const cityDiv = division(cityCode);
    const self = !!d && d.code === d.cityCode; // 济源, 航空港区 report for themselves
    const key = self ? `self:${code}` : cityCode || `unknown:${code}`;
    const cityName = self ? shortName(d!) : (cityDiv?.name ?? d?.cityName ?? '其他');
    let grp = groups.get(key);
    if (!grp) {
      grp = { cityName, order: cityOrder.get(cityCode) ?? CITIES.length, self, units: [] };
      groups.set(key, grp);
    }
    if (!self) grp.units.push({ code, name: d?.name ?? docUnit?.name ?? code });
  }
  const list: UnreportedGroup[] = [...groups.values()]
    .sort((a, b) => a.order - b.order)
    .map((gr) => {
      const units = gr.units.sort((a, b) => a.code.localeCompare(b.code)).map((u) => u.name);
      return { cityName: gr.cityName, units, text: gr.self ? gr.cityName : `${gr.cityName}：${joinNames(units)}` };
    });
  const count = new Set(codes).size;
  return { count, groups: list, text: list.length ? list.map((x) => x.text).join('；') : '无', sentence: '' };
}

// ── 四、数据质量 ─────────────────────────────────────────────────────────────

/**
 * Findings grouped by unit (city order, then code), at most `limit` listed; the rest counted.
 * `restWhere` says where the rest can be read ("详见各市分册").
 */
export function qualitySection(findings: readonly QualityFinding[], limit: number, restWhere: string, scope: string): QualitySection {
  const total = findings.length;
  if (!total) {
    return { total, summary: `本月数据质量检查（Q1—Q8）未发现${scope}台账存在问题。`, groups: [], rest: '' };
  }
  const cityOrder = new Map(CITIES.map((c, i) => [c.code, i]));
  const sorted = [...findings].sort((a, b) => {
    const ca = cityOrder.get(division(a.unitCode)?.cityCode ?? '') ?? CITIES.length;
    const cb = cityOrder.get(division(b.unitCode)?.cityCode ?? '') ?? CITIES.length;
    return ca - cb || cmp(a.unitCode, b.unitCode) || cmp(a.check, b.check) || cmp(a.projectCode, b.projectCode) || cmp(a.message, b.message);
  });
  const units = new Set(sorted.map((f) => f.unitCode));
  const byCheck = new Map<QualityCheck, number>();
  for (const f of sorted) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
  const checks = [...byCheck.entries()].sort((a, b) => cmp(a[0], b[0])).map(([c, n]) => `${QUALITY_LABEL[c]}（${c}）${n} 条`);
  const summary = `本月数据质量检查共发现${scope}台账问题 ${total} 条，涉及 ${units.size} 个单位，其中${checks.join('、')}。请有关单位逐条核实，在下月报送台账时更正。`;

  const groups: QualityGroup[] = [];
  const shown = sorted.slice(0, limit);
  for (const f of shown) {
    let g = groups[groups.length - 1];
    if (!g || g.unitCode !== f.unitCode) {
      const d = division(f.unitCode);
      const city = d && d.cityCode !== d.code ? division(d.cityCode)?.name : undefined;
      g = { unitCode: f.unitCode, heading: d ? (city ? `${d.name}（${city}）` : d.name) : f.unitCode, items: [] };
      groups.push(g);
    }
    g.items.push({ check: f.check, label: QUALITY_LABEL[f.check], projectCode: f.projectCode, message: f.message });
  }
  const restCount = total - shown.length;
  const restUnits = new Set(sorted.slice(limit).map((f) => f.unitCode)).size;
  const rest = restCount > 0 ? `另有 ${restCount} 条问题（涉及 ${restUnits} 个单位）未列出，${restWhere}。` : '';
  return { total, summary, groups, rest };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ── notes ───────────────────────────────────────────────────────────────────

export function commonNotes(doc: RatesDoc, config: Config, label: string): string[] {
  const g = config.grades;
  const redGap = formatPointsAbs(g.investmentRedGap);
  const w = config.scoreWeights;
  const weights = RATE_KEYS.filter((k) => w[k] > 0).map((k) => `${RATE_NAMES[k]} ${w[k]}`);
  return [
    `签约落地率、开工率为“签约一批”项目中已落地、已开工项目的比例；投产率为“开工一批”项目中已投产项目的比例；达效率为“投产一批”项目中已达效项目的比例；投资完成率为本年累计完成投资与年度计划投资之比。已终止项目计入分母。`,
    `时序进度为月份数除以 12（${label}为 ${formatRate(doc.timeProgress)}）。`,
    `分级：签约落地率、开工率、投产率、达效率 ${formatRate(g.green)} 及以上为绿、${formatRate(g.yellow)} 至 ${formatRate(g.green)} 为黄、低于 ${formatRate(g.yellow)} 为红；` +
      `投资完成率达到时序进度为绿、低于时序进度不足 ${redGap} 个百分点为黄、低于 ${redGap} 个百分点及以上为红。`,
    `综合得分为各项比率的加权平均（权重：${weights.join('、')}；无数据的比率不计入），满分 100；“—”表示无数据（分母为 0 或未报送），不参与排名；位次后的 ↑、↓、→ 表示较上月上升、下降、不变。`,
  ];
}

// ── the province bulletin ───────────────────────────────────────────────────

export function buildBulletinModel(doc: RatesDoc, config: Config, opts: BulletinOptions): BulletinModel {
  const province = provinceUnit(doc);
  const label = monthLabel(doc.month);
  const masthead = mastheadOf(doc, config, opts, '');
  const prev = unitIndex(opts.previous);
  const cities = cityEntries(doc);
  const fall = opts.fallThreshold ?? config.bulletin.fallThreshold;

  // ── 一、总体情况
  const counties = doc.units.filter((u) => u.level === 'county');
  const expected = province.reportingUnits ?? counties.length;
  const reported = province.reportedUnits ?? counties.filter((u) => u.reported).length;
  const unreported = unreportedGroups(doc.unreported, doc);
  unreported.sentence =
    `本月应报送台账的县（市、区）${formatCount(expected)} 个，已报送 ${formatCount(reported)} 个` +
    (unreported.count ? `，未报送 ${unreported.count} 个：${unreported.text}。` : '，全部按时报送。');
  const phases = phaseSection(doc);
  const overview: BulletinModel['overview'] = {
    paragraphs: [
      countsParagraph(label, '全省', province),
      ratesParagraph('全省', province, doc.timeProgress),
      phases.paragraph,
    ].filter(Boolean),
    batchTable: { number: '', caption: `${label}全省“三个一批”项目分批次情况`, rows: batchTable(province), note: '金额单位：亿元。' },
    indicatorTable: {
      number: '',
      caption: '全省主要指标',
      unitHeader: '全省',
      compare: false,
      rows: indicatorRows(province),
      note: `时序进度为 ${formatRate(doc.timeProgress)}。`,
    },
    phaseTable: phases.table,
  };

  // ── 二、各地进展
  const useDocRanks = true;
  const ranksNow = scoreRanks(cities.map((c) => c.unit), useDocRanks);
  const ranksBefore = opts.previous ? scoreRanks(cities.map((c) => prev('city', c.code)), useDocRanks) : cities.map(() => null);
  const rows = cities
    .map((c, i) => ({ i, rank: ranksNow[i], row: cityRow(c, ranksNow[i], ranksBefore[i]) }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.i - b.i)
    .map((x) => x.row);
  const peers = (key: RateKey) => cities.map((c) => peerOf(c.name, c.unit, c.unit?.rates[key] ?? null));
  const rankOpts = { scope: '全省', everyone: '各地', countNoun: cityCountNoun };
  const scorePeers = cities.map((c) => peerOf(c.name, c.unit, c.unit?.score ?? null));
  const scoreClauses = [
    leadersClause(scorePeers, { ...rankOpts, metric: '综合得分', kind: 'score' }),
    laggardsClause(scorePeers, { ...rankOpts, scope: '', metric: '', kind: 'score' }),
  ];
  const paragraphs = [
    leadersSentence(COUNT_RATES.map((key) => ({ key, peers: peers(key) })), rankOpts, '从各地看，'),
    investmentSentence(
      cities.map((c) => ({ ...peerOf(c.name, c.unit, c.unit?.rates.investmentCompletion ?? null), grade: c.unit?.grade?.investmentCompletion ?? null })),
      { timeProgress: doc.timeProgress, redGapPoints: formatPointsAbs(config.grades.investmentRedGap), everyone: '各地', countNoun: cityCountNoun },
    ),
    laggardsSentence(COUNT_RATES.map((key) => ({ key, peers: peers(key) })), rankOpts, '从薄弱环节看，'),
    sentence(scoreClauses),
  ].filter(Boolean);
  const charts = cityCharts(cities, province, doc.timeProgress);

  // ── 三、预警
  const warnings: WarningSection = {
    nameHeader: '地区',
    red: {
      number: '',
      caption: '红色等级指标',
      rows: redRows(cities, config),
      note: countyRedNote(doc),
    },
    falls: {
      number: '',
      caption: `较上月下降超过 ${formatPointsAbs(fall)} 个百分点的指标`,
      rows: fallRows(cities, fall),
      note: countyFallsNote(doc, fall),
    },
    unreported,
  };

  // ── 四、数据质量
  const quality = qualitySection(doc.quality, opts.qualityLimit ?? config.bulletin.qualityLimitProvince, '各市分册列出本地全部问题', '');

  // ── 五、有关要求
  const requirements = [
    '（一）压实项目建设责任。各地要对照本通报，认真分析差距和原因，推动签约项目早落地、开工项目早投产、投产项目早达效；投资完成率低于时序进度的地方要加快投资进度，确保完成年度目标任务。',
    '（二）抓好预警问题整改。对红色等级指标和较上月下降较多的指标，有关地方要逐项查找原因、明确整改措施和时限，整改情况纳入下月通报。',
    `（三）确保台账真实准确。${unreported.count ? '未按时报送台账的单位要及时补报；' : ''}各地要对数据质量问题逐条核实更正，确保台账数据真实、准确、完整，严禁弄虚作假。`,
  ];

  const model: BulletinModel = {
    edition: 'province',
    editionKey: PROVINCE_EDITION,
    city: null,
    month: doc.month,
    monthLabel: label,
    masthead,
    heading: `${label}全省“三个一批”项目建设进展情况`,
    footer: `${BULLETIN_TITLE}　${masthead.issueLabel}`,
    overview,
    units: {
      title: '各地进展情况',
      intro: '各省辖市、济源示范区、航空港区“三个一批”项目建设情况见下表（按综合得分排序），各项指标对比见图。',
      paragraphs,
      table: {
        number: '',
        caption: `${label}各省辖市、济源示范区、航空港区“三个一批”项目建设情况`,
        nameHeader: '地区',
        rankHeader: '排名',
        showReportedUnits: true,
        columns: RATE_KEYS.map((k) => ({ key: k, name: RATE_NAMES[k] })),
        rows,
      },
      charts,
    },
    warnings,
    quality,
    requirements,
    appendix: appendix(doc, label),
    notes: commonNotes(doc, config, label),
    distribution: '（本期发至各省辖市、济源示范区、航空港区）',
    email: {
      subject: mailSubject(label, ''),
      attachmentName: attachmentName(label, masthead.issueNo, ''),
      greeting: '各位领导、各有关单位：',
      intro: `现将${label}全省“三个一批”项目建设情况通报如下`,
      table: {
        unitHeader: '全省',
        compareHeader: '',
        rows: RATE_KEYS.map((k) => ({ name: RATE_NAMES[k], value: formatRate(province.rates[k]), change: formatPoints(province.change?.[k]), compare: '', rank: '' })),
      },
      lines: [
        `时序进度 ${formatRate(doc.timeProgress)}，全省投资完成率 ${formatRate(province.rates.investmentCompletion)}${province.rates.investmentCompletion === null ? '' : `，${formatGap(province.rates.investmentCompletion, doc.timeProgress)}`}。`,
        paragraphs[0],
        unreported.sentence,
        quality.total ? `数据质量检查发现问题 ${quality.total} 条，详见通报第四部分。` : '',
      ].filter(Boolean),
    },
  };
  return numberTables(model);
}

/** Numbers the tables that are present, in reading order: 表1, 表2, … (the 附表 is apart). */
export function numberTables(m: BulletinModel): BulletinModel {
  let n = 0;
  const next = () => `表${++n}`;
  m.overview.batchTable.number = next();
  m.overview.indicatorTable.number = next();
  if (m.overview.phaseTable) m.overview.phaseTable.number = next();
  if (m.units.table.rows.length) m.units.table.number = next();
  m.warnings.red.number = next();
  if (m.warnings.falls.rows.length) m.warnings.falls.number = next();
  return m;
}

export function mailSubject(label: string, cityName: string): string {
  return `【通报】${label}“三个一批”项目建设情况${cityName ? `（${cityName}）` : ''}`;
}

export function attachmentName(label: string, issueNo: number, cityName: string): string {
  return `三个一批项目建设月度通报-${label}（第${issueNo}期）${cityName ? `-${cityName}` : ''}.pdf`;
}

function cityRow(c: CityEntry, scoreRank: number | null, previousScoreRank: number | null): UnitRow {
  const unit = c.unit;
  const move = formatRankMove(scoreRank, previousScoreRank);
  if (!unit) {
    return {
      code: c.code,
      name: c.name,
      reported: false,
      status: '无数据',
      projects: DASH,
      reportedUnits: DASH,
      rates: RATE_KEYS.map((k) => rateCell(undefined, k)),
      score: DASH,
      scoreRank: DASH,
      scoreMove: '',
      scoreMoveClass: '',
    };
  }
  return {
    code: c.code,
    name: c.name,
    reported: unit.reported,
    status: unit.reported ? '' : '未报送',
    projects: formatCount(unit.counts.projects),
    reportedUnits: unit.reportingUnits !== undefined && unit.reportedUnits !== undefined ? `${unit.reportedUnits}/${unit.reportingUnits}` : DASH,
    rates: RATE_KEYS.map((k) => rateCell(unit, k, unit.rank?.[k] ?? null, unit.previousRank?.[k] ?? null)),
    score: formatScore(unit.score),
    scoreRank: formatRank(scoreRank),
    scoreMove: move.text,
    scoreMoveClass: moveClass(move.move),
  };
}

const CHART_TITLE: Record<RateKey, string> = PROSE_METRIC;

/** One bar chart per rate and one of the score, city-level units, the province's value marked. */
function cityCharts(cities: CityEntry[], province: UnitResult, timeProgress: number): ChartSpec[] {
  return unitCharts(
    cities.map((c) => ({ name: c.name, unit: c.unit })),
    [{ name: '全省', unit: province, color: '#c8161d' }],
    timeProgress,
    '各地',
  );
}

/**
 * Charts of a set of units: each rate and the score, bars coloured by grade, reference lines for
 * the given units (全省, 全市) and 时序进度 on 投资完成率.
 */
export function unitCharts(
  units: Array<{ name: string; unit: UnitResult | undefined }>,
  refs: Array<{ name: string; unit: UnitResult; color: string }>,
  timeProgress: number,
  who: string,
): ChartSpec[] {
  const keys: Array<RateKey | 'score'> = [...RATE_KEYS, 'score'];
  return keys.map((key, i) => {
    const kind = key === 'score' ? 'score' : 'rate';
    const bars = chartBars(
      units.map((u) => ({
        name: u.name,
        value: u.unit ? (key === 'score' ? u.unit.score : u.unit.rates[key]) : null,
        grade: key === 'score' ? null : (u.unit?.grade?.[key] ?? null),
      })),
      kind,
    );
    const lines = refs
      .map((r) => referenceLine(r.name, key === 'score' ? r.unit.score : r.unit.rates[key], kind, 'dashed', r.color))
      .filter((l): l is NonNullable<typeof l> => !!l);
    if (key === 'investmentCompletion') {
      const tp = referenceLine('时序进度', timeProgress, 'rate', 'dotted', '#1f5fa8');
      if (tp) lines.push(tp);
    }
    const missing = units.filter((u) => !u.unit || (key === 'score' ? u.unit.score : u.unit.rates[key]) === null).map((u) => u.name);
    const unlabelled = lines.slice(2).map((l) => `${l.style === 'dotted' ? '点线' : '虚线'}为${l.label}`);
    const noteParts = [...unlabelled, missing.length ? `无数据未列入：${joinNames(missing)}` : ''].filter(Boolean);
    const title = key === 'score' ? `${who}综合得分` : `${who}${CHART_TITLE[key]}`;
    return {
      id: `chart-${key}`,
      number: `图${i + 1}`,
      title,
      kind,
      bars,
      lines,
      note: noteParts.join('。'),
      ...chartSize(bars.length),
    };
  });
}

/** Reporting units with three or more red rates, for the province's 预警. */
function countyRedNote(doc: RatesDoc): string {
  const counties = doc.units.filter((u) => u.level === 'county' && u.reported);
  const heavy = counties
    .map((u) => ({ u, n: RATE_KEYS.filter((k) => u.grade?.[k] === 'red').length }))
    .filter((x) => x.n >= 3)
    .sort((a, b) => b.n - a.n || cmp(a.u.code, b.u.code));
  const withRed = counties.filter((u) => RATE_KEYS.some((k) => u.grade?.[k] === 'red')).length;
  if (!withRed) return '县（市、区）中没有红色等级指标。';
  const name = (u: UnitResult) => {
    const d = division(u.code);
    const city = d && d.cityCode !== d.code ? displayName(d.cityCode, undefined) : '';
    return `${d?.name ?? u.name}${city ? `（${city}）` : ''}`;
  };
  const listed = heavy.slice(0, 15).map((x) => name(x.u));
  const more = heavy.length > listed.length ? `等 ${heavy.length} 个` : '';
  return (
    `县（市、区）中，有 ${withRed} 个单位存在红色等级指标` +
    (heavy.length ? `，其中三项及以上指标为红色的是${joinNames(listed)}${more}` : '') +
    '，各单位分级情况见附表和各市分册。'
  );
}

/** Reporting units whose rates fell by more than the threshold: count, and the largest falls. */
function countyFallsNote(doc: RatesDoc, threshold: number): string {
  const falls = doc.units
    .filter((u) => u.level === 'county' && u.reported)
    .flatMap((u) => fallsOf(u, threshold).map((k) => ({ u, k, d: u.change[k] as number })))
    .sort((a, b) => a.d - b.d || cmp(a.u.code, b.u.code));
  if (!falls.length) return `县（市、区）中没有指标较上月下降超过 ${formatPointsAbs(threshold)} 个百分点。`;
  const units = new Set(falls.map((f) => f.u.code)).size;
  const top = falls.slice(0, 8).map((f) => `${division(f.u.code)?.name ?? f.u.name}${RATE_NAMES[f.k]}（${formatChangePhrase(f.d)}）`);
  return `县（市、区）中，有 ${units} 个单位共 ${falls.length} 项指标较上月下降超过 ${formatPointsAbs(threshold)} 个百分点，降幅较大的是${joinNames(top)}，详见各市分册。`;
}

/** 附表: every reporting unit by city, each city closed by its subtotal row, the province last. */
function appendix(doc: RatesDoc, label: string): BulletinModel['appendix'] {
  const idx = unitIndex(doc);
  const rates = (u: UnitResult | undefined) =>
    RATE_KEYS.map((key) => {
      const c = rateCell(u, key);
      return { key, value: c.value, gradeClass: c.gradeClass };
    });
  const row = (kind: AppendixRow['kind'], name: string, u: UnitResult | undefined, rank: number | null): AppendixRow => ({
    kind,
    name,
    projects: u && u.reported ? formatCount(u.counts.projects) : DASH,
    rates: rates(u),
    score: formatScore(u?.score),
    rank: formatRank(rank),
    status: !u ? '无数据' : u.reported ? '' : '未报送',
  });
  const rows: AppendixRow[] = [];
  for (const c of CITIES) {
    const members = reportingUnitsOf(c.code).sort((a, b) => a.code.localeCompare(b.code));
    const city = idx('city', c.code);
    const self = members.length === 1 && members[0].code === c.code;
    if (!self) {
      for (const m of members) {
        const u = idx('county', m.code);
        rows.push(row('unit', m.name, u, u?.scoreRank ?? null));
      }
    }
    rows.push(row('subtotal', self ? c.name : `${c.name}小计`, city, null));
  }
  rows.push(row('total', '全省合计', provinceUnit(doc), null));
  return {
    caption: `${label}各县（市、区）“三个一批”项目建设情况`,
    note: '位次为综合得分在全省县级报送单位中的排名；小计行为该省辖市（示范区）全部报送单位的合计。',
    columns: RATE_KEYS.map((k) => ({ key: k, name: RATE_NAMES[k] })),
    rows,
  };
}

// ── the email's plain-text part ─────────────────────────────────────────────

export interface LinkInfo {
  url: string;
  /** "7 天" / "12 小时" */
  validFor: string;
  /** "2026年11月12日 09:05" (Asia/Shanghai) */
  expiresAt: string;
}

/**
 * The plain-text part of the bulletin email (the HTML part comes from `templates/email.hbs`).
 * `link`: a download link, used instead of an attachment when the PDF is too large.
 */
export function emailText(model: BulletinModel, opts: { link?: LinkInfo | null } = {}): string {
  const e = model.email;
  const rows = e.table.rows.map(
    (r) => `  ${r.name}：${r.value}（较上月 ${r.change}）${e.table.compareHeader ? `，${e.table.compareHeader} ${r.compare}，全省位次 ${r.rank}` : ''}`,
  );
  const lines = [
    `${model.masthead.title}${model.masthead.edition ? `（${model.masthead.edition}）` : ''}`,
    `${model.masthead.issueLabel}　${model.masthead.issuer}　${model.masthead.issuedOnLabel}`,
    '',
    e.greeting,
    `${e.intro}，${opts.link ? '完整通报请通过文末链接下载' : '完整通报见附件（PDF）'}。`,
    '',
    `${e.table.unitHeader}主要指标：`,
    ...rows,
    '',
    ...e.lines.flatMap((s) => [s, '']),
    opts.link ? `完整通报下载（链接 ${opts.link.validFor}内有效，至 ${opts.link.expiresAt}）：${opts.link.url}` : '完整通报见附件（PDF）。',
  ];
  return `${lines.join('\n')}\n`;
}
