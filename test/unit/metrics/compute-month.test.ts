import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../../functions/core/shared/config';
import type { LedgerRow, MonthLedger } from '../../../functions/core/ledger/ledger-row';
import type { UnitResult } from '../../../functions/core/metrics/rates-types';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import { makeRow } from '../../helpers/rows';

const row = (unitCode: string, over: Partial<LedgerRow> = {}) => makeRow({ ...over, unitCode });

/*
 * Four reporting units in three city-level units:
 *   郑州 410100: 中原区 410102, 二七区 410103   开封 410200: 龙亭区 410202   济源 419001 (reports itself)
 */
const ZY = '410102';
const EQ = '410103';
const LT = '410202';
const JY = '419001';

const A1 = row(ZY, { status: '已开工', annualPlan: 100, ytdCompleted: 80 });
const A2 = row(ZY, { status: '已落地', annualPlan: 100, ytdCompleted: 50 });
const A3 = row(ZY, { status: '已签约', annualPlan: 0, ytdCompleted: 0 });
const A4 = row(ZY, { batch: '开工', status: '已投产', annualPlan: 200, ytdCompleted: 180 });
const B1 = row(EQ, { status: '已开工', annualPlan: 100, ytdCompleted: 90 });
const B2 = row(EQ, { status: '已终止', annualPlan: 100, ytdCompleted: 10 });
const B3 = row(EQ, { batch: '投产', status: '已达效', phase: 2, annualPlan: 50, ytdCompleted: 50 });
const C1 = row(LT, { status: '已落地', annualPlan: 100, ytdCompleted: 100 });
const C2 = row(LT, { status: '已开工', annualPlan: 100, ytdCompleted: 50 });
const C3 = row(LT, { batch: '开工', status: '已开工', annualPlan: 100, ytdCompleted: 60, projectCode: 'LT-坏代码' });
const D1 = row(JY, { status: '已落地', phase: 2, annualPlan: 75, ytdCompleted: 75 });
const D2 = row(JY, { status: '已签约', phase: 2, annualPlan: 75, ytdCompleted: 35 });

const ledger: MonthLedger = { [ZY]: [A1, A2, A3, A4], [EQ]: [B1, B2, B3], [LT]: [C1, C2, C3], [JY]: [D1, D2] };

// 2026-09: 中原区 and 龙亭区 reported; A2 was 已开工 then (so Q1 now), A1 only signed.
const previous: MonthLedger = {
  [ZY]: [
    { ...A1, status: '已签约', ytdCompleted: 70 },
    { ...A2, status: '已开工', ytdCompleted: 40 },
    A3,
    { ...A4, status: '已开工', ytdCompleted: 150 },
  ],
  [LT]: [C1, C2, C3],
};

const doc = computeMonth({ month: '2026-10', ledger, previous, config: DEFAULT_CONFIG, computedAt: '2026-11-05T00:00:00Z' });

function unit(level: UnitResult['level'], code: string): UnitResult {
  const u = doc.units.find((x) => x.level === level && x.code === code);
  if (!u) throw new Error(`no ${level} ${code}`);
  return u;
}

describe('computeMonth: shape', () => {
  it('lists province, 19 city-level units and 158 reporting units, in code order', () => {
    expect(doc.units).toHaveLength(1 + 19 + 158);
    expect(doc.units[0]).toMatchObject({ level: 'province', code: '410000', name: '河南省', cityCode: null });
    const cities = doc.units.slice(1, 20);
    expect(cities.every((u) => u.level === 'city')).toBe(true);
    expect(cities.map((u) => u.code)).toEqual([...cities.map((u) => u.code)].sort());
    expect(cities[1].code).toBe('410173');
    const counties = doc.units.slice(20);
    expect(counties.every((u) => u.level === 'county')).toBe(true);
    expect(counties.map((u) => u.code)).toEqual([...counties.map((u) => u.code)].sort());
    // 济源 and 航空港区 appear as city and as county.
    expect(doc.units.filter((u) => u.code === JY).map((u) => u.level)).toEqual(['city', 'county']);
    expect(doc.units.filter((u) => u.code === '410173').map((u) => u.level)).toEqual(['city', 'county']);
  });

  it('carries month, 时序进度, config and computedAt', () => {
    expect(doc.schemaVersion).toBe(1);
    expect(doc.month).toBe('2026-10');
    expect(doc.timeProgress).toBeCloseTo(10 / 12, 12);
    expect(doc.config).toEqual({ landingCriterion: 'landed' });
    expect(doc.computedAt).toBe('2026-11-05T00:00:00Z');
    const noStamp = computeMonth({ month: '2026-10', ledger, previous, config: DEFAULT_CONFIG });
    expect(noStamp.computedAt).toBeUndefined();
    expect('computedAt' in noStamp).toBe(false);
  });

  it('lists every reporting unit without an upload as unreported', () => {
    expect(doc.unreported).toHaveLength(158 - 4);
    expect(doc.unreported).toContain('410104');
    expect(doc.unreported).toContain('410173');
    expect(doc.unreported).not.toContain(ZY);
    expect(doc.unreported).not.toContain(JY);
    expect(doc.unreported).toEqual([...doc.unreported].sort());
  });
});

