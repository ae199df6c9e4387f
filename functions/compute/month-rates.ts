import { createHash } from 'node:crypto';
import { logEvent } from '../adapters/log';
import { recordMetric } from '../adapters/metrics';
import { METRIC } from '../core/shared/metric-names';
import type { Pointer } from '../core/ingest/upload-order';
import type { ComputeLedger } from '../core/ledger/ledger-row';
import { computeMonth } from '../core/metrics/compute-month';
import type { QualityFinding, RatesDoc } from '../core/metrics/rates-types';
import type { CuratedExports, CuratedWriter, MonthLedgerStore, ObjectStore, ReviewStore, UploadDigests } from '../core/ports';
import type { Config } from '../core/shared/config';
import { previousMonth } from '../core/shared/months';
import { objectKeys } from '../core/shared/storage-keys';

export interface MonthRatesDeps {
  store: ObjectStore;
  repo: MonthLedgerStore;
  /** What compute reads of each upload (one small object per unit, not its rows). */
  digests: UploadDigests;
  config: Config;
  reportsBucket: string;
  /** Where a published month's audit trail goes (`audit/month=…/`, month-lifecycle.ts); none when null. */
  curated: Pick<CuratedWriter, 'writeAudit'> | null;
  /** Who makes the month's columnar ledger (`ledger/month=…/`) from the uploads computed on; none when null. */
  exports: CuratedExports | null;
  now: () => Date;
  /** The city's review decisions (退回, 不予认定): without it no review counts (a store without month records). */
  reviews?: ReviewStore;
}

export interface ComputedMonth {
  doc: RatesDoc;
  /** The uploads computed on (each unit's current one, or a version's pinned ones): the export copies exactly these. */
  pointers: Pointer[];
  uploadIds: Record<string, string>;
}

/** A month's digests as compute reads them: the rows by unit and the row checks' findings. */
async function readMonth(deps: MonthRatesDeps, month: string, pointers: Pointer[]): Promise<{ ledger: ComputeLedger; rowFindings: QualityFinding[] }> {
  const digests = await deps.digests.read(month, pointers);
  const ledger: ComputeLedger = {};
  const rowFindings: QualityFinding[] = [];
  for (const d of digests) {
    ledger[d.unitCode] = d.rows;
    for (const f of d.rowFindings) rowFindings.push(f);
  }
  return { ledger, rowFindings };
}

/**
 * The month's rates on its current uploads, or on exactly `pointers` (a published version's
 * pinned set). Reads the previous month's current uploads for 变化 and the cross-month checks.
 * Reads one digest per unit and month (core/ledger/upload-digest.ts), never the rows' text.
 */
export async function computeMonthRates(deps: MonthRatesDeps, month: string, pinned?: Pointer[]): Promise<ComputedMonth> {
  const prevMonth = previousMonth(month);
  const [pointers, prevPointers, receipts, reviews] = await Promise.all([
    pinned ?? deps.repo.getPointers(month),
    deps.repo.getPointers(prevMonth),
    deps.repo.receiptStates(month),
    deps.reviews ? deps.reviews.listReviews(month) : Promise.resolve(undefined),
  ]);
  const [{ ledger, rowFindings }, prev] = await Promise.all([readMonth(deps, month, pointers), readMonth(deps, prevMonth, prevPointers)]);
  const uploadIds = Object.fromEntries(pointers.map((p) => [p.unitCode, p.uploadId]));
  // A previous month with no accepted upload at all is "no history", not "everything fell to zero".
  const previous = Object.keys(prev.ledger).length ? prev.ledger : null;
  // 报送未通过: units with a refused upload; computeMonth keeps those without an accepted ledger.
  const rejectedUnits = receipts.filter((r) => r.status === 'rejected' && r.unitCode).map((r) => r.unitCode!);
  // 按时/逾期: the event time of the upload each unit's rows come from (its pointer's).
  const eventTimes = new Map(receipts.map((r) => [`${r.unitCode}/${r.uploadId}`, r.eventTime]));
  const acceptedAt = Object.fromEntries(Object.entries(uploadIds).map(([unit, id]) => [unit, eventTimes.get(`${unit}/${id}`) ?? null]));
  // 退回 and 不予认定 of the uploads computed on (a review of another upload of the unit does not count).
  const reviewed = reviews ? { reviews, uploadIds } : {};
  const doc = computeMonth({ month, ledger, rowFindings, previous, config: deps.config, rejectedUnits, acceptedAt, ...reviewed, computedAt: deps.now().toISOString() });
  return { doc, pointers, uploadIds };
}

/** The bytes of a rates.json as stored, and their SHA-256 (what the audit trail records). */
export function ratesBytes(doc: RatesDoc): { body: string; checksum: string } {
  const body = JSON.stringify(doc, null, 2);
  return { body, checksum: createHash('sha256').update(body, 'utf8').digest('hex') };
}

/**
 * Stores a computed month: `reports/{M}/rates.json` (the draft, or the latest version), with a
 * version also `reports/{M}/v{N}/rates.json`. Then it requests the
 * month's curated copy of the uploads computed on (the export stage makes it, not this run).
 */
export async function storeMonthRates(deps: MonthRatesDeps, m: ComputedMonth): Promise<{ key: string; checksum: string }> {
  const { doc } = m;
  const { body, checksum } = ratesBytes(doc);
  const type = 'application/json; charset=utf-8';
  const key = objectKeys.rates(doc.month);
  // Independent writes, at once. The month's numbers live in rates.json only: the portal's history
  // and the bulletin's trends read those (no copy per unit in the table to keep in step).
  await Promise.all([
    doc.version ? deps.store.put(deps.reportsBucket, objectKeys.ratesVersion(doc.month, doc.version), body, type) : null,
    deps.store.put(deps.reportsBucket, key, body, type),
  ]);
  recordMetric(METRIC.RatesComputed, 1, { month: doc.month });
  if (deps.exports) await requestExport(deps.exports, doc.month, m.pointers);
  return { key: doc.version ? objectKeys.ratesVersion(doc.month, doc.version) : key, checksum };
}

/**
 * The month's Arrow + Parquet copy for analysts, made by the export stage. It must not hold up the
 * bulletin: a failed request is logged as an error (the next run of the month requests it again).
 */
async function requestExport(exports: CuratedExports, month: string, pointers: Pointer[]) {
  try {
    await exports.request({ month, pointers });
    logEvent('curated export requested', { month, units: pointers.length });
  } catch (e) {
    logEvent('curated export request failed', { month, error: e as Error }, 'error');
  }
}
