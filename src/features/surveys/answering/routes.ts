// Answering a survey (issue 12 §4–6): sending it to an audience or an open link, the respondent's
// pages, save and return, one response per person, invitations and reminders.
//
// Two ways in share the same pages: /surveys/:id for a signed-in member of the audience (the draft
// is theirs on any device), and /surveys/link/:token for the open link (the draft belongs to a
// random token in a cookie, stored only hashed). Every page checks the survey is open; a survey
// the person may not see is a 404, whatever its state.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashToken, randomToken } from '../../../platform/auth/tokens.ts';
import { ANY_SIGNED_IN, onlyRoles } from '../../../platform/auth/guards.ts';
import { maySee, visibleTo } from '../../../platform/audience/access.ts';
import { audienceChoicesFor } from '../../../platform/audience/access.ts';
import { audienceFormValues, parseAudience, pickerChoices } from '../../../platform/forms/audience.ts';
import { typedValues } from '../../../platform/forms/parse-form.ts';
import { cookieName } from '../../../platform/http/cookies.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import { formRateLimit } from '../../../platform/http/rate-limits.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { londonInstant } from '../../../platform/london-time.ts';
import { answerText, answerValues, parsePage } from '../answers.ts';
import type { SurveyDefinition } from '../definition.ts';
import { LIMITS } from '../definition.ts';
import { surveyById } from '../queries.ts';
import { surveyByLinkHash, surveyRow, surveysForPerson } from './queries.ts';
import { surveyReach } from './reach.ts';
import { own } from '../service.ts';
import type { Survey } from '../tables.ts';
import { pruneHiddenAnswers, visibleQuestions, visibleSections, type Answers } from '../visibility.ts';
import { hasResponded, liveDefinition, loadDraft, responseAnswers, responseOf, saveDraft, startChanging, submitResponse, type Respondent } from './respond.ts';
import { errorListOf, parseSendForm, sendValues } from './send-form.ts';
import { closeNow, isAnswerable, isSent, ITEM_KIND, regenerateLink, saveSending, sendingAudience, SURVEY_CHOICES } from './sending.ts';

const V = 'features/surveys/answering/views';
const admins = { config: onlyRoles('admin') };
const members = { config: { roles: ANY_SIGNED_IN } };
const idParams = z.object({ id: rowId });
const pageParams = z.object({ id: rowId, n: z.coerce.number().int().min(1).max(LIMITS.sections) });
// An open link's token: randomToken()'s 43 URL-safe characters.
const TOKEN = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const linkParams = z.object({ token: TOKEN });
const linkPageParams = z.object({ token: TOKEN, n: z.coerce.number().int().min(1).max(LIMITS.sections) });
type Values = Record<string, string | string[]>;

/** The survey and who is answering, for one request. */
type Ctx = { survey: Survey; def: SurveyDefinition; who: Respondent; base: string; signedIn: boolean };

