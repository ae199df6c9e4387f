import { makeDocClient, makeS3Client } from '../adapters/aws/clients';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { MonthRepository } from '../adapters/aws/month-repo';
import { S3ObjectStore } from '../adapters/aws/object-store';
import { CuratedStore } from '../adapters/columnar/curated-store';
import { configFromEnv, readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { decodeIngestEvent } from '../core/ingest/s3-event';
import { createIngest } from './ingest-upload';

/** S3 incoming/ → SQS → this Lambda (ReportBatchItemFailures): one use case, wired for AWS. */
let ingest: ReturnType<typeof createIngest> | undefined;

export const handler = lambdaHandler(async (event: unknown) => {
  if (!ingest) {
    const env = readEnv(['table', 'rawBucket', 'curatedBucket']);
    const store = new S3ObjectStore(makeS3Client());
    const doc = makeDocClient();
    ingest = createIngest({
      store,
      repo: new LedgerRepository(doc, env.table),
      months: new MonthRepository(doc, env.table),
      config: configFromEnv(),
      rawBucket: env.rawBucket,
      curated: new CuratedStore(store, env.curatedBucket),
      now: () => new Date(),
    });
  }
  return ingest(decodeIngestEvent(event));
});
