import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { parseConfig } from '../../functions/core/shared/config';
import { downloadUrl } from '../../functions/core/portal/download-link';
import { ledgerTable, xlsx } from '../helpers/files';
import { barePortal } from '../helpers/portal';

/**
 * The portal API on the embedded servers, through `tb serve`'s HTTP server (the API Gateway
 * stand-in) and its S3 POST endpoint (which checks presigned POST policies as S3 does, since
 * s3rver does not), with the real ingest behind it.
 */
setLogSink(() => {});

const NOW = new Date('2026-11-05T02:00:00Z'); // 2026-11-05 10:00 Shanghai: 2026-10 and 2026-09 are open
const MAX_BYTES = 64 * 1024;
const LINK_SECRET = 'portal-link-secret-for-tests';

let serve: Serve;
let tokens: TokenRepository;
let unitA: string; // 411102 源汇区
let unitB: string; // 411103 郾城区
let province: string;

beforeAll(async () => {
  serve = await startServe({
    config: parseConfig({ ingest: { maxBytes: MAX_BYTES } }),
    dataDir: mkdtempSync(join(tmpdir(), 'tb-api-')),
    fresh: true,
    port: 0,
    now: () => NOW,
    demoUnit: null,
    linkSecret: LINK_SECRET,
  });
  tokens = new TokenRepository(serve.pipeline.doc, serve.pipeline.servers.table);
  unitA = (await tokens.issue({ role: 'unit', unitCode: '411102', now: NOW })).token;
  unitB = (await tokens.issue({ role: 'unit', unitCode: '411103', now: NOW })).token;
  province = (await tokens.issue({ role: 'province', now: NOW })).token;
});

afterAll(async () => {
  await serve?.close();
});

type Json = Record<string, any>;

async function call(method: string, path: string, token?: string | null, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${serve.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, headers: res.headers };
}

