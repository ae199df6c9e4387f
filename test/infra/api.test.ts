import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/shared/config';
import { PREFIX } from '../../functions/core/shared/storage-keys';
import { PORTAL_ROUTES } from '../../functions/api/routes';
import { PORTAL_THROTTLE, PortalApi } from '../../infra/api';
import { loadPipelineConfig, REPO_ROOT, resolveSettings } from '../../infra/settings';
import { ThreeBatchesStack } from '../../infra/stack';
import { Storage } from '../../infra/storage';

/**
 * The portal's CDK construct on its own stack (storage + portal, with real esbuild bundling), then
 * its wiring into the whole stack (without bundling). cdk-nag runs on the portal stack.
 */
type Resource = { Type: string; Properties?: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string; Condition?: unknown };

const COMPUTE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:tb-compute';
const cdkContext = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdirs: string[] = [];

function synth(context: Record<string, unknown> = {}, bundle = true) {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-api-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...cdkContext, ...context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
  const stack = new Stack(app, 'PortalTest');
  const storage = new Storage(stack, 'Storage');
  // The compute function the control panel invokes: an imported one (the whole stack's is checked below).
  const compute = LambdaFunction.fromFunctionArn(stack, 'Compute', COMPUTE_ARN);
  const portal = new PortalApi(stack, 'Portal', { projectRoot: REPO_ROOT, config: parseConfig({}), storage, compute });
  // Part of the test stack, not of the portal: acknowledged in infra/nag.ts for the real stack.
  const notifications = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'))!;
  Validations.of(notifications).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK-internal bucket notifications handler (see infra/nag.ts)',
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return { app, stack, storage, portal, template, resources, outdir };
}

let s: ReturnType<typeof synth>;
const ofType = (type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);
const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as unknown as { logicalId: string }).logicalId) as string;
const idOf = (c: { node: { defaultChild?: unknown } }) => logicalId(s.stack, c);
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const actions = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const resourcesOf = (st: Statement) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]);

function roleStatements(): Statement[] {
  const roleId = idOf(s.portal.handler.role as never);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties!.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as Statement[]);
}

beforeAll(() => {
  s = synth();
});

afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

describe('HTTP API', () => {
  it('routes the page, the template and the API to one Lambda (payload 2.0)', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.RouteKey as string).sort();
    // the handler's route table, plus $default so that unknown paths get the handler's Chinese 404
    expect(routes).toEqual([...Object.entries(PORTAL_ROUTES).flatMap(([p, ms]) => ms.map((m) => `${m} ${p}`)), '$default'].sort());
    expect(routes).toContain('POST /uploads');
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    expect(integrations[0][1].Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: arn(idOf(s.portal.handler)) });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', Name: 'PortalTest-portal' });
  });

  it('throttles the default stage and logs access', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: PORTAL_THROTTLE.rateLimit, ThrottlingBurstLimit: PORTAL_THROTTLE.burstLimit },
      AccessLogSettings: { DestinationArn: arn(idOf(s.portal.accessLogs)) },
    });
    const format = JSON.parse(stage.Properties!.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', ip: '$context.identity.sourceIp' });
    expect(JSON.stringify(format)).not.toMatch(/authorization/i);
  });

  it('sends no CORS by default (the page is same-origin); with portalOrigin, that origin only', () => {
    expect(ofType('AWS::ApiGatewayV2::Api')[0][1].Properties!.CorsConfiguration).toBeUndefined();
    const other = synth({ portalOrigin: 'https://portal.example.gov.cn' }, false);
    const [[, api]] = Object.entries(other.resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api');
    expect(api.Properties!.CorsConfiguration).toEqual({
      AllowOrigins: ['https://portal.example.gov.cn'],
      AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['authorization', 'content-type'],
      MaxAge: 3600,
    });
    const raw = other.resources[logicalId(other.stack, other.storage.raw)]!;
    expect(raw.Properties!.CorsConfiguration.CorsRules[0].AllowedOrigins).toContainEqual('https://portal.example.gov.cn');
    expect(() => synth({ portalOrigin: 'http://insecure.example' }, false)).toThrow(/portalOrigin/);
    expect(() => synth({ portalOrigin: '*' }, false)).toThrow(/portalOrigin/);
  });

  it('lets browsers POST to the raw bucket from the portal origin only', () => {
    const raw = s.resources[idOf(s.storage.raw)]!;
    expect(raw.Properties!.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['POST'],
          AllowedOrigins: [{ 'Fn::GetAtt': [idOf(s.portal.api), 'ApiEndpoint'] }],
          AllowedHeaders: ['content-type'],
          MaxAge: 3600,
        },
      ],
    });
  });
});

