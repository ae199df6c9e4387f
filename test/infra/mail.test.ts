import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/adapters/env';
import { SesMail, SmtpMail } from '../../infra/mail';
import { loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';

/**
 * The mail transport chosen at deploy (issue 11): `mailTransport=ses` (cdk.json's) or `smtp`, and
 * what each grants the report function. Synthesized without bundling (the code is the same in
 * both; stack.test.ts checks the bundles), each variant also through cdk-nag.
 */

type Resource = { Type: string; Properties?: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

const SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:three-batches/smtp-AbC123';

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-mail-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const settings = resolveSettings((k) => app.node.tryGetContext(k));
  const stack = new ThreeBatchesStack(app, 'MailVariant', { settings, config: loadPipelineConfig(settings.configFile) });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const nag: PolicyValidationPluginReport = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as { logicalId: string }).logicalId) as string;
  const roleOf = (fn: { role?: unknown }) => id(fn.role as never);
  /** Every statement of every inline policy, with the roles it is attached to. */
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) =>
      (p.Properties!.PolicyDocument.Statement as Statement[]).map((s) => ({
        ...s,
        actions: Array.isArray(s.Action) ? s.Action : [s.Action],
        resources: Array.isArray(s.Resource) ? s.Resource : [s.Resource],
        roles: (p.Properties!.Roles as Array<{ Ref: string }>).map((r) => r.Ref),
      })),
    );
  const reportEnv = () => resources[id(stack.functions.report)]!.Properties!.Environment.Variables as Record<string, unknown>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  return { stack, template, resources, nag, id, roleOf, statements, reportEnv, ofType, outputs };
}

type Variant = ReturnType<typeof synth>;
const sesGrants = (v: Variant) => v.statements.filter((s) => s.actions.some((a) => a.startsWith('ses:')));
const secretGrants = (v: Variant) => v.statements.filter((s) => s.actions.some((a) => a.startsWith('secretsmanager:')));
const nagFindings = (v: Variant) =>
  v.nag.violations.map((x) => `${x.ruleName} @ ${x.violatingResources.map((r) => (r as { constructPath?: string }).constructPath).join(', ')}`);

