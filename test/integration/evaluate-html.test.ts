/** The 年度考评通报's HTML (fonts embedded, so not a unit test): escaping and self-containment. */
import { describe, expect, it } from 'vitest';
import { renderEvaluationHtml } from '../../functions/adapters/render/evaluation-html';
import { evaluateYear } from '../../functions/core/evaluation/evaluate-year';
import { evaluationModel } from '../../functions/core/evaluation/evaluation-view';
import { computeMonth } from '../../functions/core/metrics/compute-month';
import { parseConfig } from '../../functions/core/shared/config';
import { makeRow } from '../helpers/rows';

describe('年度考评通报 HTML', () => {
  it('escapes what the configuration brings (a keyword with markup) and holds no address', async () => {
    const config = parseConfig({ evaluation: { keyIndustries: { keywords: ['<script>alert(1)</script>', '两新一重'] } } });
    const ledger = { '411102': [makeRow({ unitCode: '411102', batch: '签约', status: '已开工', industry: '两新一重' })] };
    const month = computeMonth({ month: '2026-02', ledger, previous: null, config });
    const doc = evaluateYear({ year: 2026, months: [{ doc: month, key: null }], skippedMonths: [], config, generatedAt: 'x' });
    const html = await renderEvaluationHtml(evaluationModel(doc, config, '2027-01-10'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<h1 class="doc-heading">2026年度全省“三个一批”项目建设考评结果</h1>');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
