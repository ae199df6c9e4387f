/**
 * 年度考评 (core/evaluation): the worked example of docs/metrics.md, the key-industry weight, the
 * two rules for unreported months, skipped months and ties, all against figures computed by hand.
 * The months are real rates.json documents (computeMonth over small ledgers).
 */
import { describe, expect, it } from 'vitest';
import type { LedgerRow, MonthLedger } from '../../../functions/core/ledger/ledger-row';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import { type Config, parseConfig } from '../../../functions/core/shared/config';
import { evaluateYear, type EvaluationMonthInput } from '../../../functions/core/evaluation/evaluate-year';
import { isKeyIndustry, keyFiguresOf, ledgerMismatch } from '../../../functions/core/evaluation/key-industry';
import { makeRow } from '../../helpers/rows';

const row = (unitCode: string, batch: LedgerRow['batch'], status: LedgerRow['status'], industry: string | null = null) =>
  makeRow({ unitCode, batch, status, industry });

// The worked example (docs/metrics.md, 年度考评): 中原区 410102, January and March; absent in February.
const jan: MonthLedger = {
  '410102': [
    row('410102', '签约', '已开工', '先进制造业'),
    row('410102', '签约', '已签约', '“两新一重”'),
    row('410102', '签约', '已落地', '商贸物流'),
    row('410102', '签约', '已开工', null),
    row('410102', '开工', '已投产', '文化旅游'),
    row('410102', '开工', '已开工', '文化旅游'),
  ],
};
const feb: MonthLedger = { '410103': [row('410103', '签约', '已落地')] };
const mar: MonthLedger = {
  '410102': [
    row('410102', '签约', '已开工', '先进制造业'),
    row('410102', '签约', '已落地', '“两新一重”'),
    row('410102', '签约', '已开工', '商贸物流'),
    row('410102', '签约', '已开工', null),
    row('410102', '开工', '已投产', '文化旅游'),
    row('410102', '开工', '已投产', '文化旅游'),
    row('410102', '投产', '已达效', '现代农业'),
  ],
};

function monthsOf(ledgers: Record<string, MonthLedger>, config: Config): EvaluationMonthInput[] {
  return Object.entries(ledgers).map(([month, ledger]) => {
    const doc = computeMonth({ month, ledger, previous: null, config });
    const key = config.evaluation.keyIndustries.extraWeight > 0 ? keyFiguresOf(ledger, config.evaluation.keyIndustries.keywords, doc.config.landingCriterion) : null;
    return { doc, key };
  });
}

function evaluate(ledgers: Record<string, MonthLedger>, evaluation: Record<string, unknown> = {}) {
  const config = parseConfig({ evaluation });
  return evaluateYear({ year: 2026, months: monthsOf(ledgers, config), skippedMonths: [], config, generatedAt: '2027-01-10T01:00:00Z' });
}

const unit = (doc: ReturnType<typeof evaluate>, code: string) => doc.units.find((u) => u.code === code)!;

