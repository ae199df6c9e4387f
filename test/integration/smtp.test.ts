/**
 * Mail through SMTP (issue 11: the transport chosen at deploy), against a real SMTP server
 * (Nodemailer's smtp-server) started here on 127.0.0.1: AUTH required, STARTTLS or implicit TLS
 * with a certificate the client must verify. What the server received is parsed back (postal-mime).
 * The only fake is the Secrets Manager API (aws-sdk-client-mock) behind the Lambda-side factory.
 *
 * test/fixtures/smtp/loopback-{cert,key}.pem: a self-signed certificate for 127.0.0.1 and
 * localhost, for these tests only (`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
 * -nodes -days 36500 -subj "/CN=…" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"
 * -addext "basicConstraints=critical,CA:TRUE" -keyout loopback-key.pem -out loopback-cert.pem`).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import {
  buildMimeMessage,
  mailerFromEnv,
  parseSmtpCredentials,
  type SmtpCredentials,
  SmtpMailer,
  type SmtpServer,
} from '../../functions/adapters/mail/mailer';
import { handlebarsTemplates } from '../../functions/adapters/render/templates';
import { buildBulletinModel } from '../../functions/core/bulletin/province-edition';
import type { Mailer } from '../../functions/core/ports';
import { parseConfig } from '../../functions/core/shared/config';
import { deliverEditions } from '../../functions/report/deliver';
import { type SendRequest, sendOnce } from '../../functions/core/delivery/send-once';
import { makeDoc } from '../helpers/bulletin-fixture';
import { startPipeline } from '../helpers/pipeline';

const FIXTURES = join(import.meta.dirname, '../fixtures/smtp');
const CERT = readFileSync(join(FIXTURES, 'loopback-cert.pem'));
const KEY = readFileSync(join(FIXTURES, 'loopback-key.pem'));
/** The client trusts the test certificate, and nothing else is relaxed. */
const TRUST = { ca: CERT };

const ACCOUNT: SmtpCredentials = { username: 'bulletin@example.gov.cn', password: 'Zx9-测试-口令' };
const FROM = '三个一批专班 <bulletin@example.gov.cn>';
const config = parseConfig({
  bulletin: { issuer: '河南省“三个一批”项目建设活动领导小组办公室', issueBase: 1, issueBaseMonth: '2026-01' },
  mail: { from: FROM, province: ['leaders@example.gov.cn', 'office@example.gov.cn'] },
});
const model = buildBulletinModel(makeDoc(), config, { issuedOn: '2026-11-05' });
// Bytes that survive only a correct base64 round trip (CR, LF, NUL, a lone dot line).
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from([0, 1, 2, 254, 255, 13, 10, 46, 13, 10]), Buffer.from('\n%%EOF\n')]);

interface Received {
  from: string;
  to: string[];
  user: unknown;
  secure: boolean;
  raw: Buffer;
}

