/**
 * The 年度考评通报 as a view model: masthead, the rule in one paragraph, the summary, the two
 * ranked tables and the chart of the 19 city-level units' scores. Everything is a display string
 * (format.ts), so the template only places them. Pure.
 */
import { chartBars, chartSize, referenceLine, type ChartSpec } from '../bulletin/chart-data';
import { formatDateCn, formatRate, formatScore } from '../bulletin/format';
import { RATE_KEYS, RATE_NAMES, type RateKey } from '../metrics/rates-types';
import type { Config } from '../shared/config';
import { CITIES, division, shortName } from '../shared/divisions';
import { monthLabel } from '../shared/months';
import type { EvaluationDoc, EvaluationUnit } from './evaluation-types';

export const EVALUATION_TITLE = '“三个一批”项目建设年度考评通报';

export interface EvaluationRow {
  rank: string;
  name: string;
  /** The city a reporting unit belongs to (short name); empty in the city table. */
  city: string;
  monthsReported: string;
  rates: string[];
  score: string;
}

export interface EvaluationTable {
  caption: string;
  /** The rates shown: those with a weight (the others count for nothing). */
  columns: string[];
  rows: EvaluationRow[];
}

export interface EvaluationModel {
  year: number;
  masthead: { issuer: string; title: string; edition: string; issueLabel: string; issuedOnLabel: string };
  heading: string;
  rule: string;
  summary: string[];
  cityTable: EvaluationTable;
  unitTable: EvaluationTable;
  chart: ChartSpec;
  notes: string[];
}

/** The rates that weigh, in the bulletin's order. */
function weightedKeys(doc: EvaluationDoc): RateKey[] {
  return RATE_KEYS.filter((k) => doc.config.weights[k] > 0);
}

const cityShort = (code: string | null) => {
  const d = code ? division(code) : undefined;
  return d ? shortName(d) : '';
};

function unitLabel(u: EvaluationUnit): string {
  const d = division(u.code);
  return u.level === 'city' && d ? shortName(d) : u.name;
}

/** Ranked first, then the unranked in code order (the list is in code order, the sort is stable). */
function byRank(units: readonly EvaluationUnit[]): EvaluationUnit[] {
  return [...units].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
}

function table(doc: EvaluationDoc, units: readonly EvaluationUnit[], caption: string, withCity: boolean): EvaluationTable {
  const keys = weightedKeys(doc);
  const used = doc.months.length;
  return {
    caption,
    columns: keys.map((k) => RATE_NAMES[k]),
    rows: byRank(units).map((u) => ({
      rank: u.rank === null ? '—' : String(u.rank),
      name: unitLabel(u),
      city: withCity ? cityShort(u.cityCode) : '',
      monthsReported: `${u.monthsReported}/${used}`,
      rates: keys.map((k) => formatRate(u.rates[k])),
      score: formatScore(u.score),
    })),
  };
}

/** A span of months as people say it: 1—12月, or the months listed when there are gaps. */
function monthsPhrase(doc: EvaluationDoc): string {
  const nums = doc.months.map((m) => Number(m.month.slice(5)));
  if (!nums.length) return '无';
  const contiguous = nums.every((n, i) => i === 0 || n === nums[i - 1] + 1);
  return contiguous && nums.length > 1 ? `${nums[0]}—${nums[nums.length - 1]}月` : `${nums.join('、')}月`;
}

function weightPhrase(doc: EvaluationDoc): string {
  return weightedKeys(doc)
    .map((k) => `${RATE_NAMES[k]}${doc.config.weights[k]}`)
    .join('、');
}

/** The rule in one paragraph, from the configuration the year was scored with. */
export function ruleParagraph(doc: EvaluationDoc): string {
  const { keywords, extraWeight } = doc.config.keyIndustries;
  const key =
    extraWeight > 0
      ? `产业类别含“${keywords.join('”“')}”的重点领域项目按 ${formatScore(1 + extraWeight).replace(/\.0$/, '')} 倍计入各项指标的分子和分母；`
      : '';
  const missing =
    doc.config.unreportedMonths === 'zero'
      ? '未报送的月份，该单位当年有数据的指标按 0 计入（全年未报送的单位各项指标均按 0 计）'
      : '未报送的月份不计入该单位的平均值';
  return (
    `年度考评以${doc.year}年已计算月报（${monthsPhrase(doc)}，共 ${doc.months.length} 个月）为依据：逐月计算各单位的${weightedKeys(doc).map((k) => RATE_NAMES[k]).join('、')}，` +
    `${key}各项指标取所计月份的平均值（无分母的月份不计入），年度得分为各项平均值按权重（${weightPhrase(doc)}）加权平均后乘以 100；` +
    `${missing}。得分保留一位小数后排名，得分相同的并列，全年无数据的单位不排名。`
  );
}

