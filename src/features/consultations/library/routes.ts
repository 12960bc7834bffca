// The library of outputs: the public pages (/library, searchable and filterable by aim, an output's
// page, its printable page and its original file: no sign-in), the team's publish form on a draft,
// and the team's page choosing the discussion summaries an output cites as evidence.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, idParams, oneText, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { safeFileName } from '../../../platform/export/export.ts';
import { markdownToText } from '../../../platform/rich-text/rich-text.ts';
import { formatDate } from '../../../platform/time.ts';
import { draftById } from '../service.ts';
import { chosenAims, citeSummaries, evidencePage, libraryAims, originalFile, outputPage, publishChoices, publishDraft, searchLibrary, unciteSummary, withdrawDraft, type CiteRefusal } from './service.ts';

const V = 'features/consultations/library/views';
const team = { config: onlyRoles('admin') };
const libraryQuery = z.object({ q: oneText(200), aim: oneText(12) });
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);
/** A summary's first words, as plain text, for choosing it. */
const excerpt = (markdown: string) => {
  const text = markdownToText(markdown).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
};
const evidenceQuery = z.object({ q: oneText(200) });
const ids = (v: string | string[] | undefined) => many(v).map((x) => rowId.safeParse(x)).flatMap((r) => (r.success ? [r.data] : []));

