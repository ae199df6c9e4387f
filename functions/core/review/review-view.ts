import type { Pointer } from '../ingest/upload-order';
import type { LedgerRow } from '../ledger/ledger-row';
import type { MonthState } from '../month/month-state';
import type { ReportingStatus, UnitReporting } from '../portal/reporting-status';
import type { ReviewRecord } from './review';
import { reviewSummary } from './review-request';

/**
 * What a city reviewer sees (GET /review), pure: its reporting units with their current accepted
 * upload (receipt summary, 按时/逾期) and the review of that upload (none: 待审核); for one unit
 * also the upload's rows, to mark 不予认定. A review of an earlier upload is not shown as the
 * unit's: a re-upload starts unreviewed.
 */
export interface ReviewUnit {
  code: string;
  name: string;
  state: UnitReporting['state'];
  timeliness: UnitReporting['timeliness'];
  projects: number | null;
  lastSummary: string | null;
  upload: { uploadId: string; acceptedAt: string | null } | null;
  review: ReviewView | null;
}

export interface ReviewView {
  decision: ReviewRecord['decision'];
  reason: string | null;
  unrecognized: ReviewRecord['unrecognized'];
  summary: string;
  by: string;
  at: string;
}

export interface ReviewRowView {
  projectCode: string;
  projectName: string;
  batch: LedgerRow['batch'];
  status: LedgerRow['status'];
}

/**
 * Rows a reviewer gets for one upload: at most this many (an upload may hold 20,000 rows; a Lambda
 * response is at most 6 MB). Beyond it `rowsTruncated` says so and 不予认定 takes the code by hand.
 */
export const REVIEW_ROWS_MAX = 5000;

export function reviewView(r: ReviewRecord): ReviewView {
  return { decision: r.decision, reason: r.reason, unrecognized: r.unrecognized, summary: reviewSummary(r), by: r.by, at: r.at };
}

/** The review of the unit's current upload, if any. */
export function currentReview(unitCode: string, pointer: Pick<Pointer, 'uploadId'> | null | undefined, reviews: readonly ReviewRecord[]): ReviewRecord | null {
  if (!pointer) return null;
  return reviews.find((r) => r.unitCode === unitCode && r.uploadId === pointer.uploadId) ?? null;
}

export function reviewUnits(status: ReportingStatus, pointers: readonly Pick<Pointer, 'unitCode' | 'uploadId'>[], reviews: readonly ReviewRecord[]): ReviewUnit[] {
  const current = new Map(pointers.map((p) => [p.unitCode, p]));
  return status.units.map((u) => {
    const ptr = current.get(u.code);
    const review = currentReview(u.code, ptr, reviews);
    return {
      code: u.code,
      name: u.name,
      state: u.state,
      timeliness: u.timeliness,
      projects: u.projects,
      lastSummary: u.lastSummary,
      upload: ptr ? { uploadId: ptr.uploadId, acceptedAt: u.acceptedAt } : null,
      review: review ? reviewView(review) : null,
    };
  });
}

export function reviewRows(rows: readonly LedgerRow[]): { rows: ReviewRowView[]; rowsTruncated: boolean } {
  const sorted = [...rows].sort((a, b) => a.sourceRow - b.sourceRow);
  return {
    rows: sorted.slice(0, REVIEW_ROWS_MAX).map((r) => ({ projectCode: r.projectCode, projectName: r.projectName, batch: r.batch, status: r.status })),
    rowsTruncated: sorted.length > REVIEW_ROWS_MAX,
  };
}

/** Whether the reviewer may still decide (the month is open). */
export function reviewOpen(state: MonthState): boolean {
  return state.status === 'open';
}
