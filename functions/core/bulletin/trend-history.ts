/**
 * Reading the year so far: each month's latest rates.json (reports bucket), taken down to its trend
 * point (trend-data.ts) as soon as it is read. The one reader of history, shared by the report
 * stage (the bulletin's 1—M月 trend) and the portal (本年各月): a stage never imports another, so
 * it lives in core and reaches the bucket only through the port it is given. One GET per month,
 * never a ledger row.
 */
import type { RatesDoc } from '../metrics/rates-types';
import type { ObjectStore } from '../ports';
import { mapLimit } from '../shared/concurrency';
import { objectKeys } from '../shared/storage-keys';
import { type MonthPoint, monthPoint } from './trend-data';

export type RatesReader = Pick<ObjectStore, 'getJson'>;

/**
 * What a caller does with a month whose rates.json exists but could not be read: return null (a
 * gap: the report logs it and still issues the bulletin) or throw (the portal fails the request
 * rather than show a computed month as 未计算).
 */
export type OnUnreadable = (month: string, err: Error) => null;

/** S3's answers for a key that does not exist (GET: NoSuchKey; HEAD: NotFound). */
const isMissing = (err: Error) => err.name === 'NoSuchKey' || err.name === 'NotFound';

/** A month's latest rates.json (once published: the current version); null if never computed. */
export async function latestRates(store: RatesReader, bucket: string, month: string, onUnreadable: OnUnreadable): Promise<RatesDoc | null> {
  try {
    return await store.getJson<RatesDoc>(bucket, objectKeys.rates(month));
  } catch (err) {
    return isMissing(err as Error) ? null : onUnreadable(month, err as Error);
  }
}

/** The months' points in order (null: never computed), a few reads at a time. */
export function monthPoints(store: RatesReader, bucket: string, months: readonly string[], onUnreadable: OnUnreadable): Promise<(MonthPoint | null)[]> {
  return mapLimit(months, 4, async (m) => {
    const doc = await latestRates(store, bucket, m, onUnreadable);
    return doc ? monthPoint(doc) : null;
  });
}
