// The landing pages of the facilitator and observer roles (the participant's is in participants/). Later features fill these with their own sections.
import type { FastifyInstance } from 'fastify';
import { onlyRoles } from '../../platform/auth/guards.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';

const V = 'features/workspace/views';

export function workspaceRoutes(app: FastifyInstance, _deps: AppDeps): void {
  app.get('/facilitate', { config: onlyRoles('admin', 'facilitator') }, async (_request, reply) =>
    reply.view(`${V}/facilitate.njk`, { pageTitle: 'Facilitate' }),
  );
  app.get('/reports', { config: onlyRoles('admin', 'observer') }, async (request, reply) => {
    const programme = await request.programme();
    return reply.view(`${V}/reports.njk`, { pageTitle: 'Reports', programme });
  });
}
