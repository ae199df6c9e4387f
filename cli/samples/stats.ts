/**
 * Rough rates over the generator's in-memory ledger (as docs/metrics.md defines them), to check
 * that the samples hit the intended ranges. Not the pipeline's compute: a self-check only.
 */
import { CITIES, shortName } from '../../functions/core/shared/divisions';
import { statusLevel } from '../../functions/core/ledger/ledger-row';
import { isBad, isMissing, viewOf, type Ledger, type MonthKey, type UnitLedger } from './model';

export interface Rates {
  projects: number;
  signingLanding: number | null;
  start: number | null;
  investmentCompletion: number | null;
  production: number | null;
  efficiency: number | null;
}

export const RATE_KEYS = ['signingLanding', 'start', 'investmentCompletion', 'production', 'efficiency'] as const;

export function ratesOf(units: readonly UnitLedger[], month: MonthKey): Rates {
  let projects = 0;
  let signed = 0, landed = 0, started = 0, startBatch = 0, inProd = 0, prodBatch = 0, atCap = 0;
  let plan = 0, ytd = 0;
  for (const l of units) {
    if (isMissing(l.unit.code, month) || isBad(l.unit.code, month)) continue;
    for (const p of l.projects) {
      const v = viewOf(p, month);
      if (!v) continue;
      projects++;
      const lvl = statusLevel(v.status);
      plan += p.annualPlan;
      ytd += v.ytd;
      if (p.batch === '签约') {
        signed++;
        if (lvl >= 1) landed++;
        if (lvl >= 2) started++;
      } else if (p.batch === '开工') {
        startBatch++;
        if (lvl >= 3) inProd++;
      } else {
        prodBatch++;
        if (lvl >= 4) atCap++;
      }
    }
  }
  const frac = (a: number, b: number) => (b === 0 ? null : a / b);
  return {
    projects,
    signingLanding: frac(landed, signed),
    start: frac(started, signed),
    investmentCompletion: frac(ytd, plan),
    production: frac(inProd, startBatch),
    efficiency: frac(atCap, prodBatch),
  };
}

export function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}

export function grade(key: (typeof RATE_KEYS)[number], x: number | null, month: MonthKey): string {
  if (x === null) return '-';
  if (key === 'investmentCompletion') {
    const tp = Number(month.slice(5)) / 12;
    return x >= tp ? 'G' : x > tp - 0.1 ? 'Y' : 'R';
  }
  return x >= 0.75 ? 'G' : x >= 0.5 ? 'Y' : 'R';
}

export interface CityRow {
  code: string;
  name: string;
  rates: Rates;
}

export function cityRates(ledger: Ledger, month: MonthKey): CityRow[] {
  return CITIES.map((c) => ({
    code: c.code,
    name: shortName(c),
    rates: ratesOf(ledger.units.filter((l) => l.unit.cityCode === c.code), month),
  }));
}

/** Exact ties among city-level units (equal non-null rates), compared as fractions via their counts. */
export function cityTies(rows: CityRow[]): string[] {
  const out: string[] = [];
  for (const key of RATE_KEYS) {
    const seen = new Map<string, string[]>();
    for (const r of rows) {
      const x = r.rates[key];
      if (x === null) continue;
      const k = x.toFixed(12);
      seen.set(k, [...(seen.get(k) ?? []), r.name]);
    }
    for (const [k, names] of seen) if (names.length > 1) out.push(`${key} ${pct(Number(k))}: ${names.join(' = ')}`);
  }
  return out;
}