interface TestServer {
  port: number;
  received: Received[];
  logins: Array<{ username: string; ok: boolean }>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/**
 * A real SMTP server on 127.0.0.1 that requires AUTH (PLAIN/LOGIN, only over TLS), accepts the
 * account `password()` returns, and refuses the recipients in `reject` with 550.
 */
async function smtpServer(opts: { secure?: boolean; starttls?: boolean; reject?: string[]; password?: () => string } = {}): Promise<TestServer> {
  const received: Received[] = [];
  const logins: TestServer['logins'] = [];
  const password = opts.password ?? (() => ACCOUNT.password);
  const options: SMTPServerOptions = {
    secure: opts.secure ?? false,
    key: KEY,
    cert: CERT,
    logger: false,
    disabledCommands: opts.starttls === false ? ['STARTTLS'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      const ok = auth.username === ACCOUNT.username && auth.password === password();
      logins.push({ username: auth.username ?? '', ok });
      if (ok) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (opts.reject?.includes(address.address)) cb(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user,
          secure: session.secure,
          raw: Buffer.concat(chunks),
        });
        cb(null, 'queued');
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const s: TestServer = {
    port: (server.server.address() as AddressInfo).port,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(s);
  return s;
}

const account = (creds: SmtpCredentials = ACCOUNT) => async () => creds;
const smtpMailer = (s: TestServer, o: Partial<SmtpServer> = {}) =>
  new SmtpMailer({ host: '127.0.0.1', port: s.port, secure: false, credentials: account(), tls: TRUST, ...o });

async function bulletinMail(to: string): Promise<Buffer> {
  return buildMimeMessage({
    from: FROM,
    to: [to],
    subject: model.email.subject,
    html: await handlebarsTemplates.emailHtml(model, { link: null }),
    text: 'text',
    attachments: [{ filename: model.email.attachmentName, content: PDF, contentType: 'application/pdf' }],
  });
}

async function expectBulletin(r: Received, to: string) {
  const email = await PostalMime.parse(r.raw);
  expect(email.from).toMatchObject({ address: 'bulletin@example.gov.cn', name: '三个一批专班' });
  expect(email.to?.map((a) => a.address)).toEqual([to]);
  expect(email.subject).toBe('【通报】2026年10月“三个一批”项目建设情况');
  expect(email.html).toContain('开工率');
  expect(email.attachments).toHaveLength(1);
  const att = email.attachments[0]!;
  expect(att.filename).toBe(model.email.attachmentName);
  expect(att.mimeType).toBe('application/pdf');
  expect(Buffer.from(att.content as ArrayBuffer).equals(PDF)).toBe(true);
  return email;
}

describe('SmtpMailer against a real SMTP server on loopback', () => {
  it('STARTTLS, then AUTH with the account: the server gets the bulletin with its PDF intact', async () => {
    const s = await smtpServer();
    const mailer = smtpMailer(s);
    try {
      const raw = await bulletinMail('leaders@example.gov.cn');
      const out = await mailer.send({ from: 'bulletin@example.gov.cn', to: ['leaders@example.gov.cn'], raw, name: 'x' });
      expect(s.received).toHaveLength(1);
      const r = s.received[0]!;
      expect(r).toMatchObject({ from: 'bulletin@example.gov.cn', to: ['leaders@example.gov.cn'], user: ACCOUNT.username, secure: true });
      // The same bytes, except that SMTP carries lines ending in CRLF only (RFC 5321 §2.3.8): the
      // HTML part's bare LFs arrive as CRLF.
      expect(r.raw.toString('latin1')).toBe(raw.toString('latin1').replace(/\r?\n/g, '\r\n'));
      const email = await expectBulletin(r, 'leaders@example.gov.cn');
      expect(out.messageId).toBe(email.messageId);
    } finally {
      mailer.close();
    }
  });

  it('implicit TLS (secure: true, as on port 465)', async () => {
    const s = await smtpServer({ secure: true });
    const mailer = smtpMailer(s, { secure: true });
    try {
      await mailer.send({ from: 'bulletin@example.gov.cn', to: ['leaders@example.gov.cn'], raw: await bulletinMail('leaders@example.gov.cn'), name: 'x' });
      expect(s.received).toHaveLength(1);
      expect(s.received[0]!.secure).toBe(true);
      await expectBulletin(s.received[0]!, 'leaders@example.gov.cn');
    } finally {
      mailer.close();
    }
  });

  it('never logs in without TLS: a server that offers no STARTTLS gets no password and no mail', async () => {
    const s = await smtpServer({ starttls: false });
    const mailer = smtpMailer(s);
    try {
      await expect(mailer.send({ from: 'bulletin@example.gov.cn', to: ['a@example.gov.cn'], raw: Buffer.from('x'), name: 'x' })).rejects.toThrow(/STARTTLS/i);
      expect(s.logins).toEqual([]);
      expect(s.received).toEqual([]);
    } finally {
      mailer.close();
    }
  });

  it('verifies the server certificate: an untrusted one is refused before AUTH', async () => {
    const s = await smtpServer();
    const mailer = smtpMailer(s, { tls: {} });
    try {
      await expect(mailer.send({ from: 'bulletin@example.gov.cn', to: ['a@example.gov.cn'], raw: Buffer.from('x'), name: 'x' })).rejects.toThrow(/certificate/i);
      expect(s.logins).toEqual([]);
    } finally {
      mailer.close();
    }
  });
});

describe('the report send path through SMTP (sendOnce, deliverEditions, the send log)', () => {
  let p: LocalPipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p?.close());

  const deps = (mailer: Mailer) => ({ sendLog: p.repo, config, composeMime: buildMimeMessage, mailer, now: () => new Date('2026-11-05T01:00:00Z') });
  const request = (recipient: string, month: string): SendRequest => ({
    month,
    edition: 'province',
    recipient,
    pdfKey: `reports/${month}/bulletin-${month}.pdf`,
    force: false,
    subject: model.email.subject,
    html: '<p>通报</p>',
    text: '通报',
    attachment: { filename: model.email.attachmentName, content: PDF },
    delivery: 'attachment',
  });

  it('delivers the edition to each recipient once, logged as sent with the message id', async () => {
    const s = await smtpServer();
    const mailer = smtpMailer(s);
    try {
      const rendered = [{ model, pdf: PDF, keys: { pdf: 'reports/2026-10/bulletin-2026-10.pdf', html: 'reports/2026-10/bulletin-2026-10.html' } }];
      const d = { ...deps(mailer), reportsBucket: 'reports', templates: handlebarsTemplates, presign: () => Promise.reject(new Error('no links here')) };
      const mails = await deliverEditions(d, '2026-10', rendered, { force: false });
      expect(mails.map((m) => [m.recipient, m.status])).toEqual([
        ['leaders@example.gov.cn', 'sent'],
        ['office@example.gov.cn', 'sent'],
      ]);
      expect(s.received.map((r) => r.to)).toEqual([['leaders@example.gov.cn'], ['office@example.gov.cn']]);
      for (const [i, to] of ['leaders@example.gov.cn', 'office@example.gov.cn'].entries()) {
        const email = await expectBulletin(s.received[i]!, to);
        expect(mails[i]!.messageId).toBe(email.messageId);
        expect(await p.repo.getSendLog('2026-10', 'province', mails[i]!.recipient)).toMatchObject({ status: 'sent', messageId: email.messageId });
      }
      // A re-run skips what the log says was sent: the server gets nothing more.
      const again = await deliverEditions(d, '2026-10', rendered, { force: false });
      expect(again.map((m) => m.status)).toEqual(['skipped', 'skipped']);
      expect(s.received).toHaveLength(2);
    } finally {
      mailer.close();
    }
  });

  it('a recipient the server refuses (550) is a failed send with the server’s reply; the others still go', async () => {
    const s = await smtpServer({ reject: ['nobody@example.gov.cn'] });
    const mailer = smtpMailer(s);
    try {
      const refused = await sendOnce(deps(mailer), request('nobody@example.gov.cn', '2026-09'));
      expect(refused.status).toBe('failed');
      expect(refused.error).toMatch(/550/);
      expect(refused.error).toContain('Recipient address rejected: User unknown');
      expect(await p.repo.getSendLog('2026-09', 'province', 'nobody@example.gov.cn')).toMatchObject({ status: 'failed', error: refused.error });
      expect((await sendOnce(deps(mailer), request('leaders@example.gov.cn', '2026-09'))).status).toBe('sent');
      expect(s.received.map((r) => r.to)).toEqual([['leaders@example.gov.cn']]);
    } finally {
      mailer.close();
    }
  });

  it('a refused login (535) is a failed send with the server’s reply, and never shows the password', async () => {
    const s = await smtpServer({ password: () => 'the-right-one' });
    const mailer = smtpMailer(s);
    try {
      const out = await sendOnce(deps(mailer), request('leaders@example.gov.cn', '2026-08'));
      expect(out.status).toBe('failed');
      expect(out.error).toMatch(/535/);
      expect(out.error).toContain('Authentication credentials invalid');
      expect(out.error).not.toContain(ACCOUNT.password);
      const logged = await p.repo.getSendLog('2026-08', 'province', 'leaders@example.gov.cn');
      expect(logged).toMatchObject({ status: 'failed' });
      expect(JSON.stringify(logged)).not.toContain(ACCOUNT.password);
      expect(s.received).toEqual([]);
    } finally {
      mailer.close();
    }
  });
});

describe('in Lambda: mailerFromEnv builds the SMTP mailer from the environment and the secret', () => {
  const secrets = mockClient(SecretsManagerClient);
  const ses = mockClient(SESv2Client);
  const SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:three-batches/smtp-AbC123';
  afterEach(() => {
    secrets.reset();
    ses.reset();
  });
  const lambdaEnv = (s: TestServer, more: Record<string, string> = {}) => ({
    AWS_LAMBDA_FUNCTION_NAME: 'ThreeBatches-Report',
    AWS_REGION: 'cn-north-1',
    MAIL_TRANSPORT: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(s.port),
    SMTP_SECURE: 'false',
    SMTP_SECRET_ARN: SECRET_ARN,
    ...more,
  });
  const client = () => new SecretsManagerClient({ region: 'cn-north-1' });

  it('reads the account once per container, logs in with it, and never calls SES', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify(ACCOUNT) });
    const s = await smtpServer();
    const mailer = mailerFromEnv(undefined, lambdaEnv(s), { secretsManager: client(), tls: TRUST });
    expect(mailer).toBeInstanceOf(SmtpMailer);
    try {
      for (const to of ['leaders@example.gov.cn', 'office@example.gov.cn']) {
        await mailer.send({ from: 'bulletin@example.gov.cn', to: [to], raw: await bulletinMail(to), name: to });
      }
      expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN }]);
      expect(ses.calls()).toHaveLength(0);
      expect(s.logins).toEqual([
        { username: ACCOUNT.username, ok: true },
        { username: ACCOUNT.username, ok: true },
      ]);
      await expectBulletin(s.received[1]!, 'office@example.gov.cn');
    } finally {
      (mailer as SmtpMailer).close();
    }
  });

  it('implicit TLS by default (SMTP_SECURE unset), on the port given', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(ACCOUNT) });
    const s = await smtpServer({ secure: true });
    const env: Record<string, string> = lambdaEnv(s);
    delete env.SMTP_SECURE;
    const mailer = mailerFromEnv(undefined, env, { secretsManager: client(), tls: TRUST }) as SmtpMailer;
    try {
      await mailer.send({ from: 'bulletin@example.gov.cn', to: ['a@example.gov.cn'], raw: await bulletinMail('a@example.gov.cn'), name: 'a' });
      expect(s.received).toHaveLength(1);
    } finally {
      mailer.close();
    }
  });

  it('reads the secret again after a refused login, so a password ops just fixed is used by the next send', async () => {
    let current = 'old-password';
    secrets.on(GetSecretValueCommand).callsFake(() => ({ SecretString: JSON.stringify({ ...ACCOUNT, password: current }) }));
    const s = await smtpServer();
    const mailer = mailerFromEnv(undefined, lambdaEnv(s), { secretsManager: client(), tls: TRUST }) as SmtpMailer;
    try {
      const msg = { from: 'bulletin@example.gov.cn', to: ['a@example.gov.cn'], raw: await bulletinMail('a@example.gov.cn'), name: 'a' };
      await expect(mailer.send(msg)).rejects.toThrow(/535/);
      current = ACCOUNT.password;
      await mailer.send(msg);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
      expect(s.received).toHaveLength(1);
    } finally {
      mailer.close();
    }
  });

  it('a secret that cannot be read fails the send (and is tried again at the next one)', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' }))
      .resolves({ SecretString: JSON.stringify(ACCOUNT) });
    const s = await smtpServer();
    const mailer = mailerFromEnv(undefined, lambdaEnv(s), { secretsManager: client(), tls: TRUST }) as SmtpMailer;
    try {
      const msg = { from: 'bulletin@example.gov.cn', to: ['a@example.gov.cn'], raw: await bulletinMail('a@example.gov.cn'), name: 'a' };
      await expect(mailer.send(msg)).rejects.toThrow(/not authorized/);
      await mailer.send(msg);
      expect(s.received).toHaveLength(1);
    } finally {
      mailer.close();
    }
  });

  it('refuses an incomplete SMTP environment at cold start', () => {
    const base = { AWS_LAMBDA_FUNCTION_NAME: 'r', MAIL_TRANSPORT: 'smtp' };
    expect(() => mailerFromEnv(undefined, base)).toThrow(/SMTP_URL, or SMTP_HOST and SMTP_SECRET_ARN/);
    expect(() => mailerFromEnv(undefined, { ...base, SMTP_HOST: 'smtp.example.gov.cn' })).toThrow(/SMTP_SECRET_ARN/);
    expect(() => mailerFromEnv(undefined, { ...base, SMTP_HOST: 'h', SMTP_URL: 'smtp://h:25' })).toThrow(/not both/);
    expect(() => mailerFromEnv(undefined, { ...base, SMTP_HOST: 'h', SMTP_SECRET_ARN: SECRET_ARN, SMTP_PORT: '0' })).toThrow(/SMTP_PORT/);
    expect(() => mailerFromEnv(undefined, { ...base, SMTP_HOST: 'h', SMTP_SECRET_ARN: SECRET_ARN, SMTP_SECURE: 'yes' })).toThrow(/SMTP_SECURE/);
  });
});

describe('parseSmtpCredentials', () => {
  const SECRET = 'hunter2-口令';
  it('reads {"username","password"}', () => {
    expect(parseSmtpCredentials(JSON.stringify({ username: ' u@example.gov.cn ', password: SECRET }), 'arn:x')).toEqual({ username: 'u@example.gov.cn', password: SECRET });
  });

  it.each([
    ['not JSON', `password=${SECRET}`, /is not JSON/],
    ['a JSON string', JSON.stringify(SECRET), /value is not an object/],
    ['no username (the secret the stack created, not yet filled in)', JSON.stringify({ username: '', password: SECRET }), /username empty/],
    ['no password', JSON.stringify({ username: 'u' }), /password missing/],
    ['no value at all', undefined, /is not JSON/],
  ])('refuses %s, naming the secret and never its value', (_name, value, message) => {
    let error: Error | undefined;
    try {
      parseSmtpCredentials(value, 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:smtp-AbC123');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain('arn:aws-cn:secretsmanager:cn-north-1:1:secret:smtp-AbC123');
    expect(error?.message).toContain('{"username":"…","password":"…"}');
    expect(error?.message).not.toContain('hunter2');
  });
});
