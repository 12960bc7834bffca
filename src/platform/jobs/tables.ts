// The scheduled-jobs tables (migration 014), owned by the platform: features write them only
// through scheduleJob and cancelJobs (jobs.ts); the runner (runner.ts) does the rest.
import type { Generated, Selectable } from 'kysely';

/**
 * `pending` waits for its run_at; `running` is claimed by one instance (claimed_by, claimed_at);
 * `failed` ran out of tries and waits for an admin. A job that succeeds is deleted.
 */
export type JobStatus = 'pending' | 'running' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** Unique among pending jobs: scheduling the same key again reschedules that job. */
  key: string | null;
  /** JSON text: the kind's payload (ids, not personal data). */
  payload: string;
  status: JobStatus;
  run_at: string;
  /** Claims so far, counting the one running now; also the fence a finished run checks. */
  attempts: number;
  max_attempts: number;
  claimed_at: string | null;
  claimed_by: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * One row per recurring job (a cron expression): next_at is the occurrence still to run. The
 * instance whose conditional update moves next_at on is the one that schedules that occurrence,
 * so two instances never both do.
 */
export interface JobSchedulesTable {
  name: string;
  cron: string;
  next_at: string;
  last_at: string | null;
  updated_at: string;
}

export type Job = Selectable<JobsTable>;

declare module '../db/schema.ts' {
  interface Database {
    jobs: JobsTable;
    job_schedules: JobSchedulesTable;
  }
}
