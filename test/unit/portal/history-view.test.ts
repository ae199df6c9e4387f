import { describe, expect, it } from 'vitest';
import { type MonthPoint, type TrendRates, monthPoint } from '../../../functions/core/bulletin/trend-data';
import { historyMonths, historyScope, historyView } from '../../../functions/core/portal/history-view';
import type { Principal } from '../../../functions/core/portal/tokens';
import { makeDoc } from '../../helpers/bulletin-fixture';

const unit: Principal = { role: 'unit', tokenId: 'u', unitCode: '411102', unitName: '源汇区', expiresAt: null };
const city: Principal = { role: 'city', tokenId: 'c', cityCode: '411100', cityName: '漯河市', expiresAt: null };
const province: Principal = { role: 'province', tokenId: 'p', expiresAt: null };
// 2026-12-03 in Shanghai: the reporting month is 2026-11.
const NOW = new Date('2026-12-03T04:00:00Z');

const r = (signingLanding: number | null, start: number | null, investmentCompletion: number | null): TrendRates => ({ signingLanding, start, investmentCompletion });
const codes = (x: ReturnType<typeof historyScope>): string[] => (x.ok ? x.units.map((u) => `${u.level}/${u.code}`) : [JSON.stringify(x)]);

describe('historyMonths', () => {
  it('runs January … the reporting month this year, all twelve months of an earlier year', () => {
    const now = historyMonths(undefined, NOW);
    expect(now).toMatchObject({ ok: true, year: 2026 });
    expect(now.ok && now.months).toEqual(Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    const before = historyMonths('2025', NOW);
    expect(before.ok && before.months).toHaveLength(12);
    // In January the reporting month is December: the default year is the previous one.
    expect(historyMonths('', new Date('2027-01-05T04:00:00Z'))).toMatchObject({ ok: true, year: 2026 });
  });

  it('refuses a malformed or future year in Chinese', () => {
    expect(historyMonths('26', NOW)).toEqual({ ok: false, status: 400, code: 'bad-year', message: '年份格式应为四位数字，如 2026' });
    expect(historyMonths('2027', NOW)).toMatchObject({ ok: false, status: 400, code: 'future-year', message: '2027年尚无可查看的月份（最新为2026年11月）' });
  });
});

describe('historyScope', () => {
  it('a unit token: its own unit only', () => {
    expect(codes(historyScope(unit, undefined))).toEqual(['county/411102']);
    expect(codes(historyScope(unit, '411102'))).toEqual(['county/411102']);
    expect(historyScope(unit, '411103')).toEqual({ ok: false, status: 403, code: 'other-unit', message: '只能查看本单位的历史数据' });
  });

  it('a city token: its city and its counties, or one of them; another city’s unit is 403', () => {
    expect(codes(historyScope(city, undefined))).toEqual(['city/411100', 'county/411102', 'county/411103', 'county/411104', 'county/411121', 'county/411122']);
    expect(codes(historyScope(city, '411103'))).toEqual(['county/411103']);
    expect(historyScope(city, '410102')).toEqual({ ok: false, status: 403, code: 'other-city', message: '该单位不属于漯河市，无权查看' });
    expect(historyScope(city, '410100')).toMatchObject({ ok: false, status: 403 });
  });

  it('the province: itself and the 19 city-level units, or any city (with its counties) or unit', () => {
    const all = historyScope(province, undefined);
    expect(codes(all).slice(0, 2)).toEqual(['province/410000', 'city/410100']);
    expect(all.ok && all.units).toHaveLength(20);
    expect(all.ok && all.units.filter((u) => u.rankScope === '全省')).toHaveLength(19);
    expect(codes(historyScope(province, '411100'))).toHaveLength(6);
    expect(codes(historyScope(province, '411102'))).toEqual(['county/411102']);
    // 济源 reports for itself: its city-level row (ranked among the 19), no county list.
    expect(codes(historyScope(province, '419001'))).toEqual(['city/419001']);
  });

  it('refuses a code that is no unit of Henan with 400, for every role', () => {
    for (const p of [unit, city, province]) {
      expect(historyScope(p, '999999')).toEqual({ ok: false, status: 400, code: 'bad-unit', message: '单位代码不是河南省的省辖市（示范区）或报送单位' });
    }
  });
});

describe('historyView', () => {
  const months = ['2026-01', '2026-02', '2026-03'];
  const units = historyScope(city, undefined);
  if (!units.ok) throw new Error('scope');
  // January: 源汇区 reported with 开工率 0 (a real zero); February never computed; March computed
  // (version 2), 源汇区 did not report.
  const jan: MonthPoint = {
    month: '2026-01',
    version: 1,
    units: { 'city/411100': r(0.5, 0.25, 0.1), 'county/411102': r(0.6, 0, null) },
    ranks: { 'city/411100': r(3, 7, 12), 'county/411102': r(1, 5, null) },
  };
  const mar: MonthPoint = { month: '2026-03', version: 2, units: { 'city/411100': r(0.7, 0.5, 0.3) }, ranks: { 'city/411100': r(2, 4, 9) } };
  const v = historyView(2026, months, [jan, null, mar], units.units);
  const point = (code: string, i: number) => v.units.find((u) => u.code === code)!.points[i]!;

  it('names the months with their state: published, never computed, republished', () => {
    expect(v.months).toEqual([
      { month: '2026-01', label: '2026年1月', computed: true, version: 1, state: '已发布' },
      { month: '2026-02', label: '2026年2月', computed: false, version: null, state: '未计算' },
      { month: '2026-03', label: '2026年3月', computed: true, version: 2, state: '已更正发布（第2版）' },
    ]);
    expect(v.rates.map((x) => x.name)).toEqual(['签约落地率', '开工率', '投资完成率']);
  });

  it('tells a gap (not computed) from not reported from a zero', () => {
    expect(point('411102', 0)).toEqual({ month: '2026-01', reported: true, rates: r(0.6, 0, null), rank: r(1, 5, null) });
    expect(point('411102', 1)).toEqual({ month: '2026-02', reported: null, rates: null, rank: null });
    expect(point('411102', 2)).toEqual({ month: '2026-03', reported: false, rates: null, rank: null });
    expect(point('411100', 2)).toEqual({ month: '2026-03', reported: true, rates: r(0.7, 0.5, 0.3), rank: r(2, 4, 9) });
  });

  it('a draft month is 草稿（未发布）', () => {
    expect(historyView(2026, ['2026-01'], [{ ...jan, version: null }], units.units).months[0]!.state).toBe('草稿（未发布）');
  });
});

describe('monthPoint ranks', () => {
  it('a county’s rank is within its city, a city-level unit’s among the 19, the province has none', () => {
    const doc = makeDoc({ month: '2026-03' });
    const county = doc.units.find((u) => u.level === 'county' && u.reported)!;
    const cityRow = doc.units.find((u) => u.level === 'city' && u.reported)!;
    county.rankInCity = { ...county.rank, signingLanding: 2, start: 1, investmentCompletion: 3 };
    county.rank = { ...county.rank, signingLanding: 40, start: 90, investmentCompletion: 100 };
    cityRow.rank = { ...cityRow.rank, signingLanding: 5, start: 6, investmentCompletion: 7 };
    doc.version = 1;
    const p = monthPoint(doc);
    expect(p.version).toBe(1);
    expect(p.ranks[`county/${county.code}`]).toEqual(r(2, 1, 3));
    expect(p.ranks[`city/${cityRow.code}`]).toEqual(r(5, 6, 7));
    expect(p.ranks['province/410000']).toEqual(r(null, null, null));
  });
});
