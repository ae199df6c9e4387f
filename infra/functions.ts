import { Duration, Size } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env';
import type { Config } from '../functions/core/shared/config';
import { PREFIX, tableKeys } from '../functions/core/shared/storage-keys';
import {
  arrowWorkerCommands,
  LAMBDA_FONTS_DIR,
  noticeTemplateCommands,
  LAMBDA_TEMPLATES_DIR,
  OPTIONAL_DEV_TREE_REQUIRES,
  parquetWasmCommands,
  reportAssetCommands,
  SOURCE_MAPS_ENV,
} from './bundling';
import { ChromiumLayer, CHROMIUM_PACKAGE } from './chromium-layer';
import type { MailTransport } from './mail';
import { PipelineFunction, type PipelineFunctionProps } from './pipeline-function';
import { deadLetterQueue, objectsArn } from './resources';
import { INGEST_TIMEOUT, type Storage } from './storage';

/** Lambda caps all environment variables of a function at 4 KB together. */
const LAMBDA_ENV_LIMIT = 4096;

export interface PipelineFunctionsProps {
  /** Repository root (entries, lock file, templates, node_modules). Required. */
  projectRoot: string;
  /** The validated pipeline configuration, handed to every function as `ENV.config`. Required. */
  config: Config;
  /** The buckets, the table and the upload queue the functions work on. Required. */
  storage: Storage;
  /** How the report function mails the bulletin (SES or SMTP): its variables and grants. Required. */
  mail: MailTransport;
}

/** The pipeline's handlers, their roles (least privilege, no managed policies) and the wiring between them. */
export class PipelineFunctions extends Construct {
  readonly ingest: PipelineFunction;
  readonly compute: PipelineFunction;
  /** The month's curated Arrow + Parquet copy, invoked by compute asynchronously (the report does not wait for it). */
  readonly export: PipelineFunction;
  readonly report: PipelineFunction;
  readonly chromiumLayer: ILayerVersion;
  /** Failed asynchronous invocations of compute, export and report (after Lambda's own retries). */
  readonly asyncFailureQueue: Queue;
  /**
   * Whether ingest mails receipts (config `reminders.receiptMail` and at least one `contacts`
   * entry): only then does it get the mail transport's variables, grants and templates.
   */
  readonly receiptMails: boolean;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { projectRoot, config, storage, mail } = props;
    const { raw, curated, reports, table } = storage;

    const configJson = JSON.stringify(config);
    const commonEnvironment: Record<string, string> = {
      [ENV.table]: table.tableName,
      [ENV.rawBucket]: raw.bucketName,
      [ENV.curatedBucket]: curated.bucketName,
      [ENV.reportsBucket]: reports.bucketName,
      [ENV.config]: configJson,
      ...SOURCE_MAPS_ENV,
    };
    // Names resolve to tokens now; allow ~100 bytes for each resolved name.
    const envBytes = Object.entries(commonEnvironment).reduce(
      (n, [k, v]) => n + k.length + (v.startsWith('${Token') ? 100 : Buffer.byteLength(v)),
      0,
    );
    if (envBytes + 300 > LAMBDA_ENV_LIMIT) {
      throw new Error(
        `The pipeline config is too large for a Lambda environment variable (${Buffer.byteLength(configJson)} bytes of JSON; ` +
          `Lambda allows 4 KB for all variables together). Shorten recipient lists or move them out of the config.`,
      );
    }

    // Ids 'Ingest', 'Compute', 'Export', 'Report' in this scope: the logical IDs of the deployed functions.
    const fn = (name: 'Ingest' | 'Compute' | 'Export' | 'Report', own: Omit<PipelineFunctionProps, 'projectRoot' | 'commonEnvironment'>) =>
      new PipelineFunction(this, name, { projectRoot, commonEnvironment, ...own });

    // ---- ingest: SQS (S3 incoming/ notifications) → parse, validate, store, receipt (→ mail) ----
    this.receiptMails = config.reminders.receiptMail && Object.keys(config.contacts).length > 0;
    const receiptMails = this.receiptMails;
    this.ingest = fn('Ingest', {
      service: 'ingest',
      entry: 'functions/ingest/handler.ts',
      memorySize: 1024,
      timeout: INGEST_TIMEOUT,
      description: `Validates and normalizes uploaded ledgers (S3 incoming/ via SQS)${receiptMails ? `; mails receipts (${mail.kind.toUpperCase()})` : ''}`,
      ...(receiptMails ? { environment: { [ENV.templatesDir]: LAMBDA_TEMPLATES_DIR, ...mail.environment } } : {}),
      afterBundling: (inputDir, outputDir) => [
        ...parquetWasmCommands(projectRoot, inputDir, outputDir),
        ...arrowWorkerCommands(inputDir, outputDir),
        ...(receiptMails ? noticeTemplateCommands(inputDir, outputDir) : []),
      ],
    });
    this.ingest.addEventSource(
      new SqsEventSource(storage.uploadQueue, {
        // One upload per invocation: a 20k-row ledger can take most of the 2-minute timeout.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 10,
      }),
    );

