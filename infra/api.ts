import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRoute, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { LAMBDA_WEB_DIR } from '../functions/adapters/web-assets';
import { PORTAL_ROUTES } from '../functions/api/routes';
import type { Config } from '../functions/core/shared/config';
import { ENV } from '../functions/adapters/env';
import { PREFIX, tableKeys } from '../functions/core/shared/storage-keys';
import { LAMBDA_TEMPLATES_DIR, SOURCE_MAPS_ENV, reviewMailTemplateCommands, webAssetCommands } from './bundling';
import type { MailTransport } from './mail';
import { ack, objectWildcard } from './nag-ack';
import { PipelineFunction } from './pipeline-function';
import { objectsArn, stageLogGroup } from './resources';
import type { Storage } from './storage';

/**
 * The upload portal: an API Gateway HTTP API with one Lambda behind it, which serves the page
 * (static files in its bundle), the blank template, and the token-checked JSON API; browsers
 * upload straight to the raw bucket with the presigned POSTs it signs.
 *
 * Least privilege: the function may sign uploads (s3:PutObject) only under `incoming/`, list only
 * under `incoming/`, and read the table (tokens, receipts, pointers, snapshots, reviews, the
 * month's state), and read objects only under the reports bucket's `reports/` (each month's
 * rates.json for 本年各月, the bulletin PDFs it presigns for mailed links; receipts come from the
 * table), listing that bucket so a month never computed answers 404, not 403. It writes only items
 * of the month partitions and the audit trail (PutItem with `dynamodb:LeadingKeys` MONTH#… and
 * AUDIT#…: a city's review, its audit record, the review mail's send-log claim) — never a token
 * (tokens are issued with `tb tokens`), a snapshot or a pointer. With the compute function given,
 * it may invoke that function and no other (the control panel's lock / publish / republish, run
 * asynchronously); with a mail transport, send through it (the review mail) and nothing more.
 *
 * CORS: the page is served by the same API (same origin), so the API sends no CORS headers
 * unless `-c portalOrigin=https://…` names another origin for the page, and then only that one.
 * The raw bucket admits browser POSTs from the API's own origin (and `portalOrigin`) only.
 */

/** Default-stage throttling (the whole province is 158 clerks and one office). */
export const PORTAL_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

/**
 * The routes API Gateway exposes: the handler's own route table. Anything else goes to the
 * `$default` route, i.e. the same function, which answers 404/405 as JSON in Chinese (API
 * Gateway's own 404 would be English).
 */
export const API_ROUTES: readonly { path: string; methods: HttpMethod[] }[] = Object.entries(PORTAL_ROUTES).map(([p, methods]) => ({
  path: p,
  methods: methods.map((m) => HttpMethod[m]),
}));

/** `-c portalOrigin=https://portal.example.gov.cn`: the page's origin when not served by this API. */
export function portalOriginFrom(scope: IConstruct): string | undefined {
  const raw = scope.node.tryGetContext('portalOrigin') as unknown;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(raw)) {
    throw new Error(`Invalid CDK context portalOrigin: ${String(raw)} (expected an https origin such as https://portal.example.gov.cn)`);
  }
  return raw;
}

export interface PortalApiProps {
  /** Repository root (the handler's entry, lock file, node_modules, the page's sources). Required. */
  projectRoot: string;
  /** The validated pipeline configuration, handed to the function as `ENV.config`. Required. */
  config: Config;
  /** The raw bucket (uploads land under `incoming/`), the reports bucket (rates.json, PDFs: read) and the table (tokens, receipts). Required. */
  storage: Storage;
  /** The compute function the control panel invokes (asynchronously); none: POST /month answers 503. */
  compute?: IFunction;
  /** How review mails go (the bulletin's transport); none: the portal alone tells the county. */
  mail?: MailTransport;
}

export class PortalApi extends Construct {
  readonly handler: PipelineFunction;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The portal's address (the page is at its root). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PortalApiProps) {
    super(scope, id);
    const { projectRoot, config, storage, compute, mail } = props;
    const { raw, table, reports } = storage;
    const portalOrigin = portalOriginFrom(this);

