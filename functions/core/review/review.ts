/**
 * City review (审核, issue 12): a city office's decision on one accepted upload of one of its
 * counties, and the projects it does not recognise (不予认定).
 *
 * - approved (审核通过): the upload counts as reported.
 * - returned (退回): the county is told the reason and uploads again; until it does, the unit
 *   counts as 报送未通过 (like a refused upload), its rows in no rate.
 * - unrecognized: projects of the upload that stay in the ledger but count in no numerator
 *   (config `review.unrecognizedInDenominator` says whether they stay in the denominators;
 *   docs/metrics.md "不予认定").
 *
 * Stored at `MONTH#{month}` / `REVIEW#{unit}#{uploadId}`: a decision belongs to one upload, so
 * a re-upload starts unreviewed.
 */
export interface UnrecognizedProject {
  projectCode: string;
  reason: string;
}

export interface ReviewRecord {
  month: string;
  unitCode: string;
  uploadId: string;
  decision: 'approved' | 'returned' | 'pending';
  /** Required for a return (shown to the county); optional otherwise. */
  reason: string | null;
  unrecognized: UnrecognizedProject[];
  /** The reviewer's token id. */
  by: string;
  at: string;
}

export const REVIEW_REASON_MAX = 500;
