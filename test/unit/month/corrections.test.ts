import { describe, expect, it } from 'vitest';
import { correctionView } from '../../../functions/core/bulletin/correction';
import { correctionNote } from '../../../functions/core/month/corrections';
import type { RatesDoc, UnitResult } from '../../../functions/core/metrics/rates-types';

const rates = (signingLanding: number | null) => ({ signingLanding, start: 0.5, investmentCompletion: 0.8, production: null, efficiency: null });
const ranks = (n: number | null) => ({ signingLanding: n, start: n, investmentCompletion: n, production: null, efficiency: null });

function unit(level: UnitResult['level'], code: string, name: string, cityCode: string | null, landing: number | null, rank: number | null, reported = true): UnitResult {
  return {
    level, code, name, cityCode, reported,
    rates: reported ? rates(landing) : { signingLanding: null, start: null, investmentCompletion: null, production: null, efficiency: null }, rank: level === 'county' ? ranks(null) : ranks(rank), rankInCity: level === 'county' ? ranks(rank) : undefined,
    score: null, scoreRank: null,
  } as unknown as UnitResult;
}

const doc = (version: number, units: UnitResult[]) => ({ schemaVersion: 1, month: '2026-10', version, units, computedAt: '2026-11-05T01:00:00Z' }) as unknown as RatesDoc;

const v1 = doc(1, [
  unit('province', '410000', '河南省', null, 0.5704, null),
  unit('city', '411100', '漯河市', '411100', 0.6, 2),
  unit('city', '410100', '郑州市', '410100', 0.7, 1),
  unit('county', '411102', '源汇区', '411100', 0.6, 1),
  unit('county', '411103', '郾城区', '411100', null, null, false),
  unit('county', '410102', '中原区', '410100', 0.7, 1),
]);
const v2 = doc(2, [
  unit('province', '410000', '河南省', null, 0.5701, null), // prints 57.0% both times: not a correction
  unit('city', '411100', '漯河市', '411100', 0.75, 1),
  unit('city', '410100', '郑州市', '410100', 0.7, 2), // its rank only
  unit('county', '411102', '源汇区', '411100', 0.6, 2),
  unit('county', '411103', '郾城区', '411100', 0.9, 1),
  unit('county', '410102', '中原区', '410100', 0.7, 1),
]);

describe('更正说明', () => {
  const note = correctionNote(v1, v2, v1.computedAt!);

  it('lists exactly the units that read differently in print, old → new', () => {
    expect(note.replaces).toBe(1);
    expect(note.changes.map((c) => c.code)).toEqual(['411100', '410100', '411102', '411103']);
    const yc = note.changes.find((c) => c.code === '411103')!;
    expect(yc.fields.map((f) => `${f.label} ${f.from} → ${f.to}`)).toEqual([
      '报送 未报送 → 已报送',
      '签约落地率 — → 90.0%',
      '开工率 — → 50.0%',
      '投资完成率 — → 80.0%',
      '签约落地率市内排名 — → 第1名',
      '开工率市内排名 — → 第1名',
      '投资完成率市内排名 — → 第1名',
    ]);
  });

  it('a city edition shows its own units and names rank-only moves in one paragraph', () => {
    const v2doc = { ...v2, correction: note };
    const luohe = correctionView(v2doc, '411100')!;
    expect(luohe.notice).toBe('本期为更正版（第 2 版），替代2026年11月5日印发的第 1 版；以本版为准。');
    expect(luohe.rows.map((r) => r.name)).toEqual(['漯河市', '郾城区']);
    expect(luohe.ranks).toBe('另有 1 个单位仅排名变化：源汇区（签约落地率市内排名 第1名 → 第2名；开工率市内排名 第1名 → 第2名；投资完成率市内排名 第1名 → 第2名）。');
    const zz = correctionView(v2doc, '410100')!;
    expect(zz.rows).toEqual([]);
    expect(zz.ranks).toContain('郑州市（签约落地率排名 第1名 → 第2名');
    expect(correctionView({ ...v2doc, version: 1 }, null)).toBeNull();
  });
});
