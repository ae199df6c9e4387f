import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLES, type BundleName, type BundleStack, buildBundles, bundleSpecs, embeddedEnvironment, invokeBundle, stackForBundles } from '../../cli/local/bundles';
import { listInput } from '../../cli/local/input-files';
import { isUploadRecord, type S3rverRecord, sqsNotification } from '../../cli/local/runtime';
import { type EmbeddedServers, startEmbedded } from '../../cli/local/servers';
import { makeDocClient, makeS3Client } from '../../functions/adapters/aws/clients';
import { LedgerRepository } from '../../functions/adapters/aws/ledger-repo';
import { ledgerFromArrow } from '../../functions/adapters/columnar/curated-month-reader';
import { MonthRepository } from '../../functions/adapters/aws/month-repo';
import { configChecksum } from '../../functions/core/audit/config-audit';
import { TokenRepository } from '../../functions/adapters/aws/token-repo';
import type { HttpApiResult } from '../../functions/api/http';
import type { ComputeResult } from '../../functions/compute/compute-rates';
import type { IngestResponse } from '../../functions/ingest/ingest-upload';
import type { ReportResult } from '../../functions/report/report-month';
import { objectKeys } from '../../functions/core/shared/storage-keys';
import { REPO_ROOT } from '../../infra/settings';
import { pdfPages } from '../helpers/pdf-text';

/**
 * The six Lambda bundles, built as the stack builds them (esbuildOptions of each function's own
 * `bundling`, then its after-bundling hooks: test/infra/stack.test.ts proves the build is the
 * CDK's, byte for byte), each run in a `node` of its own with the environment the stack gives it,
 * against the embedded S3 and DynamoDB, on the sample month: ingest gets the SQS messages of the
 * month's 155 uploads, compute `{month}`, export `{month, pointers}` (what compute requests in AWS), report `{month, city: "province"}` with the outbox as
 * mail transport, the portal API Gateway events, the deploy-time config audit CloudFormation's events.
 *
 * The report bundle leaves @sparticuz/chromium out (in Lambda it is the Chromium layer's, under
 * /opt/nodejs/node_modules): here it resolves from the layer as the stack stages it
 * (stageChromiumLayer), linked as `node_modules` into the folder above the bundle's
 * (`buildBundles`). The other bundles have no node_modules anywhere above them.
 */
const MONTH = '2026-10';

let root: string;
let bundles: BundleStack;
let servers: EmbeddedServers;
let s3: S3Client;
let doc: DynamoDBDocumentClient;
let dirs: Record<BundleName, string>;
const env = {} as Record<BundleName, Record<string, string>>;
const records: S3rverRecord[] = [];
let outbox: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tb-bundles-'));
  bundles = stackForBundles();
  dirs = await buildBundles(bundleSpecs(bundles), root);

  servers = await startEmbedded({ dataDir: join(root, 'store') });
  servers.s3Events.on('event', (e: { Records: S3rverRecord[] }) => records.push(...e.Records.filter((r) => isUploadRecord(r, servers.buckets.raw))));
  s3 = makeS3Client(servers.s3Endpoint);
  doc = makeDocClient(servers.dynamoEndpoint);
  outbox = join(root, 'outbox');
  mkdirSync(outbox);

  // The stack's variables, with what CloudFormation fills in at deploy time replaced by the servers'.
  for (const name of BUNDLES) env[name] = embeddedEnvironment(bundles.functions[name], dirs[name], servers);
  env.report = { ...env.report, MAIL_TRANSPORT: 'outbox', TB_OUTBOX_DIR: outbox };
});

