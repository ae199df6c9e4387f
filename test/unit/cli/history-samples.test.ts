import { describe, expect, it } from 'vitest';
import { unitHistory, monthsOf, type HistoryOptions } from '../../../cli/samples/history-model';
import { unitMonthFile } from '../../../cli/samples/history-files';
import { checkUpload } from '../../../functions/core/ingest/check-upload';
import { parseConfig } from '../../../functions/core/shared/config';
import { REPORTING_UNITS, division } from '../../../functions/core/shared/divisions';
import { statusLevel, type LedgerRow } from '../../../functions/core/ledger/ledger-row';
import { profileOf } from '../../../cli/samples/profile';

// Three months across a new year, a handful of units in every format the generator writes
// (xlsx, CSV UTF-8 with and without BOM, GB18030) and one that states money in 亿元.
const OPTS: HistoryOptions = { from: '2025-11', to: '2026-01', projectsPerUnit: 12 };
const MONTHS = monthsOf(OPTS.from, OPTS.to);
const config = parseConfig({});

function someUnits() {
  const byFormat = new Map<string, string>();
  for (const u of REPORTING_UNITS) {
    const f = profileOf(u).formats['2026-10'];
    if (!byFormat.has(f)) byFormat.set(f, u.code);
  }
  const yi = REPORTING_UNITS.find((u) => profileOf(u).money === '亿元')!.code;
  return [...new Set([...byFormat.values(), yi, '410173', '419001'])].map((c) => division(c)!);
}

async function filesOf(code: string) {
  const u = division(code)!;
  const h = unitHistory(u, OPTS);
  return Promise.all(h.months.map((m) => unitMonthFile(u, m)));
}

describe('samples:history generator', () => {
  const units = someUnits();

  it('covers every file format and a unit stating 亿元', () => {
    expect(new Set(units.map((u) => profileOf(u).formats['2026-10']))).toEqual(new Set(['xlsx', 'csv-utf8', 'csv-utf8-bom', 'csv-gb18030']));
    expect(units.some((u) => profileOf(u).money === '亿元')).toBe(true);
  });

  it('is deterministic: the same options give the same bytes', async () => {
    for (const u of units.slice(0, 3)) {
      const a = await filesOf(u.code);
      const b = await filesOf(u.code);
      expect(a.map((f) => f?.bytes.toString('base64'))).toEqual(b.map((f) => f?.bytes.toString('base64')));
    }
  });

  it('another seed gives other ledgers', async () => {
    const u = units[0];
    const a = unitHistory(u, OPTS).months[0].entries!.map((e) => e.p.code);
    const b = unitHistory(u, { ...OPTS, seed: 7 }).months[0].entries!.map((e) => e.p.code);
    expect(a).not.toEqual(b);
  });

  it('every file is accepted by ingest without a warning; statuses never go back; 本年累计 restarts in January', async () => {
    let files = 0;
    for (const u of units) {
      const byMonth = new Map<string, LedgerRow[]>();
      for (const [i, f] of (await filesOf(u.code)).entries()) {
        if (!f) continue;
        const month = MONTHS[i];
        const r = await checkUpload(`incoming/${month}/${u.code}/${f.fileName}`, f.bytes, config);
        expect({ file: f.fileName, month, errors: r.errors, warnings: r.warnings }).toEqual({ file: f.fileName, month, errors: [], warnings: [] });
        expect(r.rows.length).toBe(f.rows);
        byMonth.set(month, r.rows);
        files++;
      }
      const [nov, dec, jan] = MONTHS.map((m) => byMonth.get(m));
      const pairs = [[nov, dec], [dec, jan]].filter((p): p is [LedgerRow[], LedgerRow[]] => !!p[0] && !!p[1]);
      for (const [prev, next] of pairs) {
        const now = new Map(next.map((r) => [r.projectCode, r]));
        for (const p of prev) {
          const n = now.get(p.projectCode);
          // the ledger keeps every project (a terminated one too)
          expect(n, `${u.code} ${p.projectCode}`).toBeDefined();
          if (p.status === '已终止') expect(n!.status).toBe('已终止');
          else if (n!.status !== '已终止') expect(statusLevel(n!.status)).toBeGreaterThanOrEqual(statusLevel(p.status));
        }
      }
      if (dec && nov) {
        const before = new Map(nov.map((r) => [r.projectCode, r.ytdCompleted]));
        for (const r of dec) if (before.has(r.projectCode)) expect(r.ytdCompleted).toBeGreaterThanOrEqual(before.get(r.projectCode)!);
      }
      if (jan) {
        // January's 1—1月累计 is January's work alone (the months before do not carry over)
        for (const r of jan) if (r.monthCompleted !== null) expect(r.ytdCompleted).toBeCloseTo(r.monthCompleted, 6);
        if (dec) expect(jan.reduce((s, r) => s + r.ytdCompleted, 0)).toBeLessThan(dec.reduce((s, r) => s + r.ytdCompleted, 0));
      }
      if (nov && jan) expect(jan.length).toBeGreaterThan(nov.length); // January is a new 期次: the ledger grows
    }
    expect(files).toBeGreaterThanOrEqual(units.length * 2);
  });

  it('some units miss a month over two years, and the first month is complete', () => {
    const long: HistoryOptions = { from: '2025-01', to: '2026-12', projectsPerUnit: 3 };
    const missing = REPORTING_UNITS.slice(0, 60).flatMap((u) => unitHistory(u, long).months.filter((m) => !m.entries).map((m) => m.month));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing).not.toContain('2025-01');
  });
});
