/**
 * Pure number formatting for documents (bulletin, email). docs/metrics.md conventions:
 * rates are fractions in data and percentages with one decimal in documents ("57.0%"),
 * gaps and changes are in 百分点, a missing value is "—". Rounding: core/shared/printed.ts.
 */
import { rateTenths, roundScaled } from '../shared/printed';
import { shanghaiParts } from '../shared/shanghai-time';

export const DASH = '—';

type Num = number | null | undefined;

function isNum(x: Num): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Writes an integer count of 10^-decimals units as a decimal string ("-0.8", never "-0.0"). */
function unitsToString(units: number, decimals: number): string {
  if (units === 0) return decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  if (decimals === 0) return `${sign}${abs}`;
  const base = 10 ** decimals;
  const int = Math.floor(abs / base);
  const frac = String(abs % base).padStart(decimals, '0');
  return `${sign}${int}.${frac}`;
}

/** Decimal string of `value` with `decimals` places, half away from zero; "-0.0" becomes "0.0". */
export function formatDecimal(value: Num, decimals: number): string {
  if (!isNum(value)) return DASH;
  return unitsToString(roundScaled(value, decimals), decimals);
}

/** A rate (fraction) as a percentage with one decimal: 0.57 → "57.0%", null → "—". */
export function formatRate(x: Num): string {
  if (!isNum(x)) return DASH;
  return `${unitsToString(roundScaled(x, 3), 1)}%`;
}

/**
 * A change of a rate (fraction delta) in 百分点 with one decimal and an explicit sign:
 * 0.012 → "+1.2", -0.008 → "-0.8", anything that rounds to zero → "0.0", null → "—".
 */
export function formatPoints(delta: Num): string {
  if (!isNum(delta)) return DASH;
  const units = roundScaled(delta, 3);
  const s = unitsToString(units, 1);
  return units > 0 ? `+${s}` : s;
}

/** Same as formatPoints, as a phrase: "提高 1.2 个百分点" / "下降 0.8 个百分点" / "持平" / "—". */
export function formatChangePhrase(delta: Num): string {
  if (!isNum(delta)) return DASH;
  const units = roundScaled(delta, 3);
  if (units === 0) return '持平';
  return `${units > 0 ? '提高' : '下降'} ${unitsToString(Math.abs(units), 1)} 个百分点`;
}

export type GapDirection = 'above' | 'below' | 'equal';

/**
 * 投资完成率 against 时序进度, computed on the percentages as printed (one decimal each), so the
 * sentence always agrees with the two figures next to it: 57.1% vs 83.3% → 26.2 points.
 * Null when either side is missing.
 */
export function gapTenths(ic: Num, tp: Num): number | null {
  if (!isNum(ic) || !isNum(tp)) return null;
  return rateTenths(ic) - rateTenths(tp);
}

export function gapDirection(ic: Num, tp: Num): GapDirection | null {
  const g = gapTenths(ic, tp);
  if (g === null) return null;
  return g > 0 ? 'above' : g < 0 ? 'below' : 'equal';
}

/** "高于时序进度 3.2 个百分点" / "低于时序进度 1.5 个百分点" / "与时序进度持平" / "—". */
export function formatGap(ic: Num, tp: Num): string {
  const g = gapTenths(ic, tp);
  if (g === null) return DASH;
  if (g === 0) return '与时序进度持平';
  return `${g > 0 ? '高于' : '低于'}时序进度 ${unitsToString(Math.abs(g), 1)} 个百分点`;
}

/** 万元 → 亿元 with two decimals, no unit: 123456 → "12.35", null → "—". */
export function formatYi(wan: Num): string {
  if (!isNum(wan)) return DASH;
  // 1 亿元 = 10,000 万元: shift the decimal point instead of dividing (no float error).
  return unitsToString(roundShift(wan, 4, 2), 2);
}

/** value / 10^shift rounded to `decimals`, as integer units of 10^-decimals. */
function roundShift(value: number, shift: number, decimals: number): number {
  const scaled = Math.abs(value) * 10 ** (decimals - shift);
  const units = Math.floor(Number(scaled.toPrecision(12)) + 0.5);
  return value < 0 ? -units : units;
}

/** 万元 with `decimals` places (default 2), no unit: 41000 → "41000.00", null → "—". */
export function formatWan(wan: Num, decimals = 2): string {
  return formatDecimal(wan, decimals);
}

