// The programme team's admin area: landing, people, mail outbox and audit log.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditActors, listAudit } from '../../platform/audit/audit.ts';
import { endOfLondonDay, startOfLondonDay } from '../../platform/time.ts';
import { countPeopleByRole } from '../../platform/auth/people.ts';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { ROLES } from '../../platform/db/schema.ts';
import { fieldErrors } from '../../platform/http/form-errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { flag, formBody, idParams, rowId, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { parseForm, typedValues } from '../../platform/forms/parse-form.ts';
import { listOutbox, outboxCounts } from '../../platform/mail/outbox-status.ts';
import type { Role } from '../../platform/db/schema.ts';
import { actionChoices, actionWords, recordOf } from './audit-words.ts';
import { addPerson, changePersonRole, peoplePage, personDetails, retryFailedMail, setPersonAccess } from './service.ts';

const V = 'features/admin/views';
const adminOnly = { config: onlyRoles('admin') };

const personForm = z.object({
  name: z.string({ error: 'Enter their full name' }).trim().min(1, 'Enter their full name').max(200, 'Name must be 200 characters or fewer'),
  email: z
    .string({ error: 'Enter their email address' })
    .trim()
    .min(1, 'Enter their email address')
    .max(254, 'Email address must be 254 characters or fewer')
    .pipe(z.email('Enter an email address in the correct format, like name@example.com')),
  role: z.enum(ROLES as [string, ...string[]], { error: 'Select a role' }),
});

const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100000).catch(1).default(1) });
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));
const auditQuery = pageQuery.extend({
  action: z.string().max(100).regex(/^[a-z.-]+$/).optional().catch(undefined),
  who: rowId.optional().catch(undefined),
  from: isoDay.optional().catch(undefined),
  to: isoDay.optional().catch(undefined),
});
const peopleQuery = pageQuery.extend({
  q: z.string().trim().max(200).optional().catch(undefined).transform((v) => v || undefined),
  added: flag(),
});
const roleForm = z.object({ role: z.enum(ROLES as [Role, ...Role[]], { error: 'Select a role' }) });

/** GOV.UK pagination's items: the first, the last, and the pages next to this one, with gaps. */
function pagination(page: number, pages: number, href: (n: number) => string) {
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  for (const [i, n] of shown.entries()) {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page });
  }
  return { items, previous: page > 1 ? { href: href(page - 1) } : undefined, next: page < pages ? { href: href(page + 1) } : undefined };
}
const idParam = idParams;
/** What a person's page may say after a change: one of DONE's keys, or nothing. */
const personQuery = z.object({ done: z.enum(['role', 'deactivated', 'reactivated']).optional().catch(undefined) });
type PersonNotice = z.output<typeof personQuery>;
const withId = { ...adminOnly, schema: { params: idParam } };

