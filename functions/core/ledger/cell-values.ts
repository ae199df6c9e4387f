import { visibleText } from '../shared/visible-text';
import type { Batch, Status } from './ledger-row';

/** A cell as the readers hand it over: already unwrapped from rich text, formulas, hyperlinks. */
export type Cell = string | number | boolean | Date | null;

/** Result of reading one cell as a typed value: the value, or the reason in Chinese. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** Placeholders clerks type for "nothing": empty after trimming, dashes, slashes. */
const EMPTY_MARKERS = new Set(['', '-', '--', '—', '——', '/', '／', '－', '无', '暂无', 'N/A', 'n/a']);

/** Whitespace as JavaScript's \s knows it, plus U+0085; by code, without a regex (hot path). */
const isSpaceCode = (c: number) =>
  c <= 0x20 ||
  (c >= 0x7f &&
    (c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
const TRIM_RE = /^[\s\u3000]+|[\s\u3000]+$/g;

/**
 * Text as the clerk sees it (trimmed, without invisible and display-controlling characters:
 * visibleText), or null for empty. Never evaluated, never escaped here.
 */
export function cellText(c: Cell): string | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'string') {
    const v = visibleText(c);
    if (v.length === 0) return null;
    // Hot path: most cells have nothing to trim.
    if (!isSpaceCode(v.charCodeAt(0)) && !isSpaceCode(v.charCodeAt(v.length - 1))) return v;
    const s = v.replace(TRIM_RE, '');
    return s === '' ? null : s;
  }
  if (c instanceof Date) return isNaN(c.getTime()) ? null : isoDate(c);
  return String(c);
}

/**
 * Characters NFKC may change: everything but ASCII, the CJK unified ideographs and the CJK
 * punctuation that NFKC keeps (、。《》「」【】 — “ ” ‘ ’). Full-width forms, the ideographic space,
 * circled digits, Kangxi radicals, compatibility ideographs, "…" all fall outside.
 */
const MAY_CHANGE = /[^\x00-\x7f\u4e00-\u9fff\u3001\u3002\u300a-\u3011\u2014\u2018\u2019\u201c\u201d]/;

/** NFKC (full-width → half-width), skipped for text where it changes nothing (ASCII, plain Chinese). */
export function nfkc(s: string): string {
  return MAY_CHANGE.test(s) ? s.normalize('NFKC') : s;
}

/** Whether a cell means "empty" for a typed (numeric/date/enum) field. */
export function isBlank(c: Cell): boolean {
  if (typeof c === 'number' || c instanceof Date) return false;
  const t = cellText(c);
  return t === null || (t.length <= 4 && (EMPTY_MARKERS.has(t) || EMPTY_MARKERS.has(nfkc(t))));
}

/** Digits with at most one point ("12", "3875.7", "12.", ".5"). */
const DECIMAL = String.raw`(\d+\.?\d*|\.\d+)`;
const PLAIN_NUMBER = new RegExp(`^[-+]?${DECIMAL}$`);

/** What plainDecimal reads: a DECIMAL, no sign. */
const UNSIGNED_NUMBER = new RegExp(`^${DECIMAL}$`);
/** 10^k for the fraction digits of plainDecimal (exact doubles up to 10^22). */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * A plain non-negative decimal ("12919", "3875.7", "12.", ".5": what UNSIGNED_NUMBER accepts) read
 * without a regex, or -1. With at most 15 digits, the digits as an integer and 10^k are exact
 * doubles, so one division rounds exactly as Number(s) does; longer numbers go to Number(s).
 */
export function plainDecimal(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return n > 15 && UNSIGNED_NUMBER.test(s) ? Number(s) : -1;
  let mantissa = 0;
  let point = -1;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 0x30 && ch <= 0x39) mantissa = mantissa * 10 + (ch - 0x30);
    else if (ch === 0x2e && point < 0) point = i;
    else return -1;
  }
  if (point < 0) return mantissa;
  // "." alone is not a number.
  return n === 1 ? -1 : mantissa / POW10[n - 1 - point];
}
/**
 * Thousands separators as Excel writes them: groups of exactly three digits after the first one to
 * three, the same separator throughout (a comma, or a space as in "1 234"), a point for decimals.
 * "1,2,3" or "12,5" (a decimal comma?) is refused, never guessed.
 */
