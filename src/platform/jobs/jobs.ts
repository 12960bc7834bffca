// Scheduled jobs: a row in the jobs table, written in the same transaction as the change that
// needs it (like the outbox), so a rolled-back change schedules nothing and a committed one is
// never forgotten. Every instance runs a runner (runner.ts) that claims due jobs: on PostgreSQL
// with FOR UPDATE SKIP LOCKED, on SQLite with a conditional update (one writer at a time), so a
// job is claimed by one instance at a time. A claim left by an instance that died is taken again
// after CLAIM_TIMEOUT_MS, so a handler may run twice and must be written to be safe to (its
// work is idempotent: "send the reminder unless it was sent").
import { PostgresAdapter, sql, type ExpressionBuilder } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { systemClock, type Clock } from '../time.ts';
import type { Job } from './tables.ts';

/**
 * Every kind of job and its payload's type. The platform declares its own here; a feature adds
 * its kinds by augmenting this interface (`declare module '../../platform/jobs/jobs.ts'
 * { interface JobKinds { 'meetings.reminder': { meetingId: number } } }`), so scheduleJob and the
 * handlers are typed per kind. Payloads hold ids, never personal data (they are stored as JSON).
 */
export interface JobKinds {
  /** Sends the outbox's due mail (one pass of sendDueMail). */
  'mail.send': Record<string, never>;
  /** Purges expired sessions, old registration drafts and sent mail bodies. */
  housekeeping: Record<string, never>;
}
export type JobKind = keyof JobKinds & string;

/** Tries before a job is marked failed, unless scheduled with another number. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Minutes to wait after the nth failed try. */
export const BACKOFF_MINUTES = [1, 5, 15, 60, 240];
/** A claim older than this was left by an instance that died (or hung): the job is claimed again. */
export const CLAIM_TIMEOUT_MS = 10 * 60_000;
/** What last_error says of a job whose instance stopped mid-run on its last try. */
export const INTERRUPTED = 'The instance running it stopped before it finished.';

type Handle = Db | Tx;

const isPostgres = (db: Handle) => db.getExecutor().adapter instanceof PostgresAdapter;

export type ScheduleOptions = { maxAttempts?: number; /** for created_at and updated_at */ clock?: Clock };

/**
 * Schedules a job to run at runAt (or at once, if that is past), in the caller's transaction.
 * With a key, scheduling is idempotent: while a job with that key is pending, scheduling the key
 * again moves that job to the new runAt and payload (and gives it its tries back) instead of
 * adding another; a job with that key that is already running is left to finish, and the new one
 * waits beside it. Returns the job's id.
 */
