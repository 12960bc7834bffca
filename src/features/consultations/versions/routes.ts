// Versions of a draft (the team's): start a new version, change, add or remove its sections, and
// compare two versions word by word.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm, typedValues, type FormFailure } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, idParams, oneText, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { HEADING_MAX } from '../import.ts';
import { draftById } from '../service.ts';
import { linkChange } from './changes.ts';
import { addSection, compareVersions, editSection, newVersion, removeSection, versionsOf, type VersionRefusal } from './service.ts';

const V = 'features/consultations/versions/views';
const team = { config: onlyRoles('admin') };
const sectionParams = z.object({ id: rowId, sectionId: rowId });
const commentParams = z.object({ id: rowId, commentId: rowId });
const changeBody = z.looseObject({ section: oneText(12) });
const compareQuery = z.object({ from: oneText(6), to: oneText(6) });
const SECTION_TEXT_MAX = 50_000;
const sectionForm = z.looseObject({
  heading: textField('Heading', HEADING_MAX, 'Enter the section heading', { oneLine: true }),
  body: textField('Text', SECTION_TEXT_MAX, null),
});
const newSectionForm = z.looseObject({
  heading: textField('Heading', HEADING_MAX, 'Enter the section heading', { oneLine: true }),
  body: textField('Text', SECTION_TEXT_MAX, 'Enter the section’s text'),
});
const versionForm = z.looseObject({ changelog: textField('What changed', 2_000, 'Say what will change in this version, for the changelog') });
const REFUSED: Record<Exclude<VersionRefusal, 'not_found'>, string> = {
  in_consultation: 'A consultation runs on this version, so it cannot change: start a new version first',
  not_latest: 'Only the latest version can change',
};

