// Registration counts and charts for the programme team.
import type { FastifyInstance } from 'fastify';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { barChartSvg } from '../../../platform/views/bar-chart.ts';
import { dashboard } from './service.ts';

export function dashboardRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/admin/dashboard', { config: onlyRoles('admin') }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return reply.view('features/registration/dashboard/views/dashboard.njk', { pageTitle: 'Dashboard', total: 0, charts: [] });
    // Counting every registration several ways takes a while with 100,000 of them; the figures
    // are kept for 30 seconds and the page says when they were counted.
    const now = deps.clock();
    const d = await app.sharedCache.get(`dashboard:${programme.id}`, now.getTime(), async () => ({ ...(await dashboard(deps.data.db, deps.data.engine, programme.id)), countedAt: now.toISOString() }));
    const render = (c: { id: string; title: string; bars: { label: string; value: number }[] }) => ({ ...c, svg: barChartSvg(c.id, c.title, c.bars) });
    return reply.view('features/registration/dashboard/views/dashboard.njk', {
      pageTitle: 'Dashboard',
      total: d.total,
      countedAt: d.countedAt,
      charts: d.charts.map(render),
      overTime: d.overTime.bars.length ? render(d.overTime) : null,
    });
  });
}