export async function scheduleJob<K extends JobKind>(tx: Handle, kind: K, runAt: Date, payload: JobKinds[K], key: string | null = null, options: ScheduleOptions = {}): Promise<number> {
  const now = (options.clock ?? systemClock)().toISOString();
  const values = {
    kind,
    key,
    payload: JSON.stringify(payload ?? {}),
    status: 'pending' as const,
    run_at: runAt.toISOString(),
    attempts: 0,
    max_attempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    created_at: now,
    updated_at: now,
  };
  const row = await tx
    .insertInto('jobs')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('key')
        // The unique index's own condition, written out (a bound value would not match it).
        .where(sql<boolean>`status = 'pending'`)
        .doUpdateSet({ kind: values.kind, payload: values.payload, run_at: values.run_at, attempts: 0, max_attempts: values.max_attempts, last_error: null, updated_at: now }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A job whose key starts with prefix (substr, not LIKE: a key may hold % or _). */
const keyStartsWith = (prefix: string) => (eb: ExpressionBuilder<Database, 'jobs'>) => eb(eb.fn('substr', ['key', eb.val(1), eb.val(prefix.length)]), '=', prefix);

/**
 * Removes the pending jobs whose key starts with keyPrefix (a meeting moved: cancel
 * `meetings:12:` and schedule its reminders again). A job already running is left to finish.
 * Returns how many were removed.
 */
export async function cancelJobs(tx: Handle, keyPrefix: string): Promise<number> {
  if (!keyPrefix) throw new Error('cancelJobs needs a key prefix');
  const result = await tx
    .deleteFrom('jobs')
    .where('status', '=', 'pending')
    .where(keyStartsWith(keyPrefix))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Marks failed the jobs whose instance died on their last try (they are not run again without an
 * admin), so that claimJob only takes up interrupted jobs that have tries left.
 */
export async function failInterruptedJobs(db: Handle, clock: Clock, claimTimeoutMs = CLAIM_TIMEOUT_MS): Promise<number> {
  const now = clock();
  const result = await db
    .updateTable('jobs')
    .set({ status: 'failed', last_error: INTERRUPTED, claimed_at: null, claimed_by: null, updated_at: now.toISOString() })
    .where('status', '=', 'running')
    .where('claimed_at', '<', new Date(now.getTime() - claimTimeoutMs).toISOString())
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Claims one due job of these kinds for this instance: a pending one whose time has come, or a
 * running one whose claim timed out. Returns it with attempts already counting this try, or
 * undefined when there is none (or another instance took it first).
 */
export async function claimJob(db: Handle, clock: Clock, instance: string, kinds: readonly string[], claimTimeoutMs = CLAIM_TIMEOUT_MS): Promise<Job | undefined> {
  if (!kinds.length) return undefined;
  const now = clock();
  const nowIso = now.toISOString();
  const staleIso = new Date(now.getTime() - claimTimeoutMs).toISOString();
  const claimable = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([
      eb('kind', 'in', [...kinds]),
      eb.or([eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso)]), eb.and([eb('status', '=', 'running'), eb('claimed_at', '<', staleIso)])]),
    ]);
  let candidate = db.selectFrom('jobs').select('id').where(claimable).orderBy('run_at').orderBy('id').limit(1);
  // PostgreSQL: instances skip each other's locked rows instead of queueing on them. SQLite runs
  // one writer at a time, so the same update's conditions make the claim.
  if (isPostgres(db)) candidate = candidate.forUpdate().skipLocked();
  return db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', claimed_at: nowIso, claimed_by: instance, attempts: eb('attempts', '+', 1), updated_at: nowIso }))
    // A scalar subquery runs once (PostgreSQL's InitPlan); `id in (...)` may run it again for each
    // row it scans and so claim more than one.
    .where('id', '=', candidate)
    .where(claimable)
    .returningAll()
    .executeTakeFirst();
}

/**
 * A run finished: the job is done and deleted (unless another instance has claimed it since). A
 * recurring job's earlier failed occurrence is cleared too: this run has done its work.
 */
export async function completeJob(db: Handle, job: Job): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', job.id).where('status', '=', 'running').where('attempts', '=', job.attempts).execute();
  const recurring = recurringPrefix(job.key);
  if (recurring) await deleteFailedOccurrences(db, job, recurring);
}

/** cron:NAME: for a recurring job's occurrence (see recurring.ts), else null. */
function recurringPrefix(key: string | null): string | null {
  return (key && /^cron:[^:]+:/.exec(key)?.[0]) || null;
}

async function deleteFailedOccurrences(db: Handle, job: Job, prefix: string): Promise<void> {
  await db
    .deleteFrom('jobs')
    .where('status', '=', 'failed')
    .where('kind', '=', job.kind)
    .where('id', '<>', job.id)
    .where(keyStartsWith(prefix))
    .execute();
}

/**
 * A run threw: the job waits BACKOFF_MINUTES and is tried again, or after its last try is marked
 * failed with the error for an admin. A recurring job keeps only its latest failed occurrence
 * (the next occurrence is its retry). Returns what became of it.
 */
