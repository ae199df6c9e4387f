/**
 * The saved queries (queries/*.sql) on DuckDB over the curated output of the local pipeline, as
 * `tb query --saved` runs them: two sample months of a few units go through ingest and compute,
 * each month's ledger is copied to OUT/curated/ as tb run does, then
 * - city-rates equals each city's rates in rates.json (to 10⁻¹², and as printed to 0.1%),
 * - unit-history equals the unit's county entry in every month's rates.json,
 * - stalled-projects lists exactly the hand-checked projects of the fixture unit.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQueryCommand } from '../../cli/commands/query-run';
import { copyCuratedMonth } from '../../cli/local/curated-out';
import { type LedgerDb, openLedger } from '../../cli/local/duckdb-ledger';
import type { LocalPipeline } from '../../cli/local/runtime';
import type { RatesDoc, UnitResult } from '../../functions/core/metrics/rates-types';
import { printedRate } from '../../functions/core/shared/printed';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { CITIES } from '../../functions/core/shared/divisions';
import { bindParams, loadSavedQueries } from '../../infra/saved-queries';
import { startPipeline } from '../helpers/pipeline';

const MONTHS = ['2026-09', '2026-10'];
/** Two units of 郑州, two of 漯河 (and the fixture's 召陵区), 济源 which reports for itself. */
const SAMPLE_UNITS = ['410102', '410103', '411102', '411103', '419001'];
const FIXTURES = new URL('../fixtures/queries/', import.meta.url).pathname;
const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

let p: LocalPipeline;
let out: string;
let db: LedgerDb;
const rates: Record<string, RatesDoc> = {};
const saved = loadSavedQueries();

async function runSaved(name: string, values: Record<string, string>): Promise<Record<string, unknown>[]> {
  const q = saved.find((x) => x.name === name)!;
  const bound = bindParams(q, values);
  expect(bound.missing).toEqual([]);
  const r = await db.run(q.sql, bound.values);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
}

beforeAll(async () => {
  p = await startPipeline();
  out = mkdtempSync(join(tmpdir(), 'tb-queries-'));
  for (const month of MONTHS) {
    const files = readdirSync(join(SAMPLES, month)).filter((f) => SAMPLE_UNITS.includes(f.slice(0, 6)));
    expect(files).toHaveLength(SAMPLE_UNITS.length);
    for (const f of files) await p.upload(objectKeys.upload(month, f.slice(0, 6), f), new Uint8Array(readFileSync(join(SAMPLES, month, f))));
    const fixture = readdirSync(join(FIXTURES, month))[0];
    await p.upload(objectKeys.upload(month, '411104', fixture), new Uint8Array(readFileSync(join(FIXTURES, month, fixture))));
    const { receipts } = await p.drain();
    expect(receipts.map((r) => `${r.unitCode}:${r.status}`).sort()).toEqual([...SAMPLE_UNITS, '411104'].sort().map((u) => `${u}:accepted`));
    await p.compute({ month });
    await p.exported();
    rates[month] = await p.store.getJson<RatesDoc>(p.servers.buckets.reports, objectKeys.rates(month));
    await copyCuratedMonth(p.store, p.servers.buckets.curated, month, out);
  }
  db = await openLedger(join(out, 'curated'));
});

afterAll(async () => {
  db?.close();
  await p?.close();
});

const RATE_COLUMNS = { signing_landing_rate: 'signingLanding', start_rate: 'start', investment_completion_rate: 'investmentCompletion' } as const;

function expectSameRates(row: Record<string, unknown>, unit: UnitResult) {
  for (const [column, key] of Object.entries(RATE_COLUMNS)) {
    const sql = row[column] as number | null;
    const doc = unit.rates[key];
    if (doc === null) expect(sql, `${unit.code} ${column}`).toBeNull();
    else {
      expect(sql, `${unit.code} ${column}`).toBeCloseTo(doc, 12);
      expect(printedRate(sql), `${unit.code} ${column} as printed`).toBe(printedRate(doc));
    }
  }
}

