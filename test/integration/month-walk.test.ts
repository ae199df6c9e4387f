/**
 * One month walked from the first upload to the corrected bulletin (issue 12's "done when"), on the
 * embedded servers, through `tb serve`'s portal (the clerks', the city offices' and the province's
 * tokens), the reminder Lambda's path and the real Chromium: uploads on time and late; a reminder
 * run whose outbox holds exactly the missing units' and cities' mails; a city return and the
 * county's re-upload; approvals, one with a project 不予认定; publish (version 1); a correction
 * after the lock that leaves the published numbers as they were; republish (version 2, its 更正说明
 * listing exactly the units that read differently); and `tb audit` printing every step in order.
 *
 * One clock for the portal and the pipeline, set per step and ticking a millisecond per reading,
 * so the audit trail's order is the order of the steps (never the machine's time).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printAudit } from '../../cli/commands/month-run';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import { formatRate } from '../../functions/core/bulletin/format';
import { RATE_KEYS, type RatesDoc, type UnitResult } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { ledgerRow, ledgerTable, type Table, xlsx } from '../helpers/files';
import { pdfPages } from '../helpers/pdf-text';

setLogSink(() => {});

const MONTH = '2026-10'; // deadline 2026-11-03 18:00 Asia/Shanghai; reminder days 10-31 and 11-02
const CONTACT = {
  yuanhui: 'yuanhui@example.gov.cn', // 411102 源汇区
  yancheng: 'yancheng@example.gov.cn', // 411103 郾城区
  zhaoling: 'zhaoling@example.gov.cn', // 411104 召陵区: never reports
  zhongyuan: 'zhongyuan@example.gov.cn', // 410102 中原区: reports late
  luohe: 'luohe-office@example.gov.cn', // 411100 漯河市 city office
  zhengzhou: 'zhengzhou-office@example.gov.cn', // 410100 郑州市 city office
};
const CONFIG = parseConfig({
  portalUrl: 'https://portal.example.gov.cn/',
  review: { requiredBeforeLock: true },
  contacts: {
    '411102': [CONTACT.yuanhui],
    '411103': [CONTACT.yancheng],
    '411104': [CONTACT.zhaoling],
    '410102': [CONTACT.zhongyuan],
    '411100': [CONTACT.luohe],
    '410100': [CONTACT.zhengzhou],
  },
  mail: { province: ['leader@example.gov.cn'], cities: { '411100': ['luohe-leader@example.gov.cn'] } },
});

/** The test's clock: `at` sets it, each reading moves it on by 1 ms. */
let tick = 0;
const now = () => new Date((tick += 1));
const at = (iso: string) => {
  tick = Date.parse(iso);
};

let serve: Serve;
let dataDir: string;
let outbox: string;
const t = { yuanhui: '', yancheng: '', zhongyuan: '', luohe: '', zhengzhou: '', province: '' };

