import { Duration } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  EventType,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIX, TABLE } from '../functions/core/shared/storage-keys';
import { deadLetterQueue, SECURE_QUEUE, stagePolicy } from './resources';

/** Ingest function timeout; the upload queue's visibility timeout is six times this. */
export const INGEST_TIMEOUT = Duration.minutes(2);

/**
 * Buckets and the table. Raw uploads are versioned: the pipeline never deletes them. Nothing the
 * pipeline writes lands under `incoming/`, and only `incoming/` notifies.
 *
 * What the stack's removal leaves depends on the stage (`stagePolicy`): in prod every bucket and
 * the table are retained and the table is deletion-protected; in dev they are deleted, the buckets
 * emptied first (every object version) by CDK's auto-delete custom resource.
 */
export class Storage extends Construct {
  readonly accessLogs: Bucket;
  readonly raw: Bucket;
  readonly curated: Bucket;
  readonly reports: Bucket;
  readonly table: Table;
  /** S3 `incoming/` ObjectCreated notifications, consumed by the ingest function. */
  readonly uploadQueue: Queue;
  readonly uploadDlq: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stage = stagePolicy(this);

    const secure: BucketProps = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: stage.removalPolicy,
      autoDeleteObjects: stage.autoDeleteObjects,
    };

    // Server access logs of the three data buckets (S3 log delivery writes via bucket policy).
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secure,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });

    // The data buckets: secure, with server access logs under their own prefix.
    const dataBucket = (id: string, logPrefix: string, props: BucketProps) =>
      new Bucket(this, id, { ...secure, serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: logPrefix, ...props });
    const abortAfter = Duration.days(7);
    const abortIncompleteUploads = { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: abortAfter };

    this.raw = dataBucket('Raw', 'raw/', { versioned: true, lifecycleRules: [abortIncompleteUploads] });
    this.curated = dataBucket('Curated', 'curated/', { lifecycleRules: [abortIncompleteUploads] });
    this.reports = dataBucket('Reports', 'reports/', {
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-old-report-versions',
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: abortAfter,
        },
      ],
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: stage.tableDeletionProtection,
      removalPolicy: stage.removalPolicy,
    });

    this.uploadDlq = deadLetterQueue(this, 'UploadDlq');
    this.uploadQueue = new Queue(this, 'UploadQueue', {
      ...SECURE_QUEUE,
      visibilityTimeout: Duration.seconds(INGEST_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.uploadDlq, maxReceiveCount: 5 },
    });

    this.raw.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.uploadQueue), {
      prefix: PREFIX.incoming,
    });
  }
}
