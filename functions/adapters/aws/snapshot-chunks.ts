import { gunzipSync, gzipSync } from 'node:zlib';
import { ROW_KEYS } from '../../core/ingest/row-values';
import type { LedgerRow } from '../../core/ledger/ledger-row';

/**
 * How an upload's snapshot is laid out in the table: its rows as gzip-compressed JSON in a few
 * chunk items (`LEDGER#…` / `CHUNK#0000`, …), not one item per row (docs/architecture.md "The
 * ledger at scale"). A 200k-row month was 200k `BatchWriteItem` puts of ~440 bytes to ingest and
 * 200k items to read back for compute; as chunks it is a few hundred items and one query per
 * unit, and a small part of the write units (DynamoDB bills an item by its bytes, in 1 KB steps).
 *
 * A chunk holds its rows by column, `{"v":2,"columns":{"unitCode":[…],"projectCode":[…],…}}`:
 * the field names once rather than once a row, so the JSON is under half the size of an array
 * of row objects, compresses ~40% smaller, and decodes ~3× faster (UTF-8 decoding and JSON
 * parsing were most of compute's read of a month). Chunks written before (a JSON array of rows)
 * are still read.
 *
 * A chunk's compressed bytes stay under CHUNK_MAX_BYTES so that the item, with its keys, is well
 * inside DynamoDB's 400 KB (item-limits.ts checks every write again). Rows are grouped by the
 * length of their text; a group that compresses worse than expected (rows of incompressible
 * text) is split in halves until it fits. The grouping depends only on the rows, so a retried
 * ingest writes the same chunks under the same keys.
 */
export const CHUNK_MAX_BYTES = 320 * 1024;
/** Characters of text (and a fixed share per row for its numbers) gathered into one chunk before compression. */
export const CHUNK_TEXT_TARGET = 1_000_000;
const ROW_FIXED_CHARS = 64;

export interface SnapshotChunk {
  /** 0-based position, for the sort key (CHUNK#0000). */
  index: number;
  /** Rows in the chunk. */
  rows: number;
  data: Uint8Array;
}

/** The chunk's columns: the row's fields in their order (ROW_KEYS, from the column list). */
type Columns = { [K in keyof LedgerRow]: LedgerRow[K][] };

const len = (s: string | null) => (s === null ? 0 : s.length);

/** A row's size for grouping: its text's length, not its JSON (stringifying every row to measure it was most of the encoding). */
function rowChars(r: LedgerRow): number {
  return (
    ROW_FIXED_CHARS + r.unitCode.length + r.projectCode.length + r.projectName.length + len(r.industry) + len(r.progress) + len(r.problems) + len(r.leader) +
    len(r.signedDate) + len(r.landedDate) + len(r.startDate) + len(r.productionDate)
  );
}

function columnJson(rows: readonly LedgerRow[], from: number, to: number): string {
  const part = rows.slice(from, to);
  const columns = Object.fromEntries(ROW_KEYS.map((c) => [c, part.map((r) => r[c] ?? null)]));
  return JSON.stringify({ v: 2, columns });
}

/** The rows' chunks, in row order. */
export function encodeChunks(rows: readonly LedgerRow[]): SnapshotChunk[] {
  const out: SnapshotChunk[] = [];
  const emit = (from: number, to: number): void => {
    const data = gzipSync(columnJson(rows, from, to));
    if (data.byteLength > CHUNK_MAX_BYTES && to - from > 1) {
      const mid = from + Math.floor((to - from) / 2);
      emit(from, mid);
      emit(mid, to);
      return;
    }
    // One row is at most ~12 KB of text (core/ledger/limits.ts), so a single row always fits.
    out.push({ index: out.length, rows: to - from, data: new Uint8Array(data) });
  };
  let start = 0;
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    size += rowChars(rows[i]);
    if (size >= CHUNK_TEXT_TARGET) {
      emit(start, i + 1);
      start = i + 1;
      size = 0;
    }
  }
  if (start < rows.length) emit(start, rows.length);
  return out;
}

const damaged = (expected: number | undefined, found: string) => new Error(`台账快照块损坏：应有 ${expected ?? '?'} 行，读出 ${found}`);

/** Row i of a chunk's columns, with the fields in LedgerRow's order (a field missing here fails to compile). */
function rowAt(c: Columns, i: number): LedgerRow {
  return {
    unitCode: c.unitCode[i],
    projectCode: c.projectCode[i],
    projectName: c.projectName[i],
    batch: c.batch[i],
    phase: c.phase[i],
    status: c.status[i],
    totalInvestment: c.totalInvestment[i],
    annualPlan: c.annualPlan[i],
    ytdCompleted: c.ytdCompleted[i],
    monthCompleted: c.monthCompleted[i],
    industry: c.industry[i],
    signedDate: c.signedDate[i],
    landedDate: c.landedDate[i],
    startDate: c.startDate[i],
    productionDate: c.productionDate[i],
    progress: c.progress[i],
    problems: c.problems[i],
    leader: c.leader[i],
    sourceRow: c.sourceRow[i],
  };
}

/** The rows of one chunk (either layout); throws when the bytes are not a chunk this module wrote. */
export function decodeChunk(data: Uint8Array, expectedRows?: number): LedgerRow[] {
  const parsed = JSON.parse(gunzipSync(data).toString('utf8')) as unknown;
  // Chunks written before the columns: an array of rows.
  if (Array.isArray(parsed)) {
    if (expectedRows !== undefined && parsed.length !== expectedRows) throw damaged(expectedRows, String(parsed.length));
    return parsed as LedgerRow[];
  }
  const chunk = parsed as { v?: unknown; columns?: Record<string, unknown> } | null;
  const columns = chunk?.columns;
  if (chunk?.v !== 2 || !columns) throw damaged(expectedRows, '非数组');
  const n = Array.isArray(columns.unitCode) ? columns.unitCode.length : -1;
  for (const c of ROW_KEYS) {
    if (!Array.isArray(columns[c]) || (columns[c] as unknown[]).length !== n) throw damaged(expectedRows, `缺少或不齐的列 ${c}`);
  }
  if (expectedRows !== undefined && n !== expectedRows) throw damaged(expectedRows, String(n));
  const out = new Array<LedgerRow>(n);
  for (let i = 0; i < n; i++) out[i] = rowAt(columns as unknown as Columns, i);
  return out;
}
