import { logEvent } from '../adapters/log';
import { recordMetric } from '../adapters/metrics';
import {
  type NoContact,
  type ReminderMail,
  type ReminderPlan,
  isIsoDate,
  planReminders,
  reminderDayOf,
  reminderDays,
  reminderModel,
  reminderMonthOn,
  reminderText,
  unitReceiptStates,
} from '../core/delivery/reminders';
import type { SentMail } from '../core/delivery/send-log';
import { type Actor, MONTH_STATUS_LABEL } from '../core/month/month-state';
import type { AuditLog, MonthStateStore, NoticeTemplates, ReceiptsView, ReviewStore } from '../core/ports';
import { METRIC } from '../core/shared/metric-names';
import { isMonth, previousMonth } from '../core/shared/months';
import { shanghaiDate } from '../core/shared/shanghai-time';
import { type SendOnceDeps, sendOnce } from '../core/delivery/send-once';

/** The reminder schedule's event (infra/schedule.ts), or an operator's (`tb remind`, an invoke). */
export interface RemindEvent {
  remind: true;
  /** The month reminded of; default: the month whose reminder day `date` is. */
  month?: string;
  /** The reminder day, `YYYY-MM-DD` Asia/Shanghai; default: that of `scheduledTime`, else today. */
  date?: string;
  /** Filled in by EventBridge Scheduler (the time the schedule was due): a retry after midnight still reminds for its day. */
  scheduledTime?: string;
  /** Remind on a day that is no reminder day, and mail again whoever already had this day's reminder. */
  force?: boolean;
  /** false: plan only (who would be mailed), send nothing. */
  send?: boolean;
  /** Who ran it, for the audit trail; default: the schedule when `scheduledTime` is set, else an operator. */
  actor?: Actor;
}

export function isRemindEvent(e: unknown): e is RemindEvent {
  return typeof e === 'object' && e !== null && (e as { remind?: unknown }).remind === true;
}

export interface RemindDeps extends SendOnceDeps {
  receipts: ReceiptsView;
  months: Pick<MonthStateStore, 'getMonthState'> & Pick<ReviewStore, 'listReviews'> & Pick<AuditLog, 'append'>;
  templates: NoticeTemplates;
  /** The portal's address for the mails' link (config `portalUrl`, else the stack's); none: no link. */
  portalUrl: string | null;
}

export interface RemindMailResult extends SentMail {
  kind: ReminderMail['kind'];
  /** The unit's or city's code and name. */
  code: string;
  name: string;
}

export interface RemindResult {
  month: string;
  date: string;
  /** What the run came to: mailed (or planned, `send: false`), or why it did nothing. */
  outcome: 'reminded' | 'planned' | 'not-reminder-day' | 'not-open';
  /** For people (Chinese). */
  message: string;
  /** Units still without an accepted upload (empty when the run did nothing). */
  missing: ReminderPlan['missing'];
  /** Planned mails (`send: false`): each addressee with status `skipped` and no message id. */
  mails: RemindMailResult[];
  noContact: NoContact[];
}

/** Some reminders could not be sent: the run fails (alarm, async retry), the others went out. */
export class RemindFailedError extends Error {
  override name = 'RemindFailed';
  constructor(readonly result: RemindResult) {
    const failed = result.mails.filter((m) => m.status === 'failed');
    super(`Reminder mail failed for ${failed.map((f) => `${f.edition}/${f.recipient} (${f.error})`).join(', ')}`);
  }
}

/**
 * 催报: on a reminder day of an open month, mail each unit without an accepted upload and each city
 * office with missing units (core/delivery/reminders.ts), each address once per day (send-once,
 * edition `remind-{date}-…`). Not a reminder day, or a month no longer open: nothing, and the log
 * and the answer say so.
 */
