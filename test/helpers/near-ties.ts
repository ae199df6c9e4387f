/**
 * Months built to have near-ties: rates that print the same ("86.2%") but differ in the raw
 * fraction (81/94 = 0.86170, 75/87 = 0.86207), exact ties, and clear leaders and laggards, for
 * every rate of the 19 city-level units and of the counties within a city. Deterministic: a
 * seeded PRNG picks which fraction each unit gets.
 */
import { Rng } from '../../cli/samples/prng';
import type { LedgerRow, Status } from '../../functions/core/ledger/ledger-row';
import { computeMonth } from '../../functions/core/metrics/compute-month';
import type { RatesDoc } from '../../functions/core/metrics/rates-types';
import type { Config } from '../../functions/core/shared/config';
import { CITIES, reportingUnitsOf } from '../../functions/core/shared/divisions';
import { makeRow } from './rows';

/** [numerator, denominator]: pairs that print alike but differ, exact ties, and spread values. */
const FRACTIONS: ReadonlyArray<readonly [number, number]> = [
  [81, 94], [75, 87], [106, 123], [6, 7], [12, 14], [60, 70], [3, 4], [30, 40], [20, 20], [10, 10],
  [2, 3], [40, 60], [1, 9], [0, 8], [433, 500], [866, 1000], [7, 13], [14, 26], [57, 100], [571, 1000],
];

function pick(rng: Rng): readonly [number, number] {
  return FRACTIONS[Math.floor(rng.next() * FRACTIONS.length)];
}

/** `n` rows of one batch, the first `hit` of them at `high` status, the rest at `low`. */
function rows(unitCode: string, batch: LedgerRow['batch'], n: number, hit: number, high: Status, low: Status): LedgerRow[] {
  return Array.from({ length: n }, (_, i) => makeRow({ unitCode, batch, status: i < hit ? high : low, annualPlan: 100, ytdCompleted: 0 }));
}

/** One unit's ledger whose four count rates are the given fractions, and investment completion the last. */
function unitLedger(unitCode: string, rng: Rng): LedgerRow[] {
  const [landed, signed] = pick(rng);
  const started = Math.floor(landed * rng.next());
  const [inProduction, startBatch] = pick(rng);
  const [atCapacity, productionBatch] = pick(rng);
  const [done, plan] = pick(rng);
  const signedRows = [
    ...rows(unitCode, '签约', started, started, '已开工', '已开工'),
    ...rows(unitCode, '签约', landed - started, landed - started, '已落地', '已落地'),
    ...rows(unitCode, '签约', signed - landed, 0, '已签约', '已签约'),
  ];
  const out = [
    ...signedRows,
    ...rows(unitCode, '开工', startBatch, inProduction, '已投产', '已开工'),
    ...rows(unitCode, '投产', productionBatch, atCapacity, '已达效', '已投产'),
  ];
  // 投资完成率 = done / plan: spread over the rows' annual plans.
  const each = plan / out.length;
  out.forEach((r, i) => {
    r.annualPlan = each;
    r.ytdCompleted = (done / plan) * each;
    r.totalInvestment = each * 10;
    r.sourceRow = i + 4;
  });
  return out;
}

/** A month in which every city-level unit and up to four counties of each report, with near-ties everywhere. */
export function nearTieMonth(seed: number, config: Config, month = '2026-10'): RatesDoc {
  const rng = new Rng(seed);
  const ledger: Record<string, LedgerRow[]> = {};
  for (const city of CITIES) {
    for (const unit of reportingUnitsOf(city.code).slice(0, 4)) ledger[unit.code] = unitLedger(unit.code, rng);
  }
  return computeMonth({ month, ledger, previous: null, config });
}
