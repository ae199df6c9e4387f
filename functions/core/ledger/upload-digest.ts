import { BATCHES, type ComputeRow, type LedgerRow, STATUSES } from './ledger-row';
import type { QualityFinding } from '../metrics/rates-types';
import { rowChecks } from '../metrics/quality/row-checks';

/**
 * What compute needs of one accepted upload, made once at ingest (docs/architecture.md, "The
 * ledger at scale"): the ten fields of each row that the rates, the reviews and the checks across
 * months and units read (ComputeRow), and the findings of the checks that need only the row and
 * the month (Q3, Q7, Q8), which ingest runs anyway. A 200k-row month is then 158 small objects
 * for compute to read, not every row's text (进展情况, 存在问题, dates, …) to decode and check again.
 *
 * The digest depends only on the upload's rows and month: a retried ingest writes the same
 * bytes. Stored as gzip-compressed JSON by column (adapters/aws/digest-store.ts).
 */
export interface UploadDigest {
  month: string;
  unitCode: string;
  uploadId: string;
  rows: ComputeRow[];
  rowFindings: QualityFinding[];
}

/** The stored form: one array per field, batch and status as their index in BATCHES / STATUSES. */
export interface DigestDoc {
  v: 1;
  month: string;
  unitCode: string;
  uploadId: string;
  rows: number;
  columns: {
    /** Absent when every row's 填报单位 code is the upload's (the usual case). */
    unitCode?: string[];
    projectCode: string[];
    projectName: string[];
    batch: number[];
    phase: number[];
    status: number[];
    totalInvestment: number[];
    annualPlan: number[];
    ytdCompleted: number[];
    monthCompleted: (number | null)[];
  };
  rowFindings: QualityFinding[];
}

const BATCH_INDEX = new Map<string, number>(BATCHES.map((b, i) => [b, i]));
const STATUS_INDEX = new Map<string, number>(STATUSES.map((s, i) => [s, i]));

/** The digest of an upload's rows (the row checks run here, on the month the upload is for). */
export function digestOf(month: string, unitCode: string, uploadId: string, rows: readonly LedgerRow[]): UploadDigest {
  const rowFindings: QualityFinding[] = [];
  for (const r of rows) for (const f of rowChecks(r, month)) rowFindings.push(f);
  const compact = rows.map((r): ComputeRow => ({
    unitCode: r.unitCode,
    projectCode: r.projectCode,
    projectName: r.projectName,
    batch: r.batch,
    phase: r.phase,
    status: r.status,
    totalInvestment: r.totalInvestment,
    annualPlan: r.annualPlan,
    ytdCompleted: r.ytdCompleted,
    monthCompleted: r.monthCompleted,
  }));
  return { month, unitCode, uploadId, rows: compact, rowFindings };
}

export function digestDoc(d: UploadDigest): DigestDoc {
  const col = <K extends keyof ComputeRow>(k: K) => d.rows.map((r) => r[k]);
  const ownUnit = d.rows.every((r) => r.unitCode === d.unitCode);
  return {
    v: 1,
    month: d.month,
    unitCode: d.unitCode,
    uploadId: d.uploadId,
    rows: d.rows.length,
    columns: {
      ...(ownUnit ? {} : { unitCode: col('unitCode') }),
      projectCode: col('projectCode'),
      projectName: col('projectName'),
      batch: d.rows.map((r) => BATCH_INDEX.get(r.batch)!),
      phase: col('phase'),
      status: d.rows.map((r) => STATUS_INDEX.get(r.status)!),
      totalInvestment: col('totalInvestment'),
      annualPlan: col('annualPlan'),
      ytdCompleted: col('ytdCompleted'),
      monthCompleted: col('monthCompleted'),
    },
    rowFindings: d.rowFindings,
  };
}

/** A stored digest that is not one of ours, or not of the upload asked for. */
export class DigestDamagedError extends Error {
  override name = 'DigestDamaged';
}

const COLUMNS = ['projectCode', 'projectName', 'batch', 'phase', 'status', 'totalInvestment', 'annualPlan', 'ytdCompleted', 'monthCompleted'] as const;

/** The digest a DigestDoc holds; throws DigestDamagedError when it is not the upload's or its columns do not line up. */
export function digestFromDoc(doc: unknown, expected: { month: string; unitCode: string; uploadId: string }): UploadDigest {
  const d = doc as Partial<DigestDoc> | null;
  const where = `${expected.month}/${expected.unitCode}/${expected.uploadId}`;
  const damaged = (why: string) => new DigestDamagedError(`台账摘要损坏（${where}）：${why}`);
  if (!d || d.v !== 1 || !d.columns || typeof d.rows !== 'number' || !Array.isArray(d.rowFindings)) throw damaged('格式不符');
  if (d.month !== expected.month || d.unitCode !== expected.unitCode || d.uploadId !== expected.uploadId) throw damaged('不是该次上传的摘要');
  const c = d.columns;
  const n = d.rows;
  for (const k of COLUMNS) if (!Array.isArray(c[k]) || c[k].length !== n) throw damaged(`列 ${k} 缺少或行数不符`);
  if (c.unitCode !== undefined && (!Array.isArray(c.unitCode) || c.unitCode.length !== n)) throw damaged('列 unitCode 行数不符');
  const rows = new Array<ComputeRow>(n);
  for (let i = 0; i < n; i++) {
    const batch = BATCHES[c.batch[i]];
    const status = STATUSES[c.status[i]];
    if (batch === undefined || status === undefined) throw damaged(`第 ${i + 1} 行的批次或状态无效`);
    rows[i] = {
      unitCode: c.unitCode ? c.unitCode[i] : d.unitCode,
      projectCode: c.projectCode[i],
      projectName: c.projectName[i],
      batch,
      phase: c.phase[i],
      status,
      totalInvestment: c.totalInvestment[i],
      annualPlan: c.annualPlan[i],
      ytdCompleted: c.ytdCompleted[i],
      monthCompleted: c.monthCompleted[i],
    };
  }
  return { month: d.month, unitCode: d.unitCode, uploadId: d.uploadId, rows, rowFindings: d.rowFindings };
}