describe('the function', () => {
  it('is Node.js 22 with the table, the raw bucket and the page folder', () => {
    const fn = s.resources[idOf(s.portal.handler)]!;
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 15 });
    expect(Object.keys(fn.Properties!.Environment.Variables).sort()).toEqual([
      'COMPUTE_FUNCTION_NAME',
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'RAW_BUCKET',
      'REPORTS_BUCKET',
      'TABLE_NAME',
      'TB_CONFIG',
      'TB_TEMPLATES_DIR',
      'TB_WEB_DIR',
    ]);
    expect(fn.Properties!.Environment.Variables.TB_WEB_DIR).toBe('/var/task/web');
    expect(fn.Properties!.Environment.Variables.TB_TEMPLATES_DIR).toBe('/var/task/templates');
    expect(fn.Properties!.Environment.Variables.COMPUTE_FUNCTION_NAME).toBe('tb-compute');
  });

  it('may presign only under incoming/, list only incoming/, read reports/ (and list that bucket), read the table, write month and audit items, invoke compute; nothing else', () => {
    const st = roleStatements().filter((x) => !actions(x).some((a) => a.startsWith('logs:') || a.startsWith('xray:')));
    const rawArn = arn(idOf(s.storage.raw));
    const reportsArn = arn(idOf(s.storage.reports));
    expect(st.map((x) => ({ sid: x.Sid, actions: [...actions(x)].sort(), resources: resourcesOf(x), condition: x.Condition }))).toEqual([
      { sid: 'SignUploads', actions: ['s3:PutObject'], resources: [{ 'Fn::Join': ['', [rawArn, `/${PREFIX.incoming}*`]] }], condition: undefined },
      { sid: 'ListUploads', actions: ['s3:ListBucket'], resources: [rawArn], condition: { StringLike: { 's3:prefix': [`${PREFIX.incoming}*`] } } },
      { sid: 'ReadReports', actions: ['s3:GetObject'], resources: [{ 'Fn::Join': ['', [reportsArn, `/${PREFIX.reports}*`]] }], condition: undefined },
      { sid: 'ListReports', actions: ['s3:ListBucket'], resources: [reportsArn], condition: undefined },
      { sid: 'ReadTokensAndReceipts', actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [arn(idOf(s.storage.table))], condition: undefined },
      {
        sid: 'WriteReviewsAndAudit',
        actions: ['dynamodb:PutItem'],
        resources: [arn(idOf(s.storage.table))],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MONTH#*', 'AUDIT#*'] } },
      },
      { sid: 'InvokeCompute', actions: ['lambda:InvokeFunction'], resources: [COMPUTE_ARN], condition: undefined },
    ]);
    const all = roleStatements().flatMap(actions);
    // Objects read: reports/ only (receipts come from the table); nothing written but presigned uploads.
    expect(st.filter((x) => actions(x).includes('s3:GetObject')).map((x) => x.Sid)).toEqual(['ReadReports']);
    expect(all.filter((a) => a.startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:ListBucket', 's3:PutObject']);
    // Writes: single items of the month and audit partitions only (no token, snapshot or pointer).
    expect(all.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual(['dynamodb:PutItem']);
    expect(s.resources[idOf(s.portal.handler.role as never)]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('bundles the page (built app.js, html, css) and serves it and the template from the bundle', async () => {
    const key = s.resources[idOf(s.portal.handler)]!.Properties!.Code.S3Key as string;
    const dir = path.join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    for (const f of ['index.mjs', 'web/index.html', 'web/app.js', 'web/style.css', 'templates/review-mail.hbs']) expect(existsSync(path.join(dir, f))).toBe(true);
    expect(existsSync(path.join(dir, 'templates/bulletin.hbs'))).toBe(false); // the review mail's template only
    expect(readFileSync(path.join(dir, 'web/app.js'), 'utf8')).not.toMatch(/^\s*import /m);

    Object.assign(process.env, { TB_WEB_DIR: path.join(dir, 'web'), TABLE_NAME: 't', RAW_BUCKET: 'raw-bucket', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });
    const mod = (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)) as { handler: (e: unknown) => Promise<any> };
    const get = (rawPath: string, rawQuery = '') =>
      mod.handler({ rawPath, rawQueryString: rawQuery, queryStringParameters: Object.fromEntries(new URLSearchParams(rawQuery)), headers: {}, requestContext: { http: { method: 'GET' } } });
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(Buffer.from(page.body, 'base64').toString()).toContain('<script src="/app.js" defer></script>');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self' https://raw-bucket.s3.us-east-1.amazonaws.com");
    const t = await get('/template.xlsx', 'month=2026-10&unit=411102');
    expect(t).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(Buffer.from(t.body, 'base64').subarray(0, 2).toString()).toBe('PK');
    expect(await get('/me')).toMatchObject({ statusCode: 401 });
  });
});

describe('cdk-nag', () => {
  it('reports nothing unacknowledged on the portal', () => {
    const report = new AwsSolutionsChecks(s.app, { verbose: true }).validateScope(s.stack);
    expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('in the whole stack', () => {
  it('outputs the portal URL and alarms on the portal function’s errors', () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'tb-cdk-api-full-'));
    outdirs.push(outdir);
    const app = new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
    const settings = resolveSettings((k) => app.node.tryGetContext(k));
    const stack = new ThreeBatchesStack(app, 'FullStack', { settings, config: loadPipelineConfig(settings.configFile) });
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.toJSON().Outputs.PortalUrl.Value)).toContain(JSON.stringify({ Ref: logicalId(stack, stack.portal.api) }));
    // The control panel invokes the stack's compute function, and only it; the review mail goes by the bulletin's transport.
    const portalRole = logicalId(stack, stack.portal.handler.role as never);
    const statements = Object.values(template.toJSON().Resources as Record<string, Resource>)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties!.Roles as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify({ Ref: portalRole })))
      .flatMap((r) => r.Properties!.PolicyDocument.Statement as Statement[]);
    const invoke = statements.filter((x) => actions(x).includes('lambda:InvokeFunction'));
    expect(invoke.map((x) => resourcesOf(x))).toEqual([[{ 'Fn::GetAtt': [logicalId(stack, stack.functions.compute), 'Arn'] }]]);
    expect(statements.some((x) => actions(x).some((a) => a.startsWith('ses:')))).toBe(true);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.portal.handler) } }],
      AlarmActions: Match.anyValue(),
    });
  });
});
