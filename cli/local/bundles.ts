/**
 * The Lambda bundles, built and run on this machine: what the deployed functions run, not the
 * TypeScript the tests import. For test/e2e/bundles.test.ts and `npm run bench bundles`.
 *
 * - The stack is constructed as `cdk synth` would (cdk.json's context) but with bundling skipped;
 *   each PipelineFunction keeps the very `bundling` object it gave NodejsFunction (`bundle`), and
 *   `esbuildOptions` (infra/bundling.ts) turns it into the esbuild build the CDK runs. Then the
 *   function's after-bundling hooks run in a shell, in the project root, as the CDK runs them
 *   (parquet-wasm, the Arrow worker, the report's templates and fonts, the portal's page).
 * - A bundle is invoked in its own `node` process, with the variables the stack gives the function
 *   (`deployedEnvironment`, tokens replaced by local values) and nothing of the caller's module graph.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';
import { stageChromiumLayer } from '../../infra/chromium-layer';
import type { PipelineFunction } from '../../infra/pipeline-function';
import { deployedStackName, loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';
import type { EmbeddedServers } from './servers';

export const BUNDLES = ['ingest', 'compute', 'export', 'report', 'api', 'deploy'] as const;
export type BundleName = (typeof BUNDLES)[number];

/** Where Lambda unpacks a function's code (`LAMBDA_*_DIR` in the environment point below it). */
export const LAMBDA_TASK_ROOT = '/var/task';

export interface BundleStack {
  stack: ThreeBatchesStack;
  functions: Record<BundleName, PipelineFunction>;
  /** The CDK context it was built with (cdk.json's, bundling skipped). */
  context: Record<string, unknown>;
  /** Removes the synth folder. */
  dispose(): void;
}

