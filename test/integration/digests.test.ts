/**
 * Compute reads each upload's digest (core/ledger/upload-digest.ts), kept in the table in one
 * partition a month (`DIGESTS#{month}`), not the rows' snapshot chunks. On the embedded servers:
 * ingest writes a digest for each accepted upload and discards the one a re-upload supersedes;
 * compute of two months makes none from a snapshot; an upload ingested before digests were kept
 * there is computed from its snapshot with the same result; a digest too large for one item is
 * split and read back whole; a damaged or incomplete digest fails the compute with the upload named.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../cli/local/runtime';
import { DIGEST_PART_BYTES, DigestStore } from '../../functions/adapters/aws/digest-store';
import { setLogSink } from '../../functions/adapters/log';
import { encodeDigest } from '../../functions/core/ledger/upload-digest';
import type { ComputeRow } from '../../functions/core/ledger/ledger-row';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys, tableKeys } from '../../functions/core/shared/storage-keys';
import { ledgerTable, xlsx } from '../helpers/files';

/** What the digest store logs when it makes a digest from the snapshot: the only way compute reads one. */
const fromSnapshot: string[] = [];
setLogSink((line) => {
  const e = JSON.parse(line) as { msg?: string; message?: string; month?: string; unitCode?: string };
  if ((e.msg ?? e.message) === 'digest missing, made from the snapshot') fromSnapshot.push(`${e.month}/${e.unitCode}`);
});

const SEP = '2026-09';
const OCT = '2026-10';
const UNITS = ['411102', '411103', '411121'];

