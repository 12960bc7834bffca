// Messages to an audience: writing, previewing and sending (admins, and leads for their groups),
// templates, a recipient's page, and the record of every message (admins only).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { audienceFieldOrder, audienceFormValues, parseAudience } from '../../platform/forms/audience.ts';
import { parseForm, typedValues, type FormFailure } from '../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { textField } from '../../platform/http/form-fields.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { formBody, oneText, rowId, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { DELIVERY_LABELS } from '../../platform/notify/routes.ts';
import { registrationListFilters } from '../registration/service.ts';
import {
  allGroups,
  BODY_MAX,
  deleteTemplate,
  draftsFor,
  editableMessage,
  findTemplate,
  MESSAGE_CHOICES,
  messageAudience,
  messageAudiences,
  mayWrite,
  pickerFor,
  reachOf,
  readableMessage,
  RECORD_PAGE_SIZE,
  recipientsOf,
  recordMessage,
  renderFor,
  saveDraft,
  saveTemplate,
  sendMessage,
  sentMessages,
  SUBJECT_MAX,
  templatesOf,
  type DraftRefusal,
  type SendRefusal,
} from './service.ts';

const V = 'features/messages/views';
const writers = { config: onlyRoles('admin', 'facilitator', 'participant') };
const adminOnly = { config: onlyRoles('admin') };
const id = rowId;
const idParam = z.object({ id });
const writeQuery = z.object({ template: oneText(12), from: oneText(20) }).catch({ template: undefined, from: undefined });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) }).catch({ page: 1 });

const messageForm = z.object({
  subject: textField('Subject', SUBJECT_MAX, 'Enter a subject', { oneLine: true }),
  // Limited here rather than by textField, so the message says 20,000 (textField writes the number bare).
  body: textField('Message', Number.MAX_SAFE_INTEGER, 'Enter your message').refine((s) => s.length <= BODY_MAX, `Message must be ${BODY_MAX.toLocaleString('en-GB')} characters or fewer`),
});
const templateForm = messageForm.extend({ templateName: textField('Template name', 100, 'Enter a name for the template', { oneLine: true }) });
/** The registrations list's query string, carried by the form of a message to that list. */
const registrationsField = z.string().max(2000).regex(/^\?[^\s]*$|^$/);
const FIELD_ORDER = ['subject', 'body', 'templateName', ...audienceFieldOrder()];

const DRAFT_REFUSALS: Record<DraftRefusal, string> = {
  not_allowed: 'You can send messages only to the projects and sub-groups you lead. Choose one of those',
  registrations_admins_only: 'Only admins can message the registrations list',
  not_found: 'This message could not be found',
  not_draft: 'This message has already been sent, so it cannot be changed',
};
const SEND_REFUSALS: Record<SendRefusal, string> = {
  not_found: 'This message could not be found',
  not_draft: 'This message has already been sent.',
  not_allowed: 'You can no longer send to this audience: you send messages only to the projects and sub-groups you lead. Change who it is for.',
  nobody: 'This message would reach nobody. Change who it is for before you send it.',
};
export const RECIPIENT_DELIVERY: Record<string, string> = {
  immediately: 'Emailed',
  daily: DELIVERY_LABELS.daily,
  weekly: DELIVERY_LABELS.weekly,
  off: 'Left out: turned these emails off',
  withheld: 'Left out: has withdrawn',
  'no-such-person': 'Left out: no account',
  pending: 'Being sent',
};

