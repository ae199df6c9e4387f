import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { deployedStackName, loadPipelineConfig, REPO_ROOT, resolveSettings, type Stage } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';

/**
 * What `cdk destroy` keeps, per stage: the stack as `cdk synth -c stage=…` builds it from cdk.json
 * (bundling skipped: the bundles are test/infra/stack.test.ts's and test/e2e/bundles.test.ts's
 * business), its removal policies, deletion protection and cdk-nag.
 */
type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(stage?: Stage) {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-stage-'));
  outdirs.push(outdir);
  const context = { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...(stage && { stage }) };
  const app = new App({ outdir, context });
  const settings = resolveSettings((k) => app.node.tryGetContext(k));
  const stack = new ThreeBatchesStack(app, deployedStackName(settings), { settings, config: loadPipelineConfig(settings.configFile) });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const nag: PolicyValidationPluginReport = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  return { stack, resources, nag, ofType };
}

/** The stateful resources whose fate on `cdk destroy` the stage decides. */
const STATEFUL = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret'];

describe.each([
  ['prod', undefined, 'ThreeBatches'],
  ['dev', 'dev', 'ThreeBatches-dev'],
] as const)('stage %s', (stage, given, stackName) => {
  const { stack, resources, nag, ofType } = synth(given);
  const policy = stage === 'prod' ? 'Retain' : 'Delete';

  it(`deploys as ${stackName}`, () => {
    expect(stack.stackName).toBe(stackName);
  });

  it(`${stage === 'prod' ? 'retains' : 'deletes'} the buckets, the table, the log groups and the link secret`, () => {
    const stateful = Object.entries(resources).filter(([, r]) => STATEFUL.includes(r.Type));
    expect(stateful.map(([, r]) => r.Type).sort()).toEqual([
      'AWS::DynamoDB::Table',
      ...Array(8).fill('AWS::Logs::LogGroup'), // ingest, compute, export, report and the portal, the portal's access log, the config audit and its provider
      ...Array(5).fill('AWS::S3::Bucket'),
      'AWS::SecretsManager::Secret',
    ]);
    for (const [id, r] of stateful) expect({ id, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({ id, deletion: policy, replace: policy });
    // …and nothing else is retained: a new stateful resource needs a decision here
    const retained = Object.entries(resources).filter(([, r]) => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete');
    expect(retained.map(([, r]) => r.Type).sort()).toEqual(stage === 'prod' ? stateful.map(([, r]) => r.Type).sort() : []);
  });

  it(`${stage === 'prod' ? 'protects' : 'does not protect'} the table from deletion, and keeps point-in-time recovery`, () => {
    const [[, table]] = ofType('AWS::DynamoDB::Table') as [[string, Resource]];
    expect(table.Properties!.DeletionProtectionEnabled).toBe(stage === 'prod');
    expect(table.Properties!.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it(`${stage === 'prod' ? 'never empties' : 'empties'} the buckets before deleting them`, () => {
    const autoDelete = ofType('Custom::S3AutoDeleteObjects').map(([, r]) => r.Properties!.BucketName);
    const buckets = ofType('AWS::S3::Bucket').map(([id]) => ({ Ref: id }));
    expect(autoDelete).toEqual(stage === 'prod' ? [] : expect.arrayContaining(buckets));
    expect(autoDelete).toHaveLength(stage === 'prod' ? 0 : buckets.length);
  });

  it(`keeps log events ${stage === 'prod' ? 'a year' : 'two weeks'}`, () => {
    for (const [, g] of ofType('AWS::Logs::LogGroup')) expect(g.Properties!.RetentionInDays).toBe(stage === 'prod' ? 365 : 14);
  });

  it('passes cdk-nag (AwsSolutions) without an unacknowledged finding', () => {
    expect(nag.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath).join(', ')}`)).toEqual([]);
  });
});
