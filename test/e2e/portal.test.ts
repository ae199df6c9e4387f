import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../../cli/commands/serve-run';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/shared/config';
import { formatRate } from '../../functions/core/bulletin/format';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { ledgerTable, xlsx } from '../helpers/files';

/**
 * The portal in a real browser (headless Chromium from @sparticuz/chromium, as the report uses),
 * served by `tb serve` in-process: a clerk pastes the token, drops a good file and sees
 * "已接收", a bad one and sees the row and column of each error; the province view shows the
 * unit accepted.
 */
setLogSink(() => {});

const NOW = new Date('2026-11-05T02:00:00Z');
let serve: Serve;
let browser: Browser;
let page: Page;
let files: string;

beforeAll(async () => {
  serve = await startServe({ config: parseConfig({}), dataDir: mkdtempSync(join(tmpdir(), 'tb-e2e-')), fresh: true, port: 0, now: () => NOW, demoUnit: '411102' });
  files = mkdtempSync(join(tmpdir(), 'tb-e2e-files-'));
  browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: 'shell',
    defaultViewport: { width: 1200, height: 900 },
  });
  page = await browser.newPage();
  // Waits for the page end by the test's ceiling (vitest.config.ts), not puppeteer's 30 s, which a
  // busy machine can spend on one upload; a little earlier, so the failure names what was awaited.
  page.setDefaultTimeout(270_000);
});

afterAll(async () => {
  await browser?.close();
  await serve?.close();
  if (files) rmSync(files, { recursive: true, force: true });
});

const textOf = (selector: string) => page.$eval(selector, (el) => el.textContent ?? '');

async function signIn(token: string): Promise<void> {
  await page.waitForSelector('#login:not([hidden])');
  await page.type('#token-input', token);
  await page.click('#token-save');
}

