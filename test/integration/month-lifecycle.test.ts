/**
 * A month's life on the embedded servers with the real Chromium (issue 12): uploads on time and
 * late, lock, publish (version 1), a correction after the lock that changes nothing published,
 * republish (version 2 with the 更正说明 listing exactly the changed units), earlier versions
 * readable, the audit trail in order; and two publishes at once make one version and one set of mails.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMonthActions } from '../../cli/local/month-actions';
import { localReporting } from '../../cli/local/reporting';
import type { LocalPipeline } from '../../cli/local/runtime';
import { formatRate } from '../../functions/core/bulletin/format';
import { RATE_KEYS, type RatesDoc, type UnitResult } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { ledgerRow, ledgerTable, xlsx } from '../helpers/files';
import { pdfPages } from '../helpers/pdf-text';
import { startPipeline } from '../helpers/pipeline';

const MONTH = '2026-10';
const ON_TIME = new Date('2026-11-02T02:00:00Z');
const LATE = new Date('2026-11-04T02:00:00Z');
const CONFIG = { mail: { province: ['leader@example.gov.cn'], cities: { '411100': ['luohe@example.gov.cn'] } } };
const OPERATOR = { kind: 'operator' as const, id: 'test' };

const emls = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
const reports = (p: LocalPipeline) => p.servers.buckets.reports;

async function upload(p: LocalPipeline, unit: string, table: ReturnType<typeof ledgerTable>, at: Date, name = `${unit}.xlsx`) {
  p.uploadedAt = at;
  await p.upload(objectKeys.upload(MONTH, unit, name), await xlsx(table));
  return (await p.drain()).receipts;
}

/** Whether a unit reads differently in print: 报送, rates, the ranks its level is printed with, score. */
function printed(u: UnitResult): string {
  const ranks = u.level === 'county' ? RATE_KEYS.map((k) => u.rankInCity?.[k] ?? null) : RATE_KEYS.map((k) => u.rank[k]);
  return JSON.stringify([u.reported, RATE_KEYS.map((k) => formatRate(u.rates[k])), ranks, u.score === null ? null : u.score.toFixed(1), u.scoreRank ?? null]);
}