const GROUPED = [/^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/, /^[-+]?\d{1,3}(?: \d{3})+(?:\.\d*)?$/];

/** Money or other non-negative number: numbers, text numbers, full-width digits, 1,234.5. */
export function parseNumber(c: Cell): Parsed<number> {
  if (typeof c === 'number') return Number.isFinite(c) ? ok(c) : fail('不是有效数字');
  if (typeof c === 'boolean' || c instanceof Date) return fail('不是数字');
  const t = cellText(c);
  if (t === null) return fail('为空');
  if (PLAIN_NUMBER.test(t)) return ok(Number(t));
  // Full-width digits and commas (NFKC), any kind of space as a plain one.
  const s = nfkc(t).replace(/\s+/g, ' ');
  if (PLAIN_NUMBER.test(s)) return ok(Number(s));
  if (GROUPED.some((re) => re.test(s))) return ok(Number(s.replace(/[, ]/g, '')));
  if (/\d,\d/.test(s)) return fail('的千位分隔符位置不对（应每三位一组，如 1,234.5；小数点请用“.”）');
  return fail('不是数字');
}

/** Rounds money to 1e-6 万元 so unit scaling (亿元 ×10,000) leaves no binary dust. */
export function roundMoney(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

const BATCH_WORDS: Record<string, Batch> = {
  签约: '签约', 签约一批: '签约', 签约类: '签约', 签约项目: '签约',
  开工: '开工', 开工一批: '开工', 开工类: '开工', 开工项目: '开工',
  投产: '投产', 投产一批: '投产', 投产类: '投产', 投产项目: '投产',
};

export function parseBatch(c: Cell): Parsed<Batch> {
  const t = cellText(c);
  if (t === null) return fail('为空');
  const b = BATCH_WORDS[t] ?? BATCH_WORDS[nfkc(t).replace(/[\s“”"]/g, '')];
  return b ? ok(b) : fail('不是有效批次（应为 签约/开工/投产 或 签约一批/开工一批/投产一批）');
}

const STATUS_WORDS: Record<string, Status> = {
  已签约: '已签约', 签约: '已签约',
  已落地: '已落地', 落地: '已落地', 已注册: '已落地', 注册: '已落地', 已供地: '已落地', 供地: '已落地',
  已开工: '已开工', 开工: '已开工', 在建: '已开工', 已在建: '已开工', 建设中: '已开工',
  已投产: '已投产', 投产: '已投产',
  已达效: '已达效', 达效: '已达效', 已达产: '已达效', 达产: '已达效',
  已终止: '已终止', 终止: '已终止',
};

export function parseStatus(c: Cell): Parsed<Status> {
  const t = cellText(c);
  if (t === null) return fail('为空');
  const s = STATUS_WORDS[t] ?? STATUS_WORDS[nfkc(t).replace(/\s/g, '')];
  return s ? ok(s) : fail('不是有效项目状态（应为 已签约/已落地/已开工/已投产/已达效/已终止）');
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一..九十九 → number; null when not a Chinese numeral. */
export function chineseNumeral(s: string): number | null {
  if (!/^[零〇一二两三四五六七八九十]+$/.test(s)) return null;
  const i = s.indexOf('十');
  if (i < 0) return s.length === 1 ? CN_DIGITS[s] : null;
  if (s.indexOf('十', i + 1) >= 0) return null;
  const tens = i === 0 ? 1 : s.length > 0 && i === 1 ? CN_DIGITS[s[0]] : NaN;
  const rest = s.slice(i + 1);
  const ones = rest === '' ? 0 : rest.length === 1 ? CN_DIGITS[rest] : NaN;
  const n = tens * 10 + ones;
  return Number.isFinite(n) ? n : null;
}

/** 期次: 13, "13", "第13期", "十三", "第十三期". */
export function parsePhase(c: Cell): Parsed<number> {
  if (typeof c === 'number') return Number.isInteger(c) && c >= 1 ? ok(c) : fail('不是正整数');
  const t = cellText(c);
  if (t === null) return fail('为空');
  if (/^\d{1,4}$/.test(t)) return Number(t) >= 1 ? ok(Number(t)) : fail('不是正整数期次');
  const s = nfkc(t).replace(/\s/g, '').replace(/^第/, '').replace(/期$/, '');
  const n = /^\d+$/.test(s) ? Number(s) : chineseNumeral(s);
  return n !== null && n >= 1 ? ok(n) : fail('不是正整数期次');
}

const isoCache = new Map<number, string>();

export function isoDate(d: Date): string {
  // Day number as the key: a ledger repeats the same few hundred dates.
  const day = Math.floor(d.getTime() / 86400_000);
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    if (isoCache.size > 50_000) isoCache.clear();
    isoCache.set(day, iso);
  }
  return iso;
}

function validYmd(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1990 || y > 2100 || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return isoDate(dt);
}

/** Excel's 1900 date system: serial 1 = 1900-01-01, with the Lotus leap-year bug (epoch 1899-12-30). */
export function excelSerialToIso(n: number): string | null {
  if (!Number.isFinite(n) || n < 1 || n > 80000) return null;
  return isoDate(new Date(Date.UTC(1899, 11, 30) + Math.floor(n) * 86400_000));
}

/**
 * Dates: date cells, Excel serials, 2026-10-08 (also with a time), 2026/10/8, 2026.10.08, 20261008,
 * 2026年10月8日 (or 8号), 2026年10月 (1st).
 */
const dateMemo = new Map<string, Parsed<string>>();

export function parseDate(c: Cell): Parsed<string> {
  if (typeof c === 'string') {
    // A ledger repeats the same few hundred date texts: parse each once.
    let p = dateMemo.get(c);
    if (p === undefined) {
      p = parseDateUncached(c);
      if (dateMemo.size > 20_000) dateMemo.clear();
      dateMemo.set(c, p);
    }
    return p;
  }
  return parseDateUncached(c);
}

/** Dates a ledger can hold: 1990–2100 (a date outside is a typo, e.g. a year of 2206 or 0202). */
export function dateInRange(iso: string): boolean {
  return iso >= '1990' && iso < '2101';
}
const OUT_OF_RANGE = '不是有效日期（应在 1990 年至 2100 年之间）';

function parseDateUncached(c: Cell): Parsed<string> {
  if (c instanceof Date) {
    if (isNaN(c.getTime())) return fail('不是有效日期');
    const iso = isoDate(c);
    return dateInRange(iso) ? ok(iso) : fail(OUT_OF_RANGE);
  }
  if (typeof c === 'number') {
    // A number in a date column is an Excel serial; one outside 1990–2100 is a typo (e.g. 2026).
    const iso = excelSerialToIso(c);
    return iso && dateInRange(iso) ? ok(iso) : fail('不是有效日期');
  }
  const t = cellText(c);
  if (t === null) return fail('为空');
  const s = nfkc(t).replace(/\s/g, '');
  let m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(s) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/.exec(s) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) {
    const iso = validYmd(+m[1], +m[2], +m[3]);
    return iso ? ok(iso) : fail('不是有效日期');
  }
  m = /^(\d{4})年(\d{1,2})月(份)?$/.exec(s) ?? /^(\d{4})[-/.](\d{1,2})$/.exec(s);
  if (m) {
    const iso = validYmd(+m[1], +m[2], 1);
    return iso ? ok(iso) : fail('不是有效日期');
  }
  if (/^\d{5}(\.\d+)?$/.test(s)) {
    const iso = excelSerialToIso(Number(s));
    if (iso) return ok(iso);
  }
  return fail('不是有效日期（如 2026-10-08 或 2026年10月8日）');
}
