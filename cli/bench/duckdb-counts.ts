import type { Counts } from '../../functions/core/metrics/rates-types';
import type { LedgerDb } from '../local/duckdb-ledger';

/**
 * The per-unit counts and sums the rates are made of (core/metrics/rates.ts countRows and
 * sumInvestment, landing criterion 已落地, no review), as one DuckDB query over the month's
 * curated Parquet: the columnar engine's side of `scale.compute_vs_duckdb`.
 */
export const UNIT_COUNTS_SQL = `
SELECT unitCode,
  count(*) AS projects,
  count(*) FILTER (batch = '签约') AS signed,
  count(*) FILTER (batch = '签约' AND status IN ('已落地', '已开工', '已投产', '已达效')) AS signedLanded,
  count(*) FILTER (batch = '签约' AND status IN ('已开工', '已投产', '已达效')) AS signedStarted,
  count(*) FILTER (batch = '开工') AS startBatch,
  count(*) FILTER (batch = '开工' AND status IN ('已投产', '已达效')) AS startBatchInProduction,
  count(*) FILTER (batch = '投产') AS productionBatch,
  count(*) FILTER (batch = '投产' AND status = '已达效') AS productionBatchAtCapacity,
  count(*) FILTER (status = '已终止') AS terminated,
  sum(totalInvestment) AS total, sum(annualPlan) AS annualPlan, sum(ytdCompleted) AS ytdCompleted
FROM ledger WHERE month = ? GROUP BY unitCode ORDER BY unitCode`;

export interface UnitCounts {
  unitCode: string;
  counts: Counts;
  investment: { total: number; annualPlan: number; ytdCompleted: number };
}

export async function unitCounts(db: LedgerDb, month: string): Promise<UnitCounts[]> {
  const res = await db.run(UNIT_COUNTS_SQL, [month]);
  return res.rows.map((row) => {
    const r = Object.fromEntries(res.columns.map((c, i) => [c, row[i]])) as Record<string, number> & { unitCode: string };
    const { unitCode, total, annualPlan, ytdCompleted, ...counts } = r;
    return { unitCode, counts: counts as unknown as Counts, investment: { total, annualPlan, ytdCompleted } };
  });
}
