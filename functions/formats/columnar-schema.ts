import {
  type Data,
  type DataType,
  DateDay,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableToIPC,
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

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date, as Arrow's date32 builder stores it (NaN → 0 in an Int32Array). */
const toDays = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

/**
 * A validity bitmap (bit set = value present) for the rows where `present` holds, or none when
 * no value is null. Its length is rounded up to 64 bytes as apache-arrow's builder does (the IPC
 * writer writes the bitmap whole, so the bytes stay those of the builder).
 */
function validity(n: number, present: (i: number) => boolean): { nullCount: number; nullBitmap?: Uint8Array } {
  const bytesMinus1 = ((n + 7) >> 3) - 1;
  const bitmap = new Uint8Array(bytesMinus1 - (bytesMinus1 % 64) + 64 || 64);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (present(i)) bitmap[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  return nullCount ? { nullCount, nullBitmap: bitmap } : { nullCount };
}

/**
 * Each column's value of a row, read by name: every column its own property access, each one
 * site seeing one kind of object (a `row[key]` with the key varying is a slow generic lookup,
 * 200k rows × 20 times).
 */
const COLUMN: { [K in keyof LedgerRow]: (r: LedgerRow) => LedgerRow[K] } = {
  unitCode: (r) => r.unitCode,
  projectCode: (r) => r.projectCode,
  projectName: (r) => r.projectName,
  batch: (r) => r.batch,
  phase: (r) => r.phase,
  status: (r) => r.status,
  totalInvestment: (r) => r.totalInvestment,
  annualPlan: (r) => r.annualPlan,
  ytdCompleted: (r) => r.ytdCompleted,
  monthCompleted: (r) => r.monthCompleted,
  industry: (r) => r.industry,
  signedDate: (r) => r.signedDate,
  landedDate: (r) => r.landedDate,
  startDate: (r) => r.startDate,
  productionDate: (r) => r.productionDate,
  progress: (r) => r.progress,
  problems: (r) => r.problems,
  leader: (r) => r.leader,
  sourceRow: (r) => r.sourceRow,
};

/**
 * One column's Arrow data, straight into typed arrays: the same buffers as apache-arrow's
 * vectorFromArray builds (so the IPC and Parquet bytes are the same), without its per-value
 * builder calls and TextEncoder allocations, which made the month's copy the slowest part of
 * compute (issue 13: ~2/3 of a 50k-row compute).
 */
function columnData(f: Field, rows: readonly LedgerRow[], uploadIdOf: (i: number) => string): Data {
  const n = rows.length;
  const values: unknown[] =
    f.name === 'uploadId' ? Array.from({ length: n }, (_, i) => uploadIdOf(i)) : rows.map(COLUMN[f.name as keyof LedgerRow] as (r: LedgerRow) => unknown);
  const value = (i: number) => values[i] ?? null;
  const { nullCount, nullBitmap } = validity(n, (i) => value(i) !== null);
  const type = f.type;
  if (type instanceof Utf8) {
    // UTF-8 is at most 3 bytes per UTF-16 unit: write each string once into a buffer that big.
    let units = 0;
    for (let i = 0; i < n; i++) {
      const v = value(i);
      if (v !== null) units += (v as string).length;
    }
    const buf = Buffer.allocUnsafe(units * 3);
    const valueOffsets = new Int32Array(n + 1);
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const v = value(i);
      if (v !== null) bytes += buf.write(v as string, bytes, 'utf8');
      valueOffsets[i + 1] = bytes;
    }
    return makeData({ type, length: n, nullCount, nullBitmap, valueOffsets, data: new Uint8Array(buf.buffer, buf.byteOffset, bytes) });
  }
  if (type instanceof DateDay) {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = value(i);
      if (v !== null) data[i] = toDays(v as string);
    }
    return makeData({ type, length: n, nullCount, nullBitmap, data });
  }
  const numbers = <A extends Int32Array | Float64Array>(data: A): A => {
    for (let i = 0; i < n; i++) {
      const v = value(i);
      if (v !== null) data[i] = v as number;
    }
    return data;
  };
  if (type instanceof Int32) return makeData({ type, length: n, nullCount, nullBitmap, data: numbers(new Int32Array(n)) });
  if (type instanceof Float64) return makeData({ type, length: n, nullCount, nullBitmap, data: numbers(new Float64Array(n)) });
  throw new Error(`columnar schema: no encoder for ${f.name} (${String(type)})`);
}

/**
 * Rows as one Arrow table with LEDGER_SCHEMA (nullability and metadata included), the upload id
 * of row i being `uploadIdOf(i)`: read from the rows as they are (copying 200k row objects to add
 * the id took as long as the encoding).
 */
function rowsTable(rows: readonly LedgerRow[], uploadIdOf: (i: number) => string): Table {
  const children = LEDGER_SCHEMA.fields.map((f) => columnData(f, rows, uploadIdOf));
  const struct = makeData({ type: new Struct(LEDGER_SCHEMA.fields), length: rows.length, nullCount: 0, children });
  return new Table(LEDGER_SCHEMA, [new RecordBatch(LEDGER_SCHEMA, struct)]);
}

/** The rows as one Arrow table with LEDGER_SCHEMA. */
export function ledgerTable(rows: readonly ColumnarRow[]): Table {
  return rowsTable(rows, (i) => rows[i].uploadId);
}

/** One upload's rows, all with its id. */
export function uploadTable(rows: readonly LedgerRow[], uploadId: string): Table {
  return rowsTable(rows, () => uploadId);
}

/** A month's current ledger: units in code order, each unit's rows in sheet order, each with its unit's upload id. */
export function monthTable(ledger: MonthLedger, uploadIdOf: (unit: string) => string): Table {
  const units = Object.keys(ledger).sort();
  const rows = units.flatMap((u) => ledger[u]);
  const ids = units.flatMap((u) => new Array<string>(ledger[u].length).fill(uploadIdOf(u)));
  return rowsTable(rows, (i) => ids[i]);
}

/** Arrow IPC bytes: 'file' for .arrow/.feather on disk, 'stream' to hand to the Parquet writer. */
export function ledgerIpc(rows: readonly ColumnarRow[] | Table, format: 'file' | 'stream' = 'file'): Uint8Array {
  return tableToIPC(rows instanceof Table ? rows : ledgerTable(rows), format);
}
