/**
 * The send-once rule lives in core (core/delivery/send-once.ts) since two stages mail: report (the
 * bulletin, the reminders) and ingest (the receipt mails). Re-exported for the report stage's files.
 */
export { type MailContent, type SendOnceDeps, type SendRequest, sendOnce } from '../core/delivery/send-once';
