// /admin/jobs: what the job runner is doing, for admins. Failed jobs with their error (never
// their payload, which is the feature's), how many wait and run, the recurring jobs and when each
// runs next, and "Try again" for a failed job (POST, then back to the page with a message).
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { onlyRoles } from '../auth/guards.ts';
import { inTransaction } from '../db/database.ts';
import type { AppDeps } from '../http/request-context.ts';
import { formBody, idParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { jobCounts, listFailedJobs, listSchedules, retryJob, type RetryOutcome } from './jobs.ts';

const V = 'platform/jobs/views';
const adminOnly = { config: onlyRoles('admin') };
const withId = { ...adminOnly, schema: { params: idParams, body: formBody } };

const RETRIED: Record<'ok' | Extract<RetryOutcome, { ok: false }>['reason'], string> = {
  ok: 'The job will run again in the next few seconds.',
  not_found: 'That job is no longer here: it may have run or been cancelled since the page was shown.',
  not_failed: 'That job has not failed (it may have been tried again already), so nothing was changed.',
  already_pending: 'A newer run of that job is already waiting, so the failed one was removed.',
};

export function jobsAdminRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;

  app.get('/admin/jobs', adminOnly, async (_request, reply) => {
    const [counts, failed, schedules] = await Promise.all([jobCounts(db, deps.clock), listFailedJobs(db), listSchedules(db)]);
    return reply.view(`${V}/jobs.njk`, { pageTitle: 'Scheduled jobs', wide: true, counts, failed, schedules });
  });

  app.post('/admin/jobs/:id/retry', withId, async (request, reply) => {
    const { id } = request.params;
    const outcome = await inTransaction(db, async (tx) => {
      const result = await retryJob(tx, id, deps.clock);
      if (result.ok) await recordAudit(tx, { actorId: request.user!.id, action: 'job.retry', recordType: 'job', recordId: id, summary: `Asked for failed job ${id} to run again` }, deps.clock);
      return result;
    });
    return reply.flash(RETRIED[outcome.ok ? 'ok' : outcome.reason]).redirect('/admin/jobs');
  });
}
