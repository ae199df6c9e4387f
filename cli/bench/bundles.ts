/**
 * The bundles benchmark: the four Lambda bundles as the stack builds them (cli/local/bundles.ts),
 * their sizes, and how long a fresh `node` takes to load them and to serve a first event.
 *
 *   bundles.{name}.js_bytes     index.mjs (minified)
 *   bundles.{name}.map_bytes    index.mjs.map (the linked source map, without the sources' text)
 *   bundles.{name}.asset_bytes  everything Lambda unpacks for the function (wasm, worker, fonts,
 *                               templates, the page); the report's Chromium layer is not counted
 *   bundles.{name}.init_s       cold start, median of 3: from the process's start until the
 *                               bundle is imported (Lambda's init phase, without the sandbox's)
 *   bundles.report.first_s      from the process's start until the first report event returned
 *                               (median of 3): `{month, city: "province", send: false}`, which
 *                               unpacks Chromium into a fresh TMPDIR (as in a new sandbox),
 *                               launches it and renders the province bulletin
 *   bundles.report.unminified_*  the same for the report bundle built as before (minify off,
 *                               no kept names): the baseline, in the same run
 *
 * The sample month is ingested and computed first on an embedded store, by the TypeScript
 * sources in this process (not measured). Timings include this machine's load: run it alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setLogSink } from '../../functions/adapters/log';
import { parseConfig } from '../../functions/core/shared/config';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { BUNDLES, type BundleStack, buildBundles, bundleSpecs, embeddedEnvironment, invokeBundle, stackForBundles } from '../local/bundles';
import { listInput } from '../local/input-files';
import { LocalPipeline } from '../local/runtime';

const MONTH = '2026-10';
const RUNS = 3;

/** An event each handler answers without touching much: cold start is the import, not the work. */
const IDLE_EVENTS = {
  ingest: { Records: [] },
  compute: { month: '2026-13' }, // refused at once (Invalid month), after the import
  export: { month: '2026-13', pointers: [] }, // refused at once (导出请求无效), after the import
  report: { month: MONTH, city: 'province', send: false },
  api: { rawPath: '/app.js', requestContext: { http: { method: 'GET', path: '/app.js' } } },
  deploy: { RequestType: 'Delete', ResourceProperties: { Config: '{}' } }, // records nothing
} as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const line = (name: string, value: string) => console.log(`${name}: ${value}`);

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = join(dir, e.name);
    return n + (e.isDirectory() ? folderBytes(p) : statSync(p).size);
  }, 0);
}

async function sampleMonth(dataDir: string): Promise<LocalPipeline> {
  const config = parseConfig(JSON.parse(readFileSync(resolve('tb.config.json'), 'utf8')));
  const pipeline = await LocalPipeline.start({ dataDir, config });
  const month = listInput(resolve('samples')).months.find((m) => m.month === MONTH)!;
  for (const f of month.files) if (f.unitCode) await pipeline.upload(objectKeys.upload(MONTH, f.unitCode, f.fileName), readFileSync(f.path));
  await pipeline.drain();
  await pipeline.compute({ month: MONTH });
  return pipeline;
}

export async function run(): Promise<void> {
  setLogSink(() => {});
  const root = mkdtempSync(join(tmpdir(), 'tb-bench-bundles-'));
  let bundles: BundleStack | undefined;
  let pipeline: LocalPipeline | undefined;
  try {
    console.error('# bundles: building the bundles and the sample month (not measured)…');
    bundles = stackForBundles();
    const specs = bundleSpecs(bundles);
    const dirs = await buildBundles(specs, join(root, 'min'));
    // The baseline: the report bundle as BASE_BUNDLING built it before (unminified, no kept names).
    const unminified = { ...specs.report, options: { ...specs.report.options, minify: false, keepNames: false } };
    const baselineDir = (await buildBundles({ report: unminified }, join(root, 'unmin'))).report;
    pipeline = await sampleMonth(join(root, 'store'));
    const servers = pipeline.servers;

    for (const name of BUNDLES) {
      line(`bundles.${name}.js_bytes`, `${statSync(join(dirs[name], 'index.mjs')).size} bytes`);
      line(`bundles.${name}.map_bytes`, `${statSync(join(dirs[name], 'index.mjs.map')).size} bytes`);
      line(`bundles.${name}.asset_bytes`, `${folderBytes(dirs[name])} bytes`);
    }
    line('bundles.report.unminified_js_bytes', `${statSync(join(baselineDir, 'index.mjs')).size} bytes`);
    line('bundles.report.unminified_map_bytes', `${statSync(join(baselineDir, 'index.mjs.map')).size} bytes`);

    const measure = async (dir: string, name: (typeof BUNDLES)[number]) => {
      const env = embeddedEnvironment(bundles!.functions[name], dir, servers);
      const init: number[] = [];
      const first: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // A fresh /tmp, as a new Lambda sandbox has: @sparticuz/chromium unpacks Chromium there.
        const tmp = mkdtempSync(join(root, 'tmp-'));
        try {
          const r = await invokeBundle(join(dir, 'index.mjs'), IDLE_EVENTS[name], { ...env, TMPDIR: tmp });
          if (name !== 'compute' && name !== 'export' && !r.ok) throw new Error(`${name}: ${r.error?.message}`);
          init.push(r.readyMs);
          first.push(r.doneMs);
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }
      return { init: median(init), first: median(first) };
    };
    for (const name of BUNDLES) {
      const m = await measure(dirs[name], name);
      line(`bundles.${name}.init_s`, `${seconds(m.init)} s`);
      if (name === 'report') line('bundles.report.first_s', `${seconds(m.first)} s`);
    }
    const base = await measure(baselineDir, 'report');
    line('bundles.report.unminified_init_s', `${seconds(base.init)} s`);
    line('bundles.report.unminified_first_s', `${seconds(base.first)} s`);
  } finally {
    await pipeline?.close();
    bundles?.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}
