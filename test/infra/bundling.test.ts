import path from 'node:path';
import { Charset, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { ARROW_WORKER_ENTRY, arrowWorkerCommands, BASE_BUNDLING, esbuildCliArgs, esbuildOptions, posixQuote } from '../../infra/bundling';

/**
 * `esbuildOptions` is the CDK's esbuild command line as esbuild's JS API takes it (the stack test
 * proves it byte for byte on the real bundles); here its edges: what it refuses and how each
 * source-map mode reads.
 */
const target = { projectRoot: '/repo', entry: 'functions/compute/handler.ts', outputDir: '/out' };

describe('esbuildOptions', () => {
  it('builds BASE_BUNDLING as the CDK does: ESM into index.mjs, minified, linked map, nothing external but the optional dev-tree requires', () => {
    expect(esbuildOptions(BASE_BUNDLING, target)).toEqual({
      absWorkingDir: '/repo',
      entryPoints: ['/repo/functions/compute/handler.ts'],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      outfile: '/out/index.mjs',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      external: ['supports-color'],
      define: { __dirname: '__tbDirname', __filename: '__tbFilename' },
      keepNames: true,
      banner: { js: BASE_BUNDLING.banner },
      mainFields: ['module', 'main'],
    });
  });

  it('reads the source-map modes as the CDK passes them to esbuild', () => {
    const mode = (sourceMapMode?: SourceMapMode, sourceMap?: boolean) => esbuildOptions({ ...BASE_BUNDLING, sourceMap, sourceMapMode }, target).sourcemap;
    expect(mode(SourceMapMode.DEFAULT)).toBe(true);
    expect(mode(SourceMapMode.EXTERNAL)).toBe('external');
    expect(mode(SourceMapMode.INLINE)).toBe('inline');
    expect(mode(undefined, true)).toBe(true);
    expect(mode(undefined, false)).toBeUndefined();
    expect(() => mode(SourceMapMode.EXTERNAL, false)).toThrow(/sourceMapMode/);
  });

  it('refuses an option it does not translate, and the defaults that depend on the CDK', () => {
    expect(() => esbuildOptions({ ...BASE_BUNDLING, charset: Charset.UTF8 }, target)).toThrow(/charset/);
    expect(() => esbuildOptions({ ...BASE_BUNDLING, nodeModules: ['sharp'] }, target)).toThrow(/nodeModules/);
    expect(() => esbuildOptions({ ...BASE_BUNDLING, esbuildArgs: { '--tree-shaking': 'false' } }, target)).toThrow(/esbuildArgs/);
    expect(() => esbuildOptions({ ...BASE_BUNDLING, externalModules: undefined }, target)).toThrow(/externalModules/);
    expect(() => esbuildOptions({ ...BASE_BUNDLING, target: undefined }, target)).toThrow(/target/);
  });
});

describe('the Arrow worker', () => {
  it('is built by the esbuild CLI with the same options as the functions', () => {
    const [command] = arrowWorkerCommands('/in', '/out');
    const options = esbuildOptions(BASE_BUNDLING, { projectRoot: '/in', entry: ARROW_WORKER_ENTRY, outputDir: '/out' });
    const args = esbuildCliArgs({ ...options, outfile: '/out/arrow-worker.mjs', logLevel: 'warning' });
    expect(command).toBe(['/in/node_modules/.bin/esbuild', ...args].map(posixQuote).join(' '));
    expect(args).toEqual(
      expect.arrayContaining([
        path.join('/in', ARROW_WORKER_ENTRY),
        '--bundle',
        '--platform=node',
        '--format=esm',
        '--target=node22',
        '--minify',
        '--sourcemap',
        '--sources-content=false',
        '--keep-names',
        '--main-fields=module,main',
        '--outfile=/out/arrow-worker.mjs',
        `--banner:js=${BASE_BUNDLING.banner}`,
        '--define:__dirname=__tbDirname',
      ]),
    );
  });

  it('refuses to write a command line for an option it cannot spell', () => {
    expect(() => esbuildCliArgs({ entryPoints: ['/a.ts'], loader: { '.txt': 'text' } })).toThrow(/loader/);
  });
});
