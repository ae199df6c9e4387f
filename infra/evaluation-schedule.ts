import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIX } from '../functions/core/shared/storage-keys';
import type { EvaluateEvent } from '../functions/evaluate/evaluate-year';
import { ack, logicalId, objectWildcard } from './nag-ack';
import { objectsArn } from './resources';

export interface EvaluationScheduleProps {
  /** The report function (it has Chromium and the templates): invoked with `EVALUATE_INPUT`. Required. */
  report: IFunction;
  /** The curated bucket: the evaluation reads each month's `ledger-arrow/month=…/ledger.arrow`. Required. */
  curated: IBucket;
  /** Where undeliverable invocations go (the monthly schedule's DLQ). Required. */
  dlq: IQueue;
  /** On with the monthly schedule (`schedule.enabled`). Default true. */
  enabled?: boolean;
}

/**
 * The year's evaluation: no year, so the function takes the year of the month before the time
 * the schedule was due (core: `yearOf`) — on 10 January, the year just ended. `scheduledTime`
 * is the due time, so a retry evaluates the same year.
 */
export const EVALUATE_INPUT: EvaluateEvent = { evaluate: { scheduledTime: ContextAttribute.scheduledTime } };

/** 10 January, 09:00 Asia/Shanghai: after the monthly run (day 5 by default) has published December. */
export const EVALUATION_CRON = { minute: '0', hour: '9', day: '10', month: '1' } as const;

/**
 * EventBridge Scheduler: once a year, invoke the report function with `EVALUATE_INPUT`
 * (docs/metrics.md, "年度考评"); and the report function's one extra grant, reading the curated
 * month copies (it already reads and writes the reports bucket, where evaluation.json goes).
 */
export class EvaluationSchedule extends Construct {
  readonly schedule: Schedule;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: EvaluationScheduleProps) {
    super(scope, id);
    const { report, curated } = props;
    report.addToRolePolicy(
      new PolicyStatement({ sid: 'ReadCuratedMonths', actions: ['s3:GetObject'], resources: [objectsArn(curated, PREFIX.curatedArrow)] }),
    );
    // Without ListBucket, a HEAD of a month with no copy answers 403, not 404: the month would fail instead of being skipped.
    report.addToRolePolicy(new PolicyStatement({ sid: 'ListCurated', actions: ['s3:ListBucket'], resources: [curated.bucketArn] }));
    if (report.role) {
      ack(report.role, objectWildcard(curated, PREFIX.curatedArrow), `Object-level read of the curated bucket's ${PREFIX.curatedArrow} prefix (one columnar copy per month, keys not known in advance).`);
    }

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: "three-batches year's evaluation: invoke report",
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: "three-batches year's evaluation (年度考评): 10 January 09:00 Asia/Shanghai, the year just ended",
      schedule: ScheduleExpression.cron({ ...EVALUATION_CRON, timeZone: TimeZone.of('Asia/Shanghai') }),
      timeWindow: TimeWindow.off(),
      enabled: props.enabled ?? true,
      target: new LambdaInvoke(report, {
        role: this.role,
        input: ScheduleTargetInput.fromObject(EVALUATE_INPUT),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: props.dlq,
      }),
    });
    ack(this.role, `AwsSolutions-IAM5[Resource::<${logicalId(report)}.Arn>:*]`, 'lambda:InvokeFunction on the report function ARN and its qualified ARNs (versions/aliases) only; no other function.');
  }
}
