/**
 * 1—M月走势 (issue 13): the edition's own three headline rates month by month this year, with
 * 时序进度 beside 投资完成率, and one small chart per peer (the province's 19 city-level units, a
 * city's reporting units). Months a unit did not report are gaps in its lines. Pure.
 */
import { parseMonth, timeProgress } from '../../shared/months';
import { rateTenths } from '../../shared/printed';
import { formatRate } from '../format';
import { joinNames } from '../prose';
import { RATE_NAMES } from '../../metrics/rates-types';
import { TREND_KEYS, type TrendKey, type YearSeries, unitSeries } from '../trend-data';

export interface TrendLine {
  name: string;
  /** Percent with one decimal as printed (78.0), or null for a gap. */
  values: (number | null)[];
  color: string;
  style: 'solid' | 'dotted';
}

export interface TrendChartSpec {
  id: string;
  /** 图6 (main chart); '' for the small charts. */
  number: string;
  title: string;
  /** 1月 … 10月 */
  months: string[];
  lines: TrendLine[];
  /** The main chart names its lines in a legend; the small ones share the main chart's colours. */
  legend: boolean;
  width: number;
  height: number;
}

export interface TrendView {
  /** 1—10月走势 */
  heading: string;
  paragraph: string;
  main: TrendChartSpec;
  /** 图8　各地1—10月主要指标走势 ('' when the edition has no peers) */
  smallCaption: string;
  small: TrendChartSpec[];
  note: string;
}

export const TREND_COLOR: Record<TrendKey | 'timeProgress', string> = {
  signingLanding: '#c8161d',
  start: '#4f6d8f',
  investmentCompletion: '#3f9a52',
  timeProgress: '#777777',
};
const COLOR_WORD: Record<TrendKey, string> = { signingLanding: '红线', start: '蓝线', investmentCompletion: '绿线' };

const percent = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : rateTenths(v) / 10);

function lines(series: YearSeries, key: string, withTimeProgress: boolean): TrendLine[] {
  const out: TrendLine[] = TREND_KEYS.map((rate) => ({
    name: RATE_NAMES[rate],
    values: unitSeries(series, key, rate).map(percent),
    color: TREND_COLOR[rate],
    style: 'solid' as const,
  }));
  if (withTimeProgress) {
    out.push({ name: '时序进度', values: series.months.map((m) => percent(timeProgress(m))), color: TREND_COLOR.timeProgress, style: 'dotted' });
  }
  return out;
}

/** "由1月的 60.0% 升至10月的 78.0%" (or "1月、10月均为 78.0%") — first and last month with a value; null with fewer than two. */
function movement(values: (number | null)[], months: string[], raw: (number | null)[]): string | null {
  const known = values.map((v, i) => ({ v, i, raw: raw[i] })).filter((x) => x.v !== null);
  if (known.length < 2) return null;
  const first = known[0];
  const last = known[known.length - 1];
  if (last.v === first.v) return `${months[first.i]}、${months[last.i]}均为 ${formatRate(last.raw)}`;
  const verb = last.v! > first.v! ? '升至' : '降至';
  return `由${months[first.i]}的 ${formatRate(first.raw)} ${verb}${months[last.i]}的 ${formatRate(last.raw)}`;
}

/** Month numbers as the text says them: [1,2,3,5] → "1—3月、5月". */
export function monthRanges(months: readonly number[]): string {
  const runs: Array<[number, number]> = [];
  for (const m of months) {
    const last = runs[runs.length - 1];
    if (last && m === last[1] + 1) last[1] = m;
    else runs.push([m, m]);
  }
  return joinNames(runs.map(([a, b]) => (a === b ? `${a}月` : `${a}—${b}月`)));
}

export interface TrendPeer {
  /** `{level}/{code}` in the series */
  key: string;
  name: string;
}

/**
 * The section for `self` (全省 or a city; `who` names it in the sentence, `everyone` its peers in
 * the small charts' caption: 各地, 各县（市、区）) and its peers; null in January (one month is
 * no trend) and when `self` has fewer than two months with data.
 */
export function trendSection(series: YearSeries, self: TrendPeer & { who: string; everyone: string }, peers: readonly TrendPeer[], numberOfMain: number): TrendView | null {
  if (series.months.length < 2) return null;
  const monthNames = series.months.map((m) => `${parseMonth(m).month}月`);
  const span = `1—${monthNames[monthNames.length - 1]}`;
  // A trend needs two months: with one (the campaign's first month here, a unit's first report)
  // the section would only say that there is none.
  if (series.points.filter((p) => p?.units[self.key]).length < 2) return null;
  const main = lines(series, self.key, true);

  const phrases = TREND_KEYS.map((rate, i) => {
    const m = movement(main[i].values, monthNames, unitSeries(series, self.key, rate));
    return m ? `${RATE_NAMES[rate]}${m}` : null;
  }).filter((p): p is string => p !== null);
  const gaps = monthRanges(series.months.map((_, i) => i + 1).filter((_, i) => !series.points[i]?.units[self.key]));
  const paragraph = `${span}，${self.who}${phrases.join('，')}；${monthNames[monthNames.length - 1]}末时序进度为 ${formatRate(timeProgress(series.months[series.months.length - 1]))}。`;

  const size = { width: 640, height: 190 };
  const smallSize = { width: 200, height: 112 };
  const small = peers.map((p, i) => ({
    id: `trend-${i + 1}`,
    number: '',
    title: p.name,
    months: monthNames,
    lines: lines(series, p.key, false),
    legend: false,
    ...smallSize,
  }));
  const noData = peers.filter((p) => series.points.every((pt) => !pt?.units[p.key])).map((p) => p.name);
  const legend = TREND_KEYS.map((k) => `${COLOR_WORD[k]}为${RATE_NAMES[k]}`).join('，');
  const notes = [
    `${legend}；点线为时序进度`,
    '未报送的月份为断点，不按零计',
    gaps ? `${self.who}${gaps}无数据` : '',
    noData.length ? `${joinNames(noData)}本年无数据` : '',
  ].filter(Boolean);
  return {
    heading: `${span}走势`,
    paragraph,
    main: { id: 'trend-main', number: `图${numberOfMain}`, title: `${self.who}${span}主要指标走势`, months: monthNames, lines: main, legend: true, ...size },
    smallCaption: peers.length ? `图${numberOfMain + 1}　${self.everyone}${span}主要指标走势` : '',
    small,
    note: `${notes.join('；')}。`,
  };
}
