/**
 * 催报 (reminders before the deadline, issue 12). Pure: which days are reminder days, and on such a
 * day who is written to and what the mail says.
 *
 * - A month's reminder days are the deadline's calendar day (Asia/Shanghai) minus each of
 *   `reminders.daysBefore`, at `reminders.hour`; a day whose hour would fall at or after the
 *   deadline itself (daysBefore 0 with an hour past the deadline's) is no reminder day. With the
 *   deadline on the 3rd, `daysBefore` 3 is the last day of the month itself: a reminder day may be
 *   in the month reported on, not only in the next one (`reminderMonthOn` finds the month).
 * - Each reporting unit with no accepted upload gets a mail: "nothing received yet", or (its files
 *   were all refused) "your file was refused because …" with the receipt's summary. Its addresses
 *   are `contacts[unit code]`.
 * - Each city office (`contacts[city code]`) gets the list of its reporting units still missing.
 *   济源 and 航空港区 report for themselves: their own unit mail is their city's reminder.
 * - A unit or city without an address is reported back as `noContact`, never silently dropped:
 *   the operator must learn that a county was not reminded.
 */
import type { Pointer } from '../ingest/upload-order';
import type { ReviewRecord } from '../review/review';
import { currentReview } from '../review/review-view';
import { formatShanghaiDateTime } from '../bulletin/format';
import type { Receipt } from '../ingest/receipt';
import type { Config } from '../shared/config';
import { deadlineOf } from '../shared/deadline';
import { CITIES, type Division, REPORTING_UNITS, reportingUnitsOf, shortName } from '../shared/divisions';
import { addMonths, monthLabel, parseMonth } from '../shared/months';
import { shanghaiDate, shanghaiMidnight, shanghaiParts } from '../shared/shanghai-time';

const HOUR_MS = 3600_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface ReminderDay {
  daysBefore: number;
  /** Asia/Shanghai calendar date, `YYYY-MM-DD`. */
  date: string;
  /** The instant the reminder is due (that date at `reminders.hour`), ISO. */
  at: string;
}

/** The month's reminder days, earliest first (each date once). */
export function reminderDays(month: string, config: Pick<Config, 'deadline' | 'reminders'>): ReminderDay[] {
  const { year, month: m } = parseMonth(month);
  const deadline = deadlineOf(month, config.deadline).getTime();
  const seen = new Set<string>();
  const days: ReminderDay[] = [];
  for (const k of [...new Set(config.reminders.daysBefore)].sort((a, b) => b - a)) {
    // Day D − k of the next month; Date.UTC rolls 0 and below back into this month.
    const at = shanghaiMidnight(year, m + 1, config.deadline.dayOfNextMonth - k).getTime() + config.reminders.hour * HOUR_MS;
    if (at >= deadline) continue;
    const date = shanghaiDate(new Date(at));
    if (seen.has(date)) continue;
    seen.add(date);
    days.push({ daysBefore: k, date, at: new Date(at).toISOString() });
  }
  return days;
}

/** Whether `s` is a real calendar date `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/**
 * The month whose reminder day `date` (YYYY-MM-DD) is, or null. Only the month of the date and the
 * one before can have it (the deadline is in the month after the one reported on, at most 27 days
 * before it), and never both: their reminder days are a month's length apart at least.
 */
export function reminderMonthOn(date: string, config: Pick<Config, 'deadline' | 'reminders'>): string | null {
  const own = date.slice(0, 7);
  for (const month of [addMonths(own, -1), own]) {
    if (reminderDays(month, config).some((d) => d.date === date)) return month;
  }
  return null;
}

/** The reminder day of `month` on `date`, if it is one. */
export function reminderDayOf(month: string, date: string, config: Pick<Config, 'deadline' | 'reminders'>): ReminderDay | null {
  return reminderDays(month, config).find((d) => d.date === date) ?? null;
}

