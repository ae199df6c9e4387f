import { existsSync } from 'node:fs';
import path from 'node:path';
import { type BundlingOptions, type ICommandHooks, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { BULLETIN_FACES, FOOTER_FACE, fontSubsets } from '../functions/adapters/render/fonts';
import { HARFBUZZ_WASM } from '../functions/adapters/render/font-subset';
import { PAGE_BUILD } from '../functions/adapters/web-assets';
import { REVIEW_MAIL_TEMPLATE } from '../functions/adapters/render/review-mail';

/**
 * How the functions are bundled: the esbuild options they share, and the shell commands that run
 * after esbuild (inside the bundling environment) to put what a bundle needs beside it.
 */

/** Where the report function finds its templates and fonts at run time (`reportAssetCommands` puts them there). */
export const LAMBDA_TEMPLATES_DIR = '/var/task/templates';
export const LAMBDA_FONTS_DIR = '/var/task/fonts';

/** The free identifiers of CommonJS modules, mapped to the ones `ESM_BANNER` declares. */
const BANNER_DEFINES: Record<string, string> = { __dirname: '__tbDirname', __filename: '__tbFilename' };
/** What esbuild compiles for and how it resolves packages: the handlers' and the Arrow worker's bundles alike. */
const TARGET = 'node22';
const MAIN_FIELDS = ['module', 'main'];

/**
 * ESM output. aws-sdk v3, puppeteer-core and friends bundle fine as ESM; CommonJS modules inside
 * the bundle get a real `require` (createRequire) and a `__dirname`/`__filename` pointing at the
 * bundle (`define` maps the free identifiers to the banner's, so nothing collides).
 */
export const ESM_BANNER = [
  "import { createRequire as __tbCreateRequire } from 'node:module';",
  "import { fileURLToPath as __tbFileURLToPath } from 'node:url';",
  "import { dirname as __tbPathDirname } from 'node:path';",
  'const require = __tbCreateRequire(import.meta.url);',
  'const __tbFilename = __tbFileURLToPath(import.meta.url);',
  'const __tbDirname = __tbPathDirname(__tbFilename);',
].join(' ');

/**
 * Optional `require`s (inside a try/catch) of shipped packages, for packages that only the
 * development tree installs: bundled, a bundle's content would depend on whether devDependencies
 * were installed where it was built. Left external, the `require` fails in Lambda and the package
 * does without (debug, under puppeteer-core, then prints no colours). Checked by
 * test/architecture/bundles.test.ts.
 */
export const OPTIONAL_DEV_TREE_REQUIRES: readonly string[] = ['supports-color'];

/**
 * esbuild options every function shares: ESM, minified, with a source map in a file of its own
 * beside the bundle (`index.mjs.map`, without the sources' text). The map is *linked*: the bundle
 * ends with a `//# sourceMappingURL=` comment, which is how Node finds it (`SOURCE_MAPS_ENV`);
 * `SourceMapMode.EXTERNAL` (esbuild's `external`) leaves the comment out, and Node would then
 * print minified positions.
 * Names are kept (`keepNames`): stack traces and `err.name`/`constructor.name` read as in the
 * sources, for about 2% of the bundle.
 */
export const BASE_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: TARGET,
  mainFields: MAIN_FIELDS,
  banner: ESM_BANNER,
  define: { ...BANNER_DEFINES },
  minify: true,
  keepNames: true,
  sourceMap: true,
  // DEFAULT is esbuild's `--sourcemap`: linked (the map in index.mjs.map, the bundle pointing at it).
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  // Bundle the AWS SDK v3 we test against instead of relying on the runtime's copy: nothing is
  // external but the optional requires above (a function that sets its own adds to these).
  externalModules: [...OPTIONAL_DEV_TREE_REQUIRES],
  forceDockerBundling: false,
};

/** Node maps stack traces through the source maps `BASE_BUNDLING` writes only when told to. */
export const SOURCE_MAPS_ENV = { NODE_OPTIONS: '--enable-source-maps' } as const;

/**
 * The `BundlingOptions` keys `esbuildOptions` translates, and those that do not change what esbuild
 * writes (how the CDK runs it, the hooks after it). Any other key is refused, so an option added to
 * a function's `bundling` cannot make the bundles built here differ from the CDK's unnoticed.
 */
