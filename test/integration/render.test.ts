/**
 * model → HTML → PDF with the real Chromium; the PDF's text read back with pdfjs.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBulletinModel } from '../../functions/core/bulletin/province-edition';
import type { BulletinModel } from '../../functions/core/bulletin/view-model';
import { buildCityEdition } from '../../functions/core/bulletin/city-edition';
import { chartBars, chartSize } from '../../functions/core/bulletin/chart-data';
import { renderChartSvg } from '../../functions/adapters/render/charts';
import { ChromiumRenderer, DEFAULT_RENDER_TIMEOUT_MS, footerTemplate, woffToSfnt } from '../../functions/adapters/render/pdf-renderer';
import { setLogSink } from '../../functions/adapters/log';
import { BULLETIN_FACES, FACES, faceDir, fontSubsets, subsetsFor } from '../../functions/adapters/render/fonts';
import { clearTemplateCache, renderBulletinHtml, renderEmailHtml } from '../../functions/adapters/render/templates';
import { EVIL_PROJECT, makeDoc, testConfig, unit } from '../helpers/bulletin-fixture';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { pdfPages } from '../helpers/pdf-text';

const EVIL = '<script>document.body.innerHTML="PWNED"</script>';

const squash = (s: string) => s.replace(/\s+/g, '');

function doc() {
  const d = makeDoc();
  // An upload-controlled name (unknown code, so the document's name is used as is).
  d.units.push(unit({ level: 'city', code: '419999', name: `${EVIL}测试区`, cityCode: '419999', score: 1 }));
  return d;
}

function model(): BulletinModel {
  return buildBulletinModel(doc(), testConfig, { issuedOn: '2026-11-05' });
}

/** The appendix's header row, as pdfjs reads it. */
const APPENDIX_HEADER = '地区项目个数签约落地率开工率投资完成率投产率达效率综合得分位次';

