import { randomUUID } from 'node:crypto';
import { STALE_CLAIM_MS, type SentMail, mailName } from './send-log';
import type { Mailer, MimeInput, SendLog } from '../ports';
import type { Config } from '../shared/config';

/*
 * Shared by the stages that mail: report (the bulletin, the reminders), ingest (the receipt
 * mails) and the portal (a review's result to the county, functions/api/review-notice.ts). It
 * reaches the outside only through the ports it is given, so it lives in core, where all of them
 * may import it (a stage never imports another stage).
 */

export interface SendOnceDeps {
  sendLog: SendLog;
  config: Config;
  composeMime: (input: MimeInput) => Promise<Buffer>;
  mailer: Mailer;
  now: () => Date;
}

/** What one edition's mail says and carries (the same for each of its recipients). */
export interface MailContent {
  subject: string;
  html: string;
  text: string;
  attachment: { filename: string; content: Buffer } | null;
  delivery: 'attachment' | 'link';
  linkExpiresAt?: string;
}

export interface SendRequest extends MailContent {
  month: string;
  edition: string;
  recipient: string;
  pdfKey: string;
  /** Send even if the log says this recipient already has it. */
  force: boolean;
}

/**
 * Sends one recipient their copy unless the send log says they already have it or another run is
 * sending it, and logs the attempt either way. The mail is claimed first (a conditional write), so
 * two runs at once send it once. A failed send is logged as failed (which releases the claim) and
 * reported, never thrown: the other recipients are still tried, and a re-run sends only what failed.
 */
export async function sendOnce(deps: SendOnceDeps, m: SendRequest): Promise<SentMail> {
  const from = deps.config.mail.from;
  const now = deps.now();
  const entry = {
    month: m.month,
    edition: m.edition,
    recipient: m.recipient,
    subject: m.subject,
    pdfKey: m.pdfKey,
    delivery: m.delivery,
    ...(m.linkExpiresAt ? { linkExpiresAt: m.linkExpiresAt } : {}),
    sentAt: now.toISOString(),
    claimId: randomUUID(),
  };
  const claim = await deps.sendLog.claimSend({
    entry: { ...entry, messageId: '', status: 'sending' },
    staleBefore: new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
    force: m.force,
  });
  if (!claim.claimed) {
    const current = claim.current;
    return { edition: m.edition, recipient: m.recipient, status: 'skipped', messageId: current?.messageId || null, delivery: current?.delivery };
  }
  try {
    const raw = await deps.composeMime({
      from,
      to: [m.recipient],
      subject: m.subject,
      html: m.html,
      text: m.text,
      attachments: m.attachment ? [{ ...m.attachment, contentType: 'application/pdf' }] : [],
    });
    const { messageId } = await deps.mailer.send({ from, to: [m.recipient], raw, name: mailName(m.month, m.edition, m.recipient) });
    await deps.sendLog.putSendLog({ ...entry, messageId, status: 'sent' });
    return { edition: m.edition, recipient: m.recipient, status: 'sent', messageId, delivery: m.delivery };
  } catch (err) {
    const error = String((err as Error).message ?? err);
    await deps.sendLog.putSendLog({ ...entry, messageId: '', status: 'failed', error });
    return { edition: m.edition, recipient: m.recipient, status: 'failed', messageId: null, delivery: m.delivery, error };
  }
}
