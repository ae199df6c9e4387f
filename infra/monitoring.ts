import { Aws, CfnCondition, Duration, Fn, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRIC_NAMESPACE, METRIC_SERVICE, type MetricName, SERVICE_DIMENSION } from '../functions/core/shared/metric-names';

/**
 * Plain aws-cdk-lib/aws-cloudwatch, not cdk-monitoring-constructs (10.2.0 installs and accepts
 * aws-cdk-lib 2.275.0): it has no SES and no EventBridge Scheduler monitoring, so the reputation
 * and delivery-check alarms would be written by hand anyway; it names and nests alarms its own
 * way, while the alarms deployed before it must keep their logical IDs (and history); and what
 * it would save here is a dozen `new Alarm` lines, against one more jsii dependency to move in
 * step with aws-cdk-lib.
 */

/** Uploads waiting longer than this raise `UploadQueueAge` (ingest takes seconds; a retry waits 12 min). */
export const UPLOAD_QUEUE_MAX_AGE = Duration.minutes(15);
/** A function whose longest invocation in 5 minutes passes this share of its timeout raises `{name}NearTimeout`. */
export const NEAR_TIMEOUT = 0.8;
/**
 * SES reputation (account level, ratios): the rates at which SES puts an account under review
 * (bounces 5 %, complaints 0.1 %); above 10 % and 0.5 % it may stop the account sending.
 */
export const SES_MAX_BOUNCE_RATE = 0.05;
export const SES_MAX_COMPLAINT_RATE = 0.001;

/** Lambda's own default, for a function given without a timeout. */
const LAMBDA_DEFAULT_TIMEOUT = Duration.seconds(3);
const FIVE_MINUTES = Duration.minutes(5);

/** A function to watch; `timeout` as set on it (a CDK `Function` has it). */
export type MonitoredFunction = IFunction & { readonly timeout?: Duration };

export interface MonitoringProps {
  /**
   * Queues that must stay empty (dead letters, failed async invocations), by alarm name part: the
   * alarm is `{name}Depth` in this construct (its logical ID, so renaming one replaces the alarm). Required.
   */
  queues: Record<string, IQueue>;
  /**
   * Functions to watch, by alarm name part (as for `queues`): `{name}Errors`, `{name}Throttles` and
   * `{name}NearTimeout` (longest invocation above `NEAR_TIMEOUT` of the function's timeout). Required.
   */
  functions: Record<string, MonitoredFunction>;
  /** The queue ingest reads (S3 notifications): its oldest message's age raises `UploadQueueAge`. Required. */
  uploadQueue: IQueue;
  /** The portal's HTTP API: its 5xx responses raise `PortalApi5xx`; requests, 4xx and latency are graphed. Required. */
  api: IHttpApi;
  /** Address subscribed to the alarm topic by e-mail. Default: none (the topic only). */
  alarmEmail?: string;
  /** The dashboard's name. Default: the stack's name. */
  dashboardName?: string;
}

/** One of the pipeline's own metrics (core/shared/metric-names.ts), with the dimension it is emitted with. */
export function pipelineMetric(name: MetricName, statistic: string = Stats.SUM, period: Duration = FIVE_MINUTES): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: METRIC_SERVICE[name] },
    statistic,
    period,
  });
}

/** An account-level SES metric (reputation rates, send counts), hourly. */
function sesMetric(metricName: string, statistic: string, label?: string): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic, period: Duration.hours(1), label });
}

