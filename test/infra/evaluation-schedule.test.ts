/**
 * The year's evaluation schedule (infra/evaluation-schedule.ts) in a small stack of its own (no
 * bundling): once a year, the report function with {"evaluate":{"scheduledTime":…}}, the
 * scheduler's role limited to that function, and the report role's read of the curated month copies.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { EvaluationSchedule } from '../../infra/evaluation-schedule';
import { isEvaluateEvent, yearOf } from '../../functions/evaluate/evaluate-year';

function synth(enabled?: boolean) {
  const stack = new Stack(new App(), 'EvalStack');
  const report = new LambdaFunction(stack, 'Report', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });
  const curated = new Bucket(stack, 'Curated');
  const dlq = new Queue(stack, 'Dlq');
  new EvaluationSchedule(stack, 'Evaluation', { report, curated, dlq, ...(enabled === undefined ? {} : { enabled }) });
  return { stack, template: Template.fromStack(stack), ids: { report: stack.getLogicalId(report.node.defaultChild as never), curated: stack.getLogicalId(curated.node.defaultChild as never) } };
}

describe('EvaluationSchedule', () => {
  it('invokes report on 10 January 09:00 Asia/Shanghai with the evaluate event, retrying into the DLQ', () => {
    const { template, ids } = synth();
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 10 1 ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [ids.report, 'Arn'] },
        Input: JSON.stringify({ evaluate: { scheduledTime: '<aws.scheduler.scheduled-time>' } }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
      }),
    });
    expect(synth(false).template.findResources('AWS::Scheduler::Schedule')).toSatisfy((r: Record<string, { Properties: { State: string } }>) =>
      Object.values(r).every((s) => s.Properties.State === 'DISABLED'),
    );
  });

  it("grants the report role the curated ledger-arrow/ copies (read) and the bucket listing, nothing else of it", () => {
    const { template, ids } = synth();
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: { Sid?: string; Action: string | string[]; Resource: unknown }[] } } }[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((s) => s.Sid === 'ReadCuratedMonths')!;
    expect(read.Action).toBe('s3:GetObject');
    expect(read.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.curated, 'Arn'] }, '/ledger-arrow/*']] });
    const list = statements.find((s) => s.Sid === 'ListCurated')!;
    expect(list.Action).toBe('s3:ListBucket');
    expect(list.Resource).toEqual({ 'Fn::GetAtt': [ids.curated, 'Arn'] });
    // the scheduler's role may invoke the report function only
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction')!;
    expect(JSON.stringify(invoke.Resource)).toContain(ids.report);
    expect(JSON.stringify(invoke.Resource)).not.toContain('"*"');
  });

  it('the event it sends names the year just ended in January, the year so far in December', () => {
    const jan = { evaluate: { scheduledTime: '2027-01-10T01:00:00Z' } };
    expect(isEvaluateEvent(jan)).toBe(true);
    expect(isEvaluateEvent({ month: '2026-10' })).toBe(false);
    expect(yearOf(jan, new Date('2030-01-01T00:00:00Z'))).toBe(2026);
    expect(yearOf({ evaluate: {} }, new Date('2026-12-10T01:00:00Z'))).toBe(2026);
    expect(yearOf({ evaluate: { year: 2025 } }, new Date())).toBe(2025);
    expect(() => yearOf({ evaluate: { year: 26 } }, new Date())).toThrow('年份应为 2000—2100 之间的整数：26');
    expect(() => yearOf({ evaluate: { scheduledTime: 'soon' } }, new Date())).toThrow('scheduledTime 不是有效时间：soon');
  });
});
