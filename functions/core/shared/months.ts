import { shanghaiParts } from './shanghai-time';

/** Months are `YYYY-MM` in Asia/Shanghai. */

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: string): boolean {
  return MONTH_RE.test(s);
}

export function parseMonth(s: string): { year: number; month: number } {
  const m = MONTH_RE.exec(s);
  if (!m) throw new Error(`月份格式应为 YYYY-MM：${s}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function formatMonth(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

export function addMonths(s: string, delta: number): string {
  const { year, month } = parseMonth(s);
  const idx = year * 12 + (month - 1) + delta;
  return formatMonth(Math.floor(idx / 12), (idx % 12) + 1);
}

export function previousMonth(s: string): string {
  return addMonths(s, -1);
}

/** Whole months from a to b (b − a). */
export function monthsBetween(a: string, b: string): number {
  const pa = parseMonth(a);
  const pb = parseMonth(b);
  return pb.year * 12 + pb.month - (pa.year * 12 + pa.month);
}

/** 时序进度: month number / 12. */
export function timeProgress(s: string): number {
  return parseMonth(s).month / 12;
}

/** Last day of the month as `YYYY-MM-DD`. */
export function monthEnd(s: string): string {
  const { year, month } = parseMonth(s);
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${formatMonth(year, month)}-${String(day).padStart(2, '0')}`;
}

/** "2026年10月" */
export function monthLabel(s: string): string {
  const { year, month } = parseMonth(s);
  return `${year}年${month}月`;
}

/** The current month in Asia/Shanghai. */
export function shanghaiMonth(now: Date = new Date()): string {
  const t = shanghaiParts(now);
  return formatMonth(t.year, t.month);
}

/** The month a monthly run reports on: the month before the current Shanghai month. */
export function reportingMonth(now: Date = new Date()): string {
  return previousMonth(shanghaiMonth(now));
}
