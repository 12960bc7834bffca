// Scheduled jobs on one database (both engines): scheduling in a transaction, keys, cancelling,
// retries and failure, claims left by a dead instance, recurring occurrences, the runner loop,
// and the two jobs the service has today (mail and housekeeping). Time moves by the test clock.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, type TestData } from '../../../test/helpers/database.ts';
import { upsertPerson } from '../auth/people.ts';
import { createSession, countSessions } from '../auth/sessions.ts';
import { inTransaction } from '../db/database.ts';
import { enqueueMail } from '../mail/outbox.ts';
import type { MailTransport, SendableMail } from '../mail/transport.ts';
import { MAIL_JOB, mailJobHandlers } from '../mail/worker.ts';
import { HOUSEKEEPING_JOB, housekeepingHandlers } from './housekeeping.ts';
import { BACKOFF_MINUTES, cancelJobs, claimJob, CLAIM_TIMEOUT_MS, INTERRUPTED, jobCounts, listFailedJobs, retryJob, scheduleJob } from './jobs.ts';
import { nextOccurrence, occurrenceKey, type RecurringJob } from './recurring.ts';
import { runDueJobs, startJobRunner, type JobHandlers } from './runner.ts';

declare module './jobs.ts' {
  interface JobKinds {
    'test.record': { n: number };
    'test.other': { n: number };
  }
}

