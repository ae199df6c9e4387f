/** The year's history (core/history): reported months carry their rates and ranks; gaps are null, never 0. */
import { describe, expect, it } from 'vitest';
import { buildYearHistory } from '../../../functions/core/history/year-history';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import { parseConfig } from '../../../functions/core/shared/config';
import { makeRow } from '../../helpers/rows';

const config = parseConfig({});
const month = (m: string, units: string[]) =>
  computeMonth({ month: m, ledger: Object.fromEntries(units.map((u) => [u, [makeRow({ unitCode: u, status: '已开工', annualPlan: 100, ytdCompleted: 40 }), makeRow({ unitCode: u })]])), previous: null, config });

describe('buildYearHistory', () => {
  const h = buildYearHistory(2026, [month('2026-03', ['411102']), month('2026-01', ['411102', '411103'])]);
  const unit = (code: string, level = 'county') => h.units.find((u) => u.code === code && u.level === level)!;

  it('gives twelve months with 时序进度, computed or not', () => {
    expect(h.months.map((m) => m.computed)).toEqual([true, false, true, false, false, false, false, false, false, false, false, false]);
    expect(h.months[2].timeProgress).toBeCloseTo(0.25, 12);
    expect(h.units).toHaveLength(178);
  });

  it('a reported month: the three headline rates and their ranks', () => {
    const jan = unit('411102').points[0];
    expect(jan).toMatchObject({ computed: true, reported: true, rank: { signingLanding: 1, start: 1, investmentCompletion: 1 } });
    expect(jan.rates).toEqual({ signingLanding: 0.5, start: 0.5, investmentCompletion: 0.2 });
    expect(jan.score).toBeCloseTo(50, 9);
  });

  it('a month not reported and a month not computed are gaps, not zeros', () => {
    const yc = unit('411103');
    expect(yc.points[2]).toEqual({ month: '2026-03', computed: true, reported: false, rates: null, rank: null, score: null, scoreRank: null });
    expect(yc.points[1]).toEqual({ month: '2026-02', computed: false, reported: null, rates: null, rank: null, score: null, scoreRank: null });
    // 漯河 reported both computed months (411102 in March)
    expect(unit('411100', 'city').points.map((p) => p.reported)).toEqual([true, null, true, null, null, null, null, null, null, null, null, null]);
  });

  it('refuses a month of another year', () => {
    expect(() => buildYearHistory(2027, [month('2026-01', ['411102'])])).toThrow('2026-01 不属于 2027 年');
  });
});
