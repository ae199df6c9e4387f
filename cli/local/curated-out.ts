import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { S3ObjectStore } from '../../functions/adapters/aws/object-store';
import { objectKeys } from '../../functions/core/shared/storage-keys';

/** The local copy of the curated bucket's month ledgers: `{outDir}/curated/`, laid out as the bucket. */
export function curatedOutDir(outDir: string): string {
  return join(outDir, 'curated');
}

/**
 * Copies a computed month's columnar ledger from the curated bucket to `{outDir}/curated/` under
 * the bucket's own keys, so that the folder is the same Hive-partitioned table Athena reads
 * (`tb query` runs the saved queries on it with DuckDB):
 *
 *   {outDir}/curated/ledger/month=YYYY-MM/ledger.parquet        the table `ledger` (Parquet only)
 *   {outDir}/curated/ledger-arrow/month=YYYY-MM/ledger.arrow    the same rows as Arrow IPC
 *   {outDir}/curated/audit/month=YYYY-MM/audit.jsonl            the month's audit trail as last published
 *
 *   duckdb -c "SELECT month, count(*) FROM read_parquet('out/curated/ledger/*\/*.parquet', hive_partitioning=true) GROUP BY 1"
 *
 * Only the month's current ledger is copied (not the per-upload history under uploads/), so a
 * month is never counted twice. A copy the bucket does not have (Parquet when its WebAssembly
 * was missing, the audit trail of a month never published) is skipped. Returns the paths written.
 */
export async function copyCuratedMonth(store: S3ObjectStore, curatedBucket: string, month: string, outDir: string): Promise<string[]> {
  const keys = objectKeys.curatedMonth(month);
  const written: string[] = [];
  for (const key of [keys.parquet, keys.arrow, objectKeys.curatedAudit(month)]) {
    if (!(await store.exists(curatedBucket, key))) continue;
    const path = join(curatedOutDir(outDir), key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await store.getBytes(curatedBucket, key));
    written.push(path);
  }
  return written;
}
