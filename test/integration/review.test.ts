import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { ledgerTable, xlsx } from '../helpers/files';

/**
 * City review (审核) and the control panel on the embedded servers, through `tb serve`'s HTTP
 * server and the real ingest and compute: a city office returns a county's upload (the draft counts
 * it 报送未通过), the county re-uploads (unreviewed again), the city approves with a project 不予认定
 * (the county's contact gets the mail), another city and other roles are refused and store nothing,
 * and the province locks from the control panel once every current upload is approved
 * (review.requiredBeforeLock).
 */
setLogSink(() => {});

const NOW = new Date('2026-11-02T02:00:00Z'); // before 2026-10's deadline (11-03 18:00)
const MONTH = '2026-10';
const CONTACT = 'yh-clerk@example.gov.cn';

let serve: Serve;
let outbox: string;
const t = { yh: '', yc: '', luohe: '', zhengzhou: '', province: '' };

beforeAll(async () => {
  outbox = mkdtempSync(join(tmpdir(), 'tb-review-outbox-'));
  serve = await startServe({
    config: parseConfig({ review: { requiredBeforeLock: true }, contacts: { '411102': [CONTACT] }, portalUrl: 'https://portal.example.gov.cn/' }),
    dataDir: mkdtempSync(join(tmpdir(), 'tb-review-')),
    fresh: true,
    port: 0,
    now: () => NOW,
    demoUnit: null,
    outbox,
    send: false,
  });
  // The uploads' S3 event time: handed in now (the test's clock), before the deadline.
  serve.pipeline.uploadedAt = NOW;
  const tokens = new TokenRepository(serve.pipeline.doc, serve.pipeline.servers.table);
  t.yh = (await tokens.issue({ role: 'unit', unitCode: '411102', now: NOW })).token;
  t.yc = (await tokens.issue({ role: 'unit', unitCode: '411103', now: NOW })).token;
  t.luohe = (await tokens.issue({ role: 'city', cityCode: '411100', now: NOW })).token;
  t.zhengzhou = (await tokens.issue({ role: 'city', cityCode: '410100', now: NOW })).token;
  t.province = (await tokens.issue({ role: 'province', now: NOW })).token;
});

afterAll(async () => {
  await serve?.close();
});

