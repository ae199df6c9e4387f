import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/**
 * How a cdk-nag finding is acknowledged: on the construct it is about, by its rule id and
 * finding, with the reason (infra/nag.ts for the stack; the portal and PipelineFunction for theirs).
 */
export function ack(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export function logicalId(construct: IConstruct): string {
  const cfn = construct.node.defaultChild as CfnElement;
  return Stack.of(construct).resolve(cfn.logicalId) as string;
}

/** The IAM5 finding id cdk-nag reports for `<bucket ARN>/<prefix>*` (`objectsArn` in infra/resources.ts). */
export function objectWildcard(bucket: IBucket, prefix: string): string {
  return `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/${prefix}*]`;
}

