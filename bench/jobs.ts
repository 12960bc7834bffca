// Scheduled jobs: jobs run per second by two instances of the runner against one, on one
// database. Each instance is a process of its own (src/platform/jobs/test-instance.ts) running
// the real runner with 4 jobs at once; each job waits JOB_SLEEP_MS first, standing for the I/O a
// real job waits on (an SMTP server, another service). The clock starts once every instance has
// connected and stops when the last one has run out of jobs; every job must have run exactly
// once (the run fails otherwise). Two rounds of each, interleaved; the better of each is kept.
// A second measure with no wait in the job shows what the claims alone cost the database.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inTransaction, type Db } from '../src/platform/db/database.ts';
import { scheduleJob } from '../src/platform/jobs/jobs.ts';
import { fmt, table } from './lib.ts';

const SCRIPT = join(import.meta.dirname, '../src/platform/jobs/test-instance.ts');

type Round = { instances: number; jobs: number; ms: number; rate: number };

async function round(db: Db, databaseUrl: string, instances: number, jobs: number, sleepMs: number): Promise<Round> {
  await inTransaction(db, async (tx) => {
    for (let n = 1; n <= jobs; n++) await scheduleJob(tx, 'test.instance' as never, new Date(), { n } as never);
  });
  const children = await Promise.all(
    Array.from({ length: instances }, async () => {
      const child = spawn(process.execPath, [SCRIPT, 'drain'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, JOB_SLEEP_MS: String(sleepMs), JOB_CONCURRENCY: '4' }, stdio: 'pipe' });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 600 && !out.includes('ready') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
      if (!out.includes('ready')) throw new Error(`a job instance did not start: ${err}`);
      return { child, exited, out: () => out, err: () => err };
    }),
  );
  const start = Date.now();
  for (const c of children) c.child.stdin.write('go\n');
  const codes = await Promise.all(children.map((c) => c.exited));
  if (codes.some((c) => c !== 0)) throw new Error(`a job instance failed: ${children.map((c) => c.err()).join('\n')}`);
  const reports = children.map((c) => JSON.parse(c.out().trim().split('\n').at(-1)!) as { ran: number[]; finishedAt: number });
  const ran = reports.flatMap((r) => r.ran);
  if (ran.length !== jobs || new Set(ran).size !== jobs) throw new Error(`${jobs} jobs, but ${ran.length} runs of ${new Set(ran).size} different jobs`);
  const left = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(left.n) !== 0) throw new Error(`${left.n} jobs left after the run`);
  const ms = Math.max(...reports.map((r) => r.finishedAt)) - start;
  return { instances, jobs, ms, rate: (jobs * 1000) / ms };
}

export async function benchJobs(db: Db, databaseUrl: string, options: { jobs?: number; sleepMs?: number } = {}): Promise<{ ratio: number; idleRatio: number }> {
  console.log('\n## Scheduled jobs (one instance against two, each a process of its own)\n');
  const jobs = options.jobs ?? 1500;
  const sleepMs = options.sleepMs ?? 20;
  const best = async (instances: number, n: number, sleep: number, rounds: number) => {
    let top: Round | null = null;
    for (let i = 0; i < rounds; i++) {
      const r = await round(db, databaseUrl, instances, n, sleep);
      if (!top || r.rate > top.rate) top = r;
    }
    return top!;
  };
  // Interleaved: one, two, one, two.
  const oneA = await best(1, jobs, sleepMs, 1);
  const twoA = await best(2, jobs, sleepMs, 1);
  const oneB = await best(1, jobs, sleepMs, 1);
  const twoB = await best(2, jobs, sleepMs, 1);
  const one = oneA.rate >= oneB.rate ? oneA : oneB;
  const two = twoA.rate >= twoB.rate ? twoA : twoB;
  const idleOne = await best(1, 1000, 0, 1);
  const idleTwo = await best(2, 1000, 0, 1);
  const ratio = two.rate / one.rate;
  const idleRatio = idleTwo.rate / idleOne.rate;
  console.log(
    table([
      ['measure', 'one instance', 'two instances', 'two / one'],
      [`jobs/s, ${jobs} jobs each waiting ${sleepMs} ms`, fmt(one.rate), fmt(two.rate), fmt(ratio, 2)],
      ['jobs/s, 1000 jobs with no wait (claims alone)', fmt(idleOne.rate), fmt(idleTwo.rate), fmt(idleRatio, 2)],
    ]),
  );
  console.log(`\nAim: two instances run at least 1.6 times the jobs of one: ${ratio >= 1.6 ? 'met' : 'NOT met'} (${fmt(ratio, 2)}).`);
  return { ratio, idleRatio };
}
