/**
 * The bulletin's view model: everything the 通报 and its email show, already formatted as the
 * strings a reader sees. Pure (no I/O): `rates.json` + config in, plain data out.
 *
 * Strings are raw text, never HTML: escaping is the template's job (Handlebars `{{ }}`), so
 * nothing here is pre-escaped and nothing can be double-escaped.
 *
 * Seams for later issues: `edition` (a city edition will add `'city'` and a `city` field), and
 * per-phase tables, charts, 附表 and data-quality warnings will be further optional sections of
 * `BulletinModel`; the templates render a section only when it is present.
 */
import type { Config } from './config';
import { CITIES, PROVINCE_CODE, division, shortName, type Division } from './divisions';
import {
  DASH,
  formatChangePhrase,
  formatCount,
  formatDateCn,
  formatGap,
  formatPoints,
  formatRank,
  formatRate,
  formatScore,
  formatYi,
  gapDirection,
  type GapDirection,
} from './format';
import { monthLabel, monthsBetween } from './months';
import { competitionRanks } from './rank';
import { RATE_KEYS, RATE_NAMES, type Grade, type RateKey, type RatesDoc, type UnitResult } from './rates-types';

export const BULLETIN_TITLE = '“三个一批”项目建设月度通报';

export type Edition = 'province';
export type GradeClass = 'grade-green' | 'grade-yellow' | 'grade-red' | 'grade-none';

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
  /** Rank among peers: "3" or "—". */
  rank: string;
  grade: Grade | null;
  /** 绿 / 黄 / 红 / — */
  gradeLabel: string;
  gradeClass: GradeClass;
}

export interface CityRow {
  code: string;
  /** Short name: 郑州, 济源, 航空港区. */
  name: string;
  /** Whether any of its units reported this month. */
  reported: boolean;
  /** "" or "未报送" (no data at all this month). */
  status: string;
  projects: string;
  /** Reporting units that reported, "12/13", or "—" when unknown. */
  reportedUnits: string;
  rates: RateCell[];
  score: string;
  scoreRank: string;
}

export interface UnreportedGroup {
  /** 郑州市; for a city-level unit that reports for itself: its short name (济源, 航空港区). */
  cityName: string;
  /** Unit names (full county names), in code order; empty for a self-reporting city. */
  units: string[];
  /** "郑州市：中原区、金水区" or "济源". */
  text: string;
}

export interface BulletinModel {
  edition: Edition;
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
    /** YYYY-MM-DD */
    issuedOn: string;
    /** 2026年11月5日 */
    issuedOnLabel: string;
  };
  /** The document's own heading: 2026年10月全省“三个一批”项目建设进展情况 */
  heading: string;
  headline: {
    /** 全省 */
    unitName: string;
    rates: RateCell[];
    investmentCompletion: {
      value: string;
      /** 时序进度 "83.3%" */
      timeProgress: string;
      /** 高于/低于时序进度 X.X 个百分点 / 与时序进度持平 / — */
      gap: string;
      direction: GapDirection | null;
    };
    counts: {
      projects: string;
      /** 签约类 (batch = 签约) */
      signed: string;
      /** 开工类 */
      startBatch: string;
      /** 投产类 */
      productionBatch: string;
      terminated: string;
    };
    /** 亿元, two decimals. */
    investment: { total: string; annualPlan: string; ytdCompleted: string };
    reporting: { expected: string; reported: string; unreported: string };
    /** The 总体情况 paragraph, generated from the numbers above. */
    paragraph: string;
  };
  cityTable: {
    caption: string;
    columns: Array<{ key: RateKey; name: string }>;
    rows: CityRow[];
  };
  unreported: {
    count: number;
    groups: UnreportedGroup[];
    /** Groups joined with "；", or "无". */
    text: string;
  };
  /** One to three generated sentences: leaders and laggards, investment against 时序进度. */
  summary: string[];
  /** Notes printed under the tables (definitions, grade legend). */
  notes: string[];
  email: {
    subject: string;
    /** File name of the attached PDF. */
    attachmentName: string;
  };
}

export interface BulletinOptions {
  /** Date of issue, YYYY-MM-DD. */
  issuedOn: string;
}

const GRADE_LABEL: Record<Grade, string> = { green: '绿', yellow: '黄', red: '红' };

function rateCell(unit: UnitResult, key: RateKey): RateCell {
  const grade = unit.grade?.[key] ?? null;
  return {
    key,
    name: RATE_NAMES[key],
    value: formatRate(unit.rates[key]),
    change: formatPoints(unit.change?.[key]),
    changePhrase: formatChangePhrase(unit.change?.[key]),
    rank: formatRank(unit.rank?.[key]),
    grade,
    gradeLabel: grade ? GRADE_LABEL[grade] : DASH,
    gradeClass: grade ? `grade-${grade}` : 'grade-none',
  };
}

