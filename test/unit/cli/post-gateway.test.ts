import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostGateway } from '../../../cli/local/post-gateway';
import { asS3rverReadsIt } from '../../helpers/s3rver-form';

/**
 * The POST gateway in front of a stand-in for s3rver that records what it is handed: s3rver must
 * get exactly the fields the policy check passed (lower-case names, no x-ignore-*, nothing after
 * the file) and the file that was checked, never the browser's own body.
 */
const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const s3 = new S3Client({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:1', forcePathStyle: true });
const key = 'incoming/2026-10/411102/a1b2c3d4e5f60718-源汇区 台账.xlsx';
const otherKey = 'incoming/2026-10/411103/0000000000000000-郾城区.xlsx';

let handed: { fields: [string, string][]; files: { name: string; bytes: Buffer }[] }[] = [];
let upstream: Server;
let front: Server;
let url: string;
let signedAt = new Date(0);

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    handed.push(await asS3rverReadsIt(Buffer.concat(chunks), req.headers['content-type'] ?? ''));
    res.writeHead(204).end();
  });
  const gateway = createPostGateway({ s3Endpoint: await listen(upstream), credentials: async () => credentials, region: 'us-east-1', maxBodyBytes: 64 * 1024, now: () => signedAt });
  front = createServer((req, res) => void gateway(req, res, 'tb-raw'));
  url = await listen(front);
});

afterAll(async () => {
  await Promise.all([front, upstream].map((s) => new Promise((r) => s.close(r))));
});

/** The presigner's fields; the check then runs at their own X-Amz-Date, not by the wall clock. */
async function signed(): Promise<[string, string][]> {
  const post = await createPresignedPost(s3, { Bucket: 'tb-raw', Key: key, Conditions: [['content-length-range', 1, 1000]], Expires: 900 });
  const d = post.fields['X-Amz-Date'];
  signedAt = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
  return Object.entries(post.fields);
}

type Part = [string, string] | [string, Blob, string];
async function post(parts: Part[]): Promise<{ status: number; text: string }> {
  const form = new FormData();
  for (const p of parts) (p.length === 3 ? form.append(p[0], p[1], p[2]) : form.append(p[0], p[1]));
  const res = await fetch(`${url}/_s3/tb-raw`, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

const bytes = (s: string) => new Blob([s]);
/** What s3rver must get for the presigner's form: its fields in lower case, the URL naming the bucket. */
const canonical = (fields: [string, string][]) => fields.filter(([k]) => k !== 'bucket').map(([k, v]): [string, string] => [k.toLowerCase(), v]);

describe('the POST gateway hands s3rver what it checked', () => {
  const cases: [string, (f: [string, string][]) => Part[]][] = [
    ['the form as signed', (f) => [...f, ['file', bytes('the ledger'), 'a.xlsx']]],
    ['names in upper case', (f) => [...f.map(([k, v]): Part => [k.toUpperCase(), v]), ['FILE', bytes('the ledger'), 'a.xlsx']]],
    ['x-ignore-* fields before and after the file', (f) => [['x-ignore-submit', '上传'], ...f, ['file', bytes('the ledger'), 'a.xlsx'], ['x-ignore-after', '1']]],
    ['file, then key and a second file', (f) => [...f, ['file', bytes('the ledger'), 'a.xlsx'], ['key', otherKey], ['file', bytes('another'), 'b.xlsx']]],
    ['File, then key, Key and a file', (f) => [...f, ['File', bytes('the ledger'), 'a.xlsx'], ['key', otherKey], ['Key', otherKey], ['file', bytes('another'), 'b.xlsx']]],
  ];
  it.each(cases)('%s: the checked fields in lower case, then the first file alone', async (_, form) => {
    handed = [];
    const fields = await signed();
    expect((await post(form(fields))).status).toBe(204);
    expect(handed).toHaveLength(1);
    expect(handed[0].fields).toEqual(canonical(fields));
    expect(handed[0].files.map((f) => [f.name, f.bytes.toString()])).toEqual([['file', 'the ledger']]);
  });

  it.each([
    ['key, then the signed Key', (f: [string, string][]) => [['key', otherKey], ...f.map(([k, v]): Part => [k === 'key' ? 'Key' : k, v])]],
    ['the signed key, then KEY', (f: [string, string][]) => [...f, ['KEY', otherKey]]],
  ] as [string, (f: [string, string][]) => Part[]][])('%s: refused (400), s3rver never asked', async (_, form) => {
    handed = [];
    const res = await post([...form(await signed()), ['file', bytes('x'), 'a.xlsx']]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>InvalidArgument</Code><Message>Bucket POST must contain at most one field named &#x27;key&#x27;.</Message><ArgumentName>key</ArgumentName>');
    expect(handed).toEqual([]);
  });
});
