// The public "Register your interest" journey: start page, one question page per step,
// check your answers, confirmation, and the link that confirms the email address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { z } from 'zod';
import { cookieName } from '../../../platform/http/cookies.ts';
import { formRateLimit } from '../../../platform/http/rate-limits.ts';
import { loadProgrammeDetails, registrationWindow } from '../../programme/service.ts';
import { listOrganisations } from '../organisations.ts';
import { checkConfirmToken, confirmPendingChange, confirmRegistrationEmail, submitRegistration } from '../service.ts';
import { registrationDb } from '../tables.ts';
import { loadDraft, replaceDraft, saveDraft } from './drafts.ts';
import { journey, toDetails, type Answers, type JourneyContext, type Step } from './steps.ts';

const V = 'features/registration/journey/views';

/** What the "check your email" page shows: the address typed, never anything about who holds it. */
type Submitted = { email: string };

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

// Limits per IP address are generous: a whole hospital may register through one address on the
// last day. They stop floods, not people.
// What the journey's addresses and forms may carry, checked before any handler runs.
const slugParams = { params: z.object({ slug: z.string().max(40) }), querystring: z.object({ change: z.literal('1').optional().catch(undefined) }) };
const tokenParams = { params: z.object({ token: z.string().max(200) }) };

export function registrationRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;
  const cookie = cookieName('registration', deps.config);
  const draftCookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies };

  // The programme and the answer lists change rarely and are read on every step: kept briefly.
  const cached = <T>(key: string, compute: () => Promise<T>) => app.sharedCache.get(key, deps.clock().getTime(), compute);

  async function programmeState(request: FastifyRequest) {
    const programme = await request.programme();
    if (!programme) return null;
    return { programme, window: registrationWindow(programme, deps.clock()) };
  }

  function context(programmeId: number): Promise<JourneyContext> {
    return cached(`journey:${programmeId}`, async () => {
      const [organisations, details] = await Promise.all([listOrganisations(db), loadProgrammeDetails(db, programmeId)]);
      return { organisations, aims: details.aims.map((a) => ({ number: a.number, title: a.title })), methods: details.methods.map((m) => ({ key: m.key, title: m.title })) };
    });
  }

  function closed(reply: FastifyReply, state: NonNullable<Awaited<ReturnType<typeof programmeState>>> | null, status = 200) {
    return reply.code(status).view(`${V}/closed.njk`, { pageTitle: 'Registration has closed', programme: state?.programme, window: state?.window });
  }

  const draftToken = (request: FastifyRequest) => request.cookies[cookie];

  function renderStep(reply: FastifyReply, step: Step, answers: Answers, ctx: JourneyContext, extra: { values?: Record<string, unknown>; errors?: Record<string, string>; change?: boolean; status?: number } = {}) {
    const values: Record<string, unknown> = extra.values ?? answers;
    const prev = journey.previous(step, answers)?.slug;
    const errors = Object.fromEntries(Object.entries(extra.errors ?? {}).map(([k, v]) => [k, { text: v }]));
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).view(`${V}/question.njk`, {
      pageTitle: step.title,
      step,
      values,
      errors,
      errorList: Object.entries(extra.errors ?? {}).map(([k, v]) => ({ text: v, href: `#${k}` })),
      backHref: extra.change ? '/register/check-answers' : prev ? `/register/${prev}` : '/register',
      action: `/register/${step.slug}${extra.change ? '?change=1' : ''}`,
      organisations: ctx.organisations,
      aims: ctx.aims,
      methods: ctx.methods,
    });
  }

  // Pages that show what someone typed must not be kept by a shared computer's browser or a proxy.
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get('/register', async (request, reply) => {
    const state = await programmeState(request);
    if (!state || !state.window.open) return closed(reply, state);
    return reply.view(`${V}/start.njk`, { pageTitle: 'Register your interest', ...state });
  });

  app.get('/register/check-answers', async (request, reply) => {
    const state = await programmeState(request);
    if (!state || !state.window.open) return closed(reply, state);
    const answers = (await loadDraft(db, draftToken(request), deps.clock)) ?? {};
    const ctx = await context(state.programme.id);
    const next = journey.firstToAnswer(answers, ctx);
    if (next) return reply.redirect(`/register/${next.slug}`);
    return personal(reply).view(`${V}/check.njk`, { pageTitle: 'Check your answers before registering', rows: journey.summary(answers, ctx) });
  });

  app.post('/register/check-answers', { config: formRateLimit(60, '10 minutes') }, async (request, reply) => {
    const state = await programmeState(request);
    // A late POST is refused whole: nothing is saved after the end of the closing day.
    if (!state || !state.window.open) return closed(reply, state, 410);
    const token = draftToken(request);
    const answers = (await loadDraft(db, token, deps.clock)) ?? {};
    const ctx = await context(state.programme.id);
    const details = toDetails(answers, ctx);
    // Every answer is checked again on the way in: a missing, stale or tampered draft stores nothing.
    if (!details) {
      const next = journey.firstToAnswer(answers, ctx);
      return reply.redirect(next ? `/register/${next.slug}` : '/register');
    }
    // One transaction: the registration, its email, and the draft reduced to what the
    // confirmation page shows (the answers themselves are now the registration).
    await submitRegistration(db, details, {
      programmeId: state.programme.id,
      channel: 'web',
      baseUrl: deps.config.baseUrl,
      clock: deps.clock,
      alsoInTransaction: async (tx) => {
        const submitted: Submitted = { email: details.email ?? '' };
        await replaceDraft(registrationDb(tx), token!, { submitted }, deps.clock);
      },
    });
    deps.pokeMailWorker();
    return reply.redirect('/register/confirmation');
  });

  app.get('/register/confirmation', async (request, reply) => {
    const draft = (await loadDraft(db, draftToken(request), deps.clock)) as { submitted?: Submitted } | null;
    if (!draft?.submitted) return reply.redirect('/register');
    // The journey is over: the draft cookie goes with it (the page can be shown once more from it until it expires).
    reply.clearCookie(cookie, draftCookieOptions);
    return personal(reply).view(`${V}/confirmation.njk`, { pageTitle: 'Check your email', ...draft.submitted });
  });

  // The links in the emails open a page with a button: mail scanners that follow links must not
  // confirm for people. Both kinds of link expire.
  const LINKS = {
    confirm: {
      path: '/register/confirm/:token',
      page: { pageTitle: 'Confirm your email address', heading: 'Confirm your email address', lead: 'Press the button to confirm this is your email address and complete your registration of interest.', button: 'Confirm my email address' },
      done: { pageTitle: 'Email address confirmed', heading: 'Email address confirmed', lead: 'Thank you. The programme team will be in touch about taking part.' },
      run: confirmRegistrationEmail,
    },
    change: {
      path: '/register/confirm-change/:token',
      page: { pageTitle: 'Confirm the change to your registration', heading: 'Confirm the change to your registration', lead: 'Somebody registered again with your email address. Press the button to replace the details we hold with the new ones. If it was not you, close this page: nothing will change.', button: 'Confirm the change' },
      done: { pageTitle: 'Registration updated', heading: 'Registration updated', lead: 'We have updated your registration with the new details.' },
      run: confirmPendingChange,
    },
  } as const;

  // The link went to the person who registered someone on their behalf: the page speaks to them.
  const forContact = (kind: keyof typeof LINKS, name: string) =>
    kind === 'confirm'
      ? { pageTitle: `Confirm you registered ${name}`, heading: `Confirm you registered ${name}`, lead: `You registered ${name} for the programme on their behalf. Press the button to confirm, and we will write to you about them until they have an email address of their own.`, button: 'Confirm the registration' }
      : { pageTitle: `Confirm the change to ${name}’s registration`, heading: `Confirm the change to ${name}’s registration`, lead: `New details were sent for ${name}, whom you registered on their behalf. Press the button to replace the details we hold with the new ones. If it was not you, close this page: nothing will change.`, button: 'Confirm the change' };

  for (const [kind, link] of Object.entries(LINKS) as [keyof typeof LINKS, (typeof LINKS)[keyof typeof LINKS]][]) {
    const tokenOf = (token: string) => (TOKEN.test(token) ? token : null);
    const invalid = (reply: FastifyReply, expired: boolean) => reply.code(expired ? 410 : 400).view(`${V}/confirm-invalid.njk`, { pageTitle: expired ? 'This link has expired' : 'Confirmation link not recognised', expired });

    app.get(link.path, { config: formRateLimit(30, '10 minutes'), schema: tokenParams }, async (request, reply) => {
      const token = tokenOf(request.params.token);
      const found = token ? await checkConfirmToken(db, token, kind, deps.clock) : ({ state: 'unknown' } as const);
      if (found.state !== 'ok') return invalid(reply, found.state === 'expired');
      return personal(reply).view(`${V}/confirm.njk`, { ...link.page, ...(found.onBehalfOf ? forContact(kind, found.onBehalfOf) : {}), action: request.url.split('?')[0], askConsent: found.needsConsent, onBehalfOf: found.onBehalfOf });
    });

    app.post(link.path, { config: formRateLimit(30, '10 minutes'), schema: { ...tokenParams, body: formBody } }, async (request, reply) => {
      const token = tokenOf(request.params.token);
      const consent = request.body.consent === 'yes';
      const result = token ? await link.run(db, token, deps.clock, { consent }) : ({ ok: false, reason: 'unknown' } as const);
      if (!result.ok && result.reason === 'consent_needed') {
        const text = 'Tick the box to agree, or we cannot keep your registration';
        const found = await checkConfirmToken(db, token!, kind, deps.clock);
        const onBehalfOf = found.state === 'ok' ? found.onBehalfOf : null;
        return personal(reply).code(400).view(`${V}/confirm.njk`, { ...link.page, ...(onBehalfOf ? forContact(kind, onBehalfOf) : {}), onBehalfOf, action: request.url.split('?')[0], askConsent: true, errors: { consent: { text } }, errorList: [{ text, href: '#consent' }] });
      }
      if (!result.ok) return invalid(reply, result.reason === 'expired');
      return personal(reply).view(`${V}/confirmed.njk`, { ...link.done, reference: result.registration.reference });
    });
  }

  app.get('/register/:slug', { schema: slugParams }, async (request, reply) => {
    const step = journey.step(request.params.slug);
    if (!step) return reply.callNotFound();
    const state = await programmeState(request);
    if (!state || !state.window.open) return closed(reply, state);
    const answers = (await loadDraft(db, draftToken(request), deps.clock)) ?? {};
    const ctx = await context(state.programme.id);
    const elsewhere = journey.redirectFor(step, answers, ctx);
    if (elsewhere) return reply.redirect(`/register/${elsewhere}`);
    const change = request.query.change === '1';
    // An answer that has gone stale since it was given is shown with the reason to change it.
    const stale = answers.done?.includes(step.slug) ? journey.recheck(step, answers, ctx) : null;
    return renderStep(personal(reply), step, answers, ctx, { change, ...(stale && !stale.ok ? { errors: stale.errors, status: 200 } : {}) });
  });

  app.post('/register/:slug', { config: formRateLimit(600, '10 minutes'), schema: { ...slugParams, body: formBody } }, async (request, reply) => {
    const step = journey.step(request.params.slug);
    if (!step) return reply.callNotFound();
    const state = await programmeState(request);
    if (!state || !state.window.open) return closed(reply, state, 410);
    const token = draftToken(request);
    const answers = (await loadDraft(db, token, deps.clock)) ?? {};
    const change = request.query.change === '1';
    const ctx = await context(state.programme.id);
    // A question that does not apply (a region outside England, a nation already known) saves nothing.
    if (!step.applies(answers)) return reply.redirect(`/register/${journey.firstToAnswer(answers, ctx)?.slug ?? 'check-answers'}`);
    const body: Record<string, unknown> = request.body;
    const parsed = step.parse(body, ctx);
    if (!parsed.ok) {
      // Show back what was typed (trimmed to a sane length), never anything else.
      const typed = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => String(x).slice(0, 300)) : String(v).slice(0, 1000)]));
      return renderStep(personal(reply), step, answers, ctx, { values: { ...answers, ...typed }, errors: parsed.errors, change });
    }
    const merged = journey.answer(step, answers, parsed.answers);
    const saved = await saveDraft(db, token, merged, deps.clock);
    if (saved !== token) reply.setCookie(cookie, saved, draftCookieOptions);
    const next = journey.firstToAnswer(merged, ctx);
    if (!next) return reply.redirect('/register/check-answers');
    return reply.redirect(`/register/${next.slug}${change ? '?change=1' : ''}`);
  });
}
