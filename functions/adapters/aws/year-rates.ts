/**
 * The loader of a year's history: each month's rates.json from the reports bucket, twelve HEADs
 * and a GET per computed month — never a ledger row (core/history/year-history.ts builds on it).
 */
import { type YearHistory, buildYearHistory } from '../../core/history/year-history';
import type { RatesDoc } from '../../core/metrics/rates-types';
import type { ObjectStore } from '../../core/ports';
import { formatMonth } from '../../core/shared/months';
import { objectKeys } from '../../core/shared/storage-keys';

/** The year's computed months' rates.json, in month order (months never computed are absent). */
export async function loadYearRates(store: ObjectStore, reportsBucket: string, year: number): Promise<RatesDoc[]> {
  const months = Array.from({ length: 12 }, (_, i) => formatMonth(year, i + 1));
  const docs = await Promise.all(
    months.map(async (m) => ((await store.exists(reportsBucket, objectKeys.rates(m))) ? store.getJson<RatesDoc>(reportsBucket, objectKeys.rates(m)) : null)),
  );
  return docs.filter((d): d is RatesDoc => d !== null);
}

export async function loadYearHistory(store: ObjectStore, reportsBucket: string, year: number): Promise<YearHistory> {
  return buildYearHistory(year, await loadYearRates(store, reportsBucket, year));
}