describe('upload digests on the embedded servers', () => {
  let root: string;
  let p: LocalPipeline;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tb-digests-'));
    p = await LocalPipeline.start({ dataDir: root, config: parseConfig({}) });
    for (const month of [SEP, OCT]) {
      for (const [i, unit] of UNITS.entries()) await p.upload(objectKeys.upload(month, unit, `${unit}.xlsx`), await xlsx(ledgerTable(unit, 5 + i)));
    }
    expect((await p.drain()).receipts.every((r) => r.status === 'accepted')).toBe(true);
  });

  afterAll(async () => {
    await p.close();
    rmSync(root, { recursive: true, force: true });
  });

  const rates = async () => {
    const r = await p.compute({ month: OCT });
    const doc = await p.store.getJson<RatesDoc>(p.servers.buckets.reports, r.ratesKey!);
    return { ...doc, computedAt: undefined };
  };

  /** The month's digest items: `{unit}/{uploadId}` of each. */
  const digestItems = async (month: string) => {
    const res = await p.doc.send(
      new QueryCommand({ TableName: p.servers.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': tableKeys.digests(month) }, ConsistentRead: true }),
    );
    return (res.Items ?? []).map((i) => `${i.unitCode}/${i.uploadId}`);
  };
  const current = async (month: string) => (await p.repo.getPointers(month)).map((x) => `${x.unitCode}/${x.uploadId}`).sort();

  it('ingest stored one digest per accepted upload, and compute of two months makes none from a snapshot', async () => {
    for (const month of [SEP, OCT]) expect((await digestItems(month)).sort()).toEqual(await current(month));
    const doc = await rates();
    expect(doc.units.filter((u) => u.level === 'county' && u.reported).map((u) => u.code)).toEqual(UNITS);
    expect(doc.units.find((u) => u.code === '411121')!.counts.projects).toBe(7);
    expect(fromSnapshot).toEqual([]);
  });

  it('a re-upload discards the digest it supersedes, and compute counts the new rows', async () => {
    const old = (await p.repo.getPointers(OCT)).find((x) => x.unitCode === '411103')!;
    await p.upload(objectKeys.upload(OCT, '411103', '411103-更正.xlsx'), await xlsx(ledgerTable('411103', 9)));
    expect((await p.drain()).receipts.map((r) => r.status)).toEqual(['accepted']);
    const items = await digestItems(OCT);
    expect(items.sort()).toEqual(await current(OCT));
    expect(items).not.toContain(`411103/${old.uploadId}`);
    expect((await rates()).units.find((u) => u.code === '411103')!.counts.projects).toBe(9);
    expect(fromSnapshot).toEqual([]);
  });

  it('an upload without a digest (ingested before digests were kept) is computed from its snapshot, with the same numbers', async () => {
    const before = await rates();
    const ptr = (await p.repo.getPointers(SEP)).find((x) => x.unitCode === '411103')!;
    await p.doc.send(new DeleteCommand({ TableName: p.servers.table, Key: { pk: tableKeys.digests(SEP), sk: tableKeys.digestPart(ptr.unitCode, ptr.uploadId, 0) } }));
    expect(await rates()).toEqual(before);
    expect(fromSnapshot).toEqual([`${SEP}/411103`]);
  });

  it('a digest larger than an item is stored in parts and read back whole', async () => {
    const store = new DigestStore(p.doc, p.servers.table, async () => {
      throw new Error('not from the snapshot');
    });
    // Random names: incompressible, so the gzip is several parts.
    const rows: ComputeRow[] = Array.from({ length: 6000 }, (_, i) => ({
      unitCode: '410102',
      projectCode: `2604-410102-04-01-${String(i).padStart(6, '0')}`,
      projectName: randomBytes(48).toString('base64'),
      batch: '签约',
      phase: 1,
      status: '已落地',
      totalInvestment: i + 0.5,
      annualPlan: i,
      ytdCompleted: i / 3,
      monthCompleted: i % 2 ? null : 1,
    }));
    const digest = { month: '2025-01', unitCode: '410102', uploadId: 'big', rows, rowFindings: [] };
    await store.write(digest);
    const parts = await digestItems('2025-01');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBe(Math.ceil(gzipSync(encodeDigest(digest)).length / DIGEST_PART_BYTES));
    const [back] = await store.read('2025-01', [{ unitCode: '410102', uploadId: 'big', order: 'x', key: 'k', projects: rows.length, updatedAt: 'x' }]);
    expect(back.rows).toEqual(rows);
    // A part missing is damage, not "no digest": the rows must not silently come from elsewhere.
    await p.doc.send(new DeleteCommand({ TableName: p.servers.table, Key: { pk: tableKeys.digests('2025-01'), sk: tableKeys.digestPart('410102', 'big', 1) } }));
    await expect(store.read('2025-01', [{ unitCode: '410102', uploadId: 'big', order: 'x', key: 'k', projects: rows.length, updatedAt: 'x' }])).rejects.toThrow(
      `台账摘要损坏（2025-01/410102/big）：分段不全`,
    );
  });

  it('a damaged digest fails the compute and names the upload', async () => {
    const ptr = (await p.repo.getPointers(OCT)).find((x) => x.unitCode === '411102')!;
    const item = { pk: tableKeys.digests(OCT), sk: tableKeys.digestPart(ptr.unitCode, ptr.uploadId, 0), unitCode: ptr.unitCode, uploadId: ptr.uploadId, part: 0, parts: 1 };
    // Another upload's digest under this one's key.
    const bad = gzipSync(encodeDigest({ month: OCT, unitCode: '411102', uploadId: 'another', rows: [], rowFindings: [] }));
    await p.doc.send(new PutCommand({ TableName: p.servers.table, Item: { ...item, body: bad.toString('base64') } }));
    await expect(p.compute({ month: OCT })).rejects.toThrow(`台账摘要损坏（${OCT}/411102/${ptr.uploadId}）：不是该次上传的摘要`);
    await p.doc.send(new PutCommand({ TableName: p.servers.table, Item: { ...item, body: Buffer.from([1, 2, 3]).toString('base64') } }));
    await expect(p.compute({ month: OCT })).rejects.toThrow(`台账摘要损坏（${OCT}/411102/${ptr.uploadId}）：无法解压`);
  });
});