    // ---- export: compute (async, {month, pointers}) → the month's curated Arrow + Parquet copy ----
    this.export = fn('Export', {
      service: 'export',
      entry: 'functions/export/handler.ts',
      memorySize: 1024,
      // Reads the month's snapshots and encodes them: a 200k-row month takes a few seconds.
      timeout: Duration.minutes(3),
      description: "Writes the month's curated ledger copy (Arrow + Parquet) of the uploads compute counted",
      afterBundling: (inputDir, outputDir) => parquetWasmCommands(projectRoot, inputDir, outputDir),
    });

    // ---- compute: scheduler → rates for the month; on success → report; requests the export ----
    this.compute = fn('Compute', {
      service: 'compute',
      entry: 'functions/compute/handler.ts',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      description: 'Computes the monthly rates and rankings (EventBridge Scheduler)',
      environment: { [ENV.exportFunction]: this.export.functionName },
    });

    // ---- report: Handlebars → HTML → Chromium → PDF → S3 → SES or SMTP ----
    this.chromiumLayer = new ChromiumLayer(this, 'ChromiumLayer', { projectRoot }).layer;
    this.report = fn('Report', {
      service: 'report',
      entry: 'functions/report/handler.ts',
      memorySize: 2048,
      timeout: Duration.minutes(10),
      // @sparticuz/chromium ships an x86_64 Chromium build.
      architecture: Architecture.X86_64,
      ephemeralStorageSize: Size.gibibytes(2),
      // One report run at a time (the schedule's and an operator's re-run queue up as async
      // retries); each mail is also claimed in the send log, so even overlapping runs send once.
      reservedConcurrentExecutions: 1,
      layers: [this.chromiumLayer],
      description: `Renders the monthly bulletin PDFs and mails them (${mail.kind.toUpperCase()})`,
      environment: {
        [ENV.templatesDir]: LAMBDA_TEMPLATES_DIR,
        [ENV.fontsDir]: LAMBDA_FONTS_DIR,
        ...mail.environment,
      },
      // Provided by the Chromium layer (/opt/nodejs/node_modules).
      bundling: { externalModules: [...OPTIONAL_DEV_TREE_REQUIRES, CHROMIUM_PACKAGE] },
      afterBundling: (inputDir, outputDir) => reportAssetCommands(projectRoot, inputDir, outputDir),
    });

    // ---- asynchronous invocation: compute → report, failures → queue ----
    this.asyncFailureQueue = deadLetterQueue(this, 'AsyncFailureQueue');
    const asyncInvoke = { retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.asyncFailureQueue) };
    this.compute.configureAsyncInvoke({
      ...asyncInvoke,
      // The report function receives compute's return value ({ month, ... }) as its event.
      onSuccess: new LambdaDestination(this.report, { responseOnly: true }),
    });
    this.report.configureAsyncInvoke(asyncInvoke);
    this.export.configureAsyncInvoke(asyncInvoke);

    // ---- least-privilege data access ----
    const { ingest, compute, report } = this;
    const exporter = this.export;

    // ingest: read raw incoming/*, write receipts/*, write curated, read/write the table.
    ingest.allow('ReadUploads', ['s3:GetObject', 's3:GetObjectVersion'], [objectsArn(raw, PREFIX.incoming)]);
    ingest.allow('WriteReceipts', ['s3:PutObject', 's3:GetObject'], [objectsArn(raw, PREFIX.receipts)]);
    ingest.allow('WriteCurated', ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], [objectsArn(curated, '')]);
    ingest.allow('ListBuckets', ['s3:ListBucket'], [raw.bucketArn, curated.bucketArn]);
    table.grantReadWriteData(ingest);
    // The receipt mails: the same transport as the bulletin's, and only when ingest sends any.
    if (receiptMails) mail.grantSend(ingest);

    // compute: read/write the table, write reports/* and the month's audit trail (curated audit/*), invoke the export.
    compute.allow('WriteReports', ['s3:PutObject', 's3:GetObject'], [objectsArn(reports, PREFIX.reports)]);
    compute.allow('WriteAuditTrail', ['s3:PutObject'], [objectsArn(curated, PREFIX.curatedAudit)]);
    compute.allow('ListReports', ['s3:ListBucket'], [reports.bucketArn]);
    compute.allow('InvokeExport', ['lambda:InvokeFunction'], [exporter.functionArn]);
    table.grantReadWriteData(compute);

    // export: query the snapshots' partitions (readAt), write the month's columnar copies (curated ledger/*, ledger-arrow/*).
    exporter.allow('ReadSnapshots', ['dynamodb:Query'], [table.tableArn], {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${tableKeys.snapshotPrefix}*`] },
    });
    exporter.allow('WriteCuratedMonth', ['s3:PutObject'], [objectsArn(curated, PREFIX.curated), objectsArn(curated, PREFIX.curatedArrow)]);

    // report: read/write the reports bucket, read the table and write the send log.
    report.allow('ReadWriteReports', ['s3:GetObject', 's3:PutObject'], [objectsArn(reports, '')]);
    report.allow('ListReports', ['s3:ListBucket'], [reports.bucketArn]);
    table.grantReadWriteData(report);
    mail.grantSend(report);
  }
}
