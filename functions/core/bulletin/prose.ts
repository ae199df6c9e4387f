/**
 * Sentences in the style of the seeds' 通报 (the 2021-10 speech: "签约一批”项目开工率居全省前3位的是
 * 许昌、漯河、驻马店，均在75%以上；……“投产一批”项目达效率为100%的有新乡、焦作……济源7市"),
 * generated from the numbers. Pure: plain data in, plain text out (never HTML).
 *
 * Every comparison is made on the figures as printed (one decimal), so a sentence never
 * contradicts the table next to it: two units printed 72.3% are "均为 72.3%", and a unit printed
 * 100.0% counts as 100%. Ranks are competition ranks (1, 2, 2, 4) computed the way compute does,
 * over the units given; units without a value are named apart, never ranked.
 */
import { competitionRanks } from '../metrics/rank';
import { rateTenths, tenths } from '../shared/printed';
import { DASH, formatDecimal, formatRate, formatWholePercent } from './format';
import type { RateKey } from '../metrics/rates-types';

/** One peer in a ranking. */
export interface Peer {
  name: string;
  /** A rate (fraction) or a score (0–100); null when the unit has none. */
  value: number | null;
  /** Why the value is null: the unit sent nothing (未报送), its uploads were refused (报送未通过), or its denominator is 0. */
  missing?: 'unreported' | 'rejected' | 'no-base' | null;
}

export type ValueKind = 'rate' | 'score';

export interface RankingOptions {
  /** The metric as the sentence names it: “签约一批”项目开工率, 综合得分. */
  metric: string;
  /** The peers' scope in "居全省前3位": 全省 / 全市; '' gives "居前3位" (a later clause of a list). */
  scope: string;
  /** How to say "all units": 各地 / 各县（市、区）. */
  everyone: string;
  kind?: ValueKind;
  /** How many leaders and laggards to name (default 3; fewer when there are few peers). */
  k?: number;
  /** "7市": the count suffix for a list of units (default "N个"). */
  countNoun?: (units: Peer[]) => string;
  /** Why a unit with a zero denominator has no value ("暂无签约类项目"). */
  noBase?: string;
  /**
   * 薄弱环节: only values printed below this are laggards (the green threshold: a unit at 85% is
   * not weak because others are at 95%). None: the bottom is named whatever it is.
   */
  weakBelow?: number;
}

/** The metric names of the seeds: what each rate measures, by batch. */
export const PROSE_METRIC: Record<RateKey, string> = {
  signingLanding: '“签约一批”项目落地率',
  start: '“签约一批”项目开工率',
  investmentCompletion: '投资完成率',
  production: '“开工一批”项目投产率',
  efficiency: '“投产一批”项目达效率',
};

/** Why a reporting unit has no value for a rate (its denominator is 0). */
export const NO_BASE: Record<RateKey, string> = {
  signingLanding: '暂无签约类项目',
  start: '暂无签约类项目',
  investmentCompletion: '暂无年度计划投资',
  production: '暂无开工类项目',
  efficiency: '暂无投产类项目',
};

export function joinNames(names: readonly string[]): string {
  return names.join('、');
}

/** A value as printed: "57.0%" for a rate, "71.3 分" for a score. */
function show(v: number, kind: ValueKind): string {
  return kind === 'rate' ? formatRate(v) : `${formatDecimal(v, 1)} 分`;
}

/** The printed value in tenths (of a percent for rates, of a point for scores): what equality means. */
function printed(v: number, kind: ValueKind): number {
  return kind === 'rate' ? rateTenths(v) : tenths(v);
}

/** "均在75%以上" for the smallest printed value of a set (a multiple of 5 at or below it). */
function floorPhrase(minTenths: number, kind: ValueKind): string {
  const five = Math.floor(minTenths / 50) * 5;
  if (five <= 0) return '';
  return kind === 'rate' ? `均在${formatWholePercent(five)}以上` : `均在${five}分以上`;
}

