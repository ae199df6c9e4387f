/**
 * The send log of the bulletin mails (one table item per month, edition and recipient): a
 * recipient whose entry says `sent` is skipped on a re-run unless it is forced. Before a mail is
 * sent its entry is claimed (`sending`, with this run's `claimId`) by a conditional write, so two
 * report runs at once never both send it: the one whose claim fails skips the recipient.
 */
export interface SendLogEntry {
  month: string;
  edition: string;
  recipient: string;
  messageId: string;
  status: 'sending' | 'sent' | 'failed';
  /** The run that claimed (and then sent, or failed to send) this mail. */
  claimId?: string;
  subject: string;
  pdfKey: string;
  sentAt: string;
  error?: string;
  /** How the PDF went: attached, or (too large) as a download link. */
  delivery?: 'attachment' | 'link';
  /** The link's expiry (ISO), when it went as a link. */
  linkExpiresAt?: string;
}

/**
 * A claim older than this is taken to be of a run that died between claiming and logging (a
 * Lambda that timed out): longer than the report function may run (at most 15 minutes), so a
 * live run's claim is never taken over.
 */
export const STALE_CLAIM_MS = 20 * 60_000;

/** What a run asks for before sending one mail: the entry as `sending`, if nobody else has it. */
export interface SendClaim {
  entry: SendLogEntry & { status: 'sending'; claimId: string };
  /** Claims made before this instant (ISO) are stale. */
  staleBefore: string;
  /** Claim a mail already `sent` too (a forced re-send); never a live claim of another run. */
  force: boolean;
}

/** A claim won, or the entry that stands in its way (sent, or being sent by another run). */
export type ClaimResult = { claimed: true } | { claimed: false; current: SendLogEntry | null };

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
