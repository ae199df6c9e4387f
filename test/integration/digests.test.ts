/**
 * Compute reads each upload's digest (core/ledger/upload-digest.ts), one object per unit and
 * month in the curated bucket's `digests/`, not the rows' snapshot chunks. On the embedded
 * servers: ingest writes a digest for each accepted upload; compute of two months makes none from
 * a snapshot; an upload ingested before digests existed (no digest object) is computed
 * from its snapshot with the same result; a damaged digest fails the compute with the upload named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../cli/local/runtime';
import { setLogSink } from '../../functions/adapters/log';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
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

  it('ingest stored one digest per accepted upload, and compute of two months makes none from a snapshot', async () => {
    for (const month of [SEP, OCT]) {
      for (const ptr of await p.repo.getPointers(month)) {
        expect(await p.store.exists(p.servers.buckets.curated, objectKeys.digest(month, ptr.unitCode, ptr.uploadId))).toBe(true);
      }
    }
    const doc = await rates();
    expect(doc.units.filter((u) => u.level === 'county' && u.reported).map((u) => u.code)).toEqual(UNITS);
    expect(doc.units.find((u) => u.code === '411121')!.counts.projects).toBe(7);
    expect(fromSnapshot).toEqual([]);
  });

  it('an upload without a digest (ingested before digests) is computed from its snapshot, with the same numbers', async () => {
    const before = await rates();
    const ptr = (await p.repo.getPointers(SEP)).find((x) => x.unitCode === '411103')!;
    await p.s3.send(new DeleteObjectCommand({ Bucket: p.servers.buckets.curated, Key: objectKeys.digest(SEP, ptr.unitCode, ptr.uploadId) }));
    expect(await rates()).toEqual(before);
    expect(fromSnapshot).toEqual([`${SEP}/411103`]);
  });

  it('a damaged digest fails the compute and names the upload', async () => {
    const ptr = (await p.repo.getPointers(OCT)).find((x) => x.unitCode === '411102')!;
    const key = objectKeys.digest(OCT, ptr.unitCode, ptr.uploadId);
    const { gzipSync } = await import('node:zlib');
    await p.store.put(p.servers.buckets.curated, key, new Uint8Array(gzipSync(JSON.stringify({ v: 1, month: OCT, unitCode: '411102', uploadId: ptr.uploadId, rows: 3, columns: {}, rowFindings: [] }))), 'application/json');
    await expect(p.compute({ month: OCT })).rejects.toThrow(`台账摘要损坏（${OCT}/411102/${ptr.uploadId}）`);
  });
});