describe('bulletin rendering', () => {
  let renderer: ChromiumRenderer;
  let html: string;
  let pdf: Buffer;
  let pages: string[];
  let city: { model: BulletinModel; html: string; pages: string[] };
  /** Attempts time out by the renderer's own timer (undefined); the timeout tests take over. */
  let deadline: (attempt: number) => Promise<unknown> | undefined = () => undefined;

  beforeAll(async () => {
    // One browser for every test of the file: launching one costs seconds on a busy machine.
    renderer = await ChromiumRenderer.launch({ deadline: (attempt) => deadline(attempt) });
    const m = model();
    html = await renderBulletinHtml(m);
    pdf = await renderer.render(html, { footer: m.footer });
    pages = await pdfPages(pdf);
    const cm = buildCityEdition(doc(), testConfig, '411100', { issuedOn: '2026-11-05' });
    const chtml = await renderBulletinHtml(cm);
    city = { model: cm, html: chtml, pages: await pdfPages(await renderer.render(chtml, { footer: cm.footer })) };
  });

  afterAll(async () => {
    await renderer?.close();
  });

  it('produces an A4 PDF', async () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const d = await getDocument({ data: new Uint8Array(pdf) }).promise;
    const vp = (await d.getPage(1)).getViewport({ scale: 1 });
    expect(Math.abs(vp.width - 595.28)).toBeLessThan(1); // 210 mm in points
    expect(Math.abs(vp.height - 841.89)).toBeLessThan(1); // 297 mm
    await d.destroy();
  });

  it('masthead, 期号, the sections, and the hand-chosen figures formatted as docs/metrics.md says', () => {
    const all = squash(pages.join('\n'));
    for (const s of ['“三个一批”项目建设月度通报', '第10期', '2026年11月5日', '河南省“三个一批”项目建设活动领导小组办公室']) expect(all).toContain(squash(s));
    for (const s of ['一、总体情况', '二、各地进展情况', '三、预警', '四、数据质量', '五、有关要求', '附表']) expect(all).toContain(s);
    for (const v of ['80.0%', '57.0%', '21.4%', '94.3%', '83.3%']) expect(all).toContain(v);
    expect(all).toContain(squash('投资完成率 57.0%，较上月提高 5.0 个百分点，低于时序进度（83.3%）26.3 个百分点'));
    expect(all).toContain(squash('“签约一批”项目开工率居全省前3位的是郑州、洛阳、许昌（郑州、洛阳并列第1位），均在70%以上'));
    expect(all).toContain(squash('第一期“三个一批”项目开工率 57.0%、投产率 21.0%、达效率 94.3%'));
    expect(all).toContain(squash('郑州市：中原区、金水区；漯河市：舞阳县；航空港区'));
    expect(all).toContain('图1各地“签约一批”项目落地率');
    expect(all).toContain('漯河市小计');
    expect(all).toContain('全省合计');
  });

  it('prints "第 X 页 共 Y 页" and the 期号 on every page', () => {
    expect(pages.length).toBeGreaterThanOrEqual(5);
    pages.forEach((text, i) => {
      expect(squash(text)).toContain(`第${i + 1}页共${pages.length}页`);
      expect(squash(text)).toContain('“三个一批”项目建设月度通报第10期');
    });
    city.pages.forEach((text) => expect(squash(text)).toContain('第10期（漯河市）'));
  });

  it('附表: the header row repeats on every page it spans; no row is split across pages', () => {
    const start = pages.findIndex((p) => squash(p).includes('附表2026年10月各县（市、区）'));
    expect(start).toBeGreaterThan(0);
    const appendixPages = pages.slice(start);
    expect(appendixPages.length).toBeGreaterThanOrEqual(2);
    // page 2 of the appendix (and every later one) starts again with the header row
    for (const p of appendixPages) expect(squash(p)).toContain(APPENDIX_HEADER);
    const m = model();
    for (const r of m.appendix!.rows) {
      const text = squash(`${r.name}${r.status ? `（${r.status}）` : ''}${r.projects}${r.rates.map((x) => x.value).join('')}${r.score}${r.rank}`);
      expect(appendixPages.some((p) => squash(p).includes(text)), `row ${r.name} on one page`).toBe(true);
    }
  });

  it('escapes upload-controlled text: the <script> is printed, not run', () => {
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;document.body.innerHTML&#x3D;&quot;PWNED&quot;&lt;/script&gt;测试区');
    // a project name from an upload, inside a data-quality message
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;食品加工园');
    const all = squash(pages.join(''));
    expect(all).toContain(squash(`${EVIL}测试区`));
    expect(all).toContain(squash(EVIL_PROJECT));
    expect(squash(city.pages.join(''))).toContain(squash(EVIL_PROJECT));
    expect(all).not.toMatch(/^PWNED$/);
    expect(all).toContain('第'); // the page was not replaced by the script
  });

  it('HTML is self-contained: charts inline as SVG, fonts embedded, no URL at all', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html).not.toMatch(/<canvas|<img|<link|<iframe/i);
    // every face of the hierarchy is embedded (小标宋, 仿宋, 黑体, 楷体), each with only some of its slices
    for (const face of BULLETIN_FACES) {
      const rules = html.match(new RegExp(`font-family:'${face.family}';font-style:normal;font-weight:${face.weight};`, 'g'))?.length ?? 0;
      expect(rules, `${face.family} ${face.weight}`).toBeGreaterThan(0);
      expect(rules, `${face.family} ${face.weight}`).toBeLessThan(fontSubsets(face).length);
    }
    expect(html).toMatch(/font-weight:400;[^}]*src:url\(data:font\/ttf;base64,[^)]*\) format\('truetype'\)/);
    // each slice cut to the page's characters (font-subset.ts): ~1.2 MB in all, where the whole
    // slices came to ~4 MB; the title and the 楷体 headings need a handful of glyphs
    expect(html.length).toBeLessThan(2_000_000);
  });

  it('embeds a subset exactly when a page character needs it', () => {
    expect(subsetsFor('A', FACES.body).length).toBeGreaterThanOrEqual(1);
    expect(subsetsFor('', FACES.body)).toEqual([]);
    const zheng = subsetsFor('郑', FACES.body);
    for (const s of zheng) expect(html).toContain(`unicode-range:${s.unicodeRange};`);
    const emoji = subsetsFor('\u{1F1E9}', FACES.chart); // a regional indicator: not on the page
    expect(emoji).toHaveLength(1);
    expect(html).not.toContain(`unicode-range:${emoji[0].unicodeRange};`);
  });

  it('a city edition: its heading, its units ranked within the city, its warnings', () => {
    const all = squash(city.pages.join('\n'));
    expect(all).toContain('（漯河市）');
    expect(all).toContain(squash('2026年10月漯河市“三个一批”项目建设进展情况'));
    expect(all).toContain(squash('二、各县（市、区）进展情况'));
    for (const n of ['源汇区', '郾城区', '召陵区', '临颍县', '舞阳县']) expect(all).toContain(n);
    expect(all).toContain(squash('“签约一批”项目开工率 60.0%，高于全省 3.0 个百分点，居全省第8位'));
    expect(all).toContain(squash('召陵区 45.0%'));
    expect(all).not.toContain('中原区'); // another city's unit
    expect(city.html.match(/<svg /g)).toHaveLength(6);
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
          `<body><img src="${base}/i.png"><iframe src="${base}/frame"></iframe><script src="${base}/s.js"></script>` +
          `<svg><image href="${base}/svg.png"/></svg>离线</body></html>`,
      );
      expect(out.subarray(0, 4).toString('latin1')).toBe('%PDF');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(hits).toEqual([]);
  });

  it('a render that hangs is timed out and tried once more, on a fresh page', async () => {
    // The first print hangs (as a wedged renderer would); its attempt is timed out as soon as it
    // hangs, not after a wait. The retry runs on the renderer's own timer.
    const inner = renderer as unknown as { print: (page: unknown, ...rest: unknown[]) => Promise<Buffer> };
    const realPrint = inner.print;
    const printedOn: unknown[] = [];
    let hangs!: () => void;
    const hung = new Promise<void>((resolve) => (hangs = resolve));
    inner.print = function (this: unknown, page: unknown, ...rest: unknown[]) {
      printedOn.push(page);
      if (printedOn.length === 1) {
        hangs();
        return new Promise<Buffer>(() => {});
      }
      return realPrint.call(this, page, ...rest);
    };
    deadline = (attempt) => (attempt === 1 ? hung : undefined);
    const events: unknown[] = [];
    setLogSink((line) => events.push(JSON.parse(line)));
    try {
      const out = await renderer.render('<p>第二次</p>');
      expect(out.subarray(0, 4).toString('latin1')).toBe('%PDF');
      expect(printedOn).toHaveLength(2);
      expect(printedOn[1]).not.toBe(printedOn[0]); // the hung page is not used again
      // A retry is a warning (it recovered), with its fields as JSON keys.
      expect(events).toEqual([expect.objectContaining({ level: 'WARN', message: 'render-retry', attempt: 1, error: `PDF render timed out after ${DEFAULT_RENDER_TIMEOUT_MS} ms` })]);
    } finally {
      delete (inner as { print?: unknown }).print; // the prototype's again
      deadline = () => undefined;
      setLogSink(() => {});
    }
  });

  it('gives up with a clear error after the retry also times out', async () => {
    const attempts: number[] = [];
    deadline = (attempt) => {
      attempts.push(attempt);
      return Promise.resolve(); // timed out at once
    };
    try {
      await expect(renderer.render(html)).rejects.toThrow(`PDF render timed out after ${DEFAULT_RENDER_TIMEOUT_MS} ms (2 attempts)`);
      expect(attempts).toEqual([1, 2]);
    } finally {
      deadline = () => undefined;
    }
  });
});

