import type { AuditEntry } from './audit-entry';

/**
 * The month's audit trail as exported with its curated data (`audit/month=…/audit.jsonl`): JSON
 * Lines, one record per line in the trail's order, every field present (null when absent) and in
 * one order, so the file reads the same to a person, DuckDB or Athena whatever each record held.
 */
export function auditJsonLines(entries: AuditEntry[]): string {
  return entries
    .map((e) =>
      JSON.stringify({
        month: e.month,
        at: e.at,
        action: e.action,
        actorKind: e.actor.kind,
        actorId: e.actor.id,
        unitCode: e.unitCode ?? null,
        uploadId: e.uploadId ?? null,
        version: e.version ?? null,
        checksum: e.checksum ?? null,
        detail: e.detail ?? null,
      }),
    )
    .map((l) => `${l}\n`)
    .join('');
}
