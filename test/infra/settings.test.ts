import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/shared/config';
import { collectPackageClosure } from '../../infra/chromium-layer';
import { reportAssetCommands } from '../../infra/bundling';
import { BULLETIN_FACES, fontSubsets } from '../../functions/adapters/render/fonts';
import { deliveryCheckTime, deployedStackName, loadPipelineConfig, REPO_ROOT, resolveSettings, senderDomain, type Settings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';

const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const ctx = (values: Record<string, unknown>) => (key: string) => values[key];
const tmpDirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('context settings', () => {
  it('cdk.json carries the documented defaults', () => {
    const s = resolveSettings(ctx(cdkContext));
    expect(s).toEqual({
      schedule: { dayOfMonth: 5, hour: 9, minute: 0, timezone: 'Asia/Shanghai', enabled: true, checkAfterHours: 6 },
      mailTransport: 'ses',
      sesIdentity: 'example.gov.cn',
      alarmEmail: undefined,
      configFile: 'tb.config.json',
      stage: 'prod',
      stackName: 'ThreeBatches',
      nag: false,
    });
    expect(JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).app).toBe('npx tsx infra/app.ts');
  });

  it('defaults everything when the context is empty', () => {
    expect(resolveSettings(ctx({}))).toEqual(resolveSettings(ctx(cdkContext)));
  });

  it('accepts -c strings: JSON objects, numbers and booleans', () => {
    const s = resolveSettings(
      ctx({ schedule: '{"dayOfMonth":"3","hour":"7"}', alarmEmail: 'ops@example.gov.cn', nag: 'true' }),
    );
    expect(s.schedule).toEqual({ dayOfMonth: 3, hour: 7, minute: 0, timezone: 'Asia/Shanghai', enabled: true, checkAfterHours: 6 });
    expect(s.alarmEmail).toBe('ops@example.gov.cn');
    expect(s.nag).toBe(true);
  });

  it.each([
    [{ schedule: { dayOfMonth: 31 } }, 'schedule.dayOfMonth'],
    [{ schedule: { hour: 24 } }, 'schedule.hour'],
    [{ schedule: { timezone: 'Mars/Olympus' } }, 'schedule.timezone'],
    [{ schedule: { checkAfterHours: 0 } }, 'schedule.checkAfterHours'],
    [{ schedule: { checkAfterHours: 73 } }, 'schedule.checkAfterHours'],
    // day 28 20:00 + 6 h is day 29, which February lacks
    [{ schedule: { dayOfMonth: 28, hour: 20 } }, 'schedule.checkAfterHours'],
    [{ sesIdentity: 'not a domain' }, 'sesIdentity'],
    [{ alarmEmail: 'nobody' }, 'alarmEmail'],
    [{ stackName: '1bad' }, 'stackName'],
    [{ mailTransport: 'pigeon' }, 'mailTransport: expected ses or smtp'],
    [{ mailTransport: 'smtp' }, 'smtp: required with mailTransport=smtp'],
    [{ smtp: { host: 'smtp.example.gov.cn' } }, 'smtp: given, but mailTransport is ses'],
    [{ mailTransport: 'smtp', smtp: { host: 'not a host' } }, 'smtp.host: not a host name or IPv4 address'],
    [{ mailTransport: 'smtp', smtp: { port: 465 } }, 'smtp.host'],
    [{ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', port: 70000 } }, 'smtp.port'],
    [{ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', secure: 'yes' } }, 'smtp.secure'],
    [{ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', password: 'x' } }, 'smtp.password: credentials do not go in the CDK context'],
    [{ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', username: 'x' } }, 'smtp.username: credentials do not go in the CDK context'],
    [{ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', tls: true } }, 'smtp.tls: unknown key'],
    [{ mailTransport: 'smtp', smtp: { host: 'smtp.example.gov.cn', secretArn: 'my-smtp-secret' } }, 'smtp.secretArn: not the complete ARN'],
    [{ stackName: `A${'b'.repeat(124)}` }, 'stackName'],
    [{ stage: 'staging' }, 'stage'],
    [{ stage: 'PROD' }, 'stage'],
  ])('rejects %j', (values, field) => {
    expect(() => resolveSettings(ctx(values))).toThrow(field);
  });

  it('puts the delivery check checkAfterHours after the run, on a later day past midnight', () => {
    expect(deliveryCheckTime({ dayOfMonth: 5, hour: 9, minute: 0, checkAfterHours: 6 })).toEqual({ dayOfMonth: 5, hour: 15, minute: 0 });
    expect(deliveryCheckTime({ dayOfMonth: 5, hour: 20, minute: 30, checkAfterHours: 6 })).toEqual({ dayOfMonth: 6, hour: 2, minute: 30 });
    expect(deliveryCheckTime({ dayOfMonth: 1, hour: 0, minute: 0, checkAfterHours: 72 })).toEqual({ dayOfMonth: 4, hour: 0, minute: 0 });
    expect(resolveSettings(ctx({ schedule: { dayOfMonth: 28, hour: 17 } })).schedule.checkAfterHours).toBe(6);
  });

  it('reads the SMTP transport from -c strings, with the port following secure', () => {
    const s = (smtp: unknown, mailTransport = 'SMTP') => resolveSettings(ctx({ mailTransport, smtp })).smtp;
    expect(resolveSettings(ctx({ mailTransport: 'SMTP', smtp: 'smtp.example.gov.cn' })).mailTransport).toBe('smtp');
    expect(s('smtp.example.gov.cn')).toEqual({ host: 'smtp.example.gov.cn', port: 465, secure: true });
    expect(s('{"host":"smtp.example.gov.cn","secure":"false"}')).toEqual({ host: 'smtp.example.gov.cn', port: 587, secure: false });
    expect(s('{"host":"10.1.2.3","port":"2525","secure":true}')).toEqual({ host: '10.1.2.3', port: 2525, secure: true });
    const arn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:three-batches/smtp-AbC123';
    expect(s({ host: 'smtp.example.gov.cn', port: 465, secure: true, secretArn: arn })).toEqual({ host: 'smtp.example.gov.cn', port: 465, secure: true, secretArn: arn });
  });

  it('deploys prod under stackName and dev beside it, as {stackName}-dev', () => {
    expect(deployedStackName(resolveSettings(ctx({})))).toBe('ThreeBatches');
    expect(deployedStackName(resolveSettings(ctx({ stage: 'dev' })))).toBe('ThreeBatches-dev');
    expect(deployedStackName(resolveSettings(ctx({ stage: 'dev', stackName: 'TB' })))).toBe('TB-dev');
    expect(deployedStackName(resolveSettings(ctx({ stage: 'dev', stackName: `A${'b'.repeat(123)}` })))).toHaveLength(128);
  });

  it('loads tb.config.json through parseConfig and rejects a bad file', () => {
    const cfg = loadPipelineConfig('tb.config.json');
    expect(cfg).toEqual(parseConfig(JSON.parse(readFileSync(path.join(REPO_ROOT, 'tb.config.json'), 'utf8'))));
    const dir = tmp('tb-cfg-');
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ mail: { province: ['not-an-email'] } }));
    expect(() => loadPipelineConfig('bad.json', dir)).toThrow(/mail\.province/);
    expect(() => loadPipelineConfig('missing.json', dir)).toThrow(/Cannot read pipeline config/);
  });

  it('extracts the sender domain', () => {
    expect(senderDomain('三个一批专班 <bulletin@example.gov.cn>')).toBe('example.gov.cn');
    expect(senderDomain('bulletin@Mail.Example.gov.cn')).toBe('mail.example.gov.cn');
    expect(senderDomain('nobody')).toBeUndefined();
  });
});

/** Synthesizes a variant without bundling (fast): only the stack's own properties matter here. */
function variant(overrides: Record<string, unknown>, configPatch: object = {}) {
  const outdir = tmp('tb-cdk-variant-');
  const app = new App({ outdir, context: { ...cdkContext, ...overrides, 'aws:cdk:bundling-stacks': [] } });
  const settings: Settings = resolveSettings((k) => app.node.tryGetContext(k));
  const base = loadPipelineConfig(settings.configFile);
  const config = parseConfig({ ...base, ...configPatch });
  const stack = new ThreeBatchesStack(app, 'Variant', { settings, config });
  return { stack, template: Template.fromStack(stack) };
}

describe('stack variants from context', () => {
  it('subscribes alarmEmail to the alarm topic', () => {
    const { template } = variant({ alarmEmail: 'ops@example.gov.cn' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.gov.cn' });
  });

  it('follows the schedule context (day, time, zone, enabled), and so does the delivery check', () => {
    const { template } = variant({ schedule: { dayOfMonth: 2, hour: 18, minute: 30, timezone: 'Asia/Urumqi', enabled: false, checkAfterHours: 8 } });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 18 2 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Urumqi',
      State: 'DISABLED',
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 3 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Urumqi',
      State: 'DISABLED',
      Target: Match.objectLike({ Input: Match.stringLikeRegexp('"check":"delivered"') }),
    });
  });

  it('uses sesIdentity for the identity and warns when mail.from is outside it', () => {
    const { stack, template } = variant({ sesIdentity: 'bulletin.example.org' });
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'bulletin.example.org' });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*not in the SES identity domain.*'))).toHaveLength(1);
  });

  it('accepts a sender in a subdomain of the identity', () => {
    const { stack } = variant({}, { mail: { ...loadPipelineConfig('tb.config.json').mail, from: 'x <a@mail.example.gov.cn>' } });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*SES identity.*'))).toHaveLength(0);
  });

  it('refuses a config too large for the Lambda environment', () => {
    const many = Array.from({ length: 200 }, (_, i) => `recipient${i}@example.gov.cn`);
    expect(() => variant({}, { mail: { ...loadPipelineConfig('tb.config.json').mail, province: many } })).toThrow(/too large/);
  });
});

describe('cdk-nag sanity', () => {
  it('is not vacuous: a plain bucket fails AwsSolutions', () => {
    const app = new App({ outdir: tmp('tb-cdk-nag-') });
    const stack = new Stack(app, 'Bad');
    new Bucket(stack, 'Plain');
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const ids = report.violations.map((v) => v.ruleName);
    expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});

describe('bundling helpers', () => {
  it('stages @sparticuz/chromium with its whole dependency closure at Node resolution paths', () => {
    const entries = collectPackageClosure('@sparticuz/chromium', REPO_ROOT);
    const names = entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['@sparticuz/chromium', 'follow-redirects', 'tar-fs']));
    for (const e of entries) {
      expect(e.target.startsWith('node_modules')).toBe(true);
      expect(existsSync(path.join(e.dir, 'package.json'))).toBe(true);
    }
  });

  function runHooks(withTemplates: boolean) {
    const input = tmp('tb-hook-in-');
    const output = tmp('tb-hook-out-');
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(input, 'node_modules'));
    if (withTemplates) {
      mkdirSync(path.join(input, 'templates/partials'), { recursive: true });
      writeFileSync(path.join(input, 'templates/bulletin.hbs'), '<h1>{{title}}</h1>');
      writeFileSync(path.join(input, 'templates/partials/row.hbs'), '<tr></tr>');
    }
    for (const cmd of reportAssetCommands(REPO_ROOT, input, output)) execFileSync('bash', ['-c', cmd]);
    return output;
  }

  it('copies fonts and an absent templates folder without failing', () => {
    const out = runHooks(false);
    expect(readdirSync(path.join(out, 'templates'))).toEqual([]);
    // every face: its CSS and exactly the slices the CSS lists (no other weight of the package)
    for (const face of BULLETIN_FACES) {
      expect(existsSync(path.join(out, 'fonts', face.dir, face.css)), face.css).toBe(true);
      const files = readdirSync(path.join(out, 'fonts', face.dir, 'files'));
      for (const s of fontSubsets(face, path.join(out, 'fonts', face.dir))) expect(files).toContain(s.file);
    }
    const sans = readdirSync(path.join(out, 'fonts/noto-sans-sc/files'));
    expect(sans.some((f) => /-(100|200|300|500|600|800|900)-normal/.test(f))).toBe(false);
    // The footer's fontconfig fonts: its face's WOFF only.
    expect(sans.some((f) => f.endsWith('-400-normal.woff'))).toBe(true);
    expect(sans.some((f) => f.endsWith('-700-normal.woff'))).toBe(false);
    // HarfBuzz's subsetter beside the bundle, where font-subset.ts looks first
    expect(readFileSync(path.join(out, 'harfbuzz-subset.wasm')).subarray(0, 4)).toEqual(Buffer.from('\0asm'));
  });

  it('copies nested templates as they are', () => {
    const out = runHooks(true);
    expect(readFileSync(path.join(out, 'templates/bulletin.hbs'), 'utf8')).toBe('<h1>{{title}}</h1>');
    expect(existsSync(path.join(out, 'templates/partials/row.hbs'))).toBe(true);
  });
});
