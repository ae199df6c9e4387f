/**
 * 催报 and receipt mails in the template (issue 12): the reminder schedule (cron on the days that
 * can be reminder days, at `reminders.hour`, Asia/Shanghai, invoking report with `{remind:true}`
 * and the due time), and ingest's right to mail receipts — only when it has anyone to mail (config
 * `contacts`, `reminders.receiptMail`), through the deploy's transport, nothing more. Synthesized
 * without bundling, as mail.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/adapters/env';
import { type Config, parseConfig } from '../../functions/core/shared/config';
import { SesMail, SmtpMail } from '../../infra/mail';
import { LAMBDA_TEMPLATES_DIR } from '../../infra/bundling';
import { loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';

type Resource = { Type: string; Properties?: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

const CONTACTS = { '411102': ['yuanhui@example.gov.cn'], '411100': ['luohe@example.gov.cn'] };

function synth(context: Record<string, unknown>, config: (base: Config) => Config) {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-remind-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const settings = resolveSettings((k) => app.node.tryGetContext(k));
  const stack = new ThreeBatchesStack(app, 'RemindVariant', { settings, config: config(loadPipelineConfig(settings.configFile)) });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as { logicalId: string }).logicalId) as string;
  const roleOf = (fn: { role?: unknown }) => id(fn.role as never);
  const statementsOf = (roleId: string) =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties!.Roles as Array<{ Ref: string }>).some((x) => x.Ref === roleId))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as Statement[])
      .map((s) => ({ ...s, actions: Array.isArray(s.Action) ? s.Action : [s.Action], resources: Array.isArray(s.Resource) ? s.Resource : [s.Resource] }));
  const envOf = (fn: { node: { defaultChild?: unknown } }) => resources[id(fn)]!.Properties!.Environment.Variables as Record<string, unknown>;
  const mailGrants = (fn: { role?: unknown }) => statementsOf(roleOf(fn)).filter((s) => s.actions.some((a) => a.startsWith('ses:') || a.startsWith('secretsmanager:')));
  return { stack, resources, nag, id, roleOf, statementsOf, envOf, mailGrants };
}
type Variant = ReturnType<typeof synth>;
const nagFindings = (v: Variant) => v.nag.violations.map((x) => x.ruleName);

/** Four variants, each synthesized once: SES with contacts; SMTP with another deadline and days; everything off; the repository's config. */
let v: Variant;
let smtp: Variant;
let off: Variant;
let plain: Variant;
// One synth per hook: each blocks the worker for a while, and vitest's RPC must get a turn between them.
beforeAll(() => {
  v = synth({}, (c) => parseConfig({ ...c, contacts: CONTACTS }));
}, 300_000);
beforeAll(() => {
  smtp = synth({ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', port: 465, secure: true } }, (c) =>
    parseConfig({ ...c, contacts: CONTACTS, deadline: { dayOfNextMonth: 10 }, reminders: { daysBefore: [5, 2], hour: 8 } }),
  );
}, 300_000);
beforeAll(() => {
  off = synth({}, (c) => parseConfig({ ...c, contacts: CONTACTS, reminders: { daysBefore: [], receiptMail: false } }));
}, 300_000);
beforeAll(() => {
  plain = synth({}, (c) => c);
}, 300_000);

describe('the reminder schedule', () => {
  it('invokes report with {remind:true} and the due time, at reminders.hour on the days that can be reminder days, Asia/Shanghai', () => {
    const schedule = v.resources[v.id(v.stack.monthly.reminders!)]!;
    // Defaults: the 3rd 18:00, 3 and 1 days before, 09:00 — the 2nd, and the last day of the month (28–31).
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 9 2,28,29,30,31 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [v.id(v.stack.functions.report), 'Arn'] },
        Input: JSON.stringify({ remind: true, scheduledTime: '<aws.scheduler.scheduled-time>' }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [v.id(v.stack.monthly.dlq), 'Arn'] } },
      },
    });
    expect(schedule.Properties!.Target.RoleArn).toEqual({ 'Fn::GetAtt': [v.id(v.stack.monthly.deliveryCheckRole), 'Arn'] });
    expect(schedule.Properties!.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    // That role may invoke report and dead-letter, nothing else.
    expect(v.statementsOf(v.id(v.stack.monthly.deliveryCheckRole)).flatMap((s) => s.actions).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });

  it('follows the configured deadline and days (all in the next month: exactly those days)', () => {
    expect(smtp.resources[smtp.id(smtp.stack.monthly.reminders!)]!.Properties!.ScheduleExpression).toBe('cron(0 8 5,8 * ? *)');
  });

  it('is not there without reminder days', () => {
    expect(off.stack.monthly.reminders).toBeNull();
    // The same stack with reminder days has exactly one schedule more: the reminders'.
    const schedules = (t: typeof v) => Object.values(t.resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule').length;
    expect(schedules(v) - schedules(off)).toBe(1);
  });
});