export function createRemind(deps: RemindDeps) {
  return async (event: RemindEvent): Promise<RemindResult> => {
    const config = deps.config;
    const due = event.scheduledTime ? new Date(event.scheduledTime) : deps.now();
    if (Number.isNaN(due.getTime())) throw new Error(`Invalid scheduledTime "${event.scheduledTime}"`);
    const date = event.date ?? shanghaiDate(due);
    if (!isIsoDate(date)) throw new Error(`日期格式应为 YYYY-MM-DD（如 2026-11-01）：${date}`);
    if (event.month !== undefined && !isMonth(event.month)) throw new Error(`月份格式应为 YYYY-MM（如 2026-10）：${event.month}`);
    // Not a reminder day of either: the reporting month of that date (the month before), to say so.
    const month = event.month ?? reminderMonthOn(date, config) ?? previousMonth(date.slice(0, 7));
    const nothing = (outcome: RemindResult['outcome'], message: string): RemindResult => {
      logEvent('reminders skipped', { month, date, outcome, reason: message });
      return { month, date, outcome, message, missing: [], mails: [], noContact: [] };
    };

    if (!reminderDayOf(month, date, config) && event.force !== true) {
      const days = reminderDays(month, config).map((d) => d.date);
      return nothing('not-reminder-day', `${date} 不是 ${month} 的催报日（催报日：${days.join('、') || '未配置'}），未发送催报`);
    }
    const state = await deps.months.getMonthState(month);
    if (state.status !== 'open') {
      return nothing('not-open', `${month} ${MONTH_STATUS_LABEL[state.status]}，报送已截止，不再催报`);
    }

    const [receipts, pointers, reviews] = await Promise.all([deps.receipts.listReceipts(month), deps.receipts.getPointers(month), deps.months.listReviews(month)]);
    const plan = planReminders({ month, date, states: unitReceiptStates(receipts, pointers, reviews), config });
    const now = deps.now();
    const ctx = { now, portalUrl: deps.portalUrl, issuer: config.bulletin.issuer };
    const mails: RemindMailResult[] = [];
    for (const mail of plan.mails) {
      const who = { kind: mail.kind, code: mail.code, name: mail.name };
      if (event.send === false) {
        mails.push(...mail.to.map((recipient) => ({ ...who, edition: mail.edition, recipient, status: 'skipped' as const, messageId: null })));
        continue;
      }
      const model = reminderModel(mail, plan, ctx);
      const content = {
        subject: model.subject,
        html: await deps.templates.reminderHtml(model),
        text: reminderText(model),
        attachment: null,
        // Nothing is attached: the reminder is the mail's text.
        delivery: 'attachment' as const,
      };
      for (const recipient of mail.to) {
        const sent = await sendOnce(deps, { ...content, month, edition: mail.edition, recipient, pdfKey: '', force: event.force === true });
        mails.push({ ...who, ...sent });
      }
    }

    const by = (s: SentMail['status']) => mails.filter((m) => m.status === s).length;
    const sending = event.send !== false;
    if (sending) {
      recordMetric(METRIC.MailsSent, by('sent'), { month });
      recordMetric(METRIC.MailsSkipped, by('skipped'), { month });
      recordMetric(METRIC.MailsFailed, by('failed'), { month });
    }
    const message =
      `${month} 催报（${date}）：未完成报送 ${plan.missing.length} 个单位，` +
      (sending ? `发出 ${by('sent')} 封，已发过跳过 ${by('skipped')} 封${by('failed') ? `，失败 ${by('failed')} 封` : ''}` : `拟发 ${mails.length} 封（未发送）`) +
      (plan.noContact.length ? `；${plan.noContact.length} 个单位或市无联系人，未能催报` : '');
    logEvent(
      'reminded',
      {
        month,
        date,
        missing: plan.missing.length,
        mails: mails.map((m) => `${m.edition}/${m.recipient}:${m.status}`),
        noContact: plan.noContact.map((c) => `${c.kind}:${c.code}`),
      },
      // A county nobody could remind is the operator's to fix (add it to `contacts`).
      plan.noContact.length ? 'warn' : 'info',
    );
    const result: RemindResult = { month, date, outcome: sending ? 'reminded' : 'planned', message, missing: plan.missing, mails, noContact: plan.noContact };
    // A run that mailed (or tried to) is an action of the month's: on the audit trail. A re-run that
    // found everyone already reminded, and a plan, are not.
    if (sending && by('sent') + by('failed') > 0) {
      const actor = event.actor ?? (event.scheduledTime ? { kind: 'schedule' as const, id: 'reminders' } : { kind: 'operator' as const, id: 'remind' });
      await deps.months.append({ month, at: deps.now().toISOString(), actor, action: 'reminder', detail: message });
    }
    if (by('failed')) throw new RemindFailedError(result);
    return result;
  };
}
