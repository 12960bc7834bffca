// Consultations: the team's drafts (write, import from Word, adjust the sections), setting up a
// consultation, triage and redaction (admins); the draft page, commenting by section, on the whole
// draft or on a guiding question, agree and reply (the audience); "Your comments".
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { audienceChoicesFor, audienceOf } from '../../platform/audience/access.ts';
import { londonDate } from '../../platform/time.ts';
import { audienceFieldOrder, audienceFormValues, parseAudience, pickerChoices, type AudienceChoice } from '../../platform/forms/audience.ts';
import { parseForm, typedValues, type FormFailure } from '../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { formBody, idParams, oneText, rowId, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { commentForm, COMMENT_ORDER, CONSULTATION_ANCHORS, CONSULTATION_ORDER, consultationForm, DRAFT_ORDER, importDraftForm, QUESTION_ROWS, redactForm, renameForm, respondForm, splitForm, SPLIT_ORDER, TEXT_MAX, writtenDraftForm, COMMENT_MAX } from './form.ts';
import { DOCX_MAX_BYTES, importDocx, splitMarkdown } from './import.ts';
import {
  addComment,
  closesShown,
  commentForTeam,
  commentsByPlace,
  consultationById,
  ITEM_KIND,
  updateConsultation,
  type EditRefusal,
  consultationsFor,
  createConsultation,
  createDraft,
  draftById,
  draftsOf,
  mergeWithNext,
  myComments,
  PUBLICATION_LABELS,
  readableConsultation,
  redact,
  renameSection,
  sectionForSplit,
  splitSection,
  respond,
  sectionHtml,
  stateOf,
  STATUS_LABELS,
  STATUSES,
  toggleAgree,
  triageList,
  visibleComments,
  type CommentRefusal,
  type CommentTarget,
  type Place,
} from './service.ts';
import { acceptUploads, uploadOf } from './upload.ts';
import { changeChoices, changesOf } from './versions/changes.ts';
import { commentsAcrossVersions, versionsOf } from './versions/service.ts';

const V = 'features/consultations/views';
const team = { config: onlyRoles('admin') };
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const sectionParams = z.object({ id: rowId, sectionId: rowId });
const commentParams = z.object({ id: rowId, commentId: rowId });
const questionParams = z.object({ id: rowId, questionId: rowId });
const triageQuery = z.object({ section: oneText(100), status: oneText(20), page: oneText(6) });
const pageQuery = z.object({ page: oneText(6) });
const pageOf = (v: string | undefined) => (/^\d{1,6}$/.test(v ?? '') ? Number(v) : 1);
const PLACE_PAGE = 25;
export const CONSULTATION_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people', 'signed-in'];

const COMMENT_REFUSALS: Record<Exclude<CommentRefusal, 'not_found' | 'wrong_section' | 'wrong_question'>, string> = {
  not_open_yet: 'This consultation is not open yet, so comments cannot be added',
  closed: 'This consultation has closed, so comments can no longer be added',
  no_replies: 'Replies are not possible on this consultation',
};
const IMPORT_REFUSALS = {
  too_large: `The file must be smaller than ${DOCX_MAX_BYTES / 1024 / 1024} MB`,
  not_docx: 'The file must be a Word document (.docx) that opens in Word',
  empty: 'The Word document has no text in it',
};
const statusChoice = (s: string | undefined) => (s === 'untriaged' || (STATUSES as readonly string[]).includes(s ?? '') ? (s as never) : undefined);