async function chooseFile(name: string, bytes: Uint8Array): Promise<void> {
  const path = join(files, name);
  writeFileSync(path, bytes);
  const input = (await page.$('#file')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

describe('the upload portal in a browser', () => {
  it('signs a clerk in with the token and remembers it', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${serve.url}/`, { waitUntil: 'domcontentloaded' });
    await signIn(serve.tokens!.unit);
    await page.waitForSelector('#unit-view:not([hidden])');
    expect(await textOf('#who-name')).toBe('漯河市 源汇区（411102）');
    expect(await page.$eval('#month', (s) => (s as HTMLSelectElement).value)).toBe('2026-10');
    expect(await page.$eval('#template-link', (a) => (a as HTMLAnchorElement).getAttribute('href'))).toBe('/template.xlsx?month=2026-10&unit=411102');
    // 本年各月: January … October, none computed yet — 未计算, not a 0.
    await page.waitForFunction(() => document.querySelectorAll('#history-panel tbody tr').length === 10);
    expect(await page.$$eval('#history-panel tbody tr', (trs) => [...new Set(trs.map((tr) => tr.lastElementChild?.textContent))])).toEqual(['未计算']);
    // reload: no second sign-in
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#unit-view:not([hidden])');
    expect(pageErrors).toEqual([]);
  });

  it('uploads a good file and shows "已接收"', async () => {
    await chooseFile('源汇区10月台账.xlsx', await xlsx(ledgerTable('411102', 12)));
    await page.waitForFunction(() => document.querySelector('#result')?.textContent?.includes('已接收'));
    expect(await textOf('#result')).toBe('已接收：源汇区 2026年10月 共 12 个项目');
    expect(await page.$eval('#bar-fill', (el) => (el as HTMLElement).style.width)).toBe('100%');
    await page.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 1);
    expect(await textOf('#history tbody')).toContain('当前采用');
  });

  it('uploads a bad file and shows each error with its row and column', async () => {
    const table = ledgerTable('411102', 6);
    table[2][5] = '待定'; // row 3, 总投资
    table[4][2] = '签约二批'; // row 5, 批次
    await chooseFile('源汇区10月台账（有错）.xlsx', await xlsx(table));
    await page.waitForFunction(() => document.querySelector('#result')?.textContent?.includes('未接收'));
    const rows = await page.$$eval('#result table.issues tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual([
      ['第 3 行', '总投资', '待定', expect.stringContaining('不是数字')],
      ['第 5 行', '批次', '签约二批', expect.stringContaining('不是有效批次')],
    ]);
    expect(await textOf('#result .notice')).toContain('共 2 处错误');
    await page.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 2);
  });

  it('refuses a file type the ingest cannot read before uploading it', async () => {
    await chooseFile('源汇区.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]));
    await page.waitForFunction(() => document.querySelector('#result')?.textContent?.includes('.xls'));
    expect(await textOf('#result')).toContain('另存为 .xlsx');
  });

  it('shows the province office every unit, with this one accepted', async () => {
    await page.click('#logout');
    await signIn(serve.tokens!.province);
    await page.waitForSelector('#province-view:not([hidden])');
    await page.waitForSelector('#p-table tbody tr[data-unit="411102"]');
    expect(await textOf('#who-name')).toContain('省专班');
    const row = await page.$eval('#p-table tbody tr[data-unit="411102"]', (tr) => ({ cls: tr.className, text: tr.textContent }));
    expect(row.cls).toContain('state-accepted');
    expect(row.text).toContain('已接收');
    expect(row.text).toContain('最近一次未通过');
    expect(await page.$$eval('#p-table tbody tr', (trs) => trs.length)).toBe(158);

    // filters: the city, then only the unreported
    await page.select('#p-city', '411100');
    expect(await page.$$eval('#p-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-unit')))).toEqual(['411102', '411103', '411104', '411121', '411122']);
    expect(await textOf('#p-summary')).toContain('4未报送');
    await page.select('#p-state', 'unreported');
    expect(await page.$$eval('#p-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-unit')))).toEqual(['411103', '411104', '411121', '411122']);
    // The upload's time is the embedded S3's (now), after 2026-10's deadline (11-03 18:00): 逾期.
    expect(await page.$eval('#p-unreported-list', (p) => p.textContent)).toBe('未报送 4 个：漯河郾城区、漯河召陵区、漯河舞阳县、漯河临颍县；逾期报送 1 个：漯河源汇区');

    // a unit's uploads and errors
    await page.select('#p-state', '');
    await page.click('#p-table tbody tr[data-unit="411102"]');
    await page.waitForSelector('#p-detail .upload');
    expect(await textOf('#p-detail')).toContain('第 3 行“总投资”');
  });

  it('shows the province 本年各月 once October is computed: its rates as rates.json has them, 漯河 ranked among the 19', async () => {
    await serve.pipeline.compute({ month: '2026-10' });
    const doc = await serve.pipeline.store.getJson<RatesDoc>(serve.pipeline.servers.buckets.reports, objectKeys.rates('2026-10'));
    const province = doc.units.find((u) => u.level === 'province')!;
    const luohe = doc.units.find((u) => u.level === 'city' && u.code === '411100')!;
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#history-panel tbody tr[data-month="2026-10"][data-reported="yes"]');
    const cells = (month: string) => page.$eval(`#history-panel tbody tr[data-month="${month}"]`, (tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent));
    expect(await cells('2026-10')).toEqual(['2026年10月', '草稿（未发布）', '有报送', formatRate(province.rates.signingLanding), '—', formatRate(province.rates.start), '—', formatRate(province.rates.investmentCompletion), '—']);
    expect(await cells('2026-09')).toEqual(['2026年9月', '未计算', '未计算']);
    await page.select('#history-panel select.history-unit', '411100');
    expect((await cells('2026-10')).slice(3)).toEqual(['signingLanding', 'start', 'investmentCompletion'].flatMap((k) => [formatRate(luohe.rates[k as 'start']), `第${luohe.rank[k as 'start']}名`]));
    // 郑州 sent nothing in October: 未报送 across the rates.
    await page.select('#history-panel select.history-unit', '410100');
    expect(await cells('2026-10')).toEqual(['2026年10月', '草稿（未发布）', '未报送']);
  });
});
