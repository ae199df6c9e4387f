import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocClient, makeS3Client } from '../../functions/adapters/aws/clients';
import { lambdaHandler } from '../../functions/adapters/lambda';
import { logEvent } from '../../functions/adapters/log';
import { LedgerRepository } from '../../functions/adapters/aws/ledger-repo';
import { MonthRepository } from '../../functions/adapters/aws/month-repo';
import { DigestStore } from '../../functions/adapters/aws/digest-store';
import { S3ObjectStore } from '../../functions/adapters/aws/object-store';
import { CuratedStore } from '../../functions/adapters/columnar/curated-store';
import { buildMimeMessage, mailerFromEnv } from '../../functions/adapters/mail/mailer';
import { noticeTemplates } from '../../functions/adapters/render/notice-templates';
import type { CuratedExports, ExportRequest, Mailer } from '../../functions/core/ports';
import { createReceiptMail } from '../../functions/ingest/receipt-mail';
import { type RemindEvent, type RemindResult, createRemind } from '../../functions/report/remind';
import { type ComputeEvent, createCompute } from '../../functions/compute/compute-rates';
import { type ExportResult, createExport } from '../../functions/export/export-month';
import type { Config } from '../../functions/core/shared/config';
import type { Receipt } from '../../functions/core/ingest/receipt';
import { decodeIngestEvent, encodeS3Key } from '../../functions/core/ingest/s3-event';
import { PREFIX } from '../../functions/core/shared/storage-keys';
import { type IngestResponse, createIngest } from '../../functions/ingest/ingest-upload';
import { type EmbeddedServers, startEmbedded } from './servers';

/** SQS would redeliver a failed message this many times before the DLQ. */
const MAX_RECEIVES = 3;

/**
 * The whole pipeline on one machine: the same use cases as in Lambda, on embedded S3/DynamoDB.
 * s3rver's event (from the servers' thread) becomes the SQS-wrapped S3 notification the ingest Lambda gets.
 */
export class LocalPipeline {
  /**
   * The upload time the S3 events carry, instead of the moment of the PUT: a replay of past months
   * (`tb run --uploaded-at`) says when the files were really handed in, which decides 按时/逾期.
   * Order among uploads is kept by the sequencer. Null: the time of the PUT, as in AWS.
   */
  uploadedAt: Date | null = null;