/** The name a bulletin prints for a unit: the official short name, else the document's name. */
function displayName(code: string, fallback: string | undefined): string {
  const d = division(code);
  return d ? shortName(d) : (fallback ?? code);
}

/** "、"-joined list. */
function joinNames(names: string[]): string {
  return names.join('、');
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

export function buildBulletinModel(doc: RatesDoc, config: Config, opts: BulletinOptions): BulletinModel {
  const province = doc.units.find((u) => u.level === 'province') ?? doc.units.find((u) => u.code === PROVINCE_CODE);
  if (!province) throw new Error(`rates document for ${doc.month} has no province unit`);

  const label = monthLabel(doc.month);
  const issueNo = issueNumber(doc.month, config);
  const unitsByCode = new Map(doc.units.map((u) => [u.code, u]));

  const unreported = unreportedGroups(doc, unitsByCode);

  // ── headline ──────────────────────────────────────────────────────────────
  const headlineRates = RATE_KEYS.map((k) => rateCell(province, k));
  const ic = province.rates.investmentCompletion;
  const counties = doc.units.filter((u) => u.level === 'county');
  const expected = province.reportingUnits ?? counties.length;
  const reported = province.reportedUnits ?? counties.filter((u) => u.reported).length;
  const headline: BulletinModel['headline'] = {
    unitName: '全省',
    rates: headlineRates,
    investmentCompletion: {
      value: formatRate(ic),
      timeProgress: formatRate(doc.timeProgress),
      gap: formatGap(ic, doc.timeProgress),
      direction: gapDirection(ic, doc.timeProgress),
    },
    counts: {
      projects: formatCount(province.counts.projects),
      signed: formatCount(province.counts.signed),
      startBatch: formatCount(province.counts.startBatch),
      productionBatch: formatCount(province.counts.productionBatch),
      terminated: formatCount(province.counts.terminated),
    },
    investment: {
      total: formatYi(province.investment.total),
      annualPlan: formatYi(province.investment.annualPlan),
      ytdCompleted: formatYi(province.investment.ytdCompleted),
    },
    reporting: {
      expected: formatCount(expected),
      reported: formatCount(reported),
      unreported: formatCount(unreported.count),
    },
    paragraph: '',
  };
  headline.paragraph = headlineParagraph(label, headline);

  // ── city table ────────────────────────────────────────────────────────────
  const cityUnits = cityLevelUnits(doc, unitsByCode);
  const computedScoreRanks = competitionRanks(cityUnits.map((c) => c.unit?.score ?? null));
  const ranked = cityUnits.map(({ code, name, unit }, i) => {
    const scoreRank = unit ? (unit.scoreRank !== undefined ? unit.scoreRank : computedScoreRanks[i]) : null;
    return { i, scoreRank, row: cityRow(code, name, unit, scoreRank) };
  });
  // Ranked order (综合得分), unranked last; ties and the rest in the official code order.
  const rows = ranked
    .sort((a, b) => (a.scoreRank ?? Infinity) - (b.scoreRank ?? Infinity) || a.i - b.i)
    .map((x) => x.row);

  // ── summary ───────────────────────────────────────────────────────────────
  const summary = [leadersSentence(cityUnits, 'start'), investmentSentence(cityUnits, config)].filter(
    (x): x is string => !!x,
  );

  const g = config.grades;
  const redGap = formatPointsAbs(g.investmentRedGap);
  const notes = [
    `时序进度为月份数除以 12（${label}为 ${formatRate(doc.timeProgress)}）。`,
    `分级：签约落地率、开工率、投产率、达效率 ${formatRate(g.green)} 及以上为绿、${formatRate(g.yellow)} 至 ${formatRate(g.green)} 为黄、低于 ${formatRate(g.yellow)} 为红；` +
      `投资完成率达到时序进度为绿、低于时序进度不足 ${redGap} 个百分点为黄、低于 ${redGap} 个百分点及以上为红。`,
    scoreNote(config),
  ];

  return {
    edition: 'province',
    month: doc.month,
    monthLabel: label,
    masthead: {
      issuer: config.bulletin.issuer,
      title: BULLETIN_TITLE,
      issueNo,
      issueLabel: `第 ${issueNo} 期`,
      issuedOn: opts.issuedOn,
      issuedOnLabel: formatDateCn(opts.issuedOn),
    },
    heading: `${label}全省“三个一批”项目建设进展情况`,
    headline,
    cityTable: {
      caption: `${label}各省辖市、济源示范区、航空港区“三个一批”项目建设情况`,
      columns: RATE_KEYS.map((k) => ({ key: k, name: RATE_NAMES[k] })),
      rows,
    },
    unreported,
    summary,
    notes,
    email: {
      subject: `${BULLETIN_TITLE}（${label}，第${issueNo}期）`,
      attachmentName: `三个一批项目建设月度通报-${doc.month}-第${issueNo}期.pdf`,
    },
  };
}

function formatPointsAbs(fraction: number): string {
  return formatPoints(Math.abs(fraction)).replace(/^\+/, '');
}

function scoreNote(config: Config): string {
  const w = config.scoreWeights;
  const parts = RATE_KEYS.filter((k) => w[k] > 0).map((k) => `${RATE_NAMES[k]} ${w[k]}`);
  return `综合得分为各项比率的加权平均（权重：${parts.join('、')}；无数据的比率不计入），满分 100；“—”表示无数据（分母为 0 或未报送），不参与排名。`;
}

function cityRow(code: string, name: string, unit: UnitResult | undefined, scoreRank: number | null): CityRow {
  if (!unit) {
    const empty: RateCell[] = RATE_KEYS.map((k) => ({
      key: k,
      name: RATE_NAMES[k],
      value: DASH,
      change: DASH,
      changePhrase: DASH,
      rank: DASH,
      grade: null,
      gradeLabel: DASH,
      gradeClass: 'grade-none',
    }));
    return { code, name, reported: false, status: '无数据', projects: DASH, reportedUnits: DASH, rates: empty, score: DASH, scoreRank: DASH };
  }
  return {
    code,
    name,
    reported: unit.reported,
    status: unit.reported ? '' : '未报送',
    projects: formatCount(unit.counts.projects),
    reportedUnits:
      unit.reportingUnits !== undefined && unit.reportedUnits !== undefined
        ? `${unit.reportedUnits}/${unit.reportingUnits}`
        : DASH,
    rates: RATE_KEYS.map((k) => rateCell(unit, k)),
    score: formatScore(unit.score),
    scoreRank: formatRank(scoreRank),
  };
}

interface CityEntry {
  code: string;
  name: string;
  unit: UnitResult | undefined;
}

/** The 19 city-level units in the official order, then any other city-level unit of the document. */
function cityLevelUnits(doc: RatesDoc, unitsByCode: Map<string, UnitResult>): CityEntry[] {
  const cityUnit = (code: string) => {
    const u = unitsByCode.get(code);
    if (u && u.level === 'city') return u;
    return doc.units.find((x) => x.level === 'city' && x.code === code);
  };
  const known = new Set(CITIES.map((c) => c.code));
  const entries: CityEntry[] = CITIES.map((c) => ({ code: c.code, name: shortName(c), unit: cityUnit(c.code) }));
  for (const u of doc.units) {
    if (u.level === 'city' && !known.has(u.code)) entries.push({ code: u.code, name: displayName(u.code, u.name), unit: u });
  }
  return entries;
}

function unreportedGroups(doc: RatesDoc, unitsByCode: Map<string, UnitResult>): BulletinModel['unreported'] {
  const cityOrder = new Map(CITIES.map((c, i) => [c.code, i]));
  const groups = new Map<string, { cityName: string; order: number; self: boolean; units: Array<{ code: string; name: string }> }>();
  for (const code of [...new Set(doc.unreported)]) {
    const d: Division | undefined = division(code);
    const docUnit = unitsByCode.get(code);
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
  const count = new Set(doc.unreported).size;
  return { count, groups: list, text: list.length ? list.map((x) => x.text).join('；') : '无' };
}

function headlineParagraph(label: string, h: BulletinModel['headline']): string {
  const r = Object.fromEntries(h.rates.map((c) => [c.key, c])) as Record<RateKey, RateCell>;
  const withChange = (c: RateCell) =>
    c.value === DASH ? `${c.name}暂无数据` : `${c.name} ${c.value}${c.changePhrase === DASH ? '' : c.changePhrase === '持平' ? '，与上月持平' : `，较上月${c.changePhrase}`}`;
  const icPart =
    h.investmentCompletion.value === DASH
      ? `${RATE_NAMES.investmentCompletion}暂无数据`
      : `${withChange(r.investmentCompletion)}，${h.investmentCompletion.gap.replace(/时序进度 ?/, `时序进度（${h.investmentCompletion.timeProgress}）`)}`;
  return (
    `截至${label}底，全省“三个一批”台账共有项目 ${h.counts.projects} 个，其中签约类 ${h.counts.signed} 个、开工类 ${h.counts.startBatch} 个、投产类 ${h.counts.productionBatch} 个；` +
    `年度计划投资 ${h.investment.annualPlan} 亿元，累计完成投资 ${h.investment.ytdCompleted} 亿元。` +
    `全省${withChange(r.signingLanding)}；${withChange(r.start)}；${icPart}；${withChange(r.production)}；${withChange(r.efficiency)}。`
  );
}

/** Why a reported unit has no value for a rate (its denominator is 0). */
const NO_BASE: Record<RateKey, string> = {
  signingLanding: '暂无签约类项目',
  start: '暂无签约类项目',
  investmentCompletion: '暂无年度计划投资',
  production: '暂无开工类项目',
  efficiency: '暂无投产类项目',
};

/**
 * Leaders and laggards of one rate among the city-level units. With n ranked units, the top and
 * bottom k = 3 (fewer when n < 6) by competition rank, so a tie at the boundary names every tied
 * unit; a unit is never both. Units without a value are named separately.
 */
function leadersSentence(cities: CityEntry[], key: RateKey): string | null {
  const name = RATE_NAMES[key];
  const withValue = cities.filter((c) => c.unit && c.unit.rates[key] !== null) as Array<CityEntry & { unit: UnitResult }>;
  const without = cities.filter((c) => !c.unit || c.unit.rates[key] === null);
  const missingNote = () => {
    const notReported = without.filter((c) => !c.unit || !c.unit.reported).map((c) => c.name);
    const noBase = without.filter((c) => c.unit && c.unit.reported).map((c) => c.name);
    const parts: string[] = [];
    if (noBase.length) parts.push(`${joinNames(noBase)}${NO_BASE[key]}，未计算${name}`);
    if (notReported.length) parts.push(`${joinNames(notReported)}未报送`);
    return parts.join('；');
  };
  const n = withValue.length;
  if (n === 0) return without.length ? `各地${name}均无数据。` : null;

  const values = withValue.map((c) => c.unit.rates[key] as number);
  const fmt = (c: CityEntry & { unit: UnitResult }) => `${c.name}（${formatRate(c.unit.rates[key])}）`;
  const tail = without.length ? `${missingNote()}。` : '';

  if (n === 1) return `从${name}看，仅${withValue[0].name}有数据（${formatRate(values[0])}）。${tail}`;
  const top = competitionRanks(values);
  const allTied = top.every((r) => r === 1);
  if (allTied) {
    const who = n === cities.length ? '各地' : joinNames(withValue.map((c) => c.name));
    return `从${name}看，${who}均为 ${formatRate(values[0])}。${tail}`;
  }
  const bottom = competitionRanks(values.map((v) => -v));
  const k = n >= 6 ? 3 : Math.max(1, Math.floor(n / 2));
  const idx = withValue.map((_, i) => i);
  const leaders = idx.filter((i) => (top[i] as number) <= k).sort((a, b) => (top[a] as number) - (top[b] as number) || a - b);
  const leaderSet = new Set(leaders);
  const laggards = idx
    .filter((i) => (bottom[i] as number) <= k && !leaderSet.has(i))
    .sort((a, b) => (bottom[a] as number) - (bottom[b] as number) || a - b);

  let s = `从${name}看，排名靠前的是${leaders.map((i) => fmt(withValue[i])).join('、')}`;
  if (laggards.length) s += `；排名靠后的是${laggards.map((i) => fmt(withValue[i])).join('、')}`;
  return `${s}。${tail}`;
}

/** How many city-level units reached 时序进度 (grade green) and which are far behind it (red). */
function investmentSentence(cities: CityEntry[], config: Config): string | null {
  const graded = cities.filter((c) => c.unit && c.unit.grade?.investmentCompletion);
  if (!graded.length) return null;
  const green = graded.filter((c) => c.unit!.grade.investmentCompletion === 'green').map((c) => c.name);
  const red = graded.filter((c) => c.unit!.grade.investmentCompletion === 'red').map((c) => c.name);
  const parts: string[] = [];
  parts.push(green.length ? `投资完成率达到时序进度的有 ${green.length} 个：${joinNames(green)}` : '投资完成率均未达到时序进度');
  if (red.length) parts.push(`低于时序进度 ${formatPointsAbs(config.grades.investmentRedGap)} 个百分点及以上的有 ${red.length} 个：${joinNames(red)}`);
  return `${parts.join('；')}。`;
}

/**
 * The plain-text part of the bulletin email (the HTML part comes from `templates/email.hbs`).
 * `pdfUrl`: a download link, used instead of an attachment when the PDF is too large.
 */
export function emailText(model: BulletinModel, opts: { pdfUrl?: string } = {}): string {
  const lines = [
    `${model.masthead.title}`,
    `${model.masthead.issueLabel}　${model.masthead.issuer}　${model.masthead.issuedOnLabel}`,
    '',
    model.headline.paragraph,
    '',
    ...model.summary.flatMap((s) => [s, '']),
    `未按时报送台账的单位：${model.unreported.text}。`,
    '',
    opts.pdfUrl ? `完整通报下载（链接有效期有限）：${opts.pdfUrl}` : '完整通报见附件（PDF）。',
  ];
  return `${lines.join('\n')}\n`;
}