describe('computeMonth: numbers', () => {
  it('province aggregates every reported row', () => {
    const p = unit('province', '410000');
    expect(p.reported).toBe(true);
    expect(p.reportingUnits).toBe(158);
    expect(p.reportedUnits).toBe(4);
    expect(p.counts).toEqual({
      projects: 12,
      signed: 9,
      signedLanded: 6,
      signedStarted: 3,
      startBatch: 2,
      startBatchInProduction: 1,
      productionBatch: 1,
      productionBatchAtCapacity: 1,
      terminated: 1,
    });
    expect(p.investment).toEqual({ total: 12000, annualPlan: 1100, ytdCompleted: 780 });
    expect(p.rates.signingLanding).toBeCloseTo(6 / 9, 12);
    expect(p.rates.start).toBeCloseTo(3 / 9, 12);
    expect(p.rates.investmentCompletion).toBeCloseTo(780 / 1100, 12);
    expect(p.rates.production).toBe(0.5);
    expect(p.rates.efficiency).toBe(1);
    expect(p.rank).toEqual({ signingLanding: null, start: null, investmentCompletion: null, production: null, efficiency: null });
    expect(p.rankInCity).toBeUndefined();
  });

  it('a city aggregates only its reporting units that reported', () => {
    const zz = unit('city', '410100');
    expect(zz.reportingUnits).toBe(12);
    expect(zz.reportedUnits).toBe(2);
    expect(zz.counts.signed).toBe(5);
    expect(zz.rates.signingLanding).toBe(0.6);
    expect(zz.rates.start).toBe(0.4);
    expect(zz.rates.investmentCompletion).toBeCloseTo(460 / 650, 12);
    expect(zz.rates.production).toBe(1);
    expect(zz.rates.efficiency).toBe(1);
    expect(zz.cityCode).toBe('410100');

    const kf = unit('city', '410200');
    expect(kf.reportedUnits).toBe(1);
    expect(kf.rates).toEqual({ signingLanding: 1, start: 0.5, investmentCompletion: 0.7, production: 0, efficiency: null });

    const jy = unit('city', JY);
    expect(jy.reportingUnits).toBe(1);
    expect(jy.rates).toEqual(unit('county', JY).rates);
  });

  it('county rates, with 已终止 in the denominator', () => {
    const eq = unit('county', EQ);
    expect(eq.cityCode).toBe('410100');
    expect(eq.counts.terminated).toBe(1);
    expect(eq.rates).toEqual({ signingLanding: 0.5, start: 0.5, investmentCompletion: 0.6, production: null, efficiency: 1 });
    const zy = unit('county', ZY);
    expect(zy.rates.signingLanding).toBeCloseTo(2 / 3, 12);
    expect(zy.rates.start).toBeCloseTo(1 / 3, 12);
    expect(zy.rates.investmentCompletion).toBe(0.775);
    expect(zy.rates.efficiency).toBeNull();
  });

  it('ranks cities among the 19 city-level units', () => {
    // signingLanding: 郑州 0.6, 开封 1, 济源 0.5; 投资完成率: 郑州 460/650 ≈ 70.8%, 开封 70%, 济源 110/150 ≈ 73.3%
    const r = (code: string) => unit('city', code).rank;
    expect([r('410100').signingLanding, r('410200').signingLanding, r(JY).signingLanding]).toEqual([2, 1, 3]);
    expect([r('410100').investmentCompletion, r('410200').investmentCompletion, r(JY).investmentCompletion]).toEqual([2, 3, 1]);
    expect(r('410300').signingLanding).toBeNull();
  });

  it('ranks counties among all reporting units, with ties (1, 2, 3, 3) and (1, 1, 3, 4)', () => {
    const r = (code: string) => unit('county', code).rank;
    // signingLanding: 龙亭 1, 中原 2/3, 二七 0.5, 济源 0.5
    expect([r(LT), r(ZY), r(EQ), r(JY)].map((x) => x.signingLanding)).toEqual([1, 2, 3, 3]);
    // start: 二七 0.5, 龙亭 0.5, 中原 1/3, 济源 0
    expect([r(EQ), r(LT), r(ZY), r(JY)].map((x) => x.start)).toEqual([1, 1, 3, 4]);
    expect(r('410104').signingLanding).toBeNull();
    expect(r(JY).production).toBeNull();
  });

  it('ranks counties within their city (rankInCity)', () => {
    expect(unit('county', ZY).rankInCity).toMatchObject({ signingLanding: 1, start: 2, production: 1, efficiency: null });
    expect(unit('county', EQ).rankInCity).toMatchObject({ signingLanding: 2, start: 1, production: null, efficiency: 1 });
    expect(unit('county', LT).rankInCity).toMatchObject({ signingLanding: 1, start: 1 });
    expect(unit('county', '410104').rankInCity?.signingLanding).toBeNull();
  });

  it('grades against thresholds and 时序进度, including the exact 10-point line', () => {
    expect(unit('county', ZY).grade).toEqual({
      signingLanding: 'yellow',
      start: 'red',
      investmentCompletion: 'yellow',
      production: 'green',
      efficiency: null,
    });
    // 济源 110/150 = 73.33% is exactly 10 points under 83.33%.
    expect(unit('county', JY).grade.investmentCompletion).toBe('red');
  });

  it('scores on the non-null rates and ranks the score', () => {
    expect(unit('county', ZY).score).toBeCloseTo(62.5, 10);
    expect(unit('county', EQ).score).toBeCloseTo(62.5, 10);
    expect(unit('county', LT).score).toBeCloseTo(56.25, 10);
    expect(unit('county', JY).score).toBeCloseTo(25, 10);
    expect([ZY, EQ, LT, JY].map((c) => unit('county', c).scoreRank)).toEqual([1, 1, 3, 4]);
  });

  it('changes against M−1, null where the unit did not report in M−1', () => {
    const zy = unit('county', ZY);
    expect(zy.change.signingLanding).toBeCloseTo(1 / 3, 12);
    expect(zy.change.start).toBeCloseTo(0, 12);
    expect(zy.change.investmentCompletion).toBeCloseTo(0.775 - 0.65, 12);
    expect(zy.change.production).toBe(1);
    expect(zy.change.efficiency).toBeNull();
    expect(Object.values(unit('county', EQ).change).every((v) => v === null)).toBe(true);
    expect(unit('county', LT).change.signingLanding).toBe(0);
  });

  it('gives previousRank from M−1', () => {
    expect(unit('county', ZY).previousRank?.signingLanding).toBe(2);
    expect(unit('county', LT).previousRank?.signingLanding).toBe(1);
    expect(unit('county', EQ).previousRank?.signingLanding).toBeNull();
    const noPrev = computeMonth({ month: '2026-10', ledger, previous: null, config: DEFAULT_CONFIG });
    expect(noPrev.units.every((u) => u.previousRank === null)).toBe(true);
    expect(noPrev.units.every((u) => Object.values(u.change).every((v) => v === null))).toBe(true);
  });

  it('gives unreported units zeros and nulls, nothing carried forward', () => {
    const u = unit('county', '410104');
    expect(u.reported).toBe(false);
    expect(u.counts.projects).toBe(0);
    expect(u.investment).toEqual({ total: 0, annualPlan: 0, ytdCompleted: 0 });
    for (const m of [u.rates, u.change, u.rank, u.grade]) expect(Object.values(m).every((v) => v === null)).toBe(true);
    expect(u.score).toBeNull();
    expect(u.scoreRank).toBeNull();
    const city = unit('city', '410300');
    expect(city.reported).toBe(false);
    expect(city.reportedUnits).toBe(0);
    expect(city.score).toBeNull();
    // 龙亭区 reported in 2026-09 but not in a later month: no carry-forward.
    const later = computeMonth({ month: '2026-11', ledger: { [ZY]: [A1] }, previous: ledger, config: DEFAULT_CONFIG });
    const lt = later.units.find((x) => x.level === 'county' && x.code === LT)!;
    expect(lt.reported).toBe(false);
    expect(lt.rates.signingLanding).toBeNull();
    expect(lt.change.signingLanding).toBeNull();
    expect(later.unreported).toContain(LT);
  });

  it('groups the province rows by phase', () => {
    expect(doc.byPhase.map((p) => p.phase)).toEqual([1, 2]);
    const [p1, p2] = doc.byPhase;
    expect(p1.counts.projects).toBe(9);
    expect(p1.rates.signingLanding).toBeCloseTo(5 / 7, 12);
    expect(p2.counts.projects).toBe(3);
    expect(p2.rates).toMatchObject({ signingLanding: 0.5, start: 0, production: null, efficiency: 1 });
    expect(p2.investment).toEqual({ total: 3000, annualPlan: 200, ytdCompleted: 160 });
  });

  it('collects cross-month and row quality findings in order', () => {
    expect(doc.quality.map((f) => [f.check, f.unitCode, f.projectCode])).toEqual([
      ['Q1', ZY, A2.projectCode],
      ['Q7', LT, 'LT-坏代码'],
    ]);
  });

  it("honours landingCriterion 'started'", () => {
    const config: Config = { ...DEFAULT_CONFIG, landingCriterion: 'started' };
    const d = computeMonth({ month: '2026-10', ledger, previous, config });
    expect(d.config.landingCriterion).toBe('started');
    const zy = d.units.find((x) => x.level === 'county' && x.code === ZY)!;
    expect(zy.counts.signedLanded).toBe(1);
    expect(zy.rates.signingLanding).toBeCloseTo(1 / 3, 12);
    expect(d.units[0].rates.signingLanding).toBeCloseTo(3 / 9, 12);
  });
});