const TRANSLATED = [
  'format', 'target', 'mainFields', 'banner', 'footer', 'define', 'minify', 'keepNames', 'sourceMap',
  'sourceMapMode', 'sourcesContent', 'externalModules', 'loader', 'logLevel', 'tsconfig', 'inject',
] as const satisfies readonly (keyof BundlingOptions)[];
const NOT_ESBUILD = ['forceDockerBundling', 'commandHooks'] as const satisfies readonly (keyof BundlingOptions)[];

/** What esbuild builds from and into: the handler's source (relative to `projectRoot`) and the asset folder. */
export interface BundleTarget {
  /** The CDK's `projectRoot`: esbuild runs there (local bundling) and `entry` is relative to it. */
  projectRoot: string;
  /** The handler's source file, relative to `projectRoot`. */
  entry: string;
  /** The folder the bundle goes to (the CDK's asset output folder). */
  outputDir: string;
}

/**
 * The esbuild build (JS API options) that `NodejsFunction` runs for `bundling` with local bundling:
 * the arguments of aws-cdk-lib's `Bundling.buildEsbuildArgs` (`--bundle {entry} --platform=node
 * --target … --format … --outfile={outputDir}/index.mjs …`), one for one, run in `projectRoot`.
 * One source of truth: the functions' own `bundling` (PipelineFunction.bundle) goes in, so a
 * bundle built with this is the bundle the stack deploys (test/infra/stack.test.ts compares them
 * byte for byte).
 */
