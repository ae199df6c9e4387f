/**
 * The render benchmark: the province bulletin and the 19 city editions of the sample month.
 *
 *   render.launch_s  cold start: launching Chromium (with the footer fonts) until it can print
 *   render.pdf_s     warm, per PDF: our ChromiumRenderer.render of a finished HTML (mean of 20)
 *   render.ratio     ours ÷ the floor, the same 20 HTML documents in the same browser, where the
 *                    floor is a bare `page.setContent(html)` + `page.pdf(same options)` on a plain page
 *   render.all20_s   the report stage's rendering as the handler does it: launch, 20 models,
 *                    HTML (fonts, charts) and PDFs, two at a time — the target is under 15 s
 *
 * The sample month is built first on a throwaway embedded store (ingest + compute of
 * samples/2026-09 and samples/2026-10), which is not measured.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setLogSink } from '../../functions/adapters/log';
import { ChromiumRenderer, pdfOptions } from '../../functions/adapters/render/pdf-renderer';
import { renderBulletinHtml } from '../../functions/adapters/render/templates';
import type { BulletinModel } from '../../functions/core/bulletin/view-model';
import { buildEditions } from '../../functions/core/bulletin/editions';
import { parseConfig } from '../../functions/core/shared/config';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import { listInput } from '../local/input-files';
import { LocalPipeline } from '../local/runtime';
import { mapLimit } from '../../functions/core/shared/concurrency';
import { objectKeys } from '../../functions/core/shared/storage-keys';

const MONTH = '2026-10';
const PREVIOUS = '2026-09';

async function sampleMonth() {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-render-'));
  setLogSink(() => {});
  const config = parseConfig(JSON.parse(readFileSync(resolve('tb.config.json'), 'utf8')));
  const pipeline = await LocalPipeline.start({ dataDir: dir, config });
  try {
    for (const { month, files } of listInput(resolve('samples')).months) {
      if (month !== MONTH && month !== PREVIOUS) continue;
      for (const f of files) if (f.unitCode) await pipeline.upload(objectKeys.upload(month, f.unitCode, f.fileName), readFileSync(f.path));
      await pipeline.drain();
      await pipeline.compute({ month });
    }
    const bucket = pipeline.servers.buckets.reports;
    const doc = await pipeline.store.getJson<RatesDoc>(bucket, objectKeys.rates(MONTH));
    const previous = await pipeline.store.getJson<RatesDoc>(bucket, objectKeys.rates(PREVIOUS));
    return { doc, previous, config };
  } finally {
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

export async function run(): Promise<void> {
  console.error('# render: building the sample month (not measured)…');
  const { doc, previous, config } = await sampleMonth();
  const opts = { issuedOn: '2026-11-05', previous };

  // ── the handler's path, end to end: launch, models, HTML, PDFs (two at a time) ──
  const [pages, all20] = await timed(async () => {
    const renderer = await ChromiumRenderer.launch();
    try {
      const models = buildEditions(doc, config, opts);
      return await mapLimit(models, 2, async (m) => (await renderer.render(await renderBulletinHtml(m), { footer: m.footer })).byteLength);
    } finally {
      await renderer.close();
    }
  });

  // ── cold launch, then warm renders against the floor in the same browser ──
  const models: BulletinModel[] = buildEditions(doc, config, opts);
  const htmls = await Promise.all(models.map((m) => renderBulletinHtml(m)));
  const [renderer, launch] = await timed(() => ChromiumRenderer.launch());
  try {
    const browser = renderer.browserForBenchmark;
    const bare = await browser.newPage();
    const floor = async (html: string, footer: string) => {
      await bare.setContent(html);
      return bare.pdf(pdfOptions(footer, 60_000));
    };
    // Warm both paths once (first layout, font decoding, page setup).
    await renderer.render(htmls[0], { footer: models[0].footer });
    await floor(htmls[0], models[0].footer);

    const ours: number[] = [];
    const floors: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < htmls.length; i++) {
        // Alternate which goes first so drift (GC, caches) does not favour either.
        const a = async () => ours.push((await timed(() => renderer.render(htmls[i], { footer: models[i].footer })))[1]);
        const b = async () => floors.push((await timed(() => floor(htmls[i], models[i].footer)))[1]);
        if ((i + round) % 2) {
          await a();
          await b();
        } else {
          await b();
          await a();
        }
      }
    }
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    const htmlBytes = htmls.reduce((s, h) => s + h.length, 0) / htmls.length;
    console.log(`render.launch_s: ${seconds(launch)} s`);
    console.log(`render.pdf_s: ${seconds(sum(ours) / ours.length)} s`);
    console.log(`render.floor_pdf_s: ${seconds(sum(floors) / floors.length)} s`);
    console.log(`render.ratio: ${(sum(ours) / sum(floors)).toFixed(2)}x`);
    console.log(`render.all20_s: ${seconds(all20)} s`);
    console.log(`render.pdfs: ${pages.length} files`);
    console.log(`render.html_mb: ${(htmlBytes / 1e6).toFixed(2)} MB`);
    await bare.close();
  } finally {
    await renderer.close();
  }
}
