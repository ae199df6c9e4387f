import { createHash } from 'node:crypto';
import { logEvent, withLogKeys } from '../adapters/log';
import { recordMetric } from '../adapters/metrics';
import { METRIC } from '../core/shared/metric-names';
import { type IngestLimits, type UploadCheck, checkSize, checkUpload, rejectUpload } from '../core/ingest/check-upload';
import { type Receipt, buildReceipt, listsAreCut, supersede } from '../core/ingest/receipt';
import type { S3ObjectEvent } from '../core/ingest/s3-event';
import { parseUploadKey, uploadFileName } from '../core/ingest/upload-key';
import { eventOrder, uploadIdOf } from '../core/ingest/upload-order';
import type { AuditLog, CuratedWriter, MonthStateStore, ObjectStore, UploadDigests, UploadLedger } from '../core/ports';
import { digestOf } from '../core/ledger/upload-digest';
import { isCorrectionPeriod } from '../core/month/month-state';
import type { Config } from '../core/shared/config';
import { FILE_NAME_META } from '../core/shared/file-names';
import { objectKeys } from '../core/shared/storage-keys';
import type { ReceiptNotifier } from './receipt-mail';

export interface IngestDeps {
  store: ObjectStore;
  repo: UploadLedger;
  config: Config;
  rawBucket: string;
  /** Where the columnar copy of each accepted upload goes (Arrow + Parquet); none when null. */
  curated: CuratedWriter | null;
  /** Where each accepted upload's digest goes, what compute reads; without it compute makes it from the snapshot. */
  digests?: UploadDigests;
  /** Limits beyond the config's (inflated bytes of an .xlsx). */
  limits?: IngestLimits;
  /**
   * The month's state (a locked month takes uploads as corrections) and the audit trail; without
   * it every month is open and nothing is audited.
   */
  months?: MonthStateStore & AuditLog;
  /**
   * Mails each receipt to the unit's contacts (receipt-mail.ts); none: no receipt mails. Optional
   * and harmless: a mail that fails is logged and counted, never a failure of the upload.
   */
  notify?: ReceiptNotifier;
  now: () => Date;
}

/** The uploads of one SQS message (or of one direct S3 notification: messageId null). */
export interface IngestMessage {
  messageId: string | null;
  uploads: S3ObjectEvent[];
}

export interface IngestResponse {
  batchItemFailures: { itemIdentifier: string }[];
  receipts: Receipt[];
}

/**
 * S3 → SQS → ingest. A file's problems become its receipt; only failures of the pipeline itself
 * (S3/DynamoDB errors) are reported back so SQS retries that message, then the DLQ.
 */
export function createIngest(deps: IngestDeps) {
  return async (messages: IngestMessage[]): Promise<IngestResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    const receipts: Receipt[] = [];
    for (const message of messages) {
      let current: S3ObjectEvent | null = null;
      try {
        for (const upload of message.uploads) {
          current = upload;
          const keys = uploadKeys(upload);
          const receipt = await withLogKeys(keys, () => processUpload(deps, upload));
          receipts.push(receipt);
          countUpload(receipt);
          logEvent('ingested', { ...keys, key: upload.key, status: receipt.status, projects: receipt.counts.projects, summary: receipt.summary });
          await withLogKeys(keys, () => notifyReceipt(deps, receipt));
        }
      } catch (err) {
        const where = current ? { ...uploadKeys(current), key: current.key } : {};
        logEvent('ingest failed', { ...where, messageId: message.messageId, error: err as Error }, 'error');
        recordMetric(METRIC.UploadsFailed, 1, current ? { key: current.key } : {});
        if (!message.messageId) throw err;
        failures.push({ itemIdentifier: message.messageId });
      }
    }
    // 0 too: the alarm sees the function is running (and how often it fails).
    recordMetric(METRIC.IngestBatchItemFailures, failures.length);
    return { batchItemFailures: failures, receipts };
  };
}

/** The keys that correlate an upload's log lines: its month, unit and upload id (as far as the key says). */
function uploadKeys(e: S3ObjectEvent): Record<string, string | null> {
  const k = parseUploadKey(e.key);
  return { month: k.ok ? k.key.month : null, unitCode: k.ok ? k.key.unitCode : null, uploadId: uploadIdOf(e) };
}

