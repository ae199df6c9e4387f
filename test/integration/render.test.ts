/**
 * model → HTML → PDF with the real Chromium; the PDF's text read back with pdfjs.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBulletinModel, type BulletinModel } from '../../functions/core/bulletin-model';
import { PdfRenderer, woffToSfnt } from '../../functions/adapters/pdf-renderer';
import {
  clearTemplateCache,
  fontsDir,
  fontSubsets,
  renderBulletinHtml,
  renderEmailHtml,
  subsetsFor,
} from '../../functions/adapters/templates';
import { makeDoc, testConfig, unit } from '../helpers/bulletin-fixture';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { pdfPages } from '../helpers/pdf-text';

const EVIL = '<script>document.body.innerHTML="PWNED"</script>';


const squash = (s: string) => s.replace(/\s+/g, '');

function model(): BulletinModel {
  const doc = makeDoc();
  // An upload-controlled name (unknown code, so the document's name is used as is).
  doc.units.push(unit({ level: 'city', code: '419999', name: `${EVIL}测试区`, cityCode: '419999', score: 1 }));
  return buildBulletinModel(doc, testConfig, { issuedOn: '2026-11-05' });
}

describe('bulletin rendering', () => {
  let renderer: PdfRenderer;
  let html: string;
  let pdf: Buffer;
  let pages: string[];

  beforeAll(async () => {
    renderer = await PdfRenderer.launch();
    html = await renderBulletinHtml(model());
    pdf = await renderer.render(html);
    pages = await pdfPages(pdf);
  });

  afterAll(async () => {
    await renderer?.close();
  });

  it('produces an A4 PDF', async () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = await getDocument({ data: new Uint8Array(pdf) }).promise;
    const vp = (await doc.getPage(1)).getViewport({ scale: 1 });
    expect(Math.abs(vp.width - 595.28)).toBeLessThan(1); // 210 mm in points
    expect(Math.abs(vp.height - 841.89)).toBeLessThan(1); // 297 mm
    await doc.destroy();
  });

  it('shows masthead, 期号, the province rates as in METRICS.md and the cities', () => {
    const all = squash(pages.join('\n'));
    expect(all).toContain(squash('“三个一批”项目建设月度通报'));
    expect(all).toContain('第10期');
    expect(all).toContain('2026年11月5日');
    expect(all).toContain('河南省“三个一批”项目建设活动领导小组办公室');
    for (const v of ['80.0%', '57.0%', '21.4%', '94.3%', '83.3%']) expect(all).toContain(v);
    expect(all).toContain(squash('投资完成率 57.0%，较上月提高 5.0 个百分点，低于时序进度（83.3%）26.3 个百分点'));
    expect(all).toContain('郑州');
    expect(all).toContain('航空港区');
    expect(all).toContain(squash('郑州市：中原区、金水区'));
  });

  it('prints "第 X 页 共 Y 页" on every page', () => {
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((text, i) => {
      expect(squash(text)).toContain(`第${i + 1}页共${pages.length}页`);
    });
  });

  it('escapes upload-controlled text: the <script> is printed, not run', () => {
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;script&gt;document.body.innerHTML&#x3D;&quot;PWNED&quot;&lt;/script&gt;测试区');
    const all = pages.join('');
    expect(squash(all)).toContain(squash(`${EVIL}测试区`));
    expect(all).not.toMatch(/^PWNED$/);
    expect(all).toContain('第'); // the page was not replaced by the script
  });

  it('HTML is self-contained: no http(s) URL, fonts embedded as data URLs, only needed subsets', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).toContain("font-family:'Noto Sans SC'");
    const faces = html.match(/@font-face/g)?.length ?? 0;
    const all400 = fontSubsets(400).length;
    expect(faces).toBeGreaterThan(4);
    expect(faces).toBeLessThan(all400); // far fewer than 2 × ~100
    expect(html).toMatch(/font-weight:400;[^}]*src:url\(data:font\/woff2;base64,/);
    expect(html).toMatch(/font-weight:700;/);
    expect(html.length).toBeLessThan(4_000_000);
  });

  it('embeds a subset exactly when a page character needs it', () => {
    expect(subsetsFor('A', 400).length).toBeGreaterThanOrEqual(1);
    expect(subsetsFor('', 400)).toEqual([]);
    const zheng = subsetsFor('郑', 400);
    expect(zheng.length).toBeGreaterThanOrEqual(1);
    for (const s of zheng) expect(html).toContain(`unicode-range:${s.unicodeRange};`);
    const emoji = subsetsFor('\u{1F1E9}', 400); // a regional indicator: not on the page
    expect(emoji).toHaveLength(1);
    expect(html).not.toContain(`unicode-range:${emoji[0].unicodeRange};`);
  });

  it('blocks every network request from the page', async () => {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const out = await renderer.render(
        `<!DOCTYPE html><html><head><link rel="stylesheet" href="${base}/a.css">` +
          `<style>@font-face{font-family:X;src:url(${base}/f.woff2)} body{font-family:X;background:url(${base}/bg.png)}</style></head>` +
          `<body><img src="${base}/i.png"><iframe src="${base}/frame"></iframe><script src="${base}/s.js"></script>离线</body></html>`,
      );
      expect(out.subarray(0, 4).toString('latin1')).toBe('%PDF');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(hits).toEqual([]);
  });

  it('times out with a clear error', async () => {
    const slow = await PdfRenderer.launch({ timeoutMs: 1 });
    try {
      await expect(slow.render(html)).rejects.toThrow(/PDF render timed out after 1 ms/);
    } finally {
      await slow.close();
    }
  });
});

describe('email body', () => {
  it('shows the headline rates, escapes names, and offers a link only when given', async () => {
    const m = model();
    const body = await renderEmailHtml(m);
    expect(body).toContain('第 10 期');
    expect(body).toContain('57.0%');
    expect(body).toContain('80.0%');
    expect(body).toContain('低于时序进度 26.3 个百分点');
    expect(body).toContain('完整通报见附件');
    expect(body).not.toContain('<a ');
    const withLink = await renderEmailHtml(m, { pdfUrl: 'https://reports.example/x.pdf?a=1&b=2' });
    expect(withLink).toContain('href="https://reports.example/x.pdf?a&#x3D;1&amp;b&#x3D;2"');
  });
});

describe('woffToSfnt', () => {
  it('rejects non-WOFF input', () => {
    expect(() => woffToSfnt(Buffer.from('not a font at all, not a font at all, not a font'))).toThrow(/WOFF/);
  });
});

describe('template and font directories from the environment', () => {
  it('uses TB_TEMPLATES_DIR and TB_FONTS_DIR', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'tb-tpl-'));
    const saved = { t: process.env.TB_TEMPLATES_DIR, f: process.env.TB_FONTS_DIR };
    try {
      // templates: a one-line bulletin
      await mkdir(join(tmp, 'templates'));
      await writeFile(join(tmp, 'templates', 'bulletin.hbs'), '<html><style>{{css}}</style><p>{{model.masthead.issueLabel}}|{{model.cityTable.rows.0.name}}</p></html>');
      await writeFile(join(tmp, 'templates', 'bulletin.css'), 'p{color:red}');
      await writeFile(join(tmp, 'templates', 'email.hbs'), '{{model.headline.rates.1.value}}');
      // fonts: only the latin subset of each weight
      await mkdir(join(tmp, 'fonts', 'files'), { recursive: true });
      for (const w of [400, 700]) {
        const latin = fontSubsets(w).find((s) => s.file.endsWith('-latin-' + w + '-normal.woff2'))!;
        await copyFile(join(fontsDir(), 'files', latin.file), join(tmp, 'fonts', 'files', latin.file));
        await writeFile(
          join(tmp, 'fonts', `${w}.css`),
          `@font-face {\n  font-family: 'Noto Sans SC';\n  src: url(./files/${latin.file}) format('woff2');\n  unicode-range: ${latin.unicodeRange};\n}\n`,
        );
      }
      process.env.TB_TEMPLATES_DIR = join(tmp, 'templates');
      process.env.TB_FONTS_DIR = join(tmp, 'fonts');
      clearTemplateCache();
      const html = await renderBulletinHtml(model());
      expect(html).toContain('<p>第 10 期|济源</p>');
      expect(html).toContain('p{color:red}');
      expect(html.match(/@font-face/g)).toHaveLength(2);
      expect(await renderEmailHtml(model())).toBe('57.0%');
    } finally {
      process.env.TB_TEMPLATES_DIR = saved.t;
      process.env.TB_FONTS_DIR = saved.f;
      if (saved.t === undefined) delete process.env.TB_TEMPLATES_DIR;
      if (saved.f === undefined) delete process.env.TB_FONTS_DIR;
      clearTemplateCache();
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
