import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX } from '../../functions/core/shared/storage-keys';
import { LEDGER_SCHEMA } from '../../functions/formats/columnar-schema';
import { Analytics, BYTES_SCANNED_CUTOFF, LEDGER_TABLE } from '../../infra/analytics';
import { loadSavedQueries } from '../../infra/saved-queries';
import { loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';
import { Storage } from '../../infra/storage';

/**
 * SQL for analysts in the CDK app (infra/analytics.ts): the Glue table over curated ledger/ with
 * partition projection on month, the Athena workgroup and its results bucket, the saved queries
 * and the analysts' grants; cdk-nag on its own stack; then its place in the whole stack.
 */
type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; DependsOn?: string[] };
type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdirs: string[] = [];
const newApp = (context: Record<string, unknown> = {}) => {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-analytics-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] } });
};

let app: App;
let stack: Stack;
let storage: Storage;
let analytics: Analytics;
let template: Template;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const idOf = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as { logicalId: string }).logicalId) as string;
const cfnId = (c: { logicalId: string }) => stack.resolve(c.logicalId) as string;
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const policyStatements = () => resources[idOf(analytics.analystPolicy as never)]!.Properties!.PolicyDocument.Statement as Statement[];
const statement = (sid: string) => policyStatements().find((s) => s.Sid === sid)!;

beforeAll(() => {
  app = newApp();
  stack = new Stack(app, 'AnalyticsTest');
  storage = new Storage(stack, 'Storage');
  analytics = new Analytics(stack, 'Analytics', { curated: storage.curated, accessLogs: storage.accessLogs, firstMonth: '2025-01' });
  // Part of the test stack's storage, not of analytics: acknowledged in infra/nag.ts for the real stack.
  const notifications = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'))!;
  Validations.of(notifications).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK-internal bucket notifications handler (see infra/nag.ts)',
  });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

describe('Glue Data Catalog', () => {
  it('has a database named for the stack and the table ledger over s3://curated/ledger/', () => {
    template.hasResourceProperties('AWS::Glue::Database', { CatalogId: { Ref: 'AWS::AccountId' }, DatabaseInput: { Name: 'analyticstest' } });
    expect(ofType('AWS::Glue::Table')).toHaveLength(1);
    const [[id, table]] = ofType('AWS::Glue::Table');
    expect(id).toBe(cfnId(analytics.table));
    const input = table.Properties!.TableInput;
    expect(table.Properties!.DatabaseName).toBe('analyticstest');
    expect(input).toMatchObject({ Name: LEDGER_TABLE, TableType: 'EXTERNAL_TABLE', PartitionKeys: [{ Name: 'month', Type: 'string' }] });
    const curated = { Ref: idOf(storage.curated) };
    expect(input.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', curated, `/${PREFIX.curated}`]] });
    expect(PREFIX.curated).toBe('ledger/');
    expect(table.DependsOn).toContain(cfnId(analytics.database));
  });

  it('projects month as a date partition, yyyy-MM, one a month from the campaign start to NOW, at ledger/month=${month}/', () => {
    const p = ofType('AWS::Glue::Table')[0][1].Properties!.TableInput.Parameters;
    expect(p).toMatchObject({
      'projection.enabled': 'true',
      'projection.month.type': 'date',
      'projection.month.format': 'yyyy-MM',
      'projection.month.range': '2025-01,NOW',
      'projection.month.interval': '1',
      'projection.month.interval.unit': 'MONTHS',
      classification: 'parquet',
    });
    expect(p['storage.location.template']).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: idOf(storage.curated) }, '/ledger/month=${month}/']] });
    expect(() => new Analytics(new Stack(newApp(), 'Bad'), 'A', { curated: storage.curated, accessLogs: storage.accessLogs, firstMonth: '2025-13' })).toThrow(/firstMonth/);
  });

  it('reads Parquet with the Parquet SerDe, every column of the curated schema with an Athena type', () => {
    const sd = ofType('AWS::Glue::Table')[0][1].Properties!.TableInput.StorageDescriptor;
    expect(sd).toMatchObject({
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    });
    const columns = sd.Columns as { Name: string; Type: string; Comment: string }[];
    expect(columns.map((c) => c.Name)).toEqual(LEDGER_SCHEMA.fields.map((f) => f.name.toLowerCase()));
    const type = Object.fromEntries(columns.map((c) => [c.Name, c.Type]));
    expect(type).toMatchObject({ unitcode: 'string', projectcode: 'string', phase: 'int', totalinvestment: 'double', ytdcompleted: 'double', signeddate: 'date', sourcerow: 'int', uploadid: 'string' });
    expect(new Set(Object.values(type))).toEqual(new Set(['string', 'int', 'double', 'date']));
    expect(columns.find((c) => c.Name === 'annualplan')!.Comment).toBe('年度计划投资（万元）');
    // The partition key is not a column of the files (Athena refuses a column that is both).
    expect(columns.some((c) => c.Name === 'month')).toBe(false);
  });
});

