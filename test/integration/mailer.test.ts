import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import PostalMime from 'postal-mime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emailText } from '../../functions/core/bulletin/email';
import { buildBulletinModel } from '../../functions/core/bulletin/province-edition';
import {
  buildMimeMessage,
  mailerFromEnv,
  messageIdOf,
  OutboxMailer,
  SesMailer,
  SmtpMailer,
  TeeMailer,
} from '../../functions/adapters/mail/mailer';
import { renderEmailHtml } from '../../functions/adapters/render/templates';
import { makeDoc, testConfig } from '../helpers/bulletin-fixture';

const model = buildBulletinModel(makeDoc(), testConfig, { issuedOn: '2026-11-05' });
// A small "PDF" with bytes that survive only a correct base64 round trip.
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from([0, 1, 2, 254, 255, 13, 10, 46, 13, 10]), Buffer.from('\n%%EOF\n')]);

async function message(): Promise<Buffer> {
  return buildMimeMessage({
    from: testConfig.mail.from,
    to: ['leaders@example.gov.cn', '办公室 <office@example.gov.cn>'],
    subject: model.email.subject,
    html: await renderEmailHtml(model),
    text: emailText(model),
    attachments: [{ filename: model.email.attachmentName, content: PDF, contentType: 'application/pdf' }],
  });
}

describe('MIME message via the outbox', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tb-outbox-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes {name}.eml that parses back with Chinese headers, the rates and the PDF', async () => {
    const raw = await message();
    // Headers are 7-bit: Chinese is encoded (RFC 2047 / 2231), never raw UTF-8.
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
    expect(head).toMatch(/^Subject: =\?UTF-8\?/im);
    expect(/[^\x00-\x7f]/.test(head)).toBe(false);

    const mailer = new OutboxMailer(dir);
    const sent = await mailer.send({ from: testConfig.mail.from, to: ['leaders@example.gov.cn'], raw, name: '2026-10-province' });
    expect(sent.messageId).toMatch(/^<.+@.+>$/);
    expect(await readdir(dir)).toEqual(['2026-10-province.eml']);

    const eml = await readFile(join(dir, '2026-10-province.eml'));
    expect(eml.equals(raw)).toBe(true);
    const email = await PostalMime.parse(eml);
    expect(email.from?.address).toBe('bulletin@example.gov.cn');
    expect(email.from?.name).toBe('三个一批专班');
    expect(email.to?.map((a) => a.address)).toEqual(['leaders@example.gov.cn', 'office@example.gov.cn']);
    expect(email.to?.[1].name).toBe('办公室');
    expect(email.subject).toBe('【通报】2026年10月“三个一批”项目建设情况');
    expect(email.messageId).toBe(sent.messageId);
    expect(email.html).toContain('57.0%');
    expect(email.html).toContain('开工率');
    expect(email.text).toContain('开工率：57.0%（较上月 -0.8）');

    expect(email.attachments).toHaveLength(1);
    const att = email.attachments[0];
    expect(att.filename).toBe('三个一批项目建设月度通报-2026年10月（第10期）.pdf');
    expect(att.mimeType).toBe('application/pdf');
    expect(att.disposition).toBe('attachment');
    const content = Buffer.from(att.content as ArrayBuffer);
    expect(content.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(content.equals(PDF)).toBe(true);
  });

  it('keeps the file name inside the outbox', async () => {
    const mailer = new OutboxMailer(dir);
    expect(mailer.pathFor('../../etc/passwd')).toBe(join(dir, '_etc_passwd.eml'));
    expect(mailer.pathFor('郑州 2026/10')).toBe(join(dir, '郑州_2026_10.eml'));
  });

  it('refuses a message without recipients', async () => {
    await expect(buildMimeMessage({ from: 'a@b.cn', to: [], subject: 's', html: '', text: '' })).rejects.toThrow(/no recipients/);
  });
});