  readonly s3: S3Client;
  readonly doc: DynamoDBDocumentClient;
  readonly store: S3ObjectStore;
  readonly repo: LedgerRepository;
  /** The months' states, pins, reviews and audit trail. */
  readonly months: MonthRepository;
  /** The ingest Lambda's path: the SQS (or S3) event as it arrives, decoded, then the use case. */
  readonly ingest: (event: unknown) => Promise<IngestResponse>;
  readonly compute: (event: ComputeEvent & { runId?: string }) => ReturnType<ReturnType<typeof createCompute>>;
  /**
   * Where this pipeline's receipt mails and reminders go (the outbox, and SMTP when SMTP_URL is
   * set); null: it mails nothing (no receipt mails; `remind` refuses).
   */
  readonly mailer: Mailer | null;
  /** The report Lambda's `{remind: true}` path (催报), mailing through `mailer`. */
  readonly remind: (event: RemindEvent) => Promise<RemindResult>;
  /**
   * The export stage's path (functions/export/handler.ts), as compute's request reaches it: the
   * export compute asks for is queued behind the earlier ones and starts once that compute has
   * returned (its own invocation, as in Lambda: no logger or metrics state shared with compute's).
   */
  readonly exportMonth: (event: unknown) => Promise<ExportResult>;
  /** Receipts of the uploads processed since the last drain(). */
  private receipts: Receipt[] = [];
  private failures: { key: string; error: string }[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** The requested exports, one after another (a month's later request writes last, as its copy must be the last run's). */
  private exports: Promise<void> = Promise.resolve();
  private exportFailures: { month: string; error: string }[] = [];
  /** Requested by the compute still running; queued when it returns. */
  private requested: ExportRequest[] = [];
  private seq = 0;
  private messages = 0;

  private constructor(
    readonly servers: EmbeddedServers,
    readonly config: Config,
    readonly onReceipt?: (r: Receipt) => void,
    outbox?: string,
    /** The clock of every stage (receipts, audit records, month states, the bulletin's date); real time unless a test or replay hands one in. */
    readonly now: () => Date = () => new Date(),
  ) {
    this.s3 = makeS3Client(servers.s3Endpoint, servers.credentials);
    this.doc = makeDocClient(servers.dynamoEndpoint);
    this.store = new S3ObjectStore(this.s3);
    this.repo = new LedgerRepository(this.doc, servers.table);
    this.months = new MonthRepository(this.doc, servers.table);
    const curated = new CuratedStore(this.store, servers.buckets.curated);
    const digests = new DigestStore(this.doc, servers.table, (m, u, id) => this.repo.readSnapshot(m, u, id));
    this.mailer = outbox ? mailerFromEnv(outbox) : null;
    const mailing = { sendLog: this.repo, config, templates: noticeTemplates, composeMime: buildMimeMessage, portalUrl: config.portalUrl, now };
    // As the ingest Lambda: receipts mailed to the unit's contacts (to the outbox) when there is a mailer.
    const notify = this.mailer ? createReceiptMail({ ...mailing, mailer: this.mailer }) : undefined;
    const ingest = createIngest({ store: this.store, repo: this.repo, months: this.months, config, rawBucket: servers.buckets.raw, curated, digests, now, ...(notify ? { notify } : {}) });
    const mailer = this.mailer;
    const remind = mailer ? createRemind({ ...mailing, mailer, receipts: this.repo, months: this.months }) : null;
    this.remind = lambdaHandler(async (event: RemindEvent) => {
      if (!remind) throw new Error('LocalPipeline started without an outbox: it cannot mail reminders');
      return remind(event);
    });
    // As in Lambda (functions/*/handler.ts): logger context, correlation id, metrics flushed per invocation.
    this.ingest = lambdaHandler((event: unknown) => ingest(decodeIngestEvent(event)));
    this.exportMonth = lambdaHandler(createExport({ repo: this.repo, curated }));
    // As the compute Lambda's ExportInvoker: the request only records (a copy, as an event is); await exported() for the copy.
    const exports: CuratedExports = { request: async (req) => void this.requested.push(structuredClone(req)) };
    const compute = createCompute({ store: this.store, repo: this.repo, digests, months: this.months, config, reportsBucket: servers.buckets.reports, curated, exports, now });
    const computeHandler = lambdaHandler((event: ComputeEvent & { runId?: string }) => compute(event, event.runId));
    this.compute = async (event) => {
      try {
        return await computeHandler(event);
      } finally {
        // Also when compute failed after requesting: an async invoke, once sent, runs all the same.
        this.requested.splice(0).forEach((req) => this.enqueueExport(req));
      }
    };
    servers.s3Events.on('event', (e: { Records: S3rverRecord[] }) => {
      // Emitted inside s3rver's request handling: a throw here would fail that request after the
      // object was stored, and the upload would never be ingested. Recorded as a failure instead.
      try {
        this.onS3Event(e);
      } catch (err) {
        const key = e?.Records?.[0]?.s3?.object?.key ?? '?';
        logEvent('local s3 event not delivered', { key, error: err as Error }, 'error');
        this.failures.push({ key, error: String(err) });
      }
    });
  }

  /** `outbox`: the folder receipt mails and reminders are written to (none: they are not sent); `now`: the stages' clock. */
  static async start(opts: { dataDir: string; config: Config; fresh?: boolean; onReceipt?: (r: Receipt) => void; outbox?: string; now?: () => Date }): Promise<LocalPipeline> {
    const servers = await startEmbedded({ dataDir: opts.dataDir, fresh: opts.fresh });
    return new LocalPipeline(servers, opts.config, opts.onReceipt, opts.outbox, opts.now);
  }

  /**
   * Uploads through the S3 API, as a clerk's browser or `aws s3 cp` would; `metadata` is the
   * object's user metadata (fileNameMetadata: the file's name as written).
   */
  async upload(key: string, body: Uint8Array, metadata?: Record<string, string>): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.servers.buckets.raw, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
    // Its S3 event, emitted on the servers' thread, is queued for ingest before this returns.
    await this.servers.settle();
  }

