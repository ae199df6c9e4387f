/**
 * The scale benchmark (issue 13): one month of TB_BENCH_SCALE_ROWS rows (default 200,000) spread
 * over all 158 reporting units, as county forms in UTF-8 CSV, through the local pipeline on the
 * embedded servers (S3 upload → ingest → snapshot chunks in DynamoDB, Parquet in S3), then
 * compute on it.
 *
 *   scale.ingest_s, scale.rows_per_s   the whole month's ingest (parse, check, store)
 *   scale.compute_s                    compute of the month alone (reads the month's digests, writes rates.json;
 *                                      it only requests the curated copy)
 *   scale.export_s                     the export stage after it: reads the same snapshots again and writes
 *                                      the month's curated Arrow + Parquet copy (compute no longer waits for it)
 *   scale.duckdb_s                     DuckDB (`tb query`'s setup) computing the same per-unit counts and
 *                                      sums (duckdb-counts.ts) from that month's Parquet, copied out as
 *                                      `tb run` does (out/curated/ledger/month=…/ledger.parquet); checked
 *                                      against rates.json
 *   scale.compute_vs_duckdb            compute_s ÷ duckdb_s (issue 13's target: ≤ 2x)
 *   scale.pipeline_peak_rss_mb         peak RSS of ingest + compute + export (what `tb run` adds to it is the report)
 *   scale.snapshot_items               table items the month's snapshots take
 *   scale.write.chunks_vs_row_items    writing the month's rows as chunks ÷ as one item per row
 *                                      (the layout before issue 13), same rows, same table, same run
 *   scale.read.chunks_vs_row_items     reading them back, the same way
 *   scale.peak_rss_mb                  peak RSS of this process
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LocalPipeline } from '../local/runtime';
import { copyCuratedMonth, curatedOutDir } from '../local/curated-out';
import { openLedger } from '../local/duckdb-ledger';
import { unitCounts } from './duckdb-counts';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { batchWrite } from '../../functions/adapters/aws/batch-write';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/shared/config';
import { REPORTING_UNITS } from '../../functions/core/shared/divisions';
import { mapLimit } from '../../functions/core/shared/concurrency';
import { tableKeys } from '../../functions/core/shared/storage-keys';
import type { LedgerRow, MonthLedger } from '../../functions/core/ledger/ledger-row';

const ROWS = Number(process.env.TB_BENCH_SCALE_ROWS ?? 200_000);
const MONTH = '2026-10';

const line = (name: string, value: string) => console.log(`${name}: ${value}`);
const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

/** The layout before chunks: one item per row, for the same-run baseline. */
async function writeRowItems(p: LocalPipeline, ledger: MonthLedger): Promise<void> {
  const puts = Object.entries(ledger).flatMap(([unit, rows]) =>
    rows.map((r) => ({ PutRequest: { Item: { pk: `BENCH#${MONTH}#${unit}`, sk: `ROW#${r.projectCode}`, ...r } } })),
  );
  await batchWrite(p.doc, p.servers.table, puts);
}

async function readRowItems(p: LocalPipeline, units: string[]): Promise<number> {
  const counts = await mapLimit(units, 8, async (unit) => {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await p.doc.send(
        new QueryCommand({ TableName: p.servers.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `BENCH#${MONTH}#${unit}` }, ExclusiveStartKey: start }),
      );
      n += (res.Items as LedgerRow[] | undefined)?.length ?? 0;
      start = res.LastEvaluatedKey;
    } while (start);
    return n;
  });
  return counts.reduce((a, b) => a + b, 0);
}

