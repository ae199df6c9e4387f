import { makeDocClient, makeS3Client, requireEnv } from '../adapters/aws-clients';
import { LedgerRepository } from '../adapters/ledger-repo';
import { logEvent } from '../adapters/log';
import { type Mailer, buildMimeMessage, mailerFromEnv } from '../adapters/mailer';
import { ObjectStore } from '../adapters/object-store';
import { PdfRenderer } from '../adapters/pdf-renderer';
import { configFromEnv } from '../adapters/runtime-config';
import { renderBulletinHtml, renderEmailHtml } from '../adapters/templates';
import { buildBulletinModel, emailText } from '../core/bulletin-model';
import type { Config } from '../core/config';
import { isMonth } from '../core/months';
import type { RatesDoc } from '../core/rates-types';
import { ratesKey } from '../compute/handler';

export interface ReportDeps {
  store: ObjectStore;
  repo: LedgerRepository;
  config: Config;
  reportsBucket: string;
  mailer: Mailer;
  /** Runs `fn` with a browser: per invocation in Lambda, one for a whole local run. */
  withRenderer: <T>(fn: (r: Pick<PdfRenderer, 'render'>) => Promise<T>) => Promise<T>;
  now: () => Date;
}

/** compute's result (via the Lambda destination) or an operator's re-run request. */
export interface ReportEvent {
  month: string;
  /** Mail the bulletin (default true). */
  send?: boolean;
  /** Mail again recipients who already got this month's bulletin. */
  force?: boolean;
}

export interface SentMail {
  edition: string;
  recipient: string;
  status: 'sent' | 'skipped' | 'failed';
  messageId: string | null;
  error?: string;
}

export interface ReportResult {
  month: string;
  pdfKey: string;
  htmlKey: string;
  pdfBytes: number;
  mails: SentMail[];
}

export const bulletinKeys = (month: string, edition = 'province') => {
  const base = edition === 'province' ? `bulletin-${month}` : `bulletin-${month}-${edition}`;
  return { pdf: `reports/${month}/${base}.pdf`, html: `reports/${month}/${base}.html` };
};

/** The date of issue in Asia/Shanghai. */
function shanghaiDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function createReportHandler(deps: ReportDeps) {
  return async (event: ReportEvent): Promise<ReportResult> => {
    const { month } = event;
    if (!month || !isMonth(month)) throw new Error(`Invalid month "${month}" (expected YYYY-MM)`);
    const doc = await deps.store.getJson<RatesDoc>(deps.reportsBucket, ratesKey(month));
    const model = buildBulletinModel(doc, deps.config, { issuedOn: shanghaiDate(deps.now()) });
    const html = await renderBulletinHtml(model);
    const pdf = await deps.withRenderer((r) => r.render(html));
    const keys = bulletinKeys(month);
    await deps.store.put(deps.reportsBucket, keys.pdf, pdf, 'application/pdf');
    await deps.store.put(deps.reportsBucket, keys.html, html, 'text/html; charset=utf-8');

    const mails: SentMail[] = [];
    if (event.send !== false) {
      const emailHtml = await renderEmailHtml(model);
      for (const recipient of deps.config.mail.province) {
        mails.push(await sendOnce(deps, { month, edition: 'province', recipient, subject: model.email.subject, html: emailHtml, text: emailText(model), pdf, attachmentName: model.email.attachmentName, pdfKey: keys.pdf, force: event.force === true }));
      }
    }
    logEvent('reported', { month, pdf: keys.pdf, mails: mails.map((m) => `${m.recipient}:${m.status}`) });
    const failed = mails.filter((m) => m.status === 'failed');
    // Fail the invocation so alarms fire and the async retry resends; the send log skips those already sent.
    if (failed.length) throw new Error(`Bulletin mail failed for ${failed.map((f) => `${f.recipient} (${f.error})`).join(', ')}`);
    return { month, pdfKey: keys.pdf, htmlKey: keys.html, pdfBytes: pdf.byteLength, mails };
  };
}

/** Sends one recipient their copy unless the send log says they already have it. */
async function sendOnce(
  deps: ReportDeps,
  m: { month: string; edition: string; recipient: string; subject: string; html: string; text: string; pdf: Buffer; attachmentName: string; pdfKey: string; force: boolean },
): Promise<SentMail> {
  const logged = await deps.repo.getSendLog(m.month, m.edition, m.recipient);
  if (logged?.status === 'sent' && !m.force) {
    return { edition: m.edition, recipient: m.recipient, status: 'skipped', messageId: logged.messageId };
  }
  const from = deps.config.mail.from;
  const raw = await buildMimeMessage({
    from,
    to: [m.recipient],
    subject: m.subject,
    html: m.html,
    text: m.text,
    attachments: [{ filename: m.attachmentName, content: m.pdf, contentType: 'application/pdf' }],
  });
  const entry = { month: m.month, edition: m.edition, recipient: m.recipient, subject: m.subject, pdfKey: m.pdfKey, sentAt: deps.now().toISOString() };
  try {
    const name = `${m.month}-${m.edition}-${m.recipient.replace(/[^A-Za-z0-9@._-]/g, '_')}`;
    const { messageId } = await deps.mailer.send({ from, to: [m.recipient], raw, name });
    await deps.repo.putSendLog({ ...entry, messageId, status: 'sent' });
    return { edition: m.edition, recipient: m.recipient, status: 'sent', messageId };
  } catch (err) {
    const error = String((err as Error).message ?? err);
    await deps.repo.putSendLog({ ...entry, messageId: '', status: 'failed', error });
    return { edition: m.edition, recipient: m.recipient, status: 'failed', messageId: null, error };
  }
}

let cached: ReturnType<typeof createReportHandler> | undefined;

export const handler = (event: ReportEvent) => {
  cached ??= createReportHandler({
    store: new ObjectStore(makeS3Client()),
    repo: new LedgerRepository(makeDocClient(), requireEnv('TABLE_NAME')),
    config: configFromEnv(),
    reportsBucket: requireEnv('REPORTS_BUCKET'),
    mailer: mailerFromEnv(),
    withRenderer: async (fn) => {
      const renderer = await PdfRenderer.launch();
      try {
        return await fn(renderer);
      } finally {
        await renderer.close();
      }
    },
    now: () => new Date(),
  });
  return cached(event);
};
