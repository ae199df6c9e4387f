import type { LedgerRow } from '../../ledger/ledger-row';
import { monthEnd } from '../../shared/months';
import type { RowCheckCode } from '../../ledger/issues';
import type { QualityFinding } from '../rates-types';
import { EPS, finding, project, wan } from './findings';

/** Q3, Q7, Q8: the checks that need only the row and the report month. */

/** What ingest reports on the receipt, coded by its check. */
export type RowFinding = QualityFinding<RowCheckCode>;

const PROJECT_CODE_RE = /^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/;


/**
 * What a single-row check returns for a clean row: one shared empty list, not a new one per row
 * (ingest runs these on every row of every upload; the garbage cost more than the checks).
 */
const NONE: readonly RowFinding[] = Object.freeze([]);

function checkQ3(row: LedgerRow): readonly RowFinding[] {
  if (row.ytdCompleted <= row.totalInvestment + EPS) return NONE;
  return [
    finding(
      'Q3',
      row,
      `${project(row)}本年累计完成投资${wan(row.ytdCompleted)}超过总投资${wan(row.totalInvestment)}，请核实金额或单位（万元）`,
    ),
  ];
}

/** Characters 5–10 of a well-formed code: its 区划代码. */
const REGION = { start: 5, end: 11 };

function checkQ7(row: LedgerRow): readonly RowFinding[] {
  // test, not exec: no match array for each of the clean rows.
  if (!PROJECT_CODE_RE.test(row.projectCode)) {
    return [
      finding(
        'Q7',
        row,
        `项目“${row.projectName}”的项目代码“${row.projectCode}”不符合全国投资项目统一代码格式（YYMM-RRRRRR-DD-PP-NNNNNN，如 2104-411102-04-01-000123），请核实`,
      ),
    ];
  }
  // The 区划代码 is six digits here: Henan's start with 41 (checked in place, no substring per row).
  if (!row.projectCode.startsWith('41', REGION.start)) {
    const region = row.projectCode.slice(REGION.start, REGION.end);
    return [finding('Q7', row, `${project(row)}项目代码中的区划代码“${region}”不是河南省区划代码（应以41开头），请核实`)];
  }
  return NONE;
}

const DATE_FIELDS = [
  ['signedDate', '签约日期'],
  ['landedDate', '落地日期'],
  ['startDate', '开工日期'],
  ['productionDate', '投产日期'],
] as const;

/** monthEnd of the last month asked for: ingest checks every row of one file against one month. */
let endCache = { month: '', end: '' };
function cachedMonthEnd(month: string): string {
  if (endCache.month !== month) endCache = { month, end: monthEnd(month) };
  return endCache.end;
}

/**
 * Chain problems first, then the dates after the month's end, as a clerk reads them. At module
 * level: a comparator closing over a local of checkQ8 would make V8 allocate a context on every
 * call, i.e. for every clean row too.
 */
const endProblem = (p: string) => (p.includes('报告期末') ? 1 : 0);
const chainFirst = (a: string, b: string) => endProblem(a) - endProblem(b);

function checkQ8(row: LedgerRow, month: string): readonly RowFinding[] {
  // Runs on every row of every upload: an indexed loop (no iterator or destructuring garbage),
  // and nothing allocated for a clean row.
  let problems: string[] | null = null;
  let prevLabel = '';
  let prevValue: string | null = null;
  let end: string | null = null;
  for (let i = 0; i < DATE_FIELDS.length; i++) {
    const field = DATE_FIELDS[i][0];
    const label = DATE_FIELDS[i][1];
    const v = row[field];
    if (!v) continue;
    // Each present date against the next present one covers the whole chain.
    if (prevValue !== null && prevValue > v) (problems ??= []).push(`${prevLabel}${prevValue}晚于${label}${v}`);
    prevLabel = label;
    prevValue = v;
    end ??= cachedMonthEnd(month);
    if (v > end) (problems ??= []).push(`${label}${v}晚于报告期末${end}`);
  }
  if (!problems) return NONE;
  problems.sort(chainFirst);
  return [finding('Q8', row, `${project(row)}日期有误：${problems.join('；')}，请核实`)];
}

/** Q3, Q7, Q8: checks that need only the row and the report month. */
export function rowChecks(row: LedgerRow, month: string): readonly RowFinding[] {
  const q3 = checkQ3(row);
  const q7 = checkQ7(row);
  const q8 = checkQ8(row, month);
  return q3.length + q7.length + q8.length === 0 ? q3 : [...q3, ...q7, ...q8];
}

