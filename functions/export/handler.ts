import { makeDocClient, makeS3Client } from '../adapters/aws/clients';
import { LedgerRepository } from '../adapters/aws/ledger-repo';
import { S3ObjectStore } from '../adapters/aws/object-store';
import { CuratedStore } from '../adapters/columnar/curated-store';
import { readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { createExport } from './export-month';

/** Compute (an asynchronous invoke, `{month, pointers}`) → the month's curated Arrow + Parquet copy. */
let exportMonth: ReturnType<typeof createExport> | undefined;

export const handler = lambdaHandler(async (event: unknown) => {
  if (!exportMonth) {
    const env = readEnv(['table', 'curatedBucket']);
    exportMonth = createExport({
      repo: new LedgerRepository(makeDocClient(), env.table),
      curated: new CuratedStore(new S3ObjectStore(makeS3Client()), env.curatedBucket),
    });
  }
  return exportMonth(event);
});
