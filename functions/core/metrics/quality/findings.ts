import type { LedgerRow } from '../../ledger/ledger-row';
import type { QualityCheck, QualityFinding } from '../rates-types';

/**
 * Data-quality findings (docs/metrics.md, "Data quality"): warnings only, they never block a
 * file or a rate. The checks are in row-checks.ts (Q3, Q7, Q8: one row and the month; ingest
 * reports them on the receipt too) and month-checks.ts (Q1, Q2, Q4, Q5, Q6: across months and units).
 */

/** Money that should be equal may differ by float noise only. */
export const EPS = 1e-9;

export function finding<C extends QualityCheck>(check: C, row: Pick<LedgerRow, 'unitCode' | 'projectCode'>, message: string): QualityFinding<C> {
  return { check, unitCode: row.unitCode, projectCode: row.projectCode, message };
}

/** 项目“名称”（代码）: how a clerk finds the row. */
export function project(row: Pick<LedgerRow, 'projectName' | 'projectCode'>): string {
  return `项目“${row.projectName}”（${row.projectCode}）`;
}

/** Money in 万元, at most two decimals, no float noise. */
export function wan(x: number): string {
  return `${Math.round(x * 100) / 100}万元`;
}


function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order: unit, project, check, then message. Code-point order, not locale. */
export function sortFindings(findings: readonly QualityFinding[]): QualityFinding[] {
  return [...findings].sort(
    (a, b) =>
      cmp(a.unitCode, b.unitCode) ||
      cmp(a.projectCode, b.projectCode) ||
      cmp(a.check, b.check) ||
      cmp(a.message, b.message),
  );
}

/** Drops exact repeats (same check, unit, project and message), then sorts. */
export function dedupeFindings(findings: readonly QualityFinding[]): QualityFinding[] {
  const seen = new Set<string>();
  const out: QualityFinding[] = [];
  for (const f of findings) {
    const key = JSON.stringify([f.check, f.unitCode, f.projectCode, f.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return sortFindings(out);
}
