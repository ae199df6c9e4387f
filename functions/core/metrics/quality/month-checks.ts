import type { LedgerRow, MonthLedger } from '../../ledger/ledger-row';
import { statusLevel } from '../../ledger/ledger-row';
import { monthLabel, parseMonth, previousMonth } from '../../shared/months';
import type { QualityFinding } from '../rates-types';
import { unitName } from '../../shared/divisions';
import { EPS, finding, project, sortFindings, wan } from './findings';

/** Q1, Q2, Q4, Q5, Q6: the checks that compare a month with the one before, or units with each other. */

/** Q4 allows 0.5 万元 between 本月完成投资 and the difference of the 本年累计 figures. */
const Q4_TOLERANCE = 0.5;


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

