import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { parseConfig } from '../../functions/core/shared/config';
import { ledgerTable, xlsx } from '../helpers/files';

/**
 * `tb serve`'s S3 POST gateway against the embedded s3rver, with forms no browser would send: the
 * gateway must enforce S3's field rules and keys so that unit A's signed form can never write
 * into unit B's folder, whatever s3rver would have made of the raw body.
 */
setLogSink(() => {});

const NOW = new Date('2026-11-05T02:00:00Z'); // 2026-10 is open for upload
const MAX_BYTES = 64 * 1024;
const MONTH = '2026-10';
const B_FOLDER = `incoming/${MONTH}/411103/`;

let serve: Serve;
let unitA: string; // 411102 源汇区
let unitB: string; // 411103 郾城区
let bKey: string; // B's accepted ledger, uploaded before every attack
let bBefore: Awaited<ReturnType<typeof bState>>;

type Json = Record<string, any>;
type Field = [string, string];
interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  type?: string;
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${serve.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** A presigned POST from the portal, for the token's unit: url, fields (as the SDK names them), key. */
async function sign(token: string, fileName = '台账.xlsx'): Promise<{ url: string; fields: Field[]; key: string }> {
  const res = await call('POST', '/uploads', token, { month: MONTH, fileName, size: 1000 });
  expect(res.status).toBe(201);
  return { url: res.json.url, fields: Object.entries(res.json.fields as Record<string, string>), key: res.json.key };
}

/** A multipart body written by hand, so that a part can say what FormData would never let it say. */
async function post(parts: Part[]): Promise<{ status: number; text: string }> {
  const boundary = 'gateway-test-boundary-7d1f';
  const chunks: Uint8Array[] = [];
  const text = (s: string) => chunks.push(new TextEncoder().encode(s));
  for (const p of parts) {
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n`);
    if (p.type) text(`Content-Type: ${p.type}\r\n`);
    text('\r\n');
    if (typeof p.value === 'string') text(p.value);
    else chunks.push(p.value);
    text('\r\n');
  }
  text(`--${boundary}--\r\n`);
  const res = await fetch(`${serve.url}/_s3/tb-raw`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(chunks),
  });
  const answer = { status: res.status, text: await res.text() };
  await serve.pipeline.drain(); // whatever was stored has been ingested before anything is compared
  return answer;
}

const fieldParts = (fields: Field[]): Part[] => fields.map(([name, value]) => ({ name, value }));
const filePart = (bytes: Uint8Array, name = 'file'): Part => ({ name, value: bytes, filename: 'ledger.xlsx', type: 'application/octet-stream' });
const rename = (fields: Field[], from: string, to: string): Field[] => fields.map(([k, v]): Field => [k === from ? to : k, v]);
const valueOf = (fields: Field[], name: string) => fields.find(([k]) => k.toLowerCase() === name)![1];

async function object(key: string): Promise<Uint8Array | null> {
  try {
    const res = await serve.pipeline.s3.send(new GetObjectCommand({ Bucket: 'tb-raw', Key: key }));
    return new Uint8Array(await res.Body!.transformToByteArray());
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey') return null;
    throw e;
  }
}

async function listKeys(prefix: string): Promise<string[]> {
  const res = await serve.pipeline.s3.send(new ListObjectsV2Command({ Bucket: 'tb-raw', Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

/** Unit B's stored ledger as far as anyone can see it: its objects, its ledger's bytes, its receipts and which one is current. */
async function bState() {
  return { keys: await listKeys(B_FOLDER), bytes: await object(bKey), uploads: (await call('GET', `/uploads?month=${MONTH}`, unitB)).json };
}

/** A's xlsx claiming to be B's ledger: what an attacker would want stored in B's folder. */
const forged = () => xlsx(ledgerTable('411103', 9));

beforeAll(async () => {
  serve = await startServe({
    config: parseConfig({ ingest: { maxBytes: MAX_BYTES } }),
    dataDir: mkdtempSync(join(tmpdir(), 'tb-gateway-')),
    fresh: true,
    port: 0,
    now: () => NOW,
    demoUnit: null,
  });
  const tokens = new TokenRepository(serve.pipeline.doc, serve.pipeline.servers.table);
  unitA = (await tokens.issue({ role: 'unit', unitCode: '411102', now: NOW })).token;
  unitB = (await tokens.issue({ role: 'unit', unitCode: '411103', now: NOW })).token;
  const b = await sign(unitB, '郾城区.xlsx');
  expect((await post([...fieldParts(b.fields), filePart(await xlsx(ledgerTable('411103', 2)))])).status).toBe(204);
  bKey = b.key;
  bBefore = await bState();
  expect(bBefore.uploads.uploads).toEqual([expect.objectContaining({ key: bKey, state: 'accepted', current: true })]);
});

afterAll(async () => {
  await serve?.close();
});

describe('a field given twice, in any case, is refused (400 InvalidArgument) and nothing is stored', () => {
  // Each form is signed for unit A; the copy the old gateway checked was A's, the copy s3rver read
  // (case-sensitive `key`, or the last copy of the rest) was the other one.
  const cases: [string, string, (a: Field[]) => Promise<Part[]>][] = [
    ['key (B’s ledger), then the signed Key', 'key', async (a) => [{ name: 'key', value: bKey }, ...fieldParts(rename(a, 'key', 'Key'))]],
    ['key (new key in B’s folder), then the signed KEY', 'key', async (a) => [{ name: 'key', value: `${B_FOLDER}forged.xlsx` }, ...fieldParts(rename(a, 'key', 'KEY'))]],
    ['key (B’s ledger), then the signed key sent as an octet-stream part', 'key', async (a) => [{ name: 'key', value: bKey }, ...fieldParts(a).map((p) => (p.name === 'key' ? { ...p, type: 'application/octet-stream' } : p))]],
    ['policy, then the signed Policy', 'policy', async (a) => [{ name: 'policy', value: valueOf(a, 'policy') }, ...fieldParts(a)]],
    ['X-Amz-Signature twice', 'x-amz-signature', async (a) => [...fieldParts(a), { name: 'X-Amz-Signature', value: valueOf(a, 'x-amz-signature') }]],
  ];
  it.each(cases)('%s', async (_, name, form) => {
    const a = await sign(unitA);
    const res = await post([...(await form(a.fields)), filePart(await forged())]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>InvalidArgument</Code>');
    expect(res.text).toContain(`<ArgumentName>${name}</ArgumentName>`);
    expect(await object(a.key)).toBeNull();
    expect(await bState()).toEqual(bBefore);
  });

  it('Content-Type twice, though the policy allows any Content-Type', async () => {
    const key = `incoming/${MONTH}/411102/0123456789abcdef-typed.csv`;
    const signed = await createPresignedPost(serve.pipeline.s3, { Bucket: 'tb-raw', Key: key, Conditions: [['starts-with', '$Content-Type', '']], Expires: 900 });
    const fields = [...Object.entries(signed.fields), ['Content-Type', 'text/csv'], ['content-type', 'text/html']] as Field[];
    const res = await post([...fieldParts(fields), filePart(new TextEncoder().encode('a,b\n'))]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<ArgumentName>content-type</ArgumentName>');
    expect(await object(key)).toBeNull();
  });
});

describe('what follows the file is ignored, as S3 ignores it', () => {
  // s3rver too ignores what follows a part named exactly `file`; these files are named otherwise,
  // which S3 (case-insensitive) takes for the file and s3rver does not.
  it.each([
    ['File, then key (B’s ledger) and a file', 'File'],
    ['FILE, then key (B’s ledger) and a file', 'FILE'],
  ])('%s: A’s signed key gets the first file, B keeps its ledger', async (_, fileName) => {
    const a = await sign(unitA);
    const first = await xlsx(ledgerTable('411102', 3));
    const res = await post([...fieldParts(a.fields), filePart(first, fileName), { name: 'key', value: bKey }, { name: 'Key', value: bKey }, filePart(await forged())]);
    expect(res.status).toBe(204);
    expect(await object(a.key)).toEqual(first);
    expect(await bState()).toEqual(bBefore);
  });

  it('a second file over the size limit is not what gets stored (nor judged by the policy)', async () => {
    const a = await sign(unitA);
    const first = await xlsx(ledgerTable('411102', 2));
    const res = await post([...fieldParts(a.fields), filePart(first, 'FILE'), filePart(new Uint8Array(MAX_BYTES + 1).fill(65))]);
    expect(res.status).toBe(204);
    expect(await object(a.key)).toEqual(first);
  });
});

describe('a policy signed with anything but the pipeline’s own keys is refused (403)', () => {
  const signer = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new S3Client({ region: 'us-east-1', credentials, endpoint: serve.pipeline.servers.s3Endpoint, forcePathStyle: true });
  const mine = () => serve.pipeline.servers.credentials;
  const cases: [string, () => { accessKeyId: string; secretAccessKey: string }, () => string, string][] = [
    ['s3rver’s public S3RVER / S3RVER, for a new key in B’s folder', () => ({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), () => `${B_FOLDER}forged.xlsx`, 'InvalidAccessKeyId'],
    ['S3RVER / S3RVER, over B’s ledger', () => ({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), () => bKey, 'InvalidAccessKeyId'],
    ['the pipeline’s key id with the secret S3RVER', () => ({ accessKeyId: mine().accessKeyId, secretAccessKey: 'S3RVER' }), () => bKey, 'SignatureDoesNotMatch'],
    ['S3RVER with the pipeline’s secret', () => ({ accessKeyId: 'S3RVER', secretAccessKey: mine().secretAccessKey }), () => bKey, 'InvalidAccessKeyId'],
  ];
  it.each(cases)('%s', async (_, credentials, key, code) => {
    const post403 = await createPresignedPost(signer(credentials()), { Bucket: 'tb-raw', Key: key(), Conditions: [['content-length-range', 1, MAX_BYTES]], Expires: 900 });
    const bytes = await forged();
    const res = await post([...fieldParts(Object.entries(post403.fields)), filePart(bytes)]);
    expect(res.status).toBe(403);
    expect(res.text).toContain(`<Code>${code}</Code>`);
    expect(await bState()).toEqual(bBefore);
  });

  it('the pipeline signs with keys of its own, not s3rver’s', () => {
    expect(mine().accessKeyId).not.toBe('S3RVER');
    expect(mine().secretAccessKey).not.toBe('S3RVER');
    expect(mine().secretAccessKey.length).toBeGreaterThanOrEqual(32);
  });
});

describe('a form signed with the pipeline’s keys is stored', () => {
  it.each([
    ['as the portal issued it', (f: Field[]) => f],
    ['field names in upper case (S3 reads them case-insensitively)', (f: Field[]) => f.map(([k, v]): Field => [k.toUpperCase(), v])],
    ['with x-ignore-* fields before and after', (f: Field[]) => [['x-ignore-submit', '上传'], ...f, ['X-Ignore-Note', '1']] as Field[]],
  ])('%s', async (_, form) => {
    const a = await sign(unitA);
    const bytes = await xlsx(ledgerTable('411102', 4));
    const res = await post([...fieldParts(form(a.fields)), filePart(bytes)]);
    expect(res.status).toBe(204);
    expect(await object(a.key)).toEqual(bytes);
    const mineNow = (await call('GET', `/uploads?month=${MONTH}`, unitA)).json.uploads.find((u: Json) => u.key === a.key);
    expect(mineNow).toMatchObject({ state: 'accepted', current: true });
  });

  it('with the Content-Type its policy allows, which s3rver then stores', async () => {
    const key = `incoming/${MONTH}/411102/fedcba9876543210-typed.csv`;
    const signed = await createPresignedPost(serve.pipeline.s3, { Bucket: 'tb-raw', Key: key, Conditions: [['starts-with', '$Content-Type', 'text/']], Expires: 900 });
    const res = await post([...fieldParts([...Object.entries(signed.fields), ['Content-Type', 'text/csv']]), filePart(new TextEncoder().encode('a,b\n'))]);
    expect(res.status).toBe(204);
    const head = await serve.pipeline.s3.send(new GetObjectCommand({ Bucket: 'tb-raw', Key: key }));
    expect(head.ContentType).toBe('text/csv');
  });

  it('and B’s ledger is, after every attack above, exactly what B uploaded', async () => {
    expect(await bState()).toEqual(bBefore);
    expect(bBefore.uploads.uploads).toHaveLength(1);
  });
});
