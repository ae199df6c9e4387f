import type { LedgerRow, MonthLedger } from '../../ledger/ledger-row';
import { statusLevel } from '../../ledger/ledger-row';
import type { QualityCheck, QualityFinding } from '../rates-types';
import { division } from '../../shared/divisions';
import { monthEnd, monthLabel, parseMonth, previousMonth } from '../../shared/months';

/** Data-quality checks Q1–Q8 (METRICS.md). Warnings only: they never block a file or a rate. */

const PROJECT_CODE_RE = /^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/;
/** Tolerance for money that should be equal: Q4 allows 0.5 万元; the others only float noise. */
const EPS = 1e-9;
const Q4_TOLERANCE = 0.5;

function finding(check: QualityCheck, row: Pick<LedgerRow, 'unitCode' | 'projectCode'>, message: string): QualityFinding {
  return { check, unitCode: row.unitCode, projectCode: row.projectCode, message };
}

/** 项目“名称”（代码）: how a clerk finds the row. */
function project(row: Pick<LedgerRow, 'projectName' | 'projectCode'>): string {
  return `项目“${row.projectName}”（${row.projectCode}）`;
}

/** Money in 万元, at most two decimals, no float noise. */
function wan(x: number): string {
  return `${Math.round(x * 100) / 100}万元`;
}

function unitName(code: string): string {
  return division(code)?.name ?? code;
}

// ---------------------------------------------------------------------------------------------
// Single-row checks (ingest reuses these for upload warnings: row and month only).

/**
 * What a single-row check returns for a clean row: one shared empty list, not a new one per row
 * (ingest runs these on every row of every upload; the garbage cost more than the checks).
 */
const NONE: readonly QualityFinding[] = Object.freeze([]);

