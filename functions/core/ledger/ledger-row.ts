/** The normalized ledger: what ingest stores and compute reads. Money is in 万元. */

export const BATCHES = ['签约', '开工', '投产'] as const;
export type Batch = (typeof BATCHES)[number];

/** Ordered 已签约 < 已落地 < 已开工 < 已投产 < 已达效; 已终止 sits below everything. */
export const STATUSES = ['已签约', '已落地', '已开工', '已投产', '已达效', '已终止'] as const;
export type Status = (typeof STATUSES)[number];

const STATUS_LEVEL: Record<Status, number> = {
  已终止: -1,
  已签约: 0,
  已落地: 1,
  已开工: 2,
  已投产: 3,
  已达效: 4,
};

/** Status order, with 已终止 below everything so it never satisfies "status ≥ X". */
export function statusLevel(s: Status): number {
  return STATUS_LEVEL[s];
}

export function statusAtLeast(s: Status, min: Status): boolean {
  return STATUS_LEVEL[s] >= STATUS_LEVEL[min];
}

export interface LedgerRow {
  unitCode: string;
  projectCode: string;
  projectName: string;
  batch: Batch;
  phase: number;
  status: Status;
  totalInvestment: number;
  annualPlan: number;
  ytdCompleted: number;
  monthCompleted: number | null;
  industry: string | null;
  /** Dates as ISO `YYYY-MM-DD`. */
  signedDate: string | null;
  landedDate: string | null;
  startDate: string | null;
  productionDate: string | null;
  progress: string | null;
  problems: string | null;
  leader: string | null;
  /** The spreadsheet row number the clerk sees (1-based), for messages. */
  sourceRow: number;
}

/** A month's ledger: reporting unit code → its rows (only units with an accepted upload). */
export type MonthLedger = Record<string, LedgerRow[]>;

/**
 * The fields of a row that compute reads (rates, reviews, the checks across months and units):
 * what an upload's digest keeps (core/ledger/upload-digest.ts), a small part of the row's bytes.
 */
export type ComputeRow = Pick<
  LedgerRow,
  'unitCode' | 'projectCode' | 'projectName' | 'batch' | 'phase' | 'status' | 'totalInvestment' | 'annualPlan' | 'ytdCompleted' | 'monthCompleted'
>;

/** A month's rows as compute reads them: reporting unit code → its rows. */
export type ComputeLedger = Record<string, ComputeRow[]>;