/**
 * The receipt mail, after the receipt is stored: its failure changes nothing of the upload (the
 * receipt stands, SQS is not asked to redeliver), it is logged and counted. A redelivered upload
 * gets here again with its stored receipt: the send log skips the addresses already mailed and
 * retries those that failed.
 */
async function notifyReceipt(deps: IngestDeps, r: Receipt): Promise<void> {
  if (!deps.notify) return;
  const meta = { month: r.month ?? 'invalid' };
  try {
    const mails = await deps.notify(r);
    const failed = mails.filter((m) => m.status === 'failed');
    const sent = mails.filter((m) => m.status === 'sent').length;
    if (sent) recordMetric(METRIC.ReceiptMailsSent, sent, meta);
    if (failed.length) {
      recordMetric(METRIC.ReceiptMailsFailed, failed.length, meta);
      logEvent('receipt mail failed', { status: r.status, mails: failed.map((m) => `${m.recipient}: ${m.error}`) }, 'error');
    } else if (mails.length) logEvent('receipt mailed', { status: r.status, mails: mails.map((m) => `${m.recipient}:${m.status}`) });
  } catch (err) {
    recordMetric(METRIC.ReceiptMailsFailed, 1, meta);
    logEvent('receipt mail failed', { status: r.status, error: err as Error }, 'error');
  }
}

function countUpload(r: Receipt): void {
  // Metadata is per EMF line (one invocation: one upload, the queue's batch size), so the month only.
  const meta = { month: r.month ?? 'invalid' };
  if (r.status === 'rejected') recordMetric(METRIC.UploadsRejected, 1, meta);
  else {
    recordMetric(METRIC.UploadsAccepted, 1, meta);
    // A file already superseded when it arrived was read, but its rows were not kept.
    if (r.status === 'accepted') recordMetric(METRIC.RowsIngested, r.counts.projects, meta);
  }
}

async function saveReceipt(deps: IngestDeps, r: Receipt): Promise<void> {
  const key = objectKeys.receipt(r.month, r.unitCode, r.uploadId);
  // S3 first, the table last: the table's receipt is the "done" marker that replays check.
  await deps.store.putJson(deps.rawBucket, key, r);
  await deps.repo.putReceipt(r, key);
}

/** The upload and its verdict in the month's audit trail (who: the pipeline; what: the file's checksum). */
async function auditUpload(deps: IngestDeps, r: Receipt): Promise<void> {
  if (!deps.months) return;
  const base = { month: r.month, actor: { kind: 'pipeline' as const, id: 'ingest' }, unitCode: r.unitCode, uploadId: r.uploadId, checksum: r.file.sha256 || null };
  // Recorded when ingest saw it (the trail's order is the order of events here); the S3 time is in the detail.
  await deps.months.append({ ...base, at: r.processedAt, seq: 0, action: 'upload', detail: `${r.file.name}（${r.file.size} 字节，上传于 ${r.file.eventTime}）` });
  await deps.months.append({ ...base, at: r.processedAt, seq: 1, action: 'receipt', detail: r.summary });
}

/** A superseded upload's snapshot and digest go together: no compute reads them again. */
async function retire(deps: IngestDeps, month: string, unit: string, uploadId: string) {
  await deps.repo.deleteSnapshot(month, unit, uploadId);
  if (deps.digests) await deps.digests.discard(month, unit, uploadId);
}

async function markSuperseded(deps: IngestDeps, month: string, unit: string, uploadId: string, by: string) {
  const old = await deps.repo.getReceipt(month, unit, uploadId);
  // Missing: that upload is still being processed and will notice the pointer itself.
  if (old && old.status !== 'superseded') await saveReceipt(deps, supersede(old, by));
}

/**
 * One upload, end to end: check it (core), store its rows as a snapshot, make it current unless
 * a newer upload already is, retire the superseded snapshot, write the receipt. Idempotent.
 */