export function answeringRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const browserCookie = cookieName('survey', deps.config);
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies, maxAge: 180 * 24 * 3600 };
  // Pages that show someone's answers must not be kept by a shared computer's browser or a proxy.
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'no-store');
  const programmeId = async (request: FastifyRequest) => (await request.programme())?.id ?? null;

  // ---- The team: sending

  const sendPage = async (request: FastifyRequest, reply: FastifyReply, survey: Survey, values: Values, extra: { errors?: Record<string, { text: string }>; status?: number } = {}) => {
    const choices = await audienceChoicesFor(db, request.user, survey.programme_id);
    const errors = extra.errors ?? {};
    return reply.code(extra.status ?? 200).view(`${V}/send.njk`, {
      pageTitle: `Send the survey – ${survey.title}`,
      survey,
      values,
      errors,
      errorList: Object.keys(errors).length ? errorListOf(errors) : undefined,
      choices,
      allow: pickerChoices(choices.allowedKinds, SURVEY_CHOICES),
      open: survey.status === 'open',
      opened: survey.opens_at ? londonInstant(survey.opens_at) : '',
      anonymityLocked: survey.status === 'open',
      sent: isSent(survey),
      reach: survey.open_link_hash ? null : await surveyReach(db, survey.id),
    });
  };

  const adminSurvey = async (request: FastifyRequest, reply: FastifyReply, id: number): Promise<Survey | null> => {
    const pid = await programmeId(request);
    const survey = pid === null ? undefined : await surveyById(own(db), pid, id);
    if (!survey) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return survey;
  };

  const closedPage = (reply: FastifyReply, survey: Survey) =>
    reply.code(409).view(`${V}/unavailable.njk`, { pageTitle: `Survey closed – ${survey.title}`, survey, heading: 'This survey has closed', message: 'Its sending settings can no longer change.', signedIn: true });

  app.get('/admin/surveys/:id/send', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const survey = await adminSurvey(request, reply, request.params.id);
    if (!survey) return reply;
    if (survey.status === 'closed') return closedPage(reply, survey);
    return sendPage(request, reply, survey, { ...sendValues(survey), ...audienceFormValues(await sendingAudience(db, survey.id)) });
  });

  app.post('/admin/surveys/:id/send', { ...admins, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const survey = await adminSurvey(request, reply, request.params.id);
    if (!survey) return reply;
    if (survey.status === 'closed') return closedPage(reply, survey);
    const body = request.body;
    const values = typedValues(body, 20_000);
    const open = survey.status === 'open';
    if (open) values.anonymous = Number(survey.anonymous) === 1 ? 'yes' : 'no';
    const form = parseSendForm(body, { open });
    const choices = await audienceChoicesFor(db, request.user, survey.programme_id);
    const audience = form.ok && form.data.reach === 'link' ? { ok: true as const, data: [] } : await parseAudience(db, body, { allow: SURVEY_CHOICES, choices });
    if (!form.ok || !audience.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(audience.ok ? {} : audience.errors) };
      return sendPage(request, reply, survey, values, { errors, status: 400 });
    }
    const saved = await saveSending(
      db,
      request.user!.id,
      survey.programme_id,
      survey.id,
      { reach: form.data.reach, audience: audience.data, opensAt: form.data.opensAt ?? survey.opens_at ?? clock().toISOString(), closesAt: form.data.closesAt, anonymous: open ? Number(survey.anonymous) === 1 : form.data.anonymous, editable: form.data.editable },
      clock,
    );
    if (!saved.ok) {
      if (saved.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (saved.reason === 'closed') return closedPage(reply, survey);
      const refusal: Record<string, [string, string]> = {
        anonymity_locked: ['anonymous', 'Whether the answers are anonymous cannot change once the survey is open'],
        reach_locked: ['reach', 'How people reach the survey cannot change once it is open: close it and send a copy instead'],
        close_before_open: ['closes', 'The closing date and time must be after it opens'],
        close_past: ['closes', 'The closing date and time must be in the future'],
        no_questions: ['reach', 'The survey has no questions yet: add some before you send it'],
      };
      const [field, text] = refusal[saved.reason]!;
      return sendPage(request, reply, survey, values, { errors: { [field]: { text } }, status: 400 });
    }
    if (saved.link) return linkShown(reply, survey, saved.link);
    reply.flash(saved.opened ? 'The survey is open. Invitations are on their way.' : 'Saved. The survey opens at the time you set.');
    return reply.redirect(`/admin/surveys/${survey.id}`);
  });

  const linkShown = (reply: FastifyReply, survey: Survey, token: string) =>
    personal(reply).view(`${V}/link.njk`, { pageTitle: `The survey’s open link – ${survey.title}`, survey, link: `${deps.config.baseUrl}/surveys/link/${token}` });

  app.post('/admin/surveys/:id/link', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const survey = await adminSurvey(request, reply, request.params.id);
    if (!survey) return reply;
    const made = await regenerateLink(db, request.user!.id, survey.programme_id, survey.id, clock);
    if (!made.ok) {
      if (made.reason === 'closed') return closedPage(reply, survey);
      reply.flash('This survey is not sent by an open link.');
      return reply.redirect(`/admin/surveys/${survey.id}`);
    }
    return linkShown(reply, survey, made.link);
  });

  app.post('/admin/surveys/:id/close', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const survey = await adminSurvey(request, reply, request.params.id);
    if (!survey) return reply;
    const closed = await closeNow(db, request.user!.id, survey.programme_id, survey.id, clock);
    reply.flash(closed ? 'The survey is closed. Answers not sent have been deleted.' : 'The survey is not open, so there was nothing to close.');
    return reply.redirect(`/admin/surveys/${survey.id}`);
  });

  // ---- Respondents: who, and whether they may answer now

  const unavailable = (reply: FastifyReply, ctx: Ctx, heading: string, message: string, copyHref?: string) =>
    reply.code(403).view(`${V}/unavailable.njk`, { pageTitle: `${heading} – ${ctx.survey.title}`, survey: ctx.survey, heading, message, copyHref, signedIn: ctx.signedIn });

  /** Refuses (with the page sent) a survey not open now: before it opens, after it closes. */
  const refuseUnlessOpen = async (reply: FastifyReply, ctx: Ctx): Promise<boolean> => {
    if (isAnswerable(ctx.survey, clock())) return false;
    if (ctx.survey.status === 'draft') {
      await unavailable(reply, ctx, 'This survey is not open yet', `It opens on ${londonInstant(ctx.survey.opens_at!)}.`);
      return true;
    }
    const mine = ctx.who.kind === 'person' && Number(ctx.survey.anonymous) === 0 ? await responseOf(db, ctx.survey.id, ctx.who.personId) : undefined;
    await unavailable(reply, ctx, 'This survey has closed', `It closed on ${londonInstant(ctx.survey.closes_at!)}. Answers can no longer be sent or changed.`, mine ? `${ctx.base}/answers` : undefined);
    return true;
  };

  /** A signed-in person's survey: one sent to an audience they are in, else the 404 page. */
  const personCtx = async (request: FastifyRequest, reply: FastifyReply, id: number): Promise<Ctx | null> => {
    const survey = await surveyRow(own(db), id);
    const seen = survey && isSent(survey) && survey.open_link_hash === null && (await maySee(db, request.user, ITEM_KIND, id));
    if (!survey || !seen) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return { survey, def: await liveDefinition(db, survey), who: { kind: 'person', personId: request.user!.id }, base: `/surveys/${id}`, signedIn: true };
  };

  /** The open link's survey and this browser (its cookie token, made on the first visit), else the 404 page. */
  const linkCtx = async (request: FastifyRequest, reply: FastifyReply, token: string, makeCookie = false): Promise<Ctx | null> => {
    const survey = await surveyByLinkHash(own(db), hashToken(token));
    if (!survey) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    let browser = request.cookies[browserCookie];
    if (!browser || !/^[A-Za-z0-9_-]{43}$/.test(browser)) {
      if (!makeCookie) {
        // No cookie (it was cleared, or cookies are off): start again from the link's first page.
        reply.redirect(`/surveys/link/${token}`);
        return null;
      }
      browser = randomToken();
      reply.setCookie(browserCookie, browser, cookieOptions);
    }
    // One cookie serves every survey; the draft's hash is per survey (token_hash is unique).
    return { survey, def: await liveDefinition(db, survey), who: { kind: 'link', tokenHash: hashToken(`${survey.id}:${browser}`) }, base: `/surveys/link/${token}`, signedIn: Boolean(request.user) };
  };

  // ---- The pages, the same for both ways in

  const howSent = (ctx: Ctx) =>
    Number(ctx.survey.anonymous) === 1
      ? 'Your answers are anonymous: they are kept with no name, account or time, and cannot be changed once sent.'
      : ctx.who.kind === 'person'
        ? `Your answers will be kept with your name.${Number(ctx.survey.editable_until_close) === 1 ? ' You can change them until the survey closes.' : ''}`
        : 'You answer without an account, so your answers are not linked to one.';

  const startPage = async (reply: FastifyReply, ctx: Ctx) => {
    const responded = await hasResponded(db, ctx.survey.id, ctx.who);
    const draft = responded ? null : await loadDraft(db, ctx.survey, ctx.def, ctx.who);
    return personal(reply).view(`${V}/start.njk`, {
      pageTitle: `Answer the survey: ${ctx.survey.title}`,
      survey: ctx.survey,
      base: ctx.base,
      pages: visibleSections(ctx.def, draft?.answers ?? {}).length,
      closes: londonInstant(ctx.survey.closes_at!),
      anonymous: Number(ctx.survey.anonymous) === 1,
      editable: Number(ctx.survey.editable_until_close) === 1 && ctx.who.kind === 'person',
      identified: Number(ctx.survey.anonymous) === 0 && ctx.who.kind === 'person',
      signedIn: ctx.who.kind === 'person',
      responded,
      draft: Boolean(draft),
      honeypot: ctx.who.kind === 'link',
    });
  };

  const sectionPage = (reply: FastifyReply, ctx: Ctx, answers: Answers, page: number, extra: { values?: Values; errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[]; status?: number; more?: number } = {}) => {
    const shown = visibleQuestions(ctx.def, answers).map((e, i) => ({ ...e, number: i + 1 }));
    const pages = visibleSections(ctx.def, answers);
    const questions = shown.filter((e) => e.section === page);
    const section = ctx.def.sections[page - 1]!;
    const position = pages.indexOf(page) + 1;
    const before = pages.filter((p) => p < page).at(-1);
    return personal(reply)
      .code(extra.status ?? 200)
      .view(`${V}/page.njk`, {
        pageTitle: `${section.title} – ${ctx.survey.title}`,
        survey: ctx.survey,
        section,
        position,
        of: pages.length,
        first: position === 1,
        back: before ? `${ctx.base}/pages/${before}` : ctx.base,
        formAction: `${ctx.base}/pages/${page}`,
        questions: questions.map((e) => ({ ...e.q, number: e.number })),
        values: extra.values ?? answerValues(questions.map((e) => e.q), answers),
        errors: extra.errors ?? {},
        errorList: extra.errorList,
        more: extra.more ?? 0,
      });
  };

  const rowsOf = (def: SurveyDefinition, answers: Answers) =>
    visibleQuestions(def, answers).map((e, i) => ({ number: i + 1, section: e.section, title: e.q.title, answer: answerText(e.q, answers[e.q.key]) }));

  /** Where a respondent goes next: the draft's first page, or the check page when every page is done. */
  const draftOrStart = async (ctx: Ctx) => (await loadDraft(db, ctx.survey, ctx.def, ctx.who)) ?? { answers: {}, reached: 1 };

  const alreadyAnswered = (reply: FastifyReply, ctx: Ctx) =>
    unavailable(reply, ctx, 'You have already answered this survey', 'Each person can answer it once.', ctx.who.kind === 'person' && Number(ctx.survey.anonymous) === 0 ? `${ctx.base}/answers` : undefined);

  /** Before any answering page: open now, and not already answered (unless changing an identified response, which a draft shows). */
  const gate = async (reply: FastifyReply, ctx: Ctx): Promise<boolean> => {
    if (await refuseUnlessOpen(reply, ctx)) return false;
    if ((await hasResponded(db, ctx.survey.id, ctx.who)) && !(await loadDraft(db, ctx.survey, ctx.def, ctx.who))) {
      await alreadyAnswered(reply, ctx);
      return false;
    }
    return true;
  };

  const showStart = async (reply: FastifyReply, ctx: Ctx | null) => {
    if (!ctx) return reply;
    if (await refuseUnlessOpen(reply, ctx)) return reply;
    return startPage(reply, ctx);
  };

  /** "Start now": a bot filling the hidden field is sent back quietly; a person goes to their first page (a draft is made). */
  const start = async (reply: FastifyReply, ctx: Ctx | null, body: Record<string, unknown>) => {
    if (!ctx || !(await gate(reply, ctx))) return reply;
    if (typeof body.website === 'string' && body.website !== '') return reply.redirect(ctx.base);
    const draft = await draftOrStart(ctx);
    await saveDraft(db, ctx.survey, ctx.who, draft.answers, 1, clock);
    const pages = visibleSections(ctx.def, draft.answers);
    return reply.redirect(`${ctx.base}/pages/${pages[0] ?? 1}`);
  };

  const showPage = async (reply: FastifyReply, ctx: Ctx | null, n: number) => {
    if (!ctx || !(await gate(reply, ctx))) return reply;
    const draft = await loadDraft(db, ctx.survey, ctx.def, ctx.who);
    if (!draft) return reply.redirect(ctx.base);
    const pages = visibleSections(ctx.def, draft.answers);
    // A page not shown for these answers (or past the furthest reached) goes to one that is.
    if (!pages.includes(n)) return reply.redirect(`${ctx.base}/pages/${pages[0] ?? 1}`);
    return sectionPage(reply, ctx, draft.answers, n);
  };

  const postPage = async (reply: FastifyReply, ctx: Ctx | null, n: number, body: Record<string, string | string[]>) => {
    if (!ctx || !(await gate(reply, ctx))) return reply;
    const draft = await loadDraft(db, ctx.survey, ctx.def, ctx.who);
    if (!draft) return reply.redirect(ctx.base);
    if (!visibleSections(ctx.def, draft.answers).includes(n)) return reply.redirect(`${ctx.base}/pages/${visibleSections(ctx.def, draft.answers)[0] ?? 1}`);
    const shownBefore = new Set(visibleQuestions(ctx.def, draft.answers).filter((e) => e.section === n).map((e) => e.q.key));
    // A question on this page may depend on another on it: the page's questions are those shown
    // for the answers posted now (found by repeating until they settle: conditions point back only).
    const onPageFor = (answers: Answers) => visibleQuestions(ctx.def, answers).filter((e) => e.section === n).map((e) => e.q);
    const mergedWith = (pageAnswers: Answers, questions: readonly { key: string }[]) => {
      const merged = { ...draft.answers };
      for (const key of new Set([...shownBefore, ...questions.map((q) => q.key)])) delete merged[key];
      return pruneHiddenAnswers(ctx.def, { ...merged, ...pageAnswers });
    };
    let onPage = onPageFor(draft.answers);
    let parsed = parsePage(onPage, body);
    for (let i = 0; i < LIMITS.questions; i++) {
      const next = onPageFor(mergedWith(parsed.answers, onPage));
      if (next.map((q) => q.key).join() === onPage.map((q) => q.key).join()) break;
      onPage = next;
      parsed = parsePage(onPage, body);
    }
    // This page's answers replace what was saved for it; answers hidden by the change are dropped before saving.
    const answers = mergedWith(parsed.answers, onPage);
    const action = typeof body.action === 'string' ? body.action : 'continue';
    // Questions that appear because of these answers, and were not on the page as posted, are asked first.
    const appeared = onPage.filter((q) => !shownBefore.has(q.key) && !(q.key in parsed.answers));
    if (appeared.length && action === 'continue') {
      await saveDraft(db, ctx.survey, ctx.who, answers, n, clock);
      return sectionPage(reply, ctx, answers, n, { more: appeared.length });
    }
    if (!parsed.ok && action === 'continue') {
      return sectionPage(reply, ctx, answers, n, { errors: parsed.errors, errorList: parsed.errorList, values: typedValues(body, 5000), status: 400 });
    }
    const pages = visibleSections(ctx.def, answers);
    const next = pages.find((p) => p > n);
    // Going back or stopping with errors keeps the answers that passed their checks. The page
    // reached ("where people stop") is the one they move on to.
    await saveDraft(db, ctx.survey, ctx.who, answers, action === 'continue' ? (next ?? n) : n, clock);
    if (action === 'back') return reply.redirect(`${ctx.base}/pages/${pages.filter((p) => p < n).at(-1) ?? n}`);
    if (action === 'later') {
      reply.flash(ctx.who.kind === 'person' ? 'Your answers are saved. Come back to this survey before it closes, on any device you sign in on.' : 'Your answers are saved on this browser. Come back to the same link before the survey closes.');
      return reply.redirect(ctx.base);
    }
    return reply.redirect(next ? `${ctx.base}/pages/${next}` : `${ctx.base}/check`);
  };

  const showCheck = async (reply: FastifyReply, ctx: Ctx | null) => {
    if (!ctx || !(await gate(reply, ctx))) return reply;
    const draft = await loadDraft(db, ctx.survey, ctx.def, ctx.who);
    if (!draft) return reply.redirect(ctx.base);
    const pages = visibleSections(ctx.def, draft.answers);
    return personal(reply).view(`${V}/check.njk`, {
      pageTitle: `Check your answers – ${ctx.survey.title}`,
      survey: ctx.survey,
      base: ctx.base,
      back: pages.length ? `${ctx.base}/pages/${pages.at(-1)}` : ctx.base,
      rows: rowsOf(ctx.def, draft.answers),
      how: howSent(ctx),
      honeypot: ctx.who.kind === 'link',
    });
  };

  const copyPage = (reply: FastifyReply, ctx: Ctx, answers: Answers, confirmed: boolean, mayChange: boolean) =>
    personal(reply).view(`${V}/copy.njk`, {
      pageTitle: confirmed ? `Your answers have been sent – ${ctx.survey.title}` : `Your answers – ${ctx.survey.title}`,
      survey: ctx.survey,
      base: ctx.base,
      confirmed,
      rows: rowsOf(ctx.def, answers),
      keep:
        Number(ctx.survey.anonymous) === 1 || ctx.who.kind === 'link'
          ? 'Nothing links these answers to you, so this is the only time we can show them: save or print this page if you want to keep them.'
          : 'You can see these answers again from “Your surveys”.',
      mayChange,
      signedIn: ctx.who.kind === 'person',
    });

  const submit = async (reply: FastifyReply, ctx: Ctx | null, body: Record<string, unknown>) => {
    if (!ctx) return reply;
    if (await refuseUnlessOpen(reply, ctx)) return reply;
    if (typeof body.website === 'string' && body.website !== '') return reply.redirect(ctx.base);
    const done = await submitResponse(db, ctx.survey.id, ctx.who, clock);
    if (!done.ok) {
      if (done.reason === 'already') return alreadyAnswered(reply, ctx);
      if (done.reason === 'incomplete') {
        reply.flash('Some questions still need an answer.');
        return reply.redirect(`${ctx.base}/pages/${done.section}`);
      }
      if (done.reason === 'not_answerable' && (await refuseUnlessOpen(reply, ctx))) return reply;
      return reply.redirect(ctx.base);
    }
    // Identified and signed in: the copy has its own address, to come back to. Otherwise it is shown now, once.
    if (ctx.who.kind === 'person' && Number(ctx.survey.anonymous) === 0) {
      reply.flash(done.changed ? 'Your changed answers have been sent.' : 'Your answers have been sent. Thank you.');
      return reply.redirect(`${ctx.base}/answers`);
    }
    return copyPage(reply, ctx, done.answers, true, false);
  };

  // ---- Signed in

  app.get('/surveys', members, async (request, reply) => {
    const pid = await programmeId(request);
    const lists = pid === null ? { waiting: [], answered: [] } : await yourSurveys(db, request.user!, pid, clock());
    return reply.view(`${V}/yours.njk`, { pageTitle: 'Your surveys', ...lists });
  });

  app.get('/surveys/:id', { ...members, schema: { params: idParams } }, async (request, reply) => showStart(reply, await personCtx(request, reply, request.params.id)));
  app.post('/surveys/:id/start', { ...members, schema: { params: idParams, body: formBody } }, async (request, reply) => start(reply, await personCtx(request, reply, request.params.id), request.body));
  app.get('/surveys/:id/pages/:n', { ...members, schema: { params: pageParams } }, async (request, reply) => showPage(reply, await personCtx(request, reply, request.params.id), request.params.n));
  app.post('/surveys/:id/pages/:n', { ...members, schema: { params: pageParams, body: formBody } }, async (request, reply) => postPage(reply, await personCtx(request, reply, request.params.id), request.params.n, request.body));
  app.get('/surveys/:id/check', { ...members, schema: { params: idParams } }, async (request, reply) => showCheck(reply, await personCtx(request, reply, request.params.id)));
  app.post('/surveys/:id/check', { ...members, schema: { params: idParams, body: formBody } }, async (request, reply) => submit(reply, await personCtx(request, reply, request.params.id), request.body));

  // The copy of an identified response, viewable until the person's data is erased (after close too).
  app.get('/surveys/:id/answers', { ...members, schema: { params: idParams } }, async (request, reply) => {
    const ctx = await personCtx(request, reply, request.params.id);
    if (!ctx) return reply;
    const mine = Number(ctx.survey.anonymous) === 0 ? await responseOf(db, ctx.survey.id, request.user!.id) : undefined;
    if (!mine) return sendErrorPage(request, reply, 404);
    const answers = await responseAnswers(db, mine.id, mine.version_id);
    const def = mine.version_id === ctx.survey.live_version_id ? ctx.def : await liveDefinitionOf(mine.version_id, ctx.survey);
    const mayChange = Number(ctx.survey.editable_until_close) === 1 && isAnswerable(ctx.survey, clock());
    return copyPage(reply, { ...ctx, def }, answers, false, mayChange);
  });

  const liveDefinitionOf = (versionId: number, survey: Survey) => liveDefinition(db, { ...survey, live_version_id: versionId });

  app.post('/surveys/:id/change', { ...members, schema: { params: idParams } }, async (request, reply) => {
    const ctx = await personCtx(request, reply, request.params.id);
    if (!ctx) return reply;
    if (await refuseUnlessOpen(reply, ctx)) return reply;
    if (!(await startChanging(db, ctx.survey, request.user!.id, clock))) return unavailable(reply, ctx, 'Your answers cannot be changed', 'This survey does not let answers be changed once they are sent.');
    return reply.redirect(`${ctx.base}/check`);
  });

  // ---- The open link (no account); sending is limited per address, and a hidden field catches form-filling bots.
  // The limits are generous: many NHS staff share one outgoing address, and a team may answer together.

  const linkLimit = formRateLimit(200);
  app.get('/surveys/link/:token', { schema: { params: linkParams } }, async (request, reply) => showStart(reply, await linkCtx(request, reply, request.params.token, true)));
  app.post('/surveys/link/:token/start', { ...linkLimit, schema: { params: linkParams, body: formBody } }, async (request, reply) => start(reply, await linkCtx(request, reply, request.params.token, true), request.body));
  app.get('/surveys/link/:token/pages/:n', { schema: { params: linkPageParams } }, async (request, reply) => showPage(reply, await linkCtx(request, reply, request.params.token), request.params.n));
  app.post('/surveys/link/:token/pages/:n', { ...formRateLimit(1000), schema: { params: linkPageParams, body: formBody } }, async (request, reply) => postPage(reply, await linkCtx(request, reply, request.params.token), request.params.n, request.body));
  app.get('/surveys/link/:token/check', { schema: { params: linkParams } }, async (request, reply) => showCheck(reply, await linkCtx(request, reply, request.params.token)));
  app.post('/surveys/link/:token/check', { ...formRateLimit(200), schema: { params: linkParams, body: formBody } }, async (request, reply) => submit(reply, await linkCtx(request, reply, request.params.token), request.body));
}

/** "Your surveys": open ones the person may see and has not answered (with a draft or not), and those answered. */
export async function yourSurveys(db: AppDeps['data']['db'], viewer: { id: number; role: string }, programmeId: number, now: Date) {
  const rows = await surveysForPerson(own(db), programmeId, viewer.id, visibleTo(viewer as never, ITEM_KIND, 'surveys.id'));
  const open = (r: (typeof rows)[number]) => r.status === 'open' && (r.closes_at === null || Date.parse(r.closes_at) > now.getTime());
  return {
    waiting: rows.filter((r) => open(r) && (r.responded === null || r.draft !== null)).map((r) => ({ id: r.id, title: r.title, closes: r.closes_at ? londonInstant(r.closes_at) : '', draft: r.draft !== null })),
    answered: rows.filter((r) => r.responded !== null && !(open(r) && r.draft !== null)).map((r) => ({ id: r.id, title: r.title, status: open(r) ? 'open' : 'closed' })),
  };
}
