/**
 * 报送截止时间 and timeliness (按时报送 / 逾期报送 / 未报送). Pure.
 *
 * A month's deadline is `dayOfNextMonth` of the following month at `hour:minute` Shanghai time
 * (config `deadline`; 2026-12 → 2027-01-03 18:00 +08:00 = 10:00Z by default). An upload is on time
 * when its S3 event time (receipt `file.eventTime`) is at or before the deadline: exactly at it is
 * on time. A unit's timeliness is that of its accepted current upload (the one whose rows count);
 * a unit with no accepted upload (nothing sent, or every upload refused) is `missing` (未报送) for
 * timeliness — its refusal is shown apart (报送未通过).
 */
import type { Config } from './config';
import { parseMonth } from './months';
import { shanghaiMidnight } from './shanghai-time';

export type DeadlineConfig = Config['deadline'];
export type TimelinessStatus = 'on-time' | 'late' | 'missing';

export const TIMELINESS_NAMES: Record<TimelinessStatus, string> = {
  'on-time': '按时报送',
  late: '逾期报送',
  missing: '未报送',
};

/** The instant the ledger of `month` (YYYY-MM) is due. */
export function deadlineOf(month: string, d: DeadlineConfig): Date {
  const { year, month: m } = parseMonth(month);
  // Month 13 rolls over to January of the next year (Date.UTC normalizes it).
  const midnight = shanghaiMidnight(year, m + 1, d.dayOfNextMonth);
  return new Date(midnight.getTime() + (d.hour * 60 + d.minute) * 60_000);
}

/** Whether an upload made at `eventTime` (ISO) counts as on time for `month`. */
export function isOnTime(eventTime: string, month: string, d: DeadlineConfig): boolean {
  const t = Date.parse(eventTime);
  if (!Number.isFinite(t)) throw new Error(`Invalid event time "${eventTime}"`);
  return t <= deadlineOf(month, d).getTime();
}

/**
 * A unit's timeliness from its accepted current upload's event time: `undefined` when it has none
 * (missing). An accepted upload whose time is unknown (`null`) counts as on time: ingest writes
 * the receipt before it moves the CURRENT pointer, so it does not happen in the pipeline.
 */
export function timelinessOf(acceptedAt: string | null | undefined, accepted: boolean, month: string, d: DeadlineConfig): TimelinessStatus {
  if (!accepted) return 'missing';
  if (!acceptedAt) return 'on-time';
  return isOnTime(acceptedAt, month, d) ? 'on-time' : 'late';
}
