// Sign in by emailed link, sign out, sign out everywhere, and the account page.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Role } from '../db/schema.ts';
import type { AppDeps } from '../http/request-context.ts';
import { fieldRateLimit, formRateLimit, valueRateLimit } from '../http/rate-limits.ts';
import { fieldErrors } from '../http/form-errors.ts';
import { flag, formOf, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { ANY_SIGNED_IN } from './guards.ts';
import { sessionCookieName, sessionCookieOptions } from './session-hook.ts';
import { countSessions, createSession, endAllSessions, endSession } from './sessions.ts';
import { consumeSignInToken, isUsableToken, LINK_MINUTES, requestSignIn, safeNext } from './sign-in.ts';

const emailForm = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .trim()
    .min(1, 'Enter your email address')
    .max(254, 'Email address must be 254 characters or fewer')
    .pipe(z.email('Enter an email address in the correct format, like name@example.com')),
});

// Where the person was going, carried through the form, the email and the link's page: only a
// path on this site (safeNext), anything else is dropped.
const next = z.unknown().optional().transform(safeNext);
const nextQuery = z.object({ next });
/**
 * A link's token, or null for one that cannot be ours: a link an email program cut short or
 * changed gets the friendly "link has expired" page, not "page not found".
 */
const tokenParam = z.object({ token: z.string().transform((t) => (/^[A-Za-z0-9_-]{20,100}$/.test(t) ? t : null)) });
const nextBody = formOf({ next });

export const LANDING: Record<Role, string> = {
  admin: '/admin',
  facilitator: '/facilitate',
  participant: '/my',
  observer: '/reports',
};

const VIEWS = 'platform/auth/views';

/**
 * Sign-in links for one email address, whatever the client address: the per-address limit (5 in
 * 10 minutes) lets a whole hospital behind one address sign in; this one stops anyone with many
 * addresses flooding one person's inbox.
 */
export const ACCOUNT_SIGN_IN_LIMIT = { max: 10, timeWindow: '1 hour' };

export function authRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;

  app.get('/sign-in', { schema: { querystring: nextQuery } }, async (request, reply) => {
    const next = request.query.next;
    if (request.user) return reply.redirect(next ?? LANDING[request.user.role]);
    return reply.view(`${VIEWS}/sign-in.njk`, { pageTitle: 'Sign in', values: {}, next });
  });

  app.post('/sign-in', { config: fieldRateLimit('email', 5, '10 minutes'), preHandler: valueRateLimit(appIn, 'email', ACCOUNT_SIGN_IN_LIMIT), schema: { body: nextBody } }, async (request, reply) => {
    const { email, next } = request.body;
    const parsed = emailForm.safeParse({ email });
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return reply.code(400).view(`${VIEWS}/sign-in.njk`, {
        pageTitle: 'Sign in',
        values: { email: typeof email === 'string' ? email.slice(0, 254) : '' },
        errors: errors.byField,
        errorList: errors.list,
        next,
      });
    }
    await requestSignIn(db, parsed.data.email, deps.config.baseUrl, deps.clock, next);
    deps.pokeMailWorker();
    return reply.redirect('/sign-in/check-email');
  });

  app.get('/sign-in/check-email', async (_request, reply) =>
    reply.view(`${VIEWS}/check-email.njk`, { pageTitle: 'Check your email', minutes: LINK_MINUTES }),
  );

  // Opening the link shows a button rather than signing in at once: mail scanners that follow
  // links would otherwise use up the single-use link before the person clicks it.
  app.get('/sign-in/:token', { config: formRateLimit(30, '10 minutes'), schema: { params: tokenParam, querystring: nextQuery } }, async (request, reply) => {
    const { token } = request.params;
    if (token && (await isUsableToken(db, token, deps.clock))) {
      return reply.view(`${VIEWS}/confirm.njk`, { pageTitle: 'Sign in to Coproduce', token, next: request.query.next });
    }
    return reply.code(400).view(`${VIEWS}/link-expired.njk`, { pageTitle: 'Sign-in link has expired', minutes: LINK_MINUTES });
  });

  app.post('/sign-in/:token', { config: formRateLimit(30, '10 minutes'), schema: { params: tokenParam, body: nextBody } }, async (request, reply) => {
    const { token } = request.params;
    const personId = token ? await consumeSignInToken(db, token, deps.clock) : null;
    if (personId === null) {
      return reply.code(400).view(`${VIEWS}/link-expired.njk`, { pageTitle: 'Sign-in link has expired', minutes: LINK_MINUTES });
    }
    // A new session on every sign-in, and the old one (if any) ended: no session fixation.
    if (request.user) await endSession(db, request.user.sessionId);
    const session = await createSession(db, personId, deps.clock);
    reply.setCookie(sessionCookieName(deps), session, sessionCookieOptions(deps));
    const person = await db.selectFrom('people').select('role').where('id', '=', personId).executeTakeFirstOrThrow();
    // The page they were going to (its own role check still applies), or their landing page.
    return reply.redirect(request.body.next ?? LANDING[person.role]);
  });

  app.post('/sign-out', async (request, reply) => {
    if (request.user) await endSession(db, request.user.sessionId);
    reply.clearCookie(sessionCookieName(deps), sessionCookieOptions(deps));
    return reply.redirect('/signed-out');
  });

  app.post('/sign-out-everywhere', { config: { roles: ANY_SIGNED_IN } }, async (request, reply) => {
    await endAllSessions(db, request.user!.id);
    reply.clearCookie(sessionCookieName(deps), sessionCookieOptions(deps));
    return reply.redirect('/signed-out?everywhere=1');
  });

  app.get('/signed-out', { schema: { querystring: z.object({ everywhere: flag() }) } }, async (request, reply) => {
    const everywhere = request.query.everywhere;
    return reply.view(`${VIEWS}/signed-out.njk`, { pageTitle: 'You have signed out', everywhere });
  });

  app.get('/account', { config: { roles: ANY_SIGNED_IN } }, async (request, reply) => {
    const sessions = await countSessions(db, request.user!.id);
    return reply.view(`${VIEWS}/account.njk`, { pageTitle: 'Your account', sessions });
  });
}