  private onS3Event(event: { Records: S3rverRecord[] }): void {
    const records = event.Records.filter((r) => isUploadRecord(r, this.servers.buckets.raw));
    if (!records.length) return;
    const sqsEvent = { Records: [sqsNotification(records, `local-${++this.messages}`, () => this.seq++, this.uploadedAt?.toISOString())] };
    const key = records[0].s3.object.key;
    // The queue never rejects: nobody may be waiting on it (tb serve), and an unhandled rejection ends the process.
    this.queue = this.queue
      .then(() => this.deliver(sqsEvent, key))
      .catch((e) => {
        logEvent('local ingest delivery failed', { key, error: e as Error }, 'error');
        this.failures.push({ key, error: String(e) });
      });
  }

  private async deliver(sqsEvent: unknown, key: string): Promise<void> {
    for (let receive = 1; receive <= MAX_RECEIVES; receive++) {
      try {
        const res = await this.ingest(sqsEvent);
        res.receipts.forEach((r) => this.receipts.push(r));
        res.receipts.forEach((r) => this.onReceipt?.(r));
        if (res.batchItemFailures.length === 0) return;
      } catch (e) {
        if (receive === MAX_RECEIVES) this.failures.push({ key, error: String(e) });
        continue;
      }
    }
    this.failures.push({ key, error: `ingest failed ${MAX_RECEIVES} times (would go to the DLQ)` });
  }

  /** Waits until every upload so far has been ingested; returns their receipts. */
  async drain(): Promise<{ receipts: Receipt[]; failures: { key: string; error: string }[] }> {
    // The events of every PUT answered so far (by whichever client) are queued first.
    await this.servers.settle();
    let before: Promise<void>;
    do {
      before = this.queue;
      await before;
    } while (before !== this.queue);
    const out = { receipts: this.receipts, failures: this.failures };
    this.receipts = [];
    this.failures = [];
    return out;
  }

  private enqueueExport(event: ExportRequest): void {
    // Never rejects (nobody may be waiting: tb serve); a failure is logged, as the export Lambda's
    // would be (then the async-failure queue), and reported by exported().
    this.exports = this.exports
      .then(() => this.exportMonth(event))
      .then(
        () => undefined,
        (e) => {
          logEvent('local export failed', { month: event.month, error: e as Error }, 'error');
          this.exportFailures.push({ month: event.month, error: String(e) });
        },
      );
  }

  /**
   * Waits until every export requested so far has written its month's curated copy (ledger/,
   * ledger-arrow/); returns those that failed since the last call. Whoever reads the copy after a
   * compute (tb run's OUT/curated, tb evaluate, the tests) awaits this first.
   */
  async exported(): Promise<{ failures: { month: string; error: string }[] }> {
    let before: Promise<void>;
    do {
      before = this.exports;
      await before;
    } while (before !== this.exports);
    const failures = this.exportFailures;
    this.exportFailures = [];
    return { failures };
  }

  async close(): Promise<void> {
    await this.drain();
    await this.exported();
    this.s3.destroy();
    this.doc.destroy();
    await this.servers.close();
  }
}

/** A record of s3rver's `event` (the S3 notification shape, keys not yet URL-encoded). */
export interface S3rverRecord {
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string; size: number; eTag?: string; sequencer?: string | number } };
}

/** An upload the raw bucket notifies the ingest queue of (ObjectCreated under incoming/, as infra/storage.ts filters). */
export function isUploadRecord(r: S3rverRecord, rawBucket: string): boolean {
  return r.s3.bucket.name === rawBucket && r.s3.object.key.startsWith(PREFIX.incoming) && r.eventName.startsWith('ObjectCreated');
}

/**
 * s3rver's records as the SQS message the ingest Lambda receives: the S3 notification as its body,
 * in the AWS shape (URL-encoded keys, hex sequencers that grow per object; s3rver uses Date.now()).
 * `next` numbers the objects (0, 1, …) so sequencers within one millisecond still grow.
 */
export function sqsNotification(records: S3rverRecord[], messageId: string, next: () => number, eventTime?: string) {
  const aws = {
    Records: records.map((r) => ({
      ...r,
      ...(eventTime ? { eventTime } : {}),
      s3: {
        ...r.s3,
        object: { ...r.s3.object, key: encodeS3Key(r.s3.object.key), sequencer: (Date.now() * 1000 + (next() % 1000)).toString(16).toUpperCase() },
      },
    })),
  };
  return { eventSource: 'aws:sqs', messageId, body: JSON.stringify(aws) };
}
