/**
 * Projects and investment per batch (签约一批 / 开工一批 / 投产一批) of the province, each city-level
 * unit and each reporting unit, from the month's ledger. `rates.json` carries counts per batch but
 * money only in total; the bulletin's 总体情况 shows both per batch. Pure.
 */
import { division } from './divisions';
import type { Batch, MonthLedger } from './ledger-types';
import type { Counts } from './rates-types';

export interface BatchFigures {
  projects: number;
  /** 万元 */
  total: number;
  annualPlan: number;
  ytdCompleted: number;
}

export type BatchBreakdown = Record<Batch, BatchFigures>;

export interface BatchBreakdowns {
  province: BatchBreakdown;
  /** City-level code → its breakdown. */
  cities: Record<string, BatchBreakdown>;
  /** Reporting-unit code → its breakdown. */
  units: Record<string, BatchBreakdown>;
}

function empty(): BatchBreakdown {
  const z = (): BatchFigures => ({ projects: 0, total: 0, annualPlan: 0, ytdCompleted: 0 });
  return { 签约: z(), 开工: z(), 投产: z() };
}

export function batchBreakdowns(ledger: MonthLedger): BatchBreakdowns {
  const out: BatchBreakdowns = { province: empty(), cities: {}, units: {} };
  for (const unit of Object.keys(ledger).sort()) {
    const cityCode = division(unit)?.cityCode ?? unit;
    const u = (out.units[unit] ??= empty());
    const c = (out.cities[cityCode] ??= empty());
    for (const r of ledger[unit]) {
      for (const b of [u[r.batch], c[r.batch], out.province[r.batch]]) {
        if (!b) continue;
        b.projects++;
        b.total += r.totalInvestment;
        b.annualPlan += r.annualPlan;
        b.ytdCompleted += r.ytdCompleted;
      }
    }
  }
  return out;
}

/**
 * Whether a breakdown describes the same rows as a unit of `rates.json` (its batch counts agree).
 * A ledger re-uploaded after compute would not: then the bulletin leaves the money per batch out
 * rather than print figures that disagree with the rates.
 */
export function matchesCounts(b: BatchBreakdown | undefined, counts: Counts): b is BatchBreakdown {
  if (!b) return false;
  return b.签约.projects === counts.signed && b.开工.projects === counts.startBatch && b.投产.projects === counts.productionBatch;
}