interface Ranked {
  peer: Peer;
  /** Index among all peers (input order breaks ties in listings). */
  i: number;
  value: number;
  p: number;
  rank: number;
  rankFromBottom: number;
}

function rankPeers(peers: readonly Peer[], kind: ValueKind): Ranked[] {
  const withValue = peers
    .map((peer, i) => ({ peer, i }))
    .filter((x): x is { peer: Peer & { value: number }; i: number } => typeof x.peer.value === 'number' && Number.isFinite(x.peer.value));
  // Rank on the printed value: equal figures are equal ranks, as a reader of the table sees them.
  const p = withValue.map((x) => printed(x.peer.value, kind));
  const top = competitionRanks(p);
  const bottom = competitionRanks(p.map((v) => -v));
  return withValue.map((x, j) => ({ peer: x.peer, i: x.i, value: x.peer.value, p: p[j], rank: top[j]!, rankFromBottom: bottom[j]! }));
}

const byRank = (a: Ranked, b: Ranked) => a.rank - b.rank || a.i - b.i;
const byRankFromBottom = (a: Ranked, b: Ranked) => a.rankFromBottom - b.rankFromBottom || a.i - b.i;

/** "（B、C并列第2位）" for every tie inside a listed set. */
function tieNote(set: Ranked[], rankOf: (r: Ranked) => number, prefix: string): string {
  const groups = new Map<number, Ranked[]>();
  for (const r of set) groups.set(rankOf(r), [...(groups.get(rankOf(r)) ?? []), r]);
  const ties = [...groups.entries()].filter(([, g]) => g.length > 1).sort((a, b) => a[0] - b[0]);
  if (!ties.length) return '';
  return `（${ties.map(([rank, g]) => `${joinNames(g.map((r) => r.peer.name))}并列${prefix}第${rank}位`).join('，')}）`;
}

/** How many to name at each end: 3 with six or more peers, fewer below, so the ends never meet. */
export function namedCount(n: number, k = 3): number {
  if (n >= 2 * k) return k;
  return Math.max(1, Math.floor(n / 2));
}

const defaultCount = (units: Peer[]) => `${units.length}个`;

/**
 * The leaders of one metric, as one clause (no final punctuation), or null when no peer has a value
 * and there is nobody to name.
 * - "…居全省前3位的是许昌、漯河、驻马店，均在75%以上" (ties at the boundary name every tied unit,
 *   with a note "（…并列第3位）");
 * - three or more units at 100%: "…为100%的有新乡、焦作、漯河7市";
 * - everyone equal: "各地…均为 60.0%"; one unit: "…仅郑州有数据，为 80.0%"; two: "…仅郑州、开封
 *   有数据，分别为 80.0%、60.0%".
 */
export function leadersClause(peers: readonly Peer[], opts: RankingOptions): string | null {
  const kind = opts.kind ?? 'rate';
  const ranked = rankPeers(peers, kind);
  const n = ranked.length;
  const { metric } = opts;
  const count = opts.countNoun ?? defaultCount;
  if (n === 0) return peers.length ? `${opts.everyone}${metric}均无数据` : null;
  const sorted = [...ranked].sort(byRank);
  const names = (set: Ranked[]) => joinNames(set.map((r) => r.peer.name));
  const everyoneHasOne = n === peers.length;
  if (sorted.every((r) => r.p === sorted[0].p)) {
    const v = show(sorted[0].value, kind);
    if (n === 1) return everyoneHasOne ? `${sorted[0].peer.name}${metric}为 ${v}` : `${metric}仅${sorted[0].peer.name}有数据，为 ${v}`;
    if (everyoneHasOne) return `${opts.everyone}${metric}均为 ${v}`;
    if (n <= 3) return `${metric}仅${names(sorted)}有数据，均为 ${v}`;
    const without = peers.filter((p) => !(typeof p.value === 'number' && Number.isFinite(p.value))).map((p) => p.name);
    if (without.length <= 3) return `除${joinNames(without)}外，${opts.everyone}${metric}均为 ${v}`;
    return `${metric}有数据的 ${n} 个单位均为 ${v}`;
  }
  if (n === 2) {
    const values = sorted.map((r) => show(r.value, kind)).join('、');
    return everyoneHasOne ? `${names(sorted)}${metric}分别为 ${values}` : `${metric}仅${names(sorted)}有数据，分别为 ${values}`;
  }
  if (kind === 'rate') {
    const full = sorted.filter((r) => r.p === 1000);
    if (full.length >= 3) return `${metric}为100%的有${names(full)}${count(full.map((r) => r.peer))}`;
  }
  const k = namedCount(n, opts.k ?? 3);
  const top = sorted.filter((r) => r.rank <= k);
  const scope = opts.scope;
  if (top.length > 1 && top.every((r) => r.rank === 1)) {
    return `${metric}并列${scope}第1位的是${names(top)}，均为 ${show(top[0].value, kind)}`;
  }
  const where = k === 1 ? `居${scope}首位的是` : `居${scope}前${k}位的是`;
  const min = Math.min(...top.map((r) => r.p));
  const tail = top.length === 1 ? `，为 ${show(top[0].value, kind)}` : floorPhrase(min, kind) ? `，${floorPhrase(min, kind)}` : '';
  return `${metric}${where}${names(top)}${tieNote(top, (r) => r.rank, '')}${tail}`;
}

