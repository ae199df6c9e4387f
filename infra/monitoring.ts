import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /**
   * Queues that must stay empty (dead letters, failed async invocations), by alarm name part: the
   * alarm is `{name}Depth` in this construct (its logical ID, so renaming one replaces the alarm). Required.
   */
  queues: Record<string, IQueue>;
  /** Functions whose invocation errors raise an alarm, by alarm name part (`{name}Errors`, as for `queues`). Required. */
  functions: Record<string, IFunction>;
  /** Address subscribed to the alarm topic by e-mail. Default: none (the topic only). */
  alarmEmail?: string;
}

/**
 * CloudWatch alarms → SNS topic (→ e-mail when `alarmEmail` is set). The functions' error alarms
 * are made here rather than in PipelineFunction: they were always children of this construct, and
 * made anywhere else they would get new logical IDs (new alarms, lost history).
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'three-batches alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, metric: IMetric, description: string) => {
      const a = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };

    for (const [name, queue] of Object.entries(props.queues)) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
        `${name}: messages waiting in ${name} (failed work that needs an operator).`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        `${name} function: invocation errors in the last 5 minutes.`,
      );
    }
  }
}
