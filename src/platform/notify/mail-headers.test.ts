// A notification email reaches a real SMTP server with its one-click unsubscribe headers (RFC 8058).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, type TestData } from '../../../test/helpers/database.ts';
import { upsertPerson } from '../auth/people.ts';
import { inTransaction } from '../db/database.ts';
import { smtpTransport } from '../mail/transport.ts';
import { sendDueMail } from '../mail/worker.ts';
import { declareNotificationKinds } from './kinds.ts';
import { notify } from './notify.ts';

declareNotificationKinds({ kind: 'test.headers', label: 'When something new is posted for you', defaultDelivery: 'immediately' });

let data: TestData;
let server: SMTPServer;
let port = 0;
const received: string[] = [];
beforeEach(async () => {
  data = await createTestDatabase();
  received.length = 0;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await data.close();
});

it('sends List-Unsubscribe and List-Unsubscribe-Post with a notification', async () => {
  const clock = testClock();
  const { person } = await upsertPerson(data.db, { email: 'ada@example.org', name: 'Ada Example', role: 'participant' }, clock);
  const ctx = { clock, baseUrl: 'https://coproduce.example.org', secret: 'a-test-secret-that-is-long-enough-for-hmac' };
  await inTransaction(data.db, (tx) => notify(tx, ctx, person.id, 'test.headers', { kind: 'test-item', id: 1, title: 'Item', url: '/items/1', group: 'Project A' }, { subject: 'New', greeting: 'Hello,', parts: ['Something new.'] }));
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
  try {
    assert.equal((await sendDueMail(data.db, transport, 'Coproduce <no-reply@example.org>', clock)).sent, 1);
  } finally {
    transport.close();
  }
  const raw = received[0]!.replace(/\r\n[ \t]+/g, ' ');
  assert.match(raw, /^List-Unsubscribe: <https:\/\/coproduce\.example\.org\/unsubscribe\/[\w-]+\.[\w-]+>$/m);
  assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
});
