import { z } from 'zod';
import { type Config, parseConfig } from '../core/shared/config';

/**
 * Every environment variable the pipeline reads, by one name each. The CDK app sets them from
 * these same constants (infra/), the local runtime sets the endpoint ones, and nothing else in
 * functions/ reads `process.env` (except what a library owns, such as Chromium's FONTCONFIG_*).
 */
export const ENV = {
  /** The single DynamoDB table. */
  table: 'TABLE_NAME',
  rawBucket: 'RAW_BUCKET',
  curatedBucket: 'CURATED_BUCKET',
  reportsBucket: 'REPORTS_BUCKET',
  /** The pipeline configuration (tb.config.json) as JSON; defaults when unset. */
  config: 'TB_CONFIG',
  /** Report function: where the templates and the font files are (else found from the repo). */
  templatesDir: 'TB_TEMPLATES_DIR',
  fontsDir: 'TB_FONTS_DIR',
  /** Portal function: the built page (app.js, index.html, style.css). */
  webDir: 'TB_WEB_DIR',
  /** parquet-wasm's .wasm file, when not beside the bundle or in node_modules. */
  parquetWasm: 'TB_PARQUET_WASM',
  /** Mail: `ses`, `outbox` or `smtp` (default: SES in Lambda, else SMTP when SMTP_URL is set, else the outbox). */
  mailTransport: 'MAIL_TRANSPORT',
  /** SMTP locally: one URL (`smtp://user:pass@host:port`, `smtps://…`). */
  smtpUrl: 'SMTP_URL',
  /** SMTP in AWS (the CDK's `mailTransport=smtp`): the server, and the secret holding `{"username","password"}`. */
  smtpHost: 'SMTP_HOST',
  smtpPort: 'SMTP_PORT',
  /** `true`: TLS from the first byte (SMTPS); `false`: STARTTLS, required. */
  smtpSecure: 'SMTP_SECURE',
  smtpSecretArn: 'SMTP_SECRET_ARN',
  outboxDir: 'TB_OUTBOX_DIR',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Portal function in AWS: the compute function the control panel's lock / publish / republish invoke (asynchronously). */
  computeFunction: 'COMPUTE_FUNCTION_NAME',
  /** Compute function in AWS: the export function it invokes (asynchronously) for the month's curated copy. */
  exportFunction: 'EXPORT_FUNCTION_NAME',
  /** Report and portal functions in AWS: bulletin download links go through the portal, signed with this secret. */
  portalUrl: 'PORTAL_URL',
  linkSecretArn: 'LINK_SECRET_ARN',
  /** How long a mailed download link works, in hours (default 168 = 7 days). */
  linkTtlHours: 'TB_LINK_TTL_HOURS',
  /** Local runtime: the embedded servers' endpoints (unset in AWS). */
  s3Endpoint: 'TB_S3_ENDPOINT',
  dynamoEndpoint: 'TB_DYNAMODB_ENDPOINT',
  /** Set by the Lambda runtime. */
  lambdaFunctionName: 'AWS_LAMBDA_FUNCTION_NAME',
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
} as const;

export type EnvKey = keyof typeof ENV;

const text = z.string().optional();
const SCHEMA = z.object({
  ...(Object.fromEntries(Object.keys(ENV).map((k) => [k, text])) as Record<EnvKey, typeof text>),
  linkTtlHours: z.coerce.number().positive().finite().optional(),
  mailTransport: z.enum(['ses', 'outbox', 'smtp'], { errorMap: () => ({ message: 'unknown MAIL_TRANSPORT (expected ses, outbox or smtp)' }) }).optional(),
  portalUrl: z.string().url().optional(),
  smtpUrl: z.string().url().optional(),
  smtpPort: z.coerce.number().int().min(1).max(65535).optional(),
  smtpSecure: z
    .enum(['true', 'false'], { errorMap: () => ({ message: 'expected true or false' }) })
    .transform((v) => v === 'true')
    .optional(),
});

/** The variables that are not plain text once read. */
type Typed = { linkTtlHours?: number; mailTransport?: 'ses' | 'outbox' | 'smtp'; smtpPort?: number; smtpSecure?: boolean };
type TextKey = Exclude<EnvKey, keyof Typed>;
export type PipelineEnv = { [K in TextKey]?: string } & Typed;

/**
 * The pipeline's environment, validated: `required` names what this function cannot run without
 * (a clear error at cold start instead of an `undefined` bucket at the first request).
 */
export function readEnv<K extends TextKey = never>(required: readonly K[] = [], source: NodeJS.ProcessEnv = process.env): PipelineEnv & { [P in K]: string } {
  const raw = Object.fromEntries(
    Object.entries(ENV).map(([k, name]) => {
      const v = source[name];
      return [k, v === undefined || v.trim() === '' ? undefined : k === 'mailTransport' || k === 'smtpSecure' ? v.trim().toLowerCase() : v];
    }),
  );
  const parsed = SCHEMA.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${ENV[i.path[0] as EnvKey] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment: ${lines.join('; ')}`);
  }
  const env = parsed.data as PipelineEnv;
  const missing = required.filter((k) => !env[k]);
  if (missing.length) throw new Error(`Missing environment variable${missing.length > 1 ? 's' : ''} ${missing.map((k) => ENV[k]).join(', ')}`);
  return env as PipelineEnv & { [P in K]: string };
}

/** The pipeline configuration handed to every Lambda as TB_CONFIG (JSON); defaults when unset. */
export function configFromEnv(source: NodeJS.ProcessEnv = process.env): Config {
  const raw = source[ENV.config];
  return parseConfig(raw ? JSON.parse(raw) : {});
}
