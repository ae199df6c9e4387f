/**
 * Reads a month's curated ledger copy (`ledger/month=…/ledger.arrow`, written by compute with
 * the very rows its rates.json counted) back into a MonthLedger. One GET per month: the 年度考评
 * needs each month's 产业类别 without reading every row item of the table.
 * Only the fields the counts need are filled; the rest are left empty.
 */
import { tableFromIPC } from 'apache-arrow';
import type { Batch, LedgerRow, MonthLedger, Status } from '../../core/ledger/ledger-row';
import type { ObjectStore } from '../../core/ports';
import { objectKeys } from '../../core/shared/storage-keys';

/** The month's ledger, or null when the month has no curated copy. */
export async function readCuratedMonth(store: ObjectStore, bucket: string, month: string): Promise<MonthLedger | null> {
  const key = objectKeys.curatedMonth(month).arrow;
  if (!(await store.exists(bucket, key))) return null;
  return ledgerFromArrow(await store.getBytes(bucket, key));
}

export function ledgerFromArrow(bytes: Uint8Array): MonthLedger {
  const table = tableFromIPC(bytes);
  const col = (name: string) => {
    const c = table.getChild(name);
    if (!c) throw new Error(`台账副本缺少列 ${name}`);
    return c;
  };
  const [unit, code, batch, phase, status, total, plan, ytd, industry] = [
    'unitCode', 'projectCode', 'batch', 'phase', 'status', 'totalInvestment', 'annualPlan', 'ytdCompleted', 'industry',
  ].map(col);
  const ledger: MonthLedger = {};
  for (let i = 0; i < table.numRows; i++) {
    const row: LedgerRow = {
      unitCode: unit.get(i) as string,
      projectCode: code.get(i) as string,
      projectName: '',
      batch: batch.get(i) as Batch,
      phase: Number(phase.get(i)),
      status: status.get(i) as Status,
      totalInvestment: Number(total.get(i)),
      annualPlan: Number(plan.get(i)),
      ytdCompleted: Number(ytd.get(i)),
      monthCompleted: null,
      industry: (industry.get(i) as string | null) ?? null,
      signedDate: null,
      landedDate: null,
      startDate: null,
      productionDate: null,
      progress: null,
      problems: null,
      leader: null,
      sourceRow: 0,
    };
    (ledger[row.unitCode] ??= []).push(row);
  }
  return ledger;
}