/**
 * CloudWatch alarms → SNS topic (→ e-mail when `alarmEmail` is set), and one dashboard. The
 * functions' error alarms are made here rather than in PipelineFunction: they were always children
 * of this construct, and made anywhere else they would get new logical IDs (new alarms, lost history).
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  /** The dashboard in the CloudWatch console of the stack's region (and partition). */
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'three-batches alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    /** An alarm when `metric` is above `threshold` (default 0) in one period; no data is fine. */
    const alarm = (name: string, metric: IMetric, description: string, threshold = 0) => {
      const a = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    // ---- the alarms deployed first (logical IDs unchanged) ----
    for (const [name, queue] of Object.entries(props.queues)) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM }),
        `${name}: messages waiting in ${name} (failed work that needs an operator).`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        `${name} function: invocation errors in the last 5 minutes.`,
      );
    }

    // ---- ingest: slow or failing uploads, before they reach the DLQ ----
    alarm(
      'UploadQueueAge',
      props.uploadQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM }),
      `Upload queue: an upload has waited more than ${UPLOAD_QUEUE_MAX_AGE.toMinutes()} minutes for ingest. ` +
        'Look at the Ingest function (errors, throttles, its log) and the IngestBatchItemFailures alarm; a file that keeps failing reaches the upload DLQ after 5 tries.',
      UPLOAD_QUEUE_MAX_AGE.toSeconds(),
    );
    alarm(
      'IngestBatchItemFailures',
      pipelineMetric(METRIC.IngestBatchItemFailures),
      'Ingest: an upload failed (an SQS batch item failure: no receipt was written). SQS retries it up to 5 times, then it goes to the upload DLQ. ' +
        "Read the Ingest function's log for the error; fix the cause, or ask the county to upload again.",
    );

    // ---- every function: throttled, or close to its timeout ----
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        `${name} function: invocations throttled in the last 5 minutes (the account's or the function's concurrency is used up). ` +
          'Check the Lambda concurrency quota of the account; an async or queued invocation is retried, a portal request fails.',
      );
      const timeout = fn.timeout ?? LAMBDA_DEFAULT_TIMEOUT;
      const limitMs = Math.round(timeout.toMilliseconds() * NEAR_TIMEOUT);
      alarm(
        `${name}NearTimeout`,
        fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM }),
        `${name} function: an invocation ran longer than ${Math.round(NEAR_TIMEOUT * 100)}% of its timeout (${timeout.toHumanString()}). ` +
          'The next larger input may time out: find the slow invocation in its log, then raise the timeout or memory in infra/.',
        limitMs,
      );
    }

    // ---- the portal ----
    alarm(
      'PortalApi5xx',
      props.api.metricServerError({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      'Portal API: 5xx responses in the last 5 minutes (clerks could not load the page, sign an upload or read a receipt). ' +
        "Read the portal's access log (status, integrationError) and the Portal function's log.",
    );

    // ---- SES reputation (the account's; the configuration set publishes them) ----
    alarm(
      'SesBounceRate',
      sesMetric('Reputation.BounceRate', Stats.MAXIMUM),
      `SES: the account's bounce rate is above ${SES_MAX_BOUNCE_RATE * 100}% (SES reviews the account; at 10% it may stop sending). ` +
        'Remove or correct bouncing addresses in mail.province / mail.cities (the send log names failed recipients) before the next bulletin.',
      SES_MAX_BOUNCE_RATE,
    );
    alarm(
      'SesComplaintRate',
      sesMetric('Reputation.ComplaintRate', Stats.MAXIMUM),
      `SES: the account's complaint rate is above ${SES_MAX_COMPLAINT_RATE * 100}% (SES reviews the account; at 0.5% it may stop sending). ` +
        'Find who marked the bulletin as spam and take them off the recipient lists, or ask their mail administrator to allow the sender.',
      SES_MAX_COMPLAINT_RATE,
    );

    // ---- the delivery check (infra/schedule.ts, DeliveryCheck) ----
    alarm(
      'ReportMissing',
      pipelineMetric(METRIC.ReportMissing, Stats.MAXIMUM, Duration.hours(1)),
      "Report: the delivery check found the reporting month's bulletin not delivered to every recipient (its log lists them). " +
        'Look at the Compute and Report alarms and logs and the async failure queue; then rerun the month (README, Re-running a month).',
    );

    // ---- the dashboard ----
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? Stack.of(this).stackName,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(...this.widgets(props));

    const inChina = new CfnCondition(this, 'InChina', { expression: Fn.conditionEquals(Aws.PARTITION, 'aws-cn') });
    this.dashboardUrl = Fn.join('', [
      'https://',
      Aws.REGION,
      '.',
      Fn.conditionIf(inChina.logicalId, 'console.amazonaws.cn', 'console.aws.amazon.com').toString(),
      '/cloudwatch/home?region=',
      Aws.REGION,
      '#dashboards:name=',
      this.dashboard.dashboardName,
    ]);
  }

  private widgets(props: MonitoringProps): IWidget[] {
    const hourly = (name: MetricName, statistic: string = Stats.SUM) => pipelineMetric(name, statistic, Duration.hours(1));
    const fns = Object.entries(props.functions);
    const graph = (title: string, left: IMetric[], width: number, more: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}) =>
      new GraphWidget({ title, left, width, height: 6, ...more });
    const section = (markdown: string) => new TextWidget({ markdown, width: 24, height: 1 });

    return [
      new TextWidget({
        markdown:
          '# three-batches\nUploads → ingest → compute → report → mail; compute → export (the analysts\' copy). What each alarm means and what to do: README, "Watch". ' +
          `Pipeline metrics: namespace \`${METRIC_NAMESPACE}\`, dimension \`${SERVICE_DIMENSION}\`.`,
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),

      section('## Uploads and ingest'),
      graph('Uploads (per hour)', [hourly(METRIC.UploadsAccepted), hourly(METRIC.UploadsRejected), hourly(METRIC.UploadsFailed)], 8),
      graph('Rows ingested (per hour)', [hourly(METRIC.RowsIngested)], 8),
      graph('Ingest batch item failures', [pipelineMetric(METRIC.IngestBatchItemFailures)], 8),
      graph('Receipt mails (per hour)', [hourly(METRIC.ReceiptMailsSent), hourly(METRIC.ReceiptMailsFailed)], 8),
      graph(
        'Upload queue: depth and oldest message',
        [
          props.uploadQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM, label: 'visible' }),
          props.uploadQueue.metricApproximateNumberOfMessagesNotVisible({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM, label: 'in flight' }),
        ],
        12,
        {
          right: [props.uploadQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM, label: 'oldest (s)' })],
          rightAnnotations: [{ value: UPLOAD_QUEUE_MAX_AGE.toSeconds(), label: 'alarm' }],
        },
      ),
      graph(
        'Dead-letter queues (must stay empty)',
        Object.entries(props.queues).map(([name, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM, label: name }),
        ),
        12,
      ),

      section('## Functions'),
      graph('Errors', fns.map(([name, fn]) => fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM, label: name })), 12),
      graph('Throttles', fns.map(([name, fn]) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM, label: name })), 12),
      ...fns.map(([name, fn]) => {
        const timeoutMs = (fn.timeout ?? LAMBDA_DEFAULT_TIMEOUT).toMilliseconds();
        return graph(
          `${name} duration (ms)`,
          [
            fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.p(99), label: 'p99' }),
            fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.MAXIMUM, label: 'max' }),
          ],
          6,
          {
            leftAnnotations: [
              { value: Math.round(timeoutMs * NEAR_TIMEOUT), label: 'alarm' },
              { value: timeoutMs, label: 'timeout' },
            ],
          },
        );
      }),

      section('## Compute, report and mail'),
      graph('Runs', [hourly(METRIC.RatesComputed), hourly(METRIC.ReportDelivered), hourly(METRIC.ReportMissing, Stats.MAXIMUM)], 8),
      graph('PDFs rendered', [hourly(METRIC.PdfsRendered)], 8, {
        right: [
          hourly(METRIC.PdfRenderSeconds, Stats.AVERAGE).with({ label: `${METRIC.PdfRenderSeconds} avg` }),
          hourly(METRIC.PdfRenderSeconds, Stats.MAXIMUM).with({ label: `${METRIC.PdfRenderSeconds} max` }),
        ],
      }),
      graph('Mails', [hourly(METRIC.MailsSent), hourly(METRIC.MailsSkipped), hourly(METRIC.MailsFailed), hourly(METRIC.MailsLinked)], 8),

      section('## Portal API'),
      graph(
        'Requests, 4xx, 5xx',
        [
          props.api.metricCount({ period: FIVE_MINUTES, statistic: Stats.SUM, label: 'requests' }),
          props.api.metricClientError({ period: FIVE_MINUTES, statistic: Stats.SUM, label: '4xx' }),
          props.api.metricServerError({ period: FIVE_MINUTES, statistic: Stats.SUM, label: '5xx' }),
        ],
        12,
      ),
      graph(
        'Latency (ms)',
        [
          props.api.metricLatency({ period: FIVE_MINUTES, statistic: Stats.p(50), label: 'p50' }),
          props.api.metricLatency({ period: FIVE_MINUTES, statistic: Stats.p(99), label: 'p99' }),
          props.api.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: Stats.p(99), label: 'integration p99' }),
        ],
        12,
      ),

      section('## SES'),
      graph('Reputation (account)', [sesMetric('Reputation.BounceRate', Stats.MAXIMUM, 'bounce rate'), sesMetric('Reputation.ComplaintRate', Stats.MAXIMUM, 'complaint rate')], 12, {
        leftAnnotations: [
          { value: SES_MAX_BOUNCE_RATE, label: 'bounce alarm' },
          { value: SES_MAX_COMPLAINT_RATE, label: 'complaint alarm' },
        ],
      }),
      graph(
        'Sending (account, per hour)',
        ['Send', 'Delivery', 'Bounce', 'Complaint'].map((m) => sesMetric(m, Stats.SUM, m)),
        12,
      ),
    ];
  }
}
