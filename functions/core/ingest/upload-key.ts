import { division, isReportingUnit } from '../shared/divisions';
import { isMonth } from '../shared/months';

/** Where an upload lives: `incoming/{YYYY-MM}/{unitCode}/{file name}` (objectKeys.upload; docs/ledger-format.md). */
export interface UploadKey {
  month: string;
  unitCode: string;
  fileName: string;
}

export type KeyCheck = { ok: true; key: UploadKey } | { ok: false; message: string };

/** Reads month and unit from the object key; the file's own statements must agree later. */
export function parseUploadKey(key: string): KeyCheck {
  const m = /^incoming\/([^/]+)\/([^/]+)\/(.+)$/.exec(key);
  if (!m) return { ok: false, message: `上传路径不符合规范：${key}（应为 incoming/年-月/单位代码/文件名）` };
  const [, month, unitCode, fileName] = m;
  if (!isMonth(month)) return { ok: false, message: `上传路径中的月份“${month}”无效（应为 YYYY-MM，如 2026-10）` };
  if (!isReportingUnit(unitCode)) {
    const d = division(unitCode);
    return {
      ok: false,
      message: d
        ? `单位代码 ${unitCode}（${d.name}）不是报送单位：请由所辖县（市、区）分别报送`
        : `单位代码“${unitCode}”不是河南省的报送单位代码`,
    };
  }
  return { ok: true, key: { month, unitCode, fileName } };
}
