import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../cli/local/runtime';
import { buildMimeMessage } from '../../functions/adapters/mail/mailer';
import type { Mailer, OutgoingMessage } from '../../functions/core/ports';
import { parseConfig } from '../../functions/core/shared/config';
import { type SendRequest, sendOnce } from '../../functions/core/delivery/send-once';
import { startPipeline } from '../helpers/pipeline';

/**
 * Send once under concurrency (issue 11): each mail is claimed in the table (a conditional write)
 * before it is sent. Two runs that overlap exactly where it matters — one has claimed and is
 * sending, the other arrives — are made to overlap there by a mailer that waits on a gate, so the
 * test never depends on timing.
 */
let p: LocalPipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(() => p?.close());

const config = parseConfig({});
const NOW = new Date('2026-11-05T01:00:00Z');

/** A mailer whose sends wait until `open()`; it counts what it sent. */
function gatedMailer() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let entered!: () => void;
  const sending = new Promise<void>((r) => (entered = r));
  const sent: OutgoingMessage[] = [];
  const mailer: Mailer = {
    async send(m) {
      entered();
      await gate;
      sent.push(m);
      return { messageId: `msg-${sent.length}` };
    },
  };
  return { mailer, sent, open, sending };
}

const request = (recipient: string, force = false): SendRequest => ({
  month: '2026-10',
  edition: 'province',
  recipient,
  pdfKey: 'reports/2026-10/bulletin-2026-10.pdf',
  force,
  subject: '通报',
  html: '<p>通报</p>',
  text: '通报',
  attachment: null,
  delivery: 'attachment',
});

const deps = (mailer: Mailer, now = NOW) => ({ sendLog: p.repo, config, composeMime: buildMimeMessage, mailer, now: () => now });

describe('sendOnce claims each mail before sending it', () => {
  it.each([
    ['two ordinary runs', false, false],
    ['a forced run arriving while an ordinary one sends', false, true],
    ['two forced runs', true, true],
  ])('%s: the second is skipped while the first sends; the mail goes once', async (_name, forceA, forceB) => {
    const to = `r-${forceA}-${forceB}@example.gov.cn`;
    const g = gatedMailer();
    const first = sendOnce(deps(g.mailer), request(to, forceA));
    await g.sending; // the first run has claimed the mail and is inside the send
    const second = await sendOnce(deps(g.mailer), request(to, forceB));
    expect(second.status).toBe('skipped');
    g.open();
    expect((await first).status).toBe('sent');
    expect(g.sent).toHaveLength(1);
    expect(await p.repo.getSendLog('2026-10', 'province', to)).toMatchObject({ status: 'sent', messageId: 'msg-1' });
  });

  it('after the send, an ordinary run skips and a forced one sends again', async () => {
    const to = 'after@example.gov.cn';
    const g = gatedMailer();
    g.open();
    expect((await sendOnce(deps(g.mailer), request(to))).status).toBe('sent');
    expect((await sendOnce(deps(g.mailer), request(to))).status).toBe('skipped');
    expect((await sendOnce(deps(g.mailer), request(to, true))).status).toBe('sent');
    expect(g.sent).toHaveLength(2);
  });

  it('a failed send releases the claim: the next run sends', async () => {
    const to = 'retry@example.gov.cn';
    const failing: Mailer = { send: async () => Promise.reject(new Error('SMTP 451 try later')) };
    expect(await sendOnce(deps(failing), request(to))).toMatchObject({ status: 'failed', error: 'SMTP 451 try later' });
    const g = gatedMailer();
    g.open();
    expect((await sendOnce(deps(g.mailer), request(to))).status).toBe('sent');
    expect(g.sent).toHaveLength(1);
  });

  it('a claim left by a run that died is taken over once it is stale (20 minutes), not before', async () => {
    const to = 'stale@example.gov.cn';
    const dead = gatedMailer(); // never opened: this run "dies" inside the send
    void sendOnce(deps(dead.mailer), request(to));
    await dead.sending;
    const g = gatedMailer();
    g.open();
    const soon = new Date(NOW.getTime() + 19 * 60_000);
    expect((await sendOnce(deps(g.mailer, soon), request(to))).status).toBe('skipped');
    const later = new Date(NOW.getTime() + 21 * 60_000);
    expect((await sendOnce(deps(g.mailer, later), request(to))).status).toBe('sent');
    expect(g.sent).toHaveLength(1);
  });
});
