// The survey builder for admins: the list, a new survey (blank or from a template), a survey's
// page with its sections and questions, changing each, moving them (buttons, no script), show-if
// conditions, preview as a respondent (saving nothing), duplicate, save as a template, and
// versions once a survey has responses. Every form shows its errors with what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { typedValues } from '../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { textField } from '../../platform/http/form-fields.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { formBody, rowId, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { answerText, answerValues, parsePage, readCarried } from './answers.ts';
import { addQuestion, addSection, deleteQuestion, deleteSection, moveQuestion, moveSection, setConditions, updateQuestion, updateSection, type Edit } from './builder.ts';
import { allQuestions, CHOICE_TYPES, KEY, LIMITS, OPERATOR_LABELS, operatorsFor, TYPE_HINTS, TYPE_LABELS, type SurveyDefinition } from './definition.ts';
import { CONDITION_ROWS, conditionValues, parseConditions, parseDetails, parseQuestion, parseSection, questionValues } from './forms.ts';
import {
  blankDefinition,
  changeDetails,
  changeQuestions,
  createSurvey,
  duplicateSurvey,
  newVersion,
  publishVersion,
  saveAsTemplate,
  surveyState,
  templateChoices,
  templateDefinition,
  type Outcome,
  type SurveyState,
} from './service.ts';
import { own } from './service.ts';
import { surveysOf } from './queries.ts';
import { QUESTION_TYPES, type QuestionType } from './tables.ts';
import { visibleQuestions, visibleSections, pruneHiddenAnswers, type Answers } from './visibility.ts';

const V = 'features/surveys/views';
const admins = { config: onlyRoles('admin') };
const idParams = z.object({ id: rowId });
const sectionParams = z.object({ id: rowId, n: z.coerce.number().int().min(1).max(LIMITS.sections) });
const questionParams = z.object({ id: rowId, key: z.string().regex(KEY) });
const typeParams = sectionParams.extend({ type: z.enum(QUESTION_TYPES) });
const moveBody = z.object({ direction: z.enum(['up', 'down']).catch('up') }).loose().catch({ direction: 'up' });
type Values = Record<string, string | string[]>;
type Errors = { errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[] };

const LOCKED = 'These questions have responses, so they are locked. Choose “Change the questions” to make a new version.';