describe('computeMonth: January', () => {
  it('compares count rates with December but gives no 投资完成率 change', () => {
    const december: MonthLedger = { [ZY]: [{ ...A1, status: '已签约', ytdCompleted: 95 }, A2, A3, A4] };
    const january: MonthLedger = { [ZY]: [{ ...A1, ytdCompleted: 5 }, { ...A2, ytdCompleted: 0 }, A3, { ...A4, ytdCompleted: 0 }] };
    const d = computeMonth({ month: '2027-01', ledger: january, previous: december, config: DEFAULT_CONFIG });
    const zy = d.units.find((x) => x.level === 'county' && x.code === ZY)!;
    expect(d.timeProgress).toBeCloseTo(1 / 12, 12);
    expect(zy.change.signingLanding).toBeCloseTo(2 / 3 - 1 / 3, 12);
    expect(zy.change.start).toBeCloseTo(1 / 3, 12);
    expect(zy.change.investmentCompletion).toBeNull();
    // No Q2 for the reset ytd in January.
    expect(d.quality.filter((f) => f.check === 'Q2')).toEqual([]);
  });
});

describe('byBatch', () => {
  it('splits projects and money by batch for every unit, and the batches add up to the totals', () => {
    const ledger: MonthLedger = {
      '411102': [
        row('411102', { batch: '签约', totalInvestment: 100, annualPlan: 10, ytdCompleted: 5 }),
        row('411102', { batch: '开工', totalInvestment: 200, annualPlan: 20, ytdCompleted: 15 }),
      ],
      '411103': [row('411103', { batch: '开工', totalInvestment: 0.1, annualPlan: 0.2, ytdCompleted: 0.1 })],
    };
    const doc = computeMonth({ month: '2026-10', ledger, previous: null, config: DEFAULT_CONFIG });
    const province = doc.units.find((u) => u.level === 'province')!;
    expect(province.byBatch).toEqual({
      签约: { projects: 1, total: 100, annualPlan: 10, ytdCompleted: 5 },
      开工: { projects: 2, total: 200.1, annualPlan: 20.2, ytdCompleted: 15.1 },
      投产: { projects: 0, total: 0, annualPlan: 0, ytdCompleted: 0 },
    });
    const luohe = doc.units.find((u) => u.level === 'city' && u.code === '411100')!;
    expect(luohe.byBatch).toEqual(province.byBatch);
    const unreported = doc.units.find((u) => u.code === '410102' && u.level === 'county')!;
    expect(unreported.byBatch!.签约.projects).toBe(0);
  });
});

