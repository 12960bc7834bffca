// The programme team's admin area: landing, people, mail outbox and audit log.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listAudit } from '../../platform/audit/audit.ts';
import { countPeopleByRole } from '../../platform/auth/people.ts';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { ROLES } from '../../platform/db/schema.ts';
import { fieldErrors } from '../../platform/http/form-errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { listPeople } from '../../platform/auth/people.ts';
import { listOutbox, outboxCounts } from '../../platform/mail/outbox-status.ts';
import { addPerson, retryFailedMail } from './service.ts';

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
const idParam = z.object({ id: z.coerce.number().int().positive() });

export function adminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;

  app.get('/admin', adminOnly, async (_request, reply) => {
    const [people, mail, audit] = await Promise.all([countPeopleByRole(db), outboxCounts(db), listAudit(db, 1)]);
    return reply.view(`${V}/landing.njk`, { pageTitle: 'Admin', people, mail, recent: audit.rows.slice(0, 5) });
  });

  app.get('/admin/audit', adminOnly, async (request, reply) => {
    const { page } = pageQuery.parse(request.query ?? {});
    const audit = await listAudit(db, page);
    return reply.view(`${V}/audit.njk`, { pageTitle: page > 1 ? `Audit log (page ${page})` : 'Audit log', ...audit });
  });

  app.get('/admin/people', adminOnly, async (request, reply) => {
    const people = await listPeople(db);
    const added = (request.query as Record<string, unknown>).added === '1';
    return reply.view(`${V}/people.njk`, { pageTitle: 'People', people, flash: added ? 'Person added. We have emailed them a sign-in link.' : undefined });
  });

  app.get('/admin/people/new', adminOnly, async (_request, reply) =>
    reply.view(`${V}/person-new.njk`, { pageTitle: 'Add a person', values: { role: 'participant' }, roles: ROLES }),
  );

  app.post('/admin/people/new', adminOnly, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = personForm.safeParse(body);
    const values = { name: String(body.name ?? '').slice(0, 200), email: String(body.email ?? '').slice(0, 254), role: String(body.role ?? '') };
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

  app.get('/admin/mail', adminOnly, async (request, reply) => {
    const [counts, failed, pending] = await Promise.all([outboxCounts(db), listOutbox(db, 'failed'), listOutbox(db, 'pending')]);
    const retried = (request.query as Record<string, unknown>).retried === '1';
    return reply.view(`${V}/mail.njk`, { pageTitle: 'Email outbox', counts, failed, pending, flash: retried ? 'The email will be sent again.' : undefined });
  });

  app.post('/admin/mail/:id/retry', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    if (!params.success || !(await retryFailedMail(db, request.user!.id, params.data.id, deps.clock))) {
      return reply.redirect('/admin/mail');
    }
    deps.pokeMailWorker();
    return reply.redirect('/admin/mail?retried=1');
  });
}