describe('a month from upload to correction', () => {
  let p: LocalPipeline;
  let outbox: string;
  let reporting: ReturnType<typeof localReporting>;
  let actions: ReturnType<typeof localMonthActions>;

  beforeAll(async () => {
    p = await startPipeline(parseConfig(CONFIG));
    outbox = mkdtempSync(join(tmpdir(), 'tb-lifecycle-'));
    reporting = localReporting(p, parseConfig(CONFIG), outbox);
    actions = localMonthActions(p, reporting, { send: true });
  });
  afterAll(async () => {
    await reporting?.close();
    await p?.close();
  });

  let v1Bytes: Uint8Array;

  it('takes uploads on time and late while open, then locks and publishes version 1', async () => {
    await upload(p, '411102', ledgerTable('411102', 10), ON_TIME);
    await upload(p, '411103', ledgerTable('411103', 8), ON_TIME);
    const late = await upload(p, '410102', ledgerTable('410102', 6), LATE);
    expect(late[0].status).toBe('accepted');

    const locked = await actions.run(MONTH, 'lock', OPERATOR);
    expect(locked).toMatchObject({ done: true, version: null, state: { status: 'locked', version: 0 } });
    expect((await actions.run(MONTH, 'lock', OPERATOR)).done).toBe(false);

    const pub = await actions.run(MONTH, 'publish', OPERATOR);
    expect(pub).toMatchObject({ done: true, version: 1, state: { status: 'published', version: 1, completedVersion: 1 } });
    v1Bytes = await p.store.getBytes(reports(p), objectKeys.ratesVersion(MONTH, 1));
    const v1 = JSON.parse(Buffer.from(v1Bytes).toString('utf8')) as RatesDoc;
    expect(v1.version).toBe(1);
    const timeliness = v1.units.find((u) => u.level === 'province')!.timeliness!;
    expect([timeliness.onTime, timeliness.late]).toEqual([2, 1]);
    expect(pub.report!.editions.map((e) => e.pdfKey)).toContain(`reports/${MONTH}/v1/bulletin-${MONTH}.pdf`);
    expect(emls(outbox)).toEqual(['2026-10-411100-luohe_example.gov.cn.eml', '2026-10-province-leader_example.gov.cn.eml']);
    expect((await actions.run(MONTH, 'publish', OPERATOR)).done).toBe(false);
  });

  it('a draft of the locked month is refused', async () => {
    await expect(p.compute({ month: MONTH })).rejects.toThrow(/已发布.*第 1 版/);
  });

  it('an upload after the lock is a correction: receipted, the published numbers unchanged', async () => {
    const before = await p.store.getBytes(reports(p), objectKeys.rates(MONTH));
    // 411103 sends a ledger with two more signed projects, one not yet landed: its 签约落地率 falls 100% → 80%.
    const table = ledgerTable('411103', 8);
    table.push(ledgerRow('411103', 10, { 4: '已签约' }), ledgerRow('411103', 13));
    const [r] = await upload(p, '411103', table, LATE, '411103-更正.xlsx');
    expect(r).toMatchObject({ status: 'accepted', correction: true });
    expect(r.summary).toContain('更正');
    expect(Buffer.from(await p.store.getBytes(reports(p), objectKeys.rates(MONTH))).equals(Buffer.from(before))).toBe(true);
    expect(Buffer.from(await p.store.getBytes(reports(p), objectKeys.ratesVersion(MONTH, 1))).equals(Buffer.from(v1Bytes))).toBe(true);
  });

  it('republish makes version 2: the 更正说明 lists exactly the units that read differently, version 1 stays', async () => {
    const rep = await actions.run(MONTH, 'republish', { kind: 'operator', id: 'province' });
    expect(rep).toMatchObject({ done: true, version: 2, state: { status: 'republished', version: 2, completedVersion: 2 } });
    const v1 = JSON.parse(Buffer.from(v1Bytes).toString('utf8')) as RatesDoc;
    const v2 = await p.store.getJson<RatesDoc>(reports(p), objectKeys.ratesVersion(MONTH, 2));
    expect(v2.version).toBe(2);
    const old = new Map(v1.units.map((u) => [`${u.level}/${u.code}`, printed(u)]));
    const changed = v2.units.filter((u) => old.get(`${u.level}/${u.code}`) !== printed(u)).map((u) => u.code);
    expect(v2.correction!.replaces).toBe(1);
    expect(v2.correction!.changes.map((c) => c.code)).toEqual(changed);
    expect(changed).toEqual(expect.arrayContaining(['410000', '411100', '411103']));
    expect(changed).not.toContain('410102');
    // The latest keys hold version 2; version 1's files are still there as published.
    expect((await p.store.getJson<RatesDoc>(reports(p), objectKeys.rates(MONTH))).version).toBe(2);
    const v1Pdf = (await pdfPages(await p.store.getBytes(reports(p), objectKeys.bulletin(MONTH, 'province', 1).pdf))).join('').replace(/\s+/g, '');
    const v2Pdf = (await pdfPages(await p.store.getBytes(reports(p), objectKeys.bulletin(MONTH, 'province', 2).pdf))).join('').replace(/\s+/g, '');
    expect(v1Pdf).not.toContain('更正版');
    expect(v2Pdf).toContain('本期为更正版（第2版），替代');
    expect(v2Pdf).toContain('第1版；以本版为准');
    expect(v2Pdf).toContain('更正说明');
    expect(v2Pdf).toContain('漯河市');
    // Each recipient gets version 2 once, marked as a correction.
    // The outbox writes `{month}-{edition}@v2-{recipient}` with the file-unsafe `@` as `_`.
    const v2Mails = emls(outbox).filter((f) => f.includes('_v2-'));
    expect(v2Mails).toEqual(['2026-10-411100_v2-luohe_example.gov.cn.eml', '2026-10-province_v2-leader_example.gov.cn.eml']);
    const mail = await PostalMime.parse(readFileSync(join(outbox, v2Mails[1])));
    expect(mail.subject).toMatch(/^【更正】/);
    expect((await actions.run(MONTH, 'republish', OPERATOR)).message).toContain('没有被接收的更正上传');
  });

  it('the audit trail holds every step in order, with the published rates.json\'s checksum', async () => {
    const trail = await p.months.listAudit(MONTH);
    const steps = trail.map((e) => `${e.action}${e.version ? `:v${e.version}` : ''}${e.unitCode ? `:${e.unitCode}` : ''}`);
    expect(steps).toEqual([
      'upload:411102', 'receipt:411102',
      'upload:411103', 'receipt:411103',
      'upload:410102', 'receipt:410102',
      'lock',
      'publish:v1',
      'upload:411103', 'receipt:411103',
      'republish:v2',
    ]);
    const publish = trail.find((e) => e.action === 'publish')!;
    expect(publish.checksum).toBe(createHash('sha256').update(v1Bytes).digest('hex'));
    expect(publish.actor).toEqual(OPERATOR);
    expect(trail.filter((e) => e.action === 'upload').every((e) => /^[0-9a-f]{64}$/.test(e.checksum ?? ''))).toBe(true);
    expect((await p.months.listAudit(null)).filter((e) => e.action === 'config')).toHaveLength(1);
  });

  it('exports the trail with the month\'s curated data, as it stood at the last version', async () => {
    const text = Buffer.from(await p.store.getBytes(p.servers.buckets.curated, objectKeys.curatedAudit(MONTH))).toString('utf8');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    const trail = await p.months.listAudit(MONTH);
    expect(lines.map((l) => [l.at, l.action, l.actorId, l.unitCode, l.version, l.checksum])).toEqual(
      trail.map((e) => [e.at, e.action, e.actor.id, e.unitCode ?? null, e.version ?? null, e.checksum ?? null]),
    );
    expect(lines.at(-1)).toMatchObject({ action: 'republish', version: 2, month: MONTH });
  });
});

describe('two publishes of one month at once', () => {
  it('make one version and one set of mails', async () => {
    const p = await startPipeline(parseConfig(CONFIG));
    const outbox = mkdtempSync(join(tmpdir(), 'tb-race-'));
    const reporting = localReporting(p, parseConfig(CONFIG), outbox);
    const actions = localMonthActions(p, reporting, { send: true });
    try {
      await upload(p, '411102', ledgerTable('411102', 10), ON_TIME);
      const results = await Promise.all([
        actions.run(MONTH, 'publish', { kind: 'token', id: 'aaaaaaaaaa' }),
        actions.run(MONTH, 'publish', { kind: 'token', id: 'bbbbbbbbbb' }),
      ]);
      expect(results.filter((r) => r.done)).toHaveLength(1);
      expect(results.find((r) => !r.done)!.message).toMatch(/另一次请求/);
      expect(await p.months.getMonthState(MONTH)).toMatchObject({ status: 'published', version: 1, completedVersion: 1 });
      expect(emls(outbox)).toEqual(['2026-10-411100-luohe_example.gov.cn.eml', '2026-10-province-leader_example.gov.cn.eml']);
      expect((await p.months.listAudit(MONTH)).filter((e) => e.action === 'publish')).toHaveLength(1);
    } finally {
      await reporting.close();
      await p.close();
    }
  });
});
