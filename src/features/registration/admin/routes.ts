// The programme team's registrations list, registration page, actions and exports.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import type { Registration } from '../tables.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { flag, formBody, formOf, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { londonDate } from '../../../platform/time.ts';
import { loadProgrammeDetails } from '../../programme/service.ts';
import { projectMembers, projectsWithGroups } from '../../participants/service.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES, STATUS_LABELS, bandLabel, roleGroupLabel, serviceLabel } from '../options.ts';
import { addNote, findRegistration, registrationAims, registrationHistory, registrationNotes, runTeamAction } from '../service.ts';
import { acceptRefusal, refusalForRegistration, teamCanChange, type Refusal, type TeamAction } from '../status.ts';
import { parseForm } from '../../../platform/forms/parse-form.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import { registrationColumns, type Labels } from './export.ts';
import { sendExport as sendDownload } from '../../../platform/export/export.ts';
import { editRegistrationRoutes } from './edit-routes.ts';
import { mergeRegistrationRoutes } from './merge-routes.ts';
import { FILTER_LABELS, filtersQuery, parseFilters, SORTS, toQuery, type SortKey } from './filters.ts';
import { countRegistrations, exportRows, listRegistrations, matchingIds, PAGE_SIZE, registrationsByIds } from './queries.ts';

const V = 'features/registration/admin/views';
const adminOnly = { config: onlyRoles('admin') };
const ACTIONS: Record<TeamAction, string> = { accept: 'accepted', waitlist: 'waitlisted', decline: 'declined' };
const acceptReasonForm = z.object({ reason: textField('The reason', 1000, 'Say why you are accepting them now, for example “consent given on a call on 3 June”') });
type Action = TeamAction;

const MAX_BULK = 500;
const id = rowId;
const idParam = z.object({ id });
const action = z.enum(['accept', 'waitlist', 'decline']);
const bulkForm = formOf({
  action: action.optional().catch(undefined),
  ids: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(id).max(MAX_BULK)).catch([]),
  back: z.string().max(2000).optional().catch(undefined),
  /** "all": every registration matching the filters in `back`, not just those ticked. */
  scope: z.literal('all').optional().catch(undefined),
  /** "yes" once the confirmation page was shown and its button pressed. */
  confirm: z.literal('yes').optional().catch(undefined),
  message: z.string().max(10_000).optional().catch(undefined),
});
const noteForm = z.object({ body: z.string({ error: 'Enter a note' }).trim().min(1, 'Enter a note').max(2000, 'Note must be 2,000 characters or fewer') });
const declineForm = z.object({ message: z.string().trim().max(2000, 'Message must be 2,000 characters or fewer').optional().default('') });
/** Skipped ids carried to the list after a bulk action, e.g. "12.40.41". */
const skippedIds = z.string().max(MAX_BULK * 11).regex(/^\d+(\.\d+)*$/).transform((s) => s.split('.').map(Number).filter((n) => n > 0 && n < 2 ** 31).slice(0, MAX_BULK));
const count = (max: number) => z.coerce.number().int().min(0).max(max).catch(0);

// What the list's address may carry: its filters (a value that is not a choice is ignored, and the
// page says so), and what the last bulk action left for it to show. None of it is ever a 400.
const listQuery = z.unknown().transform((q) => ({ ...parseFilters(q), notice: listNotice.parse(q) }));
const listNotice = z.object({
  select: flag('page'),
  done: action.optional().catch(undefined),
  ok: count(MAX_BULK),
  skipped: skippedIds.optional().catch(undefined),
  error: z.enum(['none-selected', 'no-action', 'too-many']).optional().catch(undefined),
  matching: count(2 ** 31 - 1),
}).catch({ select: false, ok: 0, matching: 0 });
type ListNotice = z.output<typeof listNotice>;
/** A registration's page: what the last action on it left to say. */
const showQuery = z.object({
  done: z.enum(['accept', 'waitlist', 'decline', 'note']).optional().catch(undefined),
  refused: action.optional().catch(undefined),
});
type ShowNotice = z.output<typeof showQuery>;
const withId = { ...adminOnly, schema: { params: idParam } };
const withIdAndForm = { ...adminOnly, schema: { params: idParam, body: formBody } };

const STATUS_TAG_CLASS: Record<string, string> = {
  unconfirmed: 'govuk-tag--grey',
  new: 'govuk-tag--blue',
  accepted: 'govuk-tag--green',
  waitlisted: 'govuk-tag--yellow',
  declined: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
  needs_review: 'govuk-tag--orange',
};

