/** The 年度考评通报's view model: the rule as configured, leaders with ties, skipped months, the tables' order. */
import { describe, expect, it } from 'vitest';
import { evaluateYear } from '../../../functions/core/evaluation/evaluate-year';
import { evaluationModel, leadersPhrase, ruleParagraph, skippedPhrase } from '../../../functions/core/evaluation/evaluation-view';
import type { EvaluationUnit } from '../../../functions/core/evaluation/evaluation-types';
import { computeMonth } from '../../../functions/core/metrics/compute-month';
import { parseConfig } from '../../../functions/core/shared/config';
import { makeRow } from '../../helpers/rows';

const unit = (code: string, name: string, score: number | null, rank: number | null, monthsReported = 1): EvaluationUnit => ({
  level: 'county',
  code,
  name,
  cityCode: '411100',
  monthsReported,
  rates: { signingLanding: null, start: null, investmentCompletion: null, production: null, efficiency: null },
  score,
  rank,
  months: [],
});

describe('年度考评通报 view model', () => {
  const config = parseConfig({});
  const ledger = { '411102': [makeRow({ unitCode: '411102', batch: '签约', status: '已开工', industry: '<b>先进制造业</b>' })] };
  const doc = evaluateYear({
    year: 2026,
    months: [{ doc: computeMonth({ month: '2026-02', ledger, previous: null, config }), key: null }],
    skippedMonths: [
      { month: '2026-01', reason: '尚未计算' },
      { month: '2026-03', reason: '尚未计算' },
      { month: '2026-04', reason: '尚未计算' },
      { month: '2026-05', reason: '缺少该月台账副本，无法计算重点领域项目' },
    ],
    config,
    generatedAt: 'x',
  });

  it('states the rule from the configuration: the weighted rates and weights, the key-industry factor, the unreported rule', () => {
    const rule = ruleParagraph(doc);
    expect(rule).toContain('（2月，共 1 个月）');
    expect(rule).toContain('签约落地率、开工率、投产率、达效率');
    expect(rule).not.toContain('投资完成率');
    expect(rule).toContain('按 1.5 倍计入');
    expect(rule).toContain('权重（签约落地率30、开工率30、投产率20、达效率20）');
    expect(rule).toContain('该单位当年有数据的指标按 0 计入');
    const plain = ruleParagraph({ ...doc, config: { ...doc.config, keyIndustries: { keywords: [], extraWeight: 0 }, unreportedMonths: 'skip' } });
    expect(plain).not.toContain('重点领域');
    expect(plain).toContain('未报送的月份不计入该单位的平均值');
  });

  it('groups skipped months by reason and span', () => {
    expect(skippedPhrase(doc)).toBe('2026年1月（尚未计算）；2026年3—4月（尚未计算）；2026年5月（缺少该月台账副本，无法计算重点领域项目）');
  });

  it('names the leaders within the first three; never a unit that did not report; a tie beyond five names drops the boundary group', () => {
    expect(leadersPhrase([unit('1', '甲', 90, 1), unit('2', '乙', 80, 2), unit('3', '丙', 80, 2), unit('4', '丁', 70, 4)], '县（市、区）')).toBe(
      '县（市、区）年度得分居前 3 位的是甲（90.0分）、乙（80.0分）、丙（80.0分）。',
    );
    expect(leadersPhrase([unit('1', '甲', 90, 1), unit('2', '乙', 0, 2, 0)], 'X')).toBe('X年度得分居首位的是甲（90.0分）。');
    const crowd = [unit('1', '甲', 90, 1), ...['乙', '丙', '丁', '戊', '己'].map((n, i) => unit(String(i + 2), n, 50, 2))];
    expect(leadersPhrase(crowd, 'X')).toBe('X年度得分居首位的是甲（90.0分）。');
    expect(leadersPhrase([unit('1', '甲', null, null)], 'X')).toBeNull();
  });

  it('orders the tables by rank, unranked last, and shows the weighted rates only', () => {
    const m = evaluationModel(doc, config, '2027-01-10');
    expect(m.masthead).toMatchObject({ title: '“三个一批”项目建设年度考评通报', issueLabel: '2026年度', issuedOnLabel: '2027年1月10日' });
    expect(m.cityTable.columns).toEqual(['签约落地率', '开工率', '投产率', '达效率']);
    expect(m.cityTable.rows[0]).toMatchObject({ rank: '1', name: '漯河', monthsReported: '1/1', rates: ['100.0%', '100.0%', '—', '—'], score: '100.0' });
    expect(m.unitTable.rows[0]).toMatchObject({ rank: '1', name: '源汇区', city: '漯河' });
    expect(m.unitTable.rows).toHaveLength(158);
    expect(m.chart.bars[0]).toMatchObject({ name: '漯河', label: '100.0' });
    expect(m.summary).toContain('以下月份未计入：2026年1月（尚未计算）；2026年3—4月（尚未计算）；2026年5月（缺少该月台账副本，无法计算重点领域项目）。');
  });
});