type Json = Record<string, any>;

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${serve.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

/** A clerk's upload through the portal (presigned POST), handed in at `iso`; the receipt. */
async function upload(token: string, unit: string, table: Table, iso: string): Promise<Json> {
  at(iso);
  serve.pipeline.uploadedAt = new Date(iso);
  const bytes = await xlsx(table);
  const signed = await call('POST', '/uploads', token, { month: MONTH, fileName: `${unit}台账.xlsx`, size: bytes.byteLength });
  expect(signed.status).toBe(201);
  const form = new FormData();
  for (const [k, v] of Object.entries(signed.json.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'f.xlsx');
  expect((await fetch(`${serve.url}${signed.json.url}`, { method: 'POST', body: form })).status).toBe(204);
  const { receipts, failures } = await serve.pipeline.drain();
  expect(failures).toEqual([]);
  expect(receipts).toHaveLength(1);
  return receipts[0];
}

async function currentUpload(cityToken: string, unit: string): Promise<string> {
  const list = await call('GET', `/review?month=${MONTH}`, cityToken);
  return (list.json.units as Json[]).find((u) => u.code === unit)!.upload.uploadId;
}

const emls = () => readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
const mailTo = async (f: string) => (await PostalMime.parse(readFileSync(join(outbox, f)))).to?.map((a) => a.address);
const reports = () => serve.pipeline.servers.buckets.reports;
const ratesBytes = async (key: string) => Buffer.from(await serve.pipeline.store.getBytes(reports(), key));

/** How a unit reads in print: 报送, the rates, the ranks of its level, the score. */
function printed(u: UnitResult): string {
  const ranks = u.level === 'county' ? RATE_KEYS.map((k) => u.rankInCity?.[k] ?? null) : RATE_KEYS.map((k) => u.rank[k]);
  return JSON.stringify([u.reported, RATE_KEYS.map((k) => formatRate(u.rates[k])), ranks, u.score === null ? null : u.score.toFixed(1), u.scoreRank ?? null]);
}

beforeAll(async () => {
  at('2026-10-30T01:00:00Z');
  dataDir = mkdtempSync(join(tmpdir(), 'tb-walk-'));
  outbox = mkdtempSync(join(tmpdir(), 'tb-walk-outbox-'));
  serve = await startServe({ config: CONFIG, dataDir, fresh: true, port: 0, now, demoUnit: null, outbox, send: true });
  const tokens = new TokenRepository(serve.pipeline.doc, serve.pipeline.servers.table);
  const issue = async (o: Parameters<TokenRepository['issue']>[0]) => (await tokens.issue(o)).token;
  t.yuanhui = await issue({ role: 'unit', unitCode: '411102', now: now() });
  t.yancheng = await issue({ role: 'unit', unitCode: '411103', now: now() });
  t.zhongyuan = await issue({ role: 'unit', unitCode: '410102', now: now() });
  t.luohe = await issue({ role: 'city', cityCode: '411100', now: now() });
  t.zhengzhou = await issue({ role: 'city', cityCode: '410100', now: now() });
  t.province = await issue({ role: 'province', now: now() });
});

afterAll(async () => {
  await serve?.close();
});

describe('a month walked from upload to the corrected bulletin', () => {
  let unrecognized = '';
  let v1: Buffer;

  it('takes two uploads on time', async () => {
    expect(await upload(t.yuanhui, '411102', ledgerTable('411102', 6), '2026-11-01T02:00:00Z')).toMatchObject({ status: 'accepted' });
    expect(await upload(t.yancheng, '411103', ledgerTable('411103', 4), '2026-11-01T03:00:00Z')).toMatchObject({ status: 'accepted' });
  });

  it('reminds exactly the units still missing and their city offices', async () => {
    at('2026-11-02T01:00:00Z'); // 09:00 in Shanghai on the reminder day one day before the deadline
    const before = new Set(emls());
    const r = await serve.pipeline.remind({ remind: true, date: '2026-11-02', actor: { kind: 'schedule', id: 'reminders' } });
    expect(r).toMatchObject({ month: MONTH, outcome: 'reminded' });
    expect(emls().filter((f) => !before.has(f))).toEqual(
      [
        `${MONTH}-remind-2026-11-02-411104-zhaoling_example.gov.cn.eml`,
        `${MONTH}-remind-2026-11-02-410102-zhongyuan_example.gov.cn.eml`,
        `${MONTH}-remind-2026-11-02-city-411100-luohe-office_example.gov.cn.eml`,
        `${MONTH}-remind-2026-11-02-city-410100-zhengzhou-office_example.gov.cn.eml`,
      ].sort(),
    );
    expect(r.missing).toHaveLength(156);
  });

  it('the city returns one upload, the county is told and uploads again (on time)', async () => {
    at('2026-11-02T02:00:00Z');
    const before = new Set(emls());
    const r = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411103', uploadId: await currentUpload(t.luohe, '411103'), decision: 'return', reason: '第3期项目未填报' });
    expect(r.status).toBe(200);
    expect(r.json.mails).toEqual([{ recipient: CONTACT.yancheng, status: 'sent' }]);
    const told = emls().filter((f) => !before.has(f));
    expect(told).toHaveLength(1);
    expect(await mailTo(told[0])).toEqual([CONTACT.yancheng]);
    expect((await call('GET', `/uploads?month=${MONTH}`, t.yancheng)).json.review).toMatchObject({ decision: 'returned', reason: '第3期项目未填报' });

    expect(await upload(t.yancheng, '411103', ledgerTable('411103', 5), '2026-11-03T01:00:00Z')).toMatchObject({ status: 'accepted' });
    expect((await call('GET', `/uploads?month=${MONTH}`, t.yancheng)).json.review).toBeNull();
  });

  it('the city approves its counties, one project 不予认定', async () => {
    at('2026-11-03T06:00:00Z');
    const rows = (await call('GET', `/review?month=${MONTH}&unit=411102`, t.luohe)).json.unit.rows as Json[];
    unrecognized = rows[0].projectCode;
    const yh = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411102', uploadId: await currentUpload(t.luohe, '411102'), decision: 'approve', unrecognized: [{ projectCode: unrecognized, reason: '缺少用地手续' }] });
    expect(yh.json.review).toMatchObject({ decision: 'approved' });
    const yc = await call('POST', '/review', t.luohe, { month: MONTH, unitCode: '411103', uploadId: await currentUpload(t.luohe, '411103'), decision: 'approve' });
    expect(yc.json.review).toMatchObject({ decision: 'approved' });
  });

  it('takes a late upload, which its city approves; the lock waits for no unreviewed upload', async () => {
    const late = await upload(t.zhongyuan, '410102', ledgerTable('410102', 3), '2026-11-04T02:00:00Z');
    expect(late).toMatchObject({ status: 'accepted' });
    at('2026-11-04T03:00:00Z');
    const refused = await call('POST', '/month', t.province, { month: MONTH, action: 'publish' });
    expect(refused.json).toMatchObject({ done: false, state: { status: 'open' } });
    expect(refused.json.message).toContain('中原区（410102）');
    expect((await call('POST', '/review', t.zhengzhou, { month: MONTH, unitCode: '410102', uploadId: await currentUpload(t.zhengzhou, '410102'), decision: 'approve' })).status).toBe(200);
    const panel = await call('GET', `/month?month=${MONTH}`, t.province);
    expect((panel.json.byCity as Json[]).find((c) => c.code === '411100')).toMatchObject({ reported: 2, onTime: 2, late: 0, approved: 2 });
    expect((panel.json.byCity as Json[]).find((c) => c.code === '410100')).toMatchObject({ reported: 1, onTime: 0, late: 1, approved: 1 });
  });

  it('publishes version 1 from the control panel: locked, mailed, 不予认定 and timeliness in it', async () => {
    at('2026-11-05T01:00:00Z');
    const before = new Set(emls());
    const pub = await call('POST', '/month', t.province, { month: MONTH, action: 'publish' });
    expect(pub.json).toMatchObject({ done: true, state: { status: 'published', version: 1 } });
    expect(emls().filter((f) => !before.has(f))).toEqual(['2026-10-411100-luohe-leader_example.gov.cn.eml', '2026-10-province-leader_example.gov.cn.eml']);
    v1 = await ratesBytes(objectKeys.ratesVersion(MONTH, 1));
    const doc = JSON.parse(v1.toString('utf8')) as RatesDoc;
    expect(doc.version).toBe(1);
    expect(doc.unrecognized).toEqual([expect.objectContaining({ unitCode: '411102', projectCode: unrecognized, reason: '缺少用地手续' })]);
    expect(doc.returned).toEqual([]);
    const province = doc.units.find((u) => u.level === 'province')!;
    expect([province.timeliness!.onTime, province.timeliness!.late]).toEqual([2, 1]);
    expect(doc.units.find((u) => u.level === 'county' && u.code === '411103')).toMatchObject({ reported: true, counts: expect.objectContaining({ projects: 5 }) });
  });

  it('takes a correction after the lock: receipted as such, the published numbers unchanged', async () => {
    const before = await ratesBytes(objectKeys.rates(MONTH));
    // Two more projects, one signed but not landed: 郾城区's 签约落地率 falls.
    const table = ledgerTable('411103', 5);
    table.push(ledgerRow('411103', 7, { 4: '已签约' }), ledgerRow('411103', 8));
    const r = await upload(t.yancheng, '411103', table, '2026-11-06T02:00:00Z');
    expect(r).toMatchObject({ status: 'accepted', correction: true });
    expect((await ratesBytes(objectKeys.rates(MONTH))).equals(before)).toBe(true);
    expect((await ratesBytes(objectKeys.ratesVersion(MONTH, 1))).equals(v1)).toBe(true);
  });

  it('republishes version 2: the 更正说明 lists exactly the units that read differently', async () => {
    at('2026-11-07T01:00:00Z');
    const rep = await call('POST', '/month', t.province, { month: MONTH, action: 'republish' });
    expect(rep.json).toMatchObject({ done: true, state: { status: 'republished', version: 2 } });
    const v2 = await serve.pipeline.store.getJson<RatesDoc>(reports(), objectKeys.ratesVersion(MONTH, 2));
    const old = new Map((JSON.parse(v1.toString('utf8')) as RatesDoc).units.map((u) => [`${u.level}/${u.code}`, printed(u)]));
    const changed = v2.units.filter((u) => old.get(`${u.level}/${u.code}`) !== printed(u)).map((u) => u.code);
    expect(v2.correction!.replaces).toBe(1);
    expect(v2.correction!.changes.map((c) => c.code)).toEqual(changed);
    expect(changed).toEqual(expect.arrayContaining(['410000', '411100', '411103']));
    expect(changed).not.toContain('410102');
    const pdf = (await pdfPages(await serve.pipeline.store.getBytes(reports(), objectKeys.bulletin(MONTH, 'province', 2).pdf))).join('').replace(/\s+/g, '');
    expect(pdf).toContain('本期为更正版（第2版），替代');
    expect(pdf).toContain('更正说明');
    expect(emls().filter((f) => f.includes('_v2-'))).toEqual(['2026-10-411100_v2-luohe-leader_example.gov.cn.eml', '2026-10-province_v2-leader_example.gov.cn.eml']);
  });

  it('tb audit prints every step in order', async () => {
    await serve.close();
    serve = undefined as unknown as Serve;
    const lines: string[] = [];
    const trail = await printAudit({ month: MONTH, dataDir, config: CONFIG, json: false, log: (l) => lines.push(l) });
    const steps = trail.map((e) => [e.action, e.version ?? e.unitCode ?? ''].join(':'));
    expect(steps).toEqual([
      'upload:411102', 'receipt:411102',
      'upload:411103', 'receipt:411103',
      'reminder:',
      'review-return:411103',
      'upload:411103', 'receipt:411103',
      'review-approve:411102', 'review-unrecognize:411102',
      'review-approve:411103',
      'upload:410102', 'receipt:410102',
      'review-approve:410102',
      'lock:', 'publish:1',
      'upload:411103', 'receipt:411103',
      'republish:2',
    ]);
    expect(lines[0]).toBe(`${MONTH} 审计记录（${trail.length} 条；当前状态：已更正发布，第 2 版）`);
    expect(lines).toHaveLength(trail.length + 1);
    // Who did each: the clerks' and the offices' tokens (ids, never secrets), the schedule, the pipeline.
    expect(lines[5]).toMatch(/催报 {2}定时任务 reminders {2}2026-10 催报（2026-11-02）：未完成报送 156 个单位，发出 4 封/);
    expect(lines[6]).toMatch(/退回 {2}令牌 \S+ {2}411103 郾城区 {2}上传 \S+ {2}第3期项目未填报/);
    expect(lines[10]).toContain(`不予认定  令牌`);
    expect(lines[10]).toContain(`${unrecognized}：缺少用地手续`);
    expect(lines.at(-1)).toMatch(/更正发布 第2版 {2}令牌 \S+ .*sha256:[0-9a-f]{12}$/);
    for (const secret of Object.values(t)) expect(lines.join('\n')).not.toContain(secret);
  });
});
