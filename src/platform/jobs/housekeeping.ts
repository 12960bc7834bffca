// Housekeeping, hourly: the tasks the composition root (main.ts) hands in, such as purging
// expired sessions, old registration drafts and the bodies of sent mail. Each task deletes what
// is past its time, so running one twice is harmless. A task that fails does not stop the others;
// the job fails naming it, and is tried again.
import type { Db } from '../db/database.ts';
import type { Clock } from '../time.ts';
import { errorText } from './jobs.ts';
import type { RecurringJob } from './recurring.ts';
import type { JobHandlers } from './runner.ts';

export type HousekeepingTask = { name: string; run(db: Db, clock: Clock): Promise<unknown> };

/** At the top of every hour; a failed run is tried again once 1 and 5 minutes later, then waits for the next hour. */
export const HOUSEKEEPING_JOB: RecurringJob = { name: 'housekeeping', cron: '0 * * * *', kind: 'housekeeping', payload: {}, maxAttempts: 3 };

export function housekeepingHandlers(tasks: readonly HousekeepingTask[]): JobHandlers {
  return {
    housekeeping: async (_payload, job) => {
      const settled = await Promise.allSettled(tasks.map((t) => t.run(job.db, job.clock)));
      const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${tasks[i]!.name} (${errorText(s.reason)})`] : []));
      if (failed.length) throw new Error(`Housekeeping did not finish: ${failed.join('; ')}`);
    },
  };
}