describe('scheduled jobs', () => {
  let data: TestData;
  const clock = testClock('2026-12-01T12:00:00Z');
  let ran: { kind: string; n: number; attempt: number; key: string | null }[] = [];
  let failNext = 0;
  const handlers: JobHandlers = {
    'test.record': async (payload, job) => {
      ran.push({ kind: job.kind, n: payload.n, attempt: job.attempt, key: job.key });
      if (failNext > 0) {
        failNext--;
        throw new Error('The partner system said no');
      }
    },
  };
  const at = (iso: string) => new Date(iso);
  const rows = () => data.db.selectFrom('jobs').selectAll().orderBy('id').execute();

  beforeEach(async () => {
    await data?.close();
    data = await createTestDatabase();
    clock.set('2026-12-01T12:00:00Z');
    ran = [];
    failNext = 0;
  });
  after(async () => {
    await data?.close();
  });

  it('a job runs when its time comes, once, and is then gone', async () => {
    await scheduleJob(data.db, 'test.record', at('2026-12-01T12:30:00Z'), { n: 1 });
    await scheduleJob(data.db, 'test.record', at('2026-12-01T11:00:00Z'), { n: 2 });
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 1, retried: 0, failed: 0 });
    assert.deepEqual(ran.map((r) => r.n), [2], 'only the one that is due');
    clock.advance(30 * 60_000);
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 1, retried: 0, failed: 0 });
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 0, failed: 0 });
    assert.deepEqual(ran.map((r) => r.n), [2, 1]);
    assert.deepEqual(await rows(), []);
  });

  it('a job scheduled in a transaction that rolls back does not exist', async () => {
    await assert.rejects(
      inTransaction(data.db, async (tx) => {
        await scheduleJob(tx, 'test.record', clock(), { n: 1 }, 'meetings:1:reminder');
        throw new Error('the change was refused');
      }),
    );
    assert.deepEqual(await rows(), []);
  });

  it('scheduling the same key again moves that job to the new time and payload instead of adding one', async () => {
    const first = await scheduleJob(data.db, 'test.record', at('2026-12-02T09:00:00Z'), { n: 1 }, 'meetings:1:reminder');
    const again = await scheduleJob(data.db, 'test.record', at('2026-12-03T09:00:00Z'), { n: 2 }, 'meetings:1:reminder');
    assert.equal(again, first);
    const [job, ...rest] = await rows();
    assert.equal(rest.length, 0);
    assert.equal(job!.run_at, '2026-12-03T09:00:00.000Z');
    assert.deepEqual(JSON.parse(job!.payload), { n: 2 });
    clock.set('2026-12-02T10:00:00Z');
    await runDueJobs(data.db, clock, handlers);
    assert.equal(ran.length, 0, 'not at the old time');
    clock.set('2026-12-03T09:00:00Z');
    await runDueJobs(data.db, clock, handlers);
    assert.deepEqual(ran.map((r) => r.n), [2]);
  });

  it('a meeting moved: its pending reminders are cancelled by key prefix and scheduled again; other meetings keep theirs', async () => {
    const schedule = (tx: typeof data.db, meeting: number, start: string) =>
      Promise.all([
        scheduleJob(tx, 'test.record', new Date(Date.parse(start) - 86_400_000), { n: meeting * 100 + 24 }, `meetings:${meeting}:24h`),
        scheduleJob(tx, 'test.record', new Date(Date.parse(start) - 3_600_000), { n: meeting * 100 + 1 }, `meetings:${meeting}:1h`),
      ]);
    await schedule(data.db, 1, '2026-12-05T10:00:00Z');
    await schedule(data.db, 10, '2026-12-05T10:00:00Z');
    await inTransaction(data.db, async (tx) => {
      assert.equal(await cancelJobs(tx, 'meetings:1:'), 2, 'meeting 1’s two, not meeting 10’s');
      await schedule(tx, 1, '2026-12-08T10:00:00Z');
    });
    assert.deepEqual((await rows()).map((r) => [r.key, r.run_at]).sort(), [
      ['meetings:10:1h', '2026-12-05T09:00:00.000Z'],
      ['meetings:10:24h', '2026-12-04T10:00:00.000Z'],
      ['meetings:1:1h', '2026-12-08T09:00:00.000Z'],
      ['meetings:1:24h', '2026-12-07T10:00:00.000Z'],
    ]);
    clock.set('2026-12-05T09:30:00Z');
    await runDueJobs(data.db, clock, handlers);
    assert.deepEqual(ran.map((r) => r.n).sort(), [1001, 1024], 'only meeting 10’s reminders were due');
    // A wildcard in the prefix is matched as itself.
    await scheduleJob(data.db, 'test.record', at('2026-12-09T00:00:00Z'), { n: 5 }, 'survey_1:close');
    assert.equal(await cancelJobs(data.db, 'survey%'), 0);
    assert.equal(await cancelJobs(data.db, 'survey_'), 1);
    await assert.rejects(cancelJobs(data.db, ''), /needs a key prefix/);
  });

  it('a failing job is tried again after each back-off, then marked failed with its error, and an admin’s retry runs it again', async () => {
    await scheduleJob(data.db, 'test.record', clock(), { n: 7 }, 'k:7', { maxAttempts: 3 });
    failNext = 3;
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 1, failed: 0 });
    let [job] = await rows();
    assert.equal(job!.status, 'pending');
    assert.equal(job!.last_error, 'The partner system said no');
    assert.equal(job!.run_at, new Date(clock().getTime() + BACKOFF_MINUTES[0]! * 60_000).toISOString());
    clock.advance(BACKOFF_MINUTES[0]! * 60_000 - 1000);
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 0, failed: 0 }, 'not before its back-off');
    clock.advance(1000);
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 1, failed: 0 });
    clock.advance(BACKOFF_MINUTES[1]! * 60_000);
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 0, failed: 1 });
    [job] = await rows();
    assert.equal(job!.status, 'failed');
    assert.equal(job!.attempts, 3);
    assert.deepEqual(ran.map((r) => r.attempt), [1, 2, 3]);
    clock.advance(24 * 3600_000);
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 0, failed: 0 }, 'a failed job waits for an admin');
    assert.deepEqual((await listFailedJobs(data.db)).map((j) => [j.kind, j.attempts, j.last_error]), [['test.record', 3, 'The partner system said no']]);
    assert.deepEqual(await jobCounts(data.db, clock), { pending: 0, due: 0, running: 0, failed: 1 });

    assert.deepEqual(await retryJob(data.db, job!.id, clock), { ok: true });
    assert.deepEqual(await retryJob(data.db, job!.id, clock), { ok: false, reason: 'not_failed' });
    assert.deepEqual(await retryJob(data.db, 999_999, clock), { ok: false, reason: 'not_found' });
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 1, retried: 0, failed: 0 });
    assert.equal(ran.at(-1)!.attempt, 1, 'with its tries back');
    assert.deepEqual(await rows(), []);
  });

  it('retrying a failed job whose key has been scheduled again keeps the newer job only', async () => {
    await scheduleJob(data.db, 'test.record', clock(), { n: 1 }, 'k:1', { maxAttempts: 1 });
    failNext = 1;
    await runDueJobs(data.db, clock, handlers);
    const [failed] = await rows();
    await scheduleJob(data.db, 'test.record', at('2026-12-02T00:00:00Z'), { n: 2 }, 'k:1');
    assert.deepEqual(await retryJob(data.db, failed!.id, clock), { ok: false, reason: 'already_pending' });
    assert.deepEqual((await rows()).map((r) => [r.status, JSON.parse(r.payload).n]), [['pending', 2]]);
  });

  it('a key scheduled again while its job runs waits beside it, and the running one finishing leaves it', async () => {
    await scheduleJob(data.db, 'test.record', clock(), { n: 1 }, 'digest:7');
    let rescheduled = false;
    const resched: JobHandlers = {
      'test.record': async (payload, job) => {
        ran.push({ kind: job.kind, n: payload.n, attempt: job.attempt, key: job.key });
        if (!rescheduled) {
          rescheduled = true;
          await scheduleJob(data.db, 'test.record', at('2026-12-02T00:00:00Z'), { n: 2 }, 'digest:7');
        }
      },
    };
    await runDueJobs(data.db, clock, resched);
    assert.deepEqual((await rows()).map((r) => [r.status, r.key, r.run_at]), [['pending', 'digest:7', '2026-12-02T00:00:00.000Z']]);

    // And when the run that was overtaken fails, it is dropped rather than retried: the newer job stands.
    await cancelJobs(data.db, 'digest:');
    await scheduleJob(data.db, 'test.record', clock(), { n: 3 }, 'digest:8');
    const overtaken: JobHandlers = {
      'test.record': async () => {
        await scheduleJob(data.db, 'test.record', at('2026-12-02T00:00:00Z'), { n: 4 }, 'digest:8');
        throw new Error('The partner system said no');
      },
    };
    await runDueJobs(data.db, clock, overtaken, { limit: 1 });
    assert.deepEqual((await rows()).map((r) => [r.status, JSON.parse(r.payload).n, r.last_error]), [['pending', 4, null]]);
  });

  it('a claim left by an instance that died is taken again after the timeout; on its last try the job is marked failed', async () => {
    await scheduleJob(data.db, 'test.record', clock(), { n: 1 }, null, { maxAttempts: 2 });
    await scheduleJob(data.db, 'test.record', clock(), { n: 2 }, null, { maxAttempts: 1 });
    // "Instance A" claims both and dies without finishing either.
    assert.ok(await claimJob(data.db, clock, 'instance-a', ['test.record']));
    assert.ok(await claimJob(data.db, clock, 'instance-a', ['test.record']));
    assert.deepEqual(await runDueJobs(data.db, clock, handlers, { instance: 'instance-b' }), { ran: 0, retried: 0, failed: 0 }, 'not while the claims are fresh');
    clock.advance(CLAIM_TIMEOUT_MS + 1000);
    assert.deepEqual(await runDueJobs(data.db, clock, handlers, { instance: 'instance-b' }), { ran: 1, retried: 0, failed: 1 });
    assert.deepEqual(ran.map((r) => [r.n, r.attempt]), [[1, 2]], 'run again as its second try');
    assert.deepEqual((await rows()).map((r) => [JSON.parse(r.payload).n, r.status, r.last_error]), [[2, 'failed', INTERRUPTED]]);
  });

  it('jobs of a kind this instance has no handler for are left for an instance that has one', async () => {
    await scheduleJob(data.db, 'test.other', clock(), { n: 1 });
    assert.deepEqual(await runDueJobs(data.db, clock, handlers), { ran: 0, retried: 0, failed: 0 });
    assert.equal((await rows())[0]!.status, 'pending');
    const other: JobHandlers = { 'test.other': async (p) => void ran.push({ kind: 'test.other', n: p.n, attempt: 1, key: null }) };
    assert.deepEqual(await runDueJobs(data.db, clock, other), { ran: 1, retried: 0, failed: 0 });
  });

  it('a recurring job runs once per occurrence, with two runners polling at once; missed occurrences run once', async () => {
    const hourly: RecurringJob = { name: 'hourly-test', cron: '0 * * * *', kind: 'test.record', payload: { n: 0 } };
    const pass = () =>
      Promise.all([
        runDueJobs(data.db, clock, handlers, { recurring: [hourly], instance: 'a' }),
        runDueJobs(data.db, clock, handlers, { recurring: [hourly], instance: 'b' }),
      ]);
    clock.set('2026-12-01T12:10:00Z');
    await pass();
    assert.equal(ran.length, 0, 'the first occurrence is the first after start');
    const schedule = await data.db.selectFrom('job_schedules').selectAll().executeTakeFirstOrThrow();
    assert.equal(schedule.next_at, '2026-12-01T13:00:00.000Z');
    // Every ten minutes for three hours, both runners polling together each time.
    for (let i = 0; i < 18; i++) {
      clock.advance(10 * 60_000);
      await pass();
    }
    assert.deepEqual(ran.map((r) => r.key), ['cron:hourly-test:2026-12-01T13:00Z', 'cron:hourly-test:2026-12-01T14:00Z', 'cron:hourly-test:2026-12-01T15:00Z']);
    // No instance ran for five hours: one run, not five.
    clock.advance(5 * 3600_000);
    await pass();
    await pass();
    assert.equal(ran.length, 4);
    assert.equal(ran[3]!.key, 'cron:hourly-test:2026-12-01T16:00Z', 'the first missed occurrence, run once');
    assert.equal((await data.db.selectFrom('job_schedules').select('next_at').executeTakeFirstOrThrow()).next_at, '2026-12-01T21:00:00.000Z');
    // A changed expression starts again from now.
    await runDueJobs(data.db, clock, handlers, { recurring: [{ ...hourly, cron: '30 * * * *' }] });
    assert.equal((await data.db.selectFrom('job_schedules').select('next_at').executeTakeFirstOrThrow()).next_at, '2026-12-01T20:30:00.000Z');
    assert.deepEqual(await rows(), []);
  });

  it('a recurring job keeps only its latest failed occurrence, and a later success clears it', async () => {
    const often: RecurringJob = { name: 'often', cron: '*/5 * * * * *', kind: 'test.record', payload: { n: 0 }, maxAttempts: 1 };
    await runDueJobs(data.db, clock, handlers, { recurring: [often] });
    failNext = 2;
    for (let i = 0; i < 2; i++) {
      clock.advance(5000);
      await runDueJobs(data.db, clock, handlers, { recurring: [often] });
    }
    assert.deepEqual((await listFailedJobs(data.db)).map((j) => j.run_at), ['2026-12-01T12:00:10.000Z']);
    clock.advance(5000);
    await runDueJobs(data.db, clock, handlers, { recurring: [often] });
    assert.deepEqual(await listFailedJobs(data.db), []);
    assert.equal(occurrenceKey('often', '2026-12-01T12:00:15.000Z'), 'cron:often:2026-12-01T12:00:15Z');
  });

  it('cron expressions are read in London time', () => {
    // 07:00 in London is 07:00 UTC in winter and 06:00 UTC in summer.
    assert.equal(nextOccurrence('0 7 * * *', at('2026-12-01T12:00:00Z')).toISOString(), '2026-12-02T07:00:00.000Z');
    assert.equal(nextOccurrence('0 7 * * *', at('2026-06-01T12:00:00Z')).toISOString(), '2026-06-02T06:00:00.000Z');
  });

  it('the runner: a triggered job runs at once; stop waits for the job running', async () => {
    let release: () => void = () => {};
    const started: number[] = [];
    const slow: JobHandlers = {
      'test.record': async (payload) => {
        started.push(payload.n);
        await new Promise<void>((resolve) => (release = resolve));
        ran.push({ kind: 'test.record', n: payload.n, attempt: 1, key: null });
      },
    };
    const errors: unknown[] = [];
    const runner = startJobRunner({ db: data.db, clock, handlers: slow, intervalMs: 60_000, onError: (e) => errors.push(e) });
    runner.trigger('test.record', { n: 1 });
    runner.trigger('test.other', { n: 9 }); // no handler here: nothing scheduled
    for (let i = 0; i < 200 && !started.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(started, [1]);
    const stopped = runner.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false, 'stop waits for the job running');
    release();
    await stopped;
    assert.deepEqual(ran.map((r) => r.n), [1]);
    assert.deepEqual(await rows(), [], 'the triggered job ran and is gone; nothing of test.other was scheduled');
    runner.trigger('test.record', { n: 2 });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await rows(), [], 'a stopped runner schedules nothing');
    assert.deepEqual(errors, []);
  });

  it('a runner will not start with a recurring job it cannot run', () => {
    assert.throws(() => startJobRunner({ db: data.db, clock, handlers, recurring: [{ name: 'x', cron: 'not a cron', kind: 'test.record', payload: { n: 0 } }] }));
    assert.throws(() => startJobRunner({ db: data.db, clock, handlers, recurring: [{ name: 'has:colon', cron: '* * * * *', kind: 'test.record', payload: { n: 0 } }] }), /may only hold/);
    assert.throws(() => startJobRunner({ db: data.db, clock, handlers, recurring: [{ name: 'other', cron: '* * * * *', kind: 'test.other', payload: { n: 0 } }] }), /no handler/);
  });

  it('mail: a message waiting in the outbox goes out at the next five-second occurrence, and at once when triggered', async () => {
    const sent: SendableMail[] = [];
    const transport: MailTransport = { send: async (m) => void sent.push(m), close: () => {} };
    const mail = mailJobHandlers(transport, 'Coproduce <no-reply@example.org>');
    clock.set('2026-12-01T12:00:01Z');
    await runDueJobs(data.db, clock, mail, { recurring: [MAIL_JOB] });
    await enqueueMail(data.db, { to: 'robin@example.org', subject: 'Hello', text: 'Hi' }, clock);
    clock.advance(2000);
    await runDueJobs(data.db, clock, mail, { recurring: [MAIL_JOB] });
    assert.equal(sent.length, 0, 'not before 12:00:05');
    clock.advance(2000);
    await runDueJobs(data.db, clock, mail, { recurring: [MAIL_JOB] });
    assert.deepEqual(sent.map((m) => m.to), ['robin@example.org']);

    const runner = startJobRunner({ db: data.db, clock, handlers: mail, intervalMs: 60_000 });
    await enqueueMail(data.db, { to: 'sam@example.org', subject: 'Hello', text: 'Hi' }, clock);
    runner.trigger('mail.send', {});
    for (let i = 0; i < 200 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    assert.deepEqual(sent.map((m) => m.to), ['robin@example.org', 'sam@example.org']);
  });

  it('housekeeping runs hourly; a task that fails does not stop the others, and the job fails naming it', async () => {
    const { person } = await upsertPerson(data.db, { email: 'kim@example.org', name: 'Kim Example', role: 'participant' }, clock);
    await createSession(data.db, person.id, clock);
    let others = 0;
    const tasks = housekeepingHandlers([
      { name: 'broken task', run: async () => Promise.reject(new Error('disk full')) },
      { name: 'expired sessions', run: async (db, now) => import('../auth/sessions.ts').then((s) => s.purgeExpiredSessions(db, now)) },
      { name: 'counter', run: async () => others++ },
    ]);
    await runDueJobs(data.db, clock, tasks, { recurring: [HOUSEKEEPING_JOB] });
    clock.advance(60 * 24 * 3600_000); // the session has long expired; the 12:00 + 60 days hour has passed too
    await runDueJobs(data.db, clock, tasks, { recurring: [HOUSEKEEPING_JOB] });
    assert.equal(await countSessions(data.db, person.id), 0, 'the expired session was purged');
    assert.equal(others, 1);
    const [job] = await rows();
    assert.equal(job!.status, 'pending', 'tried again after a minute');
    assert.equal(job!.last_error, 'Housekeeping did not finish: broken task (disk full)');
    assert.match(job!.key!, /^cron:housekeeping:2026-12-01T13:00Z$/);
  });
});
