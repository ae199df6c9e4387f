import { gunzipSync, gzipSync } from 'node:zlib';
import type { LedgerRow } from '../../core/ledger/ledger-row';

/**
 * How an upload's snapshot is laid out in the table: its rows as gzip-compressed JSON in a few
 * chunk items (`LEDGER#…` / `CHUNK#0000`, …), not one item per row (docs/architecture.md "The
 * ledger at scale"). A 200k-row month was 200k `BatchWriteItem` puts of ~440 bytes to ingest and
 * 200k items to read back for compute; as chunks it is a few hundred items and one query per
 * unit, and about a tenth of the write units (DynamoDB bills an item by its bytes, in 1 KB steps).
 *
 * A chunk's compressed bytes stay under CHUNK_MAX_BYTES so that the item, with its keys, is well
 * inside DynamoDB's 400 KB (item-limits.ts checks every write again). Rows are grouped by their
 * JSON size; a group that compresses worse than expected (rows of incompressible text) is split
 * in halves until it fits. The grouping depends only on the rows, so a retried ingest writes the
 * same chunks under the same keys.
 */
export const CHUNK_MAX_BYTES = 320 * 1024;
/** Raw JSON gathered into one chunk before compression (ledger rows compress about 8–15×). */
export const CHUNK_RAW_TARGET = 1536 * 1024;

export interface SnapshotChunk {
  /** 0-based position, for the sort key (CHUNK#0000). */
  index: number;
  /** Rows in the chunk. */
  rows: number;
  data: Uint8Array;
}

/** The rows' chunks, in row order. */
export function encodeChunks(rows: readonly LedgerRow[]): SnapshotChunk[] {
  const json = rows.map((r) => JSON.stringify(r));
  const out: SnapshotChunk[] = [];
  const emit = (from: number, to: number): void => {
    const data = gzipSync(`[${json.slice(from, to).join(',')}]`);
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
  for (let i = 0; i < json.length; i++) {
    size += Buffer.byteLength(json[i], 'utf8') + 1;
    if (size >= CHUNK_RAW_TARGET) {
      emit(start, i + 1);
      start = i + 1;
      size = 0;
    }
  }
  if (start < json.length) emit(start, json.length);
  return out;
}

/** The rows of one chunk; throws when the bytes are not a chunk this module wrote. */
export function decodeChunk(data: Uint8Array, expectedRows?: number): LedgerRow[] {
  const rows = JSON.parse(gunzipSync(data).toString('utf8')) as unknown;
  if (!Array.isArray(rows) || (expectedRows !== undefined && rows.length !== expectedRows)) {
    throw new Error(`台账快照块损坏：应有 ${expectedRows ?? '?'} 行，读出 ${Array.isArray(rows) ? rows.length : '非数组'}`);
  }
  return rows as LedgerRow[];
}
