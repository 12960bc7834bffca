// A job runner in a process of its own, as another instance of the service would be, for the
// tests (two instances on one database; an instance killed mid-job) and the benchmark. Not part of
// serve. It runs jobs of the kind 'test.instance' (payload { n }) from DATABASE_URL:
//   node src/platform/jobs/test-instance.ts drain   prints "ready", waits for "go" on stdin, runs
//     jobs until none is left to claim, then prints {"ran":[n...],"finishedAt":ms} and exits;
//     each job waits JOB_SLEEP_MS first (the I/O a real job waits on), JOB_CONCURRENCY at once.
//   node src/platform/jobs/test-instance.ts hang    claims one job, prints "started ID" and never
//     finishes it (for kill -9).
import { createDataAccess } from '../db/database.ts';
import { systemClock } from '../time.ts';
import { instanceName, runDueJobs, type JobHandlers } from './runner.ts';

const mode = process.argv[2];
const data = createDataAccess(process.env.DATABASE_URL!, { poolSize: 10 });
const sleepMs = Number(process.env.JOB_SLEEP_MS ?? 0);
const concurrency = Number(process.env.JOB_CONCURRENCY ?? 4);
const instance = instanceName();
const ran: number[] = [];

if (mode === 'hang') {
  const handlers = {
    'test.instance': async (_payload: { n: number }, job: { id: number }) => {
      process.stdout.write(`started ${job.id} ${instance}\n`);
      await new Promise(() => {});
    },
  } as unknown as JobHandlers;
  await runDueJobs(data.db, systemClock, handlers, { instance, concurrency: 1 });
} else if (mode === 'drain') {
  const handlers = {
    'test.instance': async (payload: { n: number }) => {
      if (sleepMs) await new Promise((resolve) => setTimeout(resolve, sleepMs));
      ran.push(payload.n);
    },
  } as unknown as JobHandlers;
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  for (;;) {
    const r = await runDueJobs(data.db, systemClock, handlers, { instance, concurrency });
    if (r.ran + r.retried + r.failed === 0) break;
  }
  const finishedAt = Date.now();
  await data.close();
  process.stdout.write(`${JSON.stringify({ ran, finishedAt })}\n`);
  process.exit(0);
} else {
  process.stderr.write('usage: node src/platform/jobs/test-instance.ts drain|hang\n');
  process.exit(1);
}
