/** The report stage's mails go through the shared send-once claim (core/delivery/send-once.ts). */
export { type MailContent, type SendOnceDeps, type SendRequest, sendOnce } from '../core/delivery/send-once';