export function libraryRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const programmeOr404 = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = await request.programme();
    if (!p) await sendErrorPage(request, reply, 404);
    return p;
  };

  // ---- Public

  app.get('/library', { schema: { querystring: libraryQuery } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const aims = await libraryAims(db, programme.id);
    const words = (request.query.q ?? '').trim();
    const aim = aims.find((a) => String(a.id) === request.query.aim);
    const outputs = await searchLibrary(db, programme.id, { words: words || undefined, aimId: aim?.id });
    const filtered = Boolean(words || aim);
    return reply.view(`${V}/library.njk`, {
      pageTitle: filtered ? `Library of outputs: ${outputs.length} found` : 'Library of outputs',
      outputs,
      words,
      aimItems: [{ value: '', text: 'Any aim' }, ...aims.map((a) => ({ value: String(a.id), text: `Aim ${a.number}: ${a.title}`, selected: a.id === aim?.id }))],
      filtered,
    });
  });

  const loadOutput = async (request: FastifyRequest<{ Params: { id: number } }>, reply: FastifyReply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return null;
    const page = await outputPage(db, programme.id, request.params.id, request.user);
    if (!page) await sendErrorPage(request, reply, 404);
    return page ?? null;
  };

  app.get('/library/:id', { schema: { params: idParams } }, async (request, reply) => {
    const page = await loadOutput(request, reply);
    if (!page) return reply;
    return reply.view(`${V}/output.njk`, { pageTitle: `${page.output.title} – Library of outputs`, ...page, print: false, team: request.user?.role === 'admin' });
  });

  app.get('/library/:id/print', { schema: { params: idParams } }, async (request, reply) => {
    const page = await loadOutput(request, reply);
    if (!page) return reply;
    return reply.view(`${V}/output.njk`, { pageTitle: `${page.output.title} (printable) – Library of outputs`, ...page, print: true });
  });

  app.get('/library/:id/original', { schema: { params: idParams } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const file = await originalFile(db, programme.id, request.params.id);
    if (!file) return sendErrorPage(request, reply, 404);
    const name = safeFileName(file.file_name.replace(/\.docx$/i, '')).replace(/-+$/, '') || 'document';
    reply.header('content-disposition', `attachment; filename="${name}.docx"`);
    reply.header('x-content-type-options', 'nosniff');
    return reply.type(file.content_type).send(Buffer.from(file.data_base64, 'base64'));
  });

  // ---- The team: publishing a draft

  const publishPage = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, draftId: number, values: { aims: string[]; consultation: string } | null, error?: string) => {
    const found = await draftById(db, programmeId, draftId);
    if (!found) return sendErrorPage(request, reply, 404);
    const { aims, output } = await publishChoices(db, programmeId, draftId);
    const chosen = values ?? { aims: output ? (await chosenAims(db, output.id)).map(String) : [], consultation: String(output?.consultation_id ?? found.consultations.at(-1)?.id ?? '') };
    const errors = error ? { aims: { text: error } } : {};
    return reply.code(error ? 400 : 200).view(`${V}/publish.njk`, {
      pageTitle: `Publish ${found.draft.title} to the library`,
      draft: found.draft,
      version: found.version,
      output,
      aimItems: aims.map((a) => ({ value: String(a.id), text: `Aim ${a.number}: ${a.title}`, checked: chosen.aims.includes(String(a.id)) })),
      consultationItems: [...found.consultations.map((c) => ({ value: String(c.id), text: `The consultation closing ${c.closes_at.slice(0, 10)}`, checked: chosen.consultation === String(c.id) })), { value: '', text: 'No consultation report', checked: chosen.consultation === '' }],
      errors,
      errorList: error ? [{ text: error, href: '#aims' }] : undefined,
    });
  };

  app.get('/admin/consultations/drafts/:id/publish', { ...team, schema: { params: idParams } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    return publishPage(request, reply, programme.id, request.params.id, null);
  });

  app.post('/admin/consultations/drafts/:id/publish', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const body = request.body as Record<string, string | string[] | undefined>;
    const values = { aims: many(body.aims).slice(0, 50), consultation: many(body.consultation)[0] ?? '' };
    const aimIds = ids(values.aims);
    if (!aimIds.length) return publishPage(request, reply, programme.id, request.params.id, values, 'Choose at least one programme aim this output serves');
    const consultation = values.consultation === '' ? null : rowId.safeParse(values.consultation);
    if (consultation !== null && !consultation.success) return publishPage(request, reply, programme.id, request.params.id, values, 'Choose a consultation from the list');
    const r = await publishDraft(db, request.user!, programme.id, request.params.id, { aimIds, consultationId: consultation?.data ?? null }, clock);
    if (!r.ok) return r.reason === 'not_found' ? sendErrorPage(request, reply, 404) : publishPage(request, reply, programme.id, request.params.id, values, 'Choose a consultation from the list');
    reply.flash('Published to the library. Anyone can now read it, without signing in.');
    return reply.redirect(`/library/${r.id}`);
  });

  app.post('/admin/consultations/drafts/:id/withdraw', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    if (!(await withdrawDraft(db, request.user!, programme.id, request.params.id, clock))) return sendErrorPage(request, reply, 404);
    reply.flash('Taken out of the library.');
    return reply.redirect(`/admin/consultations/drafts/${request.params.id}`);
  });

  // ---- The team: the discussion summaries an output cites

  const evidenceView = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, outputId: number, search: string, error?: { text: string; chosen: string[] }) => {
    const page = await evidencePage(db, programmeId, outputId, search);
    if (!page) return sendErrorPage(request, reply, 404);
    const chosen = new Set(error?.chosen ?? []);
    return reply.code(error ? 400 : 200).view(`${V}/evidence.njk`, {
      pageTitle: `Evidence from discussions for ${page.output.title}`,
      ...page,
      search,
      spaces: page.spaces.map((sp, i) => ({
        ...sp,
        idPrefix: i === 0 ? 'threads' : `threads-space-${sp.spaceId}`,
        items: sp.summaries.map((x) => ({ value: String(x.threadId), text: x.title, hint: { text: `Closed ${formatDate(x.closedOn)}: ${excerpt(x.summary)}` }, checked: chosen.has(String(x.threadId)) })),
      })),
      errors: error ? { threads: { text: error.text } } : {},
      errorList: error ? [{ text: error.text, href: '#threads' }] : undefined,
    });
  };

  app.get('/admin/library/:id/evidence', { ...team, schema: { params: idParams, querystring: evidenceQuery } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    return evidenceView(request, reply, programme.id, request.params.id, (request.query.q ?? '').trim());
  });

  const refusal = (r: CiteRefusal) =>
    r.reason === 'not_closed' ? `“${r.title}” is not closed with a summary any more, so it cannot be cited` : r.reason === 'no_thread' ? `Discussion ${r.threadId} does not exist any more, so it cannot be cited` : '';

  app.post('/admin/library/:id/evidence', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const body = request.body as Record<string, string | string[] | undefined>;
    const search = (many(body.q)[0] ?? '').slice(0, 200).trim();
    const chosen = many(body.threads).slice(0, 200);
    const threadIds = [...new Set(ids(chosen))];
    const again = (text: string) => evidenceView(request, reply, programme.id, request.params.id, search, { text, chosen });
    if (!chosen.length) return again('Choose at least one summary to cite');
    if (threadIds.length !== new Set(chosen).size) return again('Choose summaries from the list');
    const r = await citeSummaries(db, request.user!, programme.id, request.params.id, threadIds, clock);
    if (!r.ok) return r.reason === 'not_found' ? sendErrorPage(request, reply, 404) : again(refusal(r));
    reply.flash(r.added === 1 ? 'Summary cited. The output’s public page shows it under “What participants agreed”.' : `${r.added} summaries cited. The output’s public page shows them under “What participants agreed”.`);
    return reply.redirect(`/admin/library/${request.params.id}/evidence`);
  });

  app.post('/admin/library/:id/evidence/remove', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const thread = rowId.safeParse(many((request.body as Record<string, string | string[] | undefined>).thread)[0]);
    if (!thread.success) return sendErrorPage(request, reply, 400);
    // Not cited (a second click): nothing to do, the page says what is cited now.
    if (await unciteSummary(db, request.user!, programme.id, request.params.id, thread.data, clock)) reply.flash('No longer cited.');
    return reply.redirect(`/admin/library/${request.params.id}/evidence`);
  });
}
