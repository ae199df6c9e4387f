import { ACTOR_KIND_LABEL, AUDIT_LABEL, type AuditAction, type AuditEntry } from '../audit/audit-entry';
import { division } from '../shared/divisions';
import { shanghaiTimestamp } from '../shared/shanghai-time';
import { redactTokens } from './tokens';

/**
 * The month's audit trail as the province view shows it (GET /audit), pure: oldest first (time,
 * then `seq`: an upload before its receipt), each record's action in Chinese, who did it (kind and
 * id — a token's id, never a token), the unit's name, and the checksum shortened for the table
 * with its full value beside. Only the fields named here are copied out of a stored record, and
 * anything shaped like a token secret is blanked, so nothing else a record might hold is shown.
 */
export interface AuditUnit {
  code: string;
  name: string;
  cityName: string | null;
}

export interface AuditRow {
  /** ISO instant, as stored. */
  at: string;
  /** `YYYY-MM-DD HH:MM:SS`, Asia/Shanghai. */
  time: string;
  action: AuditAction;
  /** 上传 / 回执 / 审核通过 / … */
  label: string;
  actor: { kind: string; id: string; text: string };
  unit: AuditUnit | null;
  uploadId: string | null;
  /** The version a publish / republish made. */
  version: number | null;
  /** SHA-256 (hex) of the object acted on, whole. */
  checksum: string | null;
  /** Its first 12 hex digits, for the table (as `tb audit` prints it). */
  checksumShort: string | null;
  detail: string | null;
}

export interface AuditView {
  month: string;
  /** The unit asked for; null: the whole month's trail. */
  unit: AuditUnit | null;
  entries: AuditRow[];
}

export const CHECKSUM_SHORT = 12;

function auditUnit(code: string): AuditUnit {
  const d = division(code);
  return { code, name: d?.name ?? code, cityName: d?.cityName ?? null };
}

function instant(at: string): number {
  const t = Date.parse(at);
  return Number.isNaN(t) ? 0 : t;
}

function row(e: AuditEntry): AuditRow {
  const kind = String(e.actor?.kind ?? '');
  const id = redactTokens(String(e.actor?.id ?? ''));
  const at = new Date(e.at);
  return {
    at: e.at,
    time: Number.isNaN(at.getTime()) ? '—' : shanghaiTimestamp(at),
    action: e.action,
    label: AUDIT_LABEL[e.action] ?? e.action,
    actor: { kind, id, text: `${ACTOR_KIND_LABEL[kind as keyof typeof ACTOR_KIND_LABEL] ?? kind} ${id}`.trim() },
    unit: e.unitCode ? auditUnit(e.unitCode) : null,
    uploadId: e.uploadId ?? null,
    version: typeof e.version === 'number' && e.version > 0 ? e.version : null,
    checksum: e.checksum ?? null,
    checksumShort: e.checksum ? e.checksum.slice(0, CHECKSUM_SHORT) : null,
    detail: e.detail ? redactTokens(e.detail) : null,
  };
}

/** The trail of `month`, or of one unit of it (the records naming that unit). */
export function auditView(month: string, entries: readonly AuditEntry[], unitCode: string | null = null): AuditView {
  const mine = unitCode ? entries.filter((e) => e.unitCode === unitCode) : entries;
  // Array.prototype.sort is stable: records of one instant and seq keep the store's order.
  const sorted = [...mine].sort((a, b) => instant(a.at) - instant(b.at) || (a.seq ?? 0) - (b.seq ?? 0));
  return { month, unit: unitCode ? auditUnit(unitCode) : null, entries: sorted.map(row) };
}
