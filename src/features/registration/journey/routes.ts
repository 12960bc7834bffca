// The public "Register your interest" journey: start page, one question page per step,
// check your answers, confirmation, and the link that confirms the email address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { cookieName } from '../../../platform/http/cookies.ts';
import { formRateLimit } from '../../../platform/http/rate-limits.ts';
import { findProgramme, loadProgrammeDetails } from '../../programme/queries.ts';
import { registrationWindow } from '../../programme/service.ts';
import { loadDraft, replaceDraft, saveDraft } from './drafts.ts';
import { firstToAnswer, recheck, STEPS, stepBySlug, toDetails, type Answers, type JourneyContext, type Step } from './steps.ts';
import { listOrganisations } from '../organisations.ts';
import { confirmRegistrationEmail, submitRegistration } from '../service.ts';

const V = 'features/registration/journey/views';

// When an answer changes, the questions that depended on it must be asked again.
const INVALIDATES: Record<string, string[]> = { workplace: ['nation', 'region'], nation: ['region'] };

type Submitted = { reference: string; updated: boolean; email: string };

// Limits per IP address are generous: a whole hospital may register through one address on the
// last day. They stop floods, not people.
export function registrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const cookie = cookieName('registration', deps.config);
  const draftCookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies };

  // The programme and the answer lists change rarely and are read on every step: kept briefly.
  const cached = <T>(key: string, compute: () => Promise<T>) => app.sharedCache.get(key, deps.clock().getTime(), compute);

  async function programmeState() {
    const programme = await cached('programme', () => findProgramme(db));
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

  function previousSlug(step: Step, answers: Answers): string | null {
    const applying = STEPS.filter((s) => s.applies(answers));
    const i = applying.findIndex((s) => s.slug === step.slug);
    return i > 0 ? applying[i - 1]!.slug : null;
  }

  function renderStep(reply: FastifyReply, step: Step, answers: Answers, ctx: JourneyContext, extra: { values?: Record<string, unknown>; errors?: Record<string, string>; change?: boolean; status?: number } = {}) {
    const values: Record<string, unknown> = extra.values ?? (answers as Record<string, unknown>);
    const prev = previousSlug(step, answers);
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

  app.get('/register', async (_request, reply) => {
    const state = await programmeState();
    if (!state || !state.window.open) return closed(reply, state);
    return reply.view(`${V}/start.njk`, { pageTitle: 'Register your interest', ...state });
  });

  app.get('/register/check-answers', async (request, reply) => {
    const state = await programmeState();
    if (!state || !state.window.open) return closed(reply, state);
    const answers = (await loadDraft(db, draftToken(request), deps.clock)) ?? {};
    const ctx = await context(state.programme.id);
    const next = firstToAnswer(answers, ctx);
    if (next) return reply.redirect(`/register/${next.slug}`);
    const rows = STEPS.filter((s) => s.applies(answers)).flatMap((s) => s.summary(answers, ctx).map((r) => ({ ...r, slug: s.slug })));
    return reply.view(`${V}/check.njk`, { pageTitle: 'Check your answers before registering', rows });
  });

  app.post('/register/check-answers', { config: formRateLimit(60, '10 minutes') }, async (request, reply) => {
    const state = await programmeState();
    // A late POST is refused whole: nothing is saved after the end of the closing day.
    if (!state || !state.window.open) return closed(reply, state, 410);
    const token = draftToken(request);
    const answers = (await loadDraft(db, token, deps.clock)) ?? {};
    const ctx = await context(state.programme.id);
    const details = toDetails(answers, ctx);
    // Every answer is checked again on the way in: a missing, stale or tampered draft stores nothing.
    if (!details) {
      const next = firstToAnswer(answers, ctx);
      return reply.redirect(next ? `/register/${next.slug}` : '/register');
    }
    // One transaction: the registration, its email, and the draft reduced to what the
    // confirmation page shows (the answers themselves are now the registration).
    await submitRegistration(db, details, {
      programmeId: state.programme.id,
      channel: 'web',
      baseUrl: deps.config.baseUrl,
      clock: deps.clock,
      alsoInTransaction: async (tx, registration, updated) => {
        const submitted: Submitted = { reference: registration.reference, updated, email: registration.email };
        await replaceDraft(tx, token!, { submitted }, deps.clock);
      },
    });
    deps.pokeMailWorker();
    return reply.redirect('/register/confirmation');
  });

  app.get('/register/confirmation', async (request, reply) => {
    const draft = (await loadDraft(db, draftToken(request), deps.clock)) as { submitted?: Submitted } | null;
    if (!draft?.submitted) return reply.redirect('/register');
    return reply.view(`${V}/confirmation.njk`, { pageTitle: 'Registration received', ...draft.submitted });
  });

  app.get('/register/confirm/:token', { config: formRateLimit(30, '10 minutes') }, async (request, reply) => {
    const token = String((request.params as Record<string, unknown>).token ?? '');
    const registration = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await confirmRegistrationEmail(db, token, deps.clock) : null;
    if (!registration) return reply.code(400).view(`${V}/confirm-invalid.njk`, { pageTitle: 'Confirmation link not recognised' });
    return reply.view(`${V}/confirmed.njk`, { pageTitle: 'Email address confirmed', reference: registration.reference });
  });

  app.get('/register/:slug', async (request, reply) => {
    const step = stepBySlug(String((request.params as Record<string, unknown>).slug));
    if (!step) return reply.callNotFound();
    const state = await programmeState();
    if (!state || !state.window.open) return closed(reply, state);
    const answers = (await loadDraft(db, draftToken(request), deps.clock)) ?? {};
    const ctx = await context(state.programme.id);
    const first = firstToAnswer(answers, ctx);
    if (!step.applies(answers)) return reply.redirect(`/register/${first?.slug ?? 'check-answers'}`);
    // Nobody skips ahead past an unanswered question.
    if (first && STEPS.indexOf(first) < STEPS.indexOf(step)) return reply.redirect(`/register/${first.slug}`);
    const change = (request.query as Record<string, unknown>).change === '1';
    // An answer that has gone stale since it was given is shown with the reason to change it.
    const stale = answers.done?.includes(step.slug) ? recheck(step, answers, ctx) : null;
    return renderStep(reply, step, answers, ctx, { change, ...(stale && !stale.ok ? { errors: stale.errors, status: 200 } : {}) });
  });

  app.post('/register/:slug', { config: formRateLimit(600, '10 minutes') }, async (request, reply) => {
    const step = stepBySlug(String((request.params as Record<string, unknown>).slug));
    if (!step) return reply.callNotFound();
    const state = await programmeState();
    if (!state || !state.window.open) return closed(reply, state, 410);
    const token = draftToken(request);
    const answers = (await loadDraft(db, token, deps.clock)) ?? {};
    const change = (request.query as Record<string, unknown>).change === '1';
    const ctx = await context(state.programme.id);
    // A question that does not apply (a region outside England, a nation already known) saves nothing.
    if (!step.applies(answers)) return reply.redirect(`/register/${firstToAnswer(answers, ctx)?.slug ?? 'check-answers'}`);
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const parsed = step.parse(body, ctx);
    if (!parsed.ok) {
      // Show back what was typed (trimmed to a sane length), never anything else.
      const typed = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => String(x).slice(0, 300)) : String(v).slice(0, 1000)]));
      return renderStep(reply, step, answers, ctx, { values: { ...answers, ...typed }, errors: parsed.errors, change });
    }
    const before = JSON.stringify(INVALIDATES[step.slug]?.map((k) => (answers as Record<string, unknown>)[k]) ?? []);
    const merged: Answers = { ...answers, ...parsed.answers };
    let done = new Set([...(answers.done ?? []), step.slug]);
    const changedWorkplace = step.slug === 'workplace' && (answers.organisationId ?? null) !== (merged.organisationId ?? null);
    if ((changedWorkplace || step.slug === 'nation') && INVALIDATES[step.slug] && before !== JSON.stringify(INVALIDATES[step.slug]!.map((k) => (merged as Record<string, unknown>)[k]))) {
      done = new Set([...done].filter((s) => !INVALIDATES[step.slug]!.includes(s)));
    }
    if (changedWorkplace && !merged.organisationId) {
      delete merged.nation;
      merged.region = null;
    }
    merged.done = [...done];
    const saved = await saveDraft(db, token, merged, deps.clock);
    if (saved !== token) reply.setCookie(cookie, saved, draftCookieOptions);
    const next = firstToAnswer(merged, ctx);
    if (!next) return reply.redirect('/register/check-answers');
    return reply.redirect(`/register/${next.slug}${change ? '?change=1' : ''}`);
  });
}
