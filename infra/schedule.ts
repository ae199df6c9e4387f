import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './resources';
import type { ScheduleSettings } from './settings';

export interface MonthlyScheduleProps {
  /**
   * Day of month, time, time zone and on/off of the run (the `schedule` context). Required; the
   * stack passes the resolved context, whose defaults are day 5, 09:00, Asia/Shanghai, enabled.
   */
  settings: ScheduleSettings;
  /** The function to invoke, with `{}`: compute (its on-success destination runs the report). Required. */
  target: IFunction;
}

/**
 * EventBridge Scheduler: once a month on the configured day and time (Asia/Shanghai by default),
 * invoke compute with `{}` (compute then defaults to the previous month).
 */
export class MonthlySchedule extends Construct {
  readonly schedule: Schedule;
  /** Invocations the scheduler could not deliver after its retries. */
  readonly dlq: Queue;
  /** Role the scheduler assumes to invoke compute and to dead-letter. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: MonthlyScheduleProps) {
    super(scope, id);
    const s = props.settings;
    this.dlq = deadLetterQueue(this, 'Dlq');
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'three-batches monthly schedule: invoke compute',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `three-batches monthly run: day ${s.dayOfMonth} ${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')} ${s.timezone}`,
      schedule: ScheduleExpression.cron({
        minute: String(s.minute),
        hour: String(s.hour),
        day: String(s.dayOfMonth),
        timeZone: TimeZone.of(s.timezone),
      }),
      timeWindow: TimeWindow.off(),
      enabled: s.enabled,
      target: new LambdaInvoke(props.target, {
        role: this.role,
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.dlq,
      }),
    });
  }
}
