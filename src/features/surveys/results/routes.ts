// A survey's results (issue 12 §7–10 and exports): counts, charts, cross-tabs with small-number
// suppression, free-text coding, shared results pages and exports. The team's page and the shared
// page are one view with the same suppression; the shared one leaves free text out unless chosen.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendExport, type Column } from '../../../platform/export/export.ts';
import { parseForm } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, oneText, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { KEY } from '../definition.ts';
import type { Survey } from '../tables.ts';
import { responseColumns, responseRows } from './exports.ts';
import { answeredText, codeBook, codesOfResponses, codesOfSurvey, setAnswerCodes, textAnswers, type Filter, type SurveyIds } from './queries.ts';
import { addCode, catalogue, changeCode, maySeeShared, resultsDb, resultsPage, shareResults, surveyOf, type ResultsQuery } from './service.ts';
import { codable, codeCounts, summaryRows, textItem, type CatalogueQuestion } from './summary.ts';

const V = 'features/surveys/results/views';
const admins = { config: onlyRoles('admin') };
const idParams = z.object({ id: rowId });
const textParams = z.object({ id: rowId, key: z.string().regex(KEY) });
const codeParams = textParams.extend({ codeId: rowId });
const formatParams = z.object({ id: rowId, format: z.enum(['csv', 'xlsx']) });
const resultsQuery = z
  .object({ version: z.coerce.number().int().positive().max(100_000).optional().catch(undefined), who: oneText(300), answer: oneText(100), by: oneText(100) })
  .catch({ version: undefined, who: undefined, answer: undefined, by: undefined });
const codingQuery = z.object({ code: rowId.optional().catch(undefined), page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined) }).catch({ code: undefined, page: undefined });
const CODE_MAX = 100;
const codeForm = z.object({ label: textField('Code', CODE_MAX, 'Enter the code', { oneLine: true }) });
const sharingForm = z.object({
  shared: z.enum(['team', 'audience', 'public'], { error: 'Choose who can see the results' }),
  freeText: z.enum(['yes', 'no']).optional().catch('no'),
});
const PAGE = 25;
const SHOWN_TEXTS = { team: 10, shared: 50 };
const SHARING_LABELS = { team: 'The survey team only', audience: 'The people the survey was for (signed in)', public: 'Anyone, without signing in' } as const;

type Errors = { errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[]; values?: Record<string, string | string[]> };

const queryString = (q: ResultsQuery) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

const choose = (items: { value: string; text: string }[], none: string, chosen: string | undefined) => [{ value: '', text: none }, ...items.map((i) => ({ ...i, selected: i.value === chosen }))];