export async function run(): Promise<void> {
  setLogSink(() => {});
  const { countyForm, formCsv } = await import('../../test/helpers/files');
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-bench-scale-'));
  const p = await LocalPipeline.start({ dataDir, config: parseConfig({}) });
  try {
    const per = Math.floor(ROWS / REPORTING_UNITS.length);
    const files = REPORTING_UNITS.map((u, i) => {
      const projects = per + (i < ROWS - per * REPORTING_UNITS.length ? 1 : 0);
      return { key: `incoming/${MONTH}/${u.code}/${u.code}-${u.name}.csv`, bytes: formCsv(countyForm({ unit: u.code, unitName: u.name, month: MONTH, projects }), 'utf8') };
    });
    process.stderr.write(`scale: ${ROWS} rows in ${files.length} files\n`);

    let t = process.hrtime.bigint();
    for (const [i, f] of files.entries()) {
      await p.upload(f.key, f.bytes);
      if ((i + 1) % 20 === 0) process.stderr.write(`  uploaded ${i + 1}/${files.length}\n`);
    }
    const { receipts, failures } = await p.drain();
    const ingestS = seconds(t);
    const accepted = receipts.filter((r) => r.status === 'accepted').reduce((n, r) => n + r.counts.projects, 0);
    if (failures.length || accepted !== ROWS) throw new Error(`scale: ${accepted} of ${ROWS} rows accepted; failures: ${failures.map((f) => f.error).join('; ')}`);
    line('scale.rows', `${ROWS} rows`);
    line('scale.ingest_s', `${ingestS.toFixed(1)} s`);
    line('scale.rows_per_s', `${Math.round(ROWS / ingestS)} rows/s`);

    t = process.hrtime.bigint();
    const computed = await p.compute({ month: MONTH });
    const computeS = seconds(t);
    line('scale.compute_s', `${computeS.toFixed(2)} s`);
    t = process.hrtime.bigint();
    const { failures: exportFailures } = await p.exported();
    if (exportFailures.length) throw new Error(`scale: export failed: ${exportFailures.map((f) => f.error).join('; ')}`);
    line('scale.export_s', `${seconds(t).toFixed(1)} s`);
    line('scale.pipeline_peak_rss_mb', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

    // DuckDB over the same month's Parquet, as `tb query` opens out/curated/.
    await copyCuratedMonth(p.store, p.servers.buckets.curated, MONTH, dataDir);
    t = process.hrtime.bigint();
    const db = await openLedger(curatedOutDir(dataDir));
    const duck = await unitCounts(db, MONTH).finally(() => db.close());
    const duckS = seconds(t);
    const doc = await p.store.getJson<RatesDoc>(p.servers.buckets.reports, computed.ratesKey!);
    const ours = new Map(doc.units.filter((u) => u.level === 'county' && u.reported).map((u) => [u.code, u]));
    const same = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    const differ = duck.filter((d) => {
      const u = ours.get(d.unitCode);
      return !u || JSON.stringify(u.counts) !== JSON.stringify({ ...u.counts, ...d.counts }) || !(['total', 'annualPlan', 'ytdCompleted'] as const).every((k) => same(d.investment[k], u.investment[k]));
    });
    if (duck.length !== ours.size || differ.length) throw new Error(`scale: DuckDB's counts differ from rates.json for ${differ.map((d) => d.unitCode).join(', ') || `${duck.length} of ${ours.size} units`}`);
    line('scale.duckdb_s', `${duckS.toFixed(2)} s`);
    line('scale.compute_vs_duckdb', `${(computeS / duckS).toFixed(1)}x`);

    const pointers = await p.repo.getPointers(MONTH);
    let items = 0;
    for (const ptr of pointers) {
      const res = await p.doc.send(
        new QueryCommand({ TableName: p.servers.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': tableKeys.snapshot(MONTH, ptr.unitCode, ptr.uploadId) }, Select: 'COUNT' }),
      );
      items += res.Count ?? 0;
    }
    line('scale.snapshot_items', `${items} items`);

    // The same rows both ways, in the same table and process.
    t = process.hrtime.bigint();
    const ledger = await p.repo.readLedger(MONTH);
    const readChunks = seconds(t);
    t = process.hrtime.bigint();
    for (const ptr of pointers) await p.repo.writeSnapshot(MONTH, ptr.unitCode, `bench${ptr.uploadId}`, ledger[ptr.unitCode]);
    const writeChunks = seconds(t);
    t = process.hrtime.bigint();
    await writeRowItems(p, ledger);
    const writeRows = seconds(t);
    t = process.hrtime.bigint();
    const n = await readRowItems(p, Object.keys(ledger));
    const readRows = seconds(t);
    if (n !== ROWS) throw new Error(`scale: read back ${n} row items of ${ROWS}`);
    line('scale.write.chunks_s', `${writeChunks.toFixed(2)} s`);
    line('scale.write.row_items_s', `${writeRows.toFixed(2)} s`);
    line('scale.write.chunks_vs_row_items', `${(writeChunks / writeRows).toFixed(3)}x`);
    line('scale.read.chunks_s', `${readChunks.toFixed(2)} s`);
    line('scale.read.row_items_s', `${readRows.toFixed(2)} s`);
    line('scale.read.chunks_vs_row_items', `${(readChunks / readRows).toFixed(3)}x`);
    line('scale.peak_rss_mb', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await p.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
