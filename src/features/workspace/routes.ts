// The landing pages of the facilitator and observer roles (the participant's is in participants/). Later features fill these with their own sections.
import type { FastifyInstance } from 'fastify';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { groupsILead } from '../participants/service.ts';

const V = 'features/workspace/views';

export function workspaceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  // The role guard lets in the roles that can lead (and admins, who run everything); a
  // participant gets in only while they lead a sub-group, as the access module says.
  app.get('/facilitate', { config: onlyRoles('admin', 'facilitator', 'participant') }, async (request, reply) => {
    const led = await groupsILead(db, request.user);
    if (request.user!.role === 'participant' && !led.subgroups.length) return sendErrorPage(request, reply, 403);
    return reply.view(`${V}/facilitate.njk`, { pageTitle: 'Facilitate', role: request.user!.role, ...led });
  });
  app.get('/reports', { config: onlyRoles('admin', 'observer') }, async (request, reply) => {
    const programme = await request.programme();
    return reply.view(`${V}/reports.njk`, { pageTitle: 'Reports', programme });
  });
}
