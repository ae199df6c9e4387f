import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../functions/core/audit/audit-entry';
import { auditView } from '../../../functions/core/portal/audit-view';

const MONTH = '2026-10';
const SHA = 'ab'.repeat(32);
const ingest = { kind: 'pipeline' as const, id: 'ingest' };
const TOKEN = `tb_p_${'A'.repeat(43)}`;

// Given out of order, as a test (not the store) might: the receipt first, the lock in between.
const entries: AuditEntry[] = [
  { month: MONTH, at: '2026-11-02T02:00:05.000Z', actor: ingest, action: 'receipt', unitCode: '411102', uploadId: 'u1', checksum: SHA, detail: '已接收：6 个项目', seq: 1 },
  { month: MONTH, at: '2026-11-03T10:00:00.000Z', actor: { kind: 'schedule', id: 'lock-at-deadline' }, action: 'lock' },
  { month: MONTH, at: '2026-11-02T02:00:05.000Z', actor: ingest, action: 'upload', unitCode: '411102', uploadId: 'u1', checksum: SHA, detail: '源汇区.xlsx' },
  { month: MONTH, at: '2026-11-02T03:00:00.000Z', actor: ingest, action: 'upload', unitCode: '411103', uploadId: 'u2', checksum: 'cd'.repeat(32) },
  { month: MONTH, at: '2026-11-02T04:00:00.000Z', actor: { kind: 'token', id: 'k7QmZ2' }, action: 'review-return', unitCode: '411102', uploadId: 'u1', checksum: SHA, detail: `请补充 ${TOKEN}` },
  { month: MONTH, at: '2026-11-04T01:00:00.000Z', actor: { kind: 'operator', id: '王五' }, action: 'publish', version: 1, checksum: 'ef'.repeat(32) },
];

describe('auditView', () => {
  it('orders the whole month by time, then seq (an upload before its receipt)', () => {
    const v = auditView(MONTH, entries);
    expect(v.unit).toBeNull();
    expect(v.entries.map((e) => e.label)).toEqual(['上传', '回执', '上传', '退回', '锁定', '发布']);
    expect(v.entries.map((e) => e.time)).toEqual(['2026-11-02 10:00:05', '2026-11-02 10:00:05', '2026-11-02 11:00:00', '2026-11-02 12:00:00', '2026-11-03 18:00:00', '2026-11-04 09:00:00']);
  });

  it('keeps one unit’s records, named from the divisions', () => {
    const v = auditView(MONTH, entries, '411102');
    expect(v.unit).toEqual({ code: '411102', name: '源汇区', cityName: '漯河市' });
    expect(v.entries.map((e) => e.action)).toEqual(['upload', 'receipt', 'review-return']);
    expect(v.entries[0]).toEqual({
      at: '2026-11-02T02:00:05.000Z',
      time: '2026-11-02 10:00:05',
      action: 'upload',
      label: '上传',
      actor: { kind: 'pipeline', id: 'ingest', text: '流水线 ingest' },
      unit: { code: '411102', name: '源汇区', cityName: '漯河市' },
      uploadId: 'u1',
      version: null,
      checksum: SHA,
      checksumShort: 'abababababab',
      detail: '源汇区.xlsx',
    });
  });

  it('shows the actor as kind and id, a version, and never a token or a field it does not name', () => {
    const stray = { ...entries[4], token: TOKEN, actor: { kind: 'token', id: TOKEN } } as unknown as AuditEntry;
    const [r] = auditView(MONTH, [stray]).entries;
    expect(r.actor.text).toBe('令牌 tb_…（已隐去）');
    expect(r.detail).toBe('请补充 tb_…（已隐去）');
    expect(JSON.stringify(r)).not.toContain('A'.repeat(43));
    expect(Object.keys(r)).not.toContain('token');
    const publish = auditView(MONTH, entries).entries.at(-1)!;
    expect(publish).toMatchObject({ actor: { text: '操作员 王五' }, version: 1, unit: null, checksumShort: 'efefefefefef' });
  });
});