/**
 * The days of the month a reminder schedule's cron must fire on (at `reminders.hour`) to reach
 * every month's reminder days: a day before the deadline's day of the next month is that day of
 * the month; one that falls into the month reported on is "the last day minus j", which a cron
 * cannot say (EventBridge knows `L`, not `L-1`), so every day it can be (28−j … 31−j) is in the
 * set, and on the others the run finds it is no reminder day and does nothing.
 */
export function reminderCronDays(config: Pick<Config, 'deadline' | 'reminders'>): number[] {
  const d = config.deadline;
  const days = new Set<number>();
  for (const k of config.reminders.daysBefore) {
    // Same day, at or after the deadline's time: no reminder (as reminderDays).
    if (k === 0 && config.reminders.hour * 60 >= d.hour * 60 + d.minute) continue;
    const day = d.dayOfNextMonth - k;
    if (day >= 1) days.add(day);
    else for (let x = 28 + day; x <= 31 + day; x++) days.add(x);
  }
  return [...days].sort((a, b) => a - b);
}

// ── who has reported ────────────────────────────────────────────────────────

/** A reporting unit's uploads for the month as the reminder sees them. */
export type UnitReceiptState =
  | { state: 'none' }
  /** Files arrived, none accepted: the last refusal's summary line and when it was uploaded. */
  | { state: 'rejected'; summary: string; uploadedAt: string | null }
  | { state: 'accepted' };

export type ReceiptLike = Pick<Receipt, 'unitCode' | 'status' | 'summary'> & { file: Pick<Receipt['file'], 'eventTime'> };

/**
 * Each unit's state from the month's receipts, CURRENT pointers and reviews: a pointer is an
 * accepted ledger (a later refused file does not undo it) unless its city returned that upload;
 * without one, the latest refusal, else nothing.
 */
export function unitReceiptStates(
  receipts: readonly ReceiptLike[],
  pointers: readonly Pick<Pointer, 'unitCode' | 'uploadId'>[],
  reviews: readonly ReviewRecord[] = [],
): Map<string, UnitReceiptState> {
  const current = new Map(pointers.map((p) => [p.unitCode, p]));
  const latestRejected = new Map<string, ReceiptLike>();
  for (const r of receipts) {
    if (!r.unitCode || r.status !== 'rejected') continue;
    const before = latestRejected.get(r.unitCode);
    if (!before || r.file.eventTime > before.file.eventTime) latestRejected.set(r.unitCode, r);
  }
  const out = new Map<string, UnitReceiptState>();
  for (const d of REPORTING_UNITS) {
    const ptr = current.get(d.code);
    const review = currentReview(d.code, ptr, reviews);
    const rejected = latestRejected.get(d.code);
    // A current upload its city returned (退回) is not reported yet: reminded, with the city's reason.
    if (review?.decision === 'returned') out.set(d.code, { state: 'rejected', summary: `台账已被市级退回：${review.reason ?? '（未说明原因）'}，请修改后重新上传`, uploadedAt: review.at });
    else if (ptr) out.set(d.code, { state: 'accepted' });
    else if (rejected) out.set(d.code, { state: 'rejected', summary: rejected.summary, uploadedAt: rejected.file.eventTime || null });
    else out.set(d.code, { state: 'none' });
  }
  return out;
}

// ── the plan ────────────────────────────────────────────────────────────────

/** A reporting unit still to report, as its mail and its city's list show it. */
export interface MissingUnit {
  code: string;
  /** 源汇区 (the official name) */
  name: string;
  cityCode: string;
  state: 'none' | 'rejected';
  /** The refusal's summary (rejected only). */
  rejection: string | null;
  /** When the refused file was uploaded, ISO (rejected only). */
  rejectedAt: string | null;
}

export interface ReminderMail {
  kind: 'unit' | 'city';
  /** The unit's or the city's code. */
  code: string;
  name: string;
  to: string[];
  /** The send log's edition: one per reminder day and addressee, so each day mails once. */
  edition: string;
  /** The unit itself (kind unit), or the city's missing units (kind city). */
  units: MissingUnit[];
}