type Json = Record<string, any>;

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${serve.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

async function upload(token: string, unit: string, rows: number): Promise<void> {
  const bytes = await xlsx(ledgerTable(unit, rows));
  const signed = await call('POST', '/uploads', token, { month: MONTH, fileName: `${unit}台账.xlsx`, size: bytes.byteLength });
  expect(signed.status).toBe(201);
  const form = new FormData();
  for (const [k, v] of Object.entries(signed.json.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'f.xlsx');
  const res = await fetch(`${serve.url}${signed.json.url}`, { method: 'POST', body: form });
  expect(res.status).toBe(204);
  await serve.pipeline.drain();
}

async function reviewItems(): Promise<Json[]> {
  const res = await serve.pipeline.doc.send(
    new QueryCommand({ TableName: serve.pipeline.servers.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)', ExpressionAttributeValues: { ':pk': `MONTH#${MONTH}`, ':r': 'REVIEW#' } }),
  );
  return res.Items ?? [];
}

async function draft(): Promise<RatesDoc> {
  await serve.pipeline.compute({ month: MONTH });
  return serve.pipeline.store.getJson<RatesDoc>(serve.pipeline.servers.buckets.reports, objectKeys.rates(MONTH));
}

const unitOf = (doc: RatesDoc, code: string) => doc.units.find((u) => u.level === 'county' && u.code === code)!;
const reviewUnit = (json: Json, code: string) => (json.units as Json[]).find((u) => u.code === code)!;

describe('city review through the portal', () => {
  let yhUpload = '';
  let ycUpload = '';

  it('shows the city office its own counties, unreviewed', async () => {
    await upload(t.yh, '411102', 6);
    await upload(t.yc, '411103', 4);
    const me = await call('GET', '/me', t.luohe);
    expect(me.json).toMatchObject({ role: 'city', city: { code: '411100', name: '漯河市' } });
    const list = await call('GET', `/review?month=${MONTH}`, t.luohe);
    expect(list.status).toBe(200);
    expect((list.json.units as Json[]).map((u) => u.code)).toEqual(['411102', '411103', '411104', '411121', '411122']);
    expect(reviewUnit(list.json, '411102')).toMatchObject({ state: 'accepted', timeliness: 'on-time', review: null });
    expect(reviewUnit(list.json, '411104')).toMatchObject({ state: 'missing', upload: null });
    yhUpload = reviewUnit(list.json, '411102').upload.uploadId;
    ycUpload = reviewUnit(list.json, '411103').upload.uploadId;
    const rows = await call('GET', `/review?month=${MONTH}&unit=411102`, t.luohe);
    expect(rows.json.unit).toMatchObject({ code: '411102', uploadId: yhUpload, rowsTruncated: false });
    expect(rows.json.unit.rows).toHaveLength(6);
  });

  it('refuses another city, a unit and the province, and stores nothing', async () => {
    const body = { month: MONTH, unitCode: '411102', uploadId: yhUpload, decision: 'return', reason: '不该由郑州审核' };
    const other = await call('POST', '/review', t.zhengzhou, body);
    expect(other).toMatchObject({ status: 403, json: { error: { code: 'other-city', message: '源汇区不属于郑州市，不能审核' } } });
    expect((await call('GET', `/review?month=${MONTH}&unit=411102`, t.zhengzhou)).status).toBe(403);
    expect((await call('GET', `/uploads?month=${MONTH}&unit=411102`, t.zhengzhou)).status).toBe(403);
    expect((await call('POST', '/review', t.yh, body)).json.error.code).toBe('city-only');
    expect((await call('POST', '/review', t.province, body)).json.error.code).toBe('city-only');
    expect((await call('GET', `/review?month=${MONTH}`, t.province)).status).toBe(403);
    // A project that is not on the upload's ledger
    const unknown = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411102', uploadId: yhUpload, decision: 'approve', unrecognized: [{ projectCode: 'NOT-ON-LEDGER', reason: '无' }] });
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: 'unknown-project' } } });
    expect(await reviewItems()).toEqual([]);
  });

  it('returns a county’s upload: the county sees 已退回 and its reason; the draft counts it 报送未通过', async () => {
    const r = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411103', uploadId: ycUpload, decision: 'return', reason: '第3期项目未填报' });
    expect(r.status).toBe(200);
    expect(r.json.review).toMatchObject({ decision: 'returned', reason: '第3期项目未填报', summary: '已退回：第3期项目未填报。请修改后重新上传' });
    expect(r.json.mails).toEqual([]); // 郾城区 has no contact
    const seen = await call('GET', `/uploads?month=${MONTH}`, t.yc);
    expect(seen.json.review).toMatchObject({ decision: 'returned', reason: '第3期项目未填报' });
    const doc = await draft();
    expect(doc.rejected).toContain('411103');
    expect(doc.returned).toEqual(['411103']);
    expect(unitOf(doc, '411103')).toMatchObject({ reported: false, score: null });
    const audit = await serve.pipeline.months.listAudit(MONTH);
    expect(audit.filter((e) => e.action === 'review-return')).toEqual([expect.objectContaining({ unitCode: '411103', uploadId: ycUpload, detail: '第3期项目未填报', actor: { kind: 'token', id: expect.any(String) } })]);
  });

  it('a re-upload starts unreviewed and counts again', async () => {
    await upload(t.yc, '411103', 5);
    const list = await call('GET', `/review?month=${MONTH}`, t.luohe);
    const yc = reviewUnit(list.json, '411103');
    expect(yc.upload.uploadId).not.toBe(ycUpload);
    expect(yc.review).toBeNull();
    ycUpload = yc.upload.uploadId;
    expect((await call('GET', `/uploads?month=${MONTH}`, t.yc)).json.review).toBeNull();
    const doc = await draft();
    expect(doc.returned).toEqual([]);
    expect(unitOf(doc, '411103')).toMatchObject({ reported: true, counts: expect.objectContaining({ projects: 5 }) });
  });

  it('approves with a project 不予认定: the county is mailed, the draft counts it in no numerator', async () => {
    const rows = (await call('GET', `/review?month=${MONTH}&unit=411102`, t.luohe)).json.unit.rows as Json[];
    const target = rows[0];
    const r = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411102', uploadId: yhUpload, decision: 'approve', unrecognized: [{ projectCode: target.projectCode, reason: '缺少用地手续' }] });
    expect(r.status).toBe(200);
    expect(r.json.mails).toEqual([{ recipient: CONTACT, status: 'sent' }]);
    // The outbox also holds the receipt mails of the county's uploads (tb serve mails receipts).
    const reviewMails = () => readdirSync(outbox).filter((f) => !f.includes('receipt-'));
    expect(readdirSync(outbox).filter((f) => f.includes('receipt-')).length).toBeGreaterThan(0);
    const files = reviewMails();
    expect(files).toHaveLength(1);
    const mail = await PostalMime.parse(readFileSync(join(outbox, files[0])));
    expect(mail.to?.map((a) => a.address)).toEqual([CONTACT]);
    expect(mail.subject).toBe('【审核通过】源汇区2026年10月“三个一批”台账已审核通过');
    expect(mail.text).toContain(`${target.projectCode} ${target.projectName}：缺少用地手续`);
    expect(mail.html).toContain('缺少用地手续');
    expect(mail.html).toContain('https://portal.example.gov.cn/');
    // The same decision again: the send log says it went, no second mail.
    const again = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411102', uploadId: yhUpload, decision: 'approve', unrecognized: [{ projectCode: target.projectCode, reason: '缺少用地手续' }] });
    expect(again.json.mails).toEqual([{ recipient: CONTACT, status: 'skipped' }]);
    expect(reviewMails()).toHaveLength(1);

    const doc = await draft();
    expect(doc.unrecognized).toEqual([{ unitCode: '411102', projectCode: target.projectCode, projectName: target.projectName, reason: '缺少用地手续' }]);
    expect(unitOf(doc, '411102').unrecognized).toBe(1);
    const audit = await serve.pipeline.months.listAudit(MONTH);
    expect(audit.filter((e) => e.action === 'review-unrecognize').map((e) => e.detail)).toEqual([`${target.projectCode}：缺少用地手续`, `${target.projectCode}：缺少用地手续`]);
    expect((await call('GET', `/uploads?month=${MONTH}`, t.yh)).json.review).toMatchObject({ decision: 'approved', summary: '审核通过，其中 1 个项目不予认定' });
  });
});

