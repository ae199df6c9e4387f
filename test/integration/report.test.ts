/**
 * The report stage on the embedded servers with the real Chromium: 20 editions, delivery to the
 * configured recipients, the send log across re-runs, links instead of large attachments.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { OutboxMailer, buildMimeMessage } from '../../functions/adapters/mail/mailer';
import { handlebarsTemplates } from '../../functions/adapters/render/templates';
import type { Mailer, OutgoingMessage } from '../../functions/core/ports';
import { ChromiumRenderer } from '../../functions/adapters/render/pdf-renderer';
import { s3Presigner } from '../../functions/adapters/aws/presign';
import { formatRate, formatShanghaiDateTime } from '../../functions/core/bulletin/format';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { parseConfig } from '../../functions/core/shared/config';
import { type ReportDeps, createReport } from '../../functions/report/report-month';
import { ledgerTable, xlsx } from '../helpers/files';
import { pdfPages } from '../helpers/pdf-text';
import { startPipeline } from '../helpers/pipeline';
import { objectKeys } from '../../functions/core/shared/storage-keys';

const MONTH = '2026-10';
const CONFIG = {
  mail: {
    province: ['a@example.gov.cn', 'b@example.gov.cn'],
    cities: { '411100': ['luohe@example.gov.cn'], '410100': ['zz1@example.gov.cn', 'zz2@example.gov.cn'] },
  },
};

let pipeline: LocalPipeline;
let renderer: ChromiumRenderer;
let root: string;

beforeAll(async () => {
  pipeline = await startPipeline(parseConfig(CONFIG));
  for (const unit of ['411102', '411103', '410102']) {
    await pipeline.upload(objectKeys.upload(MONTH, unit, `${unit}.xlsx`), await xlsx(ledgerTable(unit, 12)));
  }
  await pipeline.drain();
  await pipeline.compute({ month: MONTH });
  renderer = await ChromiumRenderer.launch();
  root = mkdtempSync(join(tmpdir(), 'tb-report-'));
});

afterAll(async () => {
  await renderer?.close();
  await pipeline?.close();
  rmSync(root, { recursive: true, force: true });
});

function handler(opts: { config?: Record<string, unknown>; mailer?: Mailer; outbox?: string; signingClock?: () => Date } = {}) {
  const config = parseConfig({ ...CONFIG, ...opts.config });
  const outbox = opts.outbox ?? mkdtempSync(join(root, 'outbox-'));
  const deps: ReportDeps = {
    store: pipeline.store,
    sendLog: pipeline.repo,
    config,
    reportsBucket: pipeline.servers.buckets.reports,
    templates: handlebarsTemplates,
    composeMime: buildMimeMessage,
    mailer: opts.mailer ?? new OutboxMailer(outbox),
    withRenderer: (fn) => fn(renderer),
    presign: s3Presigner(pipeline.s3, opts.signingClock),
    now: () => new Date('2026-11-05T01:00:00Z'),
  };
  return { report: createReport(deps), outbox };
}

const emls = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();

describe('report: every edition, delivered, once', () => {
  const first = { outbox: '' };

  it('renders the province bulletin and the 19 city editions into reports/{month}/', async () => {
    const h = handler();
    first.outbox = h.outbox;
    const rep = await h.report({ month: MONTH });
    expect(rep.editions).toHaveLength(20);
    expect(rep.pdfKey).toBe(`reports/${MONTH}/bulletin-${MONTH}.pdf`);
    const keys = await pipeline.store.list(pipeline.servers.buckets.reports, `reports/${MONTH}/`);
    expect(keys.filter((k) => k.endsWith('.pdf'))).toHaveLength(20);
    expect(keys.filter((k) => k.endsWith('.html'))).toHaveLength(20);
    expect(keys).toContain(`reports/${MONTH}/bulletin-${MONTH}-411100.pdf`);
    expect(keys).toContain(`reports/${MONTH}/bulletin-${MONTH}-411100.html`);
    const luohe = (await pdfPages(await pipeline.store.getBytes(pipeline.servers.buckets.reports, `reports/${MONTH}/bulletin-${MONTH}-411100.pdf`))).join('');
    expect(luohe.replace(/\s+/g, '')).toContain('2026年10月漯河市“三个一批”项目建设进展情况');

    // province list → province bulletin; each city's list → its edition; one message per recipient
    expect(rep.mails.map((m) => [m.edition, m.recipient, m.status, m.delivery])).toEqual([
      ['province', 'a@example.gov.cn', 'sent', 'attachment'],
      ['province', 'b@example.gov.cn', 'sent', 'attachment'],
      ['410100', 'zz1@example.gov.cn', 'sent', 'attachment'],
      ['410100', 'zz2@example.gov.cn', 'sent', 'attachment'],
      ['411100', 'luohe@example.gov.cn', 'sent', 'attachment'],
    ]);
    expect(emls(h.outbox)).toEqual([
      '2026-10-410100-zz1_example.gov.cn.eml',
      '2026-10-410100-zz2_example.gov.cn.eml',
      '2026-10-411100-luohe_example.gov.cn.eml',
      '2026-10-province-a_example.gov.cn.eml',
      '2026-10-province-b_example.gov.cn.eml',
    ]);
    const log = await pipeline.repo.listSendLog(MONTH);
    expect(log.map((e) => [e.edition, e.recipient, e.status, e.delivery, e.pdfKey])).toEqual(
      expect.arrayContaining([
        ['411100', 'luohe@example.gov.cn', 'sent', 'attachment', `reports/${MONTH}/bulletin-${MONTH}-411100.pdf`],
        ['province', 'a@example.gov.cn', 'sent', 'attachment', `reports/${MONTH}/bulletin-${MONTH}.pdf`],
      ]),
    );
    expect(log).toHaveLength(5);
    expect(log.every((e) => e.messageId.length > 0)).toBe(true);
  });

  it('the .eml of a city goes to that city\'s recipients, with that city\'s edition attached', async () => {
    const name = emls(first.outbox).find((f) => f.includes('411100'))!;
    const mail = await PostalMime.parse(readFileSync(join(first.outbox, name)));
    expect(mail.to?.map((a) => a.address)).toEqual(['luohe@example.gov.cn']);
    expect(mail.subject).toBe('【通报】2026年10月“三个一批”项目建设情况（漯河市）');
    expect(mail.html).toContain('漯河市');
    const att = mail.attachments.find((a) => a.mimeType === 'application/pdf')!;
    expect(att.filename).toBe('三个一批项目建设月度通报-2026年10月（第10期）-漯河市.pdf');
    const stored = await pipeline.store.getBytes(pipeline.servers.buckets.reports, `reports/${MONTH}/bulletin-${MONTH}-411100.pdf`);
    expect(Buffer.from(att.content as ArrayBuffer).equals(Buffer.from(stored))).toBe(true);
  });

  it('an unforced re-run of the month re-renders but mails nobody twice', async () => {
    const h = handler();
    const rep = await h.report({ month: MONTH });
    expect(rep.editions).toHaveLength(20);
    expect(rep.mails.map((m) => m.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(rep.mails.every((m) => m.messageId)).toBe(true);
    expect(emls(h.outbox)).toEqual([]);
  });

  it('a forced re-run of one edition mails its recipients again, and only them', async () => {
    const before = await pipeline.repo.getSendLog(MONTH, '411100', 'luohe@example.gov.cn');
    const h = handler();
    const rep = await h.report({ month: MONTH, city: '411100', force: true });
    expect(rep.editions.map((e) => e.edition)).toEqual(['411100']);
    expect(rep.mails.map((m) => [m.recipient, m.status])).toEqual([['luohe@example.gov.cn', 'sent']]);
    expect(emls(h.outbox)).toHaveLength(1);
    const after = await pipeline.repo.getSendLog(MONTH, '411100', 'luohe@example.gov.cn');
    expect(after!.messageId).not.toBe(before!.messageId);
  });

  it('send: false renders without mailing', async () => {
    const h = handler();
    const rep = await h.report({ month: MONTH, city: 'province', send: false, force: true });
    expect(rep.editions.map((e) => e.edition)).toEqual(['province']);
    expect(rep.mails).toEqual([]);
    expect(emls(h.outbox)).toEqual([]);
  });
});

describe('report: two runs of a month started together', () => {
  it('mail every recipient exactly once between them (each mail is claimed before it is sent)', async () => {
    const month = '2026-09';
    await pipeline.upload(objectKeys.upload(month, '410102', '410102.xlsx'), await xlsx(ledgerTable('410102', 8)));
    await pipeline.drain();
    await pipeline.compute({ month });
    const a = handler();
    const b = handler();
    const [ra, rb] = await Promise.all([a.report({ month }), b.report({ month })]);
    const sent = [...ra.mails, ...rb.mails].filter((m) => m.status === 'sent').map((m) => `${m.edition} ${m.recipient}`);
    expect(sent.sort()).toEqual([
      '410100 zz1@example.gov.cn',
      '410100 zz2@example.gov.cn',
      '411100 luohe@example.gov.cn',
      'province a@example.gov.cn',
      'province b@example.gov.cn',
    ]);
    expect([...ra.mails, ...rb.mails].filter((m) => m.status === 'skipped')).toHaveLength(5);
    expect([...emls(a.outbox), ...emls(b.outbox)].sort()).toEqual([
      '2026-09-410100-zz1_example.gov.cn.eml',
      '2026-09-410100-zz2_example.gov.cn.eml',
      '2026-09-411100-luohe_example.gov.cn.eml',
      '2026-09-province-a_example.gov.cn.eml',
      '2026-09-province-b_example.gov.cn.eml',
    ]);
    expect((await pipeline.repo.listSendLog(month)).map((e) => e.status)).toEqual(Array(5).fill('sent'));
  });
});

describe('report: the 1—M月 trend', () => {
  it('October follows the year: September read from its rates.json, the months never computed as a gap', async () => {
    // 2026-09 was computed by the test above; January–August never were.
    const { report } = handler();
    const r = await report({ month: MONTH, city: 'province', send: false });
    const text = (await pdfPages(await pipeline.store.getBytes(pipeline.servers.buckets.reports, r.pdfKey))).join('').replace(/\s+/g, '');
    const province = async (m: string) => (await pipeline.store.getJson<RatesDoc>(pipeline.servers.buckets.reports, objectKeys.rates(m))).units.find((u) => u.level === 'province')!;
    const [sep, oct] = [await province('2026-09'), await province(MONTH)];
    const words = (name: string, a: number | null, b: number | null) =>
      formatRate(a) === formatRate(b) ? `${name}9月、10月均为${formatRate(b)}` : `${name}由9月的${formatRate(a)}${Number(formatRate(b).replace('%', '')) > Number(formatRate(a).replace('%', '')) ? '升至' : '降至'}10月的${formatRate(b)}`;
    expect(text).toContain('1—10月走势');
    expect(text).toContain(`1—10月，全省${words('签约落地率', sep.rates.signingLanding, oct.rates.signingLanding)}，${words('开工率', sep.rates.start, oct.rates.start)}，${words('投资完成率', sep.rates.investmentCompletion, oct.rates.investmentCompletion)}；10月末时序进度为83.3%。`);
    expect(text).toContain('全省1—10月主要指标走势');
    expect(text).toContain('各地1—10月主要指标走势');
    expect(text).toContain('全省1—8月无数据');
    // 郑州 (410102 reported both months) has its small chart; the HTML holds one SVG per city-level unit and the main one.
    const html = Buffer.from(await pipeline.store.getBytes(pipeline.servers.buckets.reports, r.htmlKey)).toString('utf8');
    expect(html.match(/<figure class="trend-cell"/g)).toHaveLength(19);
    expect(html).toContain('id="trend-main"');
  });
});

describe('report: a PDF above the size limit goes as a link', () => {
  it('mails a presigned, time-limited link instead of the attachment; the link serves the PDF', async () => {
    // The link is signed at a moment of the test's choosing: recent (s3rver refuses an expired
    // link when it is fetched), and fixed, so its expiry is known exactly.
    const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const h = handler({ config: { mail: { ...CONFIG.mail, attachLimitBytes: 1000 } }, signingClock: () => signedAt });
    const expiresAt = new Date(signedAt.getTime() + 7 * 86400_000);
    const rep = await h.report({ month: MONTH, city: 'province', force: true });
    expect(rep.mails.map((m) => [m.recipient, m.status, m.delivery])).toEqual([
      ['a@example.gov.cn', 'sent', 'link'],
      ['b@example.gov.cn', 'sent', 'link'],
    ]);
    const mail = await PostalMime.parse(readFileSync(join(h.outbox, emls(h.outbox)[0])));
    expect(mail.attachments).toEqual([]);
    expect(mail.html).toContain('下载完整通报（PDF）');
    expect(mail.html).toContain(`下载链接 7 天内有效（至 ${formatShanghaiDateTime(expiresAt)}）`);
    const url = /href="([^"]+)"/.exec(mail.html!)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    expect(url).toContain('X-Amz-Expires=604800');
    expect(url).toContain(`X-Amz-Date=${signedAt.toISOString().replace(/[-:]|\.\d{3}/g, '')}`);
    expect(mail.text).toContain('链接 7 天内有效');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const stored = await pipeline.store.getBytes(pipeline.servers.buckets.reports, rep.pdfKey);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(stored))).toBe(true);
    expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/); // (s3rver does not check signatures; S3 does)
    const log = await pipeline.repo.getSendLog(MONTH, 'province', 'a@example.gov.cn');
    expect(log).toMatchObject({ status: 'sent', delivery: 'link' });
    expect(log!.linkExpiresAt).toBe(expiresAt.toISOString());
  });
});

describe('report: failures', () => {
  it('tries every recipient, logs the failure, throws; the next run sends only what failed', async () => {
    const outbox = mkdtempSync(join(root, 'outbox-'));
    const real = new OutboxMailer(outbox);
    let fail = true;
    const flaky: Mailer = {
      send: async (msg: OutgoingMessage) => {
        if (fail && msg.to.includes('zz1@example.gov.cn')) throw new Error('SMTP 451 try later');
        return real.send(msg);
      },
    };
    const { report } = handler({ mailer: flaky, outbox });
    await expect(report({ month: MONTH, city: '410100', force: true })).rejects.toThrow(/410100\/zz1@example.gov.cn \(SMTP 451 try later\)/);
    expect(await pipeline.repo.getSendLog(MONTH, '410100', 'zz1@example.gov.cn')).toMatchObject({ status: 'failed', error: 'SMTP 451 try later' });
    expect(await pipeline.repo.getSendLog(MONTH, '410100', 'zz2@example.gov.cn')).toMatchObject({ status: 'sent' });
    fail = false;
    const rep = await report({ month: MONTH, city: '410100' });
    expect(rep.mails.map((m) => [m.recipient, m.status])).toEqual([
      ['zz1@example.gov.cn', 'sent'],
      ['zz2@example.gov.cn', 'skipped'],
    ]);
  });

  it('refuses a bad month or an unknown edition', async () => {
    const { report } = handler();
    await expect(report({ month: '2026-13' })).rejects.toThrow(/Invalid month/);
    await expect(report({ month: MONTH, city: '419999' })).rejects.toThrow(/Unknown edition "419999"/);
    await expect(report({ month: '2026-08' })).rejects.toThrow(); // never computed
  });
});
