/**
 * Deterministic generator of sample monthly ledgers (2026-09 and 2026-10) for every
 * reporting unit: `npx tsx cli/samples/generate.ts` (or `npm run samples`).
 * Clears and rewrites samples/2026-09 and samples/2026-10, then prints a summary.
 */
import { mkdirSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CITIES, shortName } from '../../functions/core/shared/divisions';
import { day, utcDate } from './dates';
import { buildLedger, isBad, isMissing, MONTHS, SPECIAL, type MonthKey } from './model';
import { Rng } from './prng';
import { profileOf, type Format } from './profile';
import { cityRates, cityTies, grade, pct, ratesOf, RATE_KEYS } from './stats';
import { buildTable, csvBytes, xlsxBytes, type CellOverrides } from './writers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(ROOT, 'samples');

/** The bad upload's broken cells: data row index (0-based; the clerk's row is index + 2). */
const BAD_ROWS = { totalInvestment: 4, batch: 11 } as const;

const EXT: Record<Format, string> = { xlsx: 'xlsx', 'csv-utf8': 'csv', 'csv-utf8-bom': 'csv', 'csv-gb18030': 'csv' };

async function main(): Promise<void> {
  const ledger = buildLedger();
  const summary: string[] = [];
  let totalBytes = 0;

  for (const month of MONTHS) {
    const dir = path.join(OUT, month);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const byFormat: Record<Format, number> = { xlsx: 0, 'csv-utf8': 0, 'csv-utf8-bom': 0, 'csv-gb18030': 0 };
    let files = 0;
    let rows = 0;
    const missing: string[] = [];
    let badNote = '';

    for (const l of ledger.units) {
      const u = l.unit;
      if (isMissing(u.code, month)) {
        missing.push(`${u.code} ${u.name}`);
        continue;
      }
      const profile = profileOf(u);
      const format = profile.formats[month];
      let overrides: CellOverrides | undefined;
      if (isBad(u.code, month)) {
        overrides = new Map([
          [BAD_ROWS.totalInvestment, { totalInvestment: '待定' }],
          [BAD_ROWS.batch, { batch: '签约二批' }],
        ]);
      }
      const table = buildTable(u, l.projects, month, profile, format === 'xlsx', overrides);
      const file = path.join(dir, `${u.code}-${u.name}.${EXT[format]}`);
      let bytes: Buffer;
      if (format === 'xlsx') {
        const r = Rng.for(`upload:${u.code}:${month}`);
        const [y, m] = month.split('-').map(Number);
        const uploadDay = day(y, m + 1, r.int(1, 5));
        bytes = await xlsxBytes(table, profile, month, {
          created: utcDate(day(2026, 1, 6), 1, 30),
          modified: utcDate(uploadDay, r.int(1, 9), r.int(0, 59)),
        });
      } else {
        bytes = csvBytes(table, format === 'csv-gb18030' ? 'gb18030' : format === 'csv-utf8-bom' ? 'utf8-bom' : 'utf8');
      }
      writeFileSync(file, bytes);
      totalBytes += bytes.length;
      files++;
      rows += table.rows.length;
      byFormat[format]++;
      if (overrides) {
        const hdr = (f: 'totalInvestment' | 'batch') => table.headers[table.fields.indexOf(f)];
        badNote =
          `${u.code} ${u.name} (${path.basename(file)}): row ${BAD_ROWS.totalInvestment + 2} ${hdr('totalInvestment')} = "待定", ` +
          `row ${BAD_ROWS.batch + 2} ${hdr('batch')} = "签约二批"`;
      }
    }

    const prov = ratesOf(ledger.units, month);
    summary.push(
      `\n== ${month}: ${files} files (xlsx ${byFormat.xlsx}, csv utf-8 ${byFormat['csv-utf8']}, ` +
        `csv utf-8+BOM ${byFormat['csv-utf8-bom']}, csv gb18030 ${byFormat['csv-gb18030']}), ${rows} data rows`,
      `   missing: ${missing.join(', ') || 'none'}`,
      `   bad (must be rejected): ${badNote || 'none'}`,
      `   province (accepted files only, ${prov.projects} projects): ` +
        RATE_KEYS.map((k) => `${k} ${pct(prov[k])}`).join(', '),
    );
    const cities = cityRates(ledger, month);
    summary.push('   city-level units     签约落地率 开工率    投资完成率 投产率    达效率   (G/Y/R = 红黄绿)');
    for (const c of cities) {
      summary.push(
        `     ${c.code} ${c.name.padEnd(4, '　')} ` +
          RATE_KEYS.map((k) => `${pct(c.rates[k]).padStart(6)} ${grade(k, c.rates[k], month)}`).join('  '),
      );
    }
    const ties = cityTies(cities);
    summary.push(`   exact ties among city-level units: ${ties.join('; ') || 'none'}`);
    // county grade spread
    const spread = RATE_KEYS.map((k) => {
      const g = { G: 0, Y: 0, R: 0, '-': 0 } as Record<string, number>;
      for (const l of ledger.units) {
        if (isMissing(l.unit.code, month) || isBad(l.unit.code, month)) continue;
        g[grade(k, ratesOf([l], month)[k], month)]++;
      }
      return `${k} G${g.G}/Y${g.Y}/R${g.R}${g['-'] ? `/null${g['-']}` : ''}`;
    });
    summary.push(`   reporting-unit grades: ${spread.join(', ')}`);
  }

  const size = (d: string) => readdirSync(d).reduce((s, f) => s + statSync(path.join(d, f)).size, 0);
  console.log('three-batches sample ledgers → samples/2026-09, samples/2026-10');
  console.log(summary.join('\n'));
  console.log('\n== deliberate findings');
  for (const n of ledger.notes) console.log(`   ${n}`);
  console.log(`   tie: ${SPECIAL.tie.map((c) => shortName(CITIES.find((x) => x.code === c)!)).join(' and ')} on 签约落地率 in 2026-10`);
  console.log(
    `\n== size: ${(totalBytes / 1024).toFixed(0)} KiB written ` +
      `(2026-09 ${(size(path.join(OUT, '2026-09')) / 1024).toFixed(0)} KiB, 2026-10 ${(size(path.join(OUT, '2026-10')) / 1024).toFixed(0)} KiB)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
