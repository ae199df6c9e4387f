/**
 * 二、各地进展: the edition's peers side by side — the province's 19 city-level units, or a city's
 * reporting units. The paragraphs (leaders, 投资完成率 against 时序进度, laggards, scores), the table
 * ranked by score, one chart per rate and one of the score. Written once for both editions: a
 * PeerScope says who the peers are and how the section names them. Pure.
 */
import { chartBars, chartSize, referenceLine, type ChartSpec } from '../chart-data';
import type { Config } from '../../shared/config';
import { DASH, formatCount, formatPointsAbs, formatRank, formatRankMove, formatScore } from '../format';
import {
  PROSE_METRIC,
  investmentSentence,
  joinNames,
  laggardsClause,
  laggardsSentence,
  leadersClause,
  leadersSentence,
  sentence,
  type Peer,
} from '../prose';
import { COUNT_RATES, moveClass, peerOf, rateCell, rateColumns, statusText, type UnitEntry } from '../cells';
import { RATE_KEYS, type RateKey, type RateMap, type UnitResult } from '../../metrics/rates-types';
import type { BulletinModel, UnitRow } from '../view-model';

/** Who an edition's peers are, and the words its sentences, tables and charts name them with. */
export interface PeerScope {
  /** The peers' scope in "居全省前3位": 全省 / 全市. */
  scope: string;
  /** All the peers at once ("各地…均为 70.0%"), also the charts' titles: 各地 / 各县（市、区）. */
  everyone: string;
  /** The count after a list of peers: "7市" / "，共 2 个". */
  countNoun: (units: Peer[]) => string;
  /** Opens the leaders' sentence: 从各地看， / 从县（市、区）看，. */
  lead: string;
  /** The name column of the tables (this section's and 三、预警's): 地区 / 单位. */
  nameHeader: string;
  /** The score-rank column: 排名 / 市内排名. */
  rankHeader: string;
  /**
   * The peers are city-level units, sums of reporting units: their rows show how many reporting
   * units reported ("12/13") and their projects even when not all reported. Reporting units' rows
   * show "—" for both when the unit did not report.
   */
  aggregates: boolean;
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

/** Colours of the reference lines on the charts. */
export const REF_COLOR = { province: '#c8161d', city: '#333333' } as const;
/** 时序进度's line: blue and dotted, so that it never reads as 全省's red dashed one beside it. */
const TIME_PROGRESS_COLOR = '#1f5fa8';
/** How a chart's note names a line: its colour and its dash. */
const COLOR_NAME: Record<string, string> = { [REF_COLOR.province]: '红色', [REF_COLOR.city]: '黑色', [TIME_PROGRESS_COLOR]: '蓝色' };

/** A unit whose value the charts mark with a dashed line (全省, 全市). */
export interface ChartRef {
  name: string;
  unit: UnitResult;
  color: string;
}

/** The rate ranks a row shows, this month and last (province: among the 19; city: within the city). */
export type RateRanks = (e: UnitEntry) => { now: RateMap<number | null> | null | undefined; before: RateMap<number | null> | null | undefined };

/** The whole section from the peers: paragraphs, the table ranked by score, the charts. */
export function progressSection(
  peers: PeerScope,
  o: {
    title: string;
    intro: string;
    caption: string;
    entries: readonly UnitEntry[];
    scoreRanks: { now: Array<number | null>; before: Array<number | null> };
    rateRanks: RateRanks;
    refs: ChartRef[];
    timeProgress: number;
    config: Config;
  },
): BulletinModel['units'] {
  return unitsSection(peers, {
    title: o.title,
    intro: o.intro,
    caption: o.caption,
    paragraphs: progressParagraphs(o.entries, peers, o.timeProgress, o.config),
    rows: rankedRows(o.entries, o.scoreRanks, o.rateRanks, peers.aggregates),
    charts: unitCharts(o.entries, o.refs, o.timeProgress, peers.everyone),
  });
}

/** The section as given (a unit without peers writes its own paragraph and has no table or charts). */
export function unitsSection(
  peers: PeerScope,
  o: { title: string; intro: string; caption: string; paragraphs: string[]; rows: UnitRow[]; charts: ChartSpec[] },
): BulletinModel['units'] {
  return {
    title: o.title,
    intro: o.intro,
    paragraphs: o.paragraphs,
    table: {
      number: '',
      caption: o.caption,
      nameHeader: peers.nameHeader,
      rankHeader: peers.rankHeader,
      showReportedUnits: peers.aggregates,
      columns: rateColumns(),
      rows: o.rows,
    },
    charts: o.charts,
  };
}

/**
 * The leaders of the count rates, 投资完成率 against 时序进度, the laggards, and the scores' leaders
 * and laggards: one paragraph each, empty ones left out.
 */
export function progressParagraphs(entries: readonly UnitEntry[], peers: PeerScope, timeProgress: number, config: Config): string[] {
  const rankOpts = { scope: peers.scope, everyone: peers.everyone, countNoun: peers.countNoun };
  const ratePeers = (key: RateKey) => entries.map((e) => peerOf(e.name, e.unit, e.unit?.rates[key] ?? null, e.rejected));
  const scorePeers = entries.map((e) => peerOf(e.name, e.unit, e.unit?.score ?? null, e.rejected));
  return [
    leadersSentence(COUNT_RATES.map((key) => ({ key, peers: ratePeers(key) })), rankOpts, peers.lead),
    investmentSentence(
      entries.map((e) => ({ ...peerOf(e.name, e.unit, e.unit?.rates.investmentCompletion ?? null, e.rejected), grade: e.unit?.grade?.investmentCompletion ?? null })),
      { timeProgress, redGapPoints: formatPointsAbs(config.grades.investmentRedGap), everyone: peers.everyone, countNoun: peers.countNoun },
    ),
    // 薄弱环节 are the rates below the green threshold, not merely the lowest three.
    laggardsSentence(COUNT_RATES.map((key) => ({ key, peers: ratePeers(key) })), { ...rankOpts, weakBelow: config.grades.green }, '从薄弱环节看，'),
    sentence([
      leadersClause(scorePeers, { ...rankOpts, metric: '综合得分', kind: 'score' }),
      laggardsClause(scorePeers, { ...rankOpts, scope: '', metric: '', kind: 'score', weakBelow: config.grades.green * 100 }),
    ]),
  ].filter(Boolean);
}

/** The rows by score rank (unranked last, in the given order). */
export function rankedRows(
  entries: readonly UnitEntry[],
  scoreRanks: { now: Array<number | null>; before: Array<number | null> },
  rateRanks: RateRanks,
  aggregates: boolean,
): UnitRow[] {
  return entries
    .map((e, i) => ({ i, rank: scoreRanks.now[i], row: unitRow(e, scoreRanks.now[i], scoreRanks.before[i], rateRanks, aggregates) }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.i - b.i)
    .map((x) => x.row);
}

function unitRow(e: UnitEntry, scoreRank: number | null, previousScoreRank: number | null, rateRanks: RateRanks, aggregates: boolean): UnitRow {
  const unit = e.unit;
  if (!unit) {
    return {
      code: e.code,
      name: e.name,
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
  const move = formatRankMove(scoreRank, previousScoreRank);
  const ranks = rateRanks(e);
  return {
    code: e.code,
    name: e.name,
    reported: unit.reported,
    status: statusText(unit, e.rejected),
    projects: aggregates || unit.reported ? formatCount(unit.counts.projects) : DASH,
    reportedUnits:
      aggregates && unit.reportingUnits !== undefined && unit.reportedUnits !== undefined ? `${unit.reportedUnits}/${unit.reportingUnits}` : DASH,
    rates: RATE_KEYS.map((k) => rateCell(unit, k, ranks.now?.[k] ?? null, ranks.before?.[k] ?? null)),
    score: formatScore(unit.score),
    scoreRank: formatRank(scoreRank),
    scoreMove: move.text,
    scoreMoveClass: moveClass(move.move),
  };
}

const CHART_TITLE: Record<RateKey, string> = PROSE_METRIC;

/**
 * Charts of a set of units: each rate and the score, bars coloured by grade, reference lines for
 * the given units (全省, 全市) and 时序进度 on 投资完成率. `who` opens the titles (各地).
 */
export function unitCharts(
  units: ReadonlyArray<{ name: string; unit: UnitResult | undefined }>,
  refs: readonly ChartRef[],
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
      const tp = referenceLine('时序进度', timeProgress, 'rate', 'dotted', TIME_PROGRESS_COLOR);
      if (tp) lines.push(tp);
    }
    const missing = units.filter((u) => !u.unit || (key === 'score' ? u.unit.score : u.unit.rates[key]) === null).map((u) => u.name);
    // With two lines or more, the note tells them apart (two close values, 全省 83.7% and 时序进度
    // 83.3%, would otherwise be two lines side by side with nothing to say which is which).
    const legend = lines.length > 1 ? lines.map((l) => `${COLOR_NAME[l.color] ?? ''}${l.style === 'dotted' ? '点线' : '虚线'}为${l.label}`).join('，') : '';
    const noteParts = [legend, missing.length ? `无数据未列入：${joinNames(missing)}` : ''].filter(Boolean);
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
