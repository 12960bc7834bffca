// The digests as recurring jobs: the daily one at 07:00 London time (yesterday's notifications),
// the weekly one on Mondays at 07:00 (last Monday to Sunday). sendDigests is safe to run twice
// (digest_runs records each person's digest for a period), so a retried occurrence sends nothing twice.
import type { RecurringJob } from '../jobs/recurring.ts';
import type { JobHandlers } from '../jobs/runner.ts';
import { sendDigests, type DigestPeriod } from './digest.ts';
import type { NotifyContext } from './notify.ts';

declare module '../jobs/jobs.ts' {
  interface JobKinds {
    /** Sends every waiting digest of the period that has just ended. */
    'notify.digest': { period: DigestPeriod };
  }
}

export const DIGEST_JOBS: readonly RecurringJob[] = [
  { name: 'digest-daily', cron: '0 7 * * *', kind: 'notify.digest', payload: { period: 'daily' }, maxAttempts: 5 },
  { name: 'digest-weekly', cron: '0 7 * * 1', kind: 'notify.digest', payload: { period: 'weekly' }, maxAttempts: 5 },
];

/** The handler needs where the site is and the secret that signs unsubscribe links; the clock and database are the job's. */
export function digestJobHandlers(ctx: Omit<NotifyContext, 'clock'>): JobHandlers {
  return {
    'notify.digest': async (payload, job) => {
      await sendDigests(job.db, { ...ctx, clock: job.clock }, payload.period);
    },
  };
}
