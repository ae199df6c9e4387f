import { CITIES, type Division, REPORTING_UNITS, shortName } from '../shared/divisions';
import type { Receipt } from '../ingest/receipt';

/**
 * Who reported for a month (the province view, and the 未报送 list before the bulletin goes out).
 * Pure: built from the month's receipts and CURRENT pointers.
 *
 *   accepted  the unit has a current accepted ledger for the month (a later rejected upload does
 *             not undo it: `latestRejected` says so, so the office can ask)
 *   rejected  uploads arrived, none was accepted
 *   missing   nothing arrived (未报送)
 */
export type ReportingState = 'accepted' | 'rejected' | 'missing';

export interface UnitReporting {
  code: string;
  name: string;
  cityCode: string;
  cityName: string;
  state: ReportingState;
  /** Projects in the current ledger (accepted only). */
  projects: number | null;
  /** Uploads with a receipt so far. */
  uploads: number;
  /** Time of the unit's last upload (S3 event time), ISO. */
  lastUploadAt: string | null;
  /** The summary line of the last upload's receipt. */
  lastSummary: string | null;
  /** The last upload was rejected although an earlier one is current. */
  latestRejected: boolean;
}

export interface ReportingStatus {
  month: string;
  counts: { units: number; accepted: number; rejected: number; missing: number };
  units: UnitReporting[];
  /** Codes of the units that sent nothing (未报送: state missing), in code order; as many as counts.missing. */
  unreported: string[];
  /** Codes of the units whose every upload was refused (未接收 / 报送未通过: state rejected); as many as counts.rejected. */
  rejected: string[];
  cities: { code: string; name: string }[];
}

/** What the status needs of a CURRENT pointer (LedgerRepository's Pointer). */
export interface PointerLike {
  unitCode: string;
  uploadId: string;
  projects: number;
}

export type ReceiptLike = Pick<Receipt, 'uploadId' | 'unitCode' | 'status' | 'summary' | 'counts'> & { file: Pick<Receipt['file'], 'eventTime' | 'key'> };

export function reportingStatus(month: string, receipts: ReceiptLike[], pointers: PointerLike[], units: readonly Division[] = REPORTING_UNITS): ReportingStatus {
  const byUnit = new Map<string, ReceiptLike[]>();
  for (const r of receipts) {
    if (!r.unitCode) continue;
    const list = byUnit.get(r.unitCode) ?? [];
    list.push(r);
    byUnit.set(r.unitCode, list);
  }
  const current = new Map(pointers.map((p) => [p.unitCode, p]));

  const rows: UnitReporting[] = units.map((d) => {
    const list = (byUnit.get(d.code) ?? []).slice().sort((a, b) => a.file.eventTime.localeCompare(b.file.eventTime));
    const last = list[list.length - 1] ?? null;
    const ptr = current.get(d.code);
    const state: ReportingState = ptr ? 'accepted' : list.length ? 'rejected' : 'missing';
    return {
      code: d.code,
      name: shortName(d),
      cityCode: d.cityCode,
      cityName: d.cityName,
      state,
      projects: ptr ? ptr.projects : null,
      uploads: list.length,
      lastUploadAt: last ? last.file.eventTime : null,
      lastSummary: last ? last.summary : null,
      latestRejected: !!ptr && last?.status === 'rejected',
    };
  });

  const count = (s: ReportingState) => rows.filter((r) => r.state === s).length;
  return {
    month,
    counts: { units: rows.length, accepted: count('accepted'), rejected: count('rejected'), missing: count('missing') },
    units: rows,
    unreported: rows.filter((r) => r.state === 'missing').map((r) => r.code),
    rejected: rows.filter((r) => r.state === 'rejected').map((r) => r.code),
    cities: CITIES.map((c) => ({ code: c.code, name: shortName(c) })),
  };
}
