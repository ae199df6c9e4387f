import { describe, expect, it } from 'vitest';
import { REPORTING_UNITS } from '../../../../functions/core/shared/divisions';
import { parseConfig } from '../../../../functions/core/shared/config';
import { build } from '../../../helpers/bulletin-build';
import { nearTieMonth } from '../../../helpers/near-ties';

describe('附表', () => {
  it('every reporting unit, by city, each city closed by its subtotal; the province last', () => {
    const a = build().appendix!;
    const units = a.rows.filter((r) => r.kind === 'unit');
    const subtotals = a.rows.filter((r) => r.kind === 'subtotal');
    // 济源 and 航空港区 report for themselves: one row each, as a subtotal
    expect(units).toHaveLength(REPORTING_UNITS.length - 2);
    expect(subtotals).toHaveLength(19);
    expect(a.rows.at(-1)).toMatchObject({ kind: 'total', name: '全省合计', projects: '1234' });
    const i = a.rows.findIndex((r) => r.name === '漯河市小计');
    expect(a.rows.slice(i - 5, i + 1).map((r) => r.name)).toEqual(['源汇区', '郾城区', '召陵区', '舞阳县', '临颍县', '漯河市小计']);
    expect(a.rows[i - 5].rates.find((r) => r.key === 'start')).toEqual({ key: 'start', value: '80.0%', gradeClass: 'grade-green' });
    expect(a.rows[i - 2]).toMatchObject({ name: '舞阳县', status: '未报送', projects: '—' });
    expect(a.rows.find((r) => r.name === '济源市')).toMatchObject({ kind: 'subtotal' });
  });

  it('济源 and 航空港区, which report for themselves, carry their 位次 among the reporting units as rates.json ranks them', () => {
    const config = parseConfig({});
    const doc = nearTieMonth(3, config);
    const rows = build(doc, config).appendix!.rows;
    for (const [code, name] of [['419001', '济源市'], ['410173', '郑州航空港经济综合实验区']]) {
      const ranked = doc.units.find((u) => u.level === 'county' && u.code === code)!;
      expect(ranked.scoreRank).toEqual(expect.any(Number));
      expect(rows.find((r) => r.name === name)).toMatchObject({ kind: 'subtotal', rank: String(ranked.scoreRank) });
    }
    // a city's 小计 row is not a reporting unit: no 位次
    expect(rows.find((r) => r.name === '郑州市小计')!.rank).toBe('—');
  });
});