describe('charts', () => {
  it('ECharts SSR writes names escaped; the SVG has no active content and no URL', () => {
    const bars = chartBars([{ name: '<script>alert(1)</script>区', value: 0.5, grade: 'red' }, { name: '郑州', value: 0.8, grade: 'green' }], 'rate');
    const svg = renderChartSvg({ id: 'x', number: '图1', title: '标题"<b>', kind: 'rate', bars, lines: [], note: '', ...chartSize(bars.length) });
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;区');
    expect(svg).toContain('aria-label="标题&quot;&lt;b&gt;"');
    expect(svg).not.toMatch(/<script|<style|https?:|ecmeta_/);
    expect(svg).toContain('50.0%');
    expect(svg).toContain('Noto Sans SC');
  });

  it('the footer template escapes its text', () => {
    expect(footerTemplate('第 10 期<b>')).toContain('第 10 期&lt;b&gt;');
    expect(footerTemplate('x')).toContain('class="pageNumber"');
  });
});

describe('email body', () => {
  it('shows the headline rates, escapes names, and offers a link with its validity only when given', async () => {
    const m = model();
    const body = await renderEmailHtml(m);
    expect(body).toContain('第 10 期');
    expect(body).toContain('57.0%');
    expect(body).toContain('80.0%');
    expect(body).toContain('低于时序进度 26.3 个百分点');
    expect(body).toContain('完整通报见附件');
    expect(body).not.toContain('<a ');
    const withLink = await renderEmailHtml(m, { link: { url: 'https://reports.example/x.pdf?a=1&b=2', validFor: '7 天', expiresAt: '2026年11月12日 09:05' } });
    expect(withLink).toContain('href="https://reports.example/x.pdf?a&#x3D;1&amp;b&#x3D;2"');
    expect(withLink).toContain('下载链接 7 天内有效（至 2026年11月12日 09:05）');
    expect(withLink).toContain('完整通报请通过文末链接下载');
    const city = await renderEmailHtml(buildCityEdition(doc(), testConfig, '411100', { issuedOn: '2026-11-05' }));
    expect(city).toContain('（漯河市）');
    expect(city).toContain('全省位次');
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
      await writeFile(join(tmp, 'templates', 'bulletin.hbs'), '<html><style>{{css}}</style><p>{{model.masthead.issueLabel}}|{{model.units.table.rows.0.name}}</p></html>');
      await writeFile(join(tmp, 'templates', 'bulletin.css'), 'p{color:red}');
      await writeFile(join(tmp, 'templates', 'email.hbs'), '{{model.email.table.rows.1.value}}');
      // fonts: for each face, only the slice that holds the digits (what TB_FONTS_DIR holds in Lambda, reduced)
      for (const face of BULLETIN_FACES) {
        const slice = subsetsFor('0', face)[0];
        await mkdir(join(tmp, 'fonts', face.dir, 'files'), { recursive: true });
        await copyFile(join(faceDir(face), 'files', slice.file), join(tmp, 'fonts', face.dir, 'files', slice.file));
        await writeFile(
          join(tmp, 'fonts', face.dir, face.css),
          `${await readFile(join(tmp, 'fonts', face.dir, face.css), 'utf8').catch(() => '')}@font-face {\n  font-family: '${face.family}';\n  src: url(./files/${slice.file}) format('woff2');\n  unicode-range: ${slice.unicodeRange};\n}\n`,
        );
      }
      process.env.TB_TEMPLATES_DIR = join(tmp, 'templates');
      process.env.TB_FONTS_DIR = join(tmp, 'fonts');
      clearTemplateCache();
      const out = await renderBulletinHtml(model());
      expect(out).toContain('<p>第 10 期|济源</p>');
      expect(out).toContain('p{color:red}');
      // one rule per face whose text has a digit: 第 10 期 is body text; the test page has no headings
      expect(out.match(/@font-face/g)!.length).toBeGreaterThanOrEqual(1);
      expect(out).toContain(`unicode-range:${subsetsFor('0', FACES.body)[0].unicodeRange}`);
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
