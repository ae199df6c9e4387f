/**
 * The ingest benchmark: a 20,000-row county form as .xlsx (two-row merged header, title, 合计,
 * notes; written by exceljs) and the same form as a GB18030 .csv.
 *
 * For each: the full ingest of the file (core `checkUpload`: read + find the header + validate
 * + normalize + row checks, no store) against a bare parse of the same bytes by the same reader
 * (`readUpload`: bytes → rows of cells; for .xlsx our streaming unzip + XML reader, for .csv
 * TextDecoder + csv-parse), both in this process, interleaved, best of several runs after a warm-up.
 *
 *   ingest.xlsx.rows_per_s   data rows / full-ingest seconds
 *   ingest.xlsx.ratio        full ingest ÷ bare parse (target < 1.5x)
 *   ingest.csv.rows_per_s, ingest.csv.ratio
 *   ingest.peak_rss_mb       peak RSS of a fresh process that ingests each file once (target
 *                            < 512 MB): what one Lambda invocation needs, without the garbage of
 *                            the timing loops; the fixtures are made in another child process
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../functions/core/shared/config';
import { checkUpload, readUpload } from '../../functions/core/ingest/check-upload';

const ROWS = 20_000;
const RUNS = 25;
const UNIT = '411102';
const MONTH = '2026-10';

async function makeFixtures(dir: string): Promise<void> {
  const { countyForm, formCsv, formXlsx } = await import('../../test/helpers/files');
  const form = countyForm({ unit: UNIT, unitName: '源汇区', month: MONTH, projects: ROWS });
  writeFileSync(join(dir, 'form.xlsx'), await formXlsx(form));
  writeFileSync(join(dir, 'form.csv'), formCsv(form, 'gb18030'));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const line = (name: string, value: string) => console.log(`${name}: ${value}`);

/** Runs this module as a child process with `env`; returns its stdout. */
function child(env: Record<string, string>): string {
  const res = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`bench child failed (exit ${res.status}): ${Object.keys(env).join(', ')}`);
  return res.stdout;
}

/** In a fresh process: ingest each file once, report the process's peak RSS in MB. */
async function peakRss(dir: string): Promise<void> {
  const config = parseConfig({});
  for (const kind of ['xlsx', 'csv'] as const) {
    const check = await checkUpload(`incoming/${MONTH}/${UNIT}/${UNIT}.${kind}`, new Uint8Array(readFileSync(join(dir, `form.${kind}`))), config);
    if (check.rows.length !== ROWS) throw new Error(`peak RSS run: ${kind} gave ${check.rows.length} rows`);
  }
  console.log(Math.round(process.resourceUsage().maxRSS / 1024));
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-ingest-'));
  try {
    child({ TB_BENCH_INGEST_FIXTURES: dir });
    const config = parseConfig({});
    for (const [kind, file] of [
      ['xlsx', 'form.xlsx'],
      ['csv', 'form.csv'],
    ] as const) {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      const key = `incoming/${MONTH}/${UNIT}/${UNIT}-源汇区.${kind}`;
      const fileName = key.split('/').pop()!;
      // Warm-up, and a check that the bench measures an accepted file of the expected size.
      const check = await checkUpload(key, bytes, config);
      if (check.status !== 'accepted' || check.rows.length !== ROWS) {
        throw new Error(`bench ${kind}: expected ${ROWS} accepted rows, got ${check.status} ${check.rows.length}: ${check.errors[0]?.message}`);
      }
      await readUpload(fileName, bytes, config);
      // Interleaved runs, so that both see the same machine state; the best of each (the least
      // disturbed by other processes on a shared machine).
      let bare = Infinity;
      let full = Infinity;
      for (let i = 0; i < RUNS; i++) {
        bare = Math.min(bare, await timed(() => readUpload(fileName, bytes, config)));
        full = Math.min(full, await timed(() => checkUpload(key, bytes, config)));
      }
      line(`ingest.${kind}.bytes`, `${bytes.byteLength} B`);
      line(`ingest.${kind}.parse_ms`, `${bare.toFixed(1)} ms`);
      line(`ingest.${kind}.full_ms`, `${full.toFixed(1)} ms`);
      line(`ingest.${kind}.rows_per_s`, `${Math.round(ROWS / (full / 1000))} rows/s`);
      line(`ingest.${kind}.ratio`, `${(full / bare).toFixed(2)}x`);
    }
    line('ingest.peak_rss_mb', `${child({ TB_BENCH_INGEST_RSS: dir }).trim()} MB`);
    line('ingest.bench_process_peak_rss_mb', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The child processes: one makes the fixtures, one measures the peak RSS of ingesting them.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.env.TB_BENCH_INGEST_FIXTURES) await makeFixtures(process.env.TB_BENCH_INGEST_FIXTURES);
  else if (process.env.TB_BENCH_INGEST_RSS) await peakRss(process.env.TB_BENCH_INGEST_RSS);
}
