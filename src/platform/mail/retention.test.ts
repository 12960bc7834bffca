// Sent messages lose their bodies (and the links in them) after the retention time; the record stays.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../../../test/helpers/database.ts';
import { enqueueMail } from './outbox.ts';
import { DEFAULT_OUTBOX_BODY_RETENTION_DAYS, dropSentMailBodies } from './retention.ts';

const DAY = 24 * 60 * 60_000;

describe(`dropping sent mail bodies on ${TEST_ENGINE}`, () => {
  let data: TestData;
  const clock = testClock('2026-05-01T09:00:00Z');
  beforeEach(async () => {
    await data?.close();
    data = await createTestDatabase();
    clock.set('2026-05-01T09:00:00Z');
  });
  after(() => data.close());

  // The calendar part holds links too (the meeting's page and its join address).
  const queue = (to: string) => enqueueMail(data.db, { to, subject: 'Your Coproduce sign-in link', text: 'Sign in: https://example.org/sign-in/secret', html: '<a href="https://example.org/sign-in/secret">Sign in</a>', calendar: { method: 'REQUEST', filename: 'invite.ics', content: 'BEGIN:VCALENDAR\r\nURL:https://example.org/meetings/1/join\r\nEND:VCALENDAR' } }, clock);
  const markSent = (to: string) => data.db.updateTable('outbox').set({ status: 'sent', sent_at: clock().toISOString() }).where('to_address', '=', to).execute();
  const row = (to: string) => data.db.selectFrom('outbox').selectAll().where('to_address', '=', to).executeTakeFirstOrThrow();

  it(`keeps a sent message's body for ${DEFAULT_OUTBOX_BODY_RETENTION_DAYS} days, then drops it and keeps the record`, async () => {
    await queue('sent@example.org');
    await markSent('sent@example.org');
    const { message_id: messageId } = await row('sent@example.org');

    clock.advance(DEFAULT_OUTBOX_BODY_RETENTION_DAYS * DAY - 60_000);
    assert.equal(await dropSentMailBodies(data.db, clock), 0, 'not yet');
    assert.match((await row('sent@example.org')).text_body, /secret/);

    clock.advance(60_000);
    assert.equal(await dropSentMailBodies(data.db, clock), 1);
    const dropped = await row('sent@example.org');
    assert.equal(dropped.text_body, '');
    assert.equal(dropped.html_body, null);
    assert.equal(dropped.calendar_event, null);
    assert.equal(dropped.body_dropped_at, clock().toISOString());
    assert.equal(dropped.status, 'sent');
    assert.equal(dropped.subject, 'Your Coproduce sign-in link');
    assert.equal(dropped.message_id, messageId);

    clock.advance(DAY);
    assert.equal(await dropSentMailBodies(data.db, clock), 0, 'each body is dropped once');
  });

  it('keeps the bodies of messages not sent yet, or failed, however old', async () => {
    await queue('waiting@example.org');
    await queue('failed@example.org');
    await data.db.updateTable('outbox').set({ status: 'failed' }).where('to_address', '=', 'failed@example.org').execute();
    clock.advance(30 * DAY);
    assert.equal(await dropSentMailBodies(data.db, clock), 0);
    assert.match((await row('waiting@example.org')).text_body, /secret/);
    assert.match((await row('failed@example.org')).text_body, /secret/);
  });

  it('takes the retention time in days', async () => {
    await queue('sent@example.org');
    await markSent('sent@example.org');
    clock.advance(DAY);
    assert.equal(await dropSentMailBodies(data.db, clock, 2), 0);
    assert.equal(await dropSentMailBodies(data.db, clock, 1), 1);
  });
});
