import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/shared/config';
import { ledgerTable, xlsx } from '../helpers/files';

/**
 * The city reviewer's page and the province's control panel in a real browser (headless Chromium,
 * as test/e2e/portal.test.ts), on `tb serve` in-process: 漯河's office opens 源汇区's upload,
 * marks a project 不予认定 and approves; the project's name (markup in the clerk's file) is shown
 * as text; the province declines, then confirms the lock and sees the month locked, and reads
 * 源汇区's audit trail (「记录」) and the month's.
 */
setLogSink(() => {});

const NOW = new Date('2026-11-02T02:00:00Z');
/** The server's clock: the upload at NOW, the review an hour later, the lock two (one instant for all would order the trail by seq alone). */
let clock = NOW;
const HOSTILE = '<img src=x onerror="window.__xss=1">产业园';
let serve: Serve;
let browser: Browser;
let page: Page;

async function uploadAsUnit(token: string): Promise<void> {
  const table = ledgerTable('411102', 3);
  table[1][1] = HOSTILE;
  const bytes = await xlsx(table);
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const signed = await (await fetch(`${serve.url}/uploads`, { method: 'POST', headers: auth, body: JSON.stringify({ month: '2026-10', fileName: '源汇区.xlsx', size: bytes.byteLength }) })).json();
  const form = new FormData();
  for (const [k, v] of Object.entries(signed.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), '源汇区.xlsx');
  expect((await fetch(`${serve.url}${signed.url}`, { method: 'POST', body: form })).status).toBe(204);
  await serve.pipeline.drain();
}

beforeAll(async () => {
  serve = await startServe({
    config: parseConfig({}),
    dataDir: mkdtempSync(join(tmpdir(), 'tb-e2e-review-')),
    fresh: true,
    port: 0,
    now: () => clock,
    demoUnit: '411102',
    outbox: mkdtempSync(join(tmpdir(), 'tb-e2e-review-outbox-')),
    send: false,
  });
  serve.pipeline.uploadedAt = NOW;
  await uploadAsUnit(serve.tokens!.unit);
  clock = new Date(NOW.getTime() + 3600_000);
  browser = await puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: 'shell', defaultViewport: { width: 1200, height: 900 } });
  page = await browser.newPage();
  page.setDefaultTimeout(270_000);
});

afterAll(async () => {
  await browser?.close();
  await serve?.close();
});

const textOf = (selector: string) => page.$eval(selector, (el) => el.textContent ?? '');

async function signIn(token: string): Promise<void> {
  await page.waitForSelector('#login:not([hidden])');
  await page.type('#token-input', token);
  await page.click('#token-save');
}

