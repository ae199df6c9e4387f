/**
 * The configuration at deploy on the audit trail (issue 12): the ConfigAudit custom resource's
 * use case (functions/deploy/config-audit.ts) on the embedded DynamoDB, with the events
 * CloudFormation sends (Create, Update with the old properties, Delete), and a publish that
 * follows the deploy with the same configuration (it records nothing more: one checksum for both).
 * test/e2e/bundles.test.ts runs the deployed bundle itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { configFromEnv, ENV } from '../../functions/adapters/env';
import { configChecksum } from '../../functions/core/audit/config-audit';
import { parseConfig } from '../../functions/core/shared/config';
import { CONFIG_AUDIT_RESOURCE_ID, createConfigAudit } from '../../functions/deploy/config-audit';
import { loadPipelineConfig } from '../../infra/settings';
import { startPipeline } from '../helpers/pipeline';

const config = parseConfig({ mail: { province: ['leader@example.gov.cn'] } });
const changed = parseConfig({ mail: { province: ['leader@example.gov.cn', 'office@example.gov.cn'] }, review: { requiredBeforeLock: true } });
const json = (c: unknown) => JSON.stringify(c);

describe('config changes at deploy on the global audit trail', () => {
  let p: LocalPipeline;
  let deploy: ReturnType<typeof createConfigAudit>;
  const configRecords = async () => (await p.months.listAudit(null)).filter((e) => e.action === 'config');

  beforeAll(async () => {
    p = await startPipeline(config);
    // A minute between deploys: the trail is ordered by time.
    let minute = 0;
    deploy = createConfigAudit({ audit: p.months, now: () => new Date(Date.UTC(2026, 11, 1, 8, minute++)) });
  });
  afterAll(async () => p?.close());

  it('hashes the configuration as compute reads it back from its environment', () => {
    // What the stack passes (JSON.stringify of the loaded config) and what a function parses from TB_CONFIG hash the same.
    const deployed = loadPipelineConfig('tb.config.json');
    expect(configChecksum(configFromEnv({ [ENV.config]: json(deployed) }))).toBe(configChecksum(JSON.parse(json(deployed))));
  });

  it('records the first deploy, and a publish with the same configuration adds no record', async () => {
    const r = await deploy({ RequestType: 'Create', ResourceProperties: { Config: json(config) } });
    expect(r).toEqual({ PhysicalResourceId: CONFIG_AUDIT_RESOURCE_ID, Data: { Checksum: configChecksum(config), Recorded: 'true' } });
    const published = await p.compute({ month: '2026-10', action: 'publish', actor: { kind: 'operator', id: 'ops' }, force: true });
    expect(published.done).toBe(true);
    const records = await configRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ month: null, actor: { kind: 'operator', id: 'cdk deploy' }, checksum: configChecksum(config), detail: '部署：首次记录配置' });
  });

  it('records an update with the top-level keys that changed; a retried update adds nothing', async () => {
    const event = { RequestType: 'Update' as const, PhysicalResourceId: CONFIG_AUDIT_RESOURCE_ID, ResourceProperties: { Config: json(changed) }, OldResourceProperties: { Config: json(config) } };
    expect((await deploy(event)).Data.Recorded).toBe('true');
    expect((await deploy(event)).Data.Recorded).toBe('false');
    const records = await configRecords();
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ checksum: configChecksum(changed), detail: '部署：配置变更 mail、review' });
  });

  it('records the rollback to the old configuration, and nothing on delete', async () => {
    await deploy({ RequestType: 'Update', PhysicalResourceId: CONFIG_AUDIT_RESOURCE_ID, ResourceProperties: { Config: json(config) }, OldResourceProperties: { Config: json(changed) } });
    const d = await deploy({ RequestType: 'Delete', PhysicalResourceId: CONFIG_AUDIT_RESOURCE_ID, ResourceProperties: { Config: json(config) } });
    expect(d).toEqual({ PhysicalResourceId: CONFIG_AUDIT_RESOURCE_ID, Data: { Checksum: configChecksum(config), Recorded: 'false' } });
    const records = await configRecords();
    expect(records.map((e) => e.detail)).toEqual(['部署：首次记录配置', '部署：配置变更 mail、review', '部署：配置变更 mail、review']);
    expect(records[2].checksum).toBe(configChecksum(config));
  });

  it('fails (so the deploy rolls back) when CloudFormation sends no configuration', async () => {
    await expect(deploy({ RequestType: 'Update', ResourceProperties: {}, OldResourceProperties: { Config: json(config) } })).rejects.toThrow(/Config/);
    expect(await configRecords()).toHaveLength(3);
  });
});
