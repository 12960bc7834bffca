// The job runner every instance starts (serve): it polls the jobs table, claims due jobs one at
// a time in a few workers at once, runs each with its kind's handler, and deletes it when it is
// done; a job that throws is retried with back-off (jobs.ts). Tests call runDueJobs directly
// with a movable clock instead of starting the loop.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/database.ts';
import type { Clock } from '../time.ts';
import { claimJob, CLAIM_TIMEOUT_MS, completeJob, failInterruptedJobs, failJob, scheduleJob, type JobKind, type JobKinds } from './jobs.ts';
import { checkRecurring, scheduleDueOccurrences, type RecurringJob } from './recurring.ts';
import type { Job } from './tables.ts';

/** What a handler is told about the job it runs. */
export type JobContext = { id: number; kind: string; key: string | null; /** 1 on the first try */ attempt: number; runAt: string; db: Db; clock: Clock };

/**
 * Runs one job. It may run more than once (an instance died mid-run, or a try failed after doing
 * part of its work), so it must be safe to run again. It throws to fail the try; the error's
 * message is shown to admins, so it names no person.
 */
export type JobHandler<K extends JobKind> = (payload: JobKinds[K], job: JobContext) => Promise<void>;

/** The handlers an instance runs, by kind: the platform's and each feature's, spread together. */
export type JobHandlers = { [K in JobKind]?: JobHandler<K> };

/** Where failures are logged: kind, id and try only, never the payload or the error's words. */
export type JobLog = { warn(details: object, message: string): void };

export type RunOptions = {
  /** Names this instance in claimed_by. */
  instance?: string;
  /** Jobs run at once. */
  concurrency?: number;
  claimTimeoutMs?: number;
  recurring?: readonly RecurringJob[];
  /** Most jobs claimed in one pass (so one pass ends even while jobs keep coming). */
  limit?: number;
  /** Checked before each claim: true once the runner is stopping. */
  shouldStop?: () => boolean;
  log?: JobLog;
};

export type RunResult = { ran: number; retried: number; failed: number };

export const DEFAULT_CONCURRENCY = 4;

export function instanceName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * One pass: schedules the recurring jobs' occurrences that have come, then claims and runs due
 * jobs of the kinds in handlers until there are none (or `limit` were claimed). Kinds without a
 * handler here are left for an instance that has one.
 */
export async function runDueJobs(db: Db, clock: Clock, handlers: JobHandlers, options: RunOptions = {}): Promise<RunResult> {
  const result: RunResult = { ran: 0, retried: 0, failed: 0 };
  const instance = options.instance ?? 'runner';
  const timeout = options.claimTimeoutMs ?? CLAIM_TIMEOUT_MS;
  const limit = options.limit ?? 1000;
  const kinds = (Object.keys(handlers) as JobKind[]).filter((k) => handlers[k]);
  if (options.recurring?.length) await scheduleDueOccurrences(db, clock, options.recurring);
  result.failed += await failInterruptedJobs(db, clock, timeout);
  let claims = 0;
  const worker = async () => {
    while (claims < limit && !options.shouldStop?.()) {
      claims++;
      const job = await claimJob(db, clock, instance, kinds, timeout);
      if (!job) return;
      const outcome = await runOne(db, clock, handlers, job, options.log);
      if (outcome === 'done') result.ran++;
      else if (outcome === 'retry') result.retried++;
      else if (outcome === 'failed') result.failed++;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) }, worker));
  const broken = settled.find((s) => s.status === 'rejected');
  if (broken) throw broken.reason;
  return result;
}

async function runOne(db: Db, clock: Clock, handlers: JobHandlers, job: Job, log: JobLog | undefined): Promise<'done' | 'retry' | 'failed' | 'gone'> {
  const handler = handlers[job.kind as JobKind] as JobHandler<JobKind> | undefined;
  try {
    if (!handler) throw new Error(`No handler for jobs of kind ${job.kind}`);
    const payload = JSON.parse(job.payload) as never;
    await handler(payload, { id: job.id, kind: job.kind, key: job.key, attempt: job.attempts, runAt: job.run_at, db, clock });
  } catch (error) {
    const outcome = await failJob(db, clock, job, error);
    log?.warn({ job: job.id, kind: job.kind, attempt: job.attempts, outcome, errorType: error instanceof Error ? error.name : typeof error }, outcome === 'failed' ? 'job failed after its last try' : 'job failed; it will be tried again');
    return outcome;
  }
  await completeJob(db, job);
  return 'done';
}

export type JobRunner = {
  /** Runs a pass now (or straight after the one running). */
  poke(): void;
  /** Schedules a job of this kind to run now (once, however often it is asked for before it runs) and runs a pass. Nothing if this instance has no handler for it. */
  trigger<K extends JobKind>(kind: K, payload: JobKinds[K]): void;
  /** Stops claiming, and waits for the jobs running now to finish. */
  stop(): Promise<void>;
};

export type RunnerOptions = Omit<RunOptions, 'shouldStop'> & {
  db: Db;
  clock: Clock;
  handlers: JobHandlers;
  /** How often the runner looks for due jobs, in milliseconds. */
  intervalMs?: number;
  /** A pass that could not run (the database unreachable): logged, and the next pass tries again. */
  onError?: (error: unknown) => void;
};

export const DEFAULT_INTERVAL_MS = 1000;

/** Starts the loop: a pass every intervalMs, one pass at a time. */
export function startJobRunner(options: RunnerOptions): JobRunner {
  const { db, clock, handlers } = options;
  for (const r of options.recurring ?? []) {
    checkRecurring(r);
    if (!handlers[r.kind]) throw new Error(`Recurring job ${r.name} has no handler for its kind ${r.kind}`);
  }
  const run: RunOptions = { ...options, instance: options.instance ?? instanceName(), shouldStop: () => stopped };
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  const pass = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = runDueJobs(db, clock, handlers, run)
      .then(() => undefined, (e: unknown) => options.onError?.(e))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          pass();
        }
      });
  };
  const timer = setInterval(pass, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  pass();
  return {
    poke: pass,
    trigger(kind, payload) {
      if (stopped || !handlers[kind]) return;
      scheduleJob(db, kind, clock(), payload, `${kind}:now`, { clock }).then(pass, (e: unknown) => options.onError?.(e));
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
