import { ledgerIpc, monthTable, uploadTable } from '../../formats/columnar-schema';
import type { Table } from 'apache-arrow';
import type { LedgerRow, MonthLedger } from '../../core/ledger/ledger-row';
import type { AuditEntry } from '../../core/audit/audit-entry';
import { auditJsonLines } from '../../core/audit/audit-export';
import { logEvent } from '../log';
import type { CuratedWriter, ObjectStore } from '../../core/ports';
import { ParquetUnavailableError, ipcStreamToParquet } from './parquet';
import { objectKeys } from '../../core/shared/storage-keys';

/**
 * Writes the columnar copies of the ledger to the curated bucket (layout and schema:
 * core/columnar-schema.ts). The bytes depend only on the rows, so a retried or replayed write
 * leaves exactly the same objects.
 */
export const ARROW_CONTENT_TYPE = 'application/vnd.apache.arrow.file';
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

export class CuratedStore implements CuratedWriter {
  constructor(
    readonly store: ObjectStore,
    readonly bucket: string,
  ) {}

  /** The month's audit trail as JSON Lines (core/audit/audit-export.ts). */
  async writeAudit(month: string, entries: AuditEntry[]): Promise<string> {
    const key = objectKeys.curatedAudit(month);
    await this.store.put(this.bucket, key, new TextEncoder().encode(auditJsonLines(entries)), 'application/x-ndjson; charset=utf-8');
    return key;
  }

  /** One accepted upload: `uploads/month=…/unit=…/{uploadId}.parquet` and `.arrow`. */
  async writeUpload(month: string, unit: string, uploadId: string, rows: LedgerRow[]): Promise<string[]> {
    return this.write(objectKeys.curatedUpload(month, unit, uploadId), uploadTable(rows, uploadId));
  }

  /** A month's current ledger: `ledger/month=…/ledger.parquet` and `ledger-arrow/month=…/ledger.arrow` (replaced each compute). */
  async writeMonth(month: string, ledger: MonthLedger, uploadIdOf: (unit: string) => string): Promise<string[]> {
    return this.write(objectKeys.curatedMonth(month), monthTable(ledger, uploadIdOf));
  }

  private async write(keys: { parquet: string; arrow: string }, table: Table): Promise<string[]> {
    // One table for both encodings. Arrow IPC needs no native code: it is always written.
    await this.store.put(this.bucket, keys.arrow, ledgerIpc(table, 'file'), ARROW_CONTENT_TYPE);
    let parquet: Uint8Array;
    try {
      parquet = ipcStreamToParquet(ledgerIpc(table, 'stream'));
    } catch (e) {
      // A deployment without the .wasm file must not stop ingest or the bulletin: say so loudly.
      if (!(e instanceof ParquetUnavailableError)) throw e;
      logEvent('parquet unavailable, wrote Arrow only', { key: keys.arrow, error: e.message }, 'error');
      return [keys.arrow];
    }
    await this.store.put(this.bucket, keys.parquet, parquet, PARQUET_CONTENT_TYPE);
    return [keys.arrow, keys.parquet];
  }
}
