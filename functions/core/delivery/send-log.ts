/**
 * The send log of the bulletin mails (one table item per month, edition and recipient): a
 * recipient whose entry says `sent` is skipped on a re-run unless it is forced.
 */
export interface SendLogEntry {
  month: string;
  edition: string;
  recipient: string;
  messageId: string;
  status: 'sent' | 'failed';
  subject: string;
  pdfKey: string;
  sentAt: string;
  error?: string;
  /** How the PDF went: attached, or (too large) as a download link. */
  delivery?: 'attachment' | 'link';
  /** The link's expiry (ISO), when it went as a link. */
  linkExpiresAt?: string;
}

/** What happened to one recipient's copy in this run. */
export interface SentMail {
  edition: string;
  recipient: string;
  status: 'sent' | 'skipped' | 'failed';
  messageId: string | null;
  /** How the PDF went: attached, or as a time-limited link. */
  delivery?: 'attachment' | 'link';
  error?: string;
}

/** The mail's name in logs and in the local outbox: `2026-10-411100-a_example.gov.cn`. */
export function mailName(month: string, edition: string, recipient: string): string {
  return `${month}-${edition}-${recipient.replace(/[^A-Za-z0-9@._-]/g, '_')}`;
}
