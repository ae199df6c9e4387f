/** A hand-made rates document for bulletin tests (not computed: every number is chosen). */
import { CITIES, PROVINCE_CODE } from '../../functions/core/shared/divisions';
import { parseConfig, type Config } from '../../functions/core/shared/config';
import { emptyCounts, emptyInvestment } from '../../functions/core/metrics/rates';
import { RATE_KEYS, type Grade, type RateMap, type RatesDoc, type UnitResult } from '../../functions/core/metrics/rates-types';

type Rates = RateMap<number | null>;

const nullMap = <T>(v: T): RateMap<T> => ({
  signingLanding: v,
  start: v,
  investmentCompletion: v,
  production: v,
  efficiency: v,
});

export function unit(p: Partial<UnitResult> & Pick<UnitResult, 'level' | 'code' | 'name'>): UnitResult {
  return {
    cityCode: null,
    reported: true,
    counts: emptyCounts(),
    investment: emptyInvestment(),
    rates: nullMap<number | null>(null),
    change: nullMap<number | null>(null),
    rank: nullMap<number | null>(null),
    grade: nullMap<Grade | null>(null),
    score: null,
    ...p,
  };
}

/** Start rates of the 19 city-level units, in CITIES order (郑州, 开封, 洛阳, …). */
export const CITY_START: Array<number | null> = [
  0.8, 0.55, 0.8, 0.62, 0.48, 0.5, 0.66, 0.7, 0.58, 0.71, 0.6, 0.52, 0.2, 0.45, 0.59, 0.61, 0.2, 0.57, null,
];

export function makeDoc(overrides: { month?: string; provinceRates?: Partial<Rates>; provinceChange?: Partial<Rates> } = {}): RatesDoc {
  const month = overrides.month ?? '2026-10';
  const tp = Number(month.slice(5)) / 12;
  const province = unit({
    level: 'province',
    code: PROVINCE_CODE,
    name: '河南省',
    counts: {
      projects: 1234,
      signed: 500,
      signedLanded: 400,
      signedStarted: 285,
      startBatch: 420,
      startBatchInProduction: 90,
      productionBatch: 314,
      productionBatchAtCapacity: 296,
      terminated: 7,
    },
    investment: { total: 123456789, annualPlan: 4567890, ytdCompleted: 2605000 },
    rates: {
      signingLanding: 0.8,
      start: 0.57,
      investmentCompletion: 0.5702,
      production: 0.2142857,
      efficiency: 0.943,
      ...overrides.provinceRates,
    },
    change: {
      signingLanding: 0.012,
      start: -0.008,
      investmentCompletion: 0.05,
      production: 0,
      efficiency: null,
      ...overrides.provinceChange,
    },
    grade: { signingLanding: 'green', start: 'yellow', investmentCompletion: 'red', production: 'red', efficiency: 'green' },
    score: 63.4,
  });
  const cities = CITIES.map((c, i) => {
    const start = CITY_START[i];
    const ic = i % 3 === 0 ? tp + 0.02 : i % 3 === 1 ? tp - 0.05 : tp - 0.2;
    const grade = (v: number | null): Grade | null => (v === null ? null : v >= 0.75 ? 'green' : v >= 0.5 ? 'yellow' : 'red');
    return unit({
      level: 'city',
      code: c.code,
      name: c.name,
      cityCode: c.code,
      reported: start !== null,
      counts: { ...province.counts, projects: 50 + i },
      rates:
        start === null
          ? nullMap<number | null>(null)
          : { signingLanding: 0.7, start, investmentCompletion: ic, production: 0.3, efficiency: 0.9 },
      grade:
        start === null
          ? nullMap<Grade | null>(null)
          : {
              signingLanding: 'yellow',
              start: grade(start),
              investmentCompletion: i % 3 === 0 ? 'green' : i % 3 === 1 ? 'yellow' : 'red',
              production: 'red',
              efficiency: 'green',
            },
      score: start === null ? null : 50 + i,
      reportingUnits: 10,
      reportedUnits: start === null ? 0 : 10,
    });
  });
  // Ranks among cities (competition), as compute would write them.
  for (const key of RATE_KEYS) {
    const vals = cities.map((c) => c.rates[key]);
    cities.forEach((c) => {
      const v = c.rates[key];
      c.rank = { ...c.rank, [key]: v === null ? null : 1 + vals.filter((x) => x !== null && x > v).length };
    });
  }
  const counties = [
    unit({ level: 'county', code: '410102', name: '中原区', cityCode: '410100', reported: false }),
    unit({ level: 'county', code: '410105', name: '金水区', cityCode: '410100', reported: false }),
    unit({ level: 'county', code: '410173', name: '郑州航空港经济综合实验区', cityCode: '410173', reported: false }),
    ...luoheCounties(tp),
  ];
  return {
    schemaVersion: 1,
    month,
    timeProgress: tp,
    config: { landingCriterion: 'landed' },
    units: [province, ...cities, ...counties],
    byPhase: [
      { phase: 1, counts: { ...province.counts, projects: 80 }, investment: emptyInvestment(), rates: { signingLanding: 0.9, start: 0.57, investmentCompletion: 0.9, production: 0.21, efficiency: 0.943 } },
      { phase: 2, counts: { ...province.counts, projects: 40 }, investment: emptyInvestment(), rates: { signingLanding: 0.5, start: 0.25, investmentCompletion: 0.4, production: null, efficiency: null } },
    ],
    unreported: ['410105', '410173', '410102', '411121'],
    quality: [
      { check: 'Q3', unitCode: '411103', projectCode: '2601-411103-04-01-000002', message: `项目“${EVIL_PROJECT}”（2601-411103-04-01-000002）本年累计完成投资300万元超过总投资200万元，请核实金额或单位（万元）` },
      { check: 'Q1', unitCode: '411102', projectCode: '2601-411102-04-01-000001', message: '项目“冷链物流中心”（2601-411102-04-01-000001）状态由“已开工”（2026年9月）退回“已落地”（2026年10月），项目状态不应倒退，请核实' },
      { check: 'Q7', unitCode: '410102', projectCode: 'X-1', message: '项目“中原项目”的项目代码“X-1”不符合全国投资项目统一代码格式，请核实' },
    ],
  };
}

