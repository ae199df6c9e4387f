import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_BYTES, decodeChunk, encodeChunks } from '../../../functions/adapters/aws/snapshot-chunks';
import { checkItem } from '../../../functions/adapters/aws/item-limits';
import { tableKeys } from '../../../functions/core/shared/storage-keys';
import type { LedgerRow } from '../../../functions/core/ledger/ledger-row';
import { makeRow } from '../../helpers/rows';

const rows = (n: number, text: (i: number) => string | null = () => null): LedgerRow[] =>
  Array.from({ length: n }, (_, i) =>
    makeRow({ projectCode: `2604-411102-04-01-${String(i + 1).padStart(6, '0')}`, sourceRow: i + 2, progress: text(i), totalInvestment: 10_000 + i / 7 }),
  );

const decodeAll = (chunks: ReturnType<typeof encodeChunks>) => chunks.flatMap((c) => decodeChunk(c.data, c.rows));

/** The chunk as the table item ledger-repo writes, checked against DynamoDB's own limits. */
function itemOf(c: ReturnType<typeof encodeChunks>[number]) {
  const item = { pk: tableKeys.snapshot('2026-10', '411102', 'f'.repeat(16)), sk: tableKeys.chunk(c.index), rows: c.rows, data: c.data };
  checkItem(marshall(item), 'chunk');
  return item;
}

describe('snapshot chunks', () => {
  it('round-trips rows exactly, in order, numbers to the last bit', () => {
    const input = rows(1000, (i) => (i % 3 ? `进展 ${i}：已完成土地平整` : null));
    const chunks = encodeChunks(input);
    expect(chunks).toHaveLength(1);
    expect(decodeAll(chunks)).toEqual(input);
  });

  it('a large upload takes a few items, each inside DynamoDB’s 400 KB, instead of one per row', () => {
    const input = rows(20_000, (i) => `项目推进顺利，第 ${i} 号，已完成主体工程 ${i % 97}%`);
    const chunks = encodeChunks(input);
    // ~8 MB of JSON in 20k rows: a handful of items, not 20,000.
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(20);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    for (const c of chunks) expect(c.data.byteLength).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
    chunks.forEach(itemOf);
    expect(decodeAll(chunks)).toEqual(input);
  });

  it('rows that do not compress are split until every chunk fits', () => {
    // 1,000 characters of random text per row (the longest 进展 a clerk may send): ~1.4 MB that gzip cannot shrink much.
    const input = rows(1000, () => randomBytes(750).toString('base64').slice(0, 1000));
    const chunks = encodeChunks(input);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.data.byteLength).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
    chunks.forEach(itemOf);
    expect(decodeAll(chunks)).toEqual(input);
  });

  it('the same rows give the same chunks (a retried ingest rewrites the same items)', () => {
    const input = rows(5000, (i) => `第 ${i} 行`);
    const a = encodeChunks(input);
    const b = encodeChunks(structuredClone(input));
    expect(b.map((c) => [c.index, c.rows, Buffer.from(c.data).toString('base64')])).toEqual(a.map((c) => [c.index, c.rows, Buffer.from(c.data).toString('base64')]));
  });

  it('no rows: no chunks', () => {
    expect(encodeChunks([])).toEqual([]);
  });

  it('refuses a chunk that does not hold the rows its item says', () => {
    const [c] = encodeChunks(rows(10));
    expect(() => decodeChunk(c.data, 11)).toThrow(/快照块损坏/);
    expect(() => decodeChunk(new Uint8Array([1, 2, 3]))).toThrow();
    // A column shorter than the others, or missing.
    const chunk = JSON.parse(gunzipSync(c.data).toString('utf8')) as { columns: Record<string, unknown[]> };
    chunk.columns.status.pop();
    expect(() => decodeChunk(gzipSync(JSON.stringify(chunk)), 10)).toThrow(/快照块损坏.*status/);
    delete (chunk.columns as Partial<typeof chunk.columns>).status;
    expect(() => decodeChunk(gzipSync(JSON.stringify(chunk)), 10)).toThrow(/快照块损坏.*status/);
    expect(() => decodeChunk(gzipSync('null'))).toThrow(/快照块损坏/);
  });

  it('holds the rows by column (the field names once), and still reads chunks written as an array of rows', () => {
    const input = rows(50, (i) => `第 ${i} 行`);
    const [c] = encodeChunks(input);
    const chunk = JSON.parse(gunzipSync(c.data).toString('utf8')) as { v: number; columns: Record<string, unknown[]> };
    expect(chunk.v).toBe(2);
    expect(chunk.columns.progress).toEqual(input.map((r) => r.progress));
    const before = gzipSync(JSON.stringify(input));
    expect(decodeChunk(before, 50)).toEqual(input);
    expect(() => decodeChunk(before, 51)).toThrow(/快照块损坏/);
  });
});
