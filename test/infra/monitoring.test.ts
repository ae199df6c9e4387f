import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeliveryCheck } from '../../functions/core/delivery/delivery-check';
import { METRIC, METRIC_NAMESPACE, METRIC_SERVICE, type MetricName } from '../../functions/core/shared/metric-names';
import { NEAR_TIMEOUT, SES_MAX_BOUNCE_RATE, SES_MAX_COMPLAINT_RATE, UPLOAD_QUEUE_MAX_AGE } from '../../infra/monitoring';
import { deliveryCheckTime, loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';

/**
 * The alarms, the dashboard, the delivery check and the outputs of the real stack, synthesized
 * with cdk.json's context but without bundling (only the template matters here; the bundles and
 * cdk-nag over the whole stack, these resources included, are test/infra/stack.test.ts).
 */

type Resource = { Type: string; Properties: Record<string, any> };
type Widget = { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[]; annotations?: unknown } };

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

let outdir: string;
let stack: ThreeBatchesStack;
let template: Template;
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;

const logicalIdOf = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as { logicalId: string }).logicalId) as string;
const ref = (c: { node: { defaultChild?: unknown } }) => ({ Ref: logicalIdOf(c) });
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const topic = () => ref(stack.monitoring.topic);

/** The alarm made in Monitoring under `id`. */
function alarm(id: string): Record<string, any> {
  const a = stack.monitoring.alarms.find((x) => x.node.id === id);
  expect(a, `alarm ${id}`).toBeDefined();
  return resources[logicalIdOf(a!)]!.Properties;
}

/** What every alarm shares: above its threshold in one period alarms, to the topic, no data is fine. */
function expectAlarm(id: string, expected: Record<string, unknown>): void {
  const a = alarm(id);
  expect(a).toMatchObject({
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
    AlarmActions: [topic()],
    ...expected,
  });
  expect(a.AlarmDescription.length).toBeGreaterThan(40);
}

const pipelineDims = (name: MetricName) => [{ Name: 'service', Value: METRIC_SERVICE[name] }];

/**
 * The dashboard body as JSON: CloudFormation tokens inside it (`{Ref}`, `{Fn::GetAtt}`) become
 * `${Ref:Id}` and `${Id.Attr}` strings.
 */
function dashboardBody(): { widgets: Widget[] } {
  const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
  const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (p.Ref) return `\${Ref:${p.Ref}}`;
      if (p['Fn::GetAtt']) return `\${${p['Fn::GetAtt'].join('.')}}`;
      throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text);
}

/** Every metric line of the dashboard's graphs, as `namespace metric dim=value …`. */
function graphedMetrics(): string[] {
  return dashboardBody()
    .widgets.filter((w) => w.type === 'metric')
    .flatMap((w) => w.properties.metrics ?? [])
    .map((line) => {
      const parts = line.filter((x) => typeof x === 'string') as string[];
      const [ns, name, ...dims] = parts;
      const pairs: string[] = [];
      for (let i = 0; i < dims.length; i += 2) pairs.push(`${dims[i]}=${dims[i + 1]}`);
      return [ns, name, ...pairs].join(' ');
    });
}

beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-monitoring-'));
  const app = new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const settings = resolveSettings((k) => app.node.tryGetContext(k));
  stack = new ThreeBatchesStack(app, 'MonitoringTest', { settings, config: loadPipelineConfig(settings.configFile) });
  template = Template.fromStack(stack);
  const json = template.toJSON();
  resources = json.Resources;
  outputs = json.Outputs;
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('alarms', () => {
  it('keeps the logical IDs of the alarms deployed before (their history)', () => {
    const ids = stack.monitoring.alarms.map((a) => logicalIdOf(a));
    expect(ids).toEqual(
      expect.arrayContaining([
        'MonitoringUploadDlqDepth9165DCC1',
        'MonitoringSchedulerDlqDepth45161C43',
        'MonitoringAsyncFailuresDepth9DB7B677',
        'MonitoringIngestErrors73C07491',
        'MonitoringComputeErrors81E73336',
        'MonitoringReportErrors0D869600',
        'MonitoringPortalErrors4488E618',
      ]),
    );
  });

  it('sends every alarm in the stack to the topic', () => {
    const all = ofType('AWS::CloudWatch::Alarm');
    expect(all.length).toBe(stack.monitoring.alarms.length);
    for (const [, a] of all) expect(a.Properties.AlarmActions).toEqual([topic()]);
  });

  it('watches the age of the oldest upload waiting for ingest', () => {
    expectAlarm('UploadQueueAge', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack.storage.uploadQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: UPLOAD_QUEUE_MAX_AGE.toSeconds(),
    });
    expect(UPLOAD_QUEUE_MAX_AGE.toSeconds()).toBe(900);
  });

  it('alarms on the first batch item failure of ingest, not the fifth', () => {
    expectAlarm('IngestBatchItemFailures', {
      Namespace: METRIC_NAMESPACE,
      MetricName: METRIC.IngestBatchItemFailures,
      Dimensions: pipelineDims(METRIC.IngestBatchItemFailures),
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
    expect(METRIC_SERVICE.IngestBatchItemFailures).toBe('ingest');
  });

  it('alarms on throttles and on durations past 80% of the timeout, for every function', () => {
    const fns = { Ingest: stack.functions.ingest, Compute: stack.functions.compute, Export: stack.functions.export, Report: stack.functions.report, Portal: stack.portal.handler };
    for (const [name, fn] of Object.entries(fns)) {
      const dims = [{ Name: 'FunctionName', Value: ref(fn) }];
      expectAlarm(`${name}Throttles`, { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: dims, Statistic: 'Sum', Period: 300, Threshold: 0 });
      // the timeout as deployed, in seconds, from the function itself
      const timeoutSeconds = resources[logicalIdOf(fn)]!.Properties.Timeout as number;
      expect(timeoutSeconds).toBeGreaterThan(0);
      expectAlarm(`${name}NearTimeout`, {
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        Dimensions: dims,
        Statistic: 'Maximum',
        Period: 300,
        Threshold: timeoutSeconds * 1000 * NEAR_TIMEOUT,
      });
    }
    expect(NEAR_TIMEOUT).toBe(0.8);
    expect(alarm('ReportNearTimeout').Threshold).toBe(480_000);
  });

  it("alarms on the portal HTTP API's 5xx responses", () => {
    expectAlarm('PortalApi5xx', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: ref(stack.portal.api) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
  });

  it("alarms on the account's SES bounce rate above 5% and complaint rate above 0.1%", () => {
    expectAlarm('SesBounceRate', { Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Statistic: 'Maximum', Threshold: SES_MAX_BOUNCE_RATE });
    expectAlarm('SesComplaintRate', { Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Statistic: 'Maximum', Threshold: SES_MAX_COMPLAINT_RATE });
    expect([SES_MAX_BOUNCE_RATE, SES_MAX_COMPLAINT_RATE]).toEqual([0.05, 0.001]);
    // account-level: no dimension
    expect(alarm('SesBounceRate').Dimensions).toBeUndefined();
    expect(alarm('SesComplaintRate').Dimensions).toBeUndefined();
    // the configuration set publishes them
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { ReputationOptions: { ReputationMetricsEnabled: true } });
  });

  it('alarms when the delivery check reports the month missing', () => {
    expectAlarm('ReportMissing', {
      Namespace: METRIC_NAMESPACE,
      MetricName: METRIC.ReportMissing,
      Dimensions: pipelineDims(METRIC.ReportMissing),
      Statistic: 'Maximum',
      Threshold: 0,
    });
    expect(METRIC_SERVICE.ReportMissing).toBe('report');
  });
});

describe('the delivery check', () => {
  it('invokes report with {"check":"delivered"} checkAfterHours after the monthly run, with retries and the DLQ', () => {
    const s = resolveSettings((k) => cdkContext[k]).schedule;
    expect(s.checkAfterHours).toBe(6);
    const at = deliveryCheckTime(s);
    const check = resources[logicalIdOf(stack.monthly.deliveryCheck)]!.Properties;
    expect(check).toMatchObject({
      ScheduleExpression: `cron(${at.minute} ${at.hour} ${at.dayOfMonth} * ? *)`,
      ScheduleExpressionTimezone: s.timezone,
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.report), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(stack.monthly.dlq), 'Arn'] } },
        RoleArn: { 'Fn::GetAtt': [logicalIdOf(stack.monthly.deliveryCheckRole), 'Arn'] },
      },
    });
    // cdk.json: day 5 09:00 → the check at day 5 15:00
    expect(check.ScheduleExpression).toBe('cron(0 15 5 * ? *)');
    expect(check.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);

    const input = JSON.parse(check.Target.Input as string);
    expect(input).toEqual({ check: 'delivered', scheduledTime: '<aws.scheduler.scheduled-time>' });
    // the report function's own test of the event agrees, and it names no month (so it is never taken for a run)
    expect(isDeliveryCheck(input)).toBe(true);
    expect(input.month).toBeUndefined();
  });

  it("has its own role, which may invoke report and dead-letter, nothing else", () => {
    const roleId = logicalIdOf(stack.monthly.deliveryCheckRole);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction')!;
    expect(JSON.stringify(invoke.Resource)).toContain(logicalIdOf(stack.functions.report));
    expect(JSON.stringify(invoke.Resource)).not.toContain(logicalIdOf(stack.functions.compute));
  });
});