describe('receipt mails from ingest', () => {
  it('with SES and contacts: ingest may send as the SES identity with the configuration set, and has its templates and the portal link', () => {
    const mail = v.stack.mail as SesMail;
    expect(mail).toBeInstanceOf(SesMail);
    const grants = v.mailGrants(v.stack.functions.ingest);
    expect(grants).toHaveLength(1);
    expect([...grants[0]!.actions].sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const res = JSON.stringify(grants[0]!.resources);
    expect(res).toContain(JSON.stringify({ Ref: v.id(mail.identity) }));
    expect(res).toContain(JSON.stringify({ Ref: v.id(mail.configurationSet) }));
    expect(grants[0]!.resources).toHaveLength(2);
    const env = v.envOf(v.stack.functions.ingest);
    expect(env[ENV.sesConfigurationSet]).toEqual({ Ref: v.id(mail.configurationSet) });
    expect(env[ENV.templatesDir]).toBe(LAMBDA_TEMPLATES_DIR);
    expect(JSON.stringify(env[ENV.portalUrl])).toContain(v.id(v.stack.portal.api));
    // compute still may not mail.
    expect(v.mailGrants(v.stack.functions.compute)).toEqual([]);
    expect(nagFindings(v)).toEqual([]);
  });

  it('with SMTP and contacts: ingest reads exactly the SMTP account secret and gets the server', () => {
    const mail = smtp.stack.mail as SmtpMail;
    expect(mail).toBeInstanceOf(SmtpMail);
    const grants = smtp.mailGrants(smtp.stack.functions.ingest);
    expect(grants.map((g) => [g.actions, g.resources])).toEqual([[['secretsmanager:GetSecretValue'], [{ Ref: smtp.id(mail.secret as never) }]]]);
    expect(smtp.statementsOf(smtp.roleOf(smtp.stack.functions.ingest)).some((s) => s.actions.some((a) => a.startsWith('ses:')))).toBe(false);
    const env = smtp.envOf(smtp.stack.functions.ingest);
    expect(env).toMatchObject({ [ENV.mailTransport]: 'smtp', [ENV.smtpHost]: 'smtp.example.gov.cn', [ENV.smtpPort]: '465', [ENV.smtpSecure]: 'true' });
    expect(env[ENV.smtpSecretArn]).toEqual({ Ref: smtp.id(mail.secret as never) });
    expect(nagFindings(smtp)).toEqual([]);
  });

  it('without contacts, or with receipt mails off: ingest gets no mail grant, variable or template', () => {
    for (const w of [plain, off]) {
      expect(w.stack.functions.receiptMails).toBe(false);
      expect(w.mailGrants(w.stack.functions.ingest)).toEqual([]);
      const env = w.envOf(w.stack.functions.ingest);
      for (const name of [ENV.sesConfigurationSet, ENV.templatesDir, ENV.portalUrl, ENV.mailTransport]) expect(env[name]).toBeUndefined();
    }
  });
});