export function messagesRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;

  /** Everyone here is signed in (the role guard); those who lead nothing cannot write messages. */
  const mayWriteHere = async (request: FastifyRequest, reply: FastifyReply) => {
    if (await mayWrite(db, request.user)) return true;
    await reply.code(403).view(`${V}/cannot-write.njk`, { pageTitle: 'You cannot write messages' });
    return false;
  };

  /** The write (or change) page, with what was typed and any errors. */
  const writePage = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, ctx: { action: string; values: Record<string, string | string[]>; registrations?: string | null; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; preview?: string; status?: number; flash?: string }) => {
    const picker = await pickerFor(db, request.user, programmeId);
    let registrations: { query: string; href: string; ignored: string[] } | null = null;
    if (ctx.registrations !== undefined && ctx.registrations !== null) {
      const parsed = registrationListFilters(Object.fromEntries(new URLSearchParams(ctx.registrations)));
      registrations = { query: parsed.query, href: `/admin/registrations${parsed.query}`, ignored: parsed.ignored };
    }
    return reply.code(ctx.status ?? 200).view(`${V}/write.njk`, {
      pageTitle: ctx.action === '/messages/write' ? 'Write a message' : 'Change your message',
      formAction: ctx.action,
      values: ctx.values,
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
      preview: ctx.preview,
      registrations,
      choices: picker.choices,
      allow: picker.allow,
      hasTemplates: (await templatesOf(db, programmeId)).length > 0,
      ...(ctx.flash ? { flash: ctx.flash } : {}),
    });
  };

  /** Handles a posted write or change form: preview, save as a template, or continue to the preview page. */
  const handleWrite = async (request: FastifyRequest, reply: FastifyReply, body: Record<string, string | string[]>, programmeId: number, action: string, messageId?: number) => {
    const values = typedValues(body, BODY_MAX + 1000);
    const registrationsValue = typeof body.registrations === 'string' ? body.registrations : undefined;
    const registrations = registrationsValue === undefined ? undefined : registrationsField.safeParse(registrationsValue).success ? registrationsValue : null;
    if (registrations === null) return sendErrorPage(request, reply, 400);
    const again = (ctx: { errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; preview?: string; status?: number; flash?: string }) => writePage(request, reply, programmeId, { action, values, registrations, ...ctx });

    if (body.action === 'preview') return again({ preview: typeof body.body === 'string' ? body.body : '' });

    if (body.action === 'template') {
      const form = parseForm(templateForm, body, { order: FIELD_ORDER });
      if (!form.ok) return again({ errors: form.errors, errorList: form.errorList, status: 400 });
      const saved = await saveTemplate(db, request.user!.id, programmeId, { name: form.data.templateName, subject: form.data.subject, body: form.data.body }, clock);
      if (!saved.ok) {
        const text = 'There is already a template with that name. Choose a different name';
        return again({ errors: { templateName: { text } }, errorList: [{ text, href: '#templateName' }], status: 400 });
      }
      // The form stays as it was, with its audience: the template is saved beside it.
      return again({ flash: `Template “${form.data.templateName}” saved. You can start other messages from it.` });
    }

    const form = parseForm(messageForm, body, { order: FIELD_ORDER });
    let audience;
    if (registrations !== undefined) {
      audience = { kind: 'registrations' as const, query: Object.fromEntries(new URLSearchParams(registrations)) };
    } else {
      // Checked against every group (one that does not exist is "not on the list"); mayAddress
      // then refuses, with its own message, a group that exists but that this person does not lead.
      const parsed = await parseAudience(db, body, { allow: request.user!.role === 'admin' ? MESSAGE_CHOICES : ['projects', 'subgroups'], choices: await allGroups(db, programmeId) });
      if (!parsed.ok || !form.ok) {
        const errors = { ...(form.ok ? {} : form.errors), ...(parsed.ok ? {} : parsed.errors) };
        // The message's fields come before the audience on the page, and so in the summary.
        const errorList = [...(form.ok ? [] : form.errorList), ...(parsed.ok ? [] : parsed.errorList)];
        return again({ errors, errorList, status: 400 });
      }
      audience = { kind: 'targets' as const, targets: parsed.data };
    }
    if (!form.ok) return again({ errors: form.errors, errorList: form.errorList, status: 400 });
    const saved = await saveDraft(db, request.user, programmeId, { subject: form.data.subject, body: form.data.body, audience }, clock, messageId);
    if (!saved.ok) {
      if (saved.reason === 'not_found') return sendErrorPage(request, reply, 404);
      const text = DRAFT_REFUSALS[saved.reason];
      const href = saved.reason === 'not_allowed' ? `#${audienceFieldOrder()[0]}` : '#subject';
      return again({ errorList: [{ text, href }], errors: saved.reason === 'not_allowed' ? { audience: { text } } : {}, status: 403 });
    }
    // With a fragment of its own: the form's (#body-preview, for its Preview button) would otherwise carry over.
    return reply.redirect(`/messages/${saved.id}/preview#main-content`);
  };

  // A writer's messages: write one, go back to a draft, templates.
  app.get('/messages', writers, async (request, reply) => {
    if (!(await mayWriteHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/home.njk`, { pageTitle: 'Your messages', drafts: await draftsFor(db, request.user!, programme.id), isAdmin: request.user!.role === 'admin' });
  });

  app.get('/messages/write', { ...writers, schema: { querystring: writeQuery } }, async (request, reply) => {
    if (!(await mayWriteHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const values: Record<string, string> = {};
    if (request.query.template) {
      const templateId = id.safeParse(request.query.template);
      const template = templateId.success ? await findTemplate(db, programme.id, templateId.data) : undefined;
      if (!template) return sendErrorPage(request, reply, 404);
      values.subject = template.subject;
      values.body = template.body;
    }
    // From the registrations list: its filters come along as the rest of the query string.
    let registrations: string | undefined;
    if (request.query.from === 'registrations') {
      if (request.user!.role !== 'admin') return sendErrorPage(request, reply, 403);
      registrations = registrationListFilters(Object.fromEntries(new URL(request.raw.url ?? '/', 'http://localhost').searchParams)).query;
    }
    return writePage(request, reply, programme.id, { action: '/messages/write', values, registrations });
  });

  app.post('/messages/write', { ...writers, schema: { body: formBody } }, async (request, reply) => {
    if (!(await mayWriteHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    return handleWrite(request, reply, request.body, programme.id, '/messages/write');
  });

  app.get('/messages/:id/edit', { ...writers, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    const m = programme && (await editableMessage(db, request.user, programme.id, request.params.id));
    if (!programme || !m) return sendErrorPage(request, reply, 404);
    if (m.status !== 'draft') return reply.redirect(`/messages/${m.id}`);
    const values = { subject: m.subject, body: m.body, ...(m.source === 'audience' ? audienceFormValues(await messageAudience(db, m.id)) : {}) };
    return writePage(request, reply, programme.id, { action: `/messages/${m.id}/edit`, values, registrations: m.source === 'registrations' ? (m.source_filters ?? '') : undefined });
  });

  app.post('/messages/:id/edit', { ...writers, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const programme = await request.programme();
    const m = programme && (await editableMessage(db, request.user, programme.id, request.params.id));
    if (!programme || !m) return sendErrorPage(request, reply, 404);
    if (m.status !== 'draft') return reply.redirect(`/messages/${m.id}`);
    // A message to the registrations list keeps that list; its filters are read again from the draft.
    const body = m.source === 'registrations' ? { ...request.body, registrations: m.source_filters ?? '' } : request.body;
    return handleWrite(request, reply, body, programme.id, `/messages/${m.id}/edit`, m.id);
  });

  app.get('/messages/:id/preview', { ...writers, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    const m = programme && (await editableMessage(db, request.user, programme.id, request.params.id));
    if (!programme || !m) return sendErrorPage(request, reply, 404);
    if (m.status !== 'draft') return reply.redirect(`/messages/${m.id}`);
    const reach = await reachOf(db, m);
    const exampleName = reach.example?.name ?? request.user!.name;
    return reply.view(`${V}/preview.njk`, {
      pageTitle: 'Check your message before sending it',
      message: m,
      audience: await messageAudience(db, m.id),
      registrationsHref: m.source === 'registrations' ? `/admin/registrations${m.source_filters ?? ''}` : null,
      reach,
      exampleName,
      rendered: renderFor(m.body, exampleName),
    });
  });

  app.post('/messages/:id/send', { ...writers, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const result = await sendMessage(db, request.user, programme.id, request.params.id, clock);
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (result.reason === 'not_draft') {
        reply.flash(SEND_REFUSALS.not_draft);
        return reply.redirect(`/messages/${request.params.id}`);
      }
      reply.flash(SEND_REFUSALS[result.reason]);
      return reply.redirect(`/messages/${request.params.id}/preview`);
    }
    deps.pokeMailWorker();
    reply.flash(`Your message is being sent to ${result.reach} ${result.reach === 1 ? 'person' : 'people'}.`);
    return reply.redirect(request.user!.role === 'admin' ? `/admin/messages/${request.params.id}` : `/messages/${request.params.id}`);
  });

  // Templates
  app.get('/messages/templates', writers, async (request, reply) => {
    if (!(await mayWriteHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const viewer = request.user!;
    const templates = (await templatesOf(db, programme.id)).map((t) => ({ ...t, mayDelete: viewer.role === 'admin' || t.saved_by === viewer.id }));
    return reply.view(`${V}/templates.njk`, { pageTitle: 'Message templates', templates });
  });

  app.post('/messages/templates/:id/delete', { ...writers, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const result = await deleteTemplate(db, request.user!, programme.id, request.params.id, clock);
    if (!result.ok) return sendErrorPage(request, reply, 404);
    reply.flash(`Template “${result.name}” deleted.`);
    return reply.redirect('/messages/templates');
  });

  // A recipient's page, linked from the email.
  app.get('/messages/:id', { config: onlyRoles('admin', 'facilitator', 'participant', 'observer'), schema: { params: idParam } }, async (request, reply) => {
    const m = await readableMessage(db, request.user, request.params.id);
    if (!m) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/message.njk`, { pageTitle: m.subject, message: m, rendered: renderFor(m.body, request.user!.name) });
  });

  // The record (admins)
  app.get('/admin/messages', { ...adminOnly, schema: { querystring: pageQuery } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const page = request.query.page;
    const { rows, total } = await sentMessages(db, programme.id, page);
    const pages = Math.max(1, Math.ceil(total / RECORD_PAGE_SIZE));
    const audiences = await messageAudiences(db, rows.map((m) => m.id));
    const withAudience = rows.map((m) => ({ ...m, audience: audiences.get(m.id) ?? [] }));
    return reply.view(`${V}/record.njk`, {
      pageTitle: page > 1 ? `Messages (page ${page} of ${pages})` : 'Messages',
      messages: withAudience,
      total,
      drafts: await draftsFor(db, request.user!, programme.id),
      previous: page > 1 ? `/admin/messages?page=${page - 1}` : null,
      next: page < pages ? `/admin/messages?page=${page + 1}` : null,
    });
  });

  app.get('/admin/messages/:id', { ...adminOnly, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    const m = programme && (await recordMessage(db, programme.id, request.params.id));
    if (!m) return sendErrorPage(request, reply, 404);
    const recipients = (await recipientsOf(db, m.id)).map((r) => ({ ...r, deliveryText: RECIPIENT_DELIVERY[r.delivery] ?? r.delivery }));
    return reply.view(`${V}/record-message.njk`, {
      pageTitle: `Message: ${m.subject}`,
      message: m,
      audience: await messageAudience(db, m.id),
      registrationsHref: m.source === 'registrations' ? `/admin/registrations${m.source_filters ?? ''}` : null,
      recipients,
      rendered: renderFor(m.body, '((name))'),
    });
  });
}
