import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { getProgrammeOverview } from './service.ts';

export function programmeRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/', async (_request, reply) => {
    const overview = await getProgrammeOverview(deps.data.db, deps.clock);
    if (!overview) return reply.view('features/programme/views/empty.njk', { pageTitle: 'Coproduce' });
    return reply.view('features/programme/views/home.njk', { pageTitle: overview.programme.name, ...overview });
  });
}
