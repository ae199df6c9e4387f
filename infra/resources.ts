import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The resource shapes the stack makes in more than one place, each written once. */

/** A log group kept for a year, and kept when the stack lets go of it (functions' and the API's access logs). */
export function retainedLogGroup(scope: Construct, id: string): LogGroup {
  return new LogGroup(scope, id, { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
}

/** Every queue of the stack: SSE-SQS encrypted, TLS only. */
export const SECURE_QUEUE: QueueProps = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };

/** A queue of failed work that waits for an operator (alarmed in Monitoring): 14 days, SQS's longest. */
export function deadLetterQueue(scope: Construct, id: string): Queue {
  return new Queue(scope, id, { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
}

/** The ARN pattern of the objects under `prefix` in `bucket` (`''`: all of its objects). */
export function objectsArn(bucket: IBucket, prefix: string): string {
  return `${bucket.bucketArn}/${prefix}*`;
}

/** An Allow statement with its own `sid`, the form of every grant written out by hand here. */
export function allowStatement(sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): PolicyStatement {
  return new PolicyStatement({ sid, effect: Effect.ALLOW, actions, resources, conditions });
}
