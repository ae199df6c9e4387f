import { makeDocClient, makeS3Client, requireEnv } from '../adapters/aws/clients';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { logEvent } from '../adapters/log';
import { ObjectStore } from '../adapters/aws/object-store';
import { configFromEnv } from '../adapters/runtime-config';
import { decodeIngestEvent } from '../core/ingest/s3-event';
import type { Receipt } from '../core/ingest/receipt';
import { type IngestDeps, processUpload } from './process-upload';

export interface IngestResponse {
  batchItemFailures: { itemIdentifier: string }[];
  receipts: Receipt[];
}

/**
 * S3 → SQS → this handler. A file's problems become its receipt; only failures of the pipeline
 * itself (S3/DynamoDB errors) are reported back so SQS retries that message, then the DLQ.
 */
export function createIngestHandler(deps: IngestDeps) {
  return async (event: unknown): Promise<IngestResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    const receipts: Receipt[] = [];
    for (const message of decodeIngestEvent(event)) {
      try {
        for (const upload of message.uploads) {
          const receipt = await processUpload(deps, upload);
          receipts.push(receipt);
          logEvent('ingested', { key: upload.key, status: receipt.status, summary: receipt.summary });
        }
      } catch (err) {
        logEvent('ingest failed', { messageId: message.messageId, error: String((err as Error).stack ?? err) }, 'error');
        if (!message.messageId) throw err;
        failures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures: failures, receipts };
  };
}

let cached: ReturnType<typeof createIngestHandler> | undefined;

export const handler = (event: unknown) => {
  cached ??= createIngestHandler({
    store: new ObjectStore(makeS3Client()),
    repo: new LedgerRepository(makeDocClient(), requireEnv('TABLE_NAME')),
    config: configFromEnv(),
    rawBucket: requireEnv('RAW_BUCKET'),
    curatedBucket: requireEnv('CURATED_BUCKET'),
    now: () => new Date(),
  });
  return cached(event);
};
