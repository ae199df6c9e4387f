import type { RatesDoc } from '../metrics/rates-types';
import { division, shortName } from '../shared/divisions';
import type { BulletinModel, UnrecognizedView } from './view-model';

/**
 * The 不予认定 projects as an edition prints them (docs/metrics.md "审核"), in 四、数据质量: a city
 * edition lists its own (unit, project, reason) in a small table; the province bulletin states the
 * count only (the city editions carry the lists). Nothing when none was marked.
 */
export function unrecognizedView(doc: RatesDoc, cityCode: string | null): UnrecognizedView | null {
  const all = doc.unrecognized ?? [];
  const own = cityCode ? all.filter((e) => division(e.unitCode)?.cityCode === cityCode) : all;
  if (!own.length) return null;
  if (!cityCode) {
    return { summary: `经各市审核，全省共有 ${own.length} 个项目不予认定，保留在台账中，不计入各项完成数（明细见各市分册）。`, caption: '', rows: [] };
  }
  return {
    summary: `经审核，本市共有 ${own.length} 个项目不予认定，保留在台账中，不计入各项完成数：`,
    caption: '不予认定项目',
    rows: own.map((e) => {
      const d = division(e.unitCode);
      return { unit: d ? shortName(d) : e.unitCode, projectCode: e.projectCode, projectName: e.projectName ?? '', reason: e.reason };
    }),
  };
}

export function withUnrecognized(model: BulletinModel, doc: RatesDoc): BulletinModel {
  return { ...model, unrecognized: unrecognizedView(doc, model.city?.code ?? null) };
}