function checkQ3(row: LedgerRow): readonly QualityFinding[] {
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

function checkQ7(row: LedgerRow): readonly QualityFinding[] {
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

function checkQ8(row: LedgerRow, month: string): readonly QualityFinding[] {
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
export function rowChecks(row: LedgerRow, month: string): readonly QualityFinding[] {
  const q3 = checkQ3(row);
  const q7 = checkQ7(row);
  const q8 = checkQ8(row, month);
  return q3.length + q7.length + q8.length === 0 ? q3 : [...q3, ...q7, ...q8];
}

// ---------------------------------------------------------------------------------------------
// Cross-month and cross-unit checks.

/**
 * Finds a project's row in M−1: on the same unit's ledger first; failing that, on another
 * unit's (a project handed over between units keeps its history). Deterministic: the
 * lowest unit code wins.
 */
function previousRowFinder(previous: MonthLedger | null): (unit: string, row: LedgerRow) => LedgerRow | undefined {
  if (!previous) return () => undefined;
  const byUnit = new Map<string, Map<string, LedgerRow>>();
  const anywhere = new Map<string, LedgerRow>();
  for (const unit of Object.keys(previous).sort()) {
    const m = new Map<string, LedgerRow>();
    for (const r of previous[unit]) {
      m.set(r.projectCode, r);
      if (!anywhere.has(r.projectCode)) anywhere.set(r.projectCode, r);
    }
    byUnit.set(unit, m);
  }
  return (unit, row) => byUnit.get(unit)?.get(row.projectCode) ?? anywhere.get(row.projectCode);
}

function checkQ1(row: LedgerRow, prev: LedgerRow, month: string, prevMonth: string): QualityFinding[] {
  if (row.status === '已终止') return [];
  if (statusLevel(row.status) >= statusLevel(prev.status)) return [];
  return [
    finding(
      'Q1',
      row,
      `${project(row)}状态由“${prev.status}”（${monthLabel(prevMonth)}）退回“${row.status}”（${monthLabel(month)}），项目状态不应倒退，请核实`,
    ),
  ];
}

function checkQ2(row: LedgerRow, prev: LedgerRow, month: string, prevMonth: string): QualityFinding[] {
  if (row.ytdCompleted >= prev.ytdCompleted - EPS) return [];
  return [
    finding(
      'Q2',
      row,
      `${project(row)}本年累计完成投资由${wan(prev.ytdCompleted)}（${monthLabel(prevMonth)}）减少为${wan(row.ytdCompleted)}（${monthLabel(month)}），累计数不应减少，请核实`,
    ),
  ];
}

function checkQ4(row: LedgerRow, prev: LedgerRow | undefined, month: string, prevMonth: string): QualityFinding[] {
  if (row.monthCompleted === null) return [];
  const january = parseMonth(month).month === 1;
  if (!january && !prev) return [];
  const expected = january ? row.ytdCompleted : row.ytdCompleted - prev!.ytdCompleted;
  const diff = Math.abs(row.monthCompleted - expected);
  if (diff <= Q4_TOLERANCE + EPS) return [];
  const basis = january
    ? `1月份应等于本年累计完成投资${wan(row.ytdCompleted)}`
    : `按本年累计完成投资推算应为${wan(row.ytdCompleted)}（${monthLabel(month)}）−${wan(prev!.ytdCompleted)}（${monthLabel(prevMonth)}）＝${wan(expected)}`;
  return [
    finding('Q4', row, `${project(row)}本月完成投资${wan(row.monthCompleted)}与累计数不符：${basis}，相差${wan(diff)}，请核实`),
  ];
}

function checkQ5(ledger: MonthLedger, month: string): QualityFinding[] {
  const units = new Map<string, Map<string, LedgerRow>>();
  for (const unit of Object.keys(ledger).sort()) {
    for (const r of ledger[unit]) {
      const m = units.get(r.projectCode) ?? new Map<string, LedgerRow>();
      if (!m.has(unit)) m.set(unit, r);
      units.set(r.projectCode, m);
    }
  }
  const out: QualityFinding[] = [];
  for (const m of units.values()) {
    if (m.size < 2) continue;
    for (const [unit, r] of m) {
      const others = [...m.keys()].filter((u) => u !== unit).map((u) => `“${unitName(u)}”`);
      out.push({
        check: 'Q5',
        unitCode: unit,
        projectCode: r.projectCode,
        message: `${project(r)}同时出现在本单位和${others.join('、')}的${monthLabel(month)}台账中，同一项目只能由一个单位填报，请核实归属`,
      });
    }
  }
  return out;
}

function checkQ6(ledger: MonthLedger, previous: MonthLedger, month: string, prevMonth: string): QualityFinding[] {
  // Where each code sits in M, to say so when a "missing" project was handed to another unit.
  const whereNow = new Map<string, string[]>();
  for (const unit of Object.keys(ledger).sort()) {
    for (const r of ledger[unit]) {
      const units = whereNow.get(r.projectCode);
      if (!units) whereNow.set(r.projectCode, [unit]);
      else if (!units.includes(unit)) units.push(unit);
    }
  }
  const out: QualityFinding[] = [];
  for (const unit of Object.keys(previous)) {
    // An unreported unit is already listed as 未报送; flagging each of its projects would flood.
    if (!ledger[unit]) continue;
    const now = new Set(ledger[unit].map((r) => r.projectCode));
    for (const p of previous[unit]) {
      if (p.status === '已终止' || now.has(p.projectCode)) continue;
      const elsewhere = whereNow.get(p.projectCode);
      const note = elsewhere ? `（本月出现在${elsewhere.map((u) => `“${unitName(u)}”`).join('、')}的台账中）` : '';
      out.push(
        finding(
          'Q6',
          { unitCode: unit, projectCode: p.projectCode },
          `${project(p)}在${monthLabel(prevMonth)}台账中（状态“${p.status}”），${monthLabel(month)}台账中缺失${note}；项目如已终止，请保留该行并将状态填为“已终止”`,
        ),
      );
    }
  }
  return out;
}

/** Q1, Q2, Q4, Q5, Q6: checks that compare months or units. */
export function crossMonthChecks(month: string, ledger: MonthLedger, previous: MonthLedger | null): QualityFinding[] {
  const prevMonth = previousMonth(month);
  const january = parseMonth(month).month === 1;
  const findPrev = previousRowFinder(previous);
  const out: QualityFinding[] = [];
  for (const unit of Object.keys(ledger)) {
    for (const raw of ledger[unit]) {
      // Findings name the unit whose ledger holds the row (the upload's key).
      const row = raw.unitCode === unit ? raw : { ...raw, unitCode: unit };
      const prev = findPrev(unit, row);
      if (prev) {
        out.push(...checkQ1(row, prev, month, prevMonth));
        // The year resets in January: a lower 本年累计 is expected then.
        if (!january) out.push(...checkQ2(row, prev, month, prevMonth));
      }
      out.push(...checkQ4(row, prev, month, prevMonth));
    }
  }
  out.push(...checkQ5(ledger, month));
  if (previous) out.push(...checkQ6(ledger, previous, month, prevMonth));
  return sortFindings(out);
}

// ---------------------------------------------------------------------------------------------

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order: unit, project, check, then message. Code-point order, not locale. */
export function sortFindings(findings: readonly QualityFinding[]): QualityFinding[] {
  return [...findings].sort(
    (a, b) =>
      cmp(a.unitCode, b.unitCode) ||
      cmp(a.projectCode, b.projectCode) ||
      cmp(a.check, b.check) ||
      cmp(a.message, b.message),
  );
}

/** Drops exact repeats (same check, unit, project and message), then sorts. */
export function dedupeFindings(findings: readonly QualityFinding[]): QualityFinding[] {
  const seen = new Set<string>();
  const out: QualityFinding[] = [];
  for (const f of findings) {
    const key = JSON.stringify([f.check, f.unitCode, f.projectCode, f.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return sortFindings(out);
}
