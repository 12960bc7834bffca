// The programme team's registrations list, registration page, actions and exports.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../platform/audit/audit.ts';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { londonDate } from '../../platform/time.ts';
import { findProgramme, loadProgrammeDetails } from '../programme/queries.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES, STATUS_LABELS, bandLabel, roleGroupLabel, serviceLabel } from '../registration/options.ts';
import {
  acceptRegistration,
  addNote,
  declineRegistration,
  findRegistration,
  registrationAims,
  registrationHistory,
  registrationNotes,
  waitlistRegistration,
  type ActionResult,
} from '../registration/service.ts';
import { csvLine, EXPORT_HEADERS, exportCells, toXlsx } from './export.ts';
import { parseFilters, SORTS, toQuery, type Filters, type SortKey } from './filters.ts';
import { countRegistrations, exportRows, listRegistrations, PAGE_SIZE } from './queries.ts';

const V = 'features/registrations-admin/views';
const adminOnly = { config: onlyRoles('admin') };
const ACTIONS = { accept: 'accepted', waitlist: 'waitlisted', decline: 'declined' } as const;
type Action = keyof typeof ACTIONS;

const idParam = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });
const bulkForm = z.object({
  action: z.enum(['accept', 'waitlist', 'decline'], { error: 'Choose what to do with the selected registrations' }),
  ids: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.coerce.number().int().positive().max(2 ** 31 - 1)).max(500, 'Select 500 or fewer at a time')),
  back: z.string().max(2000).optional(),
});
const noteForm = z.object({ body: z.string({ error: 'Enter a note' }).trim().min(1, 'Enter a note').max(2000, 'Note must be 2,000 characters or fewer') });
const declineForm = z.object({ message: z.string().trim().max(2000, 'Message must be 2,000 characters or fewer').optional().default('') });