describe('SesMailer', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => {
    ses.reset();
    delete process.env.SES_CONFIGURATION_SET;
  });

  it('sends the raw bytes with the configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-123' });
    process.env.SES_CONFIGURATION_SET = 'tb-bulletins';
    const raw = await message();
    const mailer = new SesMailer({ client: new SESv2Client({ region: 'cn-north-1' }) });
    const out = await mailer.send({ from: testConfig.mail.from, to: ['leaders@example.gov.cn'], raw, name: 'x' });
    expect(out).toEqual({ messageId: 'ses-123' });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.FromEmailAddress).toBe(testConfig.mail.from);
    expect(input.Destination?.ToAddresses).toEqual(['leaders@example.gov.cn']);
    expect(input.ConfigurationSetName).toBe('tb-bulletins');
    expect(Buffer.from(input.Content!.Raw!.Data!).equals(raw)).toBe(true);
    expect(input.Content?.Simple).toBeUndefined();
  });

  it('omits the configuration set when none is configured', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await new SesMailer({ client: new SESv2Client({ region: 'cn-north-1' }) }).send({ from: 'a@b.cn', to: ['c@d.cn'], raw: Buffer.from('x'), name: 'x' });
    expect('ConfigurationSetName' in ses.commandCalls(SendEmailCommand)[0].args[0].input).toBe(false);
  });

  it('propagates an SES error', async () => {
    const err = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    ses.on(SendEmailCommand).rejects(err);
    const mailer = new SesMailer({ client: new SESv2Client({ region: 'cn-north-1' }) });
    await expect(mailer.send({ from: 'a@b.cn', to: ['c@d.cn'], raw: Buffer.from('x'), name: 'x' })).rejects.toThrow(
      'Email address is not verified.',
    );
  });
});

/** A minimal SMTP sink: enough of RFC 5321 for nodemailer to deliver one message. */
function smtpSink(): Promise<{ server: Server; port: number; messages: Array<{ from: string; to: string[]; data: string }> }> {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const server = createServer((sock: Socket) => {
    let buf = '';
    let inData = false;
    let cur = { from: '', to: [] as string[], data: '' };
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(cur);
          cur = { from: '', to: [], data: '' };
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250-sink\r\n250 8BITMIME\r\n');
        else if (cmd === 'MAIL') (cur.from = /<([^>]*)>/.exec(line)?.[1] ?? ''), sock.write('250 OK\r\n');
        else if (cmd === 'RCPT') cur.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''), sock.write('250 OK\r\n');
        else if (cmd === 'DATA') (inData = true), sock.write('354 go ahead\r\n');
        else if (cmd === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 OK\r\n');
      }
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as { port: number }).port, messages })));
}

describe('SmtpMailer and mailerFromEnv', () => {
  it('delivers the raw message over SMTP to the envelope recipients', async () => {
    const sink = await smtpSink();
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${sink.port}?ignoreTLS=true`);
    try {
      const raw = await message();
      const out = await mailer.send({ from: 'bulletin@example.gov.cn', to: ['a@example.gov.cn', 'b@example.gov.cn'], raw, name: 'x' });
      expect(out.messageId).toBe(messageIdOf(raw));
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0].from).toBe('bulletin@example.gov.cn');
      expect(sink.messages[0].to).toEqual(['a@example.gov.cn', 'b@example.gov.cn']);
      const parsed = await PostalMime.parse(sink.messages[0].data.replace(/^\.\./gm, '.'));
      expect(parsed.subject).toBe(model.email.subject);
    } finally {
      mailer.close();
      await new Promise<void>((r) => sink.server.close(() => r()));
    }
  });

  it('chooses the transport from the environment', () => {
    expect(mailerFromEnv('/tmp/o', {})).toBeInstanceOf(OutboxMailer);
    expect((mailerFromEnv(undefined, { TB_OUTBOX_DIR: '/tmp/tb-o' }) as OutboxMailer).dir).toBe('/tmp/tb-o');
    expect(mailerFromEnv('/tmp/o', { AWS_LAMBDA_FUNCTION_NAME: 'report', AWS_REGION: 'us-east-1' })).toBeInstanceOf(SesMailer);
    expect(mailerFromEnv('/tmp/o', { SMTP_URL: 'smtp://127.0.0.1:1' })).toBeInstanceOf(TeeMailer);
    expect(mailerFromEnv('/tmp/o', { SMTP_URL: 'smtp://127.0.0.1:1', AWS_LAMBDA_FUNCTION_NAME: 'r' })).toBeInstanceOf(SesMailer);
    expect(mailerFromEnv('/tmp/o', { MAIL_TRANSPORT: 'outbox', AWS_LAMBDA_FUNCTION_NAME: 'r' })).toBeInstanceOf(OutboxMailer);
    expect(mailerFromEnv('/tmp/o', { MAIL_TRANSPORT: 'SES', AWS_REGION: 'us-east-1' })).toBeInstanceOf(SesMailer);
    expect(mailerFromEnv('/tmp/o', { MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://127.0.0.1:1', AWS_LAMBDA_FUNCTION_NAME: 'r' })).toBeInstanceOf(SmtpMailer);
    expect(() => mailerFromEnv('/tmp/o', { MAIL_TRANSPORT: 'smtp' })).toThrow(/SMTP_URL/);
    expect(() => mailerFromEnv('/tmp/o', { MAIL_TRANSPORT: 'pigeon' })).toThrow(/unknown MAIL_TRANSPORT/);
  });
});
