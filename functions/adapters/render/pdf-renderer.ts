/**
 * HTML → PDF with headless Chromium (`puppeteer-core` + `@sparticuz/chromium`, the same pair as
 * in the report Lambda). One browser per run; a few pages are kept and reused (setting a page up
 * costs about as much as printing a short document), so every PDF of a month shares the browser.
 *
 * The page gets no network at all: every request other than data: and about: is aborted, and
 * JavaScript is off (the bulletin is static HTML; a `<script>` that slipped in does nothing).
 *
 * A render that hangs is abandoned after `timeoutMs` and tried once more on a fresh page (on a
 * fresh browser if the old one died); a second timeout fails the render.
 *
 * The footer ("第 X 页 共 Y 页" and the 期号) is drawn by Chromium's header/footer machinery, which
 * cannot use the page's web fonts and does not wait for font loads; it only sees fontconfig fonts.
 * So at launch we install the FOOTER_FACE subsets covering the footer's characters into a private
 * fontconfig directory (WOFF → OpenType, a lossless unwrapping) and point the browser at it.
 */
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page, type PDFOptions } from 'puppeteer-core';
import { BULLETIN_TITLE } from '../../core/bulletin/masthead';
import { CITIES } from '../../core/shared/divisions';
import { logEvent } from '../log';
import type { PdfRenderer } from '../../core/ports';
import { FOOTER_FACE, faceDir, subsetsFor } from './fonts';
import { escapeMarkup } from '../../core/shared/markup';

/** Every character a footer may print: page numbers, the title and 期号, a city edition's name. */
export const FOOTER_TEXT_CHARS = `第页共期 0123456789（）　${BULLETIN_TITLE}${CITIES.map((c) => c.name).join('')}`;

/**
 * When one render attempt counts as hung. In Lambda a bulletin prints in seconds and the report
 * function has 10 minutes for 20 editions, so a minute finds a hang early. On a shared machine
 * (tb run, the tests beside other jobs) a render can be slow without being hung: ten minutes.
 */
export const DEFAULT_RENDER_TIMEOUT_MS = process.env.AWS_LAMBDA_FUNCTION_NAME ? 60_000 : 600_000;

/** A4 with the margins of GB/T 9704-2012: 版心 156 × 225 mm; the page number sits in the bottom margin. */
export const PAGE_MARGIN = { top: '37mm', bottom: '35mm', left: '28mm', right: '26mm' } as const;

/**
 * The footer on every page: `text` (the title and 期号) on the left, "第 X 页 共 Y 页" on the right.
 * Chromium fills `pageNumber`/`totalPages`; `text` is escaped.
 */
export function footerTemplate(text = ''): string {
  return (
    `<div style="width:100%;box-sizing:border-box;padding:0 ${PAGE_MARGIN.right} 0 ${PAGE_MARGIN.left};display:flex;justify-content:space-between;` +
    `font-size:10pt;color:#222;font-family:'${FOOTER_FACE.family}',sans-serif;">` +
    `<span>${escapeMarkup(text)}</span>` +
    `<span>第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页</span></div>`
  );
}

/** Kept for callers that print without a 期号. */
export const FOOTER_TEMPLATE = footerTemplate();

/** The PDF options of every render (also what the benchmark's bare floor uses). */
export function pdfOptions(footer: string | undefined, timeoutMs: number): PDFOptions {
  return {
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: footerTemplate(footer),
    margin: { ...PAGE_MARGIN },
    timeout: timeoutMs,
  };
}

export interface ChromiumRendererOptions {
  /** Per-attempt timeout (ms). Default 60 s. */
  timeoutMs?: number;
  /** Attempts after a timeout (default 1: a hung render is tried once more). */
  retries?: number;
  /**
   * For tests: called as attempt `n` (1, 2, …) starts; a promise returned times that attempt out
   * when it settles, instead of the `timeoutMs` timer (undefined: the timer). Lets a test time a
   * hung render out at a moment it chooses, without waiting on the clock.
   */
  deadline?: (attempt: number) => Promise<unknown> | undefined;
}

export interface RenderOptions {
  /** Footer text next to the page numbers (the 期号), escaped. */
  footer?: string;
}

