/**
 * `tb serve` with long file names and requests the embedded S3 cannot serve: a clerk's long
 * Chinese file name is uploaded and received under a bounded key (the receipt keeps the name as
 * written), and a request that makes s3rver fail — an over-long key PUT straight to the embedded
 * S3 or POSTed through the local gateway, a write that fails on disk — is answered with an error
 * and logged, while the server keeps serving the next request.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { parseConfig } from '../../functions/core/shared/config';
import { ledgerTable, xlsx } from '../helpers/files';

const logs: Record<string, unknown>[] = [];
setLogSink((line) => logs.push(JSON.parse(line)));

const NOW = new Date('2026-11-05T02:00:00Z'); // 2026-10 is open
const zh = (n: number) => '源汇区项目建设台账'.repeat(Math.ceil(n / 9)).slice(0, n);

let serve: Serve;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tb-serve-robust-'));
  serve = await startServe({ config: parseConfig({}), dataDir, fresh: true, port: 0, now: () => NOW, demoUnit: null });
  token = (await new TokenRepository(serve.pipeline.doc, serve.pipeline.servers.table).issue({ role: 'unit', unitCode: '411102', now: NOW })).token;
});

afterAll(async () => {
  await serve?.close();
});

type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${serve.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

async function postForm(url: string, fields: Record<string, string>, bytes: Uint8Array): Promise<{ status: number; text: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'file.xlsx');
  const res = await fetch(url.startsWith('http') ? url : `${serve.url}${url}`, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

/** A whole portal upload as the page does it; returns the signed plan and the clerk's view of it. */
async function upload(fileName: string, rows = 3) {
  const bytes = await xlsx(ledgerTable('411102', rows));
  const signed = await call('POST', '/uploads', { month: '2026-10', fileName, size: bytes.byteLength });
  expect(signed.status).toBe(201);
  expect((await postForm(signed.json.url, signed.json.fields, bytes)).status).toBe(204);
  await serve.pipeline.drain();
  const list = await call('GET', '/uploads?month=2026-10');
  return { signed: signed.json, view: list.json.uploads.find((u: Json) => u.key === signed.json.key) };
}

/** The server still answers, and a normal upload still goes through to its receipt. */
async function stillServing(rows: number) {
  expect((await call('GET', '/me')).status).toBe(200);
  const { view } = await upload('源汇区10月台账.xlsx', rows);
  expect(view).toMatchObject({ state: 'accepted', fileName: '源汇区10月台账.xlsx', summary: `已接收：源汇区 2026年10月 共 ${rows} 个项目` });
}

describe('long file names through the portal', () => {
  it.each([76, 200])('a %i-character Chinese name: bounded key, receipt and list with the name as written', async (n) => {
    const name = `${zh(n)}.xlsx`;
    const { signed, view } = await upload(name, 4);
    const last = signed.key.split('/').pop();
    expect(Buffer.byteLength(last)).toBeLessThanOrEqual(120);
    expect(last).toMatch(/^[0-9a-f]{16}-源汇区项目建设台账.*~[0-9a-f]{10}\.xlsx$/);
    expect(signed.fileName).toBe(name);
    expect(view).toMatchObject({ state: 'accepted', fileName: name, summary: '已接收：源汇区 2026年10月 共 4 个项目' });
    const receipt = (await serve.pipeline.repo.listReceipts('2026-10', '411102')).find((r) => r.file.key === signed.key)!;
    expect(receipt.file.name).toBe(name);
  });
});

describe('a request the embedded S3 cannot serve does not stop tb serve', () => {
  const s3Key = (segment: string) => `incoming/2026-10/411102/${segment}`;

  it('an over-long key PUT straight to the embedded S3: 400 KeyTooLongError, logged', async () => {
    for (const name of [`${zh(100)}.xlsx`, `${zh(78)}.xlsx`]) {
      // 305 bytes: no file name can be that long; 239 bytes: the object fits, s3rver's metadata file would not
      const put = serve.pipeline.s3.send(new PutObjectCommand({ Bucket: serve.pipeline.servers.buckets.raw, Key: s3Key(name), Body: new Uint8Array([1, 2, 3]) }));
      await expect(put).rejects.toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    }
    // The servers log on their own thread: its lines of the requests answered so far are in.
    await serve.pipeline.servers.settle();
    expect(logs).toContainEqual(expect.objectContaining({ message: 'embedded s3 refused a request', status: 400, code: 'KeyTooLongError' }));
    await stillServing(5);
  });

  it('an over-long key POSTed through the local S3 gateway with a valid policy: the error is forwarded', async () => {
    const signed = await createPresignedPost(serve.pipeline.s3, { Bucket: serve.pipeline.servers.buckets.raw, Key: s3Key(`${zh(100)}.xlsx`), Expires: 300 });
    const posted = await postForm(`/_s3/${serve.pipeline.servers.buckets.raw}`, signed.fields, await xlsx(ledgerTable('411102', 2)));
    expect(posted.status).toBe(400);
    expect(posted.text).toContain('<Code>KeyTooLongError</Code>');
    await stillServing(6);
  });

  it('a write that fails on disk: 500 for that request, logged as an error, nothing half stored', async () => {
    // s3rver writes `{key}._S3rver_object`: a folder in its place makes the write fail (EISDIR),
    // which s3rver 3.7 alone left as an unhandled 'error' event that ended the process.
    const key = s3Key('blocked.xlsx');
    mkdirSync(join(dataDir, 's3', serve.pipeline.servers.buckets.raw, `${key}._S3rver_object`), { recursive: true });
    const put = serve.pipeline.s3.send(new PutObjectCommand({ Bucket: serve.pipeline.servers.buckets.raw, Key: key, Body: await xlsx(ledgerTable('411102', 2)) }));
    await expect(put).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    await serve.pipeline.servers.settle();
    expect(logs).toContainEqual(expect.objectContaining({ message: 'embedded s3 refused a request', status: 500, level: 'ERROR', error: expect.objectContaining({ message: expect.stringContaining('EISDIR') }) }));
    await serve.pipeline.drain();
    expect((await serve.pipeline.repo.listReceipts('2026-10', '411102')).some((r) => r.file.key === key)).toBe(false);
    await stillServing(7);
  });
});