export async function failJob(db: Handle, clock: Clock, job: Job, error: unknown): Promise<'retry' | 'failed' | 'gone'> {
  const now = clock();
  const lastError = errorText(error);
  const mine = (eb: ExpressionBuilder<Database, 'jobs'>) => eb.and([eb('id', '=', job.id), eb('status', '=', 'running'), eb('attempts', '=', job.attempts)]);
  if (job.attempts >= job.max_attempts) {
    await db.updateTable('jobs').set({ status: 'failed', last_error: lastError, claimed_at: null, claimed_by: null, updated_at: now.toISOString() }).where(mine).execute();
    const recurring = recurringPrefix(job.key);
    if (recurring) await deleteFailedOccurrences(db, job, recurring);
    return 'failed';
  }
  const wait = BACKOFF_MINUTES[Math.min(job.attempts - 1, BACKOFF_MINUTES.length - 1)]! * 60_000;
  const retry = { status: 'pending' as const, run_at: new Date(now.getTime() + wait).toISOString(), last_error: lastError, claimed_at: null, claimed_by: null, updated_at: now.toISOString() };
  // The same key scheduled again while this ran: the newer job stands and this one is dropped.
  if (job.key && (await pendingWithKey(db, job.key))) {
    await db.deleteFrom('jobs').where('id', '=', job.id).where('status', '=', 'running').execute();
    return 'gone';
  }
  try {
    await db.updateTable('jobs').set(retry).where(mine).execute();
  } catch {
    // Scheduled again in the moment between the check and the update (the unique key refused it).
    await db.deleteFrom('jobs').where('id', '=', job.id).where('status', '=', 'running').execute();
    return 'gone';
  }
  return 'retry';
}

async function pendingWithKey(db: Handle, key: string): Promise<boolean> {
  return Boolean(await db.selectFrom('jobs').select('id').where('key', '=', key).where('status', '=', 'pending').executeTakeFirst());
}

/** What an error says, for last_error (shown to admins); handlers throw errors without personal data. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.slice(0, 500) || 'Unknown error';
}

export type RetryOutcome = { ok: true } | { ok: false; reason: 'not_found' | 'not_failed' | 'already_pending' };

/**
 * An admin asks for a failed job to run again now, with its tries back. If the same key has been
 * scheduled again since, that newer job stands and this failed one is removed.
 */
export async function retryJob(tx: Handle, id: number, clock: Clock): Promise<RetryOutcome> {
  const job = await tx.selectFrom('jobs').select(['id', 'status', 'key']).where('id', '=', id).executeTakeFirst();
  if (!job) return { ok: false, reason: 'not_found' };
  if (job.status !== 'failed') return { ok: false, reason: 'not_failed' };
  if (job.key && (await pendingWithKey(tx, job.key))) {
    await tx.deleteFrom('jobs').where('id', '=', id).where('status', '=', 'failed').execute();
    return { ok: false, reason: 'already_pending' };
  }
  const now = clock().toISOString();
  const r = await tx.updateTable('jobs').set({ status: 'pending', attempts: 0, run_at: now, last_error: null, updated_at: now }).where('id', '=', id).where('status', '=', 'failed').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? { ok: true } : { ok: false, reason: 'not_failed' };
}

export type JobCounts = { pending: number; due: number; running: number; failed: number };

/** How many jobs wait (and how many of those are due now), run, and have failed. */
export async function jobCounts(db: Handle, clock: Clock): Promise<JobCounts> {
  const now = clock().toISOString();
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('run_at', '<=', now).then(1).else(0).end()).as('due')])
    .groupBy('status')
    .execute();
  const counts: JobCounts = { pending: 0, due: 0, running: 0, failed: 0 };
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    if (r.status === 'pending') counts.due = Number(r.due);
  }
  return counts;
}

/** The failed jobs, newest first: what an admin sees (never the payload). */
export async function listFailedJobs(db: Handle, limit = 100) {
  return db.selectFrom('jobs').select(['id', 'kind', 'run_at', 'updated_at', 'attempts', 'last_error']).where('status', '=', 'failed').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** The recurring jobs and when each runs next. */
export async function listSchedules(db: Handle) {
  return db.selectFrom('job_schedules').selectAll().orderBy('name').execute();
}
