/**
 * Mail adapter: builds one raw MIME message (nodemailer's MailComposer) and hands it to a
 * transport: SES or an SMTP server in AWS (chosen at deploy), an outbox directory of `.eml` files
 * locally, or an SMTP server. All transports take the same raw bytes, so what the outbox shows is
 * what SES or the SMTP server gets.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { Mailer, MimeInput, OutgoingMessage } from '../../core/ports';
import { type PipelineEnv, readEnv } from '../env';


/** The message as RFC 5322 bytes (UTF-8 headers encoded per RFC 2047/2231, attachments base64). */
export async function buildMimeMessage(input: MimeInput): Promise<Buffer> {
  if (!input.to.length) throw new Error('buildMimeMessage: no recipients');
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    html: input.html,
    text: input.text,
    attachments: (input.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      contentDisposition: 'attachment',
    })),
    // Only the given buffers go into a message: never read files or URLs on the composer's initiative.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

export function messageIdOf(raw: Buffer): string | null {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headEnd < 0 ? Math.min(raw.length, 64 * 1024) : headEnd).toString('latin1');
  const m = /^message-id:\s*(.+(?:\r\n[ \t].*)*)/im.exec(head);
  return m ? m[1].replace(/\r\n[ \t]+/g, ' ').trim() : null;
}

// ── SES ─────────────────────────────────────────────────────────────────────

export interface SesMailerOptions {
  client?: SESv2Client;
  /** SES configuration set; default `SES_CONFIGURATION_SET` from the environment. */
  configurationSetName?: string;
}

export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly configurationSetName: string | undefined;

  constructor(opts: SesMailerOptions = {}) {
    this.client = opts.client ?? new SESv2Client({});
    this.configurationSetName = opts.configurationSetName ?? readEnv().sesConfigurationSet;
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: msg.from,
        Destination: { ToAddresses: msg.to },
        Content: { Raw: { Data: msg.raw } },
        ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
      }),
    );
    if (!out.MessageId) throw new Error(`SES accepted ${msg.name} but returned no MessageId`);
    return { messageId: out.MessageId };
  }
}

// ── outbox (local) ──────────────────────────────────────────────────────────