/** An upload-controlled project name (it reaches the bulletin inside a data-quality message). */
export const EVIL_PROJECT = '<script>alert("x")</script>食品加工园';

/**
 * 漯河's five reporting units, numbers chosen by hand (10/12 时序进度 → 83.3%):
 *   开工率  源汇区 80.0%, 郾城区 80.0% (tie), 临颍县 60.0%, 召陵区 45.0% (red); 舞阳县 未报送
 *   达效率  源汇区, 郾城区, 召陵区 100.0%; 临颍县 none (no 投产 batch)
 *   投资完成率 召陵区 70.0% (13.3 points below: red); 源汇区 投产率 fell 8.0 points
 */
function luoheCounties(tp: number): UnitResult[] {
  const grade = (v: number | null): Grade | null => (v === null ? null : v >= 0.75 ? 'green' : v >= 0.5 ? 'yellow' : 'red');
  const icGrade = (v: number | null): Grade | null => (v === null ? null : v >= tp ? 'green' : tp - v < 0.1 ? 'yellow' : 'red');
  const mk = (code: string, name: string, rates: Rates | null, score: number | null, change: Partial<Rates> = {}) =>
    unit({
      level: 'county',
      code,
      name,
      cityCode: '411100',
      reported: rates !== null,
      counts: { projects: 20, signed: 10, signedLanded: 8, signedStarted: 6, startBatch: 6, startBatchInProduction: 3, productionBatch: rates?.efficiency === null ? 0 : 4, productionBatchAtCapacity: 4, terminated: 0 },
      rates: rates ?? nullMap<number | null>(null),
      change: { ...nullMap<number | null>(null), ...change },
      grade: rates
        ? { signingLanding: grade(rates.signingLanding), start: grade(rates.start), investmentCompletion: icGrade(rates.investmentCompletion), production: grade(rates.production), efficiency: grade(rates.efficiency) }
        : nullMap<Grade | null>(null),
      score,
    });
  const list = [
    mk('411102', '源汇区', { signingLanding: 0.9, start: 0.8, investmentCompletion: 0.86, production: 0.6, efficiency: 1 }, 82, { start: 0.1, production: -0.08 }),
    mk('411103', '郾城区', { signingLanding: 0.85, start: 0.8, investmentCompletion: 0.84, production: 0.5, efficiency: 1 }, 78.5, { start: 0 }),
    mk('411104', '召陵区', { signingLanding: 0.6, start: 0.45, investmentCompletion: 0.7, production: 0.3, efficiency: 1 }, 55.25),
    mk('411121', '舞阳县', null, null),
    mk('411122', '临颍县', { signingLanding: 0.7, start: 0.6, investmentCompletion: 0.8, production: 0.4, efficiency: null }, 61),
  ];
  for (const key of RATE_KEYS) {
    const vals = list.map((c) => c.rates[key]);
    list.forEach((c) => {
      const v = c.rates[key];
      c.rankInCity = { ...(c.rankInCity ?? nullMap<number | null>(null)), [key]: v === null ? null : 1 + vals.filter((x) => x !== null && x > v).length };
    });
  }
  return list;
}

export const testConfig: Config = parseConfig({
  bulletin: { issuer: '河南省“三个一批”项目建设活动领导小组办公室', issueBase: 1, issueBaseMonth: '2026-01' },
});
