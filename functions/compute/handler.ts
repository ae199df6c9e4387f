import { makeDocClient, makeLambdaClient, makeS3Client } from '../adapters/aws/clients';
import { ExportInvoker } from '../adapters/aws/export-invoker';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { MonthRepository } from '../adapters/aws/month-repo';
import { DigestStore } from '../adapters/aws/digest-store';
import { S3ObjectStore } from '../adapters/aws/object-store';
import { CuratedStore } from '../adapters/columnar/curated-store';
import { configFromEnv, readEnv } from '../adapters/env';
import { correlationId, lambdaHandler } from '../adapters/lambda';
import { type ComputeEvent, createCompute } from './compute-rates';

/** EventBridge Scheduler (or an operator's re-run) → compute; on success the report follows. */
let compute: ReturnType<typeof createCompute> | undefined;

export const handler = lambdaHandler(async (event: ComputeEvent) => {
  if (!compute) {
    const env = readEnv(['table', 'reportsBucket']);
    const store = new S3ObjectStore(makeS3Client());
    const doc = makeDocClient();
    const repo = new LedgerRepository(doc, env.table);
    compute = createCompute({
      store,
      repo,
      digests: new DigestStore(doc, env.table, (m, u, id) => repo.readSnapshot(m, u, id)),
      months: new MonthRepository(doc, env.table),
      config: configFromEnv(),
      reportsBucket: env.reportsBucket,
      curated: env.curatedBucket ? new CuratedStore(store, env.curatedBucket) : null,
      // The month's curated copy is the export function's (asynchronous: the report does not wait for it).
      exports: env.exportFunction ? new ExportInvoker(makeLambdaClient(), env.exportFunction) : null,
      now: () => new Date(),
    });
  }
  // The report stage receives this result as its event: it carries the correlation id on.
  // The request id names this run's claim on a version: an async retry of it has the same id.
  return { ...(await compute(event, correlationId())), correlationId: correlationId() };
});
