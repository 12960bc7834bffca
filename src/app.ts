// buildApp(deps): platform plugins first, then the platform's own routes, then each feature's
// (the list in features/index.ts: nothing here names a feature).
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import view from '@fastify/view';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerRoleGuard } from './platform/auth/guards.ts';
import { authRoutes } from './platform/auth/routes.ts';
import { registerSessionHook } from './platform/auth/session-hook.ts';
import { registerCsrf } from './platform/http/csrf.ts';
import { registerErrorPages } from './platform/http/errors.ts';
import { registerZodValidation } from './platform/http/zod-schemas.ts';
import { loggerOptions } from './platform/http/request-log.ts';
import { registerFlash } from './platform/http/flash.ts';
import { healthRoutes } from './platform/http/health.ts';
import { registerRateLimits } from './platform/http/rate-limits.ts';
import type { AppDeps } from './platform/http/request-context.ts';
import { registerSecurityHeaders } from './platform/http/security.ts';
import { registerStaticAssets } from './platform/http/static-assets.ts';
import { notificationRoutes } from './platform/notify/routes.ts';
import { SharedCache } from './platform/http/shared-cache.ts';
import { trustProxyOption } from './platform/http/trust-proxy.ts';
import { devMailEnabled, devMailRoutes } from './platform/mail/dev-routes.ts';
import { jobsAdminRoutes } from './platform/jobs/admin-routes.ts';
import { configureEnvironment, VIEW_PATHS } from './platform/views/environment.ts';
import nunjucks from 'nunjucks';
import { FEATURES } from './features/index.ts';
import { homeSectionsFor, homeSources, loadFeatures, type Feature } from './platform/feature.ts';
import { buildNavigation, type Navigation } from './navigation.ts';

export type { AppDeps };

// Sent before any hook has run (the router refused the address), so without the site's layout.
const plainPage = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p><p><a href="/">Go to the home page</a></p></main></body></html>`;
const PLAIN_NOT_FOUND = plainPage('Page not found', 'If you typed the web address, check it is correct. If you pasted it, check you copied the entire address.');
const PLAIN_BAD_REQUEST = plainPage('Sorry, there is a problem with that request', 'Go back and try again.');

/** Request bodies above this are refused with 413: forms here are short. */
export const BODY_LIMIT = 256 * 1024;

export async function buildApp(deps: AppDeps, options: { logger?: boolean | object; features?: readonly Feature[] } = {}): Promise<FastifyInstance> {
  const features = loadFeatures(options.features ?? FEATURES);
  const navigationFor = buildNavigation(features);
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: BODY_LIMIT,
    // Only the configured proxies' X-Forwarded-For is believed (TRUST_PROXY); by default none,
    // so a client cannot choose the address its rate limits are counted against.
    trustProxy: trustProxyOption(deps.config),
    // A path part longer than any we make (unsubscribe links are about 100 characters) is a page
    // that does not exist: the not-found page, not the router's bare 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 300 },
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.code === 'FST_ERR_BAD_URL') {
        void reply.code(404).type('text/html; charset=utf-8').send(PLAIN_NOT_FOUND);
        return;
      }
      void reply.code(400).type('text/html; charset=utf-8').send(PLAIN_BAD_REQUEST);
    },
  });

  await registerSecurityHeaders(app);
  await registerStaticAssets(app);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await registerRateLimits(app, deps);
  await registerCsrf(app, deps.config);
  await app.register(view, {
    engine: { nunjucks },
    templates: VIEW_PATHS,
    options: { autoescape: true, trimBlocks: true, lstripBlocks: true, onConfigure: configureEnvironment },
  });
  registerSessionHook(app, deps);
  registerErrorPages(app);
  registerZodValidation(app);
  registerFlash(app, deps.config);
  app.decorate('sharedCache', new SharedCache(30_000));

  // What every page's layout needs, set as soon as the person is known so that error pages
  // (which can be sent from any later hook, such as the CSRF check) have it too.
  // A visitor who is signed out sees the same navigation on a path, so it is worked out once per
  // path (a bounded number of paths is kept: anyone can ask for any path).
  const signedOutNavigation = new Map<string, Navigation>();
  const navigation = (user: FastifyRequest['user'], path: string) => {
    if (user) return navigationFor(user, path);
    let items = signedOutNavigation.get(path);
    if (!items) {
      if (signedOutNavigation.size >= 500) signedOutNavigation.clear();
      signedOutNavigation.set(path, (items = navigationFor(null, path)));
    }
    return items;
  };
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url === '/health' || request.url.startsWith('/assets/')) return done();
    reply.locals = {
      assets: deps.assets,
      currentUser: request.user,
      navigation: navigation(request.user, request.url.split('?')[0]!),
      // A function, so only pages with a form create the CSRF cookie.
      csrfToken: () => reply.generateCsrf(),
    };
    done();
  });
  registerRoleGuard(app);
  // Pages carry personal data once signed in; shared computers must not cache them.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.user && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  const sources = homeSources(features);
  app.decorate('homeSections', (viewer, ctx) => homeSectionsFor(sources, viewer, ctx));

  healthRoutes(app, deps);
  // What features add to every request (request.programme()), before any routes use it.
  for (const f of features) f.prepare?.(app, deps);
  // The platform's own pages: sign-in and account, notification settings, jobs, dev mail.
  authRoutes(app, deps);
  notificationRoutes(app, deps);
  jobsAdminRoutes(app, deps);
  if (devMailEnabled(deps)) devMailRoutes(app, deps);
  for (const f of features) await f.routes?.(app, deps);

  return app;
}