/**
 * The laggards of one metric, with their values: "…居后3位的是焦作（37.2%）、南阳（42.9%）、航空港区
 * （46.2%）", worst first; never a unit already among the leaders, and (`weakBelow`) only units
 * below the threshold. Null when there are too few peers to have both ends, when everyone is
 * equal, or when nobody at the bottom is weak.
 */
export function laggardsClause(peers: readonly Peer[], opts: RankingOptions): string | null {
  const kind = opts.kind ?? 'rate';
  const ranked = rankPeers(peers, kind);
  const n = ranked.length;
  if (n < 3 || ranked.every((r) => r.p === ranked[0].p)) return null;
  const k = namedCount(n, opts.k ?? 3);
  const leaders = new Set(ranked.filter((r) => r.rank <= k).map((r) => r.i));
  const weak = opts.weakBelow === undefined ? () => true : (r: Ranked) => r.p < printed(opts.weakBelow!, kind);
  const candidates = ranked.filter((r) => r.rankFromBottom <= k && !leaders.has(r.i));
  const bottom = candidates.filter(weak).sort(byRankFromBottom);
  if (!bottom.length) return null;
  // Fewer weak units than places: as many places as are named (they are the last ones).
  const places = bottom.length === candidates.length ? k : bottom.length;
  const where = places === 1 ? `居${opts.scope}末位的是` : `居${opts.scope}后${places}位的是`;
  return `${opts.metric}${where}${joinNames(bottom.map((r) => `${r.peer.name}（${show(r.value, kind)}）`))}`;
}

/** "洛阳暂无签约类项目" for the reporting peers without a value (a zero denominator), or null. */
export function noBaseClause(peers: readonly Peer[], opts: Pick<RankingOptions, 'noBase'>): string | null {
  const names = peers.filter((p) => p.value === null && p.missing === 'no-base').map((p) => p.name);
  if (!names.length || !opts.noBase) return null;
  return `${joinNames(names)}${opts.noBase}`;
}

/** "航空港区未报送，商水县报送未通过，未参与排名" for peers without an accepted ledger, or null. */
export function unreportedClause(peers: readonly Peer[]): string | null {
  const named = (missing: Peer['missing'], what: string) => {
    const names = peers.filter((p) => p.missing === missing).map((p) => p.name);
    return names.length ? `${joinNames(names)}${what}` : null;
  };
  const parts = [named('unreported', '未报送'), named('rejected', '报送未通过')].filter(Boolean);
  return parts.length ? `${parts.join('，')}，未参与排名` : null;
}

