#!/usr/bin/env node
/**
 * `npx tb …`: the CLI built once with esbuild into node_modules/.cache/tb-cli (rebuilt when a
 * source file is newer than the build), so that `tb --help` answers at once instead of compiling
 * TypeScript on every start. Dependencies stay in node_modules (not bundled); each command's work
 * is a chunk of its own, loaded only when the command runs.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = path.join(root, 'node_modules', '.cache', 'tb-cli');
const SOURCES = ['cli', 'functions', 'infra', 'package.json', 'tsconfig.json'];

/** The newest modification time among the sources the CLI is built from. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const f of readdirSync(p)) if (f !== 'node_modules' && !f.startsWith('.')) visit(path.join(p, f));
    } else if (/\.(ts|mts|json)$/.test(p)) newest = Math.max(newest, s.mtimeMs);
  };
  for (const s of SOURCES) if (existsSync(path.join(root, s))) visit(path.join(root, s));
  return newest;
}

async function build() {
  const { buildCli } = await import('./build-cli.mjs');
  // Built beside the cache, then renamed into place: two tb started at once never see half a build.
  const tmp = `${cache}.${process.pid}.${Date.now()}`;
  await buildCli(root, tmp);
  writeFileSync(path.join(tmp, 'built-from'), String(newestSource()));
  rmSync(cache, { recursive: true, force: true });
  try {
    renameSync(tmp, cache);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another tb finished first: use its build
  }
}

const stamp = path.join(cache, 'built-from');
const fresh = existsSync(stamp) && Number(readFileSync(stamp, 'utf8')) >= newestSource();
if (!fresh) {
  process.stderr.write('（首次运行或源码有更新：正在编译 tb…）\n');
  mkdirSync(path.dirname(cache), { recursive: true });
  await build();
}
process.env.TB_REPO_ROOT ??= root;
process.env.TB_TEMPLATES_DIR ??= path.join(root, 'templates');
// Stack traces (tb --verbose) point at the TypeScript sources.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(cache, 'tb.mjs')).href);
