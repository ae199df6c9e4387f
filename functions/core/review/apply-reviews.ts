import type { ComputeRow } from '../ledger/ledger-row';
import type { Recognized } from '../metrics/rates';
import type { UnrecognizedProjectEntry } from '../metrics/rates-types';
import type { ReviewRecord } from './review';

/**
 * What the city's reviews do to a month's numbers (docs/metrics.md "不予认定"), pure. A review
 * belongs to one upload: only the reviews of the uploads the numbers are computed on (each unit's
 * current, or a version's pinned, upload) count, so a re-upload starts unreviewed.
 *
 * - 退回 (returned): the unit counts as 报送未通过, like a refused upload: its rows in no rate.
 * - 不予认定 (unrecognized): the projects stay in the ledger (and in the quality checks) but count
 *   in no numerator; in the denominators when `inDenominator`, otherwise in nothing at all.
 */
export interface ReviewedMonth<R extends ComputeRow = ComputeRow> {
  /** The ledger the rates are computed on: without returned units (and, out of the denominators, without unrecognized rows). */
  ledger: Record<string, R[]>;
  /** Whether a row may count in a numerator. */
  recognized: Recognized;
  /** Reporting units whose counted upload was returned, sorted. */
  returned: string[];
  /** The 不予认定 projects of the counted uploads, by unit then project code. */
  unrecognized: UnrecognizedEntry[];
}

export type UnrecognizedEntry = UnrecognizedProjectEntry;

const key = (unit: string, project: string) => `${unit}\u0000${project}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function applyReviews<R extends ComputeRow>(
  ledger: Record<string, R[]>,
  uploadIds: Readonly<Record<string, string>>,
  reviews: readonly ReviewRecord[],
  inDenominator: boolean,
): ReviewedMonth<R> {
  const counted = reviews.filter((r) => Object.hasOwn(ledger, r.unitCode) && uploadIds[r.unitCode] === r.uploadId);
  const returned = new Set(counted.filter((r) => r.decision === 'returned').map((r) => r.unitCode));
  const marked = new Map<string, string>();
  // Units with a 不予认定 project: the others' rows are passed on as they are (no copy, no lookup per row).
  const markedUnits = new Set<string>();
  for (const r of counted) {
    if (returned.has(r.unitCode)) continue;
    for (const p of r.unrecognized) {
      marked.set(key(r.unitCode, p.projectCode), p.reason);
      markedUnits.add(r.unitCode);
    }
  }
  const out: Record<string, R[]> = {};
  const unrecognized: UnrecognizedEntry[] = [];
  for (const unit of Object.keys(ledger)) {
    if (returned.has(unit)) continue;
    if (!markedUnits.has(unit)) {
      out[unit] = ledger[unit];
      continue;
    }
    const rows: R[] = [];
    const seen = new Set<string>();
    for (const row of ledger[unit]) {
      const reason = marked.get(key(unit, row.projectCode));
      if (reason === undefined) {
        rows.push(row);
        continue;
      }
      if (!seen.has(row.projectCode)) unrecognized.push({ unitCode: unit, projectCode: row.projectCode, projectName: row.projectName, reason });
      seen.add(row.projectCode);
      if (inDenominator) rows.push(row);
    }
    out[unit] = rows;
  }
  unrecognized.sort((a, b) => cmp(a.unitCode, b.unitCode) || cmp(a.projectCode, b.projectCode));
  return {
    ledger: out,
    recognized: marked.size ? (row) => !marked.has(key(row.unitCode, row.projectCode)) : () => true,
    returned: [...returned].sort(),
    unrecognized,
  };
}
