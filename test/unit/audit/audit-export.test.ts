import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../functions/core/audit/audit-entry';
import { auditJsonLines } from '../../../functions/core/audit/audit-export';

describe('the audit trail as JSON Lines', () => {
  const upload: AuditEntry = { month: '2026-10', at: '2026-11-01T02:00:00.000Z', actor: { kind: 'pipeline', id: 'ingest' }, action: 'upload', unitCode: '411102', uploadId: 'u1', checksum: 'ab'.repeat(32), detail: '源汇区.xlsx（1 字节）', seq: 0 };
  const publish: AuditEntry = { month: '2026-10', at: '2026-11-05T01:00:00.000Z', actor: { kind: 'token', id: 'abcdef0123' }, action: 'publish', version: 1, checksum: 'cd'.repeat(32) };

  it('writes one record per line, in order, every field present in one order (null when absent)', () => {
    const text = auditJsonLines([upload, publish]);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => Object.keys(JSON.parse(l)))).toEqual([
      ['month', 'at', 'action', 'actorKind', 'actorId', 'unitCode', 'uploadId', 'version', 'checksum', 'detail'],
      ['month', 'at', 'action', 'actorKind', 'actorId', 'unitCode', 'uploadId', 'version', 'checksum', 'detail'],
    ]);
    expect(JSON.parse(lines[1])).toEqual({ month: '2026-10', at: publish.at, action: 'publish', actorKind: 'token', actorId: 'abcdef0123', unitCode: null, uploadId: null, version: 1, checksum: publish.checksum, detail: null });
    // A detail with a line break stays on its line (JSON escapes it).
    expect(auditJsonLines([{ ...upload, detail: '甲\n乙' }]).split('\n')).toHaveLength(2);
  });

  it('an empty trail is an empty file', () => {
    expect(auditJsonLines([])).toBe('');
  });
});