export class RenderTimeoutError extends Error {
  override readonly name = 'RenderTimeoutError';
}

export class ChromiumRenderer implements PdfRenderer {
  private idle: Page[] = [];
  private relaunching: Promise<void> | null = null;

  private constructor(
    private browser: Browser,
    private readonly fontDir: string | null,
    private readonly timeoutMs: number,
    private readonly retries: number,
    private readonly deadline?: ChromiumRendererOptions['deadline'],
  ) {}

  static async launch(opts: ChromiumRendererOptions = {}): Promise<ChromiumRenderer> {
    const fontDir = await prepareFooterFonts().catch((err) => {
      // Not fatal: the footer's digits still print; only its CJK glyphs would be missing.
      console.warn(`pdf-renderer: footer font setup failed: ${(err as Error).message}`);
      return null;
    });
    try {
      const browser = await launchBrowser(fontDir);
      return new ChromiumRenderer(browser, fontDir, opts.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS, opts.retries ?? 1, opts.deadline);
    } catch (err) {
      if (fontDir) await rm(fontDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The browser, for measurements that must run in the same one (the benchmark's floor). */
  get browserForBenchmark(): Browser {
    return this.browser;
  }

  /** Renders one self-contained HTML document to an A4 PDF; a hung attempt is retried once. */
  async render(html: string, opts: RenderOptions = {}): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(html, opts, attempt);
      } catch (err) {
        if (!(err instanceof RenderTimeoutError) || attempt > this.retries) {
          if (err instanceof RenderTimeoutError && attempt > 1) err.message += ` (${attempt} attempts)`;
          throw err;
        }
        logEvent('render-retry', { attempt, error: err.message }, 'warn');
        if (!this.browser.connected) await this.relaunch();
      }
    }
  }

  private async attempt(html: string, opts: RenderOptions, n: number): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    let page: Page | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const expire = () => reject(new RenderTimeoutError(`PDF render timed out after ${this.timeoutMs} ms`));
      const deadline = this.deadline?.(n);
      if (deadline) void deadline.then(expire, expire);
      else timer = setTimeout(expire, this.timeoutMs);
    });
    const work = (async () => {
      page = await this.acquire();
      return this.print(page, html, opts);
    })();
    try {
      const pdf = await Promise.race([work, timeout]);
      this.release(page!);
      return pdf;
    } catch (err) {
      // A page that failed or hung is not reused; closing it may hang too, so do not wait long.
      // A page still being set up when time ran out is closed once it exists.
      const settled = work.then(() => undefined, () => undefined);
      if (page) await closeQuietly(page);
      else void settled.then(() => page && closeQuietly(page));
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One document on one page: load it, let its fonts settle, print. */
  private async print(page: Page, html: string, opts: RenderOptions): Promise<Buffer> {
    await page.setContent(html, { waitUntil: 'load', timeout: this.timeoutMs });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    return Buffer.from(await page.pdf(pdfOptions(opts.footer, this.timeoutMs)));
  }

  /** A page set up for printing: no JavaScript, no network, print media. */
  private async acquire(): Promise<Page> {
    const reused = this.idle.pop();
    if (reused && !reused.isClosed()) return reused;
    const page = await this.browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.isInterceptResolutionHandled()) return;
      const url = req.url();
      if (url.startsWith('data:') || url.startsWith('about:')) void req.continue();
      else void req.abort('blockedbyclient');
    });
    await page.emulateMediaType('print');
    return page;
  }

  private release(page: Page): void {
    if (!page.isClosed() && this.idle.length < 4) this.idle.push(page);
    else void closeQuietly(page);
  }

  private async relaunch(): Promise<void> {
    this.relaunching ??= (async () => {
      this.idle = [];
      await this.browser.close().catch(() => undefined);
      this.browser = await launchBrowser(this.fontDir);
    })().finally(() => {
      this.relaunching = null;
    });
    return this.relaunching;
  }

  async close(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      if (this.fontDir) await rm(this.fontDir, { recursive: true, force: true });
    }
  }
}