    // ---- the function (with HandlerLogs and HandlerRole beside it, as deployed) ----
    this.handler = new PipelineFunction(this, 'Handler', {
      service: 'api',
      projectRoot,
      entry: 'functions/api/handler.ts',
      memorySize: 512,
      timeout: Duration.seconds(15),
      description: 'Upload portal: page, template, presigned uploads, receipts, reporting status, city review, the month control panel',
      roleDescription: 'three-batches portal API function',
      environment: {
        [ENV.table]: table.tableName,
        [ENV.rawBucket]: raw.bucketName,
        [ENV.reportsBucket]: reports.bucketName,
        [ENV.config]: JSON.stringify(config),
        [ENV.webDir]: LAMBDA_WEB_DIR,
        [ENV.templatesDir]: LAMBDA_TEMPLATES_DIR,
        ...(compute ? { [ENV.computeFunction]: compute.functionName } : {}),
        ...(mail ? mail.environment : {}),
        ...SOURCE_MAPS_ENV,
      },
      afterBundling: (inputDir, outputDir) => [...webAssetCommands(inputDir, outputDir), ...reviewMailTemplateCommands(inputDir, outputDir)],
    });

    // ---- least-privilege grants ----
    // A presigned POST is authorized as the signer's s3:PutObject on the key: only under incoming/.
    this.handler.allow('SignUploads', ['s3:PutObject'], [objectsArn(raw, PREFIX.incoming)]);
    this.handler.allow('ListUploads', ['s3:ListBucket'], [raw.bucketArn], { StringLike: { 's3:prefix': [`${PREFIX.incoming}*`] } });
    // The months' rates.json (GET /history) and the bulletin PDFs presigned for mailed links: reports/ only.
    this.handler.allow('ReadReports', ['s3:GetObject'], [objectsArn(reports, PREFIX.reports)]);
    // Without ListBucket a GET of a month never computed answers 403, not 404 (NoSuchKey): the
    // history would fail instead of showing 未计算. A prefix condition is not evaluated for that GET.
    this.handler.allow('ListReports', ['s3:ListBucket'], [reports.bucketArn]);
    this.handler.allow('ReadTokensAndReceipts', ['dynamodb:GetItem', 'dynamodb:Query'], [table.tableArn]);
    // Reviews, their audit records and the review mail's send log: items of MONTH#… and AUDIT#… only.
    this.handler.allow('WriteReviewsAndAudit', ['dynamodb:PutItem'], [table.tableArn], {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${tableKeys.month('')}*`, `${tableKeys.audit('')}*`] },
    });
    if (compute) this.handler.allow('InvokeCompute', ['lambda:InvokeFunction'], [compute.functionArn]);
    if (mail) mail.grantSend(this.handler);

    // ---- the HTTP API ----
    const integration = new HttpLambdaIntegration('Handler', this.handler);
    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-portal`,
      description: 'three-batches upload portal',
      createDefaultStage: false,
      defaultIntegration: integration,
      corsPreflight: portalOrigin
        ? {
            allowOrigins: [portalOrigin],
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
            allowHeaders: ['authorization', 'content-type'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.accessLogs = stageLogGroup(this, 'AccessLogs');
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...PORTAL_THROTTLE },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            route: '$context.routeKey',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            error: '$context.error.message',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const r of API_ROUTES) this.api.addRoutes({ path: r.path, methods: r.methods, integration });
    this.url = this.stage.url;

    // ---- browsers POST uploads straight to the raw bucket, from the portal's origin only ----
    raw.addCorsRule({
      allowedMethods: [HttpMethods.POST],
      allowedOrigins: [this.api.apiEndpoint, ...(portalOrigin ? [portalOrigin] : [])],
      allowedHeaders: ['content-type'],
      maxAge: 3600,
    });

    this.acknowledgeNag(raw, reports);
  }

  /** cdk-nag findings on the portal, each acknowledged with its reason (as infra/nag.ts does for the pipeline). */
  private acknowledgeNag(raw: Storage['raw'], reports: Storage['reports']): void {
    ack(
      this.handler.executionRole,
      objectWildcard(reports, PREFIX.reports),
      `Read only, under the reports bucket's ${PREFIX.reports} prefix: one rates.json per month (本年各月) and the bulletin PDFs presigned for mailed links; keys are per month and cannot be listed in a policy.`,
    );
    ack(
      this.handler.executionRole,
      objectWildcard(raw, PREFIX.incoming),
      `Presigned POSTs are authorized by s3:PutObject of the signer; keys are per upload and are confined to the raw bucket's ${PREFIX.incoming} prefix.`,
    );
    for (const child of this.api.node.children) {
      if (!(child instanceof HttpRoute)) continue;
      ack(
        child,
        'AwsSolutions-APIG4',
        'Authorization happens in the function: every data route requires a portal bearer token, looked up by its SHA-256 hash in DynamoDB (revocable, optional expiry, scoped to one reporting unit or read-only for the province office). The page, its script and style, and the blank template are public by design.',
      );
    }
  }
}