export function adminRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;

  app.get('/admin', adminOnly, async (_request, reply) => {
    const [people, mail, audit] = await Promise.all([countPeopleByRole(db), outboxCounts(db), listAudit(db, 1)]);
    const recent = audit.rows.slice(0, 5).map((e) => ({ ...e, words: actionWords(e.action), record: recordOf(e.record_type, e.record_id) }));
    return reply.view(`${V}/landing.njk`, { pageTitle: 'Admin', people, mail, recent });
  });

  app.get('/admin/audit', { ...adminOnly, schema: { querystring: auditQuery } }, async (request, reply) => {
    const q = request.query;
    // Days are London days, whole: "to 3 June" includes all of 3 June.
    const filter = {
      action: q.action,
      actorId: q.who,
      fromUtc: q.from ? startOfLondonDay(q.from).toISOString() : undefined,
      beforeUtc: q.to ? endOfLondonDay(q.to).toISOString() : undefined,
    };
    const [audit, actors] = await Promise.all([listAudit(db, q.page, filter), auditActors(db)]);
    const rows = audit.rows.map((e) => ({ ...e, words: actionWords(e.action), record: recordOf(e.record_type, e.record_id) }));
    const kept = new URLSearchParams(Object.entries({ action: q.action, who: q.who, from: q.from, to: q.to }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const link = (n: number) => {
      const params = new URLSearchParams(kept);
      if (n > 1) params.set('page', String(n));
      const query = params.toString();
      return `/admin/audit${query ? `?${query}` : ''}`;
    };
    return reply.view(`${V}/audit.njk`, {
      pageTitle: q.page > 1 ? `Audit log (page ${q.page})` : 'Audit log',
      wide: true,
      ...audit,
      rows,
      filters: { action: q.action ?? '', who: q.who ? String(q.who) : '', from: q.from ?? '', to: q.to ?? '' },
      filtered: kept.size > 0,
      actions: actionChoices(),
      actors,
      pagination: pagination(audit.page, audit.pages, link),
    });
  });

  app.get('/admin/people', { ...adminOnly, schema: { querystring: peopleQuery } }, async (request, reply) => {
    const query = request.query;
    const result = await peoplePage(db, { page: query.page, q: query.q });
    const added = query.added;
    const title = query.q ? `People matching “${query.q}”` : 'People';
    return reply.view(`${V}/people.njk`, {
      pageTitle: result.page > 1 ? `${title} (page ${result.page})` : title,
      wide: true,
      ...result,
      q: query.q ?? '',
      pagination: pagination(result.page, result.pages, (n) => `/admin/people?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), ...(n > 1 ? { page: String(n) } : {}) })}`),
      flash: added ? 'Person added. We have emailed them a sign-in link.' : undefined,
    });
  });

  app.get('/admin/people/new', adminOnly, async (_request, reply) =>
    reply.view(`${V}/person-new.njk`, { pageTitle: 'Add a person', values: { role: 'participant' }, roles: ROLES }),
  );

  app.post('/admin/people/new', { ...adminOnly, schema: { body: formBody } }, async (request, reply) => {
    const body = request.body;
    const parsed = personForm.safeParse(body);
    const typed = typedValues(body, 254);
    const text = (name: string, max: number) => (typeof typed[name] === 'string' ? typed[name].slice(0, max) : '');
    const values = { name: text('name', 200), email: text('email', 254), role: text('role', 50) };
    const render = (errors: ReturnType<typeof fieldErrors>) =>
      reply.code(400).view(`${V}/person-new.njk`, { pageTitle: 'Add a person', values, roles: ROLES, errors: errors.byField, errorList: errors.list });
    if (!parsed.success) return render(fieldErrors(parsed.error, ['name', 'email', 'role']));
    const result = await addPerson(db, request.user!.id, parsed.data as never, deps.config.baseUrl, deps.clock);
    if (!result.ok) {
      return render({ byField: { email: { text: 'Someone already has an account with this email address' } }, list: [{ text: 'Someone already has an account with this email address', href: '#email' }] });
    }
    deps.pokeMailWorker();
    return reply.redirect('/admin/people?added=1');
  });

  const DONE: Record<string, string> = {
    role: 'Role changed.',
    deactivated: 'Account deactivated. They can no longer sign in, and their sessions have ended.',
    reactivated: 'Account reactivated. They can sign in again.',
  };
  const LAST_ADMIN = {
    role: 'You are the only active admin, so you cannot change your own role. Make someone else an admin first.',
    access: 'You are the only active admin, so you cannot deactivate your own account. Make someone else an admin first.',
  };

  const renderPerson = async (request: FastifyRequest, reply: FastifyReply, id: number, notice: PersonNotice, extra: { errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[]; values?: Record<string, unknown>; status?: number } = {}) => {
    const details = await personDetails(db, id);
    if (!details) return sendErrorPage(request, reply, 404);
    const done = notice.done;
    return reply.code(extra.status ?? 200).view(`${V}/person.njk`, {
      pageTitle: `${details.person.name} – People`,
      ...details,
      roles: ROLES,
      isSelf: details.person.id === request.user!.id,
      values: extra.values ?? { role: details.person.role },
      errors: extra.errors,
      errorList: extra.errorList,
      flash: extra.status || !done ? undefined : DONE[done],
    });
  };

  app.get('/admin/people/:id', { ...adminOnly, schema: { params: idParam, querystring: personQuery } }, async (request, reply) => renderPerson(request, reply, request.params.id, request.query));

  app.post('/admin/people/:id/role', { ...adminOnly, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const { id } = request.params;
    const form = parseForm(roleForm, request.body);
    if (!form.ok) return renderPerson(request, reply, id, {}, { ...form, status: 400 });
    const result = await changePersonRole(db, request.user!.id, id, form.data.role, deps.clock);
    if (!result.ok && result.reason === 'not_found') return sendErrorPage(request, reply, 404);
    if (!result.ok) {
      const error = { text: LAST_ADMIN.role };
      return renderPerson(request, reply, id, {}, { errors: { role: error }, errorList: [{ ...error, href: '#role' }], values: { role: form.data.role }, status: 409 });
    }
    return reply.redirect(`/admin/people/${id}${result.changed ? '?done=role' : ''}`);
  });

  for (const [path, active] of [['deactivate', false], ['reactivate', true]] as const) {
    app.post(`/admin/people/:id/${path}`, withId, async (request, reply) => {
      const { id } = request.params;
      const result = await setPersonAccess(db, request.user!.id, id, active, deps.clock);
      if (!result.ok && result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (!result.ok) {
        const error = { text: LAST_ADMIN.access };
        return renderPerson(request, reply, id, {}, { errors: { access: error }, errorList: [{ ...error, href: '#access' }], status: 409 });
      }
      // Deactivating yourself ends your own session too: the next page is the sign-in page.
      if (!active && id === request.user!.id) return reply.redirect('/sign-in');
      return reply.redirect(`/admin/people/${id}${result.changed ? `?done=${active ? 'reactivated' : 'deactivated'}` : ''}`);
    });
  }

  app.get('/admin/mail', { ...adminOnly, schema: { querystring: z.object({ retried: flag() }) } }, async (request, reply) => {
    const [counts, failed, pending] = await Promise.all([outboxCounts(db), listOutbox(db, 'failed'), listOutbox(db, 'pending')]);
    const retried = request.query.retried;
    return reply.view(`${V}/mail.njk`, { pageTitle: 'Email outbox', wide: true, counts, failed, pending, flash: retried ? 'The email will be sent again.' : undefined });
  });

  // An email that cannot be retried (sent meanwhile, or no such email) is the outbox page again.
  app.post('/admin/mail/:id/retry', withId, async (request, reply) => {
    if (!(await retryFailedMail(db, request.user!.id, request.params.id, deps.clock))) {
      return reply.redirect('/admin/mail');
    }
    deps.pokeMailWorker();
    return reply.redirect('/admin/mail?retried=1');
  });
}
