import { describe, expect, it } from 'vitest';
import { trendOption } from '../../../functions/core/bulletin/trend-chart';
import { earlierMonthsOfYear, monthPoint, yearSeries } from '../../../functions/core/bulletin/trend-data';
import { monthRanges, trendSection } from '../../../functions/core/bulletin/sections/trend';
import type { RatesDoc } from '../../../functions/core/metrics/rates-types';
import { makeDoc } from '../../helpers/bulletin-fixture';
import { build, luohe } from '../../helpers/bulletin-build';

/** The fixture's month with the province's 签约落地率 and 开工率 set, and Luohe (411100) reported or not. */
function monthDoc(month: string, signing: number, start: number, luoheReports = true): RatesDoc {
  const doc = makeDoc({ month, provinceRates: { signingLanding: signing, start } });
  for (const u of doc.units) if (u.level === 'city' && u.code === '411100') u.reported = luoheReports;
  return doc;
}

describe('1—M月 trend data', () => {
  it('January … M−1 are the months read before M', () => {
    expect(earlierMonthsOfYear('2026-01')).toEqual([]);
    expect(earlierMonthsOfYear('2026-04')).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('a unit that did not report is absent from the month’s point, not zero', () => {
    const p = monthPoint(monthDoc('2026-03', 0.5, 0.4, false));
    expect(p.units['city/411100']).toBeUndefined();
    expect(p.units['province/410000']).toEqual({ signingLanding: 0.5, start: 0.4, investmentCompletion: 0.5702 });
  });

  it('the series runs January … M with null for a month never computed', () => {
    const s = yearSeries(monthDoc('2026-04', 0.8, 0.57), [monthPoint(monthDoc('2026-01', 0.5, 0.3)), null, monthPoint(monthDoc('2026-03', 0.7, 0.5))]);
    expect(s.months).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(s.points.map((p) => p?.units['province/410000']?.signingLanding ?? null)).toEqual([0.5, null, 0.7, 0.8]);
  });
});

describe('1—M月 trend section', () => {
  const history = [monthPoint(monthDoc('2026-01', 0.5, 0.3)), null, monthPoint(monthDoc('2026-03', 0.7, 0.6, false))];
  const doc = monthDoc('2026-04', 0.8, 0.57);

  it('is absent in January and without history', () => {
    expect(build(monthDoc('2026-01', 0.5, 0.3), undefined, { history: [] }).trend).toBeNull();
    expect(build(doc).trend).toBeNull();
  });

  it('the province: its three rates with 时序进度, first → last month in words, a small chart per city-level unit', () => {
    const t = build(doc, undefined, { history }).trend!;
    expect(t.heading).toBe('1—4月走势');
    expect(t.paragraph).toBe('1—4月，全省签约落地率由1月的 50.0% 升至4月的 80.0%，开工率由1月的 30.0% 升至4月的 57.0%，投资完成率1月、4月均为 57.0%；4月末时序进度为 33.3%。');
    expect(t.main.lines.map((l) => l.name)).toEqual(['签约落地率', '开工率', '投资完成率', '时序进度']);
    // February was never computed: a gap, not a zero.
    expect(t.main.lines[0].values).toEqual([50, null, 70, 80]);
    expect(t.main.lines[3].values).toEqual([8.3, 16.7, 25, 33.3]);
    expect(t.main.number).toBe(`图${build(doc).units.charts.length + 1}`);
    expect(t.small).toHaveLength(19);
    expect(t.smallCaption).toBe(`图${build(doc).units.charts.length + 2}　各地1—4月主要指标走势`);
    expect(t.note).toContain('全省2月无数据');
  });

  it('a city that did not report in a month has a gap there; its edition charts its counties', () => {
    const t = luohe(doc, { history }).trend!;
    const province = build(doc, undefined, { history }).trend!;
    const luoheSmall = province.small.find((c) => c.title === '漯河')!;
    expect(luoheSmall.lines[1].values[2]).toBeNull();
    expect(t.main.lines[1].values[2]).toBeNull();
    expect(t.main.title).toBe('漯河市1—4月主要指标走势');
    expect(t.small.map((c) => c.title)).toEqual(['源汇区', '郾城区', '召陵区', '舞阳县', '临颍县']);
    expect(t.note).toContain('漯河市2—3月无数据');
  });

  it('the chart option breaks the line at a gap and draws 时序进度 dotted', () => {
    const t = build(doc, undefined, { history }).trend!;
    const opt = trendOption(t.main) as { series: Array<{ data: unknown[]; connectNulls: boolean; lineStyle: { type: string } }> };
    expect(opt.series[0].data).toEqual([50, '-', 70, 80]);
    expect(opt.series.every((s) => s.connectNulls === false)).toBe(true);
    expect(opt.series[3].lineStyle.type).toBe('dotted');
  });

  it('says months as ranges', () => {
    expect(monthRanges([1, 2, 3, 5, 7, 8])).toBe('1—3月、5月、7—8月');
    expect(monthRanges([])).toBe('');
  });

  it('is left out when the unit has data for one month only', () => {
    expect(trendSection(yearSeries(doc, [null, null, null]), { key: 'province/410000', name: '全省', who: '全省', everyone: '各地' }, [], 1)).toBeNull();
    expect(trendSection(yearSeries(doc, [null, null, null]), { key: 'city/411100', name: '漯河', who: '漯河市', everyone: '各县（市、区）' }, [], 1)).toBeNull();
  });
});