export function resultsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const base = (id: number) => `/admin/surveys/${id}/results`;

  /** The survey of the programme the request is for, or the 404 page sent. */
  const load = async (request: FastifyRequest, reply: FastifyReply, id: number): Promise<Survey | null> => {
    const programme = await request.programme();
    const survey = programme ? await surveyOf(db, programme.id, id) : undefined;
    if (!survey) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return survey;
  };

  /**
   * The free-text questions' answers and code counts, as this view may show them: every question's
   * reads at once, with the survey's ids the page already read (one after another they were some 30
   * round trips to the database, on PostgreSQL as long as the rest of the page together).
   */
  const texts = async (survey: Survey, questions: readonly CatalogueQuestion[], filter: Filter, shared: boolean, answered: Map<string, number>, ids: SurveyIds) => {
    const r = resultsDb(db);
    const showText = !shared || Number(survey.results_free_text) === 1;
    const limit = shared ? SHOWN_TEXTS.shared : SHOWN_TEXTS.team;
    const parts = await Promise.all(
      questions.filter(codable).map(async (q) => {
        const [book, found] = await Promise.all([
          codeBook(r, survey.id, q.key, filter, ids),
          textAnswers(r, survey.id, q.key, textItem(q), filter, { limit: showText ? limit : 0, offset: 0, ids, codes: false }),
        ]);
        const given = book.length && found.rows.length ? await codesOfResponses(r, survey.id, q.key, found.rows.map((a) => a.responseId)) : new Map<string, number[]>();
        const codes = codeCounts(book, textItem(q) === 0 ? (answered.get(q.key) ?? 0) : found.total, survey.suppression_threshold, !shared);
        const label = new Map(book.map((c) => [c.id, c.label]));
        const answers = showText ? found.rows.map((a) => ({ text: a.text, codes: (given.get(a.responseId) ?? []).map((c) => label.get(c) ?? '') })) : null;
        return [q.key, { codes, answers, more: showText && found.total > limit }] as const;
      }),
    );
    return new Map(parts);
  };

  const render = async (reply: FastifyReply, survey: Survey, query: ResultsQuery, shared: boolean, extra: Errors & { status?: number; print?: boolean } = {}) => {
    const page = await resultsPage(db, survey, query);
    const answered = new Map(page.results.map((r) => [r.key, r.kind === 'text' ? r.answeredCount : 0]));
    const textParts = page.enough ? await texts(survey, page.questions, page.filter, shared, answered, page.ids) : new Map();
    return reply.code(extra.status ?? 200).view(`${V}/results.njk`, {
      pageTitle: `${shared ? `Results: ${survey.title}` : `Results of ${survey.title}`}${extra.print ? ' (printable)' : ''}`,
      print: extra.print ?? false,
      survey,
      shared,
      page,
      texts: Object.fromEntries(textParts),
      action: shared ? `/surveys/${survey.id}/results` : base(survey.id),
      query: queryString(page.chosen),
      selects: {
        version: choose(page.choices.versions, 'All versions', page.chosen.version?.toString()),
        who: choose(page.choices.who, 'Everyone', page.chosen.who),
        answer: choose(page.choices.answers, 'Any answers', page.chosen.answer),
        by: choose(page.choices.by, 'Nothing: show each question whole', page.chosen.by),
      },
      sharingLabels: SHARING_LABELS,
      values: extra.values ?? { shared: survey.results_shared_with, freeText: Number(survey.results_free_text) === 1 ? 'yes' : 'no' },
      errors: extra.errors ?? {},
      errorList: extra.errorList,
    });
  };

  app.get('/admin/surveys/:id/results', { ...admins, schema: { params: idParams, querystring: resultsQuery } }, async (request, reply) => {
    const survey = await load(request, reply, request.params.id);
    return survey && render(reply, survey, request.query, false);
  });

  // The printable summary: the same figures through the same suppression (the same render), without the forms and links.
  app.get('/admin/surveys/:id/results/print', { ...admins, schema: { params: idParams, querystring: resultsQuery } }, async (request, reply) => {
    const survey = await load(request, reply, request.params.id);
    return survey && render(reply, survey, request.query, false, { print: true });
  });

  const sharedPage = (print: boolean) => async (request: FastifyRequest<{ Params: { id: number }; Querystring: ResultsQuery }>, reply: FastifyReply) => {
    const programme = await request.programme();
    const survey = programme ? await surveyOf(db, programme.id, request.params.id) : undefined;
    // Shared with the audience: someone not signed in may be in it, so they sign in first.
    if (survey && !request.user && survey.status !== 'draft' && survey.results_shared_with === 'audience') return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
    // Not shared with this person reads as not there: a team-only survey's results are no one's business.
    if (!survey || !(await maySeeShared(db, request.user, survey))) return sendErrorPage(request, reply, 404);
    return render(reply, survey, request.query, true, { print });
  };
  app.get('/surveys/:id/results/print', { schema: { params: idParams, querystring: resultsQuery } }, sharedPage(true));

  app.get('/surveys/:id/results', { schema: { params: idParams, querystring: resultsQuery } }, async (request, reply) => {
    const programme = await request.programme();
    const survey = programme ? await surveyOf(db, programme.id, request.params.id) : undefined;
    // Shared with the audience: someone not signed in may be in it, so they sign in first.
    if (survey && !request.user && survey.status !== 'draft' && survey.results_shared_with === 'audience') return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
    // Not shared with this person reads as not there: a team-only survey's results are no one's business.
    if (!survey || !(await maySeeShared(db, request.user, survey))) return sendErrorPage(request, reply, 404);
    return render(reply, survey, request.query, true);
  });

  app.post('/admin/surveys/:id/results/sharing', { ...admins, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const survey = await load(request, reply, request.params.id);
    if (!survey) return;
    const form = parseForm(sharingForm, request.body, { order: ['shared'], anchors: { shared: 'shared' } });
    if (!form.ok) return render(reply, survey, {}, false, { ...form, status: 400 });
    await shareResults(db, request.user!.id, survey, form.data.shared, form.data.freeText === 'yes', clock);
    reply.flash(form.data.shared === 'team' ? 'The results are for the survey team only.' : `The results are shared with ${form.data.shared === 'public' ? 'anyone' : 'the people the survey was for'}.`);
    return reply.redirect(`${base(survey.id)}#sharing`);
  });

  // Exports
  app.get('/admin/surveys/:id/results/responses.:format', { ...admins, schema: { params: formatParams } }, async (request, reply) => {
    const survey = await load(request, reply, request.params.id);
    if (!survey) return;
    const { questions, versions } = await catalogue(db, survey);
    const identified = Number(survey.anonymous) === 0;
    return sendExport(reply, {
      format: request.params.format,
      fileName: `survey-${survey.id}-responses-${clock().toISOString().slice(0, 10)}`,
      sheetName: 'Responses',
      columns: responseColumns(questions, identified),
      rows: responseRows(resultsDb(db), survey.id, questions, versions, identified),
    });
  });

  app.get('/admin/surveys/:id/results/summary.csv', { ...admins, schema: { params: idParams, querystring: resultsQuery } }, async (request, reply) => {
    const survey = await load(request, reply, request.params.id);
    if (!survey) return;
    const page = await resultsPage(db, survey, request.query);
    type Row = ReturnType<typeof summaryRows>[number];
    const rows: Row[] = page.enough ? summaryRows(page.results) : [{ question: 'All questions', answer: `Fewer than ${page.threshold} responses match`, group: '', count: page.matchedText, percent: '' }];
    const columns: Column<Row>[] = [
      { header: 'Question', value: (r) => r.question },
      { header: 'Answer', value: (r) => r.answer },
      { header: 'Group', value: (r) => r.group },
      { header: 'Count', value: (r) => r.count },
      { header: 'Percentage', value: (r) => r.percent },
    ];
    return sendExport(reply, { format: 'csv', fileName: `survey-${survey.id}-summary-${clock().toISOString().slice(0, 10)}`, columns, rows: (async function* () { yield* rows; })() });
  });

  app.get('/admin/surveys/:id/results/codes.csv', { ...admins, schema: { params: idParams } }, async (request, reply) => {
    const survey = await load(request, reply, request.params.id);
    if (!survey) return;
    const { questions } = await catalogue(db, survey);
    const r = resultsDb(db);
    const labels = new Map((await codesOfSurvey(r, survey.id)).map((c) => [c.id, c.label]));
    type Row = { question: string; answer: string; codes: string };
    async function* rows(): AsyncGenerator<Row> {
      for (const q of questions.filter(codable)) {
        for (let offset = 0; ; offset += 500) {
          const found = await textAnswers(r, survey!.id, q.key, textItem(q), {}, { limit: 500, offset });
          for (const a of found.rows) yield { question: `${q.number}. ${q.title}${textItem(q) === -1 ? ' (Other)' : ''}`, answer: a.text, codes: a.codes.map((c) => labels.get(c) ?? '').join('; ') };
          if (found.rows.length < 500) break;
        }
      }
    }
    const columns: Column<Row>[] = [
      { header: 'Question', value: (x) => x.question },
      { header: 'Answer', value: (x) => x.answer },
      { header: 'Codes', value: (x) => x.codes },
    ];
    return sendExport(reply, { format: 'csv', fileName: `survey-${survey.id}-codes-${clock().toISOString().slice(0, 10)}`, columns, rows: rows() });
  });

  // Free-text coding
  const textQuestion = async (request: FastifyRequest, reply: FastifyReply, id: number, key: string) => {
    const survey = await load(request, reply, id);
    if (!survey) return null;
    const { questions } = await catalogue(db, survey);
    const question = questions.find((q) => q.key === key && codable(q));
    if (!question) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return { survey, question };
  };

  const codingPage = async (reply: FastifyReply, survey: Survey, question: CatalogueQuestion, query: { code?: number; page?: number }, extra: Errors & { status?: number } = {}) => {
    const r = resultsDb(db);
    const book = await codeBook(r, survey.id, question.key);
    const code = book.find((c) => c.id === query.code);
    const pageNumber = query.page ?? 1;
    const found = await textAnswers(r, survey.id, question.key, textItem(question), {}, { codeId: code?.id, limit: PAGE, offset: (pageNumber - 1) * PAGE });
    const pages = Math.max(1, Math.ceil(found.total / PAGE));
    const here = `${base(survey.id)}/text/${question.key}`;
    const link = (p: number) => `${here}?${new URLSearchParams({ ...(code ? { code: String(code.id) } : {}), page: String(p) }).toString()}`;
    return reply.code(extra.status ?? 200).view(`${V}/coding.njk`, {
      pageTitle: `Code the ${textItem(question) === -1 ? 'Other answers' : 'answers'} to ${question.number}. ${question.title}`,
      other: textItem(question) === -1,
      survey,
      question,
      book,
      code,
      answers: found.rows.map((a, i) => ({ ...a, n: (pageNumber - 1) * PAGE + i + 1 })),
      total: found.total,
      here,
      back: base(survey.id),
      pagination: pages > 1 ? { previous: pageNumber > 1 ? { href: link(pageNumber - 1) } : undefined, next: pageNumber < pages ? { href: link(pageNumber + 1) } : undefined, items: Array.from({ length: pages }, (_, i) => ({ number: i + 1, href: link(i + 1), current: i + 1 === pageNumber })) } : null,
      returnTo: link(pageNumber),
      values: extra.values ?? {},
      errors: extra.errors ?? {},
      errorList: extra.errorList,
    });
  };

  app.get('/admin/surveys/:id/results/text/:key', { ...admins, schema: { params: textParams, querystring: codingQuery } }, async (request, reply) => {
    const found = await textQuestion(request, reply, request.params.id, request.params.key);
    return found && codingPage(reply, found.survey, found.question, request.query);
  });

  const TAKEN = 'There is already a code with that name for this question';
  app.post('/admin/surveys/:id/results/text/:key/codes', { ...admins, schema: { params: textParams, body: formBody } }, async (request, reply) => {
    const found = await textQuestion(request, reply, request.params.id, request.params.key);
    if (!found) return;
    const form = parseForm(codeForm, request.body, { order: ['label'] });
    if (!form.ok) return codingPage(reply, found.survey, found.question, {}, { ...form, status: 400 });
    const done = await addCode(db, request.user!.id, found.survey, found.question.key, form.data.label, clock);
    if (!done.ok) return codingPage(reply, found.survey, found.question, {}, { status: 400, values: { label: form.data.label }, errors: { label: { text: TAKEN } }, errorList: [{ text: TAKEN, href: '#label' }] });
    reply.flash(`Code “${form.data.label}” added.`);
    return reply.redirect(`${base(found.survey.id)}/text/${found.question.key}#codes`);
  });

  app.post('/admin/surveys/:id/results/text/:key/codes/:codeId', { ...admins, schema: { params: codeParams, body: formBody } }, async (request, reply) => {
    const found = await textQuestion(request, reply, request.params.id, request.params.key);
    if (!found) return;
    const { codeId } = request.params;
    const field = `label-${codeId}`;
    if (request.body.action === 'delete') {
      const done = await changeCode(db, request.user!.id, found.survey, found.question.key, codeId, 'delete', clock);
      if (!done.ok) return sendErrorPage(request, reply, 404);
      reply.flash('Code deleted. The answers it was given to keep their other codes.');
      return reply.redirect(`${base(found.survey.id)}/text/${found.question.key}#codes`);
    }
    const form = parseForm(codeForm, { label: request.body[field] });
    const again = (text: string) => codingPage(reply, found.survey, found.question, {}, { status: 400, values: { [field]: String(request.body[field] ?? '') }, errors: { [field]: { text } }, errorList: [{ text, href: `#${field}` }] });
    if (!form.ok) return again(form.errorList[0]?.text ?? 'Enter the code');
    const done = await changeCode(db, request.user!.id, found.survey, found.question.key, codeId, { label: form.data.label }, clock);
    if (!done.ok) return done.reason === 'not_found' ? sendErrorPage(request, reply, 404) : again(TAKEN);
    reply.flash(`Code renamed “${form.data.label}”.`);
    return reply.redirect(`${base(found.survey.id)}/text/${found.question.key}#codes`);
  });

  app.post('/admin/surveys/:id/results/text/:key/tags', { ...admins, schema: { params: textParams, body: formBody } }, async (request, reply) => {
    const found = await textQuestion(request, reply, request.params.id, request.params.key);
    if (!found) return;
    const list = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).map(String);
    // Only answers on the page are changed, and only answers to this question of this survey.
    const shown = list(request.body.answers).filter((id) => /^[0-9a-f-]{36}$/.test(id)).slice(0, 500);
    const real = await answeredText(resultsDb(db), found.survey.id, found.question.key, textItem(found.question), shown);
    const given = new Map([...real].map((id) => [id, list(request.body[`codes-${id}`]).map(Number).filter((n) => Number.isInteger(n) && n > 0)]));
    await setAnswerCodes(resultsDb(db), found.survey.id, found.question.key, given);
    reply.flash(`Codes saved for ${given.size} ${given.size === 1 ? 'answer' : 'answers'}.`);
    const here = `${base(found.survey.id)}/text/${found.question.key}`;
    // Back to the page of answers the form was on: only ever this page, with its page number and code.
    const returnTo = typeof request.body.returnTo === 'string' ? request.body.returnTo : '';
    const back = returnTo.startsWith(`${here}?`) && /^\?(code=\d{1,10}&)?page=\d{1,6}$/.test(returnTo.slice(here.length)) ? returnTo : here;
    return reply.redirect(back);
  });
}
