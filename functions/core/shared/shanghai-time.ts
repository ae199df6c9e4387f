/**
 * Asia/Shanghai wall-clock time, in one place. China has kept UTC+8 without daylight saving since
 * 1991, so a fixed offset is exact for every date the pipeline handles (and needs no time-zone
 * data in the Lambda). Everything that turns an instant into a Chinese calendar date, or a
 * calendar date into an instant, goes through here.
 */
const OFFSET_MS = 8 * 3600_000;

export interface ShanghaiParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function shanghaiParts(instant: Date): ShanghaiParts {
  const t = new Date(instant.getTime() + OFFSET_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes() };
}

/** The Shanghai calendar date of an instant, `YYYY-MM-DD`. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as Shanghai wall-clock time to the second, `YYYY-MM-DD HH:MM:SS` (the audit trail's). */
export function shanghaiTimestamp(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instant a Shanghai calendar day begins (month 1–12; day may run past the month's end). */
export function shanghaiMidnight(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - OFFSET_MS);
}
