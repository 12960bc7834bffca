// The library of outputs: the public pages (/library, searchable and filterable by aim, an output's
// page, its printable page and its original file: no sign-in) and the team's publish form on a draft.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, idParams, oneText, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { safeFileName } from '../../../platform/export/export.ts';
import { draftById } from '../service.ts';
import { chosenAims, libraryAims, originalFile, outputPage, publishChoices, publishDraft, searchLibrary, withdrawDraft } from './service.ts';

const V = 'features/consultations/library/views';
const team = { config: onlyRoles('admin') };
const libraryQuery = z.object({ q: oneText(200), aim: oneText(12) });
const many = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);
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
    const page = await outputPage(db, programme.id, request.params.id);
    if (!page) await sendErrorPage(request, reply, 404);
    return page ?? null;
  };

  app.get('/library/:id', { schema: { params: idParams } }, async (request, reply) => {
    const page = await loadOutput(request, reply);
    if (!page) return reply;
    return reply.view(`${V}/output.njk`, { pageTitle: `${page.output.title} – Library of outputs`, ...page, print: false });
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
}
