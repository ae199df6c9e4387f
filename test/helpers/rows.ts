import type { LedgerRow } from '../../functions/core/ledger/ledger-row';

let seq = 0;

/**
 * A normalized ledger row for core tests: a fresh national-format project code per call,
 * everything optional empty; `over` sets what the test is about.
 */
export function makeRow(over: Partial<LedgerRow> = {}): LedgerRow {
  seq++;
  const unitCode = over.unitCode ?? '410102';
  return {
    unitCode,
    projectCode: `2601-${unitCode}-04-01-${String(seq).padStart(6, '0')}`,
    projectName: `测试项目${seq}`,
    batch: '签约',
    phase: 1,
    status: '已签约',
    totalInvestment: 1000,
    annualPlan: 100,
    ytdCompleted: 0,
    monthCompleted: null,
    industry: null,
    signedDate: null,
    landedDate: null,
    startDate: null,
    productionDate: null,
    progress: null,
    problems: null,
    leader: null,
    sourceRow: seq + 3,
    ...over,
  };
}
