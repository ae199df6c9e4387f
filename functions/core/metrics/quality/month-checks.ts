import type { ComputeLedger, ComputeRow } from '../../ledger/ledger-row';
import { statusLevel } from '../../ledger/ledger-row';
import { monthLabel, parseMonth, previousMonth } from '../../shared/months';
import type { QualityFinding } from '../rates-types';
import { unitName } from '../../shared/divisions';
import { EPS, finding, project, sortFindings, wan } from './findings';
import { KeyTable } from '../../shared/key-table';

/** Q1, Q2, Q4, Q5, Q6: the checks that compare a month with the one before, or units with each other. */

/** Q4 allows 0.5 万元 between 本月完成投资 and the difference of the 本年累计 figures. */
const Q4_TOLERANCE = 0.5;

/** A clean row's result: one shared empty list, not a new one per row. */
const NONE: readonly QualityFinding[] = Object.freeze([]);


/**
 * Where each project code sits in a month: the first unit (in code order) whose ledger holds it,
 * with that row, and, for the few codes on more than one unit's ledger, every unit's first row.
 * The month's rows in one list (units in code order) with a table of each code's first position
 * (shared/key-table.ts): the checks below look up every row's code, in M and in M−1.
 */
interface CodeIndex {
  rows: ComputeRow[];
  /** The unit whose ledger holds each row of `rows`. */
  units: string[];
  codes: KeyTable;
  shared: Map<string, Map<string, ComputeRow>>;
}

function codeIndex(ledger: ComputeLedger): CodeIndex {
  const rows: ComputeRow[] = [];
  const units: string[] = [];
  for (const unit of Object.keys(ledger).sort()) {
    const own = ledger[unit];
    for (let i = 0; i < own.length; i++) {
      rows.push(own[i]);
      units.push(unit);
    }
  }
  const keys = rows.map((r) => r.projectCode);
  const codes = new KeyTable(keys);
  const shared = new Map<string, Map<string, ComputeRow>>();
  for (let i = 0; i < rows.length; i++) {
    const at = codes.add(i);
    if (at < 0 || units[at] === units[i]) continue;
    let m = shared.get(keys[i]);
    if (!m) shared.set(keys[i], (m = new Map([[units[at], rows[at]]])));
    if (!m.has(units[i])) m.set(units[i], rows[i]);
  }
  return { rows, units, codes, shared };
}

/** The unit's first row of the code, if its ledger holds it. */
function rowOn(index: CodeIndex, unit: string, code: string): ComputeRow | undefined {
  const at = index.codes.find(code);
  if (at < 0) return undefined;
  return index.units[at] === unit ? index.rows[at] : index.shared.get(code)?.get(unit);
}

/** The first row of the code on any unit's ledger (the lowest unit code). */
function firstRow(index: CodeIndex, code: string): ComputeRow | undefined {
  const at = index.codes.find(code);
  return at < 0 ? undefined : index.rows[at];
}

/** The units whose ledger holds the code, in code order. */
function unitsOf(index: CodeIndex, code: string): string[] | undefined {
  const m = index.shared.get(code);
  if (m) return [...m.keys()];
  const at = index.codes.find(code);
  return at < 0 ? undefined : [index.units[at]];
}

/**
 * Finds a project's row in M−1: on the same unit's ledger first; failing that, on another
 * unit's (a project handed over between units keeps its history). Deterministic: the
 * lowest unit code wins.
 */
function previousRowFinder(previous: ComputeLedger | null): (unit: string, row: ComputeRow) => ComputeRow | undefined {
  if (!previous) return () => undefined;
  const index = codeIndex(previous);
  return (unit, row) => rowOn(index, unit, row.projectCode) ?? firstRow(index, row.projectCode);
}

function checkQ1(row: ComputeRow, prev: ComputeRow, month: string, prevMonth: string): readonly QualityFinding[] {
  if (row.status === '已终止') return NONE;
  if (statusLevel(row.status) >= statusLevel(prev.status)) return NONE;
  return [
    finding(
      'Q1',
      row,
      `${project(row)}状态由“${prev.status}”（${monthLabel(prevMonth)}）退回“${row.status}”（${monthLabel(month)}），项目状态不应倒退，请核实`,
    ),
  ];
}

function checkQ2(row: ComputeRow, prev: ComputeRow, month: string, prevMonth: string): readonly QualityFinding[] {
  if (row.ytdCompleted >= prev.ytdCompleted - EPS) return NONE;
  return [
    finding(
      'Q2',
      row,
      `${project(row)}本年累计完成投资由${wan(prev.ytdCompleted)}（${monthLabel(prevMonth)}）减少为${wan(row.ytdCompleted)}（${monthLabel(month)}），累计数不应减少，请核实`,
    ),
  ];
}

function checkQ4(row: ComputeRow, prev: ComputeRow | undefined, month: string, prevMonth: string, january: boolean): readonly QualityFinding[] {
  if (row.monthCompleted === null) return NONE;
  if (!january && !prev) return NONE;
  const expected = january ? row.ytdCompleted : row.ytdCompleted - prev!.ytdCompleted;
  const diff = Math.abs(row.monthCompleted - expected);
  if (diff <= Q4_TOLERANCE + EPS) return NONE;
  const basis = january
    ? `1月份应等于本年累计完成投资${wan(row.ytdCompleted)}`
    : `按本年累计完成投资推算应为${wan(row.ytdCompleted)}（${monthLabel(month)}）−${wan(prev!.ytdCompleted)}（${monthLabel(prevMonth)}）＝${wan(expected)}`;
  return [
    finding('Q4', row, `${project(row)}本月完成投资${wan(row.monthCompleted)}与累计数不符：${basis}，相差${wan(diff)}，请核实`),
  ];
}

function checkQ5(index: CodeIndex, month: string): QualityFinding[] {
  const out: QualityFinding[] = [];
  for (const m of index.shared.values()) {
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

function checkQ6(ledger: ComputeLedger, index: CodeIndex, previous: ComputeLedger, month: string, prevMonth: string): QualityFinding[] {
  const out: QualityFinding[] = [];
  for (const unit of Object.keys(previous)) {
    // An unreported unit is already listed as 未报送; flagging each of its projects would flood.
    if (!ledger[unit]) continue;
    for (const p of previous[unit]) {
      if (p.status === '已终止' || rowOn(index, unit, p.projectCode)) continue;
      // Where the code sits in M, to say so when a "missing" project was handed to another unit.
      const elsewhere = unitsOf(index, p.projectCode);
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

/** Appends without spreading (a spread of a long list can overflow the call stack). */
function pushAll<T>(out: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
}

/** Q1, Q2, Q4, Q5, Q6: checks that compare months or units. */
export function crossMonthChecks(month: string, ledger: ComputeLedger, previous: ComputeLedger | null): QualityFinding[] {
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
        pushAll(out, checkQ1(row, prev, month, prevMonth));
        // The year resets in January: a lower 本年累计 is expected then.
        if (!january) pushAll(out, checkQ2(row, prev, month, prevMonth));
      }
      pushAll(out, checkQ4(row, prev, month, prevMonth, january));
    }
  }
  const index = codeIndex(ledger);
  pushAll(out, checkQ5(index, month));
  if (previous) pushAll(out, checkQ6(ledger, index, previous, month, prevMonth));
  return sortFindings(out);
}

