/**
 * The bulletin's view model: everything a 通报 (the province's, or a city's edition) and its email
 * show, already formatted as the strings a reader sees. Built by province-edition.ts and
 * city-edition.ts (both through editions.ts), pure: `rates.json` + config (+ the previous month's
 * `rates.json` and the money per batch, when the caller has them) in, plain data out.
 *
 * Strings are raw text, never HTML: escaping is the template's job (Handlebars `{{ }}`), so
 * nothing here is pre-escaped and nothing can be double-escaped. Names of projects reach the
 * model only inside data-quality messages, which come from uploads: templates escape them.
 *
 * Sections (templates render a section only when it has content):
 *   masthead · 一、总体情况 (batches, main indicators, 期次 cohorts) · 二、各地进展 (prose, table,
 *   charts) · 三、预警 · 四、数据质量 · 五、有关要求 · 附表 (province) · notes · 版记.
 * The city edition fills the same shape for one city-level unit.
 */
import type { ChartSpec } from './chart-data';
import type { TrendView } from './sections/trend';
import type { MonthPoint } from './trend-data';
import type { Grade, QualityCheck, RateKey, RatesDoc } from '../metrics/rates-types';

export type Edition = 'province' | 'city';
export type GradeClass = 'grade-green' | 'grade-yellow' | 'grade-red' | 'grade-none';
export type MoveClass = 'move-up' | 'move-down' | 'move-same' | '';

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
  /**
   * 未报送 (nothing arrived) — `count`, `groups`, `text` — and, apart, 报送未通过 (`returned`:
   * uploads arrived and every one was refused; the unit has its receipt with the errors).
   */
  unreported: UnreportedList & {
    returned: UnreportedList;
    /** 逾期报送 (accepted after the deadline), grouped by city; empty when rates.json has no timeliness. */
    late: UnreportedList;
    /** （三）未报送台账单位 / （三）逾期报送、未报送、报送未通过台账单位 */
    heading: string;
    sentence: string;
  };
}

/** Units grouped by city. */
export interface UnreportedList {
  count: number;
  groups: UnreportedGroup[];
  /** Groups joined with "；", or "无". */
  text: string;
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
  /** A republished version's 更正说明 (bulletin/correction.ts); null for version 1 and drafts. */
  correction?: CorrectionView | null;
  /** 1—M月走势 at the end of 二 (sections/trend.ts); null in January or without history. */
  trend?: TrendView | null;
  /** The projects the city did not recognise (bulletin/unrecognized.ts); null when none. */
  unrecognized?: UnrecognizedView | null;
}

/** 不予认定: a sentence, and (city editions) a table of unit, project and reason. */
export interface UnrecognizedView {
  summary: string;
  caption: string;
  rows: Array<{ unit: string; projectCode: string; projectName: string; reason: string }>;
}

export interface CorrectionView {
  /** 本期为更正版（第 2 版），替代2026年11月5日印发的第 1 版；以本版为准。 */
  notice: string;
  caption: string;
  /** One per changed unit: its name and "签约落地率 57.1% → 58.3%；开工率排名 第3名 → 第2名". */
  rows: Array<{ name: string; changes: string }>;
  /** The units whose ranks alone changed, each named with its ranks old → new ("" when none). */
  ranks: string;
  /** Said instead of the table when this edition's units did not change. */
  empty: string;
}

export interface BulletinOptions {
  /** Date of issue, YYYY-MM-DD. */
  issuedOn: string;
  /** Last month's document: rank moves of scores and of ranks within a city. */
  previous?: RatesDoc | null;
  /** January … M−1 of the year (null: a month never computed), for the 1—M月 trend; none: no trend. */
  history?: readonly (MonthPoint | null)[];
  /** Overrides config.bulletin.qualityLimitProvince / qualityLimitCity for this build. */
  qualityLimit?: number;
  /** Overrides config.bulletin.fallThreshold for this build. */
  fallThreshold?: number;
}