export function consultationsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const notifyCtx = () => ({ clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret });
  const programmeOr404 = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = await request.programme();
    if (!p) await sendErrorPage(request, reply, 404);
    return p;
  };
  type Failure = Partial<Pick<FormFailure, 'errors' | 'errorList'>>;

  // ---- The team: drafts

  app.get('/admin/consultations', team, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const drafts = await draftsOf(db, programme.id);
    const consultations = (await consultationsFor(db, request.user, programme.id)).map((c) => ({ ...c, state: stateOf(c, clock()) }));
    return reply.view(`${V}/admin-list.njk`, { pageTitle: 'Consultations and drafts', drafts, consultations });
  });


  const draftPage = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, kind: 'written' | 'word', values: Record<string, string | string[]>, failure: Failure = {}, status = 200, preview?: string) =>
    reply.code(status).view(`${V}/draft-form.njk`, {
      pageTitle: kind === 'word' ? 'Import a draft from a Word document' : 'Write a draft',
      kind,
      // One ticked project arrives as a string: the page wants the list.
      values: { ...values, projects: ([] as string[]).concat(values.projects ?? []) },
      errors: failure.errors ?? {},
      errorList: failure.errorList,
      preview: preview === undefined ? {} : { text: preview },
      projects: (await audienceChoicesFor(db, request.user, programmeId)).projects,
      maxMb: DOCX_MAX_BYTES / 1024 / 1024,
    });

  app.get('/admin/consultations/drafts/new', team, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    return draftPage(request, reply, programme.id, 'written', {});
  });

  app.post('/admin/consultations/drafts/new', { ...team, schema: { body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const values = typedValues(request.body, TEXT_MAX + 100);
    if (request.body.action === 'preview') return draftPage(request, reply, programme.id, 'written', values, {}, 200, String(values.text ?? ''));
    const form = parseForm(writtenDraftForm, request.body, { order: DRAFT_ORDER });
    if (!form.ok) return draftPage(request, reply, programme.id, 'written', values, form, 400);
    const sections = splitMarkdown(form.data.text);
    const id = await createDraft(db, request.user!, programme.id, { title: form.data.title, summary: form.data.summary, aims: form.data.aims, projectIds: form.data.projects }, { sections, format: 'markdown', source: 'written' }, clock);
    reply.flash(`Draft saved, in ${sections.length} ${sections.length === 1 ? 'section' : 'sections'}.`);
    return reply.redirect(`/admin/consultations/drafts/${id}`);
  });

  // The Word import: its own encapsulated plugin, the only place a multipart body is read.
  appIn.register(async (scope) => {
    acceptUploads(scope);
    const s = scope.withTypeProvider<ZodTypeProvider>();
    s.get('/admin/consultations/drafts/import', team, async (request, reply) => {
      const programme = await programmeOr404(request, reply);
      if (!programme) return reply;
      return draftPage(request, reply, programme.id, 'word', {});
    });
    s.post('/admin/consultations/drafts/import', { ...team, schema: { body: formBody } }, async (request, reply) => {
      const programme = await programmeOr404(request, reply);
      if (!programme) return reply;
      const values = typedValues(request.body);
      const form = parseForm(importDraftForm, request.body, { order: DRAFT_ORDER });
      const file = uploadOf(request);
      const fileError = !file ? 'Choose a Word document (.docx) to import' : null;
      const imported = file ? await importDocx(file.data) : null;
      const importError = imported && !imported.ok ? IMPORT_REFUSALS[imported.reason] : fileError;
      if (!form.ok || importError || !imported?.ok) {
        const errors = { ...(form.ok ? {} : form.errors), ...(importError ? { file: { text: importError } } : {}) };
        const errorList = [...(form.ok ? [] : form.errorList), ...(importError ? [{ text: importError, href: '#file' }] : [])];
        return draftPage(request, reply, programme.id, 'word', values, { errors, errorList }, imported && !imported.ok && imported.reason === 'too_large' ? 413 : 400);
      }
      const id = await createDraft(db, request.user!, programme.id, { title: form.data.title, summary: form.data.summary, aims: form.data.aims, projectIds: form.data.projects }, { sections: imported.sections, format: 'html', source: 'word', sourceName: file!.name, original: file!.data }, clock);
      const missing = imported.picturesWithoutAlt;
      reply.flash(`Draft imported, in ${imported.sections.length} ${imported.sections.length === 1 ? 'section' : 'sections'}.${missing ? ` ${missing} ${missing === 1 ? 'picture has' : 'pictures have'} no description: see the sections marked below.` : ''}`);
      return reply.redirect(`/admin/consultations/drafts/${id}`);
    });
  });

  app.get('/admin/consultations/drafts/:id', { ...team, schema: { params: idParams } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const found = await draftById(db, programme.id, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    const locked = found.consultations.some((c) => c.version_id === found.version.id);
    // Comments from every version, on the section that still has their key; the rest listed apart.
    const earlier = await commentsAcrossVersions(db, found.draft.id, found.sections);
    return reply.view(`${V}/draft.njk`, {
      pageTitle: `${found.draft.title}: draft, version ${found.version.number}`,
      ...found,
      consultations: found.consultations.map((c) => ({ ...c, closesShown: closesShown(c.closes_at) })),
      locked,
      sections: found.sections.map((s) => ({ ...s, html: sectionHtml(s), earlier: (earlier.byKey.get(s.section_key) ?? []).map((c) => ({ ...c, statusLabel: c.status ? STATUS_LABELS[c.status] : 'Not triaged' })) })),
      orphaned: earlier.orphaned,
      versions: await versionsOf(db, found.draft.id),
    });
  });

  const adjust = (path: string, run: (programmeId: number, draftId: number, sectionId: number, body: Record<string, string | string[]>) => Promise<{ ok: true } | { ok: false; reason: string } | FormFailure>) =>
    app.post(path, { ...team, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
      const programme = await programmeOr404(request, reply);
      if (!programme) return reply;
      const r = await run(programme.id, request.params.id, request.params.sectionId, request.body);
      if (!r.ok && 'reason' in r && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (!r.ok) {
        const word = 'reason' in r ? (r.reason === 'in_consultation' ? 'A consultation runs on this version, so its sections cannot change' : 'The last section has no next section to merge with') : r.errorList[0]!.text;
        reply.flash(`Not changed: ${word}.`);
      } else reply.flash('Sections changed.');
      return reply.redirect(`/admin/consultations/drafts/${request.params.id}#section-${request.params.sectionId}`);
    });
  adjust('/admin/consultations/drafts/:id/sections/:sectionId/merge', (p, d, s) => mergeWithNext(db, p, d, s));
  adjust('/admin/consultations/drafts/:id/sections/:sectionId/rename', async (p, d, s, body) => {
    const form = parseForm(renameForm, body);
    return form.ok ? renameSection(db, p, d, s, form.data.heading) : form;
  });

  // Splitting a section in two at one of its sub-headings or paragraphs (the inverse of a merge).
  const IN_CONSULTATION = 'A consultation runs on this version, so its sections cannot change';
  const splitPage = async (request: FastifyRequest, reply: FastifyReply, draftId: number, sectionId: number, values: Record<string, string | string[]>, failure: Failure = {}, status = 200) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const found = await sectionForSplit(db, programme.id, draftId, sectionId);
    if (!found) return sendErrorPage(request, reply, 404);
    if (found.locked) {
      reply.flash(`Not changed: ${IN_CONSULTATION}.`);
      return reply.redirect(`/admin/consultations/drafts/${draftId}#section-${sectionId}`);
    }
    const { section, blocks } = found;
    return reply.code(status).view(`${V}/split.njk`, {
      pageTitle: `Split section ${section.position}: ${section.heading}`,
      draftId,
      section,
      first: blocks[0],
      items: blocks.slice(1).map((b, i) => ({ value: String(i + 1), text: b.heading !== null ? `Sub-heading: ${b.words}` : b.words, checked: values.at === String(i + 1) })),
      values,
      errors: failure.errors ?? {},
      errorList: failure.errorList,
    });
  };
  app.get('/admin/consultations/drafts/:id/sections/:sectionId/split', { ...team, schema: { params: sectionParams } }, async (request, reply) => splitPage(request, reply, request.params.id, request.params.sectionId, {}));
  app.post('/admin/consultations/drafts/:id/sections/:sectionId/split', { ...team, schema: { params: sectionParams, body: formBody } }, async (request, reply) => {
    const { id, sectionId } = request.params;
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const values = typedValues(request.body);
    const form = parseForm(splitForm, request.body, { order: SPLIT_ORDER, anchors: { at: 'at' } });
    if (!form.ok) return splitPage(request, reply, id, sectionId, values, form, 400);
    const r = await splitSection(db, programme.id, id, sectionId, form.data);
    if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
    if (!r.ok && (r.reason === 'bad_block' || r.reason === 'no_heading')) {
      const [field, text] = r.reason === 'bad_block' ? ['at', 'Choose where the new section starts'] : ['heading', 'Enter a heading for the new section: the place you chose is not a sub-heading'];
      return splitPage(request, reply, id, sectionId, values, { errors: { [field]: { text } }, errorList: [{ text, href: `#${field}` }] }, 400);
    }
    if (!r.ok) {
      reply.flash(`Not changed: ${IN_CONSULTATION}.`);
      return reply.redirect(`/admin/consultations/drafts/${id}#section-${sectionId}`);
    }
    reply.flash('Section split in two.');
    return reply.redirect(`/admin/consultations/drafts/${id}#section-${r.id}`);
  });

  // ---- The team: setting up a consultation

  /** The consultation form (setting one up, or changing it: `page` says which), with the audience picker this person may use. */
  const consultForm = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, page: Record<string, unknown>, values: Record<string, string | string[]>, failure: Failure, status: number) => {
    const choices = await audienceChoicesFor(db, request.user, programmeId);
    return reply.code(status).view(`${V}/consult-form.njk`, {
      ...page,
      values,
      errors: failure.errors ?? {},
      errorList: failure.errorList,
      choices,
      allow: pickerChoices(choices.allowedKinds, CONSULTATION_CHOICES),
      rows: QUESTION_ROWS,
    });
  };
  const consultPage = (request: FastifyRequest, reply: FastifyReply, programmeId: number, draft: { id: number; title: string }, values: Record<string, string | string[]>, failure: Failure = {}, status = 200) =>
    consultForm(request, reply, programmeId, { pageTitle: `Set up a consultation on ${draft.title}`, draft }, values, failure, status);

  app.get('/admin/consultations/drafts/:id/consult', { ...team, schema: { params: idParams } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const found = await draftById(db, programme.id, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    return consultPage(request, reply, programme.id, found.draft, { commentsVisible: 'participants' });
  });

  app.post('/admin/consultations/drafts/:id/consult', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const found = await draftById(db, programme.id, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    const values = typedValues(request.body);
    const form = parseForm(consultationForm, request.body, { order: [...CONSULTATION_ORDER, ...audienceFieldOrder()], anchors: CONSULTATION_ANCHORS });
    const audience = await parseAudience(db, request.body, { allow: CONSULTATION_CHOICES, choices: await audienceChoicesFor(db, request.user, programme.id) });
    if (!form.ok || !audience.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(audience.ok ? {} : audience.errors) };
      const errorList = [...(form.ok ? [] : form.errorList), ...(audience.ok ? [] : audience.errorList)];
      return consultPage(request, reply, programme.id, found.draft, values, { errors, errorList }, 400);
    }
    const saved = await createConsultation(db, request.user!, programme.id, found.draft.id, { ...form.data, audience: audience.data }, clock);
    if (!saved.ok) {
      if (saved.reason === 'not_found') return sendErrorPage(request, reply, 404);
      const text = saved.reason === 'no_sections' ? 'The draft has no sections to comment on yet' : 'The closing date must be in the future';
      return consultPage(request, reply, programme.id, found.draft, values, { errors: { closes: { text } }, errorList: [{ text, href: '#closes-day' }] }, 400);
    }
    reply.flash('Consultation set up. Its audience will be told when it opens.');
    return reply.redirect(`/consultations/${saved.id}`);
  });

  // ---- The team: changing a consultation after it is set up

  const EDIT_REFUSALS: Record<Exclude<EditRefusal, 'not_found' | 'answered_question'>, [string, string]> = {
    opened: ['opens', 'The consultation has opened, so its opening date cannot change'],
    closes_in_past: ['closes', 'The closing date must be in the future'],
    made_public: ['commentsVisible', 'People have commented for the team alone, so their comments cannot be made readable by everyone'],
  };
  const editPage = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, consultationId: number, values: Record<string, string | string[]> | null, failure: Failure = {}, status = 200) => {
    const found = await readableConsultation(db, request.user, consultationId);
    if (!found || found.consultation.programme_id !== programmeId) return sendErrorPage(request, reply, 404);
    const c = found.consultation;
    const london = (iso: string) => londonDate(new Date(iso)).split('-');
    const [oy, om, od] = london(c.opens_at);
    const [cy, cm, cd] = london(new Date(Date.parse(c.closes_at) - 60_000).toISOString());
    const stored = { 'opens-day': String(Number(od)), 'opens-month': String(Number(om)), 'opens-year': oy!, 'closes-day': String(Number(cd)), 'closes-month': String(Number(cm)), 'closes-year': cy!, commentsVisible: c.comments_visible, ...Object.fromEntries(found.questions.map((q) => [`question${q.position}`, q.text])), ...audienceFormValues(await audienceOf(db, ITEM_KIND, c.id)) };
    const page = {
      pageTitle: `Change the consultation on ${c.title}`,
      heading: 'Change the consultation',
      editNote: 'Once people have taken part, some changes are refused: the opening date after it opens, a guiding question that has answers, and making comments written for the team readable by everyone.',
      action: `/admin/consultations/${c.id}/edit`,
      buttonText: 'Save the changes',
      draft: { id: c.draft_id, title: c.title },
    };
    return consultForm(request, reply, programmeId, page, values ?? stored, failure, status);
  };

  app.get('/admin/consultations/:id/edit', { ...team, schema: { params: idParams } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    return editPage(request, reply, programme.id, request.params.id, null);
  });

  app.post('/admin/consultations/:id/edit', { ...team, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const existing = await consultationById(db, request.params.id);
    if (!existing || existing.programme_id !== programme.id) return sendErrorPage(request, reply, 404);
    const values = typedValues(request.body);
    const form = parseForm(consultationForm, request.body, { order: [...CONSULTATION_ORDER, ...audienceFieldOrder()], anchors: CONSULTATION_ANCHORS });
    const audience = await parseAudience(db, request.body, { allow: CONSULTATION_CHOICES, choices: await audienceChoicesFor(db, request.user, programme.id) });
    if (!form.ok || !audience.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(audience.ok ? {} : audience.errors) };
      const errorList = [...(form.ok ? [] : form.errorList), ...(audience.ok ? [] : audience.errorList)];
      return editPage(request, reply, programme.id, existing.id, values, { errors, errorList }, 400);
    }
    const questionRows = QUESTION_ROWS.map((i) => String(values[`question${i}`] ?? '').trim());
    const saved = await updateConsultation(db, request.user!, programme.id, existing.id, { opensAt: form.data.opensAt, closesAt: form.data.closesAt, commentsVisible: form.data.commentsVisible, audience: audience.data, questionRows }, clock);
    if (!saved.ok) {
      if (saved.reason === 'not_found') return sendErrorPage(request, reply, 404);
      const [field, text] = saved.reason === 'answered_question' ? [`question${saved.question}`, `Question ${saved.question} has answers, so it cannot be reworded or removed: add a new question instead`] : EDIT_REFUSALS[saved.reason];
      const href = field === 'opens' || field === 'closes' ? `#${field}-day` : `#${field}`;
      return editPage(request, reply, programme.id, existing.id, values, { errors: { [field]: { text } }, errorList: [{ text, href }] }, 400);
    }
    reply.flash('Consultation changed.');
    return reply.redirect(`/consultations/${existing.id}`);
  });

  // ---- The team: triage and redaction

  app.get('/admin/consultations/:id/triage', { ...team, schema: { params: idParams, querystring: triageQuery } }, async (request, reply) => {
    const found = await readableConsultation(db, request.user, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    const status = statusChoice(request.query.status);
    const sectionKey = found.sections.some((s) => s.section_key === request.query.section) ? request.query.section : undefined;
    const list = await triageList(db, found.consultation.id, { sectionKey, status }, pageOf(request.query.page));
    const rows = list.rows;
    const link = (n: number) => `/admin/consultations/${found.consultation.id}/triage?${new URLSearchParams({ ...(sectionKey ? { section: sectionKey } : {}), ...(status ? { status: String(status) } : {}), page: String(n) } as Record<string, string>).toString()}`;
    const sectionByKey = new Map(found.sections.map((s) => [s.section_key, s]));
    const questionById = new Map(found.questions.map((q) => [q.id, q]));
    const comments = rows.map((r) => ({ ...r, on: onWhat(r, sectionByKey, questionById), statusLabel: r.status ? STATUS_LABELS[r.status] : 'Not triaged' }));
    return reply.view(`${V}/triage.njk`, { pageTitle: `Comments on ${found.consultation.title}`, c: found.consultation, sections: found.sections, comments, total: list.total, page: list.page, pages: list.pages, pagination: paging(list.page, list.pages, link), filter: { section: sectionKey ?? '', status: status ?? '' }, statuses: STATUSES.map((s) => ({ value: s, text: STATUS_LABELS[s] })) });
  });

  const commentPageForTeam = async (request: FastifyRequest, reply: FastifyReply, consultationId: number, commentId: number, values: Record<string, string | string[]> = {}, failure: Failure = {}, status = 200) => {
    const found = await readableConsultation(db, request.user, consultationId);
    const comment = found && (await commentForTeam(db, consultationId, commentId));
    if (!found || !comment || comment.parent_id !== null) return sendErrorPage(request, reply, 404);
    const on = onWhat(comment, new Map(found.sections.map((s) => [s.section_key, s])), new Map(found.questions.map((q) => [q.id, q])));
    const laterSections = await changeChoices(db, consultationId);
    return reply.code(status).view(`${V}/respond.njk`, {
      pageTitle: `Respond to comment ${comment.id}`,
      changeItems: [{ value: '', text: 'No change linked' }, ...laterSections.map((s) => ({ value: String(s.id), text: `Version ${s.version}, section ${s.position}: ${s.heading}`, selected: comment.change_ref === `section:${s.id}` }))],
      c: found.consultation,
      comment,
      on,
      publication: PUBLICATION_LABELS[comment.publication],
      values: { status: comment.status ?? '', response: comment.response ?? '', redacted: comment.redacted_body ?? comment.body, ...values },
      errors: failure.errors ?? {},
      errorList: failure.errorList,
      statuses: STATUSES.map((s) => ({ value: s, text: STATUS_LABELS[s] })),
    });
  };

  app.get('/admin/consultations/:id/comments/:commentId', { ...team, schema: { params: commentParams } }, async (request, reply) => commentPageForTeam(request, reply, request.params.id, request.params.commentId));

  app.post('/admin/consultations/:id/comments/:commentId', { ...team, schema: { params: commentParams, body: formBody } }, async (request, reply) => {
    const { id, commentId } = request.params;
    if (!(await readableConsultation(db, request.user, id))) return sendErrorPage(request, reply, 404);
    const form = parseForm(respondForm, request.body, { order: ['status', 'response'] });
    if (!form.ok) return commentPageForTeam(request, reply, id, commentId, typedValues(request.body, COMMENT_MAX + 100), form, 400);
    if (!(await respond(db, request.user!, id, commentId, form.data, notifyCtx()))) return sendErrorPage(request, reply, 404);
    deps.pokeMailWorker();
    reply.flash('Response saved. The commenter has been told.');
    return reply.redirect(`/admin/consultations/${id}/triage`);
  });

  app.post('/admin/consultations/:id/comments/:commentId/redact', { ...team, schema: { params: commentParams, body: formBody } }, async (request, reply) => {
    const { id, commentId } = request.params;
    if (!(await readableConsultation(db, request.user, id))) return sendErrorPage(request, reply, 404);
    const form = parseForm(redactForm, request.body, { order: ['redacted', 'reason'] });
    if (!form.ok) return commentPageForTeam(request, reply, id, commentId, typedValues(request.body, COMMENT_MAX + 100), form, 400);
    if (!(await redact(db, request.user!, id, commentId, form.data, clock))) return sendErrorPage(request, reply, 404);
    reply.flash('Comment redacted. Others now read the redacted text; the original is kept for the team.');
    return reply.redirect(`/admin/consultations/${id}/comments/${commentId}`);
  });

  // ---- The audience: reading and commenting

  app.get('/consultations', signedIn, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const list = (await consultationsFor(db, request.user, programme.id)).map((c) => ({ ...c, state: stateOf(c, clock()) }));
    return reply.view(`${V}/list.njk`, { pageTitle: 'Consultations', list });
  });

  app.get('/consultations/:id', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await readableConsultation(db, request.user, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    const c = found.consultation;
    // Each place shows the reader's own comments and the newest few; the rest are on the place's own page.
    const places: Place[] = [...found.sections.map((s) => ({ kind: 'section' as const, key: s.section_key, versionId: s.version_id })), ...found.questions.map((q) => ({ kind: 'question' as const, id: q.id })), { kind: 'general' }];
    const byPlace = await commentsByPlace(db, request.user, c, places);
    const at = (i: number) => ({ comments: byPlace.shown[i]!, count: byPlace.counts[i]! });
    const sections = found.sections.map((s, i) => ({ ...s, html: sectionHtml(s), ...at(i), all: `/consultations/${c.id}/sections/${s.id}/comments` }));
    const questions = found.questions.map((q, i) => ({ ...q, ...at(found.sections.length + i), all: `/consultations/${c.id}/questions/${q.id}/comments` }));
    const generalAt = at(places.length - 1);
    const general = generalAt.comments;
    return reply.view(`${V}/consultation.njk`, {
      pageTitle: `Consultation on ${c.title}`,
      c,
      state: stateOf(c, clock()),
      sections,
      questions,
      general,
      generalCount: generalAt.count,
      generalAll: `/consultations/${c.id}/general/comments`,
      team: request.user?.role === 'admin',
      othersVisible: c.comments_visible === 'participants',
    });
  });

  // Every comment in one place (a section, a question, the whole draft), a page at a time.
  const placePage = (path: string, paramsSchema: z.ZodType<{ id: number } & Record<string, number>>, pick: (found: NonNullable<Awaited<ReturnType<typeof readableConsultation>>>, p: Record<string, number>) => { place: Place; heading: string } | null) =>
    app.get(path, { ...signedIn, schema: { params: paramsSchema, querystring: pageQuery } }, async (request, reply) => {
      const found = await readableConsultation(db, request.user, request.params.id);
      const where = found && pick(found, request.params);
      if (!found || !where) return sendErrorPage(request, reply, 404);
      const c = found.consultation;
      const first = await commentsByPlace(db, request.user, c, [where.place], { place: where.place, offset: 0, limit: 0 });
      const pages = Math.max(1, Math.ceil(first.counts[0]! / PLACE_PAGE));
      const current = Math.max(1, Math.min(pageOf(request.query.page), pages));
      const list = await commentsByPlace(db, request.user, c, [where.place], { place: where.place, offset: (current - 1) * PLACE_PAGE, limit: PLACE_PAGE });
      const base = request.url.split('?')[0]!;
      return reply.view(`${V}/place-comments.njk`, {
        pageTitle: `${where.heading}: comments${pages > 1 ? ` (page ${current} of ${pages})` : ''} – ${c.title}`,
        heading: where.heading,
        c,
        count: list.counts[0],
        comments: list.shown[0]!,
        pagination: paging(current, pages, (n) => `${base}?page=${n}`),
        state: stateOf(c, clock()),
        othersVisible: c.comments_visible === 'participants',
      });
    });
  placePage('/consultations/:id/sections/:sectionId/comments', sectionParams, (found, p) => {
    const s = found.sections.find((x) => x.id === p.sectionId);
    return s ? { place: { kind: 'section', key: s.section_key, versionId: s.version_id }, heading: `Section ${s.position}: ${s.heading}` } : null;
  });
  placePage('/consultations/:id/questions/:questionId/comments', questionParams, (found, p) => {
    const q = found.questions.find((x) => x.id === p.questionId);
    return q ? { place: { kind: 'question', id: q.id }, heading: `Question: ${q.text}` } : null;
  });
  placePage('/consultations/:id/general/comments', idParams as z.ZodType<{ id: number } & Record<string, number>>, () => ({ place: { kind: 'general' }, heading: 'The whole draft' }));

  type Target = { target: CommentTarget; heading: string; action: string; reply?: boolean };
  /** What a comment page is about, or null when it is not part of this consultation. */
  const targetOf = (found: NonNullable<Awaited<ReturnType<typeof readableConsultation>>>, params: { sectionId?: number; questionId?: number; commentId?: number; general?: boolean }): Target | null => {
    const id = found.consultation.id;
    if (params.sectionId !== undefined) {
      const s = found.sections.find((x) => x.id === params.sectionId);
      return s ? { target: { kind: 'section', sectionId: s.id }, heading: `Comment on section ${s.position}: ${s.heading}`, action: `/consultations/${id}/sections/${s.id}/comment` } : null;
    }
    if (params.questionId !== undefined) {
      const q = found.questions.find((x) => x.id === params.questionId);
      return q ? { target: { kind: 'question', questionId: q.id }, heading: `Answer: ${q.text}`, action: `/consultations/${id}/questions/${q.id}/answer` } : null;
    }
    if (params.commentId !== undefined) return { target: { kind: 'reply', parentId: params.commentId }, heading: 'Reply to a comment', action: `/consultations/${id}/comments/${params.commentId}/reply`, reply: true };
    return { target: { kind: 'general' }, heading: 'Comment on the whole draft', action: `/consultations/${id}/comment` };
  };

  const commentRoutes = (path: string, paramsSchema: z.ZodType<{ id: number } & Record<string, number>>, pick: (p: Record<string, number>) => { sectionId?: number; questionId?: number; commentId?: number }) => {
    const page = async (request: FastifyRequest, reply: FastifyReply, found: NonNullable<Awaited<ReturnType<typeof readableConsultation>>>, t: Target, values: Record<string, string | string[]>, failure: Failure = {}, status = 200) =>
      reply.code(status).view(`${V}/comment.njk`, {
        pageTitle: `${t.heading} – ${found.consultation.title}`,
        heading: t.heading,
        c: found.consultation,
        section: t.target.kind === 'section' ? found.sections.find((s) => s.id === (t.target as { sectionId: number }).sectionId) : null,
        sectionHtml: t.target.kind === 'section' ? sectionHtml(found.sections.find((s) => s.id === (t.target as { sectionId: number }).sectionId)!) : '',
        action: t.action,
        reply: t.reply ?? false,
        values,
        errors: failure.errors ?? {},
        errorList: failure.errorList,
        state: stateOf(found.consultation, clock()),
        publications: Object.entries(PUBLICATION_LABELS).map(([value, text]) => ({ value, text })),
      });
    const load = async (request: FastifyRequest, reply: FastifyReply, params: { id: number } & Record<string, number>) => {
      const found = await readableConsultation(db, request.user, params.id);
      const t = found && targetOf(found, pick(params));
      if (!found || !t) {
        await sendErrorPage(request, reply, 404);
        return null;
      }
      if (t.target.kind === 'reply' && (found.consultation.comments_visible !== 'participants' || !(await visibleComments(db, request.user, found.consultation, [params.commentId!])).some((x) => x.id === params.commentId && x.parent_id === null))) {
        await sendErrorPage(request, reply, 404);
        return null;
      }
      return { found, t };
    };
    app.get(path, { ...signedIn, schema: { params: paramsSchema } }, async (request, reply) => {
      const l = await load(request, reply, request.params);
      if (!l) return reply;
      return page(request, reply, l.found, l.t, {});
    });
    app.post(path, { ...signedIn, schema: { params: paramsSchema, body: formBody } }, async (request, reply) => {
      const l = await load(request, reply, request.params);
      if (!l) return reply;
      const values = typedValues(request.body, COMMENT_MAX + 100);
      // A reply is published as its comment's thread is: it asks for the same choice.
      const form = parseForm(commentForm, request.body, { order: COMMENT_ORDER, anchors: { publication: 'publication' } });
      if (!form.ok) return page(request, reply, l.found, l.t, values, form, 400);
      const saved = await addComment(db, request.user, l.found.consultation.id, l.t.target, form.data, clock);
      if (!saved.ok) {
        if (saved.reason === 'not_found' || saved.reason === 'wrong_section' || saved.reason === 'wrong_question') return sendErrorPage(request, reply, 404);
        const text = COMMENT_REFUSALS[saved.reason];
        return page(request, reply, l.found, l.t, values, { errors: { body: { text } }, errorList: [{ text, href: '#body' }] }, 400);
      }
      reply.flash(l.t.reply ? 'Your reply has been added.' : 'Thank you: your comment has been sent to the team.');
      return reply.redirect(`/consultations/${l.found.consultation.id}#comment-${saved.id}`);
    });
  };
  commentRoutes('/consultations/:id/sections/:sectionId/comment', sectionParams, (p) => ({ sectionId: p.sectionId }));
  commentRoutes('/consultations/:id/questions/:questionId/answer', questionParams, (p) => ({ questionId: p.questionId }));
  commentRoutes('/consultations/:id/comments/:commentId/reply', commentParams, (p) => ({ commentId: p.commentId }));
  commentRoutes('/consultations/:id/comment', idParams as z.ZodType<{ id: number } & Record<string, number>>, () => ({}));

  app.post('/consultations/:id/comments/:commentId/agree', { ...signedIn, schema: { params: commentParams, body: formBody } }, async (request, reply) => {
    const r = await toggleAgree(db, request.user, request.params.id, request.params.commentId, clock);
    if (!r.ok && r.reason === 'not_found') return sendErrorPage(request, reply, 404);
    reply.flash(!r.ok ? 'This consultation is not open, so agreement cannot change.' : r.agreed ? 'You agree with this comment.' : 'You no longer agree with this comment.');
    return reply.redirect(`/consultations/${request.params.id}#comment-${request.params.commentId}`);
  });

  app.get('/my/comments', signedIn, async (request, reply) => {
    const mine = await myComments(db, request.user!.id);
    const changeOf = await changesOf(db, mine.map((r) => r.change_ref));
    const rows = mine.map((r) => ({ ...r, statusLabel: r.status ? STATUS_LABELS[r.status] : null, change: changeOf(r.change_ref) }));
    return reply.view(`${V}/my-comments.njk`, { pageTitle: 'Your comments', rows });
  });
}

/** GOV.UK pagination's items for page `current` of `pages`, or null when there is one page. */
function paging(current: number, pages: number, href: (n: number) => string) {
  if (pages <= 1) return null;
  const near = [...new Set([1, current - 1, current, current + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  near.forEach((n, i) => {
    if (i && n - near[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === current });
  });
  return { items, previous: current > 1 ? { href: href(current - 1) } : undefined, next: current < pages ? { href: href(current + 1) } : undefined };
}

/** Where a comment is: "Section 2: Heading", a guiding question, or the whole draft. */
function onWhat(c: { section_key: string | null; question_id: number | null }, sections: Map<string, { position: number; heading: string }>, questions: Map<number, { text: string }>): string {
  if (c.section_key) {
    const s = sections.get(c.section_key);
    return s ? `Section ${s.position}: ${s.heading}` : 'A section not in this version';
  }
  if (c.question_id) return `Question: ${questions.get(c.question_id)?.text ?? ''}`;
  return 'The whole draft';
}