/**
 * `fn` on a browser of its own, closed after: one per report (a Lambda invocation, or a month of
 * `tb run`). A browser kept across many documents gets slower with each (its caches of the
 * documents' embedded fonts grow: a city edition took 3 s in the first month of a 24-month run
 * and 10 s by the fifth), and a Lambda container may be frozen for weeks between months.
 */
export async function withFreshRenderer<T>(fn: (r: ChromiumRenderer) => Promise<T>): Promise<T> {
  const renderer = await ChromiumRenderer.launch();
  try {
    return await fn(renderer);
  } finally {
    await renderer.close();
  }
}

async function launchBrowser(fontDir: string | null): Promise<Browser> {
  const env: Record<string, string | undefined> = { ...process.env };
  if (fontDir) env.FONTCONFIG_FILE = join(fontDir, 'fonts.conf');
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: 'shell',
    env: env as Record<string, string>,
    defaultViewport: { width: 794, height: 1123 },
  });
}

async function closeQuietly(page: Page): Promise<void> {
  await Promise.race([page.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
}

/**
 * Writes the font subsets that cover the footer's characters as OpenType files into a fresh temp
 * directory with a fonts.conf that also includes the existing configuration. Returns the directory.
 */
async function prepareFooterFonts(): Promise<string> {
  const dir = faceDir(FOOTER_FACE);
  const subsets = subsetsFor(FOOTER_TEXT_CHARS, FOOTER_FACE, dir);
  const tmp = await mkdtemp(join(tmpdir(), 'tb-fonts-'));
  try {
    await mkdir(join(tmp, 'fonts'));
    let written = 0;
    for (const s of subsets) {
      const woff = join(dir, 'files', s.file.replace(/\.woff2$/, '.woff'));
      if (!existsSync(woff)) continue;
      const sfnt = woffToSfnt(await readFile(woff));
      const ext = sfnt.readUInt32BE(0) === 0x4f54544f ? 'otf' : 'ttf';
      await writeFile(join(tmp, 'fonts', s.file.replace(/\.woff2$/, `.${ext}`)), sfnt);
      written++;
    }
    if (!written) throw new Error(`no .woff files for the footer's characters under ${join(dir, 'files')}`);
    const existing = process.env.FONTCONFIG_FILE
      ? process.env.FONTCONFIG_FILE
      : process.env.FONTCONFIG_PATH
        ? join(process.env.FONTCONFIG_PATH, 'fonts.conf')
        : '/etc/fonts/fonts.conf';
    const conf =
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
      `  <include ignore_missing="yes">${escapeMarkup(existing)}</include>\n` +
      `  <dir>${escapeMarkup(join(tmp, 'fonts'))}</dir>\n` +
      `  <cachedir>${escapeMarkup(join(tmp, 'cache'))}</cachedir>\n</fontconfig>\n`;
    await writeFile(join(tmp, 'fonts.conf'), conf);
    return tmp;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** WOFF 1.0 → the sfnt (TrueType/OpenType) it wraps: inflate each table, rebuild the directory. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = [];
  for (let i = 0; i < numTables; i++) {
    const e = 44 + i * 20;
    const tag = woff.readUInt32BE(e);
    const offset = woff.readUInt32BE(e + 4);
    const compLength = woff.readUInt32BE(e + 8);
    const origLength = woff.readUInt32BE(e + 12);
    const checksum = woff.readUInt32BE(e + 16);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : Buffer.from(raw);
    if (data.length !== origLength) throw new Error('WOFF table length mismatch');
    tables.push({ tag, checksum, data });
  }
  tables.sort((a, b) => a.tag - b.tag);
  let entrySelector = 0;
  while (2 ** (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = 2 ** entrySelector * 16;
  const headerLen = 12 + numTables * 16;
  const total = tables.reduce((n, t) => n + ((t.data.length + 3) & ~3), headerLen);
  const out = Buffer.alloc(total);
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerLen;
  tables.forEach((t, i) => {
    const rec = 12 + i * 16;
    out.writeUInt32BE(t.tag, rec);
    out.writeUInt32BE(t.checksum, rec + 4);
    out.writeUInt32BE(offset, rec + 8);
    out.writeUInt32BE(t.data.length, rec + 12);
    t.data.copy(out, offset);
    offset += (t.data.length + 3) & ~3;
  });
  return out;
}
