import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { PREFIX } from '../functions/core/shared/storage-keys';
import type { PortalApi } from './api';
import type { DownloadLinks } from './download-links';
import type { PipelineFunctions } from './functions';
import { ack, logicalId, objectWildcard } from './nag-ack';
import type { MonthlySchedule } from './schedule';
import type { Storage } from './storage';

/**
 * cdk-nag (AwsSolutions pack, v3: CDK policy validation) acknowledgments, each with its reason.
 * Findings are acknowledged one by one (rule id + finding), never a whole rule for the stack,
 * so a new wildcard or managed policy still fails the nag test. The portal acknowledges its own
 * (infra/api.ts), and every PipelineFunction its pinned runtime (infra/pipeline-function.ts).
 */

function functionVersions(fn: IFunction): string {
  return `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`;
}

/** The parts of the stack whose findings are acknowledged here (the stack itself, structurally: no import cycle). */
export interface NaggedStack extends Construct {
  storage: Storage;
  functions: PipelineFunctions;
  monthly: MonthlySchedule;
  portal: PortalApi;
  downloadLinks: DownloadLinks;
}

export function applyNagSuppressions(stack: NaggedStack): void {
  const { storage, functions, monthly } = stack;
  const { raw, curated, reports } = storage;

  // --- object-prefix wildcards: S3 object ARNs cannot be enumerated in advance ---
  const prefixReason = (what: string) =>
    `Object-level access is scoped to ${what}; object keys are per upload/month and cannot be listed in a policy.`;
  ack(functions.ingest.executionRole, objectWildcard(raw, PREFIX.incoming), prefixReason(`the raw bucket's ${PREFIX.incoming} prefix (read only)`));
  ack(functions.ingest.executionRole, objectWildcard(raw, PREFIX.receipts), prefixReason(`the raw bucket's ${PREFIX.receipts} prefix`));
  ack(functions.ingest.executionRole, objectWildcard(curated, ''), prefixReason('the curated bucket (per-upload columnar copies)'));
  ack(functions.export.executionRole, objectWildcard(curated, PREFIX.curated), prefixReason(`the curated bucket's ${PREFIX.curated} prefix (the month's Parquet copy, write only)`));
  ack(functions.export.executionRole, objectWildcard(curated, PREFIX.curatedArrow), prefixReason(`the curated bucket's ${PREFIX.curatedArrow} prefix (the month's Arrow copy, write only)`));
  ack(functions.compute.executionRole, objectWildcard(curated, PREFIX.curatedAudit), prefixReason(`the curated bucket's ${PREFIX.curatedAudit} prefix (the month's audit trail as JSON lines, write only)`));
  ack(functions.compute.executionRole, objectWildcard(reports, PREFIX.reports), prefixReason(`the reports bucket's ${PREFIX.reports} prefix`));
  ack(functions.report.executionRole, objectWildcard(reports, ''), prefixReason('the reports bucket, which holds only bulletin outputs'));

  // --- bulletin download links (infra/download-links.ts) ---
  ack(
    stack.downloadLinks.secret,
    'AwsSolutions-SMG4',
    'HMAC key of bulletin links already mailed (valid up to 7 days): rotating it would break them; rotate deliberately (replace and accept that older links stop working).',
  );

  // --- scheduler: CDK's grantInvoke covers the function and its versions/aliases (same function) ---
  ack(
    monthly.role,
    functionVersions(functions.compute),
    'lambda:InvokeFunction on the compute function ARN and its qualified ARNs (versions/aliases) only; no other function.',
  );
  ack(
    monthly.deliveryCheckRole,
    functionVersions(functions.report),
    'lambda:InvokeFunction on the report function ARN and its qualified ARNs (versions/aliases) only; no other function.',
  );

  // --- queues that ARE dead-letter queues (targets of Scheduler / Lambda async destinations) ---
  ack(monthly.dlq, 'AwsSolutions-SQS3', 'This queue is the EventBridge Scheduler dead-letter queue; it needs no DLQ of its own.');
  ack(
    functions.asyncFailureQueue,
    'AwsSolutions-SQS3',
    'This queue is the on-failure destination (dead letters) of the compute, export and report async invocations; it needs no DLQ of its own.',
  );

  // --- CDK-internal custom resource for S3 → SQS notifications ---
  for (const child of stack.node.children) {
    if (child.node.id.startsWith('BucketNotificationsHandler')) {
      ack(
        child,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's built-in BucketNotificationsHandler (sets the raw bucket's notification configuration at deploy time) uses the AWS managed basic-execution policy; it is not configurable.",
      );
    }
  }
}
