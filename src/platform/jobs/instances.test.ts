// Jobs across instances, each a process of its own on one database (a PostgreSQL database, or
// one SQLite file): 1,000 due jobs run by two instances at once each run exactly once, and a job
// whose instance is killed (kill -9) mid-run is run again after the claim timeout and completes once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, TEST_ENGINE } from '../../../test/helpers/database.ts';
import { createDataAccess, inTransaction, type DataAccess } from '../db/database.ts';
import { migrateToLatest } from '../db/migrations/index.ts';
import { CLAIM_TIMEOUT_MS, scheduleJob } from './jobs.ts';
import { runDueJobs, type JobHandlers } from './runner.ts';

declare module './jobs.ts' {
  interface JobKinds {
    'test.instance': { n: number };
  }
}

const SCRIPT = join(import.meta.dirname, 'test-instance.ts');

/** A database other processes can open too: a throwaway PostgreSQL database, or a SQLite file. */
async function sharedDatabase(): Promise<DataAccess & { url: string }> {
  if (TEST_ENGINE === 'postgres') return createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'coproduce-jobs-'));
  const url = `sqlite:${join(dir, 'jobs.sqlite')}`;
  const data = createDataAccess(url);
  await migrateToLatest(data);
  return {
    ...data,
    url,
    close: async () => {
      await data.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts an instance; resolves once it prints a line matching `until`. */
async function startInstance(url: string, mode: 'drain' | 'hang', env: Record<string, string> = {}, until = /\n/) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SCRIPT, mode], { env: { PATH: process.env.PATH, DATABASE_URL: url, ...env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  for (let i = 0; i < 600 && !until.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(out, until, `the instance did not start: ${err}`);
  return { child, exited, output: () => out, errors: () => err };
}

describe(`jobs across instances (${TEST_ENGINE})`, () => {
  it('1,000 due jobs, two instances running them at once: each job runs exactly once', async () => {
    const data = await sharedDatabase();
    try {
      await inTransaction(data.db, async (tx) => {
        for (let n = 1; n <= 1000; n++) await scheduleJob(tx, 'test.instance', new Date(), { n });
      });
      const instances = await Promise.all([startInstance(data.url, 'drain', { JOB_SLEEP_MS: '2' }, /ready/), startInstance(data.url, 'drain', { JOB_SLEEP_MS: '2' }, /ready/)]);
      for (const i of instances) i.child.stdin.write('go\n');
      const codes = await Promise.all(instances.map((i) => i.exited));
      assert.deepEqual(codes, [0, 0], instances.map((i) => i.errors()).join('\n'));
      const [a, b] = instances.map((i) => JSON.parse(i.output().trim().split('\n').at(-1)!) as { ran: number[] });
      const all = [...a!.ran, ...b!.ran].sort((x, y) => x - y);
      assert.equal(all.length, 1000, 'no job ran twice, none was missed');
      assert.deepEqual(all, Array.from({ length: 1000 }, (_, i) => i + 1));
      assert.ok(a!.ran.length > 0 && b!.ran.length > 0, `both instances ran jobs (${a!.ran.length} and ${b!.ran.length})`);
      assert.deepEqual(await data.db.selectFrom('jobs').select('id').execute(), [], 'every job is done');
    } finally {
      await data.close();
    }
  });

  it('kill -9 of an instance mid-job: after the claim timeout another instance runs it again, and it completes once', async () => {
    const data = await sharedDatabase();
    try {
      const id = await scheduleJob(data.db, 'test.instance', new Date(), { n: 42 });
      const doomed = await startInstance(data.url, 'hang', {}, /started \d+ \S+\n/);
      const [, startedId, instance] = /started (\d+) (\S+)/.exec(doomed.output())!;
      assert.equal(Number(startedId), id);
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      const left = await data.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual([left.status, left.claimed_by, left.attempts], ['running', instance, 1], 'left claimed by the dead instance');

      const ran: { n: number; attempt: number }[] = [];
      const handlers: JobHandlers = { 'test.instance': async (p, job) => void ran.push({ n: p.n, attempt: job.attempt }) };
      assert.deepEqual(await runDueJobs(data.db, testClock(new Date()), handlers, { instance: 'survivor' }), { ran: 0, retried: 0, failed: 0 }, 'not while its claim is fresh');
      const later = testClock(new Date(Date.now() + CLAIM_TIMEOUT_MS + 1000));
      assert.deepEqual(await runDueJobs(data.db, later, handlers, { instance: 'survivor' }), { ran: 1, retried: 0, failed: 0 });
      assert.deepEqual(await runDueJobs(data.db, later, handlers, { instance: 'survivor' }), { ran: 0, retried: 0, failed: 0 });
      assert.deepEqual(ran, [{ n: 42, attempt: 2 }], 'run again, once, as its second try');
      assert.deepEqual(await data.db.selectFrom('jobs').select('id').execute(), [], 'and done');
    } finally {
      await data.close();
    }
  });
});
