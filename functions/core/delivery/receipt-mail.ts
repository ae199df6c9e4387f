/**
 * The receipt mail (回执, issue 12): after ingest writes a receipt, the unit's contacts get it by
 * mail — accepted (with every warning to check), or refused (with every error listed: row, column,
 * value). Pure: who gets it and what it says; ingest's notifier sends it through the send-once
 * path (`receipt-{uploadId}`: one mail per upload and address, whatever the redeliveries).
 */
import { formatShanghaiDateTime } from '../bulletin/format';
import type { Receipt } from '../ingest/receipt';
import type { Issue } from '../ledger/issues';
import type { Config } from '../shared/config';
import { monthLabel } from '../shared/months';
import { shanghaiParts } from '../shared/shanghai-time';
import { safeLink } from './reminders';

/** The send log's edition of an upload's receipt mail. */
export function receiptEdition(uploadId: string): string {
  return `receipt-${uploadId}`;
}

/**
 * The addresses a receipt is mailed to: the unit's contacts, when receipt mails are on. None for a
 * receipt that names no unit or month (a key that named none: nobody to write to) or one already
 * superseded when it was made (the clerk's newer file gets its own).
 */
export function receiptRecipients(r: Pick<Receipt, 'status' | 'unitCode' | 'month'>, config: Pick<Config, 'contacts' | 'reminders'>): string[] {
  if (!config.reminders.receiptMail || !r.unitCode || !r.month || r.status === 'superseded') return [];
  return [...(config.contacts[r.unitCode] ?? [])];
}

export interface ReceiptMailRow {
  /** "第 6 行" or "—" */
  row: string;
  column: string;
  value: string;
  message: string;
}

/** What templates/receipt-mail.hbs and the plain-text part show. */
export interface ReceiptMailModel {
  status: 'accepted' | 'rejected';
  subject: string;
  greeting: string;
  intro: string;
  /** The receipt's summary line, as the portal shows it. */
  summary: string;
  /** The heading over the table ("错误（共 2 处，须全部修改）"), "" without one. */
  tableTitle: string;
  rows: ReceiptMailRow[];
  /** "另有 N 处未列出…" when the receipt lists only the first ones. */
  more: string;
  asks: string[];
  link: { url: string } | null;
  issuer: string;
  dateLabel: string;
}

const rowOf = (i: Issue): ReceiptMailRow => ({
  row: i.row === null ? '—' : `第 ${i.row} 行`,
  column: i.column ?? '—',
  value: i.value ?? '—',
  message: i.message,
});

/** The words of a receipt's mail (status accepted or rejected). */
export function receiptMailModel(r: Receipt, ctx: { now: Date; portalUrl: string | null; issuer: string }): ReceiptMailModel {
  const unit = r.unitName ?? r.unitCode ?? '';
  const label = r.month ? monthLabel(r.month) : '';
  const when = Number.isFinite(Date.parse(r.file.eventTime)) ? `于${formatShanghaiDateTime(new Date(r.file.eventTime))}` : '';
  const file = `“${r.file.name}”`;
  const t = shanghaiParts(ctx.now);
  const base = { summary: r.summary, link: safeLink(ctx.portalUrl), issuer: ctx.issuer, dateLabel: `${t.year}年${t.month}月${t.day}日`, greeting: `${unit}：` };
  if (r.status === 'accepted') {
    const w = r.counts.warnings;
    return {
      ...base,
      status: 'accepted',
      subject: `【回执】${unit}${label}“三个一批”项目台账已接收（共 ${r.counts.projects} 个项目${w ? `，警告 ${w} 条` : ''}）`,
      intro: `你单位${when}上传的${label}台账文件${file}已通过校验并接收，共 ${r.counts.projects} 个项目。${r.correction ? '该月已锁定，本次上传作为更正保存，不改变已发布的通报数据，将在省专班更正发布时计入。' : ''}`,
      tableTitle: w ? `需要核实的问题（共 ${w} 条，不影响接收）` : '',
      rows: r.warnings.map(rowOf),
      more: w > r.warnings.length ? `另有 ${w - r.warnings.length} 条未列出，完整清单见报送平台中的回执。` : '',
      asks: w ? ['请逐条核实以上问题；确有错误的，请修改后重新上传（新的上传将替换本次台账）。'] : ['无需进一步操作。如需修改，重新上传即替换本次台账。'],
    };
  }
  const n = r.counts.errors;
  return {
    ...base,
    status: 'rejected',
    subject: `【回执】${unit}${label}“三个一批”项目台账未通过校验，请修改后重新上传`,
    intro: `你单位${when}上传的${label}台账文件${file}未通过校验，未被接收，本次上传未改变已报送的数据。`,
    tableTitle: `错误（共 ${n} 处，须全部修改后重新上传）`,
    rows: r.errors.map(rowOf),
    more: n > r.errors.length ? `另有 ${n - r.errors.length} 处未列出，完整清单见报送平台中的回执。` : '',
    asks: ['请按以上所列逐项修改（行号为表格中的行号，列为表头），修改后重新上传整个文件。'],
  };
}

/**
 * One issue as a line of text: its message, with the row, column and value in front where the
 * message does not already say them (most do: "第 6 行“总投资（万元）”：“待定”不是数字").
 */
function issueLine(row: ReceiptMailRow): string {
  const says = (s: string) => s === '—' || row.message.includes(s);
  const where = [says(row.row) ? '' : row.row, says(row.column) ? '' : `列“${row.column}”`, says(row.value) ? '' : `值“${row.value}”`].filter(Boolean);
  return `${where.length ? `${where.join('，')}：` : ''}${row.message}`;
}

/** The plain-text part of a receipt mail (the HTML part: templates/receipt-mail.hbs). */
export function receiptMailText(m: ReceiptMailModel): string {
  const lines = [m.greeting, '', m.intro, '', m.summary];
  if (m.tableTitle) {
    lines.push('', `${m.tableTitle}：`);
    m.rows.forEach((row, i) => lines.push(`  ${i + 1}. ${issueLine(row)}`));
    if (m.more) lines.push(`  ${m.more}`);
  }
  lines.push('', ...m.asks);
  if (m.link) lines.push('', `报送平台：${m.link.url}`);
  lines.push('', m.issuer, m.dateLabel, '', '本邮件由系统自动发送，请勿直接回复。');
  return `${lines.join('\n')}\n`;
}