describe('the control panel', () => {
  it('is the province’s only', async () => {
    expect((await call('GET', `/month?month=${MONTH}`, t.luohe)).status).toBe(403);
    expect((await call('POST', '/month', t.luohe, { month: MONTH, action: 'lock' })).status).toBe(403);
    expect((await call('POST', '/month', t.province, { month: MONTH, action: 'explode' })).json.error.code).toBe('bad-action');
  });

  it('shows per city reported / on time / missing / returned / approved', async () => {
    const panel = await call('GET', `/month?month=${MONTH}`, t.province);
    expect(panel.status).toBe(200);
    expect(panel.json.state).toMatchObject({ status: 'open', label: '报送中', version: 0 });
    expect(panel.json.deadline).toBe('2026-11-03T10:00:00.000Z');
    expect(panel.json.requiredBeforeLock).toBe(true);
    expect(panel.json.actions.map((a: Json) => [a.action, a.enabled])).toEqual([['lock', true], ['publish', true], ['republish', false]]);
    const luohe = (panel.json.byCity as Json[]).find((c) => c.code === '411100');
    expect(luohe).toEqual({ code: '411100', name: '漯河', units: 5, reported: 2, onTime: 2, late: 0, missing: 3, returned: 0, approved: 1 });
    expect(panel.json.totals).toMatchObject({ units: 158, reported: 2, approved: 1 });
  });

  it('refuses the lock while a current upload is unreviewed, locks once all are approved, then review is closed', async () => {
    const refused = await call('POST', '/month', t.province, { month: MONTH, action: 'lock' });
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ done: false, state: { status: 'open' } });
    expect(refused.json.message).toContain('郾城区（411103）');

    const list = await call('GET', `/review?month=${MONTH}`, t.luohe);
    const ycUpload = reviewUnit(list.json, '411103').upload.uploadId;
    expect((await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411103', uploadId: ycUpload, decision: 'approve' })).status).toBe(200);

    const locked = await call('POST', '/month', t.province, { month: MONTH, action: 'lock' });
    expect(locked.json).toMatchObject({ done: true, state: { status: 'locked', label: '已锁定' } });
    expect((await call('GET', `/month?month=${MONTH}`, t.province)).json.actions.map((a: Json) => a.enabled)).toEqual([false, true, false]);
    const late = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411103', uploadId: ycUpload, decision: 'return', reason: '晚了' });
    expect(late).toMatchObject({ status: 409, json: { error: { code: 'month-locked' } } });
    const lockAudit = (await serve.pipeline.months.listAudit(MONTH)).filter((e) => e.action === 'lock');
    expect(lockAudit).toEqual([expect.objectContaining({ actor: { kind: 'token', id: expect.any(String) } })]);
  });
});
