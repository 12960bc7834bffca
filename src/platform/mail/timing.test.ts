// Mail timing against real SMTP servers: a silent server fails fast, several messages go at once,
// sign-in links go first, and a server that was down is tried again soon, not after a back-off.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, beforeEach, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../../../test/helpers/database.ts';
import { enqueueMail, type Email } from './outbox.ts';
import { SMTP_TIMEOUTS, smtpTransport } from './transport.ts';
import { CONNECTION_RETRY_MS, MAIL_CONCURRENCY, MAX_ATTEMPTS, sendDueMail } from './worker.ts';

const FROM = 'Coproduce <no-reply@example.org>';

/** Accepts connections and never says a word (no SMTP greeting). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A real SMTP server that takes `delayMs` to accept each message and records the order and overlap. */
class SlowSmtp {
  received: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  port = 0;
  readonly delayMs: number;
  #server: SMTPServer | null = null;
  constructor(delayMs: number) {
    this.delayMs = delayMs;
  }
  async start(port = 0): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        stream.resume();
        stream.on('end', () =>
          setTimeout(() => {
            this.inFlight--;
            this.received.push(session.envelope.rcptTo[0]!.address);
            callback();
          }, this.delayMs),
        );
      },
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.#server.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server = null;
  }
}

describe(`mail timing on ${TEST_ENGINE}`, () => {
  let data: TestData;
  const clock = testClock('2026-02-01T10:00:00Z');
  beforeEach(async () => {
    await data?.close();
    data = await createTestDatabase();
    // Tests move the clock: each starts from the same moment.
    clock.set('2026-02-01T10:00:00Z');
  });
  after(() => data?.close());

  const queue = (to: string, extra: Partial<Email> = {}) => enqueueMail(data.db, { to, subject: 'Hello', text: 'Body', ...extra }, clock);
  const rows = () => data.db.selectFrom('outbox').selectAll().orderBy('id').execute();

  it('has connection and greeting timeouts of seconds, not minutes', () => {
    assert.ok(SMTP_TIMEOUTS.connectionMs <= 10_000);
    assert.ok(SMTP_TIMEOUTS.greetingMs <= 10_000);
  });

  it('gives up on a server that never greets within the greeting timeout, and tries again soon without using up a try', { timeout: 15_000 }, async () => {
    const silent = await silentServer();
    const transport = smtpTransport(`smtp://127.0.0.1:${silent.port}`, { greetingMs: 300 });
    try {
      for (let i = 0; i < 5; i++) await queue(`p${i}@example.org`);
      const started = Date.now();
      const result = await sendDueMail(data.db, transport, FROM, clock);
      const took = Date.now() - started;
      assert.ok(took < 3000, `a pass against a silent server took ${took} ms`);
      assert.equal(result.sent, 0);
      assert.equal(result.failed, 0);
      for (const m of await rows()) {
        assert.equal(m.status, 'pending');
        assert.equal(m.attempts, 0, 'a server that never answered does not use up a try');
        assert.ok(m.next_attempt_at <= new Date(clock().getTime() + CONNECTION_RETRY_MS).toISOString(), 'tried again soon');
      }
    } finally {
      transport.close();
      await silent.close();
    }
  });

  it(`sends up to ${MAIL_CONCURRENCY} messages at once`, { timeout: 15_000 }, async () => {
    const smtp = new SlowSmtp(250);
    await smtp.start();
    const transport = smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
    try {
      for (let i = 0; i < 8; i++) await queue(`p${i}@example.org`);
      const started = Date.now();
      assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 8, retried: 0, failed: 0 });
      const took = Date.now() - started;
      assert.ok(smtp.maxInFlight > 1, 'more than one message was in flight');
      assert.ok(smtp.maxInFlight <= MAIL_CONCURRENCY, `at most ${MAIL_CONCURRENCY} at once (${smtp.maxInFlight})`);
      assert.ok(took < 8 * 250, `eight messages took ${took} ms, as long as one at a time`);
      assert.equal(smtp.received.length, 8);
    } finally {
      transport.close();
      await smtp.stop();
    }
  });

  it('sends sign-in links before other mail that was queued earlier', { timeout: 15_000 }, async () => {
    const smtp = new SlowSmtp(0);
    await smtp.start();
    const transport = smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
    try {
      for (let i = 0; i < 3; i++) await queue(`news${i}@example.org`, { category: 'programme' });
      await queue('signin@example.org', { subject: 'Your Coproduce sign-in link', category: 'essential' });
      await queue('urgent@example.org', { priority: 'first' });
      await sendDueMail(data.db, transport, FROM, clock, 20, 1);
      assert.deepEqual(smtp.received.slice(0, 2), ['signin@example.org', 'urgent@example.org']);
      assert.equal(smtp.received.length, 5);
    } finally {
      transport.close();
      await smtp.stop();
    }
  });

  it('sends mail within a minute of the server coming back, however long it was down', { timeout: 30_000 }, async () => {
    const smtp = new SlowSmtp(0);
    await smtp.start();
    const port = smtp.port;
    await smtp.stop();
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    try {
      await queue('signin@example.org', { category: 'essential' });
      // Down for longer than every back-off step put together would allow tries.
      for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
        const r = await sendDueMail(data.db, transport, FROM, clock);
        assert.deepEqual(r, { sent: 0, retried: 1, failed: 0 }, `pass ${i}`);
        clock.advance(CONNECTION_RETRY_MS);
      }
      const [waiting] = await rows();
      assert.equal(waiting!.status, 'pending', 'never marked failed for an outage');
      await smtp.start(port);
      assert.deepEqual(await sendDueMail(data.db, transport, FROM, clock), { sent: 1, retried: 0, failed: 0 });
      assert.deepEqual(smtp.received, ['signin@example.org']);
    } finally {
      transport.close();
      await smtp.stop();
    }
  });
});

