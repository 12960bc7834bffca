// Loads the signed-in person from the session cookie on each request.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../http/request-context.ts';
import { cookieName } from '../http/cookies.ts';
import { loadSession } from './sessions.ts';

export function sessionCookieName(deps: AppDeps): string {
  return cookieName('session', deps.config);
}

export function sessionCookieOptions(deps: AppDeps) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies };
}

export function registerSessionHook(app: FastifyInstance, deps: AppDeps): void {
  const name = sessionCookieName(deps);
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request, reply) => {
    // Static files and the health check never need the session.
    if (request.url.startsWith('/assets/') || request.url === '/health') return;
    const token = request.cookies[name];
    request.user = token ? await loadSession(deps.data.db, token, deps.clock) : null;
    if (token && !request.user) reply.clearCookie(name, sessionCookieOptions(deps));
  });
}
