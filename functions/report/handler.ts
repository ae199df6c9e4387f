import { makeDocClient, makeS3Client, requireEnv } from '../adapters/aws/clients';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { logEvent } from '../adapters/log';
import { type Mailer, buildMimeMessage, mailerFromEnv } from '../adapters/mail/mailer';
import { ObjectStore } from '../adapters/aws/object-store';
import { PdfRenderer, type RenderOptions } from '../adapters/render/pdf-renderer';
import { portalLinker, secretFromSecretsManager } from '../adapters/aws/download-links';
import { type Presign, MAX_PRESIGN_SECONDS, s3Presigner } from '../adapters/aws/presign';
import { configFromEnv } from '../adapters/runtime-config';
import { renderBulletinHtml, renderEmailHtml } from '../adapters/render/templates';
import { type LinkInfo, emailText } from '../core/bulletin/email';
import { buildEditions, editionCodes } from '../core/bulletin/editions';
import { PROVINCE_EDITION } from '../core/bulletin/masthead';
import type { BulletinModel } from '../core/bulletin/view-model';
import type { Config } from '../core/shared/config';
import { formatDuration, formatShanghaiDateTime } from '../core/bulletin/format';
import { isMonth, previousMonth } from '../core/shared/months';
import type { RatesDoc } from '../core/metrics/rates-types';
import { ratesKey } from '../compute/handler';

export interface ReportDeps {
  store: ObjectStore;
  repo: LedgerRepository;
  config: Config;
  reportsBucket: string;
  mailer: Mailer;
  /** Runs `fn` with a browser: per invocation in Lambda, one for a whole local run. */
  withRenderer: <T>(fn: (r: { render(html: string, opts?: RenderOptions): Promise<Buffer> }) => Promise<T>) => Promise<T>;
  /** Time-limited links to stored PDFs, for those above `config.mail.attachLimitBytes`. */
  presign: Presign;
  now: () => Date;
  /** How long a download link works (seconds; SigV4 allows 7 days at most). Default 7 days. */
  linkTtlSeconds?: number;
  /** PDFs rendered at once in the one browser (pages). Default 2. */
  renderConcurrency?: number;
}

/** compute's result (via the Lambda destination) or an operator's re-run request (`tb report`). */
export interface ReportEvent {
  month: string;
  /** Only this edition: a city-level code, or `province`. Default: all 20. */
  city?: string | null;
  /** Mail the bulletins (default true). */
  send?: boolean;
  /** Mail again recipients who already got this month's edition. */
  force?: boolean;
}

export interface SentMail {
  edition: string;
  recipient: string;
  status: 'sent' | 'skipped' | 'failed';
  messageId: string | null;
  /** How the PDF went: attached, or as a time-limited link. */
  delivery?: 'attachment' | 'link';
  error?: string;
}

export interface EditionResult {
  /** `province` or the city-level code. */
  edition: string;
  /** 全省 / 郑州市 */
  name: string;
  pdfKey: string;
  htmlKey: string;
  pdfBytes: number;
}

export interface ReportResult {
  month: string;
  /** The first edition rendered (the province's unless one city was asked for). */
  pdfKey: string;
  htmlKey: string;
  pdfBytes: number;
  editions: EditionResult[];
  mails: SentMail[];
}

export const bulletinKeys = (month: string, edition = PROVINCE_EDITION) => {
  const base = edition === PROVINCE_EDITION ? `bulletin-${month}` : `bulletin-${month}-${edition}`;
  return { pdf: `reports/${month}/${base}.pdf`, html: `reports/${month}/${base}.html` };
};

/** The date of issue in Asia/Shanghai. */
function shanghaiDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export function createReportHandler(deps: ReportDeps) {
  return async (event: ReportEvent): Promise<ReportResult> => {
    const { month } = event;
    if (!month || !isMonth(month)) throw new Error(`Invalid month "${month}" (expected YYYY-MM)`);
    const only = event.city ?? null;
    if (only !== null && !editionCodes().includes(only)) {
      throw new Error(`Unknown edition "${only}" (expected a city-level code such as 410100, or "province")`);
    }
    const [doc, previous] = await Promise.all([
      deps.store.getJson<RatesDoc>(deps.reportsBucket, ratesKey(month)),
      loadPrevious(deps, month),
    ]);
    const models = buildEditions(doc, deps.config, { issuedOn: shanghaiDate(deps.now()), previous }, only);

    // HTML of the next edition is built while Chromium prints the current one.
    const rendered = await deps.withRenderer((renderer) =>
      mapLimit(models, deps.renderConcurrency ?? 2, async (model) => {
        const html = await renderBulletinHtml(model);
        const pdf = await renderer.render(html, { footer: model.footer });
        const keys = bulletinKeys(month, model.editionKey);
        await deps.store.put(deps.reportsBucket, keys.pdf, pdf, 'application/pdf');
        await deps.store.put(deps.reportsBucket, keys.html, html, 'text/html; charset=utf-8');
        return { model, pdf, keys };
      }),
    );
    const editions: EditionResult[] = rendered.map(({ model, pdf, keys }) => ({
      edition: model.editionKey,
      name: model.city?.name ?? '全省',
      pdfKey: keys.pdf,
      htmlKey: keys.html,
      pdfBytes: pdf.byteLength,
    }));

    const mails: SentMail[] = [];
    if (event.send !== false) {
      for (const r of rendered) {
        const recipients = recipientsOf(deps.config, r.model);
        if (!recipients.length) continue;
        const content = await mailContent(deps, r.model, r.pdf, r.keys.pdf);
        for (const recipient of recipients) {
          mails.push(await sendOnce(deps, { month, edition: r.model.editionKey, recipient, pdfKey: r.keys.pdf, force: event.force === true, ...content }));
        }
      }
    }
    logEvent('reported', {
      month,
      editions: editions.map((e) => `${e.edition}:${e.pdfBytes}`),
      mails: mails.map((m) => `${m.edition}/${m.recipient}:${m.status}`),
    });
    const failed = mails.filter((m) => m.status === 'failed');
    // Fail the invocation so alarms fire and the async retry resends; the send log skips those already sent.
    if (failed.length) throw new Error(`Bulletin mail failed for ${failed.map((f) => `${f.edition}/${f.recipient} (${f.error})`).join(', ')}`);
    const first = editions[0];
    return { month, pdfKey: first.pdfKey, htmlKey: first.htmlKey, pdfBytes: first.pdfBytes, editions, mails };
  };
}

