import { createHash } from 'node:crypto';
import type { Actor } from '../month/month-state';
import { AUDIT_DETAIL_MAX, type AuditEntry } from './audit-entry';

/**
 * The `config` records of the global audit trail (issue 12: "config change at deploy"). Two
 * writers share these rules: a deploy (the stack's ConfigAudit custom resource, which knows the
 * configuration before and after and so names the changed keys), and a publish (the lifecycle,
 * which records a configuration it has not seen recorded, e.g. locally where nothing deploys).
 * Both hash the same JSON, so a publish after a deploy finds its configuration recorded.
 */

/** Who a deploy-time record is by: CloudFormation gives no user, only the stack update. */
export const DEPLOY_ACTOR: Actor = { kind: 'operator', id: 'cdk deploy' };

/** SHA-256 (hex) of the configuration as the functions receive it (`JSON.stringify` of the parsed config). */
export function configChecksum(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/** The top-level keys whose values differ (added, removed or changed), sorted. */
export function changedConfigKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** The last `config` record of the global trail (oldest first), if any. */
export function lastConfigRecord(globalTrail: AuditEntry[]): AuditEntry | undefined {
  return globalTrail.filter((e) => e.action === 'config').pop();
}

export interface ConfigChange {
  config: Record<string, unknown>;
  /** The configuration the stack had before this deploy (CloudFormation's old properties); none on the first deploy. */
  previous?: Record<string, unknown> | null;
  /** The checksum last recorded on the trail (by a deploy or a publish). */
  lastRecorded?: string | null;
  actor: Actor;
  at: Date;
  /** `deploy`: the stack's update; `publish`: the configuration a publish ran with. */
  source: 'deploy' | 'publish';
}

/** The `config` record to append, or null when the trail already holds this configuration. */
export function configAuditEntry(c: ConfigChange): AuditEntry | null {
  const checksum = configChecksum(c.config);
  if (c.lastRecorded === checksum) return null;
  return { month: null, at: c.at.toISOString(), actor: c.actor, action: 'config', checksum, detail: configDetail(c).slice(0, AUDIT_DETAIL_MAX) };
}

function configDetail(c: ConfigChange): string {
  if (c.source === 'publish') return c.lastRecorded ? '发布时所用配置与上次记录的不同' : '首次记录发布所用配置';
  if (!c.previous) return c.lastRecorded ? '部署：栈首次记录配置（与此前记录的不同）' : '部署：首次记录配置';
  const keys = changedConfigKeys(c.previous, c.config);
  // The old properties equal the new (e.g. only code changed) but the trail recorded another: say so.
  return keys.length ? `部署：配置变更 ${keys.join('、')}` : '部署：配置与此前记录的不同';
}
