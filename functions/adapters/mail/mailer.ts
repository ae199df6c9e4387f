/**
 * Mail adapter: builds one raw MIME message (nodemailer's MailComposer) and hands it to a
 * transport: SES in AWS, an outbox directory of `.eml` files locally, or an SMTP server.
 * All transports take the same raw bytes, so what the outbox shows is what SES sends.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MimeInput, OutgoingMessage } from '../../core/ports';
import { readEnv } from '../env';


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

/** Sends the raw message to an SMTP server (`smtp://user:pass@host:port`, `smtps://…`). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(msg: OutgoingMessage): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({ envelope: { from: msg.from, to: msg.to }, raw: msg.raw });
    return { messageId: messageIdOf(msg.raw) ?? String(info.messageId ?? '') };
  }

  close(): void {
    this.transport.close();
  }
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

/**
 * The transport for this environment:
 * - `MAIL_TRANSPORT=ses|outbox|smtp` wins;
 * - otherwise SES inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), SMTP when `SMTP_URL` is set,
 *   else the outbox.
 * Locally (not in Lambda) the SMTP choice also keeps the `.eml` in the outbox (README "Delivery").
 * Outbox dir: the argument, else `TB_OUTBOX_DIR`, else `out/outbox`.
 */
export function mailerFromEnv(outboxDir?: string, source: NodeJS.ProcessEnv = process.env): Mailer {
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
      if (!env.smtpUrl) throw new Error('MAIL_TRANSPORT=smtp needs SMTP_URL');
      const smtp = new SmtpMailer(env.smtpUrl);
      return inLambda ? smtp : new TeeMailer([new OutboxMailer(dir), smtp]);
    }
  }
}
