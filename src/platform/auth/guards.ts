// Roles are checked on every route: a route declares config.roles, and this hook enforces it
// before the handler runs. Not signed in: a page request goes to sign-in, anything else gets 403.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../db/schema.ts';
import { sendErrorPage } from '../http/errors.ts';

export function registerRoleGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    if (!request.user) {
      // Back to this page once signed in.
      if (request.method === 'GET') return reply.redirect(request.url === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(request.url)}`);
      return sendErrorPage(request, reply, 403);
    }
    if (!roles.includes(request.user.role)) return sendErrorPage(request, reply, 403);
  });
}

export const ANY_SIGNED_IN: readonly Role[] = ['admin', 'facilitator', 'participant', 'observer'];
export const onlyRoles = (...roles: Role[]) => ({ roles });