export function surveysRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const base = (id: number) => `/admin/surveys/${id}`;

  const programmeId = async (request: FastifyRequest) => (await request.programme())?.id ?? null;

  /** The survey for an admin route, or the 404 page sent. */
  const load = async (request: FastifyRequest, reply: FastifyReply, id: number): Promise<{ programmeId: number; state: SurveyState } | null> => {
    const pid = await programmeId(request);
    const state = pid === null ? null : await surveyState(db, pid, id);
    if (!state || pid === null) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return { programmeId: pid, state };
  };

  const surveyPage = (reply: FastifyReply, state: SurveyState, extra: Errors & { status?: number } = {}) => {
    const list = allQuestions(state.def);
    const numberOf = new Map(list.map((e) => [e.q.key, e]));
    const describe = (key: string) => {
      const e = numberOf.get(key)!;
      const q = e.q;
      if (!q.conditions.length) return '';
      const parts = q.conditions.map((c) => {
        const t = numberOf.get(c.question);
        const opt = t?.q.choices.find((o) => o.key === c.option)?.label;
        return `question ${t?.number ?? '?'} ${OPERATOR_LABELS[c.operator]}${opt ? ` “${opt}”` : ''}`;
      });
      return `Shown if ${parts.join(q.showIf === 'any' ? ' or ' : ' and ')}`;
    };
    return reply.code(extra.status ?? 200).view(`${V}/survey.njk`, {
      pageTitle: state.survey.title,
      survey: state.survey,
      state,
      sections: state.def.sections.map((s, i) => ({ ...s, n: i + 1, questions: s.questions.map((q) => ({ ...q, number: numberOf.get(q.key)!.number, typeLabel: TYPE_LABELS[q.type], shownIf: describe(q.key) })) })),
      total: list.length,
      errorList: extra.errorList,
    });
  };

  /** Sends the outcome of a builder change: back to the survey's page, or the page with what was refused. */
  const afterChange = async (request: FastifyRequest, reply: FastifyReply, id: number, pid: number, result: Outcome, done: string, anchor = '') => {
    if (result.ok) {
      reply.flash(done);
      return reply.redirect(`${base(id)}${anchor}`);
    }
    if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
    const state = (await surveyState(db, pid, id))!;
    const problems = result.reason === 'locked' ? [LOCKED] : (result.problems ?? ['That change could not be made']);
    return surveyPage(reply, state, { status: result.reason === 'locked' ? 409 : 400, errorList: problems.map((text) => ({ text, href: '#questions' })) });
  };

  const edit = (request: FastifyRequest, id: number, pid: number, fn: (def: SurveyDefinition) => Edit, summary: string) => changeQuestions(db, request.user!.id, pid, id, fn, clock, summary);

  // The list
  app.get('/admin/surveys', admins, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const rows = (await surveysOf(own(db), pid)).map((r) => ({ ...r, responses: Number(r.responses ?? 0) }));
    return reply.view(`${V}/list.njk`, { pageTitle: 'Surveys', rows });
  });

  // A new blank survey
  const detailsPage = (reply: FastifyReply, ctx: { action: string; title: string; values: Values; back: string; preview?: string; status?: number } & Errors) =>
    reply.code(ctx.status ?? 200).view(`${V}/details.njk`, { pageTitle: ctx.title, formAction: ctx.action, values: ctx.values, errors: ctx.errors ?? {}, errorList: ctx.errorList, preview: ctx.preview === undefined ? {} : { intro: ctx.preview }, back: ctx.back });

  app.get('/admin/surveys/new', admins, async (_request, reply) => detailsPage(reply, { action: '/admin/surveys/new', title: 'Create a survey', values: {}, back: '/admin/surveys' }));

  app.post('/admin/surveys/new', { ...admins, schema: { body: formBody } }, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const values = typedValues(request.body, LIMITS.intro + 100);
    const again = (extra: Errors & { preview?: string; status?: number }) => detailsPage(reply, { action: '/admin/surveys/new', title: 'Create a survey', values, back: '/admin/surveys', ...extra });
    if (request.body.action === 'preview') return again({ preview: String(values.intro ?? '') });
    const form = parseDetails(request.body);
    if (!form.ok) return again({ ...form, status: 400 });
    const made = await createSurvey(db, request.user!.id, pid, blankDefinition(form.data.title, form.data.intro), clock);
    if (!made.ok) return again({ status: 400, errorList: (made.problems ?? []).map((text) => ({ text, href: '#title' })) });
    reply.flash('Survey created. Add its questions.');
    return reply.redirect(base(made.id));
  });

  // From a template
  app.get('/admin/surveys/templates', admins, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/templates.njk`, { pageTitle: 'Start from a template', templates: await templateChoices(db, pid), errors: {} });
  });

  app.post('/admin/surveys/templates', { ...admins, schema: { body: formBody } }, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const choice = typeof request.body.template === 'string' ? request.body.template.slice(0, 40) : '';
    const def = choice ? await templateDefinition(db, pid, choice) : null;
    if (!def) {
      const text = 'Select a template';
      return reply.code(400).view(`${V}/templates.njk`, { pageTitle: 'Start from a template', templates: await templateChoices(db, pid), errors: { template: { text } }, errorList: [{ text, href: '#template' }] });
    }
    const made = await createSurvey(db, request.user!.id, pid, def, clock, `made from the template ${choice}`);
    if (!made.ok) return sendErrorPage(request, reply, 400);
    reply.flash('Survey created from the template. Change anything you need before you send it.');
    return reply.redirect(base(made.id));
  });

  // A survey's page
  app.get('/admin/surveys/:id', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    return found ? surveyPage(reply, found.state) : reply;
  });

  // Title and introduction
  app.get('/admin/surveys/:id/details', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const { survey } = found.state;
    return detailsPage(reply, { action: `${base(survey.id)}/details`, title: 'Change the title and introduction', values: { title: survey.title, intro: survey.intro }, back: base(survey.id) });
  });

  app.post('/admin/surveys/:id/details', { ...admins, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const id = found.state.survey.id;
    const values = typedValues(request.body, LIMITS.intro + 100);
    const again = (extra: Errors & { preview?: string; status?: number }) => detailsPage(reply, { action: `${base(id)}/details`, title: 'Change the title and introduction', values, back: base(id), ...extra });
    if (request.body.action === 'preview') return again({ preview: String(values.intro ?? '') });
    const form = parseDetails(request.body);
    if (!form.ok) return again({ ...form, status: 400 });
    await changeDetails(db, request.user!.id, found.programmeId, id, form.data, clock);
    reply.flash('Title and introduction saved.');
    return reply.redirect(base(id));
  });

  // Sections
  const sectionPage = (reply: FastifyReply, state: SurveyState, ctx: { action: string; title: string; values: Values; preview?: string; status?: number } & Errors) =>
    reply.code(ctx.status ?? 200).view(`${V}/section.njk`, { pageTitle: ctx.title, survey: state.survey, formAction: ctx.action, values: ctx.values, errors: ctx.errors ?? {}, errorList: ctx.errorList, preview: ctx.preview === undefined ? {} : { intro: ctx.preview } });

  app.get('/admin/surveys/:id/sections/new', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    if (found.state.locked) return afterChange(request, reply, found.state.survey.id, found.programmeId, { ok: false, reason: 'locked' }, '');
    return sectionPage(reply, found.state, { action: `${base(found.state.survey.id)}/sections/new`, title: 'Add a section', values: { title: `Section ${found.state.def.sections.length + 1}` } });
  });

  app.post('/admin/surveys/:id/sections/new', { ...admins, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const id = found.state.survey.id;
    const values = typedValues(request.body, LIMITS.intro + 100);
    const again = (extra: Errors & { preview?: string; status?: number }) => sectionPage(reply, found.state, { action: `${base(id)}/sections/new`, title: 'Add a section', values, ...extra });
    if (request.body.action === 'preview') return again({ preview: String(values.intro ?? '') });
    const form = parseSection(request.body);
    if (!form.ok) return again({ ...form, status: 400 });
    const result = await edit(request, id, found.programmeId, (def) => addSection(def, form.data), 'Section added');
    return afterChange(request, reply, id, found.programmeId, result, 'Section added.', `#section-${found.state.def.sections.length + 1}`);
  });

  app.get('/admin/surveys/:id/sections/:n', { ...admins, schema: { params: sectionParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const s = found.state.def.sections[request.params.n - 1];
    if (!s) return sendErrorPage(request, reply, 404);
    return sectionPage(reply, found.state, { action: `${base(found.state.survey.id)}/sections/${request.params.n}`, title: `Change section ${request.params.n}`, values: { title: s.title, intro: s.intro } });
  });

  app.post('/admin/surveys/:id/sections/:n', { ...admins, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const { n } = request.params;
    const id = found.state.survey.id;
    if (!found.state.def.sections[n - 1]) return sendErrorPage(request, reply, 404);
    const values = typedValues(request.body, LIMITS.intro + 100);
    const again = (extra: Errors & { preview?: string; status?: number }) => sectionPage(reply, found.state, { action: `${base(id)}/sections/${n}`, title: `Change section ${n}`, values, ...extra });
    if (request.body.action === 'preview') return again({ preview: String(values.intro ?? '') });
    const form = parseSection(request.body);
    if (!form.ok) return again({ ...form, status: 400 });
    const result = await edit(request, id, found.programmeId, (def) => updateSection(def, n, form.data), `Section ${n} changed`);
    return afterChange(request, reply, id, found.programmeId, result, 'Section saved.', `#section-${n}`);
  });

  app.post('/admin/surveys/:id/sections/:n/move', { ...admins, schema: { params: sectionParams, body: moveBody } }, async (request, reply) => {
    const { id, n } = request.params;
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const dir = request.body.direction;
    const result = await edit(request, id, pid, (def) => moveSection(def, n, dir), `Section ${n} moved ${dir}`);
    return afterChange(request, reply, id, pid, result, `Section moved ${dir}.`);
  });

  app.post('/admin/surveys/:id/sections/:n/delete', { ...admins, schema: { params: sectionParams } }, async (request, reply) => {
    const { id, n } = request.params;
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const result = await edit(request, id, pid, (def) => deleteSection(def, n), `Section ${n} deleted`);
    return afterChange(request, reply, id, pid, result, 'Section deleted.');
  });

  // Questions
  app.get('/admin/surveys/:id/sections/:n/questions/new', { ...admins, schema: { params: sectionParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    if (!found.state.def.sections[request.params.n - 1]) return sendErrorPage(request, reply, 404);
    if (found.state.locked) return afterChange(request, reply, found.state.survey.id, found.programmeId, { ok: false, reason: 'locked' }, '');
    return reply.view(`${V}/question-type.njk`, { pageTitle: 'What type of question is it?', survey: found.state.survey, n: request.params.n, types: typeItems(), errors: {} });
  });

  app.post('/admin/surveys/:id/sections/:n/questions/new', { ...admins, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const type = request.body.type;
    if (typeof type !== 'string' || !(QUESTION_TYPES as readonly string[]).includes(type)) {
      const text = 'Select the type of question';
      return reply.code(400).view(`${V}/question-type.njk`, { pageTitle: 'What type of question is it?', survey: found.state.survey, n: request.params.n, types: typeItems(), errors: { type: { text } }, errorList: [{ text, href: '#type' }] });
    }
    return reply.redirect(`${base(found.state.survey.id)}/sections/${request.params.n}/questions/new/${type}`);
  });

  const questionPage = (reply: FastifyReply, state: SurveyState, ctx: { action: string; type: QuestionType; title: string; values: Values; status?: number } & Errors) =>
    reply.code(ctx.status ?? 200).view(`${V}/question.njk`, {
      pageTitle: ctx.title,
      survey: state.survey,
      formAction: ctx.action,
      type: ctx.type,
      typeLabel: TYPE_LABELS[ctx.type],
      choiceType: CHOICE_TYPES.includes(ctx.type),
      values: { required: 'no', ...ctx.values },
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
    });

  app.get('/admin/surveys/:id/sections/:n/questions/new/:type', { ...admins, schema: { params: typeParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const { n, type } = request.params;
    if (!found.state.def.sections[n - 1]) return sendErrorPage(request, reply, 404);
    const defaults: Values = type === 'rating' || type === 'matrix' ? { choices: 'Strongly disagree\nDisagree\nNeither agree nor disagree\nAgree\nStrongly agree' } : {};
    return questionPage(reply, found.state, { action: `${base(found.state.survey.id)}/sections/${n}/questions/new/${type}`, type, title: `Add a question: ${TYPE_LABELS[type].toLowerCase()}`, values: defaults });
  });

  app.post('/admin/surveys/:id/sections/:n/questions/new/:type', { ...admins, schema: { params: typeParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const { n, type } = request.params;
    const id = found.state.survey.id;
    const values = typedValues(request.body, 5000);
    const form = parseQuestion(type, request.body);
    const again = (extra: Errors & { status?: number }) => questionPage(reply, found.state, { action: `${base(id)}/sections/${n}/questions/new/${type}`, type, title: `Add a question: ${TYPE_LABELS[type].toLowerCase()}`, values, ...extra });
    if (!form.ok) return again({ ...form, status: 400 });
    const result = await edit(request, id, found.programmeId, (def) => addQuestion(def, n, { ...form.data, showIf: 'all', conditions: [] }), `Question added to section ${n}`);
    if (!result.ok && result.reason === 'invalid') return again({ status: 400, errorList: (result.problems ?? []).map((text) => ({ text, href: '#title' })) });
    return afterChange(request, reply, id, found.programmeId, result, 'Question added.', `#q-${form.data.key}`);
  });

  const findQuestion = (state: SurveyState, key: string) => allQuestions(state.def).find((e) => e.q.key === key);

  app.get('/admin/surveys/:id/questions/:key', { ...admins, schema: { params: questionParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const e = findQuestion(found.state, request.params.key);
    if (!e) return sendErrorPage(request, reply, 404);
    return questionPage(reply, found.state, { action: `${base(found.state.survey.id)}/questions/${e.q.key}`, type: e.q.type, title: `Change question ${e.number}`, values: questionValues(e.q) });
  });

  app.post('/admin/surveys/:id/questions/:key', { ...admins, schema: { params: questionParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const e = findQuestion(found.state, request.params.key);
    if (!e) return sendErrorPage(request, reply, 404);
    const id = found.state.survey.id;
    const values = typedValues(request.body, 5000);
    const again = (extra: Errors & { status?: number }) => questionPage(reply, found.state, { action: `${base(id)}/questions/${e.q.key}`, type: e.q.type, title: `Change question ${e.number}`, values, ...extra });
    const form = parseQuestion(e.q.type, request.body, e.q);
    if (!form.ok) return again({ ...form, status: 400 });
    const result = await edit(request, id, found.programmeId, (def) => updateQuestion(def, e.q.key, form.data), `Question ${e.number} changed`);
    if (!result.ok && result.reason === 'invalid') return again({ status: 400, errorList: (result.problems ?? []).map((text) => ({ text, href: '#choices' })) });
    return afterChange(request, reply, id, found.programmeId, result, 'Question saved.', `#q-${e.q.key}`);
  });

  app.post('/admin/surveys/:id/questions/:key/move', { ...admins, schema: { params: questionParams, body: moveBody } }, async (request, reply) => {
    const { id, key } = request.params;
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const dir = request.body.direction;
    const result = await edit(request, id, pid, (def) => moveQuestion(def, key, dir), `Question moved ${dir}`);
    return afterChange(request, reply, id, pid, result, `Question moved ${dir}.`, `#q-${key}`);
  });

  app.get('/admin/surveys/:id/questions/:key/delete', { ...admins, schema: { params: questionParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const e = findQuestion(found.state, request.params.key);
    if (!e) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/delete-question.njk`, { pageTitle: `Delete question ${e.number}?`, survey: found.state.survey, question: e.q, number: e.number });
  });

  app.post('/admin/surveys/:id/questions/:key/delete', { ...admins, schema: { params: questionParams } }, async (request, reply) => {
    const { id, key } = request.params;
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const result = await edit(request, id, pid, (def) => deleteQuestion(def, key), 'Question deleted');
    return afterChange(request, reply, id, pid, result, 'Question deleted.');
  });

  // Show-if conditions
  const conditionsPage = (reply: FastifyReply, state: SurveyState, key: string, values: Values, extra: Errors & { status?: number } = {}) => {
    const list = allQuestions(state.def);
    const index = list.findIndex((e) => e.q.key === key);
    const e = list[index]!;
    const earlier = list.slice(0, index);
    const existing = e.q.conditions.length;
    return reply.code(extra.status ?? 200).view(`${V}/conditions.njk`, {
      pageTitle: `When to show question ${e.number}`,
      survey: state.survey,
      question: e.q,
      number: e.number,
      formAction: `/admin/surveys/${state.survey.id}/questions/${key}/conditions`,
      earlier: earlier.map((x) => ({ key: x.q.key, text: `${x.number}. ${x.q.title}`, choices: operatorsFor(x.q.type).some((o) => o !== 'answered' && o !== 'not_answered') ? x.q.choices : [] })),
      operators: Object.entries(OPERATOR_LABELS).map(([value, text]) => ({ value, text })),
      rows: Array.from({ length: CONDITION_ROWS(Math.max(existing, countRows(values))) }, (_, i) => i + 1),
      values,
      errors: extra.errors ?? {},
      errorList: extra.errorList,
    });
  };

  app.get('/admin/surveys/:id/questions/:key/conditions', { ...admins, schema: { params: questionParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const e = findQuestion(found.state, request.params.key);
    if (!e) return sendErrorPage(request, reply, 404);
    return conditionsPage(reply, found.state, e.q.key, conditionValues(e.q));
  });

  app.post('/admin/surveys/:id/questions/:key/conditions', { ...admins, schema: { params: questionParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const list = allQuestions(found.state.def);
    const index = list.findIndex((e) => e.q.key === request.params.key);
    if (index === -1) return sendErrorPage(request, reply, 404);
    const e = list[index]!;
    const id = found.state.survey.id;
    const values = typedValues(request.body, 200);
    // Every question is offered in the form's lists only if earlier; one posted that is not earlier is refused by the whole check.
    const form = parseConditions(request.body, list.map((x) => x.q));
    if (!form.ok) return conditionsPage(reply, found.state, e.q.key, values, { ...form, status: 400 });
    const result = await edit(request, id, found.programmeId, (def) => setConditions(def, e.q.key, form.data.showIf, form.data.conditions), `Conditions of question ${e.number} changed`);
    if (!result.ok && result.reason === 'invalid') return conditionsPage(reply, found.state, e.q.key, values, { status: 400, errorList: (result.problems ?? []).map((text) => ({ text, href: '#c1-question' })) });
    return afterChange(request, reply, id, found.programmeId, result, form.data.conditions.length ? 'Conditions saved.' : 'Conditions saved: the question is always shown.', `#q-${e.q.key}`);
  });

  // Preview: the version being built, page by page, as a respondent sees it; nothing is stored.
  const previewPage = (reply: FastifyReply, state: SurveyState, answers: Answers, page: number | 'check', extra: Errors & { values?: Values; status?: number } = {}) => {
    const def = state.def;
    // Respondents see the questions shown to them numbered 1, 2, 3 ..., without gaps for hidden ones.
    const shown = visibleQuestions(def, answers).map((e, i) => ({ ...e, number: i + 1 }));
    const pages = visibleSections(def, answers);
    const common = { survey: state.survey, def, carried: JSON.stringify(answers), formAction: `/admin/surveys/${state.survey.id}/preview`, errors: extra.errors ?? {}, errorList: extra.errorList };
    if (page === 'check' || !pages.length) {
      const rows = shown.map((e) => ({ number: e.number, section: e.section, title: e.q.title, answer: answerText(e.q, answers[e.q.key]) }));
      return reply.code(extra.status ?? 200).view(`${V}/preview-check.njk`, { ...common, pageTitle: `Preview: check your answers – ${state.survey.title}`, rows, empty: !pages.length });
    }
    const questions = shown.filter((e) => e.section === page);
    const section = def.sections[page - 1]!;
    const position = pages.indexOf(page) + 1;
    return reply.code(extra.status ?? 200).view(`${V}/preview-page.njk`, {
      ...common,
      pageTitle: `Preview: ${section.title} – ${state.survey.title}`,
      section,
      page,
      position,
      of: pages.length,
      first: position === 1,
      questions: questions.map((e) => ({ ...e.q, number: e.number })),
      values: extra.values ?? answerValues(questions.map((e) => e.q), answers),
    });
  };

  app.get('/admin/surveys/:id/preview', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    return previewPage(reply, found.state, {}, visibleSections(found.state.def, {})[0] ?? 'check');
  });

  app.post('/admin/surveys/:id/preview', { ...admins, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const def = found.state.def;
    const body = request.body;
    const one = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const carried = pruneHiddenAnswers(def, readCarried(one('answers'), allQuestions(def).map((e) => e.q)));
    const goto = Number(one('goto'));
    if (one('action') === 'goto' && visibleSections(def, carried).includes(goto)) return previewPage(reply, found.state, carried, goto);
    const page = Number(one('page'));
    const pages = visibleSections(def, carried);
    if (!pages.includes(page)) return previewPage(reply, found.state, carried, pages[0] ?? 'check');
    const onPage = visibleQuestions(def, carried).filter((e) => e.section === page).map((e) => e.q);
    const parsed = parsePage(onPage, body);
    // This page's answers replace what was carried for it (an answer cleared is cleared).
    const merged = { ...carried };
    for (const q of onPage) delete merged[q.key];
    Object.assign(merged, parsed.answers);
    const answers = pruneHiddenAnswers(def, merged);
    if (one('action') === 'back') {
      const before = visibleSections(def, answers).filter((p) => p < page).at(-1);
      return previewPage(reply, found.state, answers, before ?? page);
    }
    if (!parsed.ok) return previewPage(reply, found.state, carried, page, { errors: parsed.errors, errorList: parsed.errorList, values: typedValues(body, 5000), status: 400 });
    const next = visibleSections(def, answers).find((p) => p > page);
    return previewPage(reply, found.state, answers, next ?? 'check');
  });

  // Copies, templates and versions
  app.post('/admin/surveys/:id/duplicate', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const made = await duplicateSurvey(db, request.user!.id, pid, request.params.id, clock);
    if (!made.ok) return sendErrorPage(request, reply, made.reason === 'not_found' ? 404 : 400);
    reply.flash('This is a copy: a new draft, with no responses and no audience yet.');
    return reply.redirect(base(made.id));
  });

  const templateName = z.object({ name: textField('Template name', 100, 'Enter a name for the template', { oneLine: true }) });
  app.get('/admin/surveys/:id/save-template', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    return reply.view(`${V}/save-template.njk`, { pageTitle: 'Save as a template', survey: found.state.survey, values: { name: found.state.survey.title }, errors: {} });
  });

  app.post('/admin/surveys/:id/save-template', { ...admins, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await load(request, reply, request.params.id);
    if (!found) return reply;
    const parsed = templateName.safeParse(request.body);
    if (!parsed.success) {
      const text = parsed.error.issues[0]?.message ?? 'Enter a name for the template';
      return reply.code(400).view(`${V}/save-template.njk`, { pageTitle: 'Save as a template', survey: found.state.survey, values: typedValues(request.body, 200), errors: { name: { text } }, errorList: [{ text, href: '#name' }] });
    }
    await saveAsTemplate(db, request.user!.id, found.programmeId, found.state.survey.id, parsed.data.name, clock);
    reply.flash(`Saved as the template “${parsed.data.name}”. It is offered under “Start from a template”.`);
    return reply.redirect(base(found.state.survey.id));
  });

  app.post('/admin/surveys/:id/versions/new', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const made = await newVersion(db, request.user!.id, pid, request.params.id, clock);
    if (!made.ok && made.reason === 'not_found') return sendErrorPage(request, reply, 404);
    reply.flash(made.ok ? `Version ${made.number} started as a copy. Change its questions, then make it live; responses so far keep their version.` : 'These questions have no responses yet, so you can change them as they are.');
    return reply.redirect(base(request.params.id));
  });

  app.post('/admin/surveys/:id/versions/live', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const pid = await programmeId(request);
    if (pid === null) return sendErrorPage(request, reply, 404);
    const made = await publishVersion(db, request.user!.id, pid, request.params.id, clock);
    if (!made.ok && made.reason === 'not_found') return sendErrorPage(request, reply, 404);
    reply.flash(made.ok ? `Version ${made.number} is live: new responses answer it.` : 'That version is already live.');
    return reply.redirect(base(request.params.id));
  });
}

const typeItems = () => QUESTION_TYPES.map((t) => ({ value: t, text: TYPE_LABELS[t], hint: { text: TYPE_HINTS[t] } }));

function countRows(values: Values): number {
  let n = 0;
  for (let i = 1; i <= LIMITS.conditions; i++) if (values[`c${i}-question`] || values[`c${i}-operator`] || values[`c${i}-option`]) n = i;
  return n;
}
