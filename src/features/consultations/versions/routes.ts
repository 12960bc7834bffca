// Versions of a draft (the team's): start a new version (a copy, or a Word document imported and
// matched to the latest version's sections, checked before it is made), change, add or remove its
// sections, describe an imported section's pictures, and compare two versions word by word.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm, typedValues, type FormFailure } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, idParams, oneText, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { DOCX_MAX_BYTES, HEADING_MAX, importDocx, type ImportRefusal } from '../import.ts';
import { DESCRIPTION_MAX, describePictures, sectionPictures } from '../pictures.ts';
import { draftById } from '../service.ts';
import { acceptUploads, uploadOf } from '../upload.ts';
import { linkChange } from './changes.ts';
import { addSection, checkImport, compareVersions, editSection, newVersion, removeSection, versionsOf, type VersionRefusal } from './service.ts';

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
/** The draft import's own words (routes.ts) for a file it cannot take. */
const IMPORT_REFUSALS: Record<ImportRefusal, string> = {
  too_large: `The file must be smaller than ${DOCX_MAX_BYTES / 1024 / 1024} MB`,
  not_docx: 'The file must be a Word document (.docx) that opens in Word',
  empty: 'The Word document has no text in it',
};
const NO_FILE = 'Choose a Word document (.docx) to import';
const CHANGED_SINCE = 'The draft has had a new version since this check: look at the check below again';
/** The checked document goes back with the confirmation as base64 (the browser cannot send a file again). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DOCUMENT_MAX = Math.ceil(DOCX_MAX_BYTES / 3) * 4;
const confirmForm = z.looseObject({ changelog: textField('What changed', 2_000, 'Say what changed in this version, for the changelog') });
/** Never refused: each is read as text (or missing), and checked below. */
const checkedFields = z.looseObject({ document: oneText(DOCUMENT_MAX + 1), fileName: oneText(200), basedOn: oneText(12) });
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

  // Describing the pictures of an imported section that have no description (pictures.ts).
  const picturesPage = async (request: FastifyRequest, reply: FastifyReply, draftId: number, sectionId: number, ctx: Ctx) => {
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const found = await draftById(db, p.id, draftId);
    const s = found && (await sectionPictures(db, p.id, draftId, sectionId));
    if (!found || !s) return sendErrorPage(request, reply, 404);
    return reply.code(ctx.status ?? 200).view(`${V}/pictures.njk`, {
      pageTitle: `Describe the pictures in section ${s.section.position} of ${found.draft.title}`,
      draft: found.draft,
      version: s.version,
      section: s.section,
      pictures: s.pictures,
      max: DESCRIPTION_MAX,
      values: ctx.values,
      errors: ctx.failure?.errors ?? {},
      errorList: ctx.failure?.errorList,
    });
  };
  app.get('/admin/consultations/drafts/:id/sections/:sectionId/pictures', { ...team, schema: { params: sectionParams } }, async (request, reply) => picturesPage(request, reply, request.params.id, request.params.sectionId, { values: {} }));
  app.post('/admin/consultations/drafts/:id/sections/:sectionId/pictures', { ...team, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
    const { id, sectionId } = request.params;
    const values = typedValues(request.body, DESCRIPTION_MAX + 100);
    const count = Number(/^\d{1,3}$/.exec(String(values.count ?? ''))?.[0] ?? 0);
    const names = Array.from({ length: count }, (_, i) => `picture-${i + 1}`);
    const form = parseForm(
      z.looseObject(Object.fromEntries(names.map((n, i) => [n, textField(`The description of picture ${i + 1}`, DESCRIPTION_MAX, `Describe picture ${i + 1}`, { oneLine: true })]))),
      request.body,
      { order: names },
    );
    if (!form.ok) return picturesPage(request, reply, id, sectionId, { values, failure: form, status: 400 });
    const p = await programmeOf(request, reply);
    if (!p) return reply;
    const descriptions = names.map((n) => String((form.data as Record<string, unknown>)[n]));
    const r = await describePictures(db, request.user!.id, p.id, id, sectionId, descriptions, clock);
    if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
    if (!r.ok) {
      const text = 'The section has changed since this page was shown: look at its pictures below again';
      return picturesPage(request, reply, id, sectionId, { values, failure: { errors: {}, errorList: [{ text, href: '#pictures' }] }, status: 409 });
    }
    reply.flash(`${r.described === 1 ? 'Description' : 'Descriptions'} saved: the section now describes ${r.described === 1 ? 'its picture' : `its ${r.described} pictures`}.`);
    return reply.redirect(back(id, `#section-${sectionId}`));
  });

  // A new version imported from a Word document: upload, check what is kept, new and left out, then make it.
  // Its own encapsulated plugin, like the draft import, so only these routes read a multipart body.
  appIn.register(async (scope) => {
    acceptUploads(scope);
    const s = scope.withTypeProvider<ZodTypeProvider>();
    const uploadPage = async (request: FastifyRequest, reply: FastifyReply, draftId: number, error: string | null, status = 200) => {
      const p = await programmeOf(request, reply);
      if (!p) return reply;
      const found = await draftById(db, p.id, draftId);
      if (!found) return sendErrorPage(request, reply, 404);
      return reply.code(status).view(`${V}/import-version.njk`, {
        pageTitle: `Import a new version of ${found.draft.title} from a Word document`,
        draft: found.draft,
        version: found.version,
        maxMb: DOCX_MAX_BYTES / 1024 / 1024,
        errors: error ? { file: { text: error } } : {},
        errorList: error ? [{ text: error, href: '#file' }] : undefined,
      });
    };
    type Checked = { file: Buffer; fileName: string; changelog: string; error?: { field: 'changelog' | 'check'; text: string }; status?: number };
    const checkPage = async (request: FastifyRequest, reply: FastifyReply, draftId: number, ctx: Checked) => {
      const p = await programmeOf(request, reply);
      if (!p) return reply;
      const imported = await importDocx(ctx.file);
      if (!imported.ok) return uploadPage(request, reply, draftId, IMPORT_REFUSALS[imported.reason], imported.reason === 'too_large' ? 413 : 400);
      const found = await draftById(db, p.id, draftId);
      const check = found && (await checkImport(db, p.id, draftId, imported.sections));
      if (!found || !check) return sendErrorPage(request, reply, 404);
      const error = ctx.error;
      return reply.code(ctx.status ?? 200).view(`${V}/import-check.njk`, {
        pageTitle: `Check the new version of ${found.draft.title}`,
        draft: found.draft,
        version: check.latest,
        check,
        picturesWithoutAlt: imported.picturesWithoutAlt,
        fileName: ctx.fileName,
        document: ctx.file.toString('base64'),
        values: { changelog: ctx.changelog },
        errors: error?.field === 'changelog' ? { changelog: { text: error.text } } : {},
        errorList: error ? [{ text: error.text, href: error.field === 'changelog' ? '#changelog' : '#check' }] : undefined,
      });
    };

    s.get('/admin/consultations/drafts/:id/versions/import', { ...team, schema: { params: idParams } }, async (request, reply) => uploadPage(request, reply, request.params.id, null));
    s.post('/admin/consultations/drafts/:id/versions/import', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
      const { id } = request.params;
      const form = parseForm(confirmForm, request.body);
      const hidden = checkedFields.parse(request.body ?? {});
      const document = hidden.document;
      const upload = uploadOf(request);
      // The first step: a file chosen and sent. Its check is shown; nothing is made yet.
      if (upload || document === undefined) {
        if (!upload) return uploadPage(request, reply, id, NO_FILE, 400);
        return checkPage(request, reply, id, { file: upload.data, fileName: upload.name || 'draft.docx', changelog: '' });
      }
      // The second step: the checked document came back with the changelog.
      if (document.length > DOCUMENT_MAX) return uploadPage(request, reply, id, IMPORT_REFUSALS.too_large, 413);
      if (!BASE64.test(document)) return uploadPage(request, reply, id, IMPORT_REFUSALS.not_docx, 400);
      const file = Buffer.from(document, 'base64');
      const fileName = hidden.fileName?.trim() || 'draft.docx';
      const changelog = String(typedValues(request.body).changelog ?? '');
      if (!form.ok) return checkPage(request, reply, id, { file, fileName, changelog, error: { field: 'changelog', text: form.errorList[0]!.text }, status: 400 });
      const imported = await importDocx(file);
      if (!imported.ok) return uploadPage(request, reply, id, IMPORT_REFUSALS[imported.reason], imported.reason === 'too_large' ? 413 : 400);
      const p = await programmeOf(request, reply);
      if (!p) return reply;
      const basedOn = /^\d{1,9}$/.test(hidden.basedOn ?? '') ? Number(hidden.basedOn) : 0;
      const r = await newVersion(db, request.user!, p.id, id, form.data.changelog, clock, { sections: imported.sections, fileName, original: file, basedOn });
      if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (!r.ok) return checkPage(request, reply, id, { file, fileName, changelog: form.data.changelog, error: { field: 'check', text: CHANGED_SINCE }, status: 409 });
      const missing = imported.picturesWithoutAlt;
      reply.flash(`Version ${r.number} imported, in ${imported.sections.length} ${imported.sections.length === 1 ? 'section' : 'sections'}.${missing ? ` ${missing} ${missing === 1 ? 'picture has' : 'pictures have'} no description: see the sections marked below.` : ''}`);
      return reply.redirect(back(id));
    });
  });
}