describe('the local table', () => {
  it('is the view ledger over OUT/curated/ledger/month=…/, with month as text', async () => {
    expect(db.months).toEqual(MONTHS);
    const r = await db.run('SELECT month, count(*) AS n, count(DISTINCT unitCode) AS units FROM ledger GROUP BY month ORDER BY month');
    expect(r.rows.map((x) => x[0])).toEqual(MONTHS);
    expect(r.types[0]).toBe('VARCHAR');
    for (const [month, n, units] of r.rows) {
      const doc = rates[month as string];
      expect(n).toBe(doc.units[0].counts.projects);
      expect(units).toBe(SAMPLE_UNITS.length + 1);
    }
  });
});

describe('city-rates', () => {
  it.each(MONTHS)('%s: every reported city, its counts and rates as rates.json has them', async (month) => {
    const rows = await runSaved('city-rates', { month });
    const doc = rates[month];
    const reported = doc.units.filter((u) => u.level === 'city' && u.reported);
    expect(rows.map((r) => r.city_code)).toEqual(reported.map((u) => u.code));
    expect(rows.map((r) => r.city_code)).toEqual(['410100', '411100', '419001']);
    for (const row of rows) {
      const city = reported.find((u) => u.code === row.city_code)!;
      expect(row.city_name).toBe(city.name);
      expect(row).toMatchObject({
        units_reported: city.reportedUnits,
        projects: city.counts.projects,
        signed: city.counts.signed,
        signed_landed: city.counts.signedLanded,
        signed_started: city.counts.signedStarted,
      });
      expect(row.annual_plan as number).toBeCloseTo(city.investment.annualPlan, 6);
      expect(row.ytd_completed as number).toBeCloseTo(city.investment.ytdCompleted, 6);
      expectSameRates(row, city);
    }
  });

  it('knows the 19 city-level units by the names the divisions give them', () => {
    const sql = saved.find((q) => q.name === 'city-rates')!.sql;
    const listed = [...sql.matchAll(/\('(\d{6})', '(\D[^']*)'\)/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(listed).toEqual(CITIES.map((c) => `${c.code} ${c.name}`).sort());
  });
});

describe('unit-history', () => {
  it.each([...SAMPLE_UNITS, '411104'])('%s: one row a month, equal to its county entry of each rates.json', async (unit) => {
    const rows = await runSaved('unit-history', { unit });
    expect(rows.map((r) => r.month)).toEqual(MONTHS);
    for (const row of rows) {
      const county = rates[row.month as string].units.find((u) => u.level === 'county' && u.code === unit)!;
      expect(row).toMatchObject({ projects: county.counts.projects, signed: county.counts.signed, signed_landed: county.counts.signedLanded, signed_started: county.counts.signedStarted });
      expectSameRates(row, county);
    }
  });

  it('a unit that never reported has no rows (gaps, not zeros)', async () => {
    expect(await runSaved('unit-history', { unit: '411121' })).toEqual([]);
  });
});

describe('stalled-projects', () => {
  /**
   * Hand-checked on test/fixtures/queries/2026-10/411104-召陵区.csv, month 2026-10, N = 6: still
   * 已签约 in the 签约 batch and signed before 2026-04 — 辛 2025-10 (12 months), 甲 2026-01 (9), 丙
   * 2026-03 (7). Not listed: 刚满六月 (2026-04: 6, not more than 6), 已落地, 已终止, the 开工 batch,
   * and 未填日期 (no date: first on the ledger in 2026-09, 1 month).
   */
  const FIXTURE_N6 = [
    { project_code: '2510-411104-04-01-000008', project_name: '召陵停滞辛项目', signed_date: '2025-10-20', signed_month: '2025-10', signed_from: '签约日期', months_signed: 12, leader: '王辛' },
    { project_code: '2510-411104-04-01-000001', project_name: '召陵停滞甲项目', signed_date: '2026-01-15', signed_month: '2026-01', signed_from: '签约日期', months_signed: 9, leader: '王甲' },
    { project_code: '2603-411104-04-01-000003', project_name: '召陵停滞丙项目', signed_date: '2026-03-01', signed_month: '2026-03', signed_from: '签约日期', months_signed: 7, leader: '王丙' },
  ];

  it('2026-10, more than 6 months: the fixture unit’s three, longest first', async () => {
    const rows = await runSaved('stalled-projects', { month: '2026-10', months: '6' });
    expect(rows.filter((r) => r.unit_code === '411104')).toEqual(FIXTURE_N6.map((x) => expect.objectContaining({ unit_code: '411104', status: '已签约', ...x })));
    // Every row of any unit obeys the rule, longest first.
    for (const r of rows) expect(r.months_signed as number).toBeGreaterThan(6);
    const months = rows.map((r) => r.months_signed as number);
    expect([...months].sort((a, b) => b - a)).toEqual(months);
  });

  it('2026-10, more than 0 months: a project without 签约日期 counts from its first month on the ledger', async () => {
    const rows = (await runSaved('stalled-projects', { month: '2026-10', months: '0' })).filter((r) => r.unit_code === '411104');
    expect(rows.map((r) => [r.project_name, r.months_signed])).toEqual([
      ['召陵停滞辛项目', 12],
      ['召陵停滞甲项目', 9],
      ['召陵停滞丙项目', 7],
      ['召陵刚满六月项目', 6],
      ['召陵未填日期项目', 1],
    ]);
    expect(rows.at(-1)).toMatchObject({ signed_date: null, signed_month: '2026-09', signed_from: '台账首次出现' });
  });

  it('2026-09: 已落地 in October was still 已签约 in September, and counts there', async () => {
    const rows = (await runSaved('stalled-projects', { month: '2026-09', months: '6' })).filter((r) => r.unit_code === '411104');
    expect(rows.map((r) => [r.project_name, r.months_signed])).toEqual([
      ['召陵停滞辛项目', 11],
      ['召陵已落地项目', 9],
      ['召陵停滞甲项目', 8],
    ]);
  });
});

describe('tb query', () => {
  it('--saved city-rates prints an aligned table, --json the rows, --csv a header and the rows', async () => {
    const printed: string[] = [];
    const write = (t: string) => printed.push(t);
    await runQueryCommand({ saved: 'city-rates', list: false, values: { month: '2026-10' }, out, format: 'table', write });
    await runQueryCommand({ saved: 'city-rates', list: false, values: { month: '2026-10' }, out, format: 'json', write });
    await runQueryCommand({ sql: "SELECT unitCode, count(*) AS n FROM ledger WHERE month = '2026-10' GROUP BY 1 ORDER BY 1", list: false, values: {}, out, format: 'csv', write });
    const [table, json, csv] = printed;
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^city_code\s+city_name\s+units_reported/);
    expect(lines.find((l) => l.startsWith('410100'))).toContain('郑州市');
    expect(lines.at(-1)).toBe('（3 行）');
    expect(JSON.parse(json).map((r: { city_code: string }) => r.city_code)).toEqual(['410100', '411100', '419001']);
    expect(csv.split('\r\n')).toEqual(['unitCode,n', ...[...SAMPLE_UNITS, '411104'].sort().map((u) => `${u},${rates['2026-10'].units.find((x) => x.level === 'county' && x.code === u)!.counts.projects}`), '']);
  });

  it('refuses, in Chinese, a saved query without its parameters, an unknown one, SQL that fails, and an OUT with no ledger', async () => {
    const run = (o: Partial<Parameters<typeof runQueryCommand>[0]>, dir = out) => runQueryCommand({ list: false, values: {}, out: dir, format: 'table', write: () => {}, ...o });
    await expect(run({ saved: 'stalled-projects', values: { month: '2026-10' } })).rejects.toThrow('保存查询 stalled-projects 需要参数：--months');
    await expect(run({ saved: 'nope' })).rejects.toThrow('没有名为 nope 的保存查询');
    await expect(run({ sql: 'SELECT nosuchcolumn FROM ledger' })).rejects.toThrow(/^查询失败：/);
    await expect(run({ sql: 'SELECT 1' }, mkdtempSync(join(tmpdir(), 'tb-empty-')))).rejects.toThrow(/没有可查询的台账/);
  });
});
