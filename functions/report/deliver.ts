import { type LinkInfo, emailText } from '../core/bulletin/email';
import type { BulletinModel } from '../core/bulletin/view-model';
import { formatDuration, formatShanghaiDateTime } from '../core/bulletin/format';
import { deliveryFor, recipientsOf } from '../core/delivery/recipients';
import type { SentMail } from '../core/delivery/send-log';
import { type BulletinTemplates, MAX_PRESIGN_SECONDS, type Presign } from '../core/ports';
import type { Config } from '../core/shared/config';
import type { RenderedEdition } from './render-editions';
import { type MailContent, type SendOnceDeps, sendOnce } from '../core/delivery/send-once';

export interface DeliverDeps extends SendOnceDeps {
  config: Config;
  reportsBucket: string;
  templates: BulletinTemplates;
  presign: Presign;
  /** How long a download link works (seconds). Default 7 days, the most SigV4 allows. */
  linkTtlSeconds?: number;
}

/** Each rendered edition to each of its recipients, once (sendOnce); every attempt reported. */
export async function deliverEditions(
  deps: DeliverDeps,
  month: string,
  rendered: readonly RenderedEdition[],
  opts: { force: boolean; version?: number },
): Promise<SentMail[]> {
  const mails: SentMail[] = [];
  for (const r of rendered) {
    const recipients = recipientsOf(deps.config, r.model);
    if (!recipients.length) continue;
    const content = await mailContent(deps, r.model, r.pdf, r.keys.pdf);
    for (const recipient of recipients) {
      mails.push(await sendOnce(deps, { month, edition: sendEdition(r.model.editionKey, opts.version), recipient, pdfKey: r.keys.pdf, force: opts.force, ...content }));
    }
  }
  return mails;
}

/** The mail of one edition: the PDF attached, or above the size limit a download link instead. */
export async function mailContent(deps: DeliverDeps, model: BulletinModel, pdf: Buffer, pdfKey: string): Promise<MailContent> {
  let link: LinkInfo | null = null;
  let linkExpiresAt: string | undefined;
  if (deliveryFor(pdf.byteLength, deps.config) === 'link') {
    const p = await deps.presign(deps.reportsBucket, pdfKey, deps.linkTtlSeconds ?? MAX_PRESIGN_SECONDS, model.email.attachmentName);
    link = { url: p.url, validFor: formatDuration(p.expiresIn), expiresAt: formatShanghaiDateTime(p.expiresAt) };
    linkExpiresAt = p.expiresAt.toISOString();
  }
  return {
    subject: model.email.subject,
    html: await deps.templates.emailHtml(model, { link }),
    text: emailText(model, { link }),
    attachment: link ? null : { filename: model.email.attachmentName, content: pdf },
    delivery: link ? 'link' : 'attachment',
    ...(linkExpiresAt ? { linkExpiresAt } : {}),
  };
}

/**
 * The edition's name in the send log: a correction (version ≥ 2) is a new mail to everyone who had
 * the edition, so it is claimed under its own name; version 1 and drafts share the plain name, so
 * the delivery check (core/delivery/delivery-check.ts) finds the month's first delivery.
 */
export function sendEdition(edition: string, version?: number): string {
  return version && version > 1 ? `${edition}@v${version}` : edition;
}