/** Joins clauses into one sentence: "a；b；c。", or '' when there are none. */
export function sentence(clauses: ReadonlyArray<string | null | undefined | false>, lead = ''): string {
  const parts = clauses.filter((c): c is string => !!c);
  return parts.length ? `${lead}${parts.join('；')}。` : '';
}

/**
 * The leaders of several rates in one sentence, the way the seed lists them:
 * "从各地看，“签约一批”项目开工率居全省前3位的是…，均在75%以上；“开工一批”项目投产率居前3位的是…。"
 * Only the first clause names the scope. Units without a base are named per clause; units that
 * did not report, once at the end.
 */
export function leadersSentence(
  metrics: ReadonlyArray<{ key: RateKey; peers: readonly Peer[] }>,
  opts: Omit<RankingOptions, 'metric' | 'noBase'>,
  lead: string,
): string {
  let first = true;
  const clauses = metrics.map(({ key, peers }) => {
    const c = leadersClause(peers, { ...opts, metric: PROSE_METRIC[key], scope: first ? opts.scope : '' });
    if (c && /居.*前|并列/.test(c)) first = false;
    const nb = noBaseClause(peers, { noBase: NO_BASE[key] });
    return c && nb ? `${c}（${nb}，未计算${PROSE_METRIC[key].replace(/^“[^”]+”项目/, '')}）` : c;
  });
  const unreported = unreportedClause(metrics[0]?.peers ?? []);
  const s = sentence(clauses, lead);
  return unreported && s ? `${s}${unreported}。` : s;
}

/** The laggards of several rates in one sentence, or '' when none can be named. */
export function laggardsSentence(
  metrics: ReadonlyArray<{ key: RateKey; peers: readonly Peer[] }>,
  opts: Omit<RankingOptions, 'metric' | 'noBase'>,
  lead = '',
): string {
  let first = true;
  const clauses = metrics.map(({ key, peers }) => {
    const c = laggardsClause(peers, { ...opts, metric: PROSE_METRIC[key], scope: first ? opts.scope : '' });
    if (c) first = false;
    return c;
  });
  return sentence(clauses, lead);
}

/** 投资完成率 of peers against 时序进度, by grade (green: reached it; red: 10+ points below). */
export function investmentSentence(
  peers: ReadonlyArray<Peer & { grade: 'green' | 'yellow' | 'red' | null }>,
  opts: { timeProgress: number; redGapPoints: string; everyone: string; countNoun?: (units: Peer[]) => string },
): string {
  const count = opts.countNoun ?? defaultCount;
  const graded = peers.filter((p) => p.grade && p.value !== null);
  if (!graded.length) return '';
  const green = graded.filter((p) => p.grade === 'green');
  const red = graded.filter((p) => p.grade === 'red').sort((a, b) => (a.value as number) - (b.value as number));
  const tp = formatRate(opts.timeProgress);
  const parts: string[] = [];
  if (green.length === graded.length) parts.push(`${opts.everyone}投资完成率均达到时序进度（${tp}）`);
  else if (green.length) parts.push(`投资完成率达到时序进度（${tp}）的有${joinNames(green.map((p) => p.name))}${count(green)}`);
  else parts.push(`${opts.everyone}投资完成率均未达到时序进度（${tp}）`);
  if (red.length) {
    parts.push(
      `低于时序进度 ${opts.redGapPoints} 个百分点及以上的有${joinNames(red.map((p) => `${p.name}（${formatRate(p.value)}）`))}${count(red)}`,
    );
  }
  return sentence(parts);
}

/** "开工率 91.4%、投产率 88.5%、达效率 94.7%" for a set of rates; nulls are left out ('' if all are). */
export function ratesList(rates: Partial<Record<RateKey, number | null>>, keys: readonly RateKey[], names: Record<RateKey, string>): string {
  return keys
    .filter((k) => typeof rates[k] === 'number')
    .map((k) => `${names[k]} ${formatRate(rates[k])}`)
    .join('、');
}

/** A figure or the dash, for sentences that must print something. */
export function rateOrDash(v: number | null | undefined): string {
  return v === null || v === undefined ? DASH : formatRate(v);
}
