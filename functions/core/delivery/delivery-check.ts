import type { Config } from '../shared/config';
import { reportingMonth } from '../shared/months';
import { editionCodes, PROVINCE_EDITION } from '../shared/storage-keys';
import { recipientsOf } from './recipients';
import type { SendLogEntry } from './send-log';

/**
 * The delivery check: some hours after the monthly run (infra/schedule.ts, `DeliveryCheck`), the
 * scheduler invokes the report function with `{"check":"delivered","scheduledTime":"…"}`. The
 * report function then renders and mails nothing: it looks up the reporting month's province PDF
 * and send log, asks `deliveryVerdict`, logs the verdict and emits `ReportMissing` (1 or 0,
 * core/shared/metric-names.ts), which the `ReportMissing` alarm watches. The contract is written
 * out in docs/architecture.md ("The delivery check").
 */

/** The `check` value of the event (the CDK app puts it in the schedule's input). */
export const DELIVERY_CHECK = 'delivered';

export interface DeliveryCheckEvent {
  check: typeof DELIVERY_CHECK;
  /** When the schedule was due (ISO 8601, EventBridge Scheduler's `<aws.scheduler.scheduled-time>`). */
  scheduledTime?: string;
}

/** Tells the check from a report request (which has a `month` and never a `check`). */
export function isDeliveryCheck(event: unknown): event is DeliveryCheckEvent {
  return typeof event === 'object' && event !== null && (event as { check?: unknown }).check === DELIVERY_CHECK;
}

/**
 * The month the check is about: the month before the schedule's due time in Asia/Shanghai, the
 * month the scheduled compute (`{}`) reported. The due time, not the time the function runs, so
 * that a retried or late invocation checks the same month. Without a readable `scheduledTime`, `now`.
 */
export function deliveryCheckMonth(event: DeliveryCheckEvent, now: Date): string {
  const due = event.scheduledTime ? new Date(event.scheduledTime) : null;
  return reportingMonth(due && !Number.isNaN(due.getTime()) ? due : now);
}

/** Every mail a full report run sends: each edition's recipients (core/delivery/recipients.ts). */
export function expectedMails(config: Config): { edition: string; recipient: string }[] {
  return editionCodes().flatMap((edition) =>
    recipientsOf(config, { edition: edition === PROVINCE_EDITION ? 'province' : 'city', editionKey: edition }).map((recipient) => ({ edition, recipient })),
  );
}

export interface DeliveryVerdict {
  month: string;
  /** The province PDF was there and every expected mail is `sent` in the send log. */
  delivered: boolean;
  /** The province PDF of the month exists (the report ran at least that far). */
  rendered: boolean;
  /** Expected mails not sent: no send-log entry (`absent`) or one whose status is `failed`. */
  missing: { edition: string; recipient: string; status: 'absent' | 'failed' }[];
}

/**
 * Whether the month's bulletin was delivered: the province PDF exists and each expected mail has
 * a send-log entry with status `sent` (from this run or an earlier one of the month: a resend
 * skips those). With no recipient configured, the PDF alone.
 */
export function deliveryVerdict(
  month: string,
  rendered: boolean,
  mails: readonly { edition: string; recipient: string; entry: Pick<SendLogEntry, 'status'> | null }[],
): DeliveryVerdict {
  const missing = mails
    .filter((m) => m.entry?.status !== 'sent')
    .map((m) => ({ edition: m.edition, recipient: m.recipient, status: m.entry ? ('failed' as const) : ('absent' as const) }));
  return { month, delivered: rendered && missing.length === 0, rendered, missing };
}