describe('年度考评: the worked example', () => {
  const doc = evaluate({ '2026-01': jan, '2026-02': feb, '2026-03': mar });
  const u = unit(doc, '410102');

  it('weighs key-industry projects 1.5 times in each month: 签约落地率 3.5/5 in January, 开工率 3.5/5 in March', () => {
    const [m1, m2, m3] = u.months;
    expect(m1.rates.signingLanding).toBeCloseTo(0.7, 12);
    expect(m1.rates.start).toBeCloseTo(0.5, 12);
    expect(m1.rates.production).toBeCloseTo(0.5, 12);
    expect(m1.rates.efficiency).toBeNull();
    expect(m1.keyProjects).toBe(2);
    expect(m2.reported).toBe(false);
    expect(m3.rates.signingLanding).toBeCloseTo(1, 12);
    expect(m3.rates.start).toBeCloseTo(0.7, 12);
    expect(m3.rates.efficiency).toBeCloseTo(1, 12);
  });

  it('counts February as 0 for the rates it has this year; the score is 49.0 and 中原区 ranks first', () => {
    expect(u.monthsReported).toBe(2);
    expect(u.rates.signingLanding).toBeCloseTo(1.7 / 3, 12);
    expect(u.rates.start).toBeCloseTo(0.4, 12);
    expect(u.rates.production).toBeCloseTo(0.5, 12);
    // efficiency: January has no 投产 batch (drops out), February 0, March 100%
    expect(u.rates.efficiency).toBeCloseTo(0.5, 12);
    expect(u.score).toBeCloseTo(49, 9);
    expect(u.rank).toBe(1);
    expect(doc.months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(doc.config).toEqual({
      weights: { signingLanding: 30, start: 30, investmentCompletion: 0, production: 20, efficiency: 20 },
      keyIndustries: { keywords: ['先进制造', '战略性新兴产业', '两新一重', '新型基础设施', '新型城镇化'], extraWeight: 0.5 },
      unreportedMonths: 'zero',
    });
  });

  it('without the extra weight the same months score 50.0', () => {
    const plain = unit(evaluate({ '2026-01': jan, '2026-02': feb, '2026-03': mar }, { keyIndustries: { extraWeight: 0 } }), '410102');
    expect(plain.months[0].rates.signingLanding).toBeCloseTo(0.75, 12);
    expect(plain.months[0].keyProjects).toBeNull();
    expect(plain.score).toBeCloseTo(50, 9);
  });

  it('with unreportedMonths: skip, February drops out: 78.5', () => {
    const skip = unit(evaluate({ '2026-01': jan, '2026-02': feb, '2026-03': mar }, { unreportedMonths: 'skip' }), '410102');
    expect(skip.rates.signingLanding).toBeCloseTo(0.85, 12);
    expect(skip.rates.start).toBeCloseTo(0.6, 12);
    expect(skip.rates.efficiency).toBeCloseTo(1, 12);
    expect(skip.score).toBeCloseTo(78.5, 9);
  });

  it('the weights are the configured ones: only 开工率 weighted gives its component as the score', () => {
    const only = unit(evaluate({ '2026-01': jan, '2026-02': feb, '2026-03': mar }, { weights: { signingLanding: 0, start: 1, investmentCompletion: 0, production: 0, efficiency: 0 } }), '410102');
    expect(only.score).toBeCloseTo(40, 9);
  });

  it('a city is scored on its summed counts: 郑州 reported all three months', () => {
    const zz = doc.cities.find((c) => c.code === '410100')!;
    expect(zz.monthsReported).toBe(3);
    // February: 410103 alone, one 签约 project landed, not started
    expect(zz.months[1].rates.signingLanding).toBe(1);
    expect(zz.months[1].rates.start).toBe(0);
    // 郑州 = 中原区 in January and March; February 100% / 0%; efficiency only March
    expect(zz.rates.signingLanding).toBeCloseTo((0.7 + 1 + 1) / 3, 12);
    expect(zz.rates.start).toBeCloseTo((0.5 + 0 + 0.7) / 3, 12);
    expect(zz.rates.production).toBeCloseTo(0.75, 12);
    expect(zz.rates.efficiency).toBeCloseTo(1, 12);
    expect(zz.score).toBeCloseTo(30 * 0.9 + 30 * 0.4 + 20 * 0.75 + 20 * 1, 9);
    expect(zz.rank).toBe(1);
    expect(doc.province.rank).toBeNull();
    expect(doc.province.score).toBeCloseTo(zz.score!, 9);
  });
});

describe('年度考评: ranks and months', () => {
  it('ties share a rank as rank.ts does; a unit that never reported scores 0 (zero) or is unranked (skip)', () => {
    const same = (code: string, started: boolean) => [row(code, '签约', started ? '已开工' : '已落地'), row(code, '签约', '已开工')];
    const ledgers = { '2026-05': { '410102': same('410102', true), '410103': same('410103', true), '410104': same('410104', false) } };
    const doc = evaluate(ledgers);
    expect([unit(doc, '410102').rank, unit(doc, '410103').rank, unit(doc, '410104').rank]).toEqual([1, 1, 3]);
    expect(unit(doc, '410104').score).toBeCloseTo(75, 9);
    const never = unit(doc, '411102');
    expect(never.monthsReported).toBe(0);
    expect(never.score).toBe(0);
    expect(never.rank).toBe(4);
    expect(doc.units).toHaveLength(158);
    expect(doc.cities).toHaveLength(19);
    const skip = evaluate(ledgers, { unreportedMonths: 'skip' });
    expect(unit(skip, '411102').score).toBeNull();
    expect(unit(skip, '411102').rank).toBeNull();
  });

  it('scores that print alike (66.666… and 66.7) are tied; 66.64 is not', () => {
    // 投资完成率 alone weighted: 200/300, 667/1000, 666.4/1000
    const config = parseConfig({ evaluation: { weights: { signingLanding: 0, start: 0, investmentCompletion: 1, production: 0, efficiency: 0 }, keyIndustries: { extraWeight: 0 } } });
    const money = (unitCode: string, annualPlan: number, ytdCompleted: number) => [makeRow({ unitCode, annualPlan, ytdCompleted })];
    const ledger: MonthLedger = { '410102': money('410102', 300, 200), '410103': money('410103', 1000, 667), '410104': money('410104', 1000, 666.4) };
    const doc = evaluateYear({ year: 2026, months: monthsOf({ '2026-06': ledger }, config), skippedMonths: [{ month: '2026-07', reason: '尚未计算' }], config, generatedAt: 'x' });
    expect(unit(doc, '410102').score).toBeCloseTo(200 / 3, 9);
    expect(unit(doc, '410103').score).toBeCloseTo(66.7, 9);
    expect([unit(doc, '410102').rank, unit(doc, '410103').rank, unit(doc, '410104').rank]).toEqual([1, 1, 3]);
    expect(doc.skippedMonths).toEqual([{ month: '2026-07', reason: '尚未计算' }]);
  });

  it('refuses a month of another year; a year with no month used lists every unit unscored', () => {
    const config = parseConfig({});
    expect(() => evaluateYear({ year: 2027, months: monthsOf({ '2026-01': jan }, config), skippedMonths: [], config, generatedAt: 'x' })).toThrow('2026-01 不属于 2027 年');
    const empty = evaluateYear({ year: 2027, months: [], skippedMonths: [], config, generatedAt: 'x' });
    expect(empty.units).toHaveLength(158);
    expect(empty.units.every((u) => u.score === null && u.rank === null)).toBe(true);
  });
});

describe('key industries', () => {
  it('match on 产业类别 whatever the quotes and spaces; not on other text', () => {
    const kw = parseConfig({}).evaluation.keyIndustries.keywords;
    expect(isKeyIndustry('“两新一重”', kw)).toBe(true);
    expect(isKeyIndustry('两新一重项目', kw)).toBe(true);
    expect(isKeyIndustry('先进 制造业（装备）', kw)).toBe(true);
    expect(isKeyIndustry('战略性新兴产业', kw)).toBe(true);
    expect(isKeyIndustry('商贸物流', kw)).toBe(false);
    expect(isKeyIndustry(null, kw)).toBe(false);
    expect(isKeyIndustry('先进制造业', ['  '])).toBe(false);
  });

  it('a ledger copy that is not the one rates.json counted is said so', () => {
    const doc = computeMonth({ month: '2026-01', ledger: jan, previous: null, config: parseConfig({}) });
    expect(ledgerMismatch(doc, jan)).toBeNull();
    expect(ledgerMismatch(doc, { '410102': jan['410102'].slice(1) })).toBe('台账副本与 rates.json 不一致（中原区：台账 5 行，rates.json 6 个项目）');
    expect(ledgerMismatch(doc, { ...jan, '410103': [row('410103', '签约', '已落地')] })).toMatch(/二七区：台账 1 行，rates.json 未报送/);
  });
});