describe('the city reviewer’s page', () => {
  it('lists the city’s counties, marks a project 不予认定 and approves', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${serve.url}/`, { waitUntil: 'domcontentloaded' });
    await signIn(serve.tokens!.city);
    await page.waitForSelector('#review-view:not([hidden])');
    expect(await textOf('#who-name')).toBe('漯河市（市级审核）');
    await page.waitForSelector('#r-table tbody tr[data-unit="411102"] button.review-open');
    expect(await page.$$eval('#r-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-unit')))).toEqual(['411102', '411103', '411104', '411121', '411122']);
    expect(await textOf('#r-table tbody tr[data-unit="411102"] .review-state')).toBe('待审核');

    await page.click('#r-table tbody tr[data-unit="411102"] button.review-open');
    await page.waitForFunction(() => document.querySelectorAll('#r-rows tbody tr').length === 3);
    // The clerk's markup is text: shown as written, no element made of it.
    const names = await page.$$eval('#r-rows tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
    expect(names[0]).toBe(HOSTILE);
    expect(await page.$('#r-rows img')).toBeNull();

    await page.click('#r-rows tbody tr:nth-child(2) input.unrecognize');
    await page.type('#r-rows tbody tr:nth-child(2) input.unrecognize-reason', '缺少立项批复');
    await page.click('#r-approve');
    await page.waitForFunction(() => document.querySelector('#r-result')?.textContent?.includes('已保存'));
    expect(await textOf('#r-result')).toContain('已保存：审核通过，其中 1 个项目不予认定');
    await page.waitForFunction(() => document.querySelector('#r-table tbody tr[data-unit="411102"] .review-state')?.textContent === '审核通过');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it('shows the county 审核通过 on its upload page', async () => {
    await page.click('#logout');
    await signIn(serve.tokens!.unit);
    await page.waitForSelector('#review-status:not([hidden])');
    expect(await textOf('#review-status')).toContain('市级审核：审核通过');
  });
});

describe('the province control panel', () => {
  beforeAll(() => {
    clock = new Date(NOW.getTime() + 2 * 3600_000);
  });

  it('asks before locking, and shows the month locked once confirmed', async () => {
    await page.click('#logout');
    await signIn(serve.tokens!.province);
    await page.waitForFunction(() => document.querySelector('#m-state')?.textContent?.includes('报送中'));
    expect(await textOf('#m-countdown')).toMatch(/^报送截止 2026-11-03 18:00，还有 1 天 \d+ 小时 \d+ 分$/);
    const luohe = await page.$$eval('#m-cities tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)).find((r) => r[0] === '漯河'));
    expect(luohe).toEqual(['漯河', '5', '1', '1', '0', '4', '0', '1']);
    expect(await page.$eval('#m-republish', (b) => (b as HTMLButtonElement).disabled)).toBe(true);

    // Declined: nothing is sent.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.click('#m-lock');
    expect(asked[0]).toContain('确定锁定');
    expect((await serve.pipeline.months.getMonthState('2026-10')).status).toBe('open');

    page.once('dialog', (d) => void d.accept());
    await page.click('#m-lock');
    await page.waitForFunction(() => document.querySelector('#m-state')?.textContent?.includes('已锁定'));
    expect(await textOf('#m-message')).toContain('已锁定');
    expect(await page.$eval('#m-lock', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect((await serve.pipeline.months.getMonthState('2026-10')).status).toBe('locked');
  });

  it('shows a unit’s audit trail from its 「记录」, and the whole month’s', async () => {
    const [receipt] = await serve.pipeline.repo.listReceipts('2026-10', '411102');
    const sha = receipt.file.sha256;
    await page.click('#p-table tbody tr[data-unit="411102"] button.audit-open');
    await page.waitForFunction(() => document.querySelectorAll('#p-audit-table tbody tr').length === 4);
    expect(await textOf('#p-audit-title')).toBe('漯河市 源汇区（411102）2026-10 审计记录');
    const rows = await page.$$eval('#p-audit-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    expect(rows.map((r) => r[1])).toEqual(['上传', '回执', '审核通过', '不予认定']);
    expect(rows.map((r) => r[2].split(' ')[0])).toEqual(['流水线', '流水线', '令牌', '令牌']);
    expect(rows[2][0]).toBe('2026-11-02 11:00:00'); // the review, at the server's clock, in Beijing time
    expect(rows[3][4]).toContain('缺少立项批复');
    expect(rows.every((r) => r[3] === '源汇区（411102）' && r[6] === sha.slice(0, 12))).toBe(true);
    expect(await page.$eval('#p-audit-table tbody tr code.checksum', (c) => c.getAttribute('title'))).toBe(`SHA-256：${sha}`);
    // The row's own click (its uploads) did not open as well.
    expect(await page.$eval('#p-detail', (d) => (d as HTMLElement).hidden)).toBe(true);

    await page.click('#p-audit-all');
    await page.waitForFunction(() => document.querySelector('#p-audit-title')?.textContent?.startsWith('全省'));
    await page.waitForFunction(() => document.querySelectorAll('#p-audit-table tbody tr').length === 5);
    const all = await page.$$eval('#p-audit-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    expect(all.map((r) => r[1])).toEqual(['上传', '回执', '审核通过', '不予认定', '锁定']);
    expect(all[4]).toEqual(['2026-11-02 12:00:00', '锁定', expect.stringMatching(/^令牌 \S+$/), '—', expect.any(String), '—', '—']);
  });
});
