import { logEvent } from '../adapters/log';
import { recordMetric } from '../adapters/metrics';
import { METRIC } from '../core/shared/metric-names';
import type { MonthLedger } from '../core/ledger/ledger-row';
import { computeMonth } from '../core/metrics/compute-month';
import type { RateMap } from '../core/metrics/rates-types';
import type { CuratedWriter, MonthLedgerStore, ObjectStore } from '../core/ports';
import type { Config } from '../core/shared/config';
import { isMonth, previousMonth, reportingMonth } from '../core/shared/months';
import { objectKeys } from '../core/shared/storage-keys';

export interface ComputeDeps {
  store: ObjectStore;
  repo: MonthLedgerStore;
  config: Config;
  reportsBucket: string;
  /** Where the month's columnar ledger goes (`ledger/month=…/`); none when null. */
  curated: CuratedWriter | null;
  now: () => Date;
}

/** The scheduler's payload: no month means "the month before now" (Asia/Shanghai). */
export interface ComputeEvent {
  month?: string;
  /** Passed through to the report stage (re-runs). */
  send?: boolean;
  force?: boolean;
}

/** What compute returns; the report stage receives it (Lambda destination, responseOnly). */
export interface ComputeResult {
  month: string;
  ratesKey: string;
  reportedUnits: number;
  unreportedUnits: number;
  province: RateMap<number | null>;
  send?: boolean;
  force?: boolean;
}

/** The month's rates from its current ledger: rates.json, one table item per unit, the curated month. */
export function createCompute(deps: ComputeDeps) {
  return async (event: ComputeEvent = {}): Promise<ComputeResult> => {
    const month = event.month ?? reportingMonth(deps.now());
    if (!isMonth(month)) throw new Error(`Invalid month "${month}" (expected YYYY-MM)`);
    const [{ ledger, uploadIds }, prev, receipts] = await Promise.all([
      deps.repo.readCurrent(month),
      deps.repo.readLedger(previousMonth(month)),
      deps.repo.receiptStates(month),
    ]);
    // A previous month with no accepted upload at all is "no history", not "everything fell to zero".
    const previous = Object.keys(prev).length ? prev : null;
    // 报送未通过: units with a refused upload; computeMonth keeps those without an accepted ledger.
    const rejectedUnits = receipts.filter((r) => r.status === 'rejected' && r.unitCode).map((r) => r.unitCode!);
    // 按时/逾期: the event time of the upload each unit's rows come from (its CURRENT pointer's).
    const eventTimes = new Map(receipts.map((r) => [`${r.unitCode}/${r.uploadId}`, r.eventTime]));
    const acceptedAt = Object.fromEntries(Object.entries(uploadIds).map(([unit, id]) => [unit, eventTimes.get(`${unit}/${id}`) ?? null]));
    const doc = computeMonth({ month, ledger, previous, config: deps.config, rejectedUnits, acceptedAt, computedAt: deps.now().toISOString() });
    const key = objectKeys.rates(month);
    await deps.store.putJson(deps.reportsBucket, key, doc);
    await deps.repo.putRates(doc);
    if (deps.curated) await writeCuratedMonth(deps.curated, month, ledger, uploadIds);
    const province = doc.units.find((u) => u.level === 'province')!;
    recordMetric(METRIC.RatesComputed, 1, { month });
    logEvent('computed', { month, key, units: doc.units.length, unreported: doc.unreported.length });
    return {
      month,
      ratesKey: key,
      reportedUnits: Object.keys(ledger).length,
      unreportedUnits: doc.unreported.length,
      province: province.rates,
      ...(event.send === undefined ? {} : { send: event.send }),
      ...(event.force === undefined ? {} : { force: event.force }),
    };
  };
}

/**
 * The month's current ledger as Arrow + Parquet for analysts. It must not hold up the bulletin:
 * a failure is logged as an error (and the copy is rewritten by the next run of the month).
 */
async function writeCuratedMonth(curated: CuratedWriter, month: string, ledger: MonthLedger, uploadIds: Record<string, string>) {
  try {
    // The upload ids of the very snapshots computed on (read with them, not again).
    const keys = await curated.writeMonth(month, ledger, (unit) => uploadIds[unit] ?? '');
    logEvent('curated month written', { month, keys });
  } catch (e) {
    logEvent('curated month failed', { month, error: e as Error }, 'error');
  }
}