describe('Athena workgroup and its results bucket', () => {
  it('enforces its own encrypted results location, engine 3 and a scan cutoff', () => {
    expect(ofType('AWS::Athena::WorkGroup')).toHaveLength(1);
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'AnalyticsTest-analysts',
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: idOf(analytics.results) }, '/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
    });
  });

  it('has a results bucket of its own: private, SSE-S3, TLS only, logged, results expire', () => {
    const bucket = resources[idOf(analytics.results)]!;
    expect(idOf(analytics.results)).not.toBe(idOf(storage.curated));
    expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect(bucket.Properties!.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: idOf(storage.accessLogs) });
    expect(bucket.Properties!.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-query-results', Status: 'Enabled', ExpirationInDays: 30, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    // enforceSSL: a Deny on aws:SecureTransport false
    const policies = ofType('AWS::S3::BucketPolicy').filter(([, p]) => JSON.stringify(p.Properties!.Bucket) === JSON.stringify({ Ref: idOf(analytics.results) }));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties!.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    );
  });

  it('saves every queries/*.sql as a named query of the workgroup on the database, text unchanged', () => {
    const saved = loadSavedQueries();
    expect(saved.map((q) => q.name)).toEqual(['city-rates', 'stalled-projects', 'unit-history']);
    const named = ofType('AWS::Athena::NamedQuery').map(([, r]) => r.Properties!);
    expect(named.map((q) => q.Name).sort()).toEqual(saved.map((q) => q.name));
    for (const q of saved) {
      const n = named.find((x) => x.Name === q.name)!;
      expect(n.QueryString).toBe(q.sql);
      expect(n.Database).toBe('analyticstest');
      expect(n.WorkGroup).toEqual({ Ref: cfnId(analytics.workGroup) });
      expect(n.Description).toContain(q.summary);
      expect(n.Description.length).toBeLessThanOrEqual(1024);
      expect(q.sql.length).toBeLessThanOrEqual(262_144);
    }
    expect(named.find((x) => x.Name === 'stalled-projects')!.Description).toMatch(/参数：month、months/);
  });
});

describe('the analysts’ managed policy', () => {
  const workGroupArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':athena:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':workgroup/AnalyticsTest-analysts']] };
  const glueArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${rest}`]] });

  it('is a customer managed policy attached to nobody (the account attaches it to its analysts)', () => {
    expect(ofType('AWS::IAM::ManagedPolicy')).toHaveLength(1);
    const p = resources[idOf(analytics.analystPolicy as never)]!.Properties!;
    expect(p.Roles ?? p.Users ?? p.Groups).toBeUndefined();
  });

  it('runs queries only in the workgroup', () => {
    const q = statement('QueryInWorkGroup');
    expect(actions(q)).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryResults', 'athena:GetNamedQuery', 'athena:ListNamedQueries']));
    expect(resourcesOf(q)).toEqual([workGroupArn]);
    expect(statement('ListWorkGroups')).toMatchObject({ Action: 'athena:ListWorkGroups', Resource: '*' });
    // Nothing else of Athena, and no action on "*" but listing workgroup names.
    const athena = policyStatements().filter((s) => actions(s).some((a) => a.startsWith('athena:')));
    expect(athena.map((s) => s.Sid).sort()).toEqual(['ListWorkGroups', 'QueryInWorkGroup']);
    for (const s of policyStatements()) {
      expect(actions(s).some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
      if (s.Sid !== 'ListWorkGroups') expect(resourcesOf(s)).not.toContain('*');
    }
  });

  it('reads the Glue database and the ledger table only, and nothing is written to the catalog', () => {
    const g = statement('ReadCatalog');
    expect([...actions(g)].sort()).toEqual(['glue:BatchGetPartition', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable']);
    expect(resourcesOf(g)).toEqual([glueArn('catalog'), glueArn('database/analyticstest'), glueArn('table/analyticstest/ledger')]);
    expect(policyStatements().filter((s) => actions(s).some((a) => a.startsWith('glue:'))).map((s) => s.Sid)).toEqual(['ReadCatalog']);
  });

  it('reads curated ledger/ only (not uploads/, not ledger-arrow/) and writes only the results bucket', () => {
    const curated = idOf(storage.curated);
    const results = idOf(analytics.results);
    expect(statement('ReadLedger')).toMatchObject({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [arn(curated), '/ledger/*']] } });
    expect(statement('ListLedger')).toMatchObject({ Action: 's3:ListBucket', Resource: arn(curated), Condition: { StringLike: { 's3:prefix': ['ledger/', 'ledger/*'] } } });
    const s3 = policyStatements().filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    const onCurated = s3.filter((s) => JSON.stringify(resourcesOf(s)).includes(curated));
    for (const s of onCurated) for (const a of actions(s)) expect(['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation']).toContain(a);
    const writes = s3.filter((s) => actions(s).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(resourcesOf(writes[0])).toEqual([{ 'Fn::Join': ['', [arn(results), '/*']] }]);
  });
});

describe('cdk-nag', () => {
  it('reports nothing unacknowledged on analytics (and its storage)', () => {
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('in the whole stack', () => {
  it('outputs the workgroup, the database and the policy, and reads the stack’s curated bucket', () => {
    const full = newApp();
    const settings = resolveSettings((k) => full.node.tryGetContext(k));
    const s = new ThreeBatchesStack(full, 'FullStack', { settings, config: loadPipelineConfig(settings.configFile) });
    const a = s.node.findChild('Analytics') as Analytics;
    const t = Template.fromStack(s);
    const id = (c: { node: { defaultChild?: unknown } }) => s.resolve((c.node.defaultChild as { logicalId: string }).logicalId) as string;
    t.hasOutput('AthenaWorkGroupName', { Value: { Ref: s.resolve(a.workGroup.logicalId) } });
    t.hasOutput('GlueDatabaseName', { Value: { Ref: s.resolve(a.database.logicalId) } });
    t.hasOutput('AnalystPolicyArn', { Value: { Ref: id(a.analystPolicy as never) } });
    t.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'fullstack' } });
    t.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({ StorageDescriptor: Match.objectLike({ Location: { 'Fn::Join': ['', ['s3://', { Ref: id(s.storage.curated) }, '/ledger/']] } }) }),
    });
  });
});