export function versionRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const programmeOf = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = await request.programme();
    if (!p) await sendErrorPage(request, reply, 404);
    return p;
  };
  const back = (draftId: number, anchor = '') => `/admin/consultations/drafts/${draftId}${anchor}`;

  app.post('/admin/consultations/drafts/:id/versions', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const form = parseForm(versionForm, request.body);
    if (!form.ok) {
      reply.flash(`No new version: ${form.errorList[0]!.text}.`);
      return reply.redirect(back(request.params.id, '#new-version'));
    }
    const r = await newVersion(db, request.user!, p.id, request.params.id, form.data.changelog, clock);
    if (!r.ok) return sendErrorPage(request, reply, 404);
    reply.flash(`Version ${r.number} started: it copies the sections of the version before, which you can now change.`);
    return reply.redirect(back(request.params.id));
  });

  type Ctx = { values: Record<string, string | string[]>; failure?: Partial<Pick<FormFailure, 'errors' | 'errorList'>>; status?: number };
  const sectionPage = async (request: FastifyRequest, reply: FastifyReply, draftId: number, sectionId: number | null, ctx: Ctx) => {
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const found = await draftById(db, p.id, draftId);
    const section = sectionId === null ? null : found?.sections.find((s) => s.id === sectionId);
    if (!found || section === undefined) return sendErrorPage(request, reply, 404);
    return reply.code(ctx.status ?? 200).view(`${V}/section-form.njk`, {
      pageTitle: section ? `Change section ${section.position} of ${found.draft.title}` : `Add a section to ${found.draft.title}`,
      draft: found.draft,
      version: found.version,
      section,
      imported: section?.body_format === 'html',
      action: section ? `/admin/consultations/drafts/${draftId}/sections/${section.id}/edit` : `/admin/consultations/drafts/${draftId}/sections/new`,
      values: ctx.values,
      errors: ctx.failure?.errors ?? {},
      errorList: ctx.failure?.errorList,
    });
  };
  const refusal = (reason: VersionRefusal) => ({ errors: { heading: { text: REFUSED[reason as Exclude<VersionRefusal, 'not_found'>] } }, errorList: [{ text: REFUSED[reason as Exclude<VersionRefusal, 'not_found'>], href: '#heading' }] });

  app.get('/admin/consultations/drafts/:id/sections/new', { ...team, schema: { params: idParams } }, async (request, reply) => sectionPage(request, reply, request.params.id, null, { values: {} }));
  app.post('/admin/consultations/drafts/:id/sections/new', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const values = typedValues(request.body, SECTION_TEXT_MAX + 100);
    const form = parseForm(newSectionForm, request.body, { order: ['heading', 'body'] });
    if (!form.ok) return sectionPage(request, reply, request.params.id, null, { values, failure: form, status: 400 });
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const r = await addSection(db, p.id, request.params.id, form.data);
    if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
    if (!r.ok) return sectionPage(request, reply, request.params.id, null, { values, failure: refusal(r.reason), status: 400 });
    reply.flash('Section added.');
    return reply.redirect(back(request.params.id));
  });

  app.get('/admin/consultations/drafts/:id/sections/:sectionId/edit', { ...team, schema: { params: sectionParams } }, async (request, reply) => {
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const s = (await draftById(db, p.id, request.params.id))?.sections.find((x) => x.id === request.params.sectionId);
    return sectionPage(request, reply, request.params.id, request.params.sectionId, { values: s ? { heading: s.heading, body: s.body_format === 'markdown' ? s.body : '' } : {} });
  });
  app.post('/admin/consultations/drafts/:id/sections/:sectionId/edit', { ...team, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
    const { id, sectionId } = request.params;
    const values = typedValues(request.body, SECTION_TEXT_MAX + 100);
    const form = parseForm(sectionForm, request.body, { order: ['heading', 'body'] });
    if (!form.ok) return sectionPage(request, reply, id, sectionId, { values, failure: form, status: 400 });
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const before = (await draftById(db, p.id, id))?.sections.find((x) => x.id === sectionId);
    // An imported section's text is kept unless new text is typed; a written one's is what the box holds.
    const body = before?.body_format === 'html' && !form.data.body ? null : form.data.body;
    const r = await editSection(db, p.id, id, sectionId, { heading: form.data.heading, body });
    if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
    if (!r.ok) return sectionPage(request, reply, id, sectionId, { values, failure: refusal(r.reason), status: 400 });
    reply.flash('Section changed.');
    return reply.redirect(back(id, `#section-${sectionId}`));
  });

  app.post('/admin/consultations/drafts/:id/sections/:sectionId/remove', { ...team, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const r = await removeSection(db, p.id, request.params.id, request.params.sectionId);
    if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
    reply.flash(r.ok ? 'Section removed from this version.' : `Not removed: ${REFUSED[r.reason as Exclude<VersionRefusal, 'not_found'>]}.`);
    return reply.redirect(back(request.params.id));
  });

  // The change a comment caused: a section of a later version (or none).
  app.post('/admin/consultations/:id/comments/:commentId/change', { ...team, schema: { params: commentParams, body: changeBody } }, async (request, reply) => {
    const { id, commentId } = request.params;
    const raw = request.body.section ?? '';
    const sectionId = /^\d{1,9}$/.test(raw) ? Number(raw) : raw === '' ? null : -1;
    if (sectionId === -1 || !(await linkChange(db, request.user!.id, id, commentId, sectionId, clock))) return sendErrorPage(request, reply, 404);
    reply.flash(sectionId === null ? 'The link to a change has been taken off.' : 'Linked: the commenter now sees what changed because of their comment.');
    return reply.redirect(`/admin/consultations/${id}/comments/${commentId}`);
  });

  app.get('/admin/consultations/drafts/:id/compare', { ...team, schema: { params: idParams, querystring: compareQuery } }, async (request, reply) => {
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const found = await draftById(db, p.id, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    const versions = await versionsOf(db, found.draft.id);
    const num = (s: string | undefined, fallback: number) => (s && /^\d{1,5}$/.test(s) ? Number(s) : fallback);
    const to = num(request.query.to, found.version.number);
    const from = num(request.query.from, Math.max(1, to - 1));
    const changes = await compareVersions(db, p.id, found.draft.id, from, to);
    if (!changes) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/compare.njk`, { pageTitle: `Compare versions ${from} and ${to} of ${found.draft.title}`, draft: found.draft, versions, from, to, changes });
  });
}