/** A count of projects/units: 27 → "27", null → "—". */
export function formatCount(n: Num): string {
  if (!isNum(n)) return DASH;
  return unitsToString(Math.round(n), 0);
}

/** A 综合得分 (0–100) with one decimal: 71.25 → "71.3", null → "—". */
export function formatScore(x: Num): string {
  return formatDecimal(x, 1);
}

/** A rank as shown: 3 → "3", null → "—". */
export function formatRank(r: Num): string {
  return formatCount(r);
}

/** "2026-11-05" → "2026年11月5日" (the way a 通报 dates itself). */
export function formatDateCn(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`date must be YYYY-MM-DD: ${isoDate}`);
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

export type RankMove = 'up' | 'down' | 'same';

/**
 * A rank's move since last month, as printed next to the rank: up 2 places → "↑2", down 1 →
 * "↓1", unchanged → "→", unknown (no rank now or then) → "". Ranks count from 1 (best), so a
 * smaller number now is a move up.
 */
export function formatRankMove(now: Num, before: Num): { text: string; move: RankMove | null } {
  if (!isNum(now) || !isNum(before)) return { text: '', move: null };
  const d = Math.round(before) - Math.round(now);
  if (d === 0) return { text: '→', move: 'same' };
  return d > 0 ? { text: `↑${d}`, move: 'up' } : { text: `↓${-d}`, move: 'down' };
}

/** The same move in words: "较上月上升2位" / "较上月下降1位" / "持平" / "" (unknown). */
export function formatRankMovePhrase(now: Num, before: Num): string {
  const { move } = formatRankMove(now, before);
  if (!move) return '';
  if (move === 'same') return '与上月持平';
  const d = Math.abs(Math.round(before as number) - Math.round(now as number));
  return `较上月${move === 'up' ? '上升' : '下降'}${d}位`;
}

/**
 * The difference of two rates in 百分点 as printed (each side rounded to one decimal first, so
 * the figure agrees with the two percentages next to it), with a sign: "+4.1" / "-0.3" / "0.0" / "—".
 */
export function formatRateDiff(a: Num, b: Num): string {
  if (!isNum(a) || !isNum(b)) return DASH;
  const d = rateTenths(a) - rateTenths(b);
  const s = unitsToString(d, 1);
  return d > 0 ? `+${s}` : s;
}

/**
 * A rate against a reference, in words, on the printed values: "高于全省 4.1 个百分点" /
 * "低于全省 0.3 个百分点" / "与全省持平" / "" (either side missing). `ref` names the reference.
 */
export function formatRateCompare(a: Num, b: Num, ref: string): string {
  if (!isNum(a) || !isNum(b)) return '';
  const d = rateTenths(a) - rateTenths(b);
  if (d === 0) return `与${ref}持平`;
  return `${d > 0 ? '高于' : '低于'}${ref} ${unitsToString(Math.abs(d), 1)} 个百分点`;
}

/** Whole percent, no decimals, for thresholds in prose: 75 → "75%". */
export function formatWholePercent(percent: number): string {
  return `${Math.round(percent)}%`;
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 21 → 二十一, 100 → 100 (documents write larger numbers in digits). */
export function cnNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return CN_DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

/** An instant in Asia/Shanghai as "2026年11月12日 09:05" (links' expiry in mails). */
export function formatShanghaiDateTime(d: Date): string {
  const t = shanghaiParts(d);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.year}年${t.month}月${t.day}日 ${pad(t.hour)}:${pad(t.minute)}`;
}

/** How long something lasts, as a mail says it: "7 天" / "12 小时" / "30 分钟" (rounded down). */
export function formatDuration(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds / 86400} 天`;
  if (seconds >= 86400) return `${Math.floor(seconds / 86400)} 天 ${Math.floor((seconds % 86400) / 3600)} 小时`.replace(/ 0 小时$/, '');
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} 小时`;
  return `${Math.max(1, Math.floor(seconds / 60))} 分钟`;
}

/** A size of change in 百分点 without its sign ("5.0"), for thresholds and gaps named in prose. */
export function formatPointsAbs(fraction: number): string {
  return formatPoints(Math.abs(fraction)).replace(/^\+/, '');
}