export interface NoContact {
  kind: 'unit' | 'city';
  code: string;
  name: string;
  /** For a city: how many of its units are missing (whom nobody reminds through it). */
  missing: number;
}

export interface ReminderPlan {
  month: string;
  date: string;
  /** The deadline, ISO. */
  deadline: string;
  missing: MissingUnit[];
  mails: ReminderMail[];
  noContact: NoContact[];
}

/** The send log's edition of a reminder: `remind-2026-11-01-411102`, `remind-2026-11-01-city-411100`. */
export function reminderEdition(date: string, kind: 'unit' | 'city', code: string): string {
  return `remind-${date}-${kind === 'city' ? 'city-' : ''}${code}`;
}

/** The reporting units without an accepted upload, and who is mailed about them. */
export function planReminders(o: {
  month: string;
  date: string;
  states: ReadonlyMap<string, UnitReceiptState>;
  config: Pick<Config, 'deadline' | 'contacts'>;
  units?: readonly Division[];
}): ReminderPlan {
  const units = o.units ?? REPORTING_UNITS;
  const contacts = o.config.contacts;
  const missing: MissingUnit[] = [];
  for (const d of units) {
    const s = o.states.get(d.code) ?? { state: 'none' as const };
    if (s.state === 'accepted') continue;
    missing.push({
      code: d.code,
      name: d.name,
      cityCode: d.cityCode,
      state: s.state,
      rejection: s.state === 'rejected' ? s.summary : null,
      rejectedAt: s.state === 'rejected' ? s.uploadedAt : null,
    });
  }
  const mails: ReminderMail[] = [];
  const noContact: NoContact[] = [];
  for (const u of missing) {
    const to = contacts[u.code] ?? [];
    if (to.length) mails.push({ kind: 'unit', code: u.code, name: u.name, to: [...to], edition: reminderEdition(o.date, 'unit', u.code), units: [u] });
    else noContact.push({ kind: 'unit', code: u.code, name: u.name, missing: 1 });
  }
  for (const c of CITIES) {
    const own = reportingUnitsOf(c.code);
    // A self-reporting city (济源, 航空港区): its unit mail is its reminder.
    if (own.length === 1 && own[0].code === c.code) continue;
    const list = missing.filter((u) => u.cityCode === c.code);
    if (!list.length) continue;
    const to = contacts[c.code] ?? [];
    if (to.length) mails.push({ kind: 'city', code: c.code, name: c.name, to: [...to], edition: reminderEdition(o.date, 'city', c.code), units: list });
    else noContact.push({ kind: 'city', code: c.code, name: c.name, missing: list.length });
  }
  return { month: o.month, date: o.date, deadline: deadlineOf(o.month, o.config.deadline).toISOString(), missing, mails, noContact };
}

// ── the mail's words ────────────────────────────────────────────────────────

/** What the reminder template and the plain-text part show (templates/reminder.hbs). */
export interface ReminderModel {
  kind: 'unit' | 'city';
  subject: string;
  greeting: string;
  /** Paragraphs before the list or the reason. */
  intro: string[];
  /** The refusal's summary (a unit whose file was refused). */
  rejection: string | null;
  /** The city's missing units. */
  rows: { no: number; code: string; name: string; state: string; reason: string }[];
  /** Paragraphs after it. */
  asks: string[];
  link: { url: string } | null;
  issuer: string;
  dateLabel: string;
}

const STATE_LABEL: Record<MissingUnit['state'], string> = { none: '未报送', rejected: '报送未通过' };

/** "2026年11月1日" from an instant, Asia/Shanghai. */
function dayLabel(d: Date): string {
  const t = shanghaiParts(d);
  return `${t.year}年${t.month}月${t.day}日`;
}

/** Only http(s) links reach a mail (a configured `javascript:` URL would be a link to a script). */
export function safeLink(url: string | null | undefined): { url: string } | null {
  return url && /^https?:\/\//i.test(url) ? { url } : null;
}

