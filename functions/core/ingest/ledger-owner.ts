import { type Issue, issue } from '../ledger/issues';
import type { LedgerRow } from '../ledger/ledger-row';
import { isReportingUnit, unitName } from '../shared/divisions';

/**
 * Whose ledger is this? A national-format project code (YYMM-RRRRRR-DD-PP-NNNNNN) carries the
 * 区划代码 of the unit that filed the project. A file whose projects mostly carry another reporting
 * unit's code is that unit's ledger saved under this unit's name (金水区's ledger uploaded as
 * 上街区's): refused, naming the unit it seems to belong to. A few such codes are warnings: a
 * project filed by a neighbour and handed over, say. Codes of a city level (411100) are not
 * another reporting unit's and count for nobody.
 */
const NATIONAL_CODE = /^\d{4}-(\d{6})-\d{2}-\d{2}-\d{6}$/;
/** Fewer national-format codes than this prove nothing about the file as a whole. */
const MIN_CODES = 3;


export function checkLedgerOwner(rows: readonly LedgerRow[], unitCode: string, codeHeader: string): { errors: Issue[]; warnings: Issue[] } {
  let formatted = 0;
  const foreign: Array<{ row: LedgerRow; region: string }> = [];
  for (const row of rows) {
    const m = NATIONAL_CODE.exec(row.projectCode);
    if (!m) continue;
    formatted++;
    if (m[1] !== unitCode && isReportingUnit(m[1])) foreign.push({ row, region: m[1] });
  }
  if (formatted >= MIN_CODES && foreign.length * 2 > formatted) {
    const byRegion = new Map<string, number>();
    for (const f of foreign) byRegion.set(f.region, (byRegion.get(f.region) ?? 0) + 1);
    const [owner, count] = [...byRegion].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const message =
      `本文件 ${formatted} 个项目中有 ${count} 个的项目代码属于${unitName(owner)}（${owner}），像是${unitName(owner)}的台账，` +
      `而本次上传的是${unitName(unitCode)}（${unitCode}）的报表：请确认上传的是本单位的台账`;
    return { errors: [issue('other-unit-ledger', message, null, codeHeader, owner)], warnings: [] };
  }
  const warnings = foreign.map(({ row, region }) =>
    issue(
      'code-other-unit',
      `第 ${row.sourceRow} 行“${codeHeader}”${row.projectCode}中的区划代码 ${region} 属于${unitName(region)}，不是本单位（${unitName(unitCode)}）：请核实项目归属`,
      row.sourceRow,
      codeHeader,
      row.projectCode,
    ),
  );
  return { errors: [], warnings };
}
