import { logEvent } from '../adapters/log';
import { type SendOnceDeps, sendOnce } from '../core/delivery/send-once';
import type { SentMail } from '../core/delivery/send-log';
import type { ReviewMailTemplate } from '../core/ports';
import type { ReviewRecord } from '../core/review/review';
import { reviewMailEdition, reviewMailModel, reviewMailText } from '../core/review/review-mail';

export interface ReviewNoticeDeps extends SendOnceDeps {
  template: ReviewMailTemplate;
}

/**
 * Tells the county its city's review by mail, when config `contacts` has addresses for the unit:
 * the same MIME path and send-once claim as the bulletin (core/delivery/send-once.ts), one mail
 * per recipient, upload and decision. A failed send is logged and reported, never thrown: the
 * review is stored already and the portal shows it.
 */
export function createReviewNotice(deps: ReviewNoticeDeps) {
  return async (r: ReviewRecord, upload: { fileName: string | null; projectNames: ReadonlyMap<string, string> }): Promise<SentMail[]> => {
    const to = deps.config.contacts[r.unitCode] ?? [];
    if (!to.length) return [];
    const model = reviewMailModel(r, { ...upload, portalUrl: deps.config.portalUrl });
    const html = await deps.template.reviewMailHtml(model);
    const text = reviewMailText(model);
    const edition = reviewMailEdition(r);
    const sent: SentMail[] = [];
    for (const recipient of to) {
      sent.push(
        await sendOnce(deps, { month: r.month, edition, recipient, subject: model.subject, html, text, attachment: null, delivery: 'attachment', pdfKey: '', force: false }),
      );
    }
    for (const m of sent) logEvent('review mail', { month: r.month, unit: r.unitCode, edition, status: m.status, error: m.error }, m.status === 'failed' ? 'error' : 'info');
    return sent;
  };
}

export type ReviewNotice = ReturnType<typeof createReviewNotice>;
