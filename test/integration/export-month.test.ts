import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { DigestStore } from '../../functions/adapters/aws/digest-store';
import { CuratedStore } from '../../functions/adapters/columnar/curated-store';
import { ledgerFromArrow, readCuratedMonth } from '../../functions/adapters/columnar/curated-month-reader';
import { parquetToIpcStream } from '../../functions/adapters/columnar/parquet';
import { setLogSink } from '../../functions/adapters/log';
import { createCompute } from '../../functions/compute/compute-rates';
import type { Pointer } from '../../functions/core/ingest/upload-order';
import type { CuratedExports, ExportRequest } from '../../functions/core/ports';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { countyForm, formXlsx } from '../helpers/files';
import { startPipeline } from '../helpers/pipeline';

/**
 * The export stage on the embedded servers: compute only requests the month's curated copy (with
 * the pointers it computed on), the export writes it from the rows of exactly those uploads, and
 * a failed request does not fail compute. Copies are read back with the readers `tb evaluate` uses.
 */
const MONTH = '2026-10';
const logs: Record<string, unknown>[] = [];
setLogSink((line) => logs.push(JSON.parse(line)));

let p: LocalPipeline;
let first: Pointer[];

async function upload(unit: string, unitName: string, projects: number, name: string): Promise<string> {
  const form = countyForm({ unit, unitName, month: MONTH, projects });
  await p.upload(objectKeys.upload(MONTH, unit, `${unit}-${unitName}-${name}.xlsx`), await formXlsx(form));
  const { receipts, failures } = await p.drain();
  expect(failures).toEqual([]);
  expect(receipts.map((r) => r.status)).toEqual(['accepted']);
  return receipts[0]!.uploadId;
}

/** compute as its handler builds it, but with `exports` handed in (the recorder or a failing one). */
function computeWith(exports: CuratedExports) {
  const curated = new CuratedStore(p.store, p.servers.buckets.curated);
  const digests = new DigestStore(p.doc, p.servers.table, (m, u, id) => p.repo.readSnapshot(m, u, id));
  return createCompute({ store: p.store, repo: p.repo, digests, months: p.months, config: p.config, reportsBucket: p.servers.buckets.reports, curated, exports, now: () => new Date() });
}

const sameUploads = (ps: Pointer[]) => ps.map((x) => `${x.unitCode}/${x.uploadId}`).sort();

async function curatedKeys(): Promise<string[]> {
  return [...(await p.store.list(p.servers.buckets.curated, 'ledger/')), ...(await p.store.list(p.servers.buckets.curated, 'ledger-arrow/'))];
}

beforeAll(async () => {
  p = await startPipeline();
  await upload('411102', '源汇区', 3, '初报');
  await upload('411103', '郾城区', 2, '初报');
  first = await p.repo.getPointers(MONTH);
  expect(first).toHaveLength(2);
});

afterAll(async () => {
  await p?.close();
  setLogSink(null);
});

describe('the export stage', () => {
  it('compute requests the export with exactly the pointers it computed on and writes no ledger/ or ledger-arrow/ itself', async () => {
    const requests: ExportRequest[] = [];
    const res = await computeWith({ request: async (r) => void requests.push(r) })({ month: MONTH });
    expect(res.ratesKey).toBe(objectKeys.rates(MONTH));
    expect(requests).toEqual([{ month: MONTH, pointers: first }]);
    expect(await curatedKeys()).toEqual([]);
  });

  it('writes the month copy of exactly the given uploads, Arrow and Parquet, each row with its upload id', async () => {
    const only = first.filter((x) => x.unitCode === '411103');
    const r = await p.exportMonth({ month: MONTH, pointers: only });
    const keys = objectKeys.curatedMonth(MONTH);
    expect(r).toEqual({ month: MONTH, keys: [keys.arrow, keys.parquet] });
    const rows = (await p.repo.readAt(MONTH, only)).ledger['411103']!.map((x) => x.projectCode);

    const arrow = (await readCuratedMonth(p.store, p.servers.buckets.curated, MONTH))!;
    expect(Object.keys(arrow)).toEqual(['411103']);
    expect(arrow['411103']!.map((x) => x.projectCode)).toEqual(rows);
    const parquet = parquetToIpcStream(await p.store.getBytes(p.servers.buckets.curated, keys.parquet));
    expect(ledgerFromArrow(parquet)['411103']!.map((x) => x.projectCode)).toEqual(rows);
    expect(Object.keys(ledgerFromArrow(parquet))).toEqual(['411103']);
    expect([...new Set(tableFromIPC(parquet).getChild('uploadId')!.toArray())]).toEqual([only[0]!.uploadId]);

    // All the month's pointers: both units, the copy replaced.
    await p.exportMonth({ month: MONTH, pointers: first });
    const both = (await readCuratedMonth(p.store, p.servers.buckets.curated, MONTH))!;
    expect(Object.fromEntries(Object.entries(both).map(([u, xs]) => [u, xs.length]))).toEqual({ '411102': 3, '411103': 2 });
  });

  it('a failed export request is logged as an error and does not fail compute', async () => {
    logs.length = 0;
    const res = await computeWith({ request: async () => Promise.reject(new Error('Rate exceeded')) })({ month: MONTH });
    expect(res).toMatchObject({ month: MONTH, ratesKey: objectKeys.rates(MONTH), reportedUnits: 2 });
    expect(await p.store.exists(p.servers.buckets.reports, objectKeys.rates(MONTH))).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'curated export request failed', month: MONTH }));
  });

  it('refuses a malformed request before reading anything, saying what is wrong', async () => {
    await expect(p.exportMonth({ month: '2026-13', pointers: [] })).rejects.toThrow('导出请求无效：month 应为 YYYY-MM 格式的月份，收到 "2026-13"');
    await expect(p.exportMonth({ pointers: [] })).rejects.toThrow('导出请求无效：month 应为 YYYY-MM 格式的月份，收到 空值');
    await expect(p.exportMonth({ month: MONTH, pointers: {} })).rejects.toThrow(`导出请求无效（${MONTH}）：pointers 应为上传指针数组`);
    await expect(p.exportMonth({ month: MONTH, pointers: [first[0], { unitCode: '411103' }] })).rejects.toThrow(`导出请求无效（${MONTH}）：pointers 第 2 项缺少 unitCode 或 uploadId`);
    await expect(p.exportMonth({ month: MONTH, pointers: [first[0], first[0]] })).rejects.toThrow(`导出请求无效（${MONTH}）：单位 411102 出现不止一次`);
  });

  it('locally: a publish exports the pinned uploads (not a later correction) once exported() is awaited', async () => {
    expect((await p.compute({ month: MONTH, action: 'lock' })).done).toBe(true);
    const correction = await upload('411102', '源汇区', 4, '更正');
    const published = await p.compute({ month: MONTH, action: 'publish' });
    expect(published).toMatchObject({ done: true, version: 1 });
    expect(await p.exported()).toEqual({ failures: [] });

    const pinned = await p.months.pinnedPointers(MONTH, 1);
    expect(sameUploads(pinned)).toEqual(sameUploads(first));
    expect((await p.repo.getPointers(MONTH)).find((x) => x.unitCode === '411102')!.uploadId).toBe(correction);
    const arrow = tableFromIPC(await p.store.getBytes(p.servers.buckets.curated, objectKeys.curatedMonth(MONTH).arrow));
    const ids = new Set(arrow.getChild('uploadId')!.toArray());
    expect(ids).toEqual(new Set(first.map((x) => x.uploadId)));
    expect(arrow.numRows).toBe(5);
  });
});
