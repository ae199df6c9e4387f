import { describe, expect, it } from 'vitest';
import { formatCsv, formatJson, formatTable } from '../../../cli/local/result-format';
import { displayWidth } from '../../../cli/local/text-width';
import { PARAM_OPTIONS } from '../../../cli/commands/query-params';
import { bindParams, loadSavedQueries, parseSavedQuery, placeholderCount } from '../../../infra/saved-queries';

describe('saved queries (queries/*.sql)', () => {
  it('each has its name on the first line and one @param per ?, in order', () => {
    const byName = Object.fromEntries(loadSavedQueries().map((q) => [q.name, q]));
    expect(Object.keys(byName)).toEqual(['city-rates', 'stalled-projects', 'unit-history']);
    expect(byName['city-rates'].params.map((p) => p.name)).toEqual(['month']);
    expect(byName['unit-history'].params.map((p) => p.name)).toEqual(['unit']);
    expect(byName['stalled-projects'].params.map((p) => p.name)).toEqual(['month', 'month', 'months']);
    expect(byName['stalled-projects'].summary).toBe('某月台账上签约超过 N 个月仍未落地的“签约一批”项目');
    // tb query has an option, with its check, for every parameter a saved query takes.
    for (const q of Object.values(byName)) for (const p of q.params) expect(Object.keys(PARAM_OPTIONS)).toContain(p.name);
    expect(PARAM_OPTIONS.month.check('2026-13')).toMatch(/月份格式/);
    expect(PARAM_OPTIONS.months.check('-1')).toMatch(/整数/);
    expect(PARAM_OPTIONS.unit.check('411102')).toBeNull();
  });

  it('keeps to SQL that Athena (Trino) and DuckDB read alike: no DuckDB-only or Trino-only spellings', () => {
    for (const q of loadSavedQueries()) {
      const body = q.sql.split('\n').filter((l) => !l.startsWith('--')).join('\n');
      // DuckDB's ::casts, FILTER, QUALIFY, GROUP BY ALL, date_diff/interval arithmetic; Trino's date_add/TRY.
      expect(body).not.toMatch(/::|\bFILTER\s*\(|\bQUALIFY\b|GROUP BY ALL|\bdate_diff\b|\bdate_add\b|\bINTERVAL\b|\bTRY\(|\bcount_if\b|read_parquet/i);
      expect(body).toMatch(/\bFROM ledger\b/);
    }
  });

  it('counts ? outside comments and quoted text only', () => {
    expect(placeholderCount("SELECT ? -- why?\n, '?' , \"a?\" , 'it''s ?' , ?")).toBe(2);
  });

  it('refuses a file whose header does not match its ?', () => {
    expect(() => parseSavedQuery('x', '-- x: a\n-- @param month m\nSELECT ?, ?')).toThrow('2 "?" but 1 @param');
    expect(() => parseSavedQuery('x', '-- y: a\nSELECT 1')).toThrow(/first line/);
  });

  it('binds named values to positions, a repeated name twice, and names what is missing once', () => {
    const q = parseSavedQuery('s', '-- s: a\n-- @param month m\n-- @param month m\n-- @param months n\nSELECT ?, ?, ?');
    expect(bindParams(q, { month: '2026-10', months: '6' })).toEqual({ values: ['2026-10', '2026-10', '6'], missing: [] });
    expect(bindParams(q, {}).missing).toEqual(['month', 'months']);
  });
});

describe('tb query output', () => {
  const result = {
    columns: ['city_code', 'city_name', 'projects', 'rate'],
    rows: [
      ['410100', '郑州市', 40, 0.9166666666666666],
      ['410173', '郑州航空港经济综合实验区', 7, null],
    ],
  };

  it('table: columns aligned in terminal cells (CJK is two), numbers right-aligned, NULL as —, float noise cut', () => {
    const lines = formatTable(result).split('\n');
    expect(lines).toHaveLength(5);
    const [header, rule, a, b, count] = lines;
    expect(count).toBe('（2 行）');
    expect(rule).toMatch(/^-+ {2}-+ {2}-+ {2}-+$/);
    // Every column starts at the same terminal cell on every line.
    const starts = (l: string) => {
      const cells: number[] = [];
      let w = 0;
      let prevSpace = true;
      for (const ch of l) {
        if (ch !== ' ' && prevSpace) cells.push(w);
        prevSpace = ch === ' ';
        w += displayWidth(ch);
      }
      return cells;
    };
    expect(starts(a).slice(0, 2)).toEqual(starts(header).slice(0, 2));
    expect(starts(b).slice(0, 2)).toEqual(starts(header).slice(0, 2));
    expect(displayWidth(a)).toBe(displayWidth(b));
    expect(a).toContain('0.916667');
    expect(b.trimEnd().endsWith('—')).toBe(true);
  });

  it('JSON: one object per row, values as they are', () => {
    expect(JSON.parse(formatJson(result))).toEqual([
      { city_code: '410100', city_name: '郑州市', projects: 40, rate: 0.9166666666666666 },
      { city_code: '410173', city_name: '郑州航空港经济综合实验区', projects: 7, rate: null },
    ]);
  });

  it('CSV: quoted where needed, NULL empty, and a text a spreadsheet would run as a formula kept as text', () => {
    const csv = formatCsv({ columns: ['a', 'b'], rows: [['x,"y"', null], ['=HYPERLINK("http://x")', -1.5], ['@SUM(A1)', 2]] });
    expect(csv).toBe('a,b\r\n"x,""y""",\r\n"\'=HYPERLINK(""http://x"")",-1.5\r\n\'@SUM(A1),2\r\n');
  });
});
