import { createRequire } from 'node:module';
import path from 'node:path';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  type ILayerVersion,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type BundlingOptions, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../functions/core/shared/config';
import { ChromiumLayer, CHROMIUM_PACKAGE } from './chromium-layer';
import { ENV } from '../functions/adapters/env';
import { PREFIX } from '../functions/core/shared/storage-keys';
import type { Mail } from './mail';
import { INGEST_TIMEOUT, type Storage } from './storage';

/** Where the report function finds its templates and fonts at run time. */
export const LAMBDA_TEMPLATES_DIR = '/var/task/templates';
export const LAMBDA_FONTS_DIR = '/var/task/fonts';
export const FONT_PACKAGE = '@fontsource/noto-sans-sc';
export const FONT_WEIGHTS = [400, 700] as const;

/** Lambda caps all environment variables of a function at 4 KB together. */
const LAMBDA_ENV_LIMIT = 4096;

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

export function posixQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function packageDir(projectRoot: string, name: string): string {
  const req = createRequire(path.join(projectRoot, 'package.json'));
  try {
    return path.dirname(req.resolve(`${name}/package.json`));
  } catch {
    throw new Error(`Cannot find ${name} under ${projectRoot}/node_modules (run npm ci).`);
  }
}

/**
 * Shell commands (run after esbuild, inside the bundling environment) that copy the templates and
 * the Noto Sans SC font files next to the report bundle. Robust to a missing or empty `templates/`.
 */
export function reportAssetCommands(projectRoot: string, inputDir: string, outputDir: string): string[] {
  const fontRel = path.relative(projectRoot, packageDir(projectRoot, FONT_PACKAGE)).split(path.sep).join('/');
  const fontSrc = path.posix.join(inputDir.split(path.sep).join('/'), fontRel);
  const templatesSrc = path.posix.join(inputDir.split(path.sep).join('/'), 'templates');
  const out = outputDir.split(path.sep).join('/');
  const q = posixQuote;
  const css = FONT_WEIGHTS.map((w) => q(`${fontSrc}/${w}.css`)).join(' ');
  const woff2 = FONT_WEIGHTS.map((w) => `${q(`${fontSrc}/files`)}/noto-sans-sc-*-${w}-normal.woff2`).join(' ');
  // The PDF footer is drawn by Chromium outside the page and cannot use web fonts: the renderer
  // installs the regular-weight WOFF subsets it needs through fontconfig at launch.
  const footerWoff = `${q(`${fontSrc}/files`)}/noto-sans-sc-*-400-normal.woff`;
  return [
    `mkdir -p ${q(`${out}/templates`)} ${q(`${out}/fonts/files`)}`,
    `if [ -d ${q(templatesSrc)} ]; then cp -R ${q(`${templatesSrc}/.`)} ${q(`${out}/templates/`)}; fi`,
    `cp ${css} ${q(`${out}/fonts/`)}`,
    `cp ${woff2} ${q(`${out}/fonts/files/`)}`,
    `cp ${footerWoff} ${q(`${out}/fonts/files/`)}`,
  ];
}

/**
 * Ingest and compute write Parquet through parquet-wasm, which loads `parquet_wasm_bg.wasm` from
 * beside the bundle (functions/adapters/columnar/parquet.ts): copy it there after esbuild.
 */
export function parquetWasmCommands(projectRoot: string, inputDir: string, outputDir: string): string[] {
  // The package exports its .wasm files but not its package.json.
  const wasm = createRequire(path.join(projectRoot, 'package.json')).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
  const rel = path.relative(projectRoot, wasm).split(path.sep).join('/');
  const src = path.posix.join(inputDir.split(path.sep).join('/'), rel);
  return [`cp ${posixQuote(src)} ${posixQuote(outputDir.split(path.sep).join('/') + '/')}`];
}

/**
 * The worker in which ingest decodes Arrow uploads (functions/formats/readers/arrow-sandbox.ts looks
 * for arrow-worker.mjs beside index.mjs): a second esbuild entry with the same settings.
 */
export function arrowWorkerCommands(inputDir: string, outputDir: string): string[] {
  const input = inputDir.split(path.sep).join('/');
  const q = posixQuote;
  return [
    [
      q(`${input}/node_modules/.bin/esbuild`),
      q(`${input}/functions/formats/readers/arrow-worker.ts`),
      '--bundle --platform=node --format=esm --target=node22 --main-fields=module,main --log-level=warning',
      q(`--banner:js=${ESM_BANNER}`),
      '--define:__dirname=__tbDirname --define:__filename=__tbFilename',
      q(`--outfile=${outputDir.split(path.sep).join('/')}/arrow-worker.mjs`),
    ].join(' '),
  ];
}

