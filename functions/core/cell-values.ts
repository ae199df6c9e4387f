import type { Batch, Status } from './ledger-types';

/** A cell as the readers hand it over: already unwrapped from rich text, formulas, hyperlinks. */
export type Cell = string | number | boolean | Date | null;

/** Result of reading one cell as a typed value: the value, or the reason in Chinese. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** Placeholders clerks type for "nothing": empty after trimming, dashes, slashes. */
const EMPTY_MARKERS = new Set(['', '-', '--', '—', '——', '/', '／', '－', '无', '暂无', 'N/A', 'n/a']);

/** Text as the clerk wrote it (trimmed), or null for empty. Never evaluated, never escaped here. */
export function cellText(c: Cell): string | null {
  if (c === null || c === undefined) return null;
  if (c instanceof Date) return isNaN(c.getTime()) ? null : isoDate(c);
  const s = String(c).replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
  return s === '' ? null : s;
}

/** Whether a cell means "empty" for a typed (numeric/date/enum) field. */
export function isBlank(c: Cell): boolean {
  const t = cellText(c);
  return t === null || EMPTY_MARKERS.has(t.normalize('NFKC'));
}

/** Money or other non-negative number: numbers, text numbers, full-width digits, 1,234.5. */
export function parseNumber(c: Cell): Parsed<number> {
  if (typeof c === 'number') return Number.isFinite(c) ? ok(c) : fail('不是有效数字');
  if (typeof c === 'boolean' || c instanceof Date) return fail('不是数字');
  const t = cellText(c);
  if (t === null) return fail('为空');
  const s = t.normalize('NFKC').replace(/[,，\s]/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return fail('不是数字');
  return ok(Number(s));
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
  const b = BATCH_WORDS[t.normalize('NFKC').replace(/[\s“”"]/g, '')];
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
  const s = STATUS_WORDS[t.normalize('NFKC').replace(/\s/g, '')];
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
  const s = t.normalize('NFKC').replace(/\s/g, '').replace(/^第/, '').replace(/期$/, '');
  const n = /^\d+$/.test(s) ? Number(s) : chineseNumeral(s);
  return n !== null && n >= 1 ? ok(n) : fail('不是正整数期次');
}

export function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
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

/** Dates: date cells, Excel serials, 2026-10-08, 2026/10/8, 2026.10.08, 2026年10月8日, 2026年10月 (1st). */
export function parseDate(c: Cell): Parsed<string> {
  if (c instanceof Date) return isNaN(c.getTime()) ? fail('不是有效日期') : ok(isoDate(c));
  if (typeof c === 'number') {
    const iso = excelSerialToIso(c);
    return iso ? ok(iso) : fail('不是有效日期');
  }
  const t = cellText(c);
  if (t === null) return fail('为空');
  const s = t.normalize('NFKC').replace(/\s/g, '');
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(s);
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
