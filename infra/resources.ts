import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { type Stage, STAGES } from './settings';

/** The resource shapes the stack makes in more than one place, each written once. */

/** What a stage keeps when `cdk destroy` (or a change that replaces or drops a resource) lets go of it. */
export interface StagePolicy {
  /** Buckets, the table, the log groups, the link secret. */
  removalPolicy: RemovalPolicy;
  /** Buckets emptied (every version) by CDK's auto-delete custom resource before they are deleted. */
  autoDeleteObjects: boolean;
  /** DynamoDB deletion protection: the table cannot be deleted until it is switched off. */
  tableDeletionProtection: boolean;
  /** How long the functions' and the API's log groups keep events. */
  logRetention: RetentionDays;
}

export const STAGE_POLICIES: Record<Stage, StagePolicy> = {
  prod: { removalPolicy: RemovalPolicy.RETAIN, autoDeleteObjects: false, tableDeletionProtection: true, logRetention: RetentionDays.ONE_YEAR },
  dev: { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true, tableDeletionProtection: false, logRetention: RetentionDays.TWO_WEEKS },
};

/**
 * Where a construct learns its stage: ThreeBatchesStack sets the validated `settings.stage` as this
 * context key on itself before creating anything, and every construct below inherits it.
 */
export const STAGE_CONTEXT = 'three-batches:stage';

/** The stage policy of the stack `scope` is in; `prod` (keep everything) outside a ThreeBatchesStack. */
export function stagePolicy(scope: IConstruct): StagePolicy {
  const stage = scope.node.tryGetContext(STAGE_CONTEXT) as unknown;
  if (stage === undefined) return STAGE_POLICIES.prod;
  if (!(STAGES as readonly unknown[]).includes(stage)) throw new Error(`${STAGE_CONTEXT}: ${String(stage)} is not a stage (expected ${STAGES.join(' or ')})`);
  return STAGE_POLICIES[stage as Stage];
}

/**
 * A log group of the stack (the functions' logs and the API's access logs): a year and retained in
 * prod, two weeks and deleted with the stack in dev.
 */
export function stageLogGroup(scope: Construct, id: string): LogGroup {
  const { logRetention, removalPolicy } = stagePolicy(scope);
  return new LogGroup(scope, id, { retention: logRetention, removalPolicy });
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