export async function processUpload(deps: IngestDeps, e: S3ObjectEvent): Promise<Receipt> {
  const uploadId = uploadIdOf(e);
  const where = parseUploadKey(e.key);
  if (where.ok) {
    const done = await deps.repo.getReceipt(where.key.month, where.key.unitCode, uploadId);
    if (done) return done; // at-least-once delivery: this exact object was already handled
  }

  const tooLarge = checkSize(e.size, deps.config);
  let bytes: Uint8Array = new Uint8Array();
  let metadata: Record<string, string> = {};
  let check: UploadCheck;
  if (tooLarge) {
    // Never fetch what we will refuse anyway (its receipt names the file as its key does).
    check = rejectUpload(e.key, [tooLarge]);
  } else {
    ({ bytes, metadata } = await deps.store.getObject(e.bucket, e.key, e.versionId));
    check = await checkUpload(e.key, bytes, deps.config, deps.limits);
  }

  let status: Receipt['status'] = check.status;
  let supersededBy: string | null = null;
  let correction = false;
  if (check.status === 'accepted' && check.month && check.unitCode) {
    const { month, unitCode } = check;
    // After the lock a published version may be computed on the snapshot this one replaces: keep it.
    correction = deps.months ? isCorrectionPeriod(await deps.months.getMonthState(month)) : false;
    // The columnar copy first: like the snapshot, same bytes on a retry; the receipt (written last) marks done.
    if (deps.curated) await deps.curated.writeUpload(month, unitCode, uploadId, check.rows);
    // Before the pointer: a compute that sees the upload current finds its digest.
    if (deps.digests) await deps.digests.write(digestOf(month, unitCode, uploadId, check.rows));
    await deps.repo.writeSnapshot(month, unitCode, uploadId, check.rows);
    const flip = await deps.repo.flipPointer(month, {
      unitCode,
      uploadId,
      order: eventOrder(e.eventTime, e.sequencer),
      key: e.key,
      projects: check.rows.length,
      updatedAt: deps.now().toISOString(),
    });
    if (flip.outcome === 'current' && flip.previous) {
      if (!correction) await retire(deps, month, unitCode, flip.previous.uploadId);
      await markSuperseded(deps, month, unitCode, flip.previous.uploadId, uploadId);
    } else if (flip.outcome === 'superseded') {
      await retire(deps, month, unitCode, uploadId);
      status = 'superseded';
      supersededBy = flip.current.uploadId;
    }
  }

  // A receipt lists the first issues; all of them are kept beside it (written before it, so a
  // receipt never names a list that is not there).
  let issuesKey: string | null = null;
  if (listsAreCut(check.errors, check.warnings)) {
    issuesKey = objectKeys.receiptIssues(check.month, check.unitCode, uploadId);
    await deps.store.putJson(deps.rawBucket, issuesKey, { uploadId, key: e.key, errors: check.errors, warnings: check.warnings });
  }
  const receipt = buildReceipt({
    uploadId,
    issuesKey,
    status,
    month: check.month,
    unitCode: check.unitCode,
    file: {
      bucket: e.bucket,
      key: e.key,
      // The clerk's name as written (the key may carry it shortened), when the metadata has it.
      name: uploadFileName(e.key, metadata[FILE_NAME_META]),
      size: tooLarge ? e.size : bytes.byteLength,
      sha256: tooLarge ? '' : createHash('sha256').update(bytes).digest('hex'),
      versionId: e.versionId,
      eventTime: e.eventTime,
      sequencer: e.sequencer,
    },
    processedAt: deps.now().toISOString(),
    projects: check.rows.length,
    skippedRows: check.skippedRows,
    errors: check.errors,
    warnings: check.warnings,
    supersededBy,
    ...(correction ? { correction } : {}),
  });
  await saveReceipt(deps, receipt);
  await auditUpload(deps, receipt);

  // A newer upload may have flipped the pointer while we worked and found no receipt of ours.
  if (receipt.status === 'accepted' && check.month && check.unitCode) {
    const current = await deps.repo.getPointer(check.month, check.unitCode);
    if (current && current.uploadId !== uploadId) {
      const late = supersede(receipt, current.uploadId);
      await saveReceipt(deps, late);
      return late;
    }
  }
  return receipt;
}