export function registrationsAdminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const ctx = (request: FastifyRequest) => ({ actorId: request.user!.id, baseUrl: deps.config.baseUrl, clock: deps.clock });

  async function programmeOr404(request: FastifyRequest, reply: FastifyReply) {
    const programme = await findProgramme(db);
    if (!programme) await sendErrorPage(request, reply, 404);
    return programme;
  }

  app.get('/admin/registrations', adminOnly, async (request, reply) => {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const { filters, ignored } = parseFilters(request.query);
    const [counted, rows, details] = await Promise.all([
      countRegistrations(db, programme.id, filters),
      listRegistrations(db, programme.id, filters),
      loadProgrammeDetails(db, programme.id),
    ]);
    const total = counted.count;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE) + (counted.capped ? 1 : 0));
    const q = request.query as Record<string, unknown>;
    return reply.view(`${V}/list.njk`, {
      pageTitle: filters.page > 1 ? `Registrations (page ${filters.page})` : 'Registrations',
      filters,
      ignored,
      total,
      capped: counted.capped,
      rows: rows.map((r) => ({ ...r, statusText: STATUS_LABELS[r.status], roleText: roleGroupLabel(r.role_group), serviceText: serviceLabel(r.service_type) })),
      page: filters.page,
      pages,
      query: toQuery(filters),
      sortLinks: Object.fromEntries(
        (Object.keys(SORTS) as SortKey[]).map((key) => {
          const active = filters.sort === key;
          const dir = active && filters.dir === 'asc' ? 'desc' : 'asc';
          return [key, { href: toQuery(filters, { sort: key, dir, page: 1 }) || '?', ariaSort: active ? (filters.dir === 'asc' ? 'ascending' : 'descending') : 'none' }];
        }),
      ),
      prevHref: filters.page > 1 ? toQuery(filters, { page: filters.page - 1 }) || '?' : null,
      nextHref: filters.page < pages ? toQuery(filters, { page: filters.page + 1 }) : null,
      options: {
        statuses: Object.entries(STATUS_LABELS).map(([value, text]) => ({ value, text })),
        roleGroups: ROLE_GROUPS,
        services: SERVICE_TYPES,
        nations: NATIONS,
        regions: ENGLAND_REGIONS,
        aims: details.aims,
      },
      flash: bulkMessage(q),
      errorList: q.error === 'none-selected' ? [{ text: 'Select at least one registration', href: '#ids' }] : undefined,
    });
  });

  async function sendExport(request: FastifyRequest, reply: FastifyReply, kind: 'csv' | 'xlsx') {
    const programme = await programmeOr404(request, reply);
    if (!programme) return reply;
    const { filters } = parseFilters(request.query);
    const name = `registrations-${londonDate(deps.clock())}.${kind}`;
    await recordAudit(db, { actorId: request.user!.id, action: `registration.export.${kind}`, recordType: 'registration', summary: `Exported registrations as ${kind.toUpperCase()}${toQuery(filters) ? ` (filters ${toQuery(filters)})` : ''}` }, deps.clock);
    reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
    if (kind === 'xlsx') {
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(exportRows(db, programme.id, filters)));
    }
    const parts = [`\uFEFF${csvLine(EXPORT_HEADERS)}`];
    for await (const r of exportRows(db, programme.id, filters)) parts.push(csvLine(exportCells(r)));
    return reply.type('text/csv; charset=utf-8').send(parts.join(''));
  }
  app.get('/admin/registrations/export.csv', adminOnly, (request, reply) => sendExport(request, reply, 'csv'));
  app.get('/admin/registrations/export.xlsx', adminOnly, (request, reply) => sendExport(request, reply, 'xlsx'));

  app.post('/admin/registrations/bulk', adminOnly, async (request, reply) => {
    const parsed = bulkForm.safeParse(request.body ?? {});
    const back = parsed.success && parsed.data.back?.startsWith('?') ? toQuery(parseFilters(Object.fromEntries(new URLSearchParams(parsed.data.back))).filters) : '';
    const join = back ? `${back}&` : '?';
    if (!parsed.success || parsed.data.ids.length === 0) return reply.redirect(`/admin/registrations${join}error=none-selected`);
    const { action, ids } = parsed.data;
    let ok = 0;
    let skipped = 0;
    for (const id of ids) {
      const result = await runAction(action, id, ctx(request));
      if (result.ok) ok++;
      else skipped++;
    }
    deps.pokeMailWorker();
    return reply.redirect(`/admin/registrations${join}done=${action}&ok=${ok}&skipped=${skipped}`);
  });

  function runAction(action: Action, id: number, c: ReturnType<typeof ctx>, message: string | null = null): Promise<ActionResult> {
    if (action === 'accept') return acceptRegistration(db, id, c);
    if (action === 'waitlist') return waitlistRegistration(db, id, c);
    return declineRegistration(db, id, c, message);
  }

  app.get('/admin/registrations/:id', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.id) : undefined;
    if (!r) return sendErrorPage(request, reply, 404);
    const [history, notes, aimNumbers, details] = await Promise.all([
      registrationHistory(db, r.id),
      registrationNotes(db, r.id),
      registrationAims(db, r.id),
      loadProgrammeDetails(db, r.programme_id),
    ]);
    const q = request.query as Record<string, unknown>;
    return reply.view(`${V}/show.njk`, {
      pageTitle: `${r.full_name} (${r.reference})`,
      r,
      statusText: STATUS_LABELS[r.status],
      serviceText: r.service_type === 'other' ? `Other: ${r.service_other ?? ''}` : serviceLabel(r.service_type),
      roleText: r.role_group === 'other' ? `Other: ${r.role_other ?? ''}` : roleGroupLabel(r.role_group) || 'Not given',
      bandText: r.afc_band ? bandLabel(r.afc_band) : 'Not given',
      nationRegion: [r.nation, r.region].filter(Boolean).join(', '),
      aimsText: details.aims.filter((a) => aimNumbers.includes(a.number)).map((a) => `Aim ${a.number}: ${a.title}`).join('; '),
      participationText: details.methods.filter((m) => r.participation.split(',').includes(m.key)).map((m) => m.title).join('; '),
      history,
      notes,
      flash: typeof q.done === 'string' && q.done in ACTIONS ? `Registration ${ACTIONS[q.done as Action]}.` : q.done === 'note' ? 'Note added.' : undefined,
      refused: typeof q.refused === 'string' ? q.refused.slice(0, 200) : undefined,
    });
  });

  for (const action of ['accept', 'waitlist'] as const) {
    app.post(`/admin/registrations/:id/${action}`, adminOnly, async (request, reply) => {
      const params = idParam.safeParse(request.params);
      if (!params.success || !(await findRegistration(db, params.data.id))) return sendErrorPage(request, reply, 404);
      const result = await runAction(action, params.data.id, ctx(request));
      deps.pokeMailWorker();
      return reply.redirect(`/admin/registrations/${params.data.id}?${result.ok ? `done=${action}` : `refused=${encodeURIComponent(result.reason)}`}`);
    });
  }

  app.get('/admin/registrations/:id/decline', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.id) : undefined;
    if (!r) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/decline.njk`, { pageTitle: `Decline ${r.reference}`, r, values: {} });
  });

  app.post('/admin/registrations/:id/decline', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.id) : undefined;
    if (!r) return sendErrorPage(request, reply, 404);
    const parsed = declineForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      const text = parsed.error.issues[0]!.message;
      return reply.code(400).view(`${V}/decline.njk`, { pageTitle: `Decline ${r.reference}`, r, values: { message: String((request.body as Record<string, unknown>)?.message ?? '').slice(0, 2000) }, errors: { message: { text } }, errorList: [{ text, href: '#message' }] });
    }
    const result = await runAction('decline', r.id, ctx(request), parsed.data.message || null);
    deps.pokeMailWorker();
    return reply.redirect(`/admin/registrations/${r.id}?${result.ok ? 'done=decline' : `refused=${encodeURIComponent(result.reason)}`}`);
  });

  app.post('/admin/registrations/:id/notes', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.id) : undefined;
    if (!r) return sendErrorPage(request, reply, 404);
    const parsed = noteForm.safeParse(request.body ?? {});
    if (!parsed.success) return reply.redirect(`/admin/registrations/${r.id}?refused=${encodeURIComponent(parsed.error.issues[0]!.message)}#notes`);
    await addNote(db, r.id, request.user!.id, parsed.data.body, deps.clock);
    return reply.redirect(`/admin/registrations/${r.id}?done=note#notes`);
  });
}

function bulkMessage(q: Record<string, unknown>): string | undefined {
  if (typeof q.done !== 'string' || !(q.done in ACTIONS)) return undefined;
  const ok = Number(q.ok) || 0;
  const skipped = Number(q.skipped) || 0;
  const verb = ACTIONS[q.done as Action];
  return `${ok} ${ok === 1 ? 'registration' : 'registrations'} ${verb}.${skipped ? ` ${skipped} could not be: withdrawn registrations, and those needing review, cannot be changed.` : ''}`;
}

export type { Filters };