/**
 * What the team calls a registration: the person's name, or for an email we could not read (no
 * name yet), who it came from, so its row in the list is never blank.
 */
export function shownName(r: Pick<Registration, 'full_name' | 'email'>): string {
  if (r.full_name.trim()) return r.full_name;
  return !r.email || r.email.endsWith('.invalid') ? 'Email that could not be read' : `Email from ${r.email}`;
}

/** The service's refusal codes, in words for the page. */
export function refusalText(reason: Refusal, r: Pick<Registration, 'full_name'> | undefined, action: Action): string {
  if (reason === 'withdrawn') return `${r?.full_name ?? 'They'} has withdrawn from the programme, so their registration cannot be ${ACTIONS[action]}`;
  if (reason === 'needs_review') return `it came by email and needs completing first, so it cannot be ${ACTIONS[action]} yet`;
  if (reason === 'unconfirmed') return `${r?.full_name ?? 'They'} has not confirmed their email address yet, so we cannot be sure it is theirs: accept it only with a reason recorded`;
  if (reason === 'no_consent') return `${r?.full_name ?? 'They'} has not given consent yet: accept it only with a reason recorded (for example, consent given on a call)`;
  return 'it no longer exists';
}

/** Why an action cannot be done to a registration as it is now, in words (none if it can). */
export function whyNot(r: Pick<Registration, 'status' | 'full_name' | 'email_confirmed_at' | 'consent_at'> | undefined, action: Action): string | undefined {
  const reason = refusalForRegistration(r, action);
  return reason ? refusalText(reason, r, action) : undefined;
}

