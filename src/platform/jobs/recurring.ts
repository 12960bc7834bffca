// Recurring jobs by cron expression (croner), read in London time. Each schedule has one row in
// job_schedules holding its next occurrence; when that time comes, the instance whose conditional
// update moves next_at on schedules the occurrence as an ordinary job (keyed by its time, such as
// cron:housekeeping:2026-12-01T13:00Z), in the same transaction, so two instances never both
// schedule it and the runner's claim makes sure it runs once. Occurrences missed while no
// instance was running collapse into one run (the latest), not one per missed occurrence.
import { Cron } from 'croner';
import { inTransaction, type Db } from '../db/database.ts';
import type { Clock } from '../time.ts';
import { scheduleJob, type JobKind, type JobKinds } from './jobs.ts';

export type RecurringJob = {
  [K in JobKind]: {
    /** Letters, digits, dot, dash and underscore: it is part of each occurrence's key. */
    name: string;
    /** Five fields (minute first), or six with seconds first; see croner. */
    cron: string;
    kind: K;
    payload: JobKinds[K];
    /** Tries for each occurrence (the next occurrence is a retry of its own). */
    maxAttempts?: number;
  };
}[JobKind];

const NAME = /^[a-z0-9._-]+$/i;
const ZONE = 'Europe/London';

/** Throws if a schedule is not usable: a bad name or a cron expression croner cannot read. */
export function checkRecurring(job: RecurringJob): void {
  if (!NAME.test(job.name)) throw new Error(`Recurring job name "${job.name}" may only hold letters, digits, dots, dashes and underscores`);
  new Cron(job.cron, { timezone: ZONE, paused: true });
}

/** The first occurrence of a cron expression strictly after an instant. */
export function nextOccurrence(cron: string, after: Date): Date {
  const next = new Cron(cron, { timezone: ZONE, paused: true }).nextRun(after);
  if (!next) throw new Error(`The cron expression "${cron}" has no next occurrence`);
  return next;
}

/** An occurrence's job key: cron:NAME:2026-12-01T13:00Z (with seconds when they are not :00). */
export function occurrenceKey(name: string, at: Date | string): string {
  const iso = new Date(at).toISOString();
  return `cron:${name}:${iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.slice(0, 19)}Z`;
}

/**
 * Schedules each recurring job's occurrence that has come, once across all instances, and records
 * a new schedule's first occurrence (the first after now). A changed cron expression starts again
 * from now. Returns how many occurrences this instance scheduled.
 */
export async function scheduleDueOccurrences(db: Db, clock: Clock, recurring: readonly RecurringJob[]): Promise<number> {
  if (!recurring.length) return 0;
  const now = clock();
  const nowIso = now.toISOString();
  const rows = new Map((await db.selectFrom('job_schedules').selectAll().where('name', 'in', recurring.map((r) => r.name)).execute()).map((r) => [r.name, r]));
  let scheduled = 0;
  for (const job of recurring) {
    const row = rows.get(job.name);
    const next = nextOccurrence(job.cron, now).toISOString();
    if (!row) {
      await db.insertInto('job_schedules').values({ name: job.name, cron: job.cron, next_at: next, last_at: null, updated_at: nowIso }).onConflict((oc) => oc.column('name').doNothing()).execute();
      continue;
    }
    if (row.cron !== job.cron) {
      await db.updateTable('job_schedules').set({ cron: job.cron, next_at: next, updated_at: nowIso }).where('name', '=', job.name).where('cron', '=', row.cron).execute();
      continue;
    }
    if (Date.parse(row.next_at) > now.getTime()) continue;
    const won = await inTransaction(db, async (tx) => {
      const moved = await tx.updateTable('job_schedules').set({ next_at: next, last_at: row.next_at, updated_at: nowIso }).where('name', '=', job.name).where('next_at', '=', row.next_at).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false; // another instance took this occurrence
      await scheduleJob(tx, job.kind, new Date(row.next_at), job.payload as never, occurrenceKey(job.name, row.next_at), { maxAttempts: job.maxAttempts, clock });
      return true;
    });
    if (won) scheduled++;
  }
  return scheduled;
}
