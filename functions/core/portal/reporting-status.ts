import { CITIES, type Division, REPORTING_UNITS, shortName } from '../shared/divisions';
import type { Receipt } from '../ingest/receipt';
import { DEFAULT_CONFIG } from '../shared/config';
import { deadlineOf, timelinessOf, type DeadlineConfig, type TimelinessStatus } from '../shared/deadline';

/**
 * Who reported for a month (the province view, and the 未报送 list before the bulletin goes out).
 * Pure: built from the month's receipts and CURRENT pointers.
 *
 *   accepted  the unit has a current accepted ledger for the month (a later rejected upload does
 *             not undo it: `latestRejected` says so, so the office can ask)
 *   rejected  uploads arrived, none was accepted
 *   missing   nothing arrived (未报送)
 *
 * and each unit's timeliness as compute writes it in rates.json: its accepted current upload (the
 * CURRENT pointer's receipt) at or before the month's deadline is on-time (按时), after it late
 * (逾期); a unit with no accepted upload (missing or rejected) is missing for timeliness.
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
  /** 按时 / 逾期 by the current upload's event time; missing without an accepted upload. */
  timeliness: TimelinessStatus;
  /** S3 event time of the current (accepted) upload, ISO; null without one. */
  acceptedAt: string | null;
}

/** A city's units by timeliness; rate = onTime ÷ units (报送及时率). */
export interface CityTimeliness {
  code: string;
  name: string;
  units: number;
  onTime: number;
  late: number;
  missing: number;
  rate: number | null;
}

export interface ReportingStatus {
  month: string;
  counts: { units: number; accepted: number; rejected: number; missing: number; onTime: number; late: number };
  /** The month's 报送截止时间, ISO. */
  deadline: string;
  /** Timeliness per city-level unit (CITIES order), for the province view's table. */
  byCity: CityTimeliness[];
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

export function reportingStatus(
  month: string,
  receipts: ReceiptLike[],
  pointers: PointerLike[],
  units: readonly Division[] = REPORTING_UNITS,
  deadline: DeadlineConfig = DEFAULT_CONFIG.deadline,
): ReportingStatus {
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
    const acceptedAt = ptr ? (list.find((r) => r.uploadId === ptr.uploadId)?.file.eventTime ?? null) : null;
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
      timeliness: timelinessOf(acceptedAt, !!ptr, month, deadline),
      acceptedAt,
    };
  });

  const count = (s: ReportingState) => rows.filter((r) => r.state === s).length;
  const timely = (list: UnitReporting[], t: TimelinessStatus) => list.filter((r) => r.timeliness === t).length;
  const byCity = CITIES.map((c): CityTimeliness => {
    const own = rows.filter((r) => r.cityCode === c.code);
    const onTime = timely(own, 'on-time');
    return { code: c.code, name: shortName(c), units: own.length, onTime, late: timely(own, 'late'), missing: timely(own, 'missing'), rate: own.length ? onTime / own.length : null };
  }).filter((c) => c.units > 0);
  return {
    month,
    counts: {
      units: rows.length,
      accepted: count('accepted'),
      rejected: count('rejected'),
      missing: count('missing'),
      onTime: timely(rows, 'on-time'),
      late: timely(rows, 'late'),
    },
    deadline: deadlineOf(month, deadline).toISOString(),
    byCity,
    units: rows,
    unreported: rows.filter((r) => r.state === 'missing').map((r) => r.code),
    rejected: rows.filter((r) => r.state === 'rejected').map((r) => r.code),
    cities: CITIES.map((c) => ({ code: c.code, name: shortName(c) })),
  };
}
