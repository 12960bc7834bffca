// CSRF: every form carries a token tied to a secret in a __Host- cookie; every state-changing
// request without a valid one is refused with 403 before any handler runs.
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { cookieName } from './cookies.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function registerCsrf(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookieName('csrf', config),
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies, signed: false },
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE.has(request.method) || request.routeOptions.config.csrf === false) return done();
    app.csrfProtection(request, reply, done);
  });
}