/** The words of one reminder mail, as of `now`. */
export function reminderModel(mail: ReminderMail, plan: ReminderPlan, ctx: { now: Date; portalUrl: string | null; issuer: string }): ReminderModel {
  const label = monthLabel(plan.month);
  const deadline = formatShanghaiDateTime(new Date(plan.deadline));
  const asOf = formatShanghaiDateTime(ctx.now);
  const left = Math.max(0, Math.ceil((Date.parse(plan.deadline) - ctx.now.getTime()) / (24 * HOUR_MS)));
  const leftText = left > 0 ? `，距截止时间不足 ${left} 天` : '';
  const link = safeLink(ctx.portalUrl);
  const where = link ? '请登录报送平台上传（链接见下）' : '请登录省“三个一批”项目报送平台上传';
  const base = { issuer: ctx.issuer, dateLabel: dayLabel(ctx.now), link };
  if (mail.kind === 'unit') {
    const u = mail.units[0];
    const rejected = u.state === 'rejected';
    return {
      ...base,
      kind: 'unit',
      subject: rejected
        ? `【催报】${u.name}${label}“三个一批”项目台账未通过校验，请于${deadline}前重新报送`
        : `【催报】请于${deadline}前报送${label}“三个一批”项目台账（${u.name}）`,
      greeting: `${u.name}：`,
      intro: rejected
        ? [`截至${asOf}，你单位${u.rejectedAt ? `于${formatShanghaiDateTime(new Date(u.rejectedAt))}` : ''}上传的${label}“三个一批”项目台账未通过校验，尚未被接收。原因如下：`]
        : [`截至${asOf}，系统尚未收到你单位${label}“三个一批”项目台账。`],
      rejection: rejected ? u.rejection : null,
      rows: [],
      asks: [
        rejected
          ? `请按回执所列问题逐项修改后重新上传。报送截止时间为${deadline}${leftText}。`
          : `按照月度报送要求，台账应于${deadline}前报送${leftText}。${where}。`,
        ...(rejected ? [`${where}。`] : []),
        '逾期未报送或报送未通过的，将在月度通报中予以通报。如已报送，请以系统回执为准。',
      ],
    };
  }
  const city = CITIES.find((c) => c.code === mail.code);
  const cityName = city ? shortName(city) : mail.name;
  return {
    ...base,
    kind: 'city',
    subject: `【催报】${mail.name}尚有 ${mail.units.length} 个单位未完成${label}“三个一批”项目台账报送`,
    greeting: `${mail.name}：`,
    intro: [`截至${asOf}，你市以下 ${mail.units.length} 个县（市、区）尚未完成${label}“三个一批”项目台账报送（未报送，或报送未通过校验）：`],
    rejection: null,
    rows: mail.units.map((u, i) => ({ no: i + 1, code: u.code, name: u.name, state: STATE_LABEL[u.state], reason: u.rejection ?? '' })),
    asks: [
      `报送截止时间为${deadline}${leftText}。请督促以上单位按时报送；报送未通过的，请督促其按回执修改后重新上传。`,
      `逾期未报送的，将在月度通报中列为未报送，并计入${cityName}报送及时率。`,
    ],
  };
}

/** The plain-text part of a reminder (the HTML part: templates/reminder.hbs). */
export function reminderText(m: ReminderModel): string {
  const lines = [m.greeting, '', ...m.intro];
  if (m.rejection) lines.push(`  ${m.rejection}`);
  for (const r of m.rows) lines.push(`  ${r.no}. ${r.code} ${r.name}  ${r.state}${r.reason ? `：${r.reason}` : ''}`);
  lines.push('', ...m.asks);
  if (m.link) lines.push('', `报送平台：${m.link.url}`);
  lines.push('', m.issuer, m.dateLabel, '', '本邮件由系统自动发送，请勿直接回复。');
  return `${lines.join('\n')}\n`;
}
