/**
 * `npx tb` runs the CLI as esbuild bundles it (cli/bin/build-cli.mjs) under plain node, with the
 * dependencies left in node_modules: node resolves each of those imports by its ESM rules, which
 * are stricter than those of tsx, vitest and esbuild that every other test runs under (a subpath
 * of a package without an `exports` map needs its file extension: `wawoff2/decompress.js`). The
 * CLI is built here and every import it leaves external is resolved the way node will, from the
 * build's own folder, down to a file that exists.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/settings';

// Inside the repository, so that node finds node_modules above the build as it does for tb.mjs.
const OUT = path.join(REPO_ROOT, 'node_modules', '.cache', `tb-cli-test-${process.pid}`);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** Run beside the chunks: import.meta.resolve there is node's resolution from the build. */
const PROBE = `
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const failed = [];
for (const s of JSON.parse(process.argv[2])) {
  try {
    const url = import.meta.resolve(s);
    if (url.startsWith('file:') && !existsSync(fileURLToPath(url))) failed.push(s + ' → ' + url + '（文件不存在）');
  } catch (e) { failed.push(s + ' → ' + e.code); }
}
console.log(JSON.stringify(failed));
`;

describe('the CLI as npx tb runs it', () => {
  it('imports nothing that node cannot resolve', async () => {
    const { buildCli } = (await import(pathToFileURL(path.join(REPO_ROOT, 'cli/bin/build-cli.mjs')).href)) as {
      buildCli: (root: string, outdir: string) => Promise<{ outputs: Record<string, { imports: { path: string; external?: boolean }[] }> }>;
    };
    mkdirSync(OUT, { recursive: true });
    const meta = await buildCli(REPO_ROOT, OUT);
    const external = [...new Set(Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)))].sort();
    // The packages the commands load lazily are among them (the report's font decoder, DuckDB).
    expect(external).toEqual(expect.arrayContaining(['wawoff2/decompress.js', '@duckdb/node-api', 'puppeteer-core']));
    const probe = path.join(OUT, 'probe.mjs');
    writeFileSync(probe, PROBE);
    const { stdout } = await promisify(execFile)(process.execPath, [probe, JSON.stringify(external)]);
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
