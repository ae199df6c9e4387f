import { logEvent } from '../adapters/log';
import { DEPLOY_ACTOR, configAuditEntry, configChecksum, lastConfigRecord } from '../core/audit/config-audit';
import type { AuditLog } from '../core/ports';

/**
 * The stack's ConfigAudit custom resource (infra/config-audit.ts): CloudFormation creates it with
 * the pipeline configuration as a property and updates it whenever that changes, so each deploy
 * that changes the configuration appends one `config` record to the global audit trail, naming
 * the top-level keys that changed (CloudFormation hands the old properties over on update).
 *
 * A failed write fails the deploy (CloudFormation rolls back): no configuration goes live
 * unrecorded. The rollback is an update back to the old properties, and is recorded the same way.
 * Deleting the stack records nothing (the table may be retained; the trail is never rewritten).
 */
export interface ConfigAuditEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: { Config?: string };
  OldResourceProperties?: { Config?: string };
}

export interface ConfigAuditResult {
  PhysicalResourceId: string;
  Data: { Checksum: string; Recorded: 'true' | 'false' };
}

/** One physical resource for the stack's life: an update never replaces it (no delete of the old one follows). */
export const CONFIG_AUDIT_RESOURCE_ID = 'three-batches-config-audit';

export interface ConfigAuditDeps {
  audit: AuditLog;
  now: () => Date;
}

function configOf(json: string | undefined, which: string): Record<string, unknown> {
  if (json === undefined) throw new Error(`ConfigAudit: the ${which} properties carry no Config`);
  return JSON.parse(json) as Record<string, unknown>;
}

export function createConfigAudit(deps: ConfigAuditDeps) {
  return async (event: ConfigAuditEvent): Promise<ConfigAuditResult> => {
    const PhysicalResourceId = event.PhysicalResourceId ?? CONFIG_AUDIT_RESOURCE_ID;
    const config = configOf(event.ResourceProperties.Config, 'new');
    const checksum = configChecksum(config);
    if (event.RequestType === 'Delete') return { PhysicalResourceId, Data: { Checksum: checksum, Recorded: 'false' } };
    const previous = event.RequestType === 'Update' ? configOf(event.OldResourceProperties?.Config, 'old') : null;
    const lastRecorded = lastConfigRecord(await deps.audit.listAudit(null))?.checksum ?? null;
    const entry = configAuditEntry({ config, previous, lastRecorded, actor: DEPLOY_ACTOR, at: deps.now(), source: 'deploy' });
    if (entry) await deps.audit.append(entry);
    logEvent('config audited', { requestType: event.RequestType, checksum, recorded: entry !== null, detail: entry?.detail });
    return { PhysicalResourceId, Data: { Checksum: checksum, Recorded: entry ? 'true' : 'false' } };
  };
}
