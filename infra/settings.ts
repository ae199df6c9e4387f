import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type Config, parseConfig } from '../functions/core/shared/config';

/**
 * Deploy-time settings of the CDK app, read from CDK context (`cdk.json` → `context`, or
 * `cdk deploy -c key=value`). Everything the pipeline itself needs at run time (recipients,
 * sender, thresholds) lives in the config file instead (`configFile`, default `tb.config.json`).
 *
 * | context key   | default                                                        |
 * |---------------|----------------------------------------------------------------|
 * | `schedule`    | `{ dayOfMonth: 5, hour: 9, minute: 0, timezone: "Asia/Shanghai", enabled: true, checkAfterHours: 6 }` |
 * | `mailTransport` | `ses` (SES v2), or `smtp` (the province's own mail server, `smtp` below) |
 * | `sesIdentity` | `example.gov.cn` (SES domain identity the bulletin is sent from; `ses` only) |
 * | `smtp`        | unset; required with `mailTransport=smtp`: `{ host, port?, secure?, secretArn? }` (`SmtpSettingsSchema`) |
 * | `alarmEmail`  | unset (alarms go to the SNS topic only)                         |
 * | `configFile`  | `tb.config.json` (relative to the repository root)             |
 * | `stage`       | `prod` (`prod` keeps the data when the stack goes; `dev` can be destroyed whole) |
 * | `stackName`   | `ThreeBatches` (the `dev` stage deploys as `{stackName}-dev`)  |
 * | `nag`         | `false` (run cdk-nag's AwsSolutions pack during `cdk synth`)   |
 *
 * `-c schedule='{"dayOfMonth":3}'` replaces the whole object on the CLI; missing fields fall back
 * to the defaults above. Likewise `-c mailTransport=smtp -c smtp='{"host":"smtp.example.gov.cn"}'`.
 */

/** Repository root (the folder holding `cdk.json`, `package.json`, `functions/`, `templates/`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Accepts numbers or numeric strings (`-c` values arrive as strings). */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** The last day of the month a schedule may fall on: every month has it. */
const LAST_SAFE_DAY = 28;

export const ScheduleSettingsSchema = z
  .object({
    /** 1–28 so that the run exists in every month. */
    dayOfMonth: int(1, LAST_SAFE_DAY).default(5),
    hour: int(0, 23).default(9),
    minute: int(0, 59).default(0),
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone').default('Asia/Shanghai'),
    enabled: bool.default(true),
    /** Hours after the run when the delivery check asks whether the month's bulletin went out (`deliveryCheckTime`). */
    checkAfterHours: int(1, 72).default(6),
  })
  .superRefine((s, ctx) => {
    if (deliveryCheckTime(s).dayOfMonth > LAST_SAFE_DAY) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['checkAfterHours'],
        message: `the delivery check (day ${s.dayOfMonth} ${s.hour}:${String(s.minute).padStart(2, '0')} + ${s.checkAfterHours} h) would fall after day ${LAST_SAFE_DAY}, which some months lack: run earlier or check sooner`,
      });
    }
  });

/**
 * When the delivery check runs: the monthly run's day and time plus `checkAfterHours`, on the
 * wall clock of the schedule's time zone (so it may be a later day of the month).
 */
export function deliveryCheckTime(s: Pick<ScheduleSettings, 'dayOfMonth' | 'hour' | 'minute' | 'checkAfterHours'>): {
  dayOfMonth: number;
  hour: number;
  minute: number;
} {
  const hours = s.hour + s.checkAfterHours;
  return { dayOfMonth: s.dayOfMonth + Math.floor(hours / 24), hour: hours % 24, minute: s.minute };
}

const domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'not a domain name');

const ipv4 = z.string().ip({ version: 'v4' });

/** A complete Secrets Manager ARN, with the 6-character suffix Secrets Manager adds (any partition, e.g. aws-cn). */
const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
    'not the complete ARN of a Secrets Manager secret (arn:…:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX)',
  );

/**
 * The SMTP server of `mailTransport=smtp`. Credentials never go in the context (it is in the
 * repository and in the template): they are `{"username","password"}` in a Secrets Manager secret.
 * `-c smtp=smtp.example.gov.cn` (just the host) takes the defaults for the rest.
 */