/** The browser's form POST: the signed fields, then the file. */
async function postForm(url: string, fields: Record<string, string> | [string, string][], bytes: Uint8Array, name = 'file.xlsx') {
  const form = new FormData();
  for (const [k, v] of Array.isArray(fields) ? fields : Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(url.startsWith('http') ? url : `${serve.url}${url}`, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

async function listKeys(prefix: string): Promise<string[]> {
  const res = await serve.pipeline.s3.send(new ListObjectsV2Command({ Bucket: serve.pipeline.servers.buckets.raw, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

async function uploadAs(token: string, fileName: string, bytes: Uint8Array, month = '2026-10') {
  const signed = await call('POST', '/uploads', token, { month, fileName, size: bytes.byteLength });
  expect(signed.status).toBe(201);
  const posted = await postForm(signed.json.url, signed.json.fields, bytes);
  expect(posted.status).toBe(204);
  await serve.pipeline.drain();
  return signed.json;
}

describe('a clerk uploads through the portal', () => {
  it('gets a presigned POST for a key the server chose, uploads, and sees the receipt', async () => {
    const bytes = await xlsx(ledgerTable('411102', 7));
    const signed = await call('POST', '/uploads', unitA, { month: '2026-10', fileName: '源汇区10月台账.xlsx', size: bytes.byteLength });
    expect(signed.status).toBe(201);
    expect(signed.json.key).toMatch(/^incoming\/2026-10\/411102\/[0-9a-f]{16}-源汇区10月台账\.xlsx$/);
    expect(signed.json).toMatchObject({ month: '2026-10', unitCode: '411102', fileName: '源汇区10月台账.xlsx', maxBytes: MAX_BYTES, url: '/_s3/tb-raw' });
    expect(signed.json.fields.key).toBe(signed.json.key);
    const policy = JSON.parse(Buffer.from(signed.json.fields.Policy, 'base64').toString());
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, MAX_BYTES], { key: signed.json.key }, { bucket: 'tb-raw' }]));

    expect((await postForm(signed.json.url, signed.json.fields, bytes)).status).toBe(204);
    await serve.pipeline.drain();

    const list = await call('GET', '/uploads?month=2026-10', unitA);
    expect(list.status).toBe(200);
    const mine = list.json.uploads.find((u: Json) => u.key === signed.json.key);
    expect(mine).toMatchObject({ state: 'accepted', current: true, fileName: '源汇区10月台账.xlsx', summary: '已接收：源汇区 2026年10月 共 7 个项目', errors: [] });
  });

  it('sees every error of a rejected file with row, column and value', async () => {
    const table = ledgerTable('411102', 4);
    table[2][5] = '待定';
    const up = await uploadAs(unitA, '有错的台账.xlsx', await xlsx(table));
    const list = await call('GET', '/uploads?month=2026-10', unitA);
    const bad = list.json.uploads.find((u: Json) => u.key === up.key);
    expect(bad.state).toBe('rejected');
    expect(bad.errors).toEqual([expect.objectContaining({ row: 3, column: '总投资', value: '待定' })]);
    // the earlier accepted upload stays current
    expect(list.json.uploads.filter((u: Json) => u.current)).toHaveLength(1);
  });

  it('keeps a file name with ../ and Chinese characters inside its own folder', async () => {
    const up = await uploadAs(unitA, '../../411103/..\\源汇区（修订）<台账>.xlsx', await xlsx(ledgerTable('411102', 3)));
    expect(up.key).toMatch(/^incoming\/2026-10\/411102\/[0-9a-f]{16}-源汇区（修订）_台账\.xlsx$/);
    expect(await listKeys('incoming/2026-10/411103/')).toEqual([]);
    const list = await call('GET', '/uploads?month=2026-10', unitA);
    expect(list.json.uploads.find((u: Json) => u.key === up.key)).toMatchObject({ fileName: '源汇区（修订）_台账.xlsx', state: 'accepted' });
  });
});

describe('token scoping', () => {
  it('never lets unit A choose unit B’s key, even when asked to', async () => {
    const signed = await call('POST', '/uploads', unitA, { month: '2026-10', fileName: 'x.xlsx', unitCode: '411103', key: 'incoming/2026-10/411103/x.xlsx' });
    expect(signed.status).toBe(201);
    expect(signed.json.key.startsWith('incoming/2026-10/411102/')).toBe(true);
  });

  it('refuses A’s signed POST when the key is changed to B’s folder (the policy fixes the key)', async () => {
    const signed = await call('POST', '/uploads', unitA, { month: '2026-10', fileName: 'x.xlsx' });
    const fields = Object.entries(signed.json.fields as Record<string, string>).map(([k, v]): [string, string] => [k, k === 'key' ? 'incoming/2026-10/411103/x.xlsx' : v]);
    const res = await postForm(signed.json.url, fields, await xlsx(ledgerTable('411103', 2)));
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>AccessDenied</Code>');
    expect(await listKeys('incoming/2026-10/411103/')).toEqual([]);
  });

  it('shows unit A only its own uploads and receipts', async () => {
    const b = await uploadAs(unitB, '郾城区.xlsx', await xlsx(ledgerTable('411103', 2)));
    const forA = await call('GET', '/uploads?month=2026-10', unitA);
    expect(forA.json.unit).toEqual({ code: '411102', name: '源汇区' });
    expect(forA.json.uploads.every((u: Json) => u.key.startsWith('incoming/2026-10/411102/'))).toBe(true);
    expect(forA.json.uploads.some((u: Json) => u.key === b.key)).toBe(false);
    const asked = await call('GET', '/uploads?month=2026-10&unit=411103', unitA);
    expect(asked).toMatchObject({ status: 403, json: { error: { code: 'other-unit', message: '只能查看本单位的上传记录' } } });
    const forB = await call('GET', '/uploads?month=2026-10', unitB);
    expect(forB.json.uploads.map((u: Json) => u.key)).toEqual([b.key]);
  });

  it('lets the province token view but not upload; unit tokens cannot see the province status', async () => {
    expect(await call('POST', '/uploads', province, { month: '2026-10', fileName: 'x.xlsx' })).toMatchObject({ status: 403, json: { error: { code: 'read-only' } } });
    expect(await call('GET', '/status?month=2026-10', unitA)).toMatchObject({ status: 403, json: { error: { code: 'province-only' } } });
    const view = await call('GET', '/uploads?month=2026-10&unit=411102', province);
    expect(view.status).toBe(200);
    expect(view.json.uploads.length).toBeGreaterThan(0);
    expect(await call('GET', '/uploads?month=2026-10', province)).toMatchObject({ status: 400, json: { error: { code: 'bad-unit' } } });
  });
});

describe('refused tokens', () => {
  it('refuses missing, unknown, revoked and expired tokens with Chinese messages', async () => {
    expect(await call('GET', '/me', null)).toMatchObject({ status: 401, json: { error: { code: 'token-missing', message: expect.stringContaining('请先填写令牌') } } });
    expect(await call('GET', '/me', 'tb_u_411102_' + 'A'.repeat(43))).toMatchObject({ status: 401, json: { error: { code: 'token-invalid' } } });
    expect(await call('GET', '/me', 'nonsense')).toMatchObject({ status: 401, json: { error: { code: 'token-invalid' } } });

    const revoked = await tokens.issue({ role: 'unit', unitCode: '411104', now: NOW });
    expect((await call('GET', '/me', revoked.token)).status).toBe(200);
    await tokens.revoke(revoked.record.id, NOW);
    expect(await call('POST', '/uploads', revoked.token, { month: '2026-10', fileName: 'x.xlsx' })).toMatchObject({
      status: 401,
      json: { error: { code: 'token-revoked', message: '该令牌已停用，请联系省专班重新发放' } },
    });
    expect((await tokens.list()).find((r) => r.id === revoked.record.id)?.revokedAt).toBe(NOW.toISOString());

    const expired = await tokens.issue({ role: 'unit', unitCode: '411104', expiresAt: '2026-11-01T00:00:00.000Z', now: NOW });
    const res = await call('GET', '/uploads?month=2026-10', expired.token);
    expect(res).toMatchObject({ status: 401, json: { error: { code: 'token-expired', message: '该令牌已于 2026-11-01 过期，请联系省专班重新发放' } } });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('months and sizes', () => {
  it('refuses a future month, the running month and closed months', async () => {
    expect(await call('POST', '/uploads', unitA, { month: '2026-12', fileName: 'x.xlsx' })).toMatchObject({
      status: 400,
      json: { error: { code: 'future-month', message: '不能报送未来月份（2026年12月）。可报送：2026年10月、2026年9月' } },
    });
    expect(await call('POST', '/uploads', unitA, { month: '2026-11', fileName: 'x.xlsx' })).toMatchObject({ status: 400, json: { error: { code: 'open-month' } } });
    expect(await call('POST', '/uploads', unitA, { month: '2026-07', fileName: 'x.xlsx' })).toMatchObject({ status: 400, json: { error: { code: 'closed-month' } } });
    expect(await call('GET', '/uploads?month=2027-01', unitA)).toMatchObject({ status: 400, json: { error: { code: 'future-month' } } });
    const me = await call('GET', '/me', unitA);
    expect(me.json).toMatchObject({ role: 'unit', unit: { code: '411102', name: '源汇区' }, defaultMonth: '2026-10', maxBytes: MAX_BYTES });
    expect(me.json.months.map((m: Json) => m.month)).toEqual(['2026-10', '2026-09']);
  });

  it('refuses a declared size above the limit before signing', async () => {
    expect(await call('POST', '/uploads', unitA, { month: '2026-10', fileName: 'x.xlsx', size: MAX_BYTES + 1 })).toMatchObject({
      status: 413,
      json: { error: { code: 'too-large', message: expect.stringContaining('超过上限 64 KB') } },
    });
  });

  it('refuses an oversized upload by the POST policy even when the client lied about its size', async () => {
    const signed = await call('POST', '/uploads', unitA, { month: '2026-09', fileName: '大文件.xlsx', size: 1000 });
    const big = new Uint8Array(MAX_BYTES + 1).fill(65);
    const res = await postForm(signed.json.url, signed.json.fields, big);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>EntityTooLarge</Code>');
    expect(res.text).toContain(`<MaxSizeAllowed>${MAX_BYTES}</MaxSizeAllowed>`);
    await serve.pipeline.drain();
    expect(await listKeys('incoming/2026-09/411102/')).toEqual([]);
    // exactly at the limit passes the policy (and the ingest then judges the content)
    expect((await postForm(signed.json.url, signed.json.fields, big.subarray(0, MAX_BYTES))).status).toBe(204);
    await serve.pipeline.drain();
    expect(await listKeys('incoming/2026-09/411102/')).toEqual([signed.json.key]);
  });

  it('needs that check: s3rver itself stores an oversized POST whatever the policy says', async () => {
    const key = 'incoming/2026-09/411104/direct.xlsx';
    const post = await createPresignedPost(serve.pipeline.s3, { Bucket: 'tb-raw', Key: key, Conditions: [['content-length-range', 1, 10]], Expires: 60 });
    const res = await postForm(post.url, post.fields, new Uint8Array(1000));
    expect(res.status).toBe(204); // real S3 would answer 400 EntityTooLarge
    const { receipts } = await serve.pipeline.drain();
    expect(receipts.map((r) => r.file.key)).toEqual([key]); // and the ingest ran on it (ObjectCreated:Post)
  });
});

describe('province status', () => {
  it('lists every reporting unit accepted / rejected / missing with the last upload time', async () => {
    const table = ledgerTable('411121', 2);
    table[1][2] = '签约二批';
    const wuyang = await tokens.issue({ role: 'unit', unitCode: '411121', now: NOW });
    await uploadAs(wuyang.token, '舞阳县.xlsx', await xlsx(table));
    const res = await call('GET', '/status?month=2026-10', province);
    expect(res.status).toBe(200);
    const unit = (code: string) => res.json.units.find((u: Json) => u.code === code);
    expect(unit('411102')).toMatchObject({ state: 'accepted', projects: 3, latestRejected: false });
    expect(Number.isNaN(Date.parse(unit('411102').lastUploadAt))).toBe(false); // the S3 event time
    expect(unit('411103')).toMatchObject({ state: 'accepted', projects: 2 });
    expect(unit('411121')).toMatchObject({ state: 'rejected', projects: null });
    expect(unit('410102')).toMatchObject({ state: 'missing', lastUploadAt: null });
    expect(res.json.counts).toMatchObject({ accepted: 2, rejected: 1 });
    // the lists say what the counts say: 未接收 apart from 未报送
    expect(res.json.rejected).toEqual(['411121']);
    expect(res.json.unreported).toContain('410102');
    expect(res.json.unreported).not.toContain('411121');
    expect(res.json.unreported).toHaveLength(res.json.counts.missing);
    // default month = the reporting month
    expect((await call('GET', '/status', province)).json.month).toBe('2026-10');
  });
});

describe('the audit trail (GET /audit)', () => {
  it('gives the province one unit’s records: the upload and its receipt, with the file’s checksum', async () => {
    const linying = await tokens.issue({ role: 'unit', unitCode: '411122', now: NOW });
    const bytes = await xlsx(ledgerTable('411122', 4));
    const sha = createHash('sha256').update(bytes).digest('hex');
    const up = await uploadAs(linying.token, '临颍县.xlsx', bytes);
    // The trail names the upload as its receipt does (the ingest's id of the S3 object).
    const [receipt] = await serve.pipeline.repo.listReceipts('2026-10', '411122');
    expect(receipt.file.key).toBe(up.key);
    const res = await call('GET', '/audit?month=2026-10&unit=411122', province);
    expect(res.status).toBe(200);
    expect(res.json.unit).toEqual({ code: '411122', name: '临颍县', cityName: '漯河市' });
    expect(res.json.entries.map((e: Json) => [e.action, e.label, e.actor.text, e.uploadId, e.checksum, e.checksumShort])).toEqual([
      ['upload', '上传', '流水线 ingest', receipt.uploadId, sha, sha.slice(0, 12)],
      ['receipt', '回执', '流水线 ingest', receipt.uploadId, sha, sha.slice(0, 12)],
    ]);
    expect(res.json.entries[1].detail).toContain('已接收');
    expect(res.json.entries[0].time).toMatch(/^2026-\d\d-\d\d \d\d:\d\d:\d\d$/);

    // Without a unit: the month's whole trail, oldest first, other units' records in it.
    const all = await call('GET', '/audit?month=2026-10', province);
    expect(all.json.unit).toBeNull();
    expect(all.json.entries.map((e: Json) => e.unit?.code)).toEqual(expect.arrayContaining(['411102', '411103', '411121', '411122']));
    const ats = all.json.entries.map((e: Json) => Date.parse(e.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
  });

  it('is the province’s only, and refuses a code that is no reporting unit and a future month', async () => {
    const city = await tokens.issue({ role: 'city', cityCode: '411100', now: NOW });
    for (const t of [city.token, unitA]) {
      expect(await call('GET', '/audit?month=2026-10&unit=411102', t)).toMatchObject({ status: 403, json: { error: { code: 'province-only', message: '只有省级令牌可以查看审计记录' } } });
    }
    expect(await call('GET', '/audit?month=2026-10&unit=410100', province)).toMatchObject({ status: 400, json: { error: { code: 'bad-unit', message: '单位代码不是河南省的报送单位' } } });
    expect(await call('GET', '/audit?month=2027-01', province)).toMatchObject({ status: 400, json: { error: { code: 'future-month' } } });
  });

  it('answers 503 where the portal has no month store', async () => {
    const bare = barePortal(serve, tokens, NOW);
    const res = await bare({ rawPath: '/audit', headers: { authorization: `Bearer ${province}` }, queryStringParameters: { month: '2026-10' }, requestContext: { http: { method: 'GET' } } });
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body).error.code).toBe('no-month-store');
  });
});

describe('page, template and errors', () => {
  it('serves the page with a strict CSP, and the template', async () => {
    const page = await fetch(`${serve.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('“三个一批”项目月报');
    expect((await fetch(`${serve.url}/app.js`)).headers.get('content-type')).toContain('javascript');

    const t = await fetch(`${serve.url}/template.xlsx?month=2026-10&unit=411102`);
    expect(t.status).toBe(200);
    expect(t.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(t.headers.get('content-disposition')).toContain(encodeURIComponent('台账模板-源汇区-2026年10月.xlsx'));
    expect(Buffer.from(await t.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    expect(await call('GET', '/template.xlsx?unit=410100')).toMatchObject({ status: 400, json: { error: { code: 'bad-unit' } } });
  });

  it('answers unknown routes, methods and bad bodies with JSON errors in Chinese', async () => {
    expect(await call('GET', '/nothing')).toMatchObject({ status: 404, json: { error: { message: '未找到该页面或接口' } } });
    expect(await call('DELETE', '/uploads', unitA)).toMatchObject({ status: 405, json: { error: { message: '不支持该请求方法' } } });
    expect(await call('POST', '/uploads', unitA, '{not json')).toMatchObject({ status: 400, json: { error: { message: '请求内容不是有效的 JSON' } } });
    expect(await call('POST', '/uploads', unitA, { month: '2026-10', fileName: '台账.xls' })).toMatchObject({ status: 400, json: { error: { code: 'unsupported-type' } } });
  });
});

describe('bulletin download links from mails (GET /download)', () => {
  const KEY = 'reports/2026-10/bulletin-2026-10.pdf';
  const PDF = new TextEncoder().encode('%PDF-1.7 the province bulletin');

  it('redirect a signed, unexpired link to a freshly presigned S3 URL of that PDF, without a token', async () => {
    await serve.pipeline.s3.send(new PutObjectCommand({ Bucket: serve.pipeline.servers.buckets.reports, Key: KEY, Body: PDF }));
    const link = downloadUrl(serve.url, LINK_SECRET, KEY, new Date(NOW.getTime() + 7 * 86400_000));
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location).toContain('bulletin-2026-10.pdf');
    expect(location).toContain('X-Amz-Signature=');
    const pdf = await fetch(location);
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(PDF);
  });

  it('refuse a tampered link (403) and an expired one (410), in Chinese', async () => {
    const link = new URL(downloadUrl(serve.url, LINK_SECRET, KEY, new Date(NOW.getTime() + 86400_000)));
    link.searchParams.set('key', 'reports/2026-10/bulletin-2026-10-410100.pdf');
    const tampered = await fetch(link, { redirect: 'manual' });
    expect(tampered.status).toBe(403);
    expect((await tampered.json()).error.message).toContain('下载链接无效');
    const old = downloadUrl(serve.url, LINK_SECRET, KEY, new Date(NOW.getTime() - 1000));
    const expired = await fetch(old, { redirect: 'manual' });
    expect(expired.status).toBe(410);
    expect((await expired.json()).error.message).toContain('已过期');
  });
});