/** esbuild options every function shares (ESM, source maps, local bundling). */
export const BASE_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_BANNER,
  define: { __dirname: '__tbDirname', __filename: '__tbFilename' },
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  minify: false,
  // Bundle the AWS SDK v3 we test against instead of relying on the runtime's copy.
  externalModules: [],
  forceDockerBundling: false,
};

export interface PipelineFunctionsProps {
  projectRoot: string;
  config: Config;
  storage: Storage;
  mail: Mail;
}

/** The three handlers, their roles (least privilege, no managed policies) and the wiring between them. */
export class PipelineFunctions extends Construct {
  readonly ingest: NodejsFunction;
  readonly compute: NodejsFunction;
  readonly report: NodejsFunction;
  readonly chromiumLayer: ILayerVersion;
  /** Failed asynchronous invocations of compute and report (after Lambda's own retries). */
  readonly asyncFailureQueue: Queue;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { projectRoot, config, storage, mail } = props;
    const { raw, curated, reports, table } = storage;

    const configJson = JSON.stringify(config);
    const commonEnv: Record<string, string> = {
      [ENV.table]: table.tableName,
      [ENV.rawBucket]: raw.bucketName,
      [ENV.curatedBucket]: curated.bucketName,
      [ENV.reportsBucket]: reports.bucketName,
      [ENV.config]: configJson,
      NODE_OPTIONS: '--enable-source-maps',
    };
    // Names resolve to tokens now; allow ~100 bytes for each resolved name.
    const envBytes = Object.entries(commonEnv).reduce(
      (n, [k, v]) => n + k.length + (v.startsWith('${Token') ? 100 : Buffer.byteLength(v)),
      0,
    );
    if (envBytes + 300 > LAMBDA_ENV_LIMIT) {
      throw new Error(
        `The pipeline config is too large for a Lambda environment variable (${Buffer.byteLength(configJson)} bytes of JSON; ` +
          `Lambda allows 4 KB for all variables together). Shorten recipient lists or move them out of the config.`,
      );
    }

    const baseBundling = BASE_BUNDLING;

