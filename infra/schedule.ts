import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_CHECK, type DeliveryCheckEvent } from '../functions/core/delivery/delivery-check';
import { deadLetterQueue } from './resources';
import type { ComputeEvent } from '../functions/compute/compute-rates';
import type { DeadlineConfig } from '../functions/core/shared/deadline';
import { reminderCronDays } from '../functions/core/delivery/reminders';
import type { Config } from '../functions/core/shared/config';
import type { RemindEvent } from '../functions/report/remind';
import { deliveryCheckTime, type ScheduleSettings } from './settings';

export interface MonthlyScheduleProps {
  /**
   * Day of month, time, time zone and on/off of the run (the `schedule` context). Required; the
   * stack passes the resolved context, whose defaults are day 5, 09:00, Asia/Shanghai, enabled.
   */
  settings: ScheduleSettings;
  /** The function to invoke, with `{}`: compute (its on-success destination runs the report). Required. */
  target: IFunction;
  /** The function the delivery check invokes, with `DELIVERY_CHECK_INPUT`: report. Required. */
  deliveryCheckTarget: IFunction;
  /** 报送截止时间 (config `deadline`): the lock runs then. Required. */
  deadline: DeadlineConfig;
  /** 催报 (config `reminders`): on the reminder days at `hour`, report is invoked with `REMIND_INPUT`. Required. */
  reminders: Config['reminders'];
}

/** The monthly run publishes the month before (compute locks it first if the deadline's lock did not run). */
export const PUBLISH_INPUT: ComputeEvent = { action: 'publish', actor: { kind: 'schedule', id: 'monthly-run' } };
/** At the deadline the month before is locked: later uploads are corrections. */
export const LOCK_INPUT: ComputeEvent = { action: 'lock', actor: { kind: 'schedule', id: 'deadline-lock' } };

/**
 * The delivery check's event (core/delivery/delivery-check.ts): `scheduledTime` is filled in by
 * EventBridge Scheduler with the time the schedule was due, so a retry checks the same month.
 */
export const DELIVERY_CHECK_INPUT: DeliveryCheckEvent = { check: DELIVERY_CHECK, scheduledTime: ContextAttribute.scheduledTime };

/**
 * The reminder schedule's event (functions/report/remind.ts): the report function works out the
 * month and whether the day is a reminder day from `scheduledTime` (the time the schedule was
 * due), so a retry after midnight still reminds for its own day, once (send-once per day).
 */
export const REMIND_INPUT: RemindEvent = { remind: true, scheduledTime: ContextAttribute.scheduledTime };

const hhmm = (hour: number, minute: number) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/**
 * EventBridge Scheduler: once a month on the configured day and time (Asia/Shanghai by default),
 * invoke compute with `{}` (compute then defaults to the previous month). `checkAfterHours` later
 * (default 6), the delivery check invokes report with `DELIVERY_CHECK_INPUT`; report answers with
 * the `ReportMissing` metric, which Monitoring alarms on (docs/architecture.md, "The delivery check").
 *
 * Why a second schedule rather than an alarm on `ReportDelivered` missing: a CloudWatch alarm
 * looks back a day at most, so "no delivery this month by day 5 15:00" is not an alarm one can
 * write; a check at that time that says 1 or 0 is, and the template shows when it runs.
 */
export class MonthlySchedule extends Construct {
  readonly schedule: Schedule;
  /** The delivery check: report invoked with `DELIVERY_CHECK_INPUT`, `checkAfterHours` after the run. */
  readonly deliveryCheck: Schedule;
  /** Invocations the scheduler could not deliver after its retries (the run's and the check's). */
  readonly dlq: Queue;
  /** Role the scheduler assumes to invoke compute and to dead-letter. */
  readonly role: Role;
  /** Role the scheduler assumes to invoke report (the check) and to dead-letter. */
  readonly deliveryCheckRole: Role;
  /** The lock at the deadline: compute invoked with `LOCK_INPUT` (same role and DLQ as the run). */
  readonly lock: Schedule;
  /** 催报: report invoked with `REMIND_INPUT` on the reminder days (the check's role, the same DLQ); null without reminder days. */
  readonly reminders: Schedule | null;

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
      description: `three-batches monthly run: day ${s.dayOfMonth} ${hhmm(s.hour, s.minute)} ${s.timezone}`,
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
        input: ScheduleTargetInput.fromObject(PUBLISH_INPUT),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.dlq,
      }),
    });

    // ---- the lock at the deadline: the day of the next month, Asia/Shanghai as the deadline is ----
    const d = props.deadline;
    this.lock = new Schedule(this, 'Lock', {
      description: `three-batches lock at the deadline: day ${d.dayOfNextMonth} ${hhmm(d.hour, d.minute)} Asia/Shanghai`,
      schedule: ScheduleExpression.cron({
        minute: String(d.minute),
        hour: String(d.hour),
        day: String(d.dayOfNextMonth),
        timeZone: TimeZone.of('Asia/Shanghai'),
      }),
      timeWindow: TimeWindow.off(),
      enabled: s.enabled,
      target: new LambdaInvoke(props.target, {
        role: this.role,
        input: ScheduleTargetInput.fromObject(LOCK_INPUT),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.dlq,
      }),
    });

    // ---- the delivery check: checkAfterHours later, ask report whether the month went out ----
    const check = deliveryCheckTime(s);
    this.deliveryCheckRole = new Role(this, 'DeliveryCheckRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'three-batches delivery check and reminders: invoke report',
    });
    this.deliveryCheck = new Schedule(this, 'DeliveryCheck', {
      description: `three-batches delivery check: day ${check.dayOfMonth} ${hhmm(check.hour, check.minute)} ${s.timezone} (${s.checkAfterHours} h after the run)`,
      schedule: ScheduleExpression.cron({
        minute: String(check.minute),
        hour: String(check.hour),
        day: String(check.dayOfMonth),
        timeZone: TimeZone.of(s.timezone),
      }),
      timeWindow: TimeWindow.off(),
      // No run, nothing to check.
      enabled: s.enabled,
      target: new LambdaInvoke(props.deliveryCheckTarget, {
        role: this.deliveryCheckRole,
        input: ScheduleTargetInput.fromObject(DELIVERY_CHECK_INPUT),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.dlq,
      }),
    });

    // ---- 催报: on the days that can be reminder days, at reminders.hour, Asia/Shanghai as the deadline ----
    const days = reminderCronDays({ deadline: d, reminders: props.reminders });
    this.reminders = days.length
      ? new Schedule(this, 'Reminders', {
          description: `three-batches reminders (催报): days ${days.join(',')} ${hhmm(props.reminders.hour, 0)} Asia/Shanghai (${props.reminders.daysBefore.join(', ')} days before the deadline; other days do nothing)`,
          schedule: ScheduleExpression.cron({ minute: '0', hour: String(props.reminders.hour), day: days.join(','), timeZone: TimeZone.of('Asia/Shanghai') }),
          timeWindow: TimeWindow.off(),
          enabled: s.enabled,
          target: new LambdaInvoke(props.deliveryCheckTarget, {
            role: this.deliveryCheckRole,
            input: ScheduleTargetInput.fromObject(REMIND_INPUT),
            retryAttempts: 3,
            maxEventAge: Duration.hours(2),
            deadLetterQueue: this.dlq,
          }),
        })
      : null;
  }
}
