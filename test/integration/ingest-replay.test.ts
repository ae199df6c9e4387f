import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { countyForm, formCsv, formXlsx } from '../helpers/files';
import { startPipeline } from '../helpers/pipeline';
import { tableKeys } from '../../functions/core/shared/storage-keys';

/**
 * At-least-once delivery and races, driven by hand: the files sit in a bucket the local runtime
 * does not watch, and the test delivers their S3 notifications itself — twice, or in the wrong
 * order — exactly as SQS may.
 */
let p: LocalPipeline;
let bucket: string;
beforeAll(async () => {
  p = await startPipeline();
  bucket = p.servers.buckets.reports; // not watched: nothing is ingested until we deliver
});
afterAll(async () => {
  await p?.close();
});

async function put(key: string, body: Uint8Array): Promise<number> {
  await p.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return body.byteLength;
}

/** The SQS message Lambda would get for one S3 notification. */
function event(key: string, size: number, eventTime: string, sequencer: string, messageId = `m-${key}-${sequencer}`) {
  const s3 = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime, s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size, sequencer } } }] };
  return { Records: [{ eventSource: 'aws:sqs', messageId, body: JSON.stringify(s3) }] };
}

/** Everything the pipeline stores: table items, receipts in the raw bucket, the curated copies. */
async function state() {
  const items = ((await p.doc.send(new ScanCommand({ TableName: p.servers.table }))).Items ?? []).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  const objects = async (b: string) => {
    const out: Record<string, string> = {};
    for (const k of (await p.store.list(b, '')).sort()) out[k] = Buffer.from(await p.store.getBytes(b, k)).toString('base64');
    return out;
  };
  return { items, receipts: await objects(p.servers.buckets.raw), curated: await objects(p.servers.buckets.curated) };
}

const form = (unit: string, projects: number) => countyForm({ unit, month: '2026-10', projects });

describe('replays and races', () => {
  it('the same S3 object delivered twice (and a third time) leaves exactly the same stored state', async () => {
    const key = 'incoming/2026-10/411502/411502-浉河区.xlsx';
    const size = await put(key, await formXlsx(form('411502', 8)));
    const first = await p.ingest(event(key, size, '2026-11-03T01:00:00.000Z', '0065A1B2C3D4E5F601'));
    expect(first.receipts.map((r) => r.status)).toEqual(['accepted']);
    const before = await state();
    expect(Object.keys(before.curated)).toHaveLength(2); // the upload's .arrow and .parquet
    expect(before.items.filter((i) => i.pk === tableKeys.digests('2026-10'))).toHaveLength(1); // its digest
    const again = await p.ingest(event(key, size, '2026-11-03T01:00:00.000Z', '0065A1B2C3D4E5F601', 'redelivered'));
    await p.ingest(event(key, size, '2026-11-03T01:00:00.000Z', '0065A1B2C3D4E5F601', 'third'));
    expect(again.receipts).toEqual(first.receipts); // the same receipt, not a second one
    expect(await state()).toEqual(before);
    expect((await p.repo.readLedger('2026-10'))['411502']).toHaveLength(8);
  });

  it('two uploads of a unit and month delivered newest first: the newer stays current, the older is superseded', async () => {
    const older = 'incoming/2026-10/411503/411503-平桥区.xlsx';
    const newer = 'incoming/2026-10/411503/411503-平桥区-更正.csv';
    const olderSize = await put(older, await formXlsx(form('411503', 5)));
    const newerSize = await put(newer, formCsv(form('411503', 3)));
    const n = await p.ingest(event(newer, newerSize, '2026-11-03T02:00:00.000Z', '0065A1B2C3D4E5F700'));
    const o = await p.ingest(event(older, olderSize, '2026-11-03T01:00:00.000Z', '0065A1B2C3D4E5F650'));
    const [newR] = n.receipts;
    const [oldR] = o.receipts;
    expect(newR.status).toBe('accepted');
    expect(oldR.status).toBe('superseded');
    expect(oldR.supersededBy).toBe(newR.uploadId);
    expect(oldR.summary).toBe('已被更新的上传替代：平桥区 2026年10月（本文件共 5 个项目，未采用）');
    expect((await p.repo.getPointer('2026-10', '411503'))?.uploadId).toBe(newR.uploadId);
    expect((await p.repo.readLedger('2026-10'))['411503'].map((r) => r.projectCode)).toEqual([1, 2, 3].map((i) => `2604-411503-04-01-00000${i}`));
    // Only the current snapshot is left in the table; the stored receipts agree with the returned ones.
    const { items, receipts } = await state();
    expect(new Set(items.filter((i) => String(i.pk).startsWith('LEDGER#2026-10#411503#')).map((i) => i.pk))).toEqual(new Set([`LEDGER#2026-10#411503#${newR.uploadId}`]));
    expect(JSON.parse(Buffer.from(receipts[`receipts/2026-10/411503/${oldR.uploadId}.json`], 'base64').toString()).status).toBe('superseded');
    expect((await p.repo.getReceipt('2026-10', '411503', newR.uploadId))?.status).toBe('accepted');
  });

  it('the same two uploads in the usual order end in the same ledger, the older receipt superseded afterwards', async () => {
    const older = 'incoming/2026-10/411521/411521-罗山县.xlsx';
    const newer = 'incoming/2026-10/411521/411521-罗山县-更正.csv';
    const olderSize = await put(older, await formXlsx(form('411521', 5)));
    const newerSize = await put(newer, formCsv(form('411521', 3)));
    const [oldR] = (await p.ingest(event(older, olderSize, '2026-11-03T01:00:00.000Z', '0065A1B2C3D4E5F650'))).receipts;
    const [newR] = (await p.ingest(event(newer, newerSize, '2026-11-03T02:00:00.000Z', '0065A1B2C3D4E5F700'))).receipts;
    expect([oldR.status, newR.status]).toEqual(['accepted', 'accepted']);
    expect((await p.repo.getReceipt('2026-10', '411521', oldR.uploadId))).toMatchObject({ status: 'superseded', supersededBy: newR.uploadId });
    const ledger = await p.repo.readLedger('2026-10');
    const strip = (u: string) => ledger[u].map(({ unitCode: _u, projectCode, ...r }) => ({ ...r, projectCode: projectCode.slice(-6) }));
    expect(strip('411521')).toEqual(strip('411503'));
  });

  it('at the same event time, the S3 sequencer decides', async () => {
    const a = 'incoming/2026-10/411522/a.csv';
    const b = 'incoming/2026-10/411522/b.csv';
    const aSize = await put(a, formCsv(form('411522', 2)));
    const bSize = await put(b, formCsv(form('411522', 4)));
    const t = '2026-11-03T03:00:00.000Z';
    const [rb] = (await p.ingest(event(b, bSize, t, '0065A1B2C3D4E5F7FF'))).receipts;
    const [ra] = (await p.ingest(event(a, aSize, t, '0065A1B2C3D4E5F7A0'))).receipts;
    expect([ra.status, rb.status]).toEqual(['superseded', 'accepted']);
    expect((await p.repo.readLedger('2026-10'))['411522']).toHaveLength(4);
  });
});
