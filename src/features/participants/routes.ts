// Projects, sub-groups and memberships (admin), and the participant's own pages.
import type { FastifyInstance } from 'fastify';
import { onlyRoles } from '../../platform/auth/guards.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { findProgramme } from '../programme/queries.ts';

const V = 'features/participants/views';

export function participantsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/my', { config: onlyRoles('participant') }, async (_request, reply) => {
    const programme = await findProgramme(deps.data.db);
    return reply.view(`${V}/my.njk`, { pageTitle: 'Your programme', programme });
  });
}
