/** Calendar helpers on UTC day numbers (days since 1970-01-01), so nothing depends on the clock or zone. */

export type Day = number;

export function day(y: number, m: number, d: number): Day {
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function ymd(dy: Day): { y: number; m: number; d: number } {
  const t = new Date(dy * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function isoDay(dy: Day): string {
  const { y, m, d } = ymd(dy);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A month as a single integer (y*12 + m-1), for month arithmetic. */
export function monthIndex(y: number, m: number): number {
  return y * 12 + (m - 1);
}

export function fromMonthIndex(i: number): { y: number; m: number } {
  return { y: Math.floor(i / 12), m: (i % 12) + 1 };
}

export function lastDayOfMonth(y: number, m: number): Day {
  return day(y, m + 1, 1) - 1;
}

/** A UTC Date at a day and time (for exceljs cells and workbook properties). */
export function utcDate(dy: Day, hours = 0, minutes = 0): Date {
  return new Date(dy * 86_400_000 + (hours * 60 + minutes) * 60_000);
}