/** Province list → the province bulletin; `mail.cities[code]` → that city's edition. */
export function recipientsOf(config: Config, model: BulletinModel): string[] {
  const list = model.edition === 'province' ? config.mail.province : (config.mail.cities[model.editionKey] ?? []);
  return [...new Set(list)];
}

/** Last month's rates.json, for rank moves; none in the first month (or if it cannot be read). */
async function loadPrevious(deps: ReportDeps, month: string): Promise<RatesDoc | null> {
  try {
    return await deps.store.getJson<RatesDoc>(deps.reportsBucket, ratesKey(previousMonth(month)));
  } catch (err) {
    const name = (err as Error).name;
    if (name !== 'NoSuchKey' && name !== 'NotFound') logEvent('previous-rates-unreadable', { month, error: String(err) }, 'error');
    return null;
  }
}

interface MailContent {
  subject: string;
  html: string;
  text: string;
  attachment: { filename: string; content: Buffer } | null;
  delivery: 'attachment' | 'link';
  linkExpiresAt?: string;
}

/** The mail of one edition: the PDF attached, or above the size limit a presigned link instead. */
async function mailContent(deps: ReportDeps, model: BulletinModel, pdf: Buffer, pdfKey: string): Promise<MailContent> {
  let link: LinkInfo | null = null;
  let linkExpiresAt: string | undefined;
  if (pdf.byteLength > deps.config.mail.attachLimitBytes) {
    const p = await deps.presign(deps.reportsBucket, pdfKey, deps.linkTtlSeconds ?? MAX_PRESIGN_SECONDS, model.email.attachmentName);
    link = { url: p.url, validFor: formatDuration(p.expiresIn), expiresAt: formatShanghaiDateTime(p.expiresAt) };
    linkExpiresAt = p.expiresAt.toISOString();
  }
  return {
    subject: model.email.subject,
    html: await renderEmailHtml(model, { link }),
    text: emailText(model, { link }),
    attachment: link ? null : { filename: model.email.attachmentName, content: pdf },
    delivery: link ? 'link' : 'attachment',
    ...(linkExpiresAt ? { linkExpiresAt } : {}),
  };
}

/** Sends one recipient their copy unless the send log says they already have it. */
async function sendOnce(
  deps: ReportDeps,
  m: MailContent & { month: string; edition: string; recipient: string; pdfKey: string; force: boolean },
): Promise<SentMail> {
  const logged = await deps.repo.getSendLog(m.month, m.edition, m.recipient);
  if (logged?.status === 'sent' && !m.force) {
    return { edition: m.edition, recipient: m.recipient, status: 'skipped', messageId: logged.messageId, delivery: logged.delivery };
  }
  const from = deps.config.mail.from;
  const entry = {
    month: m.month,
    edition: m.edition,
    recipient: m.recipient,
    subject: m.subject,
    pdfKey: m.pdfKey,
    delivery: m.delivery,
    ...(m.linkExpiresAt ? { linkExpiresAt: m.linkExpiresAt } : {}),
    sentAt: deps.now().toISOString(),
  };
  try {
    const raw = await buildMimeMessage({
      from,
      to: [m.recipient],
      subject: m.subject,
      html: m.html,
      text: m.text,
      attachments: m.attachment ? [{ ...m.attachment, contentType: 'application/pdf' }] : [],
    });
    const name = `${m.month}-${m.edition}-${m.recipient.replace(/[^A-Za-z0-9@._-]/g, '_')}`;
    const { messageId } = await deps.mailer.send({ from, to: [m.recipient], raw, name });
    await deps.repo.putSendLog({ ...entry, messageId, status: 'sent' });
    return { edition: m.edition, recipient: m.recipient, status: 'sent', messageId, delivery: m.delivery };
  } catch (err) {
    const error = String((err as Error).message ?? err);
    await deps.repo.putSendLog({ ...entry, messageId: '', status: 'failed', error });
    return { edition: m.edition, recipient: m.recipient, status: 'failed', messageId: null, delivery: m.delivery, error };
  }
}

let cached: ReturnType<typeof createReportHandler> | undefined;

export const handler = (event: ReportEvent) => {
  if (!cached) {
    const s3 = makeS3Client();
    const ttlHours = Number(process.env.TB_LINK_TTL_HOURS);
    cached = createReportHandler({
      store: new ObjectStore(s3),
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
      // In AWS, links go through the portal (which presigns on click with fresh credentials);
      // elsewhere a presigned S3 URL is fine.
      presign:
        process.env.PORTAL_URL && process.env.LINK_SECRET_ARN
          ? portalLinker(process.env.PORTAL_URL, secretFromSecretsManager(process.env.LINK_SECRET_ARN))
          : s3Presigner(s3),
      now: () => new Date(),
      ...(Number.isFinite(ttlHours) && ttlHours > 0 ? { linkTtlSeconds: Math.round(ttlHours * 3600) } : {}),
    });
  }
  return cached(event);
};