describe('mailTransport=ses (the default)', () => {
  let v: Variant;
  beforeAll(() => {
    v = synth({});
  });

  it('has the SES identity and configuration set, and report alone may send as them', () => {
    const mail = v.stack.mail;
    expect(mail).toBeInstanceOf(SesMail);
    if (!(mail instanceof SesMail)) return;
    expect(v.ofType('AWS::SES::EmailIdentity')).toHaveLength(1);
    expect(v.ofType('AWS::SES::ConfigurationSet')).toHaveLength(1);
    // The bulletin (report) and the county's review mail (the portal), through the same identity.
    const grants = sesGrants(v);
    expect(grants.flatMap((g) => g.roles).sort()).toEqual([v.roleOf(v.stack.functions.report), v.roleOf(v.stack.portal.handler)].sort());
    for (const g of grants) {
      expect([...g.actions].sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      const res = JSON.stringify(g.resources);
      expect(res).toContain(':identity/');
      expect(res).toContain(JSON.stringify({ Ref: v.id(mail.identity) }));
      expect(res).toContain(':configuration-set/');
      expect(res).toContain(JSON.stringify({ Ref: v.id(mail.configurationSet) }));
    }
  });

  it('reads no secret for mail: the only secret report reads is the link-signing key', () => {
    expect(v.ofType('AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([v.id(v.stack.downloadLinks.secret)]);
    const forReport = secretGrants(v).filter((s) => s.roles.includes(v.roleOf(v.stack.functions.report)));
    expect(forReport.flatMap((s) => s.resources)).toEqual([{ Ref: v.id(v.stack.downloadLinks.secret) }]);
  });

  it('sets the configuration set and no SMTP variable; outputs the DKIM records', () => {
    const env = v.reportEnv();
    expect(env[ENV.sesConfigurationSet]).toBeDefined();
    for (const name of [ENV.mailTransport, ENV.smtpHost, ENV.smtpPort, ENV.smtpSecure, ENV.smtpSecretArn, ENV.smtpUrl]) expect(env[name]).toBeUndefined();
    expect(Object.keys(v.outputs).filter((k) => k.startsWith('SesDkimRecord'))).toHaveLength(3);
    expect(v.outputs.SesConfigurationSetName).toBeDefined();
    expect(Object.keys(v.outputs).filter((k) => k.startsWith('Smtp'))).toEqual([]);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(v)).toEqual([]);
  });
});

describe('mailTransport=smtp, the stack creating the account secret', () => {
  let v: Variant;
  beforeAll(() => {
    v = synth({ mailTransport: 'smtp', smtp: '{"host":"smtp.example.gov.cn","port":465,"secure":true}' });
  });
  const smtp = () => v.stack.mail as SmtpMail;

  it('creates no SES resource, and no role may use SES', () => {
    expect(v.stack.mail).toBeInstanceOf(SmtpMail);
    expect(Object.values(v.resources).filter((r) => r.Type.startsWith('AWS::SES::'))).toEqual([]);
    expect(sesGrants(v)).toEqual([]);
    expect(JSON.stringify(v.template.toJSON())).not.toMatch(/"ses:/);
  });

  it('creates the account secret as a placeholder for ops (an empty username, nothing in the template)', () => {
    expect(smtp().secretCreated).toBe(true);
    const secretId = v.id(smtp().secret as never);
    const secret = v.resources[secretId]!;
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties!.GenerateSecretString).toMatchObject({ SecretStringTemplate: '{"username":""}', GenerateStringKey: 'password' });
    expect(secret.Properties!.SecretString).toBeUndefined();
  });

  it('grants report secretsmanager:GetSecretValue on exactly that secret (and the link key), nothing else about mail', () => {
    const secretId = v.id(smtp().secret as never);
    const read = secretGrants(v).filter((s) => JSON.stringify(s.resources) === JSON.stringify([{ Ref: secretId }]));
    // report (the bulletin) and the portal (the review mail)
    expect(read.flatMap((s) => s.roles).sort()).toEqual([v.roleOf(v.stack.functions.report), v.roleOf(v.stack.portal.handler)].sort());
    for (const s of read) expect(s).toMatchObject({ Sid: 'ReadSmtpAccount', Effect: 'Allow', actions: ['secretsmanager:GetSecretValue'] });
    const forReport = secretGrants(v).filter((s) => s.roles.includes(v.roleOf(v.stack.functions.report)));
    expect(new Set(forReport.flatMap((s) => s.resources).map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ Ref: secretId }), JSON.stringify({ Ref: v.id(v.stack.downloadLinks.secret) })]),
    );
    // No other function may read it.
    const readers = secretGrants(v).filter((s) => JSON.stringify(s.resources).includes(secretId)).flatMap((s) => s.roles);
    expect(readers.sort()).toEqual([v.roleOf(v.stack.functions.report), v.roleOf(v.stack.portal.handler)].sort());
  });

  it('gives report the server and the secret ARN, and no SES variable', () => {
    const env = v.reportEnv();
    expect(env).toMatchObject({
      [ENV.mailTransport]: 'smtp',
      [ENV.smtpHost]: 'smtp.example.gov.cn',
      [ENV.smtpPort]: '465',
      [ENV.smtpSecure]: 'true',
      [ENV.smtpSecretArn]: { Ref: v.id(smtp().secret as never) },
    });
    expect(env[ENV.sesConfigurationSet]).toBeUndefined();
    expect(env[ENV.smtpUrl]).toBeUndefined();
    expect(v.resources[v.id(v.stack.functions.report)]!.Properties!.Description).toMatch(/\(SMTP\)$/);
  });

  it('outputs the server and where the account goes, and no DKIM record', () => {
    expect(Object.keys(v.outputs).filter((k) => k.startsWith('Ses'))).toEqual([]);
    expect(v.outputs.SmtpServer!.Value).toBe('smtp.example.gov.cn:465');
    expect(v.outputs.SmtpAccountSecretArn!.Value).toEqual({ Ref: v.id(smtp().secret as never) });
  });

  it('keeps every other logical id of the SES stack', () => {
    const ses = synth({});
    const sesOnly = Object.keys(ses.resources).filter((k) => !(k in v.resources));
    const smtpOnly = Object.keys(v.resources).filter((k) => !(k in ses.resources));
    expect(sesOnly.map((k) => ses.resources[k]!.Type).sort()).toEqual(['AWS::SES::ConfigurationSet', 'AWS::SES::EmailIdentity']);
    expect(smtpOnly.map((k) => v.resources[k]!.Type)).toEqual(['AWS::SecretsManager::Secret']);
  });

  it('is cdk-nag clean (the secret’s rotation acknowledged with its reason)', () => {
    expect(nagFindings(v)).toEqual([]);
  });
});

describe('mailTransport=smtp with an existing secret (smtp.secretArn)', () => {
  let v: Variant;
  beforeAll(() => {
    v = synth({ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', secure: false, secretArn: SECRET_ARN } });
  });

  it('creates no secret for mail and grants GetSecretValue on that ARN only', () => {
    expect((v.stack.mail as SmtpMail).secretCreated).toBe(false);
    expect(v.ofType('AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([v.id(v.stack.downloadLinks.secret)]);
    const read = secretGrants(v).filter((s) => JSON.stringify(s.resources).includes('three-batches/smtp'));
    expect(read.flatMap((s) => s.roles).sort()).toEqual([v.roleOf(v.stack.functions.report), v.roleOf(v.stack.portal.handler)].sort());
    for (const s of read) expect(s).toMatchObject({ actions: ['secretsmanager:GetSecretValue'], resources: [SECRET_ARN] });
    expect(sesGrants(v)).toEqual([]);
  });

  it('STARTTLS on 587 by default when not secure; the ARN in the environment and the output', () => {
    expect(v.reportEnv()).toMatchObject({ [ENV.smtpPort]: '587', [ENV.smtpSecure]: 'false', [ENV.smtpSecretArn]: SECRET_ARN });
    expect(v.outputs.SmtpAccountSecretArn!.Value).toBe(SECRET_ARN);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(v)).toEqual([]);
  });
});
