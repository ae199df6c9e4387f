/** A hand-made rates document for bulletin tests (not computed: every number is chosen). */
import { CITIES, PROVINCE_CODE } from '../../functions/core/divisions';
import { parseConfig, type Config } from '../../functions/core/config';
import { emptyCounts, emptyInvestment } from '../../functions/core/rates';
import { RATE_KEYS, type Grade, type RateMap, type RatesDoc, type UnitResult } from '../../functions/core/rates-types';

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
    unit({ level: 'county', code: '411102', name: '源汇区', cityCode: '411100', reported: true }),
    unit({ level: 'county', code: '410173', name: '郑州航空港经济综合实验区', cityCode: '410173', reported: false }),
  ];
  return {
    schemaVersion: 1,
    month,
    timeProgress: tp,
    config: { landingCriterion: 'landed' },
    units: [province, ...cities, ...counties],
    byPhase: [],
    unreported: ['410105', '410173', '410102'],
    quality: [],
  };
}

export const testConfig: Config = parseConfig({
  bulletin: { issuer: '河南省“三个一批”项目建设活动领导小组办公室', issueBase: 1, issueBaseMonth: '2026-01' },
});
