import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DigestDamagedError, type UploadDigest, decodeDigest, digestOf, encodeDigest } from '../../core/ledger/upload-digest';
import type { Pointer } from '../../core/ingest/upload-order';
import type { LedgerRow } from '../../core/ledger/ledger-row';
import type { UploadDigests } from '../../core/ports';
import { tableKeys } from '../../core/shared/storage-keys';
import { logEvent } from '../log';
import { DEFAULT_RETRY, type RetryOptions, batchWrite } from './batch-write';
import { deleteAll, queryAll } from './dynamo-query';

/**
 * Compressed bytes per item, stored as base64 text (320 KB): DynamoDB's 400 KB counts the keys and
 * attribute names too (item-limits.ts checks every write). A 200k-row month's digest of one unit
 * is ~24 KB. Text, not a binary attribute: the SDK checks each binary value it receives against a
 * regular expression before decoding it, ~30 ms for a month's 5 MB of base64 (a tenth of compute);
 * Buffer decodes the same text in 3 ms. The cost: a third more bytes stored and read.
 */
export const DIGEST_PART_BYTES = 240_000;

/** Queries in flight per month: the month's partition is read as this many ranges of units at once. */
const READ_RANGES = 4;

/** On libuv's threads: the month's digests inflate on every core while the other ranges are read. */
const inflate = promisify(gunzip);

interface PartItem {
  unitCode: string;
  uploadId: string;
  part: number;
  parts: number;
  /** The part's bytes, base64. */
  body: string;
}

/**
 * Upload digests (core/ledger/upload-digest.ts) in the table, all of a month in one partition
 * (`DIGESTS#{month}` / `{unit}#{uploadId}#{part}`), gzip-compressed (encodeDigest) and split into parts that fit
 * an item. Compute reads a month in a few query pages (a page is 1 MB: ~30 units of a 200k-row
 * month), not one request per unit. A digest lives as long as its upload's snapshot: ingest
 * discards it where it deletes the snapshot (superseded; outside the correction period), so the
 * partition holds the current uploads, and the pinned ones a published version may need.
 *
 * An upload ingested before digests were kept in the table has none: its digest is then made from
 * its snapshot (`snapshotOf`), so a re-run of an old month computes the same numbers, only slower.
 */
export class DigestStore implements UploadDigests {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    /** The upload's rows from its snapshot (LedgerRepository.readSnapshot), for uploads without a digest. */
    readonly snapshotOf: (month: string, unit: string, uploadId: string) => Promise<LedgerRow[]>,
    readonly retry: RetryOptions = DEFAULT_RETRY,
  ) {}

  /** Same rows, same bytes, same keys: a retried ingest overwrites its own parts. */
  async write(d: UploadDigest): Promise<void> {
    const body = gzipSync(encodeDigest(d));
    const parts = Math.max(1, Math.ceil(body.length / DIGEST_PART_BYTES));
    const pk = tableKeys.digests(d.month);
    const puts = Array.from({ length: parts }, (_, part) => ({
      PutRequest: {
        Item: {
          pk,
          sk: tableKeys.digestPart(d.unitCode, d.uploadId, part),
          unitCode: d.unitCode,
          uploadId: d.uploadId,
          part,
          parts,
          body: body.subarray(part * DIGEST_PART_BYTES, (part + 1) * DIGEST_PART_BYTES).toString('base64'),
        } satisfies PartItem & { pk: string; sk: string },
      },
    }));
    await batchWrite(this.doc, this.table, puts, this.retry);
  }

  async discard(month: string, unitCode: string, uploadId: string): Promise<void> {
    await deleteAll(
      this.doc,
      this.table,
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': tableKeys.digests(month), ':p': tableKeys.digestPrefix(unitCode, uploadId) },
      },
      this.retry,
    );
  }

  async read(month: string, pointers: readonly Pointer[]): Promise<UploadDigest[]> {
    const parts = await this.readParts(month, pointers);
    return Promise.all(pointers.map((p) => this.assemble(month, p, parts.get(`${p.unitCode}#${p.uploadId}`))));
  }

  /** The parts of the pointers' units in the month's partition, by `{unit}#{uploadId}`. */
  private async readParts(month: string, pointers: readonly Pointer[]): Promise<Map<string, PartItem[]>> {
    const units = [...new Set(pointers.map((p) => p.unitCode))].sort();
    if (!units.length) return new Map();
    const size = Math.ceil(units.length / READ_RANGES);
    const ranges: string[][] = [];
    for (let i = 0; i < units.length; i += size) ranges.push(units.slice(i, i + size));
    const pages = await Promise.all(
      ranges.map((r) =>
        queryAll(this.doc, this.table, {
          // '#' < '$': every sort key of unit u lies in [u#, u$).
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': tableKeys.digests(month), ':lo': `${r[0]}#`, ':hi': `${r[r.length - 1]}$` },
          // Written before the pointer flips: a compute that sees the pointer must see the digest.
          ConsistentRead: true,
        }),
      ),
    );
    const byUpload = new Map<string, PartItem[]>();
    for (const items of pages) {
      for (const it of items as unknown as PartItem[]) {
        const k = `${it.unitCode}#${it.uploadId}`;
        const list = byUpload.get(k);
        if (list) list.push(it);
        else byUpload.set(k, [it]);
      }
    }
    return byUpload;
  }

  private async assemble(month: string, p: Pointer, parts: PartItem[] | undefined): Promise<UploadDigest> {
    const expected = { month, unitCode: p.unitCode, uploadId: p.uploadId };
    const damaged = (why: string) => new DigestDamagedError(`台账摘要损坏（${month}/${p.unitCode}/${p.uploadId}）：${why}`);
    if (!parts?.length) {
      logEvent('digest missing, made from the snapshot', expected, 'warn');
      return digestOf(month, p.unitCode, p.uploadId, await this.snapshotOf(month, p.unitCode, p.uploadId));
    }
    if (parts.some((x) => typeof x.body !== 'string')) throw damaged('格式不符');
    // All parts, each once (sort keys are unique; the count must agree across them).
    const n = parts[0].parts;
    if (!n || parts.length !== n || parts.some((x) => x.parts !== n)) throw damaged(`分段不全（${parts.length}/${n ?? '?'}）`);
    const bytes = Buffer.concat([...parts].sort((a, b) => a.part - b.part).map((x) => Buffer.from(x.body, 'base64')));
    let raw: Uint8Array;
    try {
      raw = await inflate(bytes);
    } catch {
      throw damaged('无法解压');
    }
    return decodeDigest(raw, expected);
  }
}
