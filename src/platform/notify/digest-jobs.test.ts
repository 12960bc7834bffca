// The digest jobs on the runner (both engines), with a clock the test moves: the daily digest goes
// out at 07:00 London time the next morning, once, however often the runner passes; the weekly
// one on Monday at 07:00 (summer time here, so 06:00 UTC).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { testClock } from '../../../test/helpers/clock.ts';
import { upsertPerson } from '../auth/people.ts';
import { inTransaction } from '../db/database.ts';
import { runDueJobs } from '../jobs/runner.ts';
import { DIGEST_JOBS, digestJobHandlers } from './digest-jobs.ts';
import { declareNotificationKinds } from './kinds.ts';
import { notify, setPreferences } from './notify.ts';

declareNotificationKinds({ kind: 'test.digest-job', label: 'When something is posted for the digest test', defaultDelivery: 'daily' });

describe('digest jobs', () => {
  let t: TestApp;
  // Wednesday 10 June 2026, 10:00 in London (BST).
  const clock = testClock('2026-06-10T09:00:00Z');
  beforeEach(async () => {
    clock.set('2026-06-10T09:00:00Z');
    t = await createTestApp({ clock });
  });
  afterEach(() => t.close());

  it('sends the daily digest at 07:00 London time the next day and the weekly one on Monday, each once', async () => {
    const ctx = { clock, baseUrl: t.config.baseUrl, secret: t.config.sessionSecret };
    const daily = (await upsertPerson(t.data.db, { email: 'daily.reader@example.org', name: 'Dai Reader', role: 'participant' }, clock)).person.id;
    const weekly = (await upsertPerson(t.data.db, { email: 'weekly.reader@example.org', name: 'Wen Reader', role: 'participant' }, clock)).person.id;
    await inTransaction(t.data.db, async (tx) => {
      await setPreferences(tx, weekly, { 'test.digest-job': 'weekly' }, clock);
      for (const id of [daily, weekly]) {
        await notify(tx, ctx, id, 'test.digest-job', { kind: 'test-item', id: 1, title: 'A new survey', url: '/items/1', group: 'Project A' }, { subject: 'New', greeting: 'Hello,', parts: ['New.'] });
      }
    });
    const handlers = digestJobHandlers({ baseUrl: ctx.baseUrl, secret: ctx.secret });
    const pass = () => runDueJobs(t.data.db, clock, handlers, { recurring: DIGEST_JOBS });
    const digests = async () => (await t.data.db.selectFrom('outbox').select(['to_address', 'subject']).where('subject', 'like', '%summary%').orderBy('id').execute()).map((m) => m.to_address);

    await pass(); // records each schedule's first occurrence
    clock.set('2026-06-11T05:59:00Z');
    await pass();
    assert.deepEqual(await digests(), [], 'not before 07:00 London time');
    clock.set('2026-06-11T06:00:30Z');
    await pass();
    await pass();
    assert.deepEqual(await digests(), ['daily.reader@example.org'], 'the daily digest, once');

    clock.set('2026-06-15T06:00:30Z'); // Monday 07:00:30 in London
    await pass();
    await pass();
    assert.deepEqual(await digests(), ['daily.reader@example.org', 'weekly.reader@example.org'], 'the weekly digest on Monday, once');
  });
});