const SMTP_KEYS = ['host', 'port', 'secure', 'secretArn'];
export const SmtpSettingsSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { host: v.trim() } : v),
  z
    .object({
      host: z.string().refine((h) => domain.safeParse(h).success || ipv4.safeParse(h).success, 'not a host name or IPv4 address'),
      /** Default 465 with `secure`, else 587. */
      port: int(1, 65535).optional(),
      /** `true`: TLS from the first byte (SMTPS, port 465); `false`: STARTTLS, required (a password never goes in clear). */
      secure: bool.default(true),
      /** An existing secret holding `{"username","password"}`; unset: the stack creates one for ops to fill. */
      secretArn: secretArn.optional(),
    })
    .passthrough()
    .superRefine((s, ctx) => {
      for (const key of Object.keys(s).filter((k) => !SMTP_KEYS.includes(k))) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message: /user|pass|auth|cred/i.test(key)
            ? 'credentials do not go in the CDK context: put {"username","password"} in the Secrets Manager secret (README "Mail transport")'
            : `unknown key (expected ${SMTP_KEYS.join(', ')})`,
        });
      }
    })
    .transform(({ host, port, secure, secretArn }) => ({
      host,
      port: port ?? (secure ? 465 : 587),
      secure,
      ...(secretArn ? { secretArn } : {}),
    })),
);

/**
 * Where the stack is deployed, and so what `cdk destroy` may take with it (STAGE_POLICIES in
 * infra/resources.ts): `prod` retains the buckets, the table (deletion protection on), the log
 * groups and the link secret; `dev` deletes them all, buckets emptied first.
 */
export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export const SettingsSchema = z.object({
  schedule: ScheduleSettingsSchema.default({}),
  mailTransport: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['ses', 'smtp'], { errorMap: () => ({ message: 'expected ses or smtp' }) }))
    .default('ses'),
  sesIdentity: domain.default('example.gov.cn'),
  smtp: SmtpSettingsSchema.optional(),
  alarmEmail: z
    .string()
    .email()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  configFile: z.string().min(1).default('tb.config.json'),
  stage: z.enum(STAGES, { errorMap: () => ({ message: 'expected dev or prod' }) }).default('prod'),
  // 124 characters at most, so that `{stackName}-dev` is a stack name too (128).
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,123}$/, 'not a CloudFormation stack name (a letter, then letters, digits or -, 124 at most)')
    .default('ThreeBatches'),
  nag: bool.default(false),
}).superRefine((s, ctx) => {
  if (s.mailTransport === 'smtp' && !s.smtp) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['smtp'],
      message: 'required with mailTransport=smtp, e.g. -c smtp=\'{"host":"smtp.example.gov.cn","port":465,"secure":true}\'',
    });
  }
  if (s.mailTransport === 'ses' && s.smtp) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['smtp'], message: 'given, but mailTransport is ses: add -c mailTransport=smtp to mail through it, or drop smtp' });
  }
});

export type ScheduleSettings = z.infer<typeof ScheduleSettingsSchema>;
export type SmtpSettings = z.infer<typeof SmtpSettingsSchema>;
export type Settings = z.infer<typeof SettingsSchema>;

export const CONTEXT_KEYS = ['schedule', 'mailTransport', 'sesIdentity', 'smtp', 'alarmEmail', 'configFile', 'stage', 'stackName', 'nag'] as const;

/**
 * The name the stack deploys as: `stackName` in prod (so existing deployments keep theirs),
 * `{stackName}-dev` in dev, so that both can live in one account and region.
 */
export function deployedStackName(settings: Pick<Settings, 'stage' | 'stackName'>): string {
  return settings.stage === 'prod' ? settings.stackName : `${settings.stackName}-${settings.stage}`;
}

/** JSON objects given with `-c key='{"a":1}'` arrive as strings. */
function decode(value: unknown): unknown {
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        return JSON.parse(t);
      } catch {
        return value;
      }
    }
  }
  return value;
}

/** Reads and validates the settings from a context getter (e.g. `app.node.tryGetContext`). */
export function resolveSettings(getContext: (key: string) => unknown): Settings {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value = decode(getContext(key));
    if (value !== undefined && value !== null) raw[key] = value;
  }
  const result = SettingsSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid CDK context:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Loads the pipeline configuration file and validates it with the same parser the handlers use. */
export function loadPipelineConfig(configFile: string, root: string = REPO_ROOT): Config {
  const file = path.resolve(root, configFile);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read pipeline config ${file}: ${(err as Error).message}`);
  }
  return parseConfig(json);
}

/** The e-mail domain of an RFC 5322 address such as `三个一批专班 <bulletin@example.gov.cn>`. */
export function senderDomain(from: string): string | undefined {
  const m = /<([^<>@\s]+)@([^<>@\s]+)>\s*$/.exec(from) ?? /^\s*([^<>@\s]+)@([^<>@\s]+)\s*$/.exec(from);
  return m?.[2]?.toLowerCase();
}