/** File-system safe name: keeps letters (any script), digits, `.`, `_`, `-`. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\./, '_')
    .replace(/_{2,}/g, '_');
  return cleaned.slice(0, 120) || 'message';
}

/** Writes every message as `{dir}/{name}.eml`, the exact bytes SES would get. */
export class OutboxMailer implements Mailer {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** Where the first message of this name is written; a later one (a forced resend) gets `-2`, `-3`, …. */
  pathFor(name: string, copy = 1): string {
    return join(this.dir, `${safeFileName(name)}${copy > 1 ? `-${copy}` : ''}.eml`);
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    await mkdir(this.dir, { recursive: true });
    // Like a real mailbox, the outbox keeps every message sent: a resend never replaces the first.
    for (let copy = 1; ; copy++) {
      const path = this.pathFor(msg.name, copy);
      try {
        await writeFile(path, msg.raw, { flag: 'wx' });
        return { messageId: messageIdOf(msg.raw) ?? `outbox:${path}` };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }
}

// ── SMTP ────────────────────────────────────────────────────────────────────

export interface SmtpCredentials {
  username: string;
  password: string;
}

/** An SMTP server and its account (in AWS: `SMTP_HOST`, `SMTP_PORT`, `SMTP_SECURE` and the secret `SMTP_SECRET_ARN`). */
export interface SmtpServer {
  host: string;
  port: number;
  /** `true`: TLS from the first byte (SMTPS); `false`: plain TCP upgraded by STARTTLS, which is then required. */
  secure: boolean;
  /** The account, asked for at the first send (again only after a failed fetch or a refused login). */
  credentials: () => Promise<SmtpCredentials>;
  /** More TLS options (a test's CA for its server on loopback). The server's certificate is always verified. */
  tls?: ConnectionOptions;
}

/**
 * Sends the raw message to an SMTP server: a URL (`smtp://user:pass@host:port`, `smtps://…`, the
 * local runtime) or a server whose account comes from `credentials` (AWS). A refused message or
 * login throws with the server's reply (`535 …`, `550 …`), which the send log records as failed.
 */
export class SmtpMailer implements Mailer {
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly server: string | SmtpServer) {}

  private connect(server: SmtpServer): Promise<Transporter> {
    const transport = server.credentials().then(({ username, password }) =>
      nodemailer.createTransport({
        host: server.host,
        port: server.port,
        secure: server.secure,
        // Without implicit TLS, STARTTLS or nothing: the password never crosses the network in clear.
        requireTLS: !server.secure,
        auth: { user: username, pass: password },
        tls: { minVersion: 'TLSv1.2', ...server.tls, rejectUnauthorized: true },
        // A mail server that stops answering must not hold the report function until its timeout.
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      }),
    );
    // A failed fetch of the account is tried again at the next send, not remembered.
    transport.catch(() => {
      if (this.transport === transport) this.transport = undefined;
    });
    return transport;
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    const server = this.server;
    const transport = await (this.transport ??= typeof server === 'string' ? Promise.resolve(nodemailer.createTransport(server)) : this.connect(server));
    try {
      const info = await transport.sendMail({ envelope: { from: msg.from, to: msg.to }, raw: msg.raw });
      return { messageId: messageIdOf(msg.raw) ?? String(info.messageId ?? '') };
    } catch (err) {
      // A refused login: ops may have put the right password in the secret since; read it again next time.
      if (typeof server !== 'string' && (err as { code?: string }).code === 'EAUTH' && this.transport) {
        const stale = this.transport;
        this.transport = undefined;
        void stale.then((t) => t.close());
      }
      throw err;
    }
  }

  close(): void {
    void this.transport?.then(
      (t) => t.close(),
      () => {},
    );
  }
}

const SmtpCredentialsSchema = z.object({
  username: z.string({ message: 'missing' }).trim().min(1, 'empty'),
  password: z.string({ message: 'missing' }).min(1, 'empty'),
});

/**
 * The account in a secret's value, `{"username":"…","password":"…"}`. What is wrong is said by
 * field name only: neither the value nor a parser's excerpt of it ever reaches an error or a log.
 */
export function parseSmtpCredentials(secretString: string | undefined, secretId: string): SmtpCredentials {
  const shape = 'must hold {"username":"…","password":"…"} (README "Mail transport")';
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    // JSON.parse's message quotes the text it choked on: never pass it on.
    throw new Error(`SMTP credentials secret ${secretId} is not JSON: it ${shape}`);
  }
  const parsed = SmtpCredentialsSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.path.length ? i.message : 'is not an object'}`);
    throw new Error(`SMTP credentials secret ${secretId} ${shape}: ${fields.join(', ')}`);
  }
  return parsed.data;
}

/** Reads the SMTP account from Secrets Manager at each call (SmtpMailer calls it once per container). */
export function smtpCredentialsFromSecretsManager(secretId: string, client: SecretsManagerClient = new SecretsManagerClient({})): () => Promise<SmtpCredentials> {
  return async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseSmtpCredentials(out.SecretString, secretId);
  };
}

/** Sends through every mailer in turn (the local runtime: outbox, then SMTP). */
export class TeeMailer implements Mailer {
  constructor(private readonly mailers: Mailer[]) {
    if (!mailers.length) throw new Error('TeeMailer needs at least one mailer');
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    let last: { messageId: string } | undefined;
    for (const m of this.mailers) last = await m.send(msg);
    return last!;
  }
}

export const DEFAULT_OUTBOX_DIR = 'out/outbox';

/** What `mailerFromEnv` may be handed instead of building it (tests: a stubbed AWS client, a test CA). */
export interface MailerDeps {
  secretsManager?: SecretsManagerClient;
  tls?: ConnectionOptions;
}

/**
 * The transport for this environment:
 * - `MAIL_TRANSPORT=ses|outbox|smtp` wins (the CDK app sets `smtp` when deployed with `mailTransport=smtp`);
 * - otherwise SES inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), SMTP when `SMTP_URL` is set,
 *   else the outbox.
 * SMTP is `SMTP_URL`, or `SMTP_HOST` (+ `SMTP_PORT`, `SMTP_SECURE`) with the account in the secret
 * `SMTP_SECRET_ARN`, read at the first send.
 * Locally (not in Lambda) the SMTP choice also keeps the `.eml` in the outbox (README "Delivery").
 * Outbox dir: the argument, else `TB_OUTBOX_DIR`, else `out/outbox`.
 */
export function mailerFromEnv(outboxDir?: string, source: NodeJS.ProcessEnv = process.env, deps: MailerDeps = {}): Mailer {
  const env = readEnv([], source);
  const inLambda = !!env.lambdaFunctionName;
  const kind = env.mailTransport ?? (inLambda ? 'ses' : env.smtpUrl ? 'smtp' : 'outbox');
  const dir = outboxDir ?? env.outboxDir ?? DEFAULT_OUTBOX_DIR;
  switch (kind) {
    case 'ses':
      return new SesMailer({ configurationSetName: env.sesConfigurationSet });
    case 'outbox':
      return new OutboxMailer(dir);
    case 'smtp': {
      const smtp = new SmtpMailer(smtpServerFromEnv(env, deps));
      return inLambda ? smtp : new TeeMailer([new OutboxMailer(dir), smtp]);
    }
  }
}

function smtpServerFromEnv(env: PipelineEnv, deps: MailerDeps): string | SmtpServer {
  if (env.smtpUrl && env.smtpHost) throw new Error('Set SMTP_URL or SMTP_HOST, not both');
  if (env.smtpUrl) return env.smtpUrl;
  if (!env.smtpHost) throw new Error('MAIL_TRANSPORT=smtp needs SMTP_URL, or SMTP_HOST and SMTP_SECRET_ARN');
  if (!env.smtpSecretArn) throw new Error('SMTP_HOST needs SMTP_SECRET_ARN (the secret holding {"username","password"})');
  const secure = env.smtpSecure ?? true;
  return {
    host: env.smtpHost,
    port: env.smtpPort ?? (secure ? 465 : 587),
    secure,
    credentials: smtpCredentialsFromSecretsManager(env.smtpSecretArn, deps.secretsManager),
    ...(deps.tls ? { tls: deps.tls } : {}),
  };
}