export function registrationsAdminRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;
  const ctx = (request: FastifyRequest) => ({ actorId: request.user!.id, baseUrl: deps.config.baseUrl, clock: deps.clock });

  const runAction = (action: Action, registrationId: number, c: ReturnType<typeof ctx>, message: string | null = null) => runTeamAction(db, registrationId, action, c, message);

  async function registrationOr404(request: FastifyRequest<{ Params: { id: number } }>, reply: FastifyReply): Promise<Registration | undefined> {
    const r = await findRegistration(db, request.params.id);
    if (!r) await sendErrorPage(request, reply, 404);
    return r;
  }

  app.get('/admin/registrations', { ...adminOnly, schema: { querystring: listQuery } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const { filters, ignored, notice } = request.query;
    const [total, details] = await Promise.all([countRegistrations(db, programme.id, filters), loadProgrammeDetails(db, programme.id)]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    // A page past the end (an old link, after a bulk change) shows the last page rather than nothing.
    if (filters.page > pages) filters.page = pages;
    const rows = total ? await listRegistrations(db, programme.id, filters, total) : [];
    const query = toQuery(filters);
    return reply.view(`${V}/list.njk`, {
      pageTitle: filters.page > 1 ? `Registrations (page ${filters.page} of ${pages})` : 'Registrations',
      filters,
      ignored: ignored.map((key) => FILTER_LABELS[key] ?? key),
      total,
      rows: rows.map((r) => ({ ...r, name: shownName(r), statusText: STATUS_LABELS[r.status], statusClass: STATUS_TAG_CLASS[r.status], roleText: roleGroupLabel(r.role_group) || 'Not given' })),
      page: filters.page,
      pages,
      query,
      exportQuery: toQuery(filters, { page: 1 }),
      sortLinks: Object.fromEntries(
        (Object.keys(SORTS) as SortKey[]).map((key) => {
          const active = filters.sort === key;
          // The first click sorts names A to Z but dates newest first, as people expect.
          const dir = active ? (filters.dir === 'asc' ? 'desc' : 'asc') : key === 'created' ? 'desc' : 'asc';
          return [key, { href: `/admin/registrations${toQuery(filters, { sort: key, dir, page: 1 })}`, ariaSort: active ? (filters.dir === 'asc' ? 'ascending' : 'descending') : 'none' }];
        }),
      ),
      pagination: pagination(filters.page, pages, (page) => `/admin/registrations${toQuery(filters, { page })}`),
      options: {
        statuses: Object.entries(STATUS_LABELS).map(([value, text]) => ({ value, text })),
        roleGroups: ROLE_GROUPS,
        services: SERVICE_TYPES,
        nations: NATIONS,
        regions: ENGLAND_REGIONS,
        aims: details.aims.map((a) => ({ value: String(a.number), text: `Aim ${a.number}: ${a.title}` })),
      },
      bulk: await bulkOutcome(notice),
      errorList: listError(notice),
      // "Select all on this page" is a link that shows the page again with every box ticked: no script needed.
      selectAll: notice.select,
      selectAllHref: `/admin/registrations${query}${query ? '&' : '?'}select=page`,
      maxBulk: MAX_BULK,
    });
  });

  function listError(q: ListNotice) {
    if (q.error === 'none-selected') return [{ text: 'Select at least one registration', href: '#ids' }];
    if (q.error === 'no-action') return [{ text: 'Choose whether to accept, waitlist or decline the selected registrations', href: '#bulk-actions' }];
    if (q.error === 'too-many') {
      const n = q.matching;
      return [{ text: `${n ? `${n.toLocaleString('en-GB')} registrations match these filters. ` : ''}You can act on up to ${MAX_BULK} at once: narrow the filters, or select registrations on the page`, href: '#bulk-actions' }];
    }
    return undefined;
  }

  /** The bulk action's result, from the redirect's query string: counts, and each skipped registration with the reason. */
  async function bulkOutcome(q: ListNotice) {
    if (!q.done) return undefined;
    const ok = q.ok;
    const skipped = q.skipped ? await registrationsByIds(db, q.skipped) : [];
    const action = q.done;
    return {
      heading: `${ok} ${ok === 1 ? 'registration' : 'registrations'} ${ACTIONS[action]}`,
      skipped: skipped.map((r) => ({ id: r.id, text: `${shownName(r)} (${r.reference})`, reason: whyNot(r, action) ?? `it is now ${STATUS_LABELS[r.status]!.toLowerCase()}` })),
    };
  }

  app.post('/admin/registrations/bulk', { ...adminOnly, schema: { body: bulkForm } }, async (request, reply) => {
    const form = request.body;
    // Back to the same filtered, sorted page; only recognised filters survive the trip.
    const { filters } = parseFilters(form.back?.startsWith('?') ? Object.fromEntries(new URLSearchParams(form.back)) : {});
    const back = form.back?.startsWith('?') ? toQuery(filters) : '';
    const to = (params: string) => `/admin/registrations${back ? `${back}&` : '?'}${params}`;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    // "All N matching": every registration the filters match, read here, never more than MAX_BULK.
    let ids = [...new Set(form.ids)];
    if (form.scope === 'all') {
      const total = await countRegistrations(db, programme.id, filters);
      if (total > MAX_BULK) return reply.redirect(to(`error=too-many&matching=${total}`));
      ids = await matchingIds(db, programme.id, filters, MAX_BULK);
    }
    if (ids.length === 0) return reply.redirect(to('error=none-selected'));
    if (!form.action) return reply.redirect(to('error=no-action'));
    const action = form.action;
    // Declining emails people and takes them out of their groups, and accepting someone who was
    // declined reverses a decision: both are confirmed on a page of their own first.
    if (form.confirm !== 'yes') {
      const chosen = await registrationsByIds(db, ids);
      const declined = chosen.filter((r) => r.status === 'declined');
      if (action === 'decline' || (action === 'accept' && declined.length)) {
        return bulkConfirmPage(reply, { action, chosen, declined, back, values: {} });
      }
    }
    let message: string | null = null;
    if (action === 'decline') {
      const parsed = declineForm.safeParse({ message: form.message });
      if (!parsed.success) {
        const text = parsed.error.issues[0]!.message;
        reply.code(400);
        return bulkConfirmPage(reply, { action, chosen: await registrationsByIds(db, ids), declined: [], back, values: { message: form.message ?? '' }, errors: { message: { text } }, errorList: [{ text, href: '#message' }] });
      }
      message = parsed.data.message || null;
    }
    let ok = 0;
    const skipped: number[] = [];
    for (const registrationId of ids) {
      const result = await runAction(action, registrationId, ctx(request), message);
      if (result.ok) ok++;
      else skipped.push(registrationId);
    }
    deps.pokeMailWorker();
    return reply.redirect(to(`done=${action}&ok=${ok}${skipped.length ? `&skipped=${skipped.join('.')}` : ''}`));
  });

  type Chosen = Awaited<ReturnType<typeof registrationsByIds>>;
  function bulkConfirmPage(reply: FastifyReply, v: { action: Action; chosen: Chosen; declined: Chosen; back: string; values: Record<string, string>; errors?: unknown; errorList?: unknown }) {
    const n = v.chosen.length;
    const noun = n === 1 ? 'registration' : 'registrations';
    return reply.view(`${V}/bulk-confirm.njk`, {
      pageTitle: v.action === 'decline' ? `Decline ${n} ${noun}` : `Accept ${n} ${noun}, including declined`,
      ...v,
      people: v.chosen.map((r) => ({ id: r.id, text: `${shownName(r)} (${r.reference})`, status: STATUS_LABELS[r.status] })),
      declinedPeople: v.declined.map((r) => `${shownName(r)} (${r.reference})`),
      n,
      noun,
    });
  }

  /** Each participant's projects, with their sub-groups in each: "Project (Sub-group, Sub-group); Project". */
  async function groupsByPerson(programmeId: number): Promise<Map<number, string>> {
    const out = new Map<number, string[]>();
    for (const project of await projectsWithGroups(db, programmeId)) {
      if (!project.members) continue;
      for (const m of await projectMembers(db, programmeId, project.id)) {
        const list = out.get(m.id) ?? [];
        list.push(m.subgroups.length ? `${project.name} (${m.subgroups.join(', ')})` : project.name);
        out.set(m.id, list);
      }
    }
    return new Map([...out].map(([id, list]) => [id, list.join('; ')]));
  }

  async function sendExport(request: FastifyRequest<{ Querystring: z.output<typeof filtersQuery> }>, reply: FastifyReply, kind: 'csv' | 'xlsx') {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const { filters } = request.query;
    filters.page = 1;
    const [details, groups] = await Promise.all([loadProgrammeDetails(db, programme.id), groupsByPerson(programme.id)]);
    const labels: Labels = { methods: new Map(details.methods.map((m) => [m.key, m.title])), aims: new Map(details.aims.map((a) => [a.number, a.title])), groups };
    const query = toQuery(filters);
    await recordAudit(db, { actorId: request.user!.id, action: `registration.export.${kind}`, recordType: 'registration', summary: `Downloaded registrations as ${kind === 'csv' ? 'CSV' : 'Excel'}${query ? ` (${query.slice(1)})` : ' (all)'}` }, deps.clock);
    return sendDownload(reply, { format: kind, fileName: `registrations-${londonDate(deps.clock())}`, sheetName: 'Registrations', columns: registrationColumns(labels), rows: exportRows(db, programme.id, filters) });
  }
  const exportOptions = { ...adminOnly, schema: { querystring: filtersQuery } };
  app.get('/admin/registrations/export.csv', exportOptions, (request, reply) => sendExport(request, reply, 'csv'));
  app.get('/admin/registrations/export.xlsx', exportOptions, (request, reply) => sendExport(request, reply, 'xlsx'));

  async function showPage(reply: FastifyReply, r: Registration, q: ShowNotice, extra: Record<string, unknown> = {}) {
    const [history, notes, aimNumbers, details] = await Promise.all([
      registrationHistory(db, r.id),
      registrationNotes(db, r.id),
      registrationAims(db, r.id),
      loadProgrammeDetails(db, r.programme_id),
    ]);
    const chosen = new Set(r.participation.split(',').filter(Boolean));
    return reply.view(`${V}/show.njk`, {
      pageTitle: `${shownName(r)} (${r.reference})`,
      r,
      name: shownName(r),
      statusText: STATUS_LABELS[r.status],
      statusClass: STATUS_TAG_CLASS[r.status],
      channelText: r.channel === 'email' ? 'Email' : 'Web form',
      serviceText: r.service_type === 'other' ? `Other: ${r.service_other ?? 'not said'}` : serviceLabel(r.service_type),
      roleText: r.role_group === 'other' ? `Other: ${r.role_other ?? 'not said'}` : roleGroupLabel(r.role_group),
      bandText: r.afc_band ? bandLabel(r.afc_band) : '',
      aims: aimNumbers.map((n) => `Aim ${n}: ${details.aims.find((a) => a.number === n)?.title ?? 'no longer listed'}`),
      participation: details.methods.filter((m) => chosen.has(m.key)).map((m) => m.title),
      history,
      notes,
      canChange: teamCanChange(r.status),
      // Or the message a route left with reply.flash before redirecting here.
      flash: q.done === 'note' ? 'Note added.' : q.done ? `Registration ${ACTIONS[q.done]}.` : reply.locals?.flash,
      // Derived from the registration as it is now, never from text in the address.
      refused: q.refused ? (whyNot(r, q.refused) ?? 'it changed while you were looking at it; check it and try again') : undefined,
      ...extra,
    });
  }

  app.get('/admin/registrations/:id', { ...adminOnly, schema: { params: idParam, querystring: showQuery } }, async (request, reply) => {
    const r = await registrationOr404(request, reply);
    if (!r) return reply;
    return showPage(reply, r, request.query);
  });

  for (const action of ['accept', 'waitlist'] as const) {
    app.post(`/admin/registrations/:id/${action}`, withIdAndForm, async (request, reply) => {
      const r = await registrationOr404(request, reply);
      if (!r) return reply;
      const body = request.body;
      // Accepting someone who was declined reverses a decision: ask first.
      if (action === 'accept' && r.status === 'declined' && body.confirm !== 'yes') {
        const declinedAt = (await registrationHistory(db, r.id)).filter((h) => h.action === 'declined').at(-1)?.created_at ?? null;
        return reply.view(`${V}/accept-declined.njk`, { pageTitle: `Accept ${shownName(r)} (${r.reference}), who was declined`, r, name: shownName(r), declinedAt });
      }
      // Accepting without a confirmed address or consent needs the team's reason, recorded.
      const missing = action === 'accept' ? acceptRefusal(r) : null;
      let reason: string | null = null;
      if (missing === 'unconfirmed' || missing === 'no_consent') {
        const askAgain = (extra: Record<string, unknown> = {}) =>
          reply.code(extra.errors ? 400 : 200).view(`${V}/accept-reason.njk`, { pageTitle: `Accept ${shownName(r)} (${r.reference}) with a reason`, r, name: shownName(r), missing, values: { reason: typeof body.reason === 'string' ? body.reason.slice(0, 1000) : '' }, ...extra });
        if (body.reason === undefined) return askAgain();
        const parsed = parseForm(acceptReasonForm, body);
        if (!parsed.ok) return askAgain({ errors: parsed.errors, errorList: parsed.errorList });
        reason = parsed.data.reason;
      }
      const result = await runAction(action, r.id, ctx(request), reason);
      deps.pokeMailWorker();
      return reply.redirect(`/admin/registrations/${r.id}?${result.ok ? 'done' : 'refused'}=${action}`);
    });
  }

  app.get('/admin/registrations/:id/decline', withId, async (request, reply) => {
    const r = await registrationOr404(request, reply);
    if (!r) return reply;
    if (whyNot(r, 'decline')) return reply.redirect(`/admin/registrations/${r.id}?refused=decline`);
    return reply.view(`${V}/decline.njk`, { pageTitle: `Decline ${shownName(r)} (${r.reference})`, r, name: shownName(r), values: {} });
  });

  app.post('/admin/registrations/:id/decline', withIdAndForm, async (request, reply) => {
    const r = await registrationOr404(request, reply);
    if (!r) return reply;
    const parsed = declineForm.safeParse(request.body);
    if (!parsed.success) {
      const text = parsed.error.issues[0]!.message;
      const message = request.body.message;
      return reply.code(400).view(`${V}/decline.njk`, { pageTitle: `Decline ${shownName(r)} (${r.reference})`, r, name: shownName(r), values: { message: typeof message === 'string' ? message : '' }, errors: { message: { text } }, errorList: [{ text, href: '#message' }] });
    }
    const result = await runAction('decline', r.id, ctx(request), parsed.data.message || null);
    deps.pokeMailWorker();
    return reply.redirect(`/admin/registrations/${r.id}?${result.ok ? 'done' : 'refused'}=decline`);
  });

  app.post('/admin/registrations/:id/notes', withIdAndForm, async (request, reply) => {
    const r = await registrationOr404(request, reply);
    if (!r) return reply;
    const parsed = noteForm.safeParse(request.body);
    if (!parsed.success) {
      // The page again, with the note as typed: nothing written is lost.
      const text = parsed.error.issues[0]!.message;
      const body = request.body.body;
      reply.code(400);
      return showPage(reply, r, {}, { noteValue: typeof body === 'string' ? body : '', noteError: { text }, errorList: [{ text, href: '#body' }] });
    }
    await addNote(db, r.id, request.user!.id, parsed.data.body, deps.clock);
    return reply.redirect(`/admin/registrations/${r.id}?done=note#notes`);
  });

  editRegistrationRoutes(appIn, deps);
  mergeRegistrationRoutes(appIn, deps);
}

type PaginationItem = { number?: number; href?: string; current?: boolean; ellipsis?: boolean };

/** GOV.UK pagination: first, last, and the pages either side of the current one, with ellipses between. */
export function pagination(page: number, pages: number, href: (page: number) => string) {
  if (pages <= 1) return undefined;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  for (const [i, n] of shown.entries()) {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page });
  }
  return {
    items,
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
  };
}
