/**
 * HTML → PDF with headless Chromium (`puppeteer-core` + `@sparticuz/chromium`, the same pair as
 * in the report Lambda). One browser per run, one page per render.
 *
 * The page gets no network at all: every request other than data: and about: is aborted, and
 * JavaScript is off (the bulletin is static HTML; a `<script>` that slipped in does nothing).
 *
 * The footer ("第 X 页 共 Y 页") is drawn by Chromium's header/footer machinery, which cannot use
 * the page's web fonts and does not wait for font loads; it only sees fontconfig fonts. So at
 * launch we install the Noto Sans SC subsets covering the footer's characters into a private
 * fontconfig directory (WOFF → OpenType, a lossless unwrapping) and point the browser at it.
 */
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type PDFOptions } from 'puppeteer-core';
import { FONT_FAMILY, fontsDir, subsetsFor } from './templates';

export const FOOTER_TEXT_CHARS = '第页共 0123456789';

export const DEFAULT_RENDER_TIMEOUT_MS = 60_000;

/** The footer on every page. Chromium fills `pageNumber`/`totalPages`; values are not user data. */
export const FOOTER_TEMPLATE =
  `<div style="width:100%;text-align:center;font-size:9pt;color:#333;font-family:'${FONT_FAMILY}',sans-serif;">` +
  `第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页</div>`;

/** A4 with room for the footer; close to GB/T 9704 proportions but wider text for the tables. */
export const PAGE_MARGIN = { top: '22mm', bottom: '22mm', left: '20mm', right: '20mm' } as const;

export interface PdfRendererOptions {
  /** Per-render timeout (ms). Default 60 s. */
  timeoutMs?: number;
}

export class PdfRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly fontDir: string | null,
    private readonly timeoutMs: number,
  ) {}

  static async launch(opts: PdfRendererOptions = {}): Promise<PdfRenderer> {
    const fontDir = await prepareFooterFonts().catch((err) => {
      // Not fatal: the footer's digits still print; only its CJK glyphs would be missing.
      console.warn(`pdf-renderer: footer font setup failed: ${(err as Error).message}`);
      return null;
    });
    const env: Record<string, string | undefined> = { ...process.env };
    if (fontDir) env.FONTCONFIG_FILE = join(fontDir, 'fonts.conf');
    try {
      const browser = await puppeteer.launch({
        executablePath: await chromium.executablePath(),
        args: chromium.args,
        headless: 'shell',
        env: env as Record<string, string>,
        defaultViewport: { width: 794, height: 1123 },
      });
      return new PdfRenderer(browser, fontDir, opts.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS);
    } catch (err) {
      if (fontDir) await rm(fontDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Renders one self-contained HTML document to an A4 PDF. */
  async render(html: string): Promise<Buffer> {
    const page = await this.browser.newPage();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`PDF render timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    const work = (async () => {
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        if (req.isInterceptResolutionHandled()) return;
        const url = req.url();
        if (url.startsWith('data:') || url.startsWith('about:')) void req.continue();
        else void req.abort('blockedbyclient');
      });
      await page.emulateMediaType('print');
      await page.setContent(html, { waitUntil: 'load', timeout: this.timeoutMs });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const options: PDFOptions = {
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: FOOTER_TEMPLATE,
        margin: { ...PAGE_MARGIN },
        timeout: this.timeoutMs,
      };
      return Buffer.from(await page.pdf(options));
    })();
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined); // a late failure after a timeout must not go unhandled
      await page.close().catch(() => undefined);
    }
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
 * Writes the font subsets that cover the footer's characters as OpenType files into a fresh temp
 * directory with a fonts.conf that also includes the existing configuration. Returns the directory.
 */
async function prepareFooterFonts(): Promise<string> {
  const dir = fontsDir();
  const subsets = subsetsFor(FOOTER_TEXT_CHARS, 400, dir);
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
      `  <include ignore_missing="yes">${xmlText(existing)}</include>\n` +
      `  <dir>${xmlText(join(tmp, 'fonts'))}</dir>\n` +
      `  <cachedir>${xmlText(join(tmp, 'cache'))}</cachedir>\n</fontconfig>\n`;
    await writeFile(join(tmp, 'fonts.conf'), conf);
    return tmp;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