describe('computeMonth: timeliness (按时报送 / 逾期报送 / 未报送)', () => {
  // 中原区 on time (a Shanghai 17:00 on the 3rd), 二七区 late (18:00:01), 龙亭区 exactly at 18:00,
  // 济源 late on the 5th; 410104 uploaded only refused files (rejected-only), the rest sent nothing.
  const acceptedAt = {
    [ZY]: '2026-11-03T09:00:00.000Z',
    [EQ]: '2026-11-03T10:00:01.000Z',
    [LT]: '2026-11-03T10:00:00.000Z',
    [JY]: '2026-11-05T02:00:00.000Z',
  };
  const t = computeMonth({ month: '2026-10', ledger, previous, config: DEFAULT_CONFIG, rejectedUnits: ['410104'], acceptedAt });
  const u = (level: UnitResult['level'], code: string) => t.units.find((x) => x.level === level && x.code === code)!;

  it('states each reporting unit by its accepted upload against the deadline', () => {
    expect(t.deadline).toBe('2026-11-03T10:00:00.000Z');
    expect(u('county', ZY).reporting).toEqual({ status: 'on-time', at: acceptedAt[ZY] });
    expect(u('county', EQ).reporting).toEqual({ status: 'late', at: acceptedAt[EQ] });
    expect(u('county', LT).reporting).toEqual({ status: 'on-time', at: acceptedAt[LT] });
    expect(u('county', JY).reporting).toEqual({ status: 'late', at: acceptedAt[JY] });
  });

  it('a unit whose only uploads were refused is 未报送 for timeliness (and stays in rejected)', () => {
    expect(u('county', '410104').reporting).toEqual({ status: 'missing', at: null });
    expect(t.rejected).toEqual(['410104']);
    expect(u('county', '410105').reporting).toEqual({ status: 'missing', at: null });
  });

  it('counts per city and province; 报送及时率 = 按时 ÷ 应报单位数', () => {
    const zz = u('city', '410100');
    expect(zz.timeliness).toEqual({ onTime: 1, late: 1, missing: zz.reportingUnits! - 2, rate: 1 / zz.reportingUnits! });
    expect(u('city', JY).timeliness).toEqual({ onTime: 0, late: 1, missing: 0, rate: 0 });
    const p = u('province', '410000');
    expect(p.timeliness).toEqual({ onTime: 2, late: 2, missing: p.reportingUnits! - 4, rate: 2 / p.reportingUnits! });
    // A city with no upload at all: everything missing, rate 0.
    expect(u('city', '410300').timeliness).toMatchObject({ onTime: 0, late: 0, rate: 0 });
  });

  it('a month with no accepted upload: every unit missing, rate 0', () => {
    const none = computeMonth({ month: '2026-10', ledger: {}, previous: null, config: DEFAULT_CONFIG, acceptedAt: {} });
    const p = none.units.find((x) => x.level === 'province')!;
    expect(p.timeliness).toEqual({ onTime: 0, late: 0, missing: p.reportingUnits, rate: 0 });
    expect(none.units.filter((x) => x.level === 'county').every((x) => x.reporting?.status === 'missing')).toBe(true);
  });

  it('the deadline comes from the config; without acceptedAt nothing is added (older callers, older documents)', () => {
    const later = computeMonth({ month: '2026-10', ledger, previous, config: { ...DEFAULT_CONFIG, deadline: { dayOfNextMonth: 10, hour: 18, minute: 0 } }, acceptedAt });
    expect(later.units.find((x) => x.level === 'province')!.timeliness).toMatchObject({ onTime: 4, late: 0 });
    expect(doc.deadline).toBeUndefined();
    expect(doc.units.some((x) => x.reporting || x.timeliness)).toBe(false);
  });
});
