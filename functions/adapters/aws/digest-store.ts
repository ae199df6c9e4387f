import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';
import { type UploadDigest, digestDoc, digestFromDoc, digestOf } from '../../core/ledger/upload-digest';
import type { Pointer } from '../../core/ingest/upload-order';
import type { LedgerRow } from '../../core/ledger/ledger-row';
import type { ObjectStore, UploadDigests } from '../../core/ports';
import { mapLimit } from '../../core/shared/concurrency';
import { objectKeys } from '../../core/shared/storage-keys';
import { logEvent } from '../log';

/** GETs in flight: 158 small objects of a month come in a few round trips. */
const READ_CONCURRENCY = 24;

/** On libuv's threads: the month's digests inflate on every core while the next GETs are in flight. */
const inflate = promisify(gunzip);

const isMissing = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
};

/**
 * Upload digests as gzip-compressed JSON objects, one per accepted upload, under the curated
 * bucket's `digests/` (outside the analysts' table). An upload ingested before digests existed
 * has none: its digest is then made from its snapshot (`snapshotOf`, the table's chunks), so a
 * re-run of an old month computes the same numbers, only slower.
 */
export class DigestStore implements UploadDigests {
  constructor(
    readonly store: ObjectStore,
    /** Null: no digest is stored, each is made from the snapshot (a deployment without the curated bucket). */
    readonly bucket: string | null,
    /** The upload's rows from its snapshot (LedgerRepository.readSnapshot), for uploads without a digest. */
    readonly snapshotOf: (month: string, unit: string, uploadId: string) => Promise<LedgerRow[]>,
  ) {}

  async write(d: UploadDigest): Promise<void> {
    if (!this.bucket) return;
    const body = gzipSync(JSON.stringify(digestDoc(d)));
    await this.store.put(this.bucket, objectKeys.digest(d.month, d.unitCode, d.uploadId), new Uint8Array(body), 'application/json');
  }

  read(month: string, pointers: readonly Pointer[]): Promise<UploadDigest[]> {
    return mapLimit(pointers, READ_CONCURRENCY, (p) => this.readOne(month, p));
  }

  private async readOne(month: string, p: Pointer): Promise<UploadDigest> {
    const expected = { month, unitCode: p.unitCode, uploadId: p.uploadId };
    let bytes: Uint8Array;
    try {
      if (!this.bucket) return digestOf(month, p.unitCode, p.uploadId, await this.snapshotOf(month, p.unitCode, p.uploadId));
      bytes = await this.store.getBytes(this.bucket, objectKeys.digest(month, p.unitCode, p.uploadId));
    } catch (e) {
      if (!isMissing(e)) throw e;
      logEvent('digest missing, made from the snapshot', expected, 'warn');
      return digestOf(month, p.unitCode, p.uploadId, await this.snapshotOf(month, p.unitCode, p.uploadId));
    }
    return digestFromDoc(JSON.parse((await inflate(bytes)).toString('utf8')), expected);
  }
}
