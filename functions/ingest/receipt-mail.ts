import { type SendOnceDeps, sendOnce } from '../core/delivery/send-once';
import { receiptEdition, receiptMailModel, receiptMailText, receiptRecipients } from '../core/delivery/receipt-mail';
import type { SentMail } from '../core/delivery/send-log';
import type { Receipt } from '../core/ingest/receipt';
import type { NoticeTemplates } from '../core/ports';

export interface ReceiptMailDeps extends SendOnceDeps {
  templates: NoticeTemplates;
  /** The portal's address for the mail's link (config `portalUrl`, else the stack's); none: no link. */
  portalUrl: string | null;
}

/** Mails one receipt to its unit's contacts (each address once per upload: `receipt-{uploadId}`). */
export type ReceiptNotifier = (receipt: Receipt) => Promise<SentMail[]>;

/**
 * The receipt mail as ingest's optional `notify`: the same MIME path and send-once claim as the
 * bulletin. A receipt nobody is to get (no contacts, receipt mails off, superseded) sends nothing.
 */
export function createReceiptMail(deps: ReceiptMailDeps): ReceiptNotifier {
  return async (receipt) => {
    const to = receiptRecipients(receipt, deps.config);
    if (!to.length || !receipt.month) return [];
    const model = receiptMailModel(receipt, { now: deps.now(), portalUrl: deps.portalUrl, issuer: deps.config.bulletin.issuer });
    const content = {
      subject: model.subject,
      html: await deps.templates.receiptMailHtml(model),
      text: receiptMailText(model),
      attachment: null,
      // Nothing is attached: the receipt is the mail's text.
      delivery: 'attachment' as const,
    };
    const mails: SentMail[] = [];
    for (const recipient of to) {
      mails.push(await sendOnce(deps, { ...content, month: receipt.month, edition: receiptEdition(receipt.uploadId), recipient, pdfKey: '', force: false }));
    }
    return mails;
  };
}
