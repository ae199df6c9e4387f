/**
 * The pipeline's CloudWatch metrics (EMF, written by the functions through Powertools Metrics;
 * charted and alarmed on by infra/monitoring.ts). One list, so the dashboard and the code that
 * emits cannot disagree. Dimension: `service` (ingest, compute, report, api); the month is EMF
 * metadata (searchable in Logs Insights), not a dimension.
 */
export const METRICS_NAMESPACE = 'ThreeBatches';

export const METRIC = {
  UploadsAccepted: 'UploadsAccepted',
  UploadsRejected: 'UploadsRejected',
  /** Uploads the pipeline could not process (S3/DynamoDB errors): retried by SQS, then the DLQ. */
  UploadsFailed: 'UploadsFailed',
  RowsIngested: 'RowsIngested',
  /** SQS messages ingest handed back as batch-item failures (retried; alarmed before the DLQ). */
  IngestBatchItemFailures: 'IngestBatchItemFailures',
  RatesComputed: 'RatesComputed',
  PdfsRendered: 'PdfsRendered',
  PdfRenderSeconds: 'PdfRenderSeconds',
  MailsSent: 'MailsSent',
  MailsSkipped: 'MailsSkipped',
  MailsFailed: 'MailsFailed',
  MailsLinked: 'MailsLinked',
  /** One per report run that rendered and delivered the month (the watchdog looks for it). */
  ReportDelivered: 'ReportDelivered',
  /** Set by the watchdog when the month's report has not been delivered by its deadline. */
  ReportMissing: 'ReportMissing',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