afterAll(async () => {
  s3?.destroy();
  doc?.destroy();
  await servers?.close();
  bundles?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

const invoke = <T>(name: BundleName, event: unknown) => invokeBundle<T>(join(dirs[name], 'index.mjs'), event, env[name]);

function succeeded<T>(r: Awaited<ReturnType<typeof invokeBundle<T>>>): T {
  if (!r.ok) throw new Error(`${r.error?.stack ?? r.error?.message}\n${r.stderr.slice(-2000)}`);
  return r.result as T;
}

async function getBytes(bucket: string, key: string): Promise<Uint8Array> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToByteArray();
}

async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

describe('the bundles the functions run', () => {
  it('gives each bundle only what the stack gives the function, and the report its templates and fonts', () => {
    expect(Object.keys(env.ingest).sort()).toEqual(
      ['CURATED_BUCKET', 'NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'RAW_BUCKET', 'REPORTS_BUCKET', 'TABLE_NAME', 'TB_CONFIG', 'TB_DYNAMODB_ENDPOINT', 'TB_S3_ENDPOINT'].sort(),
    );
    expect(env.report.TB_TEMPLATES_DIR).toBe(join(dirs.report, 'templates'));
    expect(env.report.TB_FONTS_DIR).toBe(join(dirs.report, 'fonts'));
    expect(env.api.TB_WEB_DIR).toBe(join(dirs.api, 'web'));
    expect(readdirSync(dirs.report).sort()).toEqual(['fonts', 'harfbuzz-subset.wasm', 'index.mjs', 'index.mjs.map', 'templates']);
    expect(readdirSync(dirs.ingest).sort()).toEqual(['arrow-worker.mjs', 'arrow-worker.mjs.map', 'index.mjs', 'index.mjs.map', 'parquet_wasm_bg.wasm']);
  });

  it('ingest: the SQS messages of the sample month’s uploads become receipts in the table and curated copies', async () => {
    const { months } = listInput(resolve(REPO_ROOT, 'samples'));
    const files = months.find((m) => m.month === MONTH)!.files.filter((f) => f.unitCode);
    for (const f of files) {
      await s3.send(new PutObjectCommand({ Bucket: servers.buckets.raw, Key: objectKeys.upload(MONTH, f.unitCode!, f.fileName), Body: readFileSync(f.path) }));
    }
    await servers.settle();
    expect(records).toHaveLength(files.length);
    // One S3 notification per SQS message, as S3 → SQS delivers them; all in one batch here.
    let seq = 0;
    const event = { Records: records.map((r, i) => sqsNotification([r], `msg-${i}`, () => seq++)) };

    const res = succeeded(await invoke<IngestResponse>('ingest', event));
    expect(res.batchItemFailures).toEqual([]);
    const stored = await new LedgerRepository(doc, servers.table).listReceipts(MONTH);
    expect(stored).toHaveLength(files.length);
    const count = (status: string) => stored.filter((r) => r.status === status).length;
    expect([count('accepted'), count('rejected')]).toEqual([154, 1]);
    expect(stored.find((r) => r.status === 'rejected')!.unitCode).toBe('411623');
    // parquet-wasm from beside the bundle: each accepted upload's Parquet copy
    const parquet = (await listKeys(servers.buckets.curated, `uploads/month=${MONTH}/`)).filter((k) => k.endsWith('.parquet'));
    expect(parquet).toHaveLength(154);
  });

  it('compute: {month} writes rates.json and not the month’s columnar copy (the export’s)', async () => {
    const res = succeeded(await invoke<ComputeResult>('compute', { month: MONTH }));
    expect(res).toMatchObject({ month: MONTH, ratesKey: objectKeys.rates(MONTH), reportedUnits: 154 });
    const rates = JSON.parse(Buffer.from(await getBytes(servers.buckets.reports, objectKeys.rates(MONTH))).toString('utf8'));
    expect(rates).toMatchObject({ schemaVersion: 1, month: MONTH });
    expect(rates.units.find((u: { level: string }) => u.level === 'province').rates).toEqual(res.province);
    expect(await listKeys(servers.buckets.curated, 'ledger')).toEqual([]);
  });

  it('export: {month, pointers} writes the month’s Parquet and Arrow ledger of exactly those uploads (parquet-wasm beside the bundle)', async () => {
    expect(readdirSync(dirs.export).sort()).toEqual(['index.mjs', 'index.mjs.map', 'parquet_wasm_bg.wasm']);
    const pointers = await new LedgerRepository(doc, servers.table).getPointers(MONTH);
    expect(pointers).toHaveLength(154);
    const keys = objectKeys.curatedMonth(MONTH);
    const res = succeeded(await invoke<{ month: string; keys: string[] }>('export', { month: MONTH, pointers }));
    expect(res).toEqual({ month: MONTH, keys: [keys.arrow, keys.parquet] });
    const ledger = await getBytes(servers.buckets.curated, keys.parquet);
    expect(Buffer.from(ledger.subarray(0, 4)).toString('latin1')).toBe('PAR1');
    const arrow = ledgerFromArrow(await getBytes(servers.buckets.curated, keys.arrow));
    expect(Object.keys(arrow).sort()).toEqual(pointers.map((p) => p.unitCode).sort());
    // A malformed request fails the invocation (Lambda retries, then the failure queue), saying why.
    const bad = await invoke('export', { month: MONTH });
    expect(bad.ok).toBe(false);
    expect(bad.error?.message).toBe(`导出请求无效（${MONTH}）：pointers 应为上传指针数组`);
  });

  it('report: renders the province bulletin with Chromium from the layer and mails it to the outbox', async () => {
    const res = succeeded(await invoke<ReportResult>('report', { month: MONTH, city: 'province', send: true }));
    expect(res.editions.map((e) => e.edition)).toEqual(['province']);
    const pdf = await getBytes(servers.buckets.reports, res.pdfKey);
    expect(pdf.byteLength).toBe(res.pdfBytes);
    const pages = await pdfPages(pdf);
    expect(pages[0]).toContain('“三个一批”项目建设月度通报');
    expect(pages.join('')).toContain('2026年10月');
    expect(res.mails.map((m) => [m.recipient, m.status])).toEqual([
      ['leaders@example.gov.cn', 'sent'],
      ['office@example.gov.cn', 'sent'],
    ]);
    const eml = readdirSync(outbox);
    expect(eml).toHaveLength(2);
    expect(readFileSync(join(outbox, eml[0]!), 'latin1')).toContain('application/pdf');
  });

  it('api: answers API Gateway events for the page, the template and the token-checked JSON', async () => {
    const { token } = await new TokenRepository(doc, servers.table).issue({ role: 'province', now: new Date() });
    const get = async (path: string, query?: Record<string, string>, auth = true) =>
      succeeded(
        await invoke<HttpApiResult>('api', {
          version: '2.0',
          routeKey: `GET ${path}`,
          rawPath: path,
          rawQueryString: new URLSearchParams(query).toString(),
          headers: { host: 'portal.example', ...(auth && { authorization: `Bearer ${token}` }) },
          queryStringParameters: query,
          requestContext: { domainName: 'portal.example', requestId: 'r1', http: { method: 'GET', path, sourceIp: '127.0.0.1' } },
          isBase64Encoded: false,
        }),
      );

    const me = await get('/me');
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ role: 'province' });

    const status = await get('/status', { month: MONTH });
    expect(status.statusCode).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ month: MONTH, counts: { units: 158, accepted: 154, rejected: 1, missing: 3 }, rejected: ['411623'] });

    // the page, as webAssetCommands built it beside the bundle
    const text = (r: HttpApiResult) => Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
    const page = await get('/', undefined, false);
    expect(page.statusCode).toBe(200);
    expect(text(page)).toContain('<html lang="zh-CN">');
    const script = await get('/app.js', undefined, false);
    expect(script.statusCode).toBe(200);
    expect(text(script)).toContain('/uploads');

    const template = await get('/template.xlsx', undefined, false);
    expect(template.statusCode).toBe(200);
    expect(template.isBase64Encoded).toBe(true);
    expect(Buffer.from(template.body, 'base64').subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('deploy: CloudFormation’s create and update of the configuration append config records to the global trail', async () => {
    // The custom resource carries the configuration exactly as the functions get it (test/infra/stack.test.ts).
    const config = env.compute.TB_CONFIG;
    expect(env.deploy.TB_CONFIG).toBeUndefined();
    const created = succeeded<{ PhysicalResourceId: string; Data: { Recorded: string; Checksum: string } }>(
      await invoke('deploy', { RequestType: 'Create', ResourceProperties: { ServiceToken: 'arn:aws:lambda:local', Config: config } }),
    );
    expect(created.Data.Recorded).toBe('true');
    const changed = JSON.stringify({ ...JSON.parse(config), portalUrl: 'https://portal.example.gov.cn/' });
    const updated = succeeded<{ PhysicalResourceId: string; Data: { Recorded: string } }>(
      await invoke('deploy', { RequestType: 'Update', PhysicalResourceId: created.PhysicalResourceId, ResourceProperties: { Config: changed }, OldResourceProperties: { Config: config } }),
    );
    expect(updated).toMatchObject({ PhysicalResourceId: created.PhysicalResourceId, Data: { Recorded: 'true' } });
    const trail = (await new MonthRepository(doc, servers.table).listAudit(null)).filter((e) => e.action === 'config');
    expect(trail.map((e) => [e.actor.id, e.checksum, e.detail])).toEqual([
      ['cdk deploy', created.Data.Checksum, '部署：首次记录配置'],
      ['cdk deploy', configChecksum(JSON.parse(changed)), '部署：配置变更 portalUrl'],
    ]);
  });

  it('maps a failure’s stack trace through the source map to the TypeScript sources', async () => {
    const res = await invoke('compute', { month: '2026-13' });
    expect(res.ok).toBe(false);
    expect(res.error?.message).toContain('Invalid month');
    expect(res.error?.stack).toMatch(/functions\/compute\/compute-rates\.ts:\d+:\d+/);
  });
});