    const make = (
      name: 'Ingest' | 'Compute' | 'Report',
      entry: string,
      opts: {
        memorySize: number;
        timeout: Duration;
        architecture: Architecture;
        environment?: Record<string, string>;
        bundling?: BundlingOptions;
        ephemeralStorageSize?: Size;
        layers?: ILayerVersion[];
        description: string;
      },
    ): { fn: NodejsFunction; role: IRole } => {
      const logGroup = new LogGroup(this, `${name}Logs`, {
        retention: RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // Own role without AWSLambdaBasicExecutionRole: logs only to this function's log group.
      const role = new Role(this, `${name}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `three-batches ${name.toLowerCase()} function`,
      });
      logGroup.grantWrite(role);
      const fn = new NodejsFunction(this, name, {
        entry: path.join(projectRoot, entry),
        handler: 'handler',
        projectRoot,
        depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
        runtime: Runtime.NODEJS_22_X,
        architecture: opts.architecture,
        memorySize: opts.memorySize,
        timeout: opts.timeout,
        ephemeralStorageSize: opts.ephemeralStorageSize,
        description: opts.description,
        role,
        logGroup,
        loggingFormat: LoggingFormat.JSON,
        applicationLogLevelV2: ApplicationLogLevel.INFO,
        systemLogLevelV2: SystemLogLevel.WARN,
        layers: opts.layers,
        environment: { ...commonEnv, ...opts.environment },
        bundling: { ...baseBundling, ...opts.bundling },
      });
      return { fn, role };
    };

    // ---- ingest: SQS (S3 incoming/ notifications) → parse, validate, store, receipt ----
    const withParquet: BundlingOptions = {
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir, outputDir) => parquetWasmCommands(projectRoot, inputDir, outputDir),
      },
    };
    const ingest = make('Ingest', 'functions/ingest/handler.ts', {
      memorySize: 1024,
      timeout: INGEST_TIMEOUT,
      architecture: Architecture.ARM_64,
      description: 'Validates and normalizes uploaded ledgers (S3 incoming/ via SQS)',
      bundling: {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [...parquetWasmCommands(projectRoot, inputDir, outputDir), ...arrowWorkerCommands(inputDir, outputDir)],
        },
      },
    });
    this.ingest = ingest.fn;
    this.ingest.addEventSource(
      new SqsEventSource(storage.uploadQueue, {
        // One upload per invocation: a 20k-row ledger can take most of the 2-minute timeout.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 10,
      }),
    );

    // ---- compute: scheduler → rates for the month; on success → report ----
    const compute = make('Compute', 'functions/compute/handler.ts', {
      memorySize: 1024,
      timeout: Duration.minutes(5),
      architecture: Architecture.ARM_64,
      description: 'Computes the monthly rates and rankings (EventBridge Scheduler)',
      bundling: withParquet,
    });
    this.compute = compute.fn;

    // ---- report: Handlebars → HTML → Chromium → PDF → S3 → SES ----
    this.chromiumLayer = new ChromiumLayer(this, 'ChromiumLayer', { projectRoot }).layer;
    const report = make('Report', 'functions/report/handler.ts', {
      memorySize: 2048,
      timeout: Duration.minutes(10),
      // @sparticuz/chromium ships an x86_64 Chromium build.
      architecture: Architecture.X86_64,
      ephemeralStorageSize: Size.gibibytes(2),
      layers: [this.chromiumLayer],
      description: 'Renders the monthly bulletin PDFs and mails them (SES)',
      environment: {
        [ENV.templatesDir]: LAMBDA_TEMPLATES_DIR,
        [ENV.fontsDir]: LAMBDA_FONTS_DIR,
        [ENV.sesConfigurationSet]: mail.configurationSet.configurationSetName,
      },
      bundling: {
        // Provided by the Chromium layer (/opt/nodejs/node_modules).
        externalModules: [CHROMIUM_PACKAGE],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => reportAssetCommands(projectRoot, inputDir, outputDir),
        },
      },
    });
    this.report = report.fn;

    // ---- asynchronous invocation: compute → report, failures → queue ----
    this.asyncFailureQueue = new Queue(this, 'AsyncFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.compute.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      // The report function receives compute's return value ({ month, ... }) as its event.
      onSuccess: new LambdaDestination(this.report, { responseOnly: true }),
      onFailure: new SqsDestination(this.asyncFailureQueue),
    });
    this.report.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.asyncFailureQueue),
    });

    // ---- least-privilege data access ----
    const objects = (bucket: Bucket, prefix: string) => `${bucket.bucketArn}/${prefix}*`;
    const allow = (role: IRole, sid: string, actions: string[], resources: string[]) =>
      role.addToPrincipalPolicy(new PolicyStatement({ sid, effect: Effect.ALLOW, actions, resources }));

    // ingest: read raw incoming/*, write receipts/*, write curated, read/write the table.
    allow(ingest.role, 'ReadUploads', ['s3:GetObject', 's3:GetObjectVersion'], [objects(raw, PREFIX.incoming)]);
    allow(ingest.role, 'WriteReceipts', ['s3:PutObject', 's3:GetObject'], [objects(raw, PREFIX.receipts)]);
    allow(ingest.role, 'WriteCurated', ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], [objects(curated, '')]);
    allow(ingest.role, 'ListBuckets', ['s3:ListBucket'], [raw.bucketArn, curated.bucketArn]);
    table.grantReadWriteData(ingest.role);

    // compute: read/write the table, write reports/* and the month's columnar copy (curated ledger/*).
    allow(compute.role, 'WriteReports', ['s3:PutObject', 's3:GetObject'], [objects(reports, PREFIX.reports)]);
    allow(compute.role, 'WriteCuratedMonth', ['s3:PutObject'], [objects(curated, PREFIX.curated)]);
    allow(compute.role, 'ListReports', ['s3:ListBucket'], [reports.bucketArn]);
    table.grantReadWriteData(compute.role);

    // report: read/write the reports bucket, read the table and write the send log.
    allow(report.role, 'ReadWriteReports', ['s3:GetObject', 's3:PutObject'], [objects(reports, '')]);
    allow(report.role, 'ListReports', ['s3:ListBucket'], [reports.bucketArn]);
    table.grantReadWriteData(report.role);
    mail.grantSend(report.role);
  }
}
