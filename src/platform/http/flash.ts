// A one-time message for POST-redirect-GET: a route calls reply.flash('Sub-group saved.') and
// redirects; the next page shows it in the layout's success banner, once. It travels in a short-
// lived cookie of its own (text only, escaped when shown), so it needs no session and works for
// people who are not signed in as well.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { cookieName } from './cookies.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** Shows this message on the next page the browser opens. */
    flash(text: string): FastifyReply;
  }
}

const MAX = 300;

export function registerFlash(app: FastifyInstance, config: Config): void {
  const name = cookieName('flash', config);
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies };
  app.decorateReply('flash', function (text: string) {
    return this.setCookie(name, text.slice(0, MAX), { ...options, maxAge: 60 });
  });
  // Only requests that carry the cookie pay anything here.
  app.addHook('preHandler', (request, reply, done) => {
    const text = request.cookies[name];
    if (text !== undefined && request.method === 'GET') {
      reply.clearCookie(name, options);
      if (text && reply.locals) reply.locals.flash = text.slice(0, MAX);
    }
    done();
  });
}
