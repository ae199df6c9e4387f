import { logEvent } from '../adapters/log';
import { recordMetric } from '../adapters/metrics';
import { METRIC } from '../core/shared/metric-names';
import { buildEditions } from '../core/bulletin/editions';
import { type PublishRefusal, publishRefusal } from '../core/bulletin/publishable';
import type { SentMail } from '../core/delivery/send-log';
import type { RatesDoc } from '../core/metrics/rates-types';
import type { BulletinTemplates, Mailer, MimeInput, ObjectStore, PdfRenderer, Presign, SendLog } from '../core/ports';
import type { Config } from '../core/shared/config';
import { isMonth, previousMonth } from '../core/shared/months';
import { shanghaiDate } from '../core/shared/shanghai-time';
import { editionCodes, objectKeys } from '../core/shared/storage-keys';
import { deliverEditions } from './deliver';
import { earlierMonthsOfYear, monthPoint, type MonthPoint } from '../core/bulletin/trend-data';
import { latestRates, monthPoints } from '../core/bulletin/trend-history';
import { renderEditions } from './render-editions';

export interface ReportDeps {
  store: ObjectStore;
  sendLog: SendLog;
  config: Config;
  reportsBucket: string;
  templates: BulletinTemplates;
  /** Runs `fn` with a browser: per invocation in Lambda, one for a whole local run. */
  withRenderer: <T>(fn: (r: PdfRenderer) => Promise<T>) => Promise<T>;
  /** Encodes one mail as RFC 5322 bytes (the same bytes go to every transport). */
  composeMime: (input: MimeInput) => Promise<Buffer>;
  mailer: Mailer;
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
  /**
   * Do it anyway: issue a month no reporting unit has an accepted upload for (refused otherwise),
   * and mail again recipients who already got this month's edition.
   */
  force?: boolean;
  /**
   * A published version (compute's result after a publish/republish): its rates.json is read from
   * `reports/{M}/v{N}/`, its PDFs go there and to the latest keys, its mails are claimed per version.
   */
  version?: number;
  /** Compute had nothing for the report (a lock, or a refused request): do nothing. */
  skipReport?: boolean;
}

/** The month was not issued: no reporting unit has an accepted upload (core/bulletin/publishable.ts). */
export class ReportRefusedError extends Error {
  override name = 'ReportRefused';
  constructor(readonly refusal: PublishRefusal) {
    super(refusal.message);
  }
}

/** The report function's answer when it refused the month: not a failure (a retry would refuse again). */
export interface ReportRefused {
  month: string;
  refused: PublishRefusal;
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

/** The month's bulletins from its rates.json: render every edition, then mail each recipient once. */
export function createReport(deps: ReportDeps) {
  return async (event: ReportEvent): Promise<ReportResult> => {
    const { month } = event;
    if (event.skipReport) return { month, pdfKey: '', htmlKey: '', pdfBytes: 0, editions: [], mails: [] };
    if (!month || !isMonth(month)) throw new Error(`Invalid month "${month}" (expected YYYY-MM)`);
    const only = event.city ?? null;
    if (only !== null && !editionCodes().includes(only)) {
      throw new Error(`Unknown edition "${only}" (expected a city-level code such as 410100, or "province")`);
    }
    // The month's own document first: a month not computed fails here, with no other reads in flight.
    const doc = await deps.store.getJson<RatesDoc>(deps.reportsBucket, event.version ? objectKeys.ratesVersion(month, event.version) : objectKeys.rates(month));
    const [previous, history] = await Promise.all([loadRates(deps, previousMonth(month)), loadHistory(deps, month)]);
    // A month with no accepted upload at all would tell everyone that every unit is 未报送.
    const refusal = publishRefusal(doc);
    if (refusal) {
      const { message, ...counts } = refusal;
      if (event.force !== true) {
        logEvent('report refused', { ...counts, refusal: message, toForce: `{"month":"${month}","force":true}` }, 'error');
        throw new ReportRefusedError(refusal);
      }
      logEvent('report forced', { ...counts, refusal: message });
    }
    // Once published, the latest rates.json is a version: re-rendering it renders that version.
    const version = event.version ?? doc.version;
    // The year so far for the 1—M月 trend: January … M−2 as read, M−1 from `previous` (none in January).
    const points = earlierMonthsOfYear(month).length ? [...history, previous ? monthPoint(previous) : null] : [];
    const models = buildEditions(doc, deps.config, { issuedOn: shanghaiDate(deps.now()), previous, history: points }, only);
    const rendered = await renderEditions(deps, month, models, version);
    const editions: EditionResult[] = rendered.map(({ model, pdf, keys }) => ({
      edition: model.editionKey,
      name: model.city?.name ?? '全省',
      pdfKey: keys.pdf,
      htmlKey: keys.html,
      pdfBytes: pdf.byteLength,
    }));
    const mails = event.send === false ? [] : await deliverEditions(deps, month, rendered, { force: event.force === true, version });
    countReported(month, editions.length, mails, event.send !== false);
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

/** The run's figures for the dashboard: PDFs, mails by outcome, and whether the month went out. */
function countReported(month: string, pdfs: number, mails: SentMail[], sending: boolean): void {
  const meta = { month };
  recordMetric(METRIC.PdfsRendered, pdfs, meta);
  const by = (s: SentMail['status']) => mails.filter((m) => m.status === s).length;
  recordMetric(METRIC.MailsSent, by('sent'), meta);
  recordMetric(METRIC.MailsSkipped, by('skipped'), meta);
  recordMetric(METRIC.MailsFailed, by('failed'), meta);
  recordMetric(METRIC.MailsLinked, mails.filter((m) => m.status === 'sent' && m.delivery === 'link').length, meta);
  if (sending && by('failed') === 0) recordMetric(METRIC.ReportDelivered, 1, meta);
}

/**
 * January … M−2 of the year as trend points (M−1 comes from `previous`), a few reads at a time;
 * each month's document is dropped as soon as its point is taken.
 */
function loadHistory(deps: ReportDeps, month: string): Promise<(MonthPoint | null)[]> {
  return monthPoints(deps.store, deps.reportsBucket, earlierMonthsOfYear(month).slice(0, -1), unreadable);
}

/** A month's latest rates.json (last month's: rank moves); null if never computed or unreadable. */
function loadRates(deps: ReportDeps, month: string): Promise<RatesDoc | null> {
  return latestRates(deps.store, deps.reportsBucket, month, unreadable);
}

/** An earlier month that cannot be read is a gap in the trend (and no rank moves), logged: the bulletin still goes out. */
function unreadable(month: string, error: Error): null {
  logEvent('earlier-rates-unreadable', { month, error }, 'error');
  return null;
}
