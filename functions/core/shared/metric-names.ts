/**
 * The pipeline's own CloudWatch metrics: the contract between the functions, which emit them
 * (embedded metric format, e.g. Powertools `Metrics`), and the CDK app, whose dashboard and alarms
 * read them (infra/monitoring.ts). A metric the dashboard reads under another name, namespace,
 * dimension or unit is a different metric to CloudWatch: an empty graph, an alarm that never fires.
 *
 * Every metric is in the namespace `ThreeBatches` with exactly one dimension, `service`, whose
 * value is the emitting function's role (`METRIC_SERVICE[name]`). With Powertools that is
 * `new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE.ingest })` and no other
 * dimension (no default dimensions, no per-month or per-unit dimension: each one is a new metric).
 */

export const METRIC_NAMESPACE = 'ThreeBatches';

/** The `service` dimension's name. */
export const SERVICE_DIMENSION = 'service';

/** The `service` dimension's values: one per function role. */
export const SERVICE = {
  ingest: 'ingest',
  compute: 'compute',
  report: 'report',
  api: 'api',
  /** The deploy-time custom resource (the configuration on the audit trail); it emits no metric of its own. */
  deploy: 'deploy',
  /** The month's curated copy (functions/export/); it emits no metric of its own: its failures are Lambda Errors and the async-failure queue. */
  export: 'export',
} as const;
export type Service = (typeof SERVICE)[keyof typeof SERVICE];

/** The metric names (each emitted only by the service in `METRIC_SERVICE`). */
export const METRIC = {
  /** An upload accepted (its receipt says 通过, with or without warnings). Count, 1 per upload. */
  UploadsAccepted: 'UploadsAccepted',
  /** An upload refused (its receipt lists errors). Count, 1 per upload. */
  UploadsRejected: 'UploadsRejected',
  /** An upload ingest could not finish (an exception: no receipt yet; SQS will redeliver it). Count, 1 per attempt. */
  UploadsFailed: 'UploadsFailed',
  /** Ledger rows stored from accepted uploads. Count. */
  RowsIngested: 'RowsIngested',
  /**
   * SQS batch item failures ingest returned (`batchItemFailures.length` of one invocation; 0 too).
   * They are not Lambda `Errors`, so this is what raises the alarm on the first failure instead of
   * after the fifth, when the message reaches the DLQ. Count.
   */
  IngestBatchItemFailures: 'IngestBatchItemFailures',
  /** Receipt mails sent to a unit's contacts (one per address; core/delivery/receipt-mail.ts). Count. */
  ReceiptMailsSent: 'ReceiptMailsSent',
  /** Receipt mails that failed (the upload itself is not affected; a redelivery retries them). Count. */
  ReceiptMailsFailed: 'ReceiptMailsFailed',
  /** A month's rates computed (rates.json written). Count, 1 per run. */
  RatesComputed: 'RatesComputed',
  /** Bulletin PDFs rendered (one per edition). Count. */
  PdfsRendered: 'PdfsRendered',
  /** Time Chromium took for one PDF. Seconds, one value per PDF. */
  PdfRenderSeconds: 'PdfRenderSeconds',
  /** Bulletin mails sent. Count. */
  MailsSent: 'MailsSent',
  /** Mails skipped because the send log says the recipient already has the month's edition. Count. */
  MailsSkipped: 'MailsSkipped',
  /** Mails that failed (the run then throws, and the async retry resends them). Count. */
  MailsFailed: 'MailsFailed',
  /** Mails sent with a download link instead of the PDF attached (a subset of MailsSent). Count. */
  MailsLinked: 'MailsLinked',
  /** A report run that finished with every mail sent or skipped (not `send: false`). Count, 1 per run. */
  ReportDelivered: 'ReportDelivered',
  /**
   * The delivery check (`{"check":"delivered"}`, core/delivery/delivery-check.ts): 1 when the
   * reporting month's bulletin has not reached every recipient by the check time, else 0. Count.
   */
  ReportMissing: 'ReportMissing',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The CloudWatch unit each metric is emitted with. */
export const METRIC_UNIT: Record<MetricName, 'Count' | 'Seconds'> = {
  UploadsAccepted: 'Count',
  UploadsRejected: 'Count',
  UploadsFailed: 'Count',
  RowsIngested: 'Count',
  IngestBatchItemFailures: 'Count',
  ReceiptMailsSent: 'Count',
  ReceiptMailsFailed: 'Count',
  RatesComputed: 'Count',
  PdfsRendered: 'Count',
  PdfRenderSeconds: 'Seconds',
  MailsSent: 'Count',
  MailsSkipped: 'Count',
  MailsFailed: 'Count',
  MailsLinked: 'Count',
  ReportDelivered: 'Count',
  ReportMissing: 'Count',
};

/** The service (function role) that emits each metric: its `service` dimension. */
export const METRIC_SERVICE: Record<MetricName, Service> = {
  UploadsAccepted: SERVICE.ingest,
  UploadsRejected: SERVICE.ingest,
  UploadsFailed: SERVICE.ingest,
  RowsIngested: SERVICE.ingest,
  IngestBatchItemFailures: SERVICE.ingest,
  ReceiptMailsSent: SERVICE.ingest,
  ReceiptMailsFailed: SERVICE.ingest,
  RatesComputed: SERVICE.compute,
  PdfsRendered: SERVICE.report,
  PdfRenderSeconds: SERVICE.report,
  MailsSent: SERVICE.report,
  MailsSkipped: SERVICE.report,
  MailsFailed: SERVICE.report,
  MailsLinked: SERVICE.report,
  ReportDelivered: SERVICE.report,
  ReportMissing: SERVICE.report,
};
