import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/shared/config';
import { ENV } from '../../functions/adapters/env';
import { BULLETIN_FACES, fontSubsets } from '../../functions/adapters/render/fonts';
import { PREFIX, TABLE, tableKeys } from '../../functions/core/shared/storage-keys';
import { esbuildOptions } from '../../infra/bundling';
import { loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { SesMail } from '../../infra/mail';
import { ThreeBatchesStack } from '../../infra/stack';

/**
 * Synthesizes the real stack once, with the same context `cdk synth` uses (cdk.json), with
 * bundling (esbuild, local) — then asserts resource properties and runs cdk-nag.
 */

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string; Condition?: unknown };

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

let outdir: string;
let app: App;
let stack: ThreeBatchesStack;
let template: Template;
let resources: Record<string, Resource>;
let nag: PolicyValidationPluginReport;

/** cdk.json deploys with SES (`mailTransport` ses); the SMTP variant is in settings.test.ts. */
const sesMail = (): SesMail => {
  if (!(stack.mail instanceof SesMail)) throw new Error('expected the SES transport');
  return stack.mail;
};
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;
const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Statements of the inline policies attached to a role (by the role's logical id). */
function roleStatements(roleLogicalId: string): Statement[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties!.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as Statement[]);
}

function fnRoleId(fn: { role?: unknown }): string {
  return logicalIdOf(fn.role as { node: { defaultChild?: unknown } });
}

