/**
 * The CLI's build (tb.mjs runs it when a source is newer than the cache): esbuild bundles
 * cli/tb.ts into ES modules, one chunk per command, dependencies left in node_modules. Node then
 * resolves those imports by its own ESM rules, stricter than tsx's or esbuild's (a package
 * without an `exports` map needs the file's extension): test/architecture/cli-build.test.ts
 * resolves every one of them as node will.
 * Resolves with esbuild's metafile (inputs, outputs, each output's imports).
 */
export async function buildCli(root, outdir) {
  const { build } = await import('esbuild');
  const res = await build({
    absWorkingDir: root,
    entryPoints: { tb: 'cli/tb.ts', 'arrow-worker': 'functions/formats/readers/arrow-worker.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  return res.metafile;
}