export function esbuildOptions(bundling: BundlingOptions, target: BundleTarget): BuildOptions {
  const known: readonly string[] = [...TRANSLATED, ...NOT_ESBUILD];
  const unknown = Object.entries(bundling)
    .filter(([k, v]) => v !== undefined && !known.includes(k))
    .map(([k]) => k);
  if (unknown.length) throw new Error(`esbuildOptions does not translate bundling option(s) ${unknown.join(', ')}`);
  // The CDK's defaults for these depend on the runtime and feature flags: every function sets them.
  if (!bundling.target) throw new Error('esbuildOptions: bundling.target is required');
  if (!bundling.externalModules) throw new Error('esbuildOptions: bundling.externalModules is required');
  if (bundling.sourceMap === false && bundling.sourceMapMode) throw new Error('sourceMapMode cannot be used when sourceMap is false');
  const mode = bundling.sourceMapMode ?? (bundling.sourceMap ? SourceMapMode.DEFAULT : undefined);
  return {
    absWorkingDir: target.projectRoot,
    entryPoints: [path.join(target.projectRoot, target.entry)],
    bundle: true,
    platform: 'node',
    target: bundling.target,
    ...(bundling.format && { format: bundling.format }),
    outfile: path.join(target.outputDir, bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js'),
    ...(bundling.minify && { minify: true }),
    // `--sourcemap` alone (the CDK's DEFAULT) is esbuild's `linked`.
    ...(mode && { sourcemap: mode === SourceMapMode.DEFAULT ? true : mode }),
    ...(bundling.sourcesContent === false && { sourcesContent: false }),
    external: [...bundling.externalModules],
    ...(bundling.loader && { loader: { ...bundling.loader } as BuildOptions['loader'] }),
    ...(bundling.define && { define: { ...bundling.define } }),
    ...(bundling.logLevel && { logLevel: bundling.logLevel }),
    ...(bundling.keepNames && { keepNames: true }),
    ...(bundling.tsconfig && { tsconfig: path.join(target.projectRoot, bundling.tsconfig) }),
    ...(bundling.banner && { banner: { js: bundling.banner } }),
    ...(bundling.footer && { footer: { js: bundling.footer } }),
    ...(bundling.mainFields && { mainFields: [...bundling.mainFields] }),
    ...(bundling.inject && { inject: [...bundling.inject] }),
  };
}

/** The same build as esbuild command-line arguments (for the builds the hooks run in a shell). */
export function esbuildCliArgs(o: BuildOptions): string[] {
  const flag = (name: string, value: unknown) => (value === undefined ? [] : [`--${name}=${String(value)}`]);
  const { entryPoints, absWorkingDir: _cwd, ...rest } = o;
  const handled = new Set([
    'bundle', 'platform', 'target', 'format', 'outfile', 'minify', 'sourcemap', 'sourcesContent', 'external',
    'define', 'logLevel', 'keepNames', 'banner', 'mainFields',
  ]);
  const unknown = Object.keys(rest).filter((k) => !handled.has(k));
  if (unknown.length) throw new Error(`esbuildCliArgs does not translate ${unknown.join(', ')}`);
  return [
    ...(entryPoints as string[]),
    ...(o.bundle ? ['--bundle'] : []),
    ...flag('platform', o.platform),
    ...flag('target', o.target),
    ...flag('format', o.format),
    ...flag('outfile', o.outfile),
    ...(o.minify ? ['--minify'] : []),
    ...(o.sourcemap === true ? ['--sourcemap'] : flag('sourcemap', o.sourcemap || undefined)),
    ...flag('sources-content', o.sourcesContent),
    ...(o.external ?? []).map((e) => `--external:${e}`),
    ...Object.entries(o.define ?? {}).map(([k, v]) => `--define:${k}=${v}`),
    ...flag('log-level', o.logLevel),
    ...(o.keepNames ? ['--keep-names'] : []),
    ...(o.banner?.js ? [`--banner:js=${o.banner.js}`] : []),
    ...flag('main-fields', o.mainFields?.join(',')),
  ];
}

/** Shell commands run after esbuild, given the bundling input (the project root) and output folders. */
export type AfterBundling = (inputDir: string, outputDir: string) => string[];

/** `commandHooks` that only add commands after esbuild (CDK wants all three hooks). */
export function afterBundlingOnly(afterBundling: AfterBundling): ICommandHooks {
  return { beforeBundling: () => [], beforeInstall: () => [], afterBundling };
}

/** One shell word in single quotes (POSIX sh). */
export function posixQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A host path with `/` separators (the hooks run in a POSIX shell). */
function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The repository's own esbuild, as installed in the bundling input. */
function esbuildBin(inputDir: string): string {
  return path.posix.join(toPosix(inputDir), 'node_modules/.bin/esbuild');
}

/**
 * Resolves a package folder the way Node does (walking up `node_modules` folders), but keeps the
 * path as it is seen from `fromDir`: a symlinked `node_modules` stays inside the project, so the
 * path maps into the bundling input.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function packageDir(projectRoot: string, name: string): string {
  const dir = findPackageDir(name, projectRoot);
  if (!dir) throw new Error(`Cannot find ${name} under ${projectRoot}/node_modules (run npm ci).`);
  return dir;
}

/** Where a file of the project (an absolute host path under `projectRoot`) is in the bundling input. */
function inInput(projectRoot: string, inputDir: string, file: string): string {
  return path.posix.join(toPosix(inputDir), toPosix(path.relative(projectRoot, file)));
}

/**
 * Shell commands (run after esbuild, inside the bundling environment) that copy the templates and
 * the bulletin's faces (functions/adapters/render/fonts.ts) next to the report bundle, as
 * `fonts/{face dir}/{its CSS}` and `fonts/{face dir}/files/…`: only the slices its CSS lists.
 * Robust to a missing or empty `templates/`.
 */
export function reportAssetCommands(projectRoot: string, inputDir: string, outputDir: string): string[] {
  const templatesSrc = path.posix.join(toPosix(inputDir), 'templates');
  const out = toPosix(outputDir);
  const q = posixQuote;
  // HarfBuzz's subsetter, which cuts each embedded slice to the page's characters
  // (functions/adapters/render/font-subset.ts reads it from beside index.mjs).
  const harfbuzz = path.join(packageDir(projectRoot, 'harfbuzzjs'), `dist/${HARFBUZZ_WASM}`);
  const commands = [
    `mkdir -p ${q(`${out}/templates`)}`,
    `if [ -d ${q(templatesSrc)} ]; then cp -R ${q(`${templatesSrc}/.`)} ${q(`${out}/templates/`)}; fi`,
    `cp ${q(inInput(projectRoot, inputDir, harfbuzz))} ${q(`${out}/`)}`,
  ];
  for (const face of BULLETIN_FACES) {
    const dir = packageDir(projectRoot, face.package);
    const src = inInput(projectRoot, inputDir, dir);
    const files = fontSubsets(face, dir).map((s) => s.file);
    // The PDF footer is drawn by Chromium outside the page and cannot use web fonts: the renderer
    // installs the WOFF (not WOFF2) slices it needs through fontconfig at launch.
    if (face === FOOTER_FACE) files.push(...files.map((f) => f.replace(/\.woff2$/, '.woff')));
    const dest = `${out}/fonts/${face.dir}`;
    commands.push(`mkdir -p ${q(`${dest}/files`)}`, `cp ${q(`${src}/${face.css}`)} ${q(`${dest}/`)}`);
    commands.push(`cp ${files.map((f) => q(`${src}/files/${f}`)).join(' ')} ${q(`${dest}/files/`)}`);
  }
  return commands;
}

/** The mail templates without a bulletin (receipt mails: ingest), copied beside the bundle as `templates/`. */
export const NOTICE_TEMPLATES = ['receipt-mail.hbs', 'reminder.hbs'] as const;

export function noticeTemplateCommands(inputDir: string, outputDir: string): string[] {
  const q = posixQuote;
  const src = path.posix.join(toPosix(inputDir), 'templates');
  const out = `${toPosix(outputDir)}/templates`;
  return [`mkdir -p ${q(out)}`, `cp ${NOTICE_TEMPLATES.map((f) => q(`${src}/${f}`)).join(' ')} ${q(`${out}/`)}`];
}

/**
 * Ingest and export write Parquet through parquet-wasm, which loads `parquet_wasm_bg.wasm` from
 * beside the bundle (functions/adapters/columnar/parquet.ts): copy it there after esbuild.
 */
export function parquetWasmCommands(projectRoot: string, inputDir: string, outputDir: string): string[] {
  // The ESM build's .wasm (the one functions/adapters/columnar/parquet.ts loads).
  const wasm = path.join(packageDir(projectRoot, 'parquet-wasm'), 'esm/parquet_wasm_bg.wasm');
  return [`cp ${posixQuote(inInput(projectRoot, inputDir, wasm))} ${posixQuote(toPosix(outputDir) + '/')}`];
}

/**
 * The worker in which ingest decodes Arrow uploads (functions/formats/readers/arrow-sandbox.ts looks
 * for arrow-worker.mjs beside index.mjs): a second esbuild entry with the same settings
 * (`BASE_BUNDLING`, minified, its own linked source map).
 */
export const ARROW_WORKER_ENTRY = 'functions/formats/readers/arrow-worker.ts';

export function arrowWorkerCommands(inputDir: string, outputDir: string): string[] {
  const options = esbuildOptions(BASE_BUNDLING, { projectRoot: inputDir, entry: ARROW_WORKER_ENTRY, outputDir });
  const args = esbuildCliArgs({
    ...options,
    entryPoints: [path.posix.join(toPosix(inputDir), ARROW_WORKER_ENTRY)],
    outfile: `${toPosix(outputDir)}/arrow-worker.mjs`,
    logLevel: 'warning',
  });
  return [[esbuildBin(inputDir), ...args].map(posixQuote).join(' ')];
}

/** The portal carries the one template it renders (the review mail), not the bulletin's. */
export function reviewMailTemplateCommands(inputDir: string, outputDir: string): string[] {
  const q = posixQuote;
  const out = path.posix.join(toPosix(outputDir), 'templates');
  return [`mkdir -p ${q(out)}`, `cp ${q(path.posix.join(toPosix(inputDir), 'templates', REVIEW_MAIL_TEMPLATE))} ${q(`${out}/`)}`];
}

/** Shell commands (after esbuild bundled the portal handler) that build the page into `{outputDir}/web`. */
export function webAssetCommands(inputDir: string, outputDir: string): string[] {
  const q = posixQuote;
  const src = path.posix.join(toPosix(inputDir), 'functions/api/web');
  const out = path.posix.join(toPosix(outputDir), 'web');
  const flags = [
    PAGE_BUILD.bundle ? '--bundle' : '',
    `--format=${PAGE_BUILD.format}`,
    `--target=${PAGE_BUILD.target}`,
    PAGE_BUILD.minify ? '--minify' : '',
    `--charset=${PAGE_BUILD.charset}`,
    '--log-level=warning',
  ].filter(Boolean);
  return [
    `mkdir -p ${q(out)}`,
    `${q(esbuildBin(inputDir))} ${q(`${src}/app.ts`)} ${flags.join(' ')} --outfile=${q(`${out}/app.js`)}`,
    `cp ${q(`${src}/index.html`)} ${q(`${src}/style.css`)} ${q(`${out}/`)}`,
  ];
}