/** The cdk.out folder of a function's bundled code. */
function assetDir(fnLogicalId: string): string {
  const key = resources[fnLogicalId]!.Properties!.Code.S3Key as string;
  return path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

/**
 * Lets the worker read what arrived while it was busy. Construction (with bundling), synthesis and
 * cdk-nag are each seconds of synchronous work (about 9, 4 and 1 s alone); on a loaded machine
 * several times that. Vitest 3's worker→runner RPC gives up after 60 s, and a reply that arrived
 * during one long block is read only after the block, too late: so the blocks are kept apart.
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeAll(async () => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-test-'));
  app = new App({ outdir, context: cdkContext });
  const settings = resolveSettings((k) => app.node.tryGetContext(k));
  const config = loadPipelineConfig(settings.configFile);
  await breathe();
  stack = new ThreeBatchesStack(app, 'TestStack', { settings, config });
  await breathe();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  await breathe();
  nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('buckets', () => {
  it('has raw, curated, reports, an access-log and the Athena results bucket, all private, encrypted and retained', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets).toHaveLength(5);
    for (const [, b] of buckets) {
      expect(b.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: 'AES256',
      });
      expect(b.DeletionPolicy).toBe('Retain');
    }
  });

  it('versions the raw bucket and logs access to the data buckets', () => {
    const raw = resources[logicalIdOf(stack.storage.raw)]!;
    expect(raw.Properties!.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    for (const b of [stack.storage.raw, stack.storage.curated, stack.storage.reports]) {
      expect(resources[logicalIdOf(b)]!.Properties!.LoggingConfiguration.DestinationBucketName).toEqual({
        Ref: logicalIdOf(stack.storage.accessLogs),
      });
    }
  });

  it('expires old report versions', () => {
    const reports = resources[logicalIdOf(stack.storage.reports)]!;
    expect(reports.Properties!.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(reports.Properties!.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })]),
    );
  });

  it('denies non-TLS requests on every bucket', () => {
    for (const b of [stack.storage.raw, stack.storage.curated, stack.storage.reports, stack.storage.accessLogs]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalIdOf(b) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});

describe('table', () => {
  it('is on demand with PITR, SSE, the shared key schema, and retained', () => {
    const [[, table]] = ofType('AWS::DynamoDB::Table') as [[string, Resource]];
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
    });
    expect(table.Properties!.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE.sortKey, AttributeType: 'S' },
      ]),
    );
  });
});

describe('raw → SQS → ingest', () => {
  it('notifies the upload queue only for ObjectCreated under incoming/', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalIdOf(stack.storage.raw) },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: PREFIX.incoming }] } },
            QueueArn: getAtt(logicalIdOf(stack.storage.uploadQueue)),
          },
        ],
      },
    });
    // Nothing the pipeline writes goes under incoming/.
    expect(Object.values(PREFIX).filter((p) => p.startsWith(PREFIX.incoming))).toEqual([PREFIX.incoming]);
  });

  it('redrives to a DLQ after 5 receives, with visibility ≥ 6× the ingest timeout', () => {
    const q = resources[logicalIdOf(stack.storage.uploadQueue)]!.Properties!;
    expect(q.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(logicalIdOf(stack.storage.uploadDlq)),
      maxReceiveCount: 5,
    });
    const ingestTimeout = resources[logicalIdOf(stack.functions.ingest)]!.Properties!.Timeout as number;
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ingestTimeout);
  });

  it('encrypts every queue and denies non-TLS access to each', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(4);
    for (const [id, q] of queues) {
      expect(q.Properties!.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('maps the queue to ingest with partial batch failures and a small batch', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const m = mappings[0]![1].Properties!;
    expect(m.EventSourceArn).toEqual(getAtt(logicalIdOf(stack.storage.uploadQueue)));
    expect(m.FunctionName).toEqual({ Ref: logicalIdOf(stack.functions.ingest) });
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.BatchSize).toBeGreaterThanOrEqual(1);
    expect(m.BatchSize).toBeLessThanOrEqual(10);
  });
});

describe('functions', () => {
  const expectedEnv = () => ({
    [ENV.table]: { Ref: logicalIdOf(stack.storage.table) },
    [ENV.rawBucket]: { Ref: logicalIdOf(stack.storage.raw) },
    [ENV.curatedBucket]: { Ref: logicalIdOf(stack.storage.curated) },
    [ENV.reportsBucket]: { Ref: logicalIdOf(stack.storage.reports) },
    TB_CONFIG: JSON.stringify(parseConfig(JSON.parse(readFileSync(path.join(REPO_ROOT, 'tb.config.json'), 'utf8')))),
    NODE_OPTIONS: '--enable-source-maps',
  });

  it('runs the four pipeline handlers on nodejs22.x with the agreed sizes', () => {
    const props = (fn: object) => resources[logicalIdOf(fn as never)]!.Properties!;
    const ingest = props(stack.functions.ingest);
    const compute = props(stack.functions.compute);
    const exporter = props(stack.functions.export);
    const report = props(stack.functions.report);
    for (const p of [ingest, compute, exporter, report]) {
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Handler).toBe('index.handler');
      expect(p.LoggingConfig.LogFormat).toBe('JSON');
    }
    expect(ingest).toMatchObject({ MemorySize: 1024, Timeout: 120 });
    expect(compute).toMatchObject({ MemorySize: 1024, Timeout: 300 });
    expect(exporter).toMatchObject({ MemorySize: 1024, Timeout: 180 });
    expect(report.MemorySize).toBeGreaterThanOrEqual(1600);
    expect(report).toMatchObject({ MemorySize: 2048, Timeout: 600, Architectures: ['x86_64'] });
    // One report run at a time; ingest and compute keep the account's pool.
    expect(report.ReservedConcurrentExecutions).toBe(1);
    expect(ingest.ReservedConcurrentExecutions).toBeUndefined();
    expect(report.EphemeralStorage.Size).toBeGreaterThanOrEqual(1024);
  });

  it('traces every function (X-Ray) and gives each its Powertools service and metrics namespace', () => {
    const fns = { ingest: stack.functions.ingest, compute: stack.functions.compute, export: stack.functions.export, report: stack.functions.report, api: stack.portal.handler };
    for (const [service, fn] of Object.entries(fns)) {
      const p = resources[logicalIdOf(fn)]!.Properties!;
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_METRICS_NAMESPACE: 'ThreeBatches' });
    }
  });

  it('gives every function the table, bucket names, config and source maps', () => {
    for (const fn of [stack.functions.ingest, stack.functions.compute, stack.functions.export, stack.functions.report]) {
      const vars = resources[logicalIdOf(fn)]!.Properties!.Environment.Variables;
      expect(vars).toMatchObject(expectedEnv());
    }
    // compute requests the month's curated copy of this function (and no other gets its name).
    const exportRef = { Ref: logicalIdOf(stack.functions.export) };
    expect(resources[logicalIdOf(stack.functions.compute)]!.Properties!.Environment.Variables[ENV.exportFunction]).toEqual(exportRef);
    const named = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Environment?.Variables?.[ENV.exportFunction]);
    expect(named).toHaveLength(1);
    const reportVars = resources[logicalIdOf(stack.functions.report)]!.Properties!.Environment.Variables;
    expect(reportVars).toMatchObject({
      TB_TEMPLATES_DIR: '/var/task/templates',
      TB_FONTS_DIR: '/var/task/fonts',
      SES_CONFIGURATION_SET: { Ref: logicalIdOf(sesMail().configurationSet) },
      LINK_SECRET_ARN: { Ref: logicalIdOf(stack.downloadLinks.secret) },
    });
  });

  it('signs bulletin links with a generated secret that only report and portal read; the portal reads reports/ (PDFs to presign, rates.json for 本年各月)', () => {
    const secretId = logicalIdOf(stack.downloadLinks.secret);
    expect(resources[secretId]!.Properties!.GenerateSecretString).toMatchObject({ PasswordLength: 48, ExcludePunctuation: true });
    const env = (fn: object) => resources[logicalIdOf(fn as never)]!.Properties!.Environment.Variables;
    expect(env(stack.functions.report)).toMatchObject({ LINK_SECRET_ARN: { Ref: secretId }, PORTAL_URL: expect.anything() });
    expect(env(stack.portal.handler)).toMatchObject({ LINK_SECRET_ARN: { Ref: secretId }, REPORTS_BUCKET: { Ref: logicalIdOf(stack.storage.reports) } });
    const readers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties!.PolicyDocument).includes('secretsmanager:GetSecretValue'))
      .flatMap((r) => r.Properties!.Roles.map((x: { Ref: string }) => x.Ref));
    expect(new Set(readers)).toEqual(new Set([fnRoleId(stack.functions.report), fnRoleId(stack.portal.handler)]));
  });

  it('outputs the functions ops re-run months with', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ComputeFunctionName.Value).toEqual({ Ref: logicalIdOf(stack.functions.compute) });
    expect(outputs.ReportFunctionName.Value).toEqual({ Ref: logicalIdOf(stack.functions.report) });
  });

  it('attaches the Chromium layer (x86_64, nodejs22.x) to the report function only', () => {
    const layers = ofType('AWS::Lambda::LayerVersion');
    expect(layers).toHaveLength(1);
    const [layerId, layer] = layers[0]!;
    expect(layer.Properties).toMatchObject({
      CompatibleArchitectures: ['x86_64'],
      CompatibleRuntimes: ['nodejs22.x'],
    });
    expect(resources[logicalIdOf(stack.functions.report)]!.Properties!.Layers).toEqual([{ Ref: layerId }]);
    expect(resources[logicalIdOf(stack.functions.ingest)]!.Properties!.Layers).toBeUndefined();
    expect(resources[logicalIdOf(stack.functions.compute)]!.Properties!.Layers).toBeUndefined();

    const layerDir = path.join(outdir, `asset.${(layer.Properties!.Content.S3Key as string).replace(/\.zip$/, '')}`);
    const chromium = path.join(layerDir, 'nodejs/node_modules/@sparticuz/chromium');
    expect(existsSync(path.join(chromium, 'package.json'))).toBe(true);
    expect(existsSync(path.join(chromium, 'bin/chromium.br'))).toBe(true);
    // its runtime dependencies travel with it
    expect(existsSync(path.join(layerDir, 'nodejs/node_modules/tar-fs/package.json'))).toBe(true);
    expect(existsSync(path.join(layerDir, 'nodejs/node_modules/follow-redirects/package.json'))).toBe(true);
  });

  it('ships parquet-wasm beside the ingest and export bundles (compute writes no Parquet)', () => {
    for (const fn of [stack.functions.ingest, stack.functions.export]) {
      const dir = assetDir(logicalIdOf(fn));
      expect(existsSync(path.join(dir, 'parquet_wasm_bg.wasm'))).toBe(true);
    }
    expect(existsSync(path.join(assetDir(logicalIdOf(stack.functions.compute)), 'parquet_wasm_bg.wasm'))).toBe(false);
  });

  it('ships HarfBuzz’s subsetter beside the report bundle (the bulletin’s fonts are cut to each page)', () => {
    expect(existsSync(path.join(assetDir(logicalIdOf(stack.functions.report)), 'harfbuzz-subset.wasm'))).toBe(true);
  });

  it('ships the Arrow worker beside the ingest bundle, and the bundled worker reads an Arrow file', async () => {
    const dir = assetDir(logicalIdOf(stack.functions.ingest));
    const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(bundle).toContain('arrow-worker.mjs');
    const file = path.join(dir, 'arrow-worker.mjs');
    expect(existsSync(file)).toBe(true);
    // The bundled worker on its own (no node_modules beside it), as the Lambda runs it.
    const ipc = tableToIPC(tableFromArrays({ 项目代码: ['A1'], 总投资: Float64Array.from([12.5]) }), 'file');
    const worker = new Worker(file);
    try {
      const reply = await new Promise<{ sheet?: { rows: { number: number; cells: unknown[] }[] } }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ bytes: ipc, maxRows: 10 });
      });
      expect(reply.sheet?.rows).toEqual([
        { number: 1, cells: ['项目代码', '总投资'] },
        { number: 2, cells: ['A1', 12.5] },
      ]);
    } finally {
      await worker.terminate();
    }
  });

  it('bundles the report as ESM with Chromium external, plus templates and fonts', () => {
    const dir = assetDir(logicalIdOf(stack.functions.report));
    const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(bundle).toContain('createRequire');
    expect(bundle).not.toMatch(/node_modules\/@sparticuz\/chromium\/build/);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    expect(existsSync(path.join(dir, 'templates'))).toBe(true);
    // every face of the bulletin, and every slice its CSS references (what TB_FONTS_DIR points at)
    for (const face of BULLETIN_FACES) {
      const faceDir = path.join(dir, 'fonts', face.dir);
      const woff2 = readdirSync(path.join(faceDir, 'files')).filter((f) => f.endsWith('.woff2'));
      const referenced = fontSubsets(face, faceDir).map((s) => s.file);
      expect(referenced.length).toBeGreaterThan(0);
      expect(referenced.filter((f) => !woff2.includes(f))).toEqual([]);
    }
    // templates are copied as they are in the repo
    const repoTemplates = readdirSync(path.join(REPO_ROOT, 'templates'));
    expect(repoTemplates.length).toBeGreaterThan(0);
    for (const f of repoTemplates) expect(existsSync(path.join(dir, 'templates', f))).toBe(true);
  });

  it('bundles every function minified, with a linked source map and no sources in it', () => {
    for (const fn of [stack.functions.ingest, stack.functions.compute, stack.functions.export, stack.functions.report, stack.portal.handler]) {
      expect(fn.bundle.options).toMatchObject({ minify: true, keepNames: true, sourceMap: true, sourcesContent: false });
      const dir = assetDir(logicalIdOf(fn));
      const js = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      // linked: the comment Node's --enable-source-maps (NODE_OPTIONS, above) looks for
      expect(js.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // minified: a few hundred lines (line breaks inside template literals), thousands of characters each
      expect(js.length / js.split('\n').length).toBeGreaterThan(2000);
      const map = JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8'));
      expect(map.sourcesContent).toBeUndefined();
    }
    const worker = readFileSync(path.join(assetDir(logicalIdOf(stack.functions.ingest)), 'arrow-worker.mjs'), 'utf8');
    expect(worker.trimEnd().endsWith('//# sourceMappingURL=arrow-worker.mjs.map')).toBe(true);
  });

  it('builds with esbuildOptions(fn.bundle) exactly the bundle the CDK built (what test/e2e/bundles.test.ts runs)', async () => {
    const mapOf = (dir: string) => {
      const m = JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8'));
      // `sources` are relative to the bundle's folder: compare where they point
      return { mappings: m.mappings, names: m.names, sources: (m.sources as string[]).map((s) => path.resolve(dir, s)) };
    };
    for (const fn of [stack.functions.ingest, stack.functions.compute, stack.functions.export, stack.functions.report, stack.portal.handler, stack.configAudit.handler]) {
      const outputDir = mkdtempSync(path.join(os.tmpdir(), 'tb-esbuild-'));
      try {
        const { options, projectRoot, entry } = fn.bundle;
        await build({ ...esbuildOptions(options, { projectRoot, entry, outputDir }), logLevel: 'silent' });
        const cdkDir = assetDir(logicalIdOf(fn));
        expect(readFileSync(path.join(outputDir, 'index.mjs')).equals(readFileSync(path.join(cdkDir, 'index.mjs')))).toBe(true);
        expect(mapOf(outputDir)).toEqual(mapOf(cdkDir));
      } finally {
        rmSync(outputDir, { recursive: true, force: true });
      }
    }
    expect(stack.functions.report.bundle.options.externalModules).toEqual(['supports-color', '@sparticuz/chromium']);
  });

  it('uses its own roles without AWS managed policies', () => {
    for (const fn of [stack.functions.ingest, stack.functions.compute, stack.functions.export, stack.functions.report]) {
      const role = resources[fnRoleId(fn)]!;
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
      const logs = roleStatements(fnRoleId(fn)).find((s) => actions(s).includes('logs:PutLogEvents'));
      const logGroup = stack.functions.node.findChild(`${fn.node.id}Logs`);
      expect(resourcesOf(logs!)).toEqual([getAtt(logicalIdOf(logGroup as never))]);
    }
  });
});

describe('least privilege', () => {
  const objectArn = (bucket: object, prefix: string) => ({
    'Fn::Join': ['', [getAtt(logicalIdOf(bucket as never)), `/${prefix}*`]],
  });
  const s3Grants = (fn: object) =>
    roleStatements(fnRoleId(fn as never))
      .filter((s) => actions(s).some((a) => a.startsWith('s3:')))
      .map((s) => ({ actions: [...actions(s)].sort(), resources: resourcesOf(s) }));

  it('ingest: reads raw incoming/, writes raw receipts/ and curated, uses the table', () => {
    const g = s3Grants(stack.functions.ingest);
    expect(g).toEqual(
      expect.arrayContaining([
        { actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [objectArn(stack.storage.raw, PREFIX.incoming)] },
        { actions: ['s3:GetObject', 's3:PutObject'], resources: [objectArn(stack.storage.raw, PREFIX.receipts)] },
      ]),
    );
    // no write anywhere in the raw bucket except receipts/
    const rawWrites = g.filter((x) => x.actions.includes('s3:PutObject') && JSON.stringify(x.resources).includes(logicalIdOf(stack.storage.raw)));
    expect(rawWrites).toEqual([{ actions: ['s3:GetObject', 's3:PutObject'], resources: [objectArn(stack.storage.raw, PREFIX.receipts)] }]);
    expect(g.some((x) => x.actions.includes('s3:PutObject') && JSON.stringify(x.resources) === JSON.stringify([objectArn(stack.storage.curated, '')]))).toBe(true);
    const ddb = roleStatements(fnRoleId(stack.functions.ingest)).find((s) => actions(s).includes('dynamodb:PutItem'));
    expect(resourcesOf(ddb!)).toEqual([getAtt(logicalIdOf(stack.storage.table))]);
  });

  it('compute: writes only reports/ in the reports bucket and the audit trail under curated audit/ (no ledger/, no ledger-arrow/); invokes the export function only', () => {
    const g = s3Grants(stack.functions.compute);
    const writes = g.filter((x) => x.actions.includes('s3:PutObject'));
    expect(writes).toEqual([
      { actions: ['s3:GetObject', 's3:PutObject'], resources: [objectArn(stack.storage.reports, PREFIX.reports)] },
      { actions: ['s3:PutObject'], resources: [objectArn(stack.storage.curated, PREFIX.curatedAudit)] },
    ]);
    const invokes = roleStatements(fnRoleId(stack.functions.compute)).filter((s) => actions(s).some((a) => a.startsWith('lambda:')));
    expect(invokes.map((s) => [actions(s), resourcesOf(s)])).toEqual([[['lambda:InvokeFunction'], [getAtt(logicalIdOf(stack.functions.export))]]]);
  });

  it("export: writes only the month's copies under curated ledger/ and ledger-arrow/, reads only the snapshots' partitions of the table", () => {
    const stmts = roleStatements(fnRoleId(stack.functions.export));
    expect(s3Grants(stack.functions.export)).toEqual([
      { actions: ['s3:PutObject'], resources: [objectArn(stack.storage.curated, PREFIX.curatedArrow), objectArn(stack.storage.curated, PREFIX.curated)] },
    ]);
    const ddb = stmts.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    expect(ddb).toEqual([
      {
        Sid: 'ReadSnapshots',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: getAtt(logicalIdOf(stack.storage.table)),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${tableKeys.snapshotPrefix}*`] } },
      },
    ]);
    expect(stmts.some((s) => actions(s).some((a) => a.startsWith('lambda:') || a.startsWith('ses:')))).toBe(false);
  });

  it('portal: signs uploads under raw incoming/, reads only reports/ of the reports bucket (and lists it: a missing month is 404)', () => {
    expect(s3Grants(stack.portal.handler)).toEqual([
      { actions: ['s3:PutObject'], resources: [objectArn(stack.storage.raw, PREFIX.incoming)] },
      { actions: ['s3:ListBucket'], resources: [getAtt(logicalIdOf(stack.storage.raw))] },
      { actions: ['s3:GetObject'], resources: [objectArn(stack.storage.reports, PREFIX.reports)] },
      { actions: ['s3:ListBucket'], resources: [getAtt(logicalIdOf(stack.storage.reports))] },
    ]);
  });

  it('report: may send mail only as the SES identity with the configuration set', () => {
    const ses = roleStatements(fnRoleId(stack.functions.report)).filter((s) => actions(s).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect([...actions(ses[0]!)].sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const res = resourcesOf(ses[0]!);
    expect(res).not.toContain('*');
    expect(res).toHaveLength(2);
    const rendered = JSON.stringify(res);
    expect(rendered).toContain(`:identity/`);
    expect(rendered).toContain(JSON.stringify({ Ref: logicalIdOf(sesMail().identity) }));
    expect(rendered).toContain(':configuration-set/');
    expect(rendered).toContain(JSON.stringify({ Ref: logicalIdOf(sesMail().configurationSet) }));
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: cdkContext.sesIdentity,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: logicalIdOf(sesMail().configurationSet) } },
    });
  });

  it('no function may send mail except report and the portal (review mails), and no statement grants on "*"', () => {
    for (const fn of [stack.functions.ingest, stack.functions.compute, stack.functions.export]) {
      expect(roleStatements(fnRoleId(fn)).some((s) => actions(s).some((a) => a.startsWith('ses:')))).toBe(false);
    }
    for (const [, p] of ofType('AWS::IAM::Policy')) {
      for (const s of p.Properties!.PolicyDocument.Statement as Statement[]) {
        // Except X-Ray's two actions, which have no resource-level permissions (tracing).
        if (resourcesOf(s).includes('*')) expect([...actions(s)].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        else expect(resourcesOf(s)).not.toContain('*');
        expect(actions(s).some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
      }
    }
  });
});

describe('schedule and chaining', () => {
  it('runs compute monthly in Asia/Shanghai to publish the month, retries and a DLQ', () => {
    const schedule = resources[logicalIdOf(stack.monthly.schedule)]!;
    const s = cdkContext.schedule as { dayOfMonth: number; hour: number; minute: number; timezone: string };
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: `cron(${s.minute} ${s.hour} ${s.dayOfMonth} * ? *)`,
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: getAtt(logicalIdOf(stack.functions.compute)),
        Input: JSON.stringify({ action: 'publish', actor: { kind: 'schedule', id: 'monthly-run' } }),
        DeadLetterConfig: { Arn: getAtt(logicalIdOf(stack.monthly.dlq)) },
      },
    });
    expect(schedule.Properties!.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(schedule.Properties!.Target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
    // the scheduler role may invoke compute and dead-letter, nothing else
    const stmts = roleStatements(logicalIdOf(stack.monthly.role));
    expect(stmts.flatMap(actions).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });

  it('locks the month before at the deadline (config deadline, Asia/Shanghai), through compute', () => {
    const lock = resources[logicalIdOf(stack.monthly.lock)]!;
    const d = parseConfig(JSON.parse(readFileSync(path.join(REPO_ROOT, 'tb.config.json'), 'utf8'))).deadline;
    expect(lock.Properties).toMatchObject({
      ScheduleExpression: `cron(${d.minute} ${d.hour} ${d.dayOfNextMonth} * ? *)`,
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: getAtt(logicalIdOf(stack.functions.compute)),
        Input: JSON.stringify({ action: 'lock', actor: { kind: 'schedule', id: 'deadline-lock' } }),
        DeadLetterConfig: { Arn: getAtt(logicalIdOf(stack.monthly.dlq)) },
      },
    });
  });

  it("sends compute's result to report (on-success destination, response only)", () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(stack.functions.compute) },
      Qualifier: '$LATEST',
      DestinationConfig: {
        OnSuccess: { Destination: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('event-bus/default')])] } },
        OnFailure: { Destination: getAtt(logicalIdOf(stack.functions.asyncFailureQueue)) },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['lambda'],
        'detail-type': ['Lambda Function Invocation Result - Success'],
        resources: [{ 'Fn::Join': ['', [getAtt(logicalIdOf(stack.functions.compute)), ':$LATEST']] }],
      },
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdOf(stack.functions.report)), InputPath: '$.detail.responsePayload' })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(stack.functions.report) },
      DestinationConfig: { OnFailure: { Destination: getAtt(logicalIdOf(stack.functions.asyncFailureQueue)) } },
    });
    // compute's export request: retried by Lambda, then on the same failure queue (no on-success: nothing follows it).
    const exportConfig = ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => JSON.stringify(r.Properties!.FunctionName) === JSON.stringify({ Ref: logicalIdOf(stack.functions.export) }));
    expect(exportConfig.map(([, r]) => r.Properties)).toEqual([
      { FunctionName: { Ref: logicalIdOf(stack.functions.export) }, Qualifier: '$LATEST', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600, DestinationConfig: { OnFailure: { Destination: getAtt(logicalIdOf(stack.functions.asyncFailureQueue)) } } },
    ]);
  });
});

describe('alarms and outputs', () => {
  it('alarms on each dead-letter queue and on each function’s errors, to the SNS topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    const topic = { Ref: logicalIdOf(stack.monitoring.topic) };
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([topic]);
      expect(a.ComparisonOperator).toBe('GreaterThanThreshold');
    }
    const queueAlarm = (q: object) =>
      alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          a.Threshold === 0 &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(q as never), 'QueueName'] } }]),
      );
    expect(queueAlarm(stack.storage.uploadDlq)).toBeDefined();
    expect(queueAlarm(stack.monthly.dlq)).toBeDefined();
    expect(queueAlarm(stack.functions.asyncFailureQueue)).toBeDefined();
    for (const fn of [stack.functions.ingest, stack.functions.compute, stack.functions.export, stack.functions.report]) {
      expect(
        alarms.find(
          (a) =>
            a.MetricName === 'Errors' &&
            a.Namespace === 'AWS/Lambda' &&
            a.Threshold === 0 &&
            JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalIdOf(fn) } }]),
        ),
      ).toBeDefined();
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    // cdk.json has no alarmEmail by default: no subscription
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(0);
  });

  it('outputs bucket and table names', () => {
    template.hasOutput('RawBucketName', { Value: { Ref: logicalIdOf(stack.storage.raw) } });
    template.hasOutput('CuratedBucketName', { Value: { Ref: logicalIdOf(stack.storage.curated) } });
    template.hasOutput('ReportsBucketName', { Value: { Ref: logicalIdOf(stack.storage.reports) } });
    template.hasOutput('TableName', { Value: { Ref: logicalIdOf(stack.storage.table) } });
  });
});

describe('the configuration on the audit trail at deploy', () => {
  const custom = () => ofType('Custom::ConfigAudit');

  it('is one custom resource carrying the configuration exactly as the functions get it', () => {
    expect(custom()).toHaveLength(1);
    const [, r] = custom()[0];
    const configEnv = resources[logicalIdOf(stack.functions.compute)]!.Properties!.Environment.Variables[ENV.config];
    // The same JSON: a change to it is a property change, so CloudFormation updates the resource.
    expect(r.Properties!.Config).toBe(configEnv);
    // Through the CDK Provider framework, whose function invokes our handler.
    expect(r.Properties!.ServiceToken).toEqual(getAtt(logicalIdOf(stack.configAudit.provider.node.findChild('framework-onEvent') as never)));
    const framework = resources[logicalIdOf(stack.configAudit.provider.node.findChild('framework-onEvent') as never)]!;
    expect(framework.Properties!.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual(getAtt(logicalIdOf(stack.configAudit.handler)));
  });

  it('lets the handler read and append only the global audit partition', () => {
    const statements = roleStatements(fnRoleId(stack.configAudit.handler)).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    expect(statements).toEqual([
      {
        Sid: 'AppendGlobalAudit',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:Query'],
        Resource: getAtt(logicalIdOf(stack.storage.table)),
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['AUDIT#global'] } },
      },
    ]);
    expect(roleStatements(fnRoleId(stack.configAudit.handler)).some((s) => actions(s).some((a) => a.startsWith('s3:')))).toBe(false);
  });

  it('gives the handler and the framework their own roles, without AWS managed policies', () => {
    const frameworkRole = logicalIdOf(stack.configAudit.node.findChild('ProviderRole') as never);
    for (const role of [fnRoleId(stack.configAudit.handler), frameworkRole]) expect(resources[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
    const invoke = roleStatements(frameworkRole).find((s) => actions(s).includes('lambda:InvokeFunction'))!;
    expect(resourcesOf(invoke)).toContainEqual(getAtt(logicalIdOf(stack.configAudit.handler)));
    const handler = resources[logicalIdOf(stack.configAudit.handler)]!;
    expect(handler.Properties!.Runtime).toBe('nodejs22.x');
    expect(handler.Properties!.Environment.Variables[ENV.table]).toEqual({ Ref: logicalIdOf(stack.storage.table) });
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged errors', () => {
    const errors = nag.violations
      .filter((v) => (v as { severity?: string }).severity !== 'warning')
      .map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('reports no warnings either', () => {
    expect(nag.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('has no CDK error or warning annotations', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*SES.*'))).toEqual([]);
  });
});