/** The stack as `cdk synth` builds it from cdk.json, without bundling (`aws:cdk:bundling-stacks: []`). */
export function stackForBundles(projectRoot: string = REPO_ROOT): BundleStack {
  const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const context = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-bundles-synth-'));
  const app = new App({ outdir, context });
  const settings = resolveSettings((k) => app.node.tryGetContext(k));
  const config = loadPipelineConfig(settings.configFile, projectRoot);
  const stack = new ThreeBatchesStack(app, deployedStackName(settings), { settings, config, projectRoot });
  const functions = {
    ingest: stack.functions.ingest,
    compute: stack.functions.compute,
    export: stack.functions.export,
    report: stack.functions.report,
    api: stack.portal.handler,
    deploy: stack.configAudit.handler,
  };
  return { stack, functions, context, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** What a function is bundled from (PipelineFunction.bundle: its `bundling`, entry and project root). */
export type BundleSpec = PipelineFunction['bundle'];

/** The functions' bundle specs, by bundle name. */
export function bundleSpecs(bundles: BundleStack): Record<BundleName, BundleSpec> {
  return Object.fromEntries(BUNDLES.map((name) => [name, bundles.functions[name].bundle])) as Record<BundleName, BundleSpec>;
}

/** Builds a function's bundle into `outputDir` as the CDK does: esbuild, then its after-bundling commands. */
export async function buildBundle(spec: BundleSpec, outputDir: string): Promise<void> {
  const { options, projectRoot, entry } = spec;
  mkdirSync(outputDir, { recursive: true });
  await build({ ...esbuildOptions(options, { projectRoot, entry, outputDir }), logLevel: 'warning' });
  for (const command of options.commandHooks?.afterBundling(projectRoot, outputDir) ?? []) {
    execFileSync('bash', ['-c', command], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

/**
 * The bundles under `root`, each in a folder of its own (`root/{name}`), the report's as
 * `root/report/task` with the Chromium layer's `node_modules` (as the stack stages it) linked
 * beside it, at `root/report/node_modules`: in Lambda the layer is /opt/nodejs/node_modules,
 * where Node resolves the report's one external import. Nothing above the other bundles has a
 * node_modules (under the system's temp folder). Returns each bundle's folder.
 */
export async function buildBundles<N extends BundleName>(specs: Record<N, BundleSpec>, root: string): Promise<Record<N, string>> {
  const dirs = {} as Record<N, string>;
  for (const name of Object.keys(specs) as N[]) {
    dirs[name] = name === 'report' ? path.join(root, 'report', 'task') : path.join(root, name);
    await buildBundle(specs[name], dirs[name]);
    if (name === 'report') {
      const layer = path.join(stageChromiumLayer(specs[name].projectRoot).dir, 'nodejs', 'node_modules');
      symlinkSync(layer, path.join(root, 'report', 'node_modules'), 'dir');
    }
  }
  return dirs;
}

/** The environment variables the stack gives a function, as CloudFormation gets them (tokens as `{Ref}` etc.). */
export function deployedEnvironment(fn: PipelineFunction): Record<string, unknown> {
  const cfn = fn.node.defaultChild as CfnResource & { environment?: unknown };
  const resolved = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
  return resolved?.variables ?? {};
}

/**
 * The deployed variables for a local run: plain values as they are (paths under `/var/task` moved
 * to `taskDir`, where the bundle is), every deploy-time token replaced by `tokens[name]` (`null`:
 * left out, e.g. the SES configuration set when mail goes to the outbox). A token without an
 * entry is an error: a variable the stack adds cannot be forgotten here.
 */
export function localEnvironment(
  deployed: Record<string, unknown>,
  taskDir: string,
  tokens: Record<string, string | null>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(deployed)) {
    if (typeof value === 'string') {
      out[name] = value === LAMBDA_TASK_ROOT || value.startsWith(`${LAMBDA_TASK_ROOT}/`) ? taskDir + value.slice(LAMBDA_TASK_ROOT.length) : value;
      continue;
    }
    if (!(name in tokens)) throw new Error(`${name} is a deploy-time value (${JSON.stringify(value)}): say what it is locally`);
    const local = tokens[name];
    if (local !== null) out[name] = local;
  }
  return out;
}

/**
 * A function's deployed environment on the embedded servers: the table and buckets are theirs,
 * their endpoints are added; no SES configuration set, no link secret, no portal URL (mail goes
 * to the outbox or SMTP, and bulletin links are presigned S3 URLs, as in `tb run`), no compute
 * function for the portal's month actions, no export function for compute.
 */
export function embeddedEnvironment(fn: PipelineFunction, taskDir: string, servers: EmbeddedServers): Record<string, string> {
  const tokens = {
    TABLE_NAME: servers.table,
    RAW_BUCKET: servers.buckets.raw,
    CURATED_BUCKET: servers.buckets.curated,
    REPORTS_BUCKET: servers.buckets.reports,
    SES_CONFIGURATION_SET: null,
    LINK_SECRET_ARN: null,
    PORTAL_URL: null,
    // The portal's month actions invoke the compute function in AWS; without it they answer 503.
    COMPUTE_FUNCTION_NAME: null,
    // Compute's export request invokes the export function in AWS; without it compute requests none
    // (the bundle test invokes the export bundle itself, with compute's pointers).
    EXPORT_FUNCTION_NAME: null,
  };
  return { ...localEnvironment(deployedEnvironment(fn), taskDir, tokens), TB_S3_ENDPOINT: servers.s3Endpoint, TB_DYNAMODB_ENDPOINT: servers.dynamoEndpoint };
}

/** What Lambda's runtime adds to every function's environment, as far as the handlers read it. */
export const LAMBDA_RUNTIME_ENV = { AWS_REGION: 'us-east-1' } as const;

export interface Invocation<T> {
  ok: boolean;
  result?: T;
  error?: { name?: string; message?: string; stack?: string };
  /** From the process's start (`performance.timeOrigin`) until the bundle was imported: Lambda's init. */
  readyMs: number;
  /** From the process's start until the first invocation returned. */
  doneMs: number;
  stdout: string;
  stderr: string;
}

/**
 * In a fresh `node` (the bundle's own module graph): import the bundle, call its `handler` with
 * `event` once, report the result and the times. The process exits when the handler returns, as
 * a Lambda sandbox is frozen. Only PATH, HOME and TMPDIR of the caller's environment go along.
 */
const RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile, resultFile] = process.argv.slice(1);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const { handler } = await import(pathToFileURL(bundle).href);
const readyMs = performance.now();
let out;
try {
  out = { ok: true, result: await handler(event) };
} catch (e) {
  out = { ok: false, error: { name: e?.name, message: e?.message, stack: e?.stack } };
}
writeFileSync(resultFile, JSON.stringify({ ...out, readyMs, doneMs: performance.now() }));
process.exit(0);
`;

export async function invokeBundle<T = unknown>(bundleFile: string, event: unknown, env: Record<string, string>, opts: { cwd?: string } = {}): Promise<Invocation<T>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tb-invoke-'));
  try {
    const eventFile = path.join(dir, 'event.json');
    const resultFile = path.join(dir, 'result.json');
    writeFileSync(eventFile, JSON.stringify(event));
    const base = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
    const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, bundleFile, eventFile, resultFile], {
      cwd: opts.cwd ?? path.dirname(bundleFile),
      env: { ...base, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...LAMBDA_RUNTIME_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    const text = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
    let reported: Omit<Invocation<T>, 'stdout' | 'stderr'>;
    try {
      reported = JSON.parse(readFileSync(resultFile, 'utf8'));
    } catch {
      throw new Error(`${path.basename(path.dirname(bundleFile))}: the bundle's process exited ${code} without a result:\n${text.stderr.slice(-4000)}`);
    }
    return { ...reported, ...text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
