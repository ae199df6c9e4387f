import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3ObjectStore } from '../../functions/adapters/aws/object-store';
import { objectKeys } from '../../functions/core/shared/storage-keys';

/**
 * Copies a computed month's columnar ledger from the curated bucket to
 * `{outDir}/curated/month=YYYY-MM/` (ledger.parquet, ledger.arrow), so that
 * `{outDir}/curated/` is a Hive-partitioned dataset DuckDB, pandas or Arrow read directly:
 *
 *   duckdb -c "SELECT month, count(*) FROM read_parquet('out/curated/*\/*.parquet', hive_partitioning=true) GROUP BY 1"
 *
 * Only the month's current ledger is copied (not the per-upload history under uploads/), so a
 * month is never counted twice. Returns the paths written.
 */
export async function copyCuratedMonth(store: S3ObjectStore, curatedBucket: string, month: string, outDir: string): Promise<string[]> {
  const prefix = objectKeys.curatedMonthPrefix(month);
  const dir = join(outDir, 'curated', `month=${month}`);
  const written: string[] = [];
  for (const key of await store.list(curatedBucket, prefix)) {
    const name = key.slice(prefix.length);
    // Only the files of the partition itself, never a path out of it.
    if (!name || name.includes('/') || name.includes('\\') || name.startsWith('.')) continue;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, await store.getBytes(curatedBucket, key));
    written.push(path);
  }
  return written;
}