describe('the dashboard', () => {
  it('is one, named after the stack', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]![1].Properties.DashboardName).toBe('MonitoringTest');
  });

  it('graphs every pipeline metric with the dimension it is emitted with', () => {
    const lines = graphedMetrics();
    for (const name of Object.values(METRIC)) {
      expect(lines, name).toContain(`${METRIC_NAMESPACE} ${name} service=${METRIC_SERVICE[name]}`);
    }
  });

  it('graphs the upload queue (depth, age), every DLQ, the functions, the API and SES', () => {
    const lines = graphedMetrics();
    const q = (queue: { node: { defaultChild?: unknown } }) => `QueueName=\${${logicalIdOf(queue)}.QueueName}`;
    expect(lines).toEqual(
      expect.arrayContaining([
        `AWS/SQS ApproximateNumberOfMessagesVisible ${q(stack.storage.uploadQueue)}`,
        `AWS/SQS ApproximateAgeOfOldestMessage ${q(stack.storage.uploadQueue)}`,
        ...[stack.storage.uploadDlq, stack.monthly.dlq, stack.functions.asyncFailureQueue].map((d) => `AWS/SQS ApproximateNumberOfMessagesVisible ${q(d)}`),
        ...[stack.functions.ingest, stack.functions.compute, stack.functions.report, stack.portal.handler].flatMap((fn) =>
          ['Errors', 'Throttles', 'Duration'].map((m) => `AWS/Lambda ${m} FunctionName=\${Ref:${logicalIdOf(fn)}}`),
        ),
        ...['Count', '4xx', '5xx', 'Latency'].map((m) => `AWS/ApiGateway ${m} ApiId=\${Ref:${logicalIdOf(stack.portal.api)}}`),
        'AWS/SES Reputation.BounceRate',
        'AWS/SES Reputation.ComplaintRate',
      ]),
    );
  });

  it('shows the state of every alarm', () => {
    const widget = dashboardBody().widgets.find((w) => w.type === 'alarm')!;
    expect(widget.properties.alarms!.sort()).toEqual(stack.monitoring.alarms.map((a) => `\${${logicalIdOf(a)}.Arn}`).sort());
  });
});

describe('outputs', () => {
  it("gives the dashboard's console URL, from the region and the dashboard's name", () => {
    const value = JSON.stringify(outputs.DashboardUrl!.Value);
    expect(value).toContain(JSON.stringify({ Ref: 'AWS::Region' }));
    expect(value).toContain(JSON.stringify(ref(stack.monitoring.dashboard)));
    expect(value).toContain('/cloudwatch/home?region=');
    expect(value).toContain('#dashboards:name=');
    // the console of the partition (aws-cn has its own)
    expect(value).toContain('console.aws.amazon.com');
    expect(value).toContain('console.amazonaws.cn');
  });

  it('gives the URL of every dead-letter queue', () => {
    expect(outputs.UploadDlqUrl!.Value).toEqual(ref(stack.storage.uploadDlq));
    expect(outputs.SchedulerDlqUrl!.Value).toEqual(ref(stack.monthly.dlq));
    expect(outputs.AsyncFailureQueueUrl!.Value).toEqual(ref(stack.functions.asyncFailureQueue));
    // every queue but the upload queue is a dead-letter queue, and each has its output
    const dlqs = ofType('AWS::SQS::Queue').map(([id]) => id).filter((id) => id !== logicalIdOf(stack.storage.uploadQueue));
    const outputRefs = Object.values(outputs).map((o) => JSON.stringify(o.Value));
    for (const id of dlqs) expect(outputRefs, id).toContain(JSON.stringify({ Ref: id }));
  });
});
