import {
  type DataType,
  DateDay,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Table,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import type { LedgerRow, MonthLedger } from '../core/ledger/ledger-row';

/**
 * The columnar copy of the normalized ledger for analysts (DuckDB, pandas, Athena), written to
 * the curated bucket as Arrow IPC (.arrow, = Feather v2) and Parquet with one declared schema:
 * integers as int32, dates as date32 (days), money as float64 in 万元, text as UTF-8.
 *
 * Layout (Hive-style partitions, so `month` is a column when the folder is read as a dataset):
 *   ledger/month=YYYY-MM/ledger.parquet
 *       every current row of the month (written by compute). Query this: a month partition
 *       holds each unit's current upload once, never a superseded one. Parquet only: it is the
 *       location of the Glue table `ledger` (infra/analytics.ts), which must meet no other file.
 *   ledger-arrow/month=YYYY-MM/ledger.arrow
 *       the same rows as Arrow IPC.
 *   uploads/month=YYYY-MM/unit=XXXXXX/{uploadId}.parquet (+ .arrow)
 *       each accepted upload as it came (written by ingest): lineage and history, including
 *       uploads later superseded. Join with receipts by uploadId.
 * The partition keys are not repeated inside the files (Athena and DuckDB refuse or shadow a
 * column that is also a partition key).
 */
export const CURATED_SCHEMA_ID = 'three-batches.ledger/1';

const MONEY = { unit: '万元' };

const field = (name: string, type: DataType, nullable: boolean, meta?: Record<string, string>) =>
  new Field(name, type, nullable, meta ? new Map(Object.entries(meta)) : null);

/** Column order and types of the columnar ledger. */
export const LEDGER_SCHEMA = new Schema(
  [
    field('unitCode', new Utf8(), false),
    field('projectCode', new Utf8(), false),
    field('projectName', new Utf8(), false),
    field('batch', new Utf8(), false),
    field('phase', new Int32(), false),
    field('status', new Utf8(), false),
    field('totalInvestment', new Float64(), false, MONEY),
    field('annualPlan', new Float64(), false, MONEY),
    field('ytdCompleted', new Float64(), false, MONEY),
    field('monthCompleted', new Float64(), true, MONEY),
    field('industry', new Utf8(), true),
    field('signedDate', new DateDay(), true),
    field('landedDate', new DateDay(), true),
    field('startDate', new DateDay(), true),
    field('productionDate', new DateDay(), true),
    field('progress', new Utf8(), true),
    field('problems', new Utf8(), true),
    field('leader', new Utf8(), true),
    field('sourceRow', new Int32(), false),
    field('uploadId', new Utf8(), false),
  ],
  new Map([
    ['schema', CURATED_SCHEMA_ID],
    ['money_unit', '万元'],
  ]),
);

export interface ColumnarRow extends LedgerRow {
  uploadId: string;
}

const toDate = (iso: string | null) => (iso === null ? null : new Date(`${iso}T00:00:00Z`));

/** The rows as one Arrow table with LEDGER_SCHEMA (nullability and metadata included). */
export function ledgerTable(rows: ColumnarRow[]): Table {
  const columns = LEDGER_SCHEMA.fields.map((f) => {
    const key = f.name as keyof ColumnarRow;
    const values = f.type instanceof DateDay ? rows.map((r) => toDate(r[key] as string | null)) : rows.map((r) => r[key] ?? null);
    return vectorFromArray(values as never[], f.type);
  });
  // Build with inferred fields, then re-wrap the same data under the declared schema.
  const loose = new Table(Object.fromEntries(LEDGER_SCHEMA.fields.map((f, i) => [f.name, columns[i]])));
  const batches = loose.batches.map((b) => new RecordBatch(LEDGER_SCHEMA, b.data));
  return batches.length ? new Table(LEDGER_SCHEMA, batches) : new Table(LEDGER_SCHEMA);
}

/** Arrow IPC bytes: 'file' for .arrow/.feather on disk, 'stream' to hand to the Parquet writer. */
export function ledgerIpc(rows: ColumnarRow[], format: 'file' | 'stream' = 'file'): Uint8Array {
  return tableToIPC(ledgerTable(rows), format);
}

/** A month's current ledger as columnar rows, units in code order, each unit's rows in sheet order. */
export function monthRows(ledger: MonthLedger, uploadIdOf: (unit: string) => string): ColumnarRow[] {
  return Object.keys(ledger)
    .sort()
    .flatMap((unit) => ledger[unit].map((r) => ({ ...r, uploadId: uploadIdOf(unit) })));
}