/**
 * The leaders sentence: units ranked within the first three, of those that reported at all; a
 * tie at the boundary adds names, but not beyond five (then the boundary's group is left out).
 */
export function leadersPhrase(units: readonly EvaluationUnit[], who: string): string | null {
  let named = byRank(units).filter((u) => u.rank !== null && u.rank <= 3 && u.monthsReported > 0);
  if (named.length > 5) {
    const last = named[named.length - 1].rank;
    named = named.filter((u) => u.rank !== last);
  }
  if (!named.length) return null;
  const list = named.map((u) => `${unitLabel(u)}（${formatScore(u.score)}分）`).join('、');
  return named.length === 1 ? `${who}年度得分居首位的是${list}。` : `${who}年度得分居前 ${named.length} 位的是${list}。`;
}

/** Skipped months grouped by reason, consecutive months as a span: 2026年4—12月（尚未计算）. */
export function skippedPhrase(doc: EvaluationDoc): string {
  const groups: { from: number; to: number; reason: string }[] = [];
  for (const s of doc.skippedMonths) {
    const n = Number(s.month.slice(5));
    const g = groups[groups.length - 1];
    if (g && g.reason === s.reason && g.to === n - 1) g.to = n;
    else groups.push({ from: n, to: n, reason: s.reason });
  }
  return groups.map((g) => `${doc.year}年${g.from === g.to ? g.from : `${g.from}—${g.to}`}月（${g.reason}）`).join('；');
}

export function evaluationModel(doc: EvaluationDoc, config: Config, issuedOn: string): EvaluationModel {
  const cityTable = table(doc, doc.cities, `表1　${doc.year}年度各省辖市（示范区）考评得分及排名`, false);
  const unitTable = table(doc, doc.units, `表2　${doc.year}年度各县（市、区）考评得分及排名`, true);
  const summary: string[] = [];
  summary.push(`全省年度得分 ${formatScore(doc.province.score)} 分。`);
  for (const line of [leadersPhrase(doc.cities, '省辖市（示范区）'), leadersPhrase(doc.units, '县（市、区）')]) if (line) summary.push(line);
  if (doc.skippedMonths.length) summary.push(`以下月份未计入：${skippedPhrase(doc)}。`);
  const drafts = doc.months.filter((m) => m.version === null);
  if (drafts.length) summary.push(`${drafts.map((m) => monthLabel(m.month)).join('、')}尚未发布，按草稿数据计入。`);

  const bars = chartBars(
    doc.cities.map((c) => ({ name: unitLabel(c), value: c.score })),
    'score',
  );
  const line = referenceLine('全省', doc.province.score, 'score', 'dashed', '#c8161d');
  const unscored = doc.cities.filter((c) => c.score === null).map(unitLabel);
  const chart: ChartSpec = {
    id: 'evaluation-cities',
    number: '图1',
    title: `${doc.year}年度各省辖市（示范区）考评得分`,
    kind: 'score',
    bars,
    lines: line ? [line] : [],
    note: `虚线为全省年度得分。${unscored.length ? `${unscored.join('、')}全年无数据，未列入。` : ''}`,
    ...chartSize(bars.length, 440),
  };
  return {
    year: doc.year,
    masthead: {
      issuer: config.bulletin.issuer,
      title: EVALUATION_TITLE,
      edition: '',
      issueLabel: `${doc.year}年度`,
      issuedOnLabel: formatDateCn(issuedOn),
    },
    heading: `${doc.year}年度全省“三个一批”项目建设考评结果`,
    rule: ruleParagraph(doc),
    summary,
    cityTable,
    unitTable,
    chart,
    notes: [
      `省辖市（示范区）共 ${CITIES.length} 个，按其所辖报送单位的汇总数计算；县（市、区）共 ${doc.units.length} 个报送单位（含济源示范区、航空港区）。`,
      '“报送月数”为所计月份中有已受理台账的月数（报送月数/所计月数）；“—”表示无数据。',
    ],
  };
}
