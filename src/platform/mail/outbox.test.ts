// The outbox against a real SMTP server started inside the test.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, type TestData } from '../../../test/helpers/database.ts';
import { inTransaction } from '../db/database.ts';
import { enqueueMail } from './outbox.ts';
import { smtpTransport, type MailTransport, type SendableMail } from './transport.ts';
import { MAIL_BATCH, mailJobHandlers, MAX_ATTEMPTS, retryMessage, sendDueMail } from './worker.ts';

type Received = { to: string[]; raw: string };

/** A real SMTP server on a loopback port. rejectRcpt makes it refuse a recipient with the given code. */
class TestSmtp {
  received: Received[] = [];
  rejectRcpt: number | null = null;
  #server: SMTPServer | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.rejectRcpt) {
          const error = new Error(`Refused ${address.address}`) as Error & { responseCode: number };
          error.responseCode = this.rejectRcpt;
          return callback(error);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.#server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
    this.#server = null;
  }
}

const FROM = 'Coproduce <no-reply@example.org>';

describe('mail outbox', () => {
  let data: TestData;
  let smtp: TestSmtp;
  let transport: MailTransport;
  const clock = testClock('2026-02-01T10:00:00Z');

  before(async () => {
    smtp = new TestSmtp();
    await smtp.start();
  });
  after(async () => {
    await smtp.stop();
  });
  beforeEach(async () => {
    await data?.close();
    data = await createTestDatabase();
    // Tests move the clock: each starts from the same moment.
    clock.set('2026-02-01T10:00:00Z');
    smtp.received = [];
    smtp.rejectRcpt = null;
    transport = smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
  });
  after(async () => {
    await data.close();
  });

  const queue = (to = 'sam@example.org', subject = 'Hello') =>
    inTransaction(data.db, (tx) => enqueueMail(tx, { to, subject, text: 'Plain body', html: '<p>HTML body</p>' }, clock));
  const row = async () => data.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();

  it('delivers a queued message once, with text and HTML parts and its Message-ID', async () => {
    await queue();
    const result = await sendDueMail(data.db, transport, FROM, clock);
    assert.deepEqual(result, { sent: 1, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1);
    const message = smtp.received[0]!;
    assert.deepEqual(message.to, ['sam@example.org']);
    assert.match(message.raw, /Plain body/);
    assert.match(message.raw, /HTML body/);
    assert.match(message.raw, /multipart\/alternative/);
    const sent = await row();
    assert.ok(message.raw.includes(`Message-ID: ${sent.message_id}`));
    assert.equal(sent.status, 'sent');
    assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 0, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1);
  });

  it('sends a calendar invitation as the text/calendar part, and a message without one unchanged', async () => {
    const content = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n';
    await inTransaction(data.db, (tx) => enqueueMail(tx, { to: 'sam@example.org', subject: 'Invitation', text: 'Plain body', html: '<p>HTML body</p>', calendar: { method: 'REQUEST', filename: 'invite.ics', content } }, clock));
    await queue('kim@example.org', 'No calendar');
    const seen: SendableMail[] = [];
    const recording: MailTransport = { send: async (mail) => void seen.push(mail), close: () => {} };
    assert.deepEqual(await sendDueMail(data.db, recording, FROM, clock), { sent: 2, retried: 0, failed: 0 });
    const to = <T extends { to: string | string[] }>(list: T[], address: string) => list.find((m) => [m.to].flat().includes(address))!;
    assert.deepEqual(to(seen, 'sam@example.org').icalEvent, { method: 'REQUEST', filename: 'invite.ics', content }, 'the transport is handed the calendar content');
    assert.equal('icalEvent' in to(seen, 'kim@example.org'), false, 'a message without one has no calendar part');
    // Over real SMTP, nodemailer makes it the text/calendar alternative with its METHOD.
    await data.db.updateTable('outbox').set({ status: 'pending' }).execute();
    await sendDueMail(data.db, transport, FROM, clock);
    const [withCalendar, without] = [to(smtp.received, 'sam@example.org'), to(smtp.received, 'kim@example.org')];
    assert.match(withCalendar!.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    assert.match(withCalendar!.raw, /METHOD:REQUEST/);
    assert.doesNotMatch(without!.raw, /text\/calendar/);
    assert.match(without!.raw, /Plain body/);
  });

  it('queues nothing when the change that caused the email rolls back', async () => {
    await assert.rejects(
      inTransaction(data.db, async (tx) => {
        await enqueueMail(tx, { to: 'x@example.org', subject: 'Never', text: 'x' }, clock);
        throw new Error('the change failed');
      }),
    );
    assert.equal((await data.db.selectFrom('outbox').selectAll().execute()).length, 0);
  });

  it('keeps a message when SMTP is down and delivers it exactly once when it is back', async () => {
    await queue();
    await smtp.stop();
    try {
      const down = await sendDueMail(data.db, transport, FROM, clock);
      assert.deepEqual(down, { sent: 0, retried: 1, failed: 0 });
      const waiting = await row();
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.attempts, 0, 'an unreachable server does not use up a try');
      assert.ok(waiting.last_error);
      assert.ok(waiting.next_attempt_at > clock().toISOString(), 'waits a little');
      assert.ok(waiting.next_attempt_at <= new Date(clock().getTime() + 60_000).toISOString(), 'but tries again within a minute');
      assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 0, retried: 0, failed: 0 }, 'not retried before its time');
    } finally {
      await smtp.start(smtp.port);
    }
    clock.advance(2 * 60_000);
    assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 0, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1);
    assert.equal((await row()).status, 'sent');
  });

  it('marks a permanently refused message failed after one try', async () => {
    await queue('nobody@example.org');
    smtp.rejectRcpt = 550;
    assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 0, retried: 0, failed: 1 });
    const failed = await row();
    assert.equal(failed.status, 'failed');
    assert.match(failed.last_error!, /550|Refused/);
  });

  it(`marks a message failed after ${MAX_ATTEMPTS} temporary failures, and an admin retry delivers it`, async () => {
    await queue();
    smtp.rejectRcpt = 451;
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      const r = await sendDueMail(data.db, transport, FROM, clock);
      assert.equal(i < MAX_ATTEMPTS ? r.retried : r.failed, 1, `try ${i}`);
      clock.advance(5 * 60 * 60_000);
    }
    assert.equal((await row()).status, 'failed');
    smtp.rejectRcpt = null;
    assert.equal(await retryMessage(data.db, (await row()).id, clock), true);
    assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 1, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1);
  });

  it('never delivers a message twice when two workers race', async () => {
    for (let i = 0; i < 10; i++) await queue(`p${i}@example.org`);
    const other = smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
    const [a, b] = await Promise.all([sendDueMail(data.db, transport, FROM, clock), sendDueMail(data.db, other, FROM, clock)]);
    assert.equal(a.sent + b.sent, 10);
    assert.equal(smtp.received.length, 10);
    assert.equal(new Set(smtp.received.map((m) => m.to[0])).size, 10);
  });

  it('sends a burst in one run of the mail job, pass after pass, not one batch every five seconds', async () => {
    for (let i = 0; i < MAIL_BATCH * 2 + 5; i++) await queue(`burst${i}@example.org`);
    const run = mailJobHandlers(transport, FROM)['mail.send']!;
    await run({}, { id: 1, kind: 'mail.send', key: null, attempt: 1, runAt: clock().toISOString(), db: data.db, clock });
    assert.equal(smtp.received.length, MAIL_BATCH * 2 + 5);
    const left = await data.db.selectFrom('outbox').select('id').where('status', '!=', 'sent').execute();
    assert.deepEqual(left, []);
  });

  it('marks a message interrupted mid-send as failed rather than sending it again', async () => {
    await queue();
    await data.db.updateTable('outbox').set({ status: 'sending', claimed_at: clock().toISOString(), attempts: 1 }).execute();
    clock.advance(11 * 60_000);
    assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 0, retried: 0, failed: 0 });
    const interrupted = await row();
    assert.equal(interrupted.status, 'failed');
    assert.match(interrupted.last_error!, /interrupted/);
    assert.equal(smtp.received.length, 0);
  });
});
