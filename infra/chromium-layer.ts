import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AssetHashType, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { findPackageDir } from './bundling';

/**
 * A Lambda layer carrying `@sparticuz/chromium` (and its runtime dependencies) exactly as
 * installed in the repository's `node_modules`, so synth never touches the network.
 *
 * Layout inside the layer: `nodejs/node_modules/<package>` (→ `/opt/nodejs/node_modules`,
 * which the Node.js runtimes resolve for both `require` and ES module `import`).
 */

export const CHROMIUM_PACKAGE = '@sparticuz/chromium';

interface PackageEntry {
  name: string;
  version: string;
  /** Absolute folder of the installed package. */
  dir: string;
  /** Folder relative to the layer's `nodejs/` (e.g. `node_modules/tar-fs/node_modules/tar-stream`). */
  target: string;
}

/** The package and the transitive closure of its dependencies, with their nested placement. */
export function collectPackageClosure(rootPackage: string, projectRoot: string): PackageEntry[] {
  const nodeModules = path.join(projectRoot, 'node_modules');
  const seen = new Map<string, PackageEntry>();

  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const dir = findPackageDir(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new Error(
        `Cannot build the Chromium layer: package "${name}" is not installed under ${nodeModules} (run npm ci).`,
      );
    }
    if (seen.has(dir)) return;
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version?: string;
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const rel = path.relative(nodeModules, dir);
    // Hoisted packages keep their place; anything outside the project's node_modules goes top-level.
    const target = rel.startsWith('..') || path.isAbsolute(rel) ? path.join('node_modules', name) : path.join('node_modules', rel);
    seen.set(dir, { name, version: pkg.version ?? '0.0.0', dir, target });
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
    // Peers are satisfied by whatever is installed next to the package (if anything).
    for (const dep of Object.keys(pkg.peerDependencies ?? {})) visit(dep, dir, true);
  };

  visit(rootPackage, projectRoot, false);
  return [...seen.values()].sort((a, b) => a.target.localeCompare(b.target));
}

/** Copies one package without its nested node_modules (those are staged as their own entries). */
function copyPackage(entry: PackageEntry, stageRoot: string): void {
  const dest = path.join(stageRoot, 'nodejs', entry.target);
  mkdirSync(path.dirname(dest), { recursive: true });
  cpSync(entry.dir, dest, {
    recursive: true,
    dereference: true,
    filter: (src) => {
      const rel = path.relative(entry.dir, src);
      if (rel === '') return true;
      const parts = rel.split(path.sep);
      if (parts.includes('node_modules')) return false;
      // Documentation and type declarations are dead weight at run time.
      return !/\.(md|markdown|d\.ts|d\.cts|d\.mts|map)$/i.test(src);
    },
  });
}

/**
 * Stages `nodejs/node_modules/...` in a temp folder keyed by the packages' versions, and returns
 * the folder plus a content hash for the asset. Reused across synths while the versions match.
 */
export function stageChromiumLayer(projectRoot: string): { dir: string; hash: string } {
  const entries = collectPackageClosure(CHROMIUM_PACKAGE, projectRoot);
  const manifest = entries.map((e) => `${e.target}@${e.version}`).join('\n');
  const hash = createHash('sha256').update(`layer-v1\n${manifest}`).digest('hex');
  const base = path.join(os.tmpdir(), 'three-batches-chromium-layer');
  const dir = path.join(base, hash.slice(0, 16));
  const marker = path.join(dir, '.staged');
  if (existsSync(marker)) return { dir, hash };

  // Stage into a private folder, then rename into place (parallel synths may race here).
  mkdirSync(base, { recursive: true });
  const work = path.join(base, `${hash.slice(0, 16)}.${process.pid}.${Date.now()}`);
  try {
    for (const entry of entries) copyPackage(entry, work);
    writeFileSync(path.join(work, '.staged'), `${manifest}\n`);
    if (existsSync(dir) && !existsSync(marker)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(work, dir);
    } catch (err) {
      if (!existsSync(marker)) throw err; // someone else finished first: use theirs
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { dir, hash };
}

export interface ChromiumLayerProps {
  /** Repository root whose `node_modules` holds `@sparticuz/chromium` and its dependencies (as `npm ci` left them). Required. */
  projectRoot: string;
}

export class ChromiumLayer extends Construct {
  readonly layer: LayerVersion;
  /** Version of `@sparticuz/chromium` in the layer. */
  readonly chromiumVersion: string;

  constructor(scope: Construct, id: string, props: ChromiumLayerProps) {
    super(scope, id);
    const staged = stageChromiumLayer(props.projectRoot);
    this.chromiumVersion =
      collectPackageClosure(CHROMIUM_PACKAGE, props.projectRoot).find((e) => e.name === CHROMIUM_PACKAGE)
        ?.version ?? 'unknown';
    this.layer = new LayerVersion(this, 'Layer', {
      description: `${CHROMIUM_PACKAGE} ${this.chromiumVersion} (x86_64) for the report function`,
      code: Code.fromAsset(staged.dir, {
        assetHash: staged.hash,
        assetHashType: AssetHashType.CUSTOM,
        exclude: ['.staged'],
      }),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      // The npm package ships the x64 Chromium build only.
      compatibleArchitectures: [Architecture.X86_64],
      removalPolicy: RemovalPolicy.DESTROY,
      license: 'MIT',
    });
  }
}
