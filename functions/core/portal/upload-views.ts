import type { Issue } from '../ledger/issues';
import type { Receipt } from '../ingest/receipt';
import { displayFileName } from './upload-request';

/**
 * One unit's uploads for a month as the clerk sees them (pure): every object under its
 * `incoming/{month}/{unit}/` folder, joined with its receipt by key. An object without a receipt
 * is still being processed.
 */
export type UploadState = 'processing' | Receipt['status'];

export interface UploadView {
  key: string;
  fileName: string;
  size: number;
  uploadedAt: string | null;
  state: UploadState;
  /** This upload's rows are the unit's ledger for the month. */
  current: boolean;
  summary: string | null;
  counts: Receipt['counts'] | null;
  errors: Issue[];
  warnings: Issue[];
  processedAt: string | null;
}

export function uploadViews(
  objects: { key: string; size: number; lastModified: string | null }[],
  receipts: Receipt[],
  currentUploadId: string | null,
): UploadView[] {
  // Newest receipt per key (a key overwritten outside the portal can have several).
  const byKey = new Map<string, Receipt>();
  for (const r of receipts) {
    const prev = byKey.get(r.file.key);
    if (!prev || prev.file.eventTime < r.file.eventTime) byKey.set(r.file.key, r);
  }
  const views: UploadView[] = [];
  const seen = new Set<string>();
  const fromReceipt = (r: Receipt, size: number, uploadedAt: string | null): UploadView => ({
    key: r.file.key,
    // The receipt's name is the clerk's as written when the object's metadata had it (the key
    // may shorten it); a receipt named after its key shows the name inside the portal key.
    fileName: r.file.name !== r.file.key.split('/').pop() ? r.file.name : displayFileName(r.file.key),
    size,
    uploadedAt,
    state: r.status,
    current: r.status === 'accepted' && r.uploadId === currentUploadId,
    summary: r.summary,
    counts: r.counts,
    // As many as the receipt lists (MAX_LISTED); counts keep the totals.
    errors: r.errors,
    warnings: r.warnings,
    processedAt: r.processedAt,
  });
  for (const o of objects) {
    seen.add(o.key);
    const r = byKey.get(o.key);
    views.push(
      r
        ? fromReceipt(r, o.size, r.file.eventTime ?? o.lastModified)
        : { key: o.key, fileName: displayFileName(o.key), size: o.size, uploadedAt: o.lastModified, state: 'processing', current: false, summary: null, counts: null, errors: [], warnings: [], processedAt: null },
    );
  }
  for (const [key, r] of byKey) if (!seen.has(key)) views.push(fromReceipt(r, r.file.size, r.file.eventTime));
  return views.sort((a, b) => (b.uploadedAt ?? '').localeCompare(a.uploadedAt ?? ''));
}
