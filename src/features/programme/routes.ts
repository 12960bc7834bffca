import type { FastifyInstance, FastifyReply } from 'fastify';
import { londonDate } from '../../platform/time.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { getProgrammeOverview } from './service.ts';

export function programmeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const render = async (reply: FastifyReply) => {
    const overview = await getProgrammeOverview(deps.data.db, deps.clock);
    if (!overview) return reply.viewAsync('features/programme/views/empty.njk', { pageTitle: 'Coproduce' });
    return reply.viewAsync('features/programme/views/home.njk', { pageTitle: overview.programme.name, ...overview });
  };

  app.get('/', async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    if (request.user) return reply.send(await render(reply));
    // Every anonymous visitor sees the same page; "days left" changes with the London date.
    const now = deps.clock();
    return reply.send(await app.pageCache.get(`home:${londonDate(now)}`, now.getTime(), () => render(reply)));
  });
}
