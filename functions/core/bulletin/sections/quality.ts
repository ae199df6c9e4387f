/**
 * 四、数据质量: the month's findings of the checks Q1–Q8 (docs/metrics.md), grouped by unit, at
 * most a configured number listed. The province lists every unit's; a city edition only its own. Pure.
 */
import { CITIES, division } from '../../shared/divisions';
import { cmp } from '../cells';
import type { QualityCheck, QualityFinding } from '../../metrics/rates-types';
import type { QualityGroup, QualitySection } from '../view-model';

export const QUALITY_LABEL: Record<QualityCheck, string> = {
  Q1: '状态倒退',
  Q2: '累计投资减少',
  Q3: '累计投资超总投资',
  Q4: '月度投资与累计不符',
  Q5: '项目重复填报',
  Q6: '项目缺失',
  Q7: '项目代码不规范',
  Q8: '日期有误',
};

/**
 * Findings grouped by unit (city order, then code), at most `limit` listed; the rest counted.
 * `restWhere` says where the rest can be read ("详见各市分册"); `scope` whose 台账 the summary
 * names ("本市", or "" for the province's and a self-reporting unit's).
 */
export function qualitySection(findings: readonly QualityFinding[], limit: number, restWhere: string, scope: string): QualitySection {
  const total = findings.length;
  if (!total) {
    return { total, summary: `本月数据质量检查未发现${scope}台账存在问题。`, groups: [], rest: '' };
  }
  const cityOrder = new Map(CITIES.map((c, i) => [c.code, i]));
  const sorted = [...findings].sort((a, b) => {
    const ca = cityOrder.get(division(a.unitCode)?.cityCode ?? '') ?? CITIES.length;
    const cb = cityOrder.get(division(b.unitCode)?.cityCode ?? '') ?? CITIES.length;
    return ca - cb || cmp(a.unitCode, b.unitCode) || cmp(a.check, b.check) || cmp(a.projectCode, b.projectCode) || cmp(a.message, b.message);
  });
  const units = new Set(sorted.map((f) => f.unitCode));
  const byCheck = new Map<QualityCheck, number>();
  for (const f of sorted) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
  // The checks by their names: Q1…Q8 are the pipeline's codes, not words of a 通报.
  const checks = [...byCheck.entries()].sort((a, b) => cmp(a[0], b[0])).map(([c, n]) => `${QUALITY_LABEL[c]} ${n} 条`);
  const summary = `本月数据质量检查共发现${scope}台账问题 ${total} 条，涉及 ${units.size} 个单位，其中${checks.join('、')}。请有关单位逐条核实，在下月报送台账时更正。`;

  const groups: QualityGroup[] = [];
  const shown = sorted.slice(0, limit);
  for (const f of shown) {
    let g = groups[groups.length - 1];
    if (!g || g.unitCode !== f.unitCode) {
      const d = division(f.unitCode);
      const city = d && d.cityCode !== d.code ? division(d.cityCode)?.name : undefined;
      g = { unitCode: f.unitCode, heading: d ? (city ? `${d.name}（${city}）` : d.name) : f.unitCode, items: [] };
      groups.push(g);
    }
    g.items.push({ check: f.check, label: QUALITY_LABEL[f.check], projectCode: f.projectCode, message: f.message });
  }
  const restCount = total - shown.length;
  const restUnits = new Set(sorted.slice(limit).map((f) => f.unitCode)).size;
  const rest = restCount > 0 ? `另有 ${restCount} 条问题（涉及 ${restUnits} 个单位）未列出，${restWhere}。` : '';
  return { total, summary, groups, rest };
}
