import { describe, expect, it } from 'vitest';
import { DEPLOY_ACTOR, changedConfigKeys, configAuditEntry, configChecksum, lastConfigRecord } from '../../../functions/core/audit/config-audit';
import type { AuditEntry } from '../../../functions/core/audit/audit-entry';
import { parseConfig } from '../../../functions/core/shared/config';

const AT = new Date('2026-12-03T02:00:00Z');
const before = parseConfig({}) as unknown as Record<string, unknown>;
const after = parseConfig({ mail: { province: ['leader@example.gov.cn'] }, review: { requiredBeforeLock: true } }) as unknown as Record<string, unknown>;

describe('the configuration on the audit trail', () => {
  it('hashes the JSON the functions get, so a parse of that JSON hashes the same', () => {
    expect(configChecksum(after)).toMatch(/^[0-9a-f]{64}$/);
    expect(configChecksum(JSON.parse(JSON.stringify(after)))).toBe(configChecksum(after));
    expect(configChecksum(after)).not.toBe(configChecksum(before));
  });

  it('names the top-level keys that changed, were added or removed', () => {
    expect(changedConfigKeys(before, after)).toEqual(['mail', 'review']);
    expect(changedConfigKeys({ a: 1, b: [1] }, { b: [1], c: 2 })).toEqual(['a', 'c']);
    expect(changedConfigKeys(before, before)).toEqual([]);
  });

  it('records a deploy with the changed keys, by cdk deploy', () => {
    const e = configAuditEntry({ config: after, previous: before, lastRecorded: configChecksum(before), actor: DEPLOY_ACTOR, at: AT, source: 'deploy' })!;
    expect(e).toEqual({ month: null, at: AT.toISOString(), actor: { kind: 'operator', id: 'cdk deploy' }, action: 'config', checksum: configChecksum(after), detail: '部署：配置变更 mail、review' });
    expect(configAuditEntry({ config: after, previous: null, lastRecorded: null, actor: DEPLOY_ACTOR, at: AT, source: 'deploy' })!.detail).toBe('部署：首次记录配置');
  });

  it('records nothing when the trail already holds this configuration (a publish after the deploy, a retried deploy)', () => {
    const last = configChecksum(after);
    expect(configAuditEntry({ config: after, previous: before, lastRecorded: last, actor: DEPLOY_ACTOR, at: AT, source: 'deploy' })).toBeNull();
    expect(configAuditEntry({ config: after, lastRecorded: last, actor: { kind: 'operator', id: 'ops' }, at: AT, source: 'publish' })).toBeNull();
    expect(configAuditEntry({ config: after, lastRecorded: configChecksum(before), actor: { kind: 'operator', id: 'ops' }, at: AT, source: 'publish' })!.detail).toBe('发布时所用配置与上次记录的不同');
  });

  it('finds the last config record among the global trail', () => {
    const trail = [
      { action: 'config', checksum: 'a' },
      { action: 'token-issue' },
      { action: 'config', checksum: 'b' },
      { action: 'token-revoke' },
    ] as AuditEntry[];
    expect(lastConfigRecord(trail)?.checksum).toBe('b');
    expect(lastConfigRecord([])).toBeUndefined();
  });
});
