// The needs-review queue: emails that could not be read with confidence, shown with the original
// message beside a form to complete the registration by hand.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { stepBySlug, type Answers, type JourneyContext } from '../registration/journey.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../registration/options.ts';
import { listOrganisations } from '../registration/organisations.ts';
import { completeReviewedRegistration, findRegistration, registrationAims, type RegistrationDetails } from '../registration/service.ts';

const V = 'features/mail-import/views';
const adminOnly = { config: onlyRoles('admin') };
const idParam = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

// The same questions, and the same checks, as the web journey.
const REVIEW_STEPS = ['name', 'email', 'workplace', 'nation', 'region', 'service', 'job', 'role'] as const;

export function mailImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;

  async function queueItem(registrationId: number) {
    return db.selectFrom('mail_imports').selectAll().where('registration_id', '=', registrationId).where('outcome', '=', 'needs_review').orderBy('id', 'desc').executeTakeFirst();
  }

  app.get('/admin/review', adminOnly, async (request, reply) => {
    const items = await db
      .selectFrom('mail_imports')
      .leftJoin('registrations', 'registrations.id', 'mail_imports.registration_id')
      .select(['mail_imports.id', 'mail_imports.registration_id', 'mail_imports.from_address', 'mail_imports.subject', 'mail_imports.received_at', 'mail_imports.problem', 'registrations.reference'])
      .where('mail_imports.outcome', '=', 'needs_review')
      .orderBy('mail_imports.id')
      .limit(500)
      .execute();
    const done = (request.query as Record<string, unknown>).done === '1';
    return reply.view(`${V}/queue.njk`, { pageTitle: 'Emails to review', items, flash: done ? 'Registration completed. We have emailed them a link to confirm their address.' : undefined });
  });

  async function render(registrationId: number, values: Record<string, unknown>, errors?: Record<string, string>) {
    const [item, organisations] = await Promise.all([queueItem(registrationId), listOrganisations(db)]);
    return { item, organisations, values, errors: Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, { text: v }])), errorList: errors ? Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })) : undefined };
  }

  const options = { nations: NATIONS, regions: ENGLAND_REGIONS, services: SERVICE_TYPES, roleGroups: ROLE_GROUPS };

  app.get('/admin/review/:id', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.id) : undefined;
    const item = r ? await queueItem(r.id) : undefined;
    if (!r || !item) return sendErrorPage(request, reply, 404);
    const values = {
      fullName: r.full_name, email: r.email.endsWith('@invalid.invalid') ? '' : r.email, organisationId: r.organisation_id ?? '', organisationOther: r.organisation_id ? '' : r.organisation_name,
      department: r.department ?? '', nation: r.nation ?? '', region: r.region ?? '', serviceType: r.service_type ?? '', serviceOther: r.service_other ?? '', jobTitle: r.job_title, roleGroup: r.role_group ?? '', roleOther: r.role_other ?? '',
    };
    return reply.view(`${V}/review.njk`, { pageTitle: `Review the email from ${item.from_address ?? 'an unknown sender'}`, r, ...(await render(r.id, values)), ...options });
  });

  app.post('/admin/review/:id', adminOnly, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.id) : undefined;
    const item = r ? await queueItem(r.id) : undefined;
    if (!r || !item) return sendErrorPage(request, reply, 404);
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const ctx: JourneyContext = { organisations: await listOrganisations(db), aims: [], methods: [] };
    let answers: Answers = {};
    const errors: Record<string, string> = {};
    for (const slug of REVIEW_STEPS) {
      const step = stepBySlug(slug)!;
      if (!step.applies(answers)) continue;
      if (slug === 'role' && !body.roleGroup) continue; // optional here: emails never asked for it
      const parsed = step.parse(body, ctx);
      if (parsed.ok) answers = { ...answers, ...parsed.answers };
      else Object.assign(errors, parsed.errors);
    }
    const title = `Review the email from ${item.from_address ?? 'an unknown sender'}`;
    if (Object.keys(errors).length) {
      const values = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, String(v).slice(0, 300)]));
      return reply.code(400).view(`${V}/review.njk`, { pageTitle: title, r, ...(await render(r.id, values, errors)), ...options });
    }
    const org = answers.organisationId ? ctx.organisations.find((o) => o.id === answers.organisationId) : undefined;
    const details: RegistrationDetails = {
      fullName: answers.fullName!, email: answers.email!, organisationId: org?.id ?? null, organisationName: org?.name ?? answers.organisationOther ?? '',
      department: answers.department || null, nation: org?.nation ?? answers.nation ?? null, region: org ? org.region : (answers.region ?? null),
      serviceType: answers.serviceType ?? null, serviceOther: answers.serviceOther || null, jobTitle: answers.jobTitle!, roleGroup: answers.roleGroup ?? null,
      roleOther: answers.roleOther || null, afcBand: r.afc_band, aims: await registrationAims(db, r.id), participation: r.participation.split(',').filter(Boolean), adjustments: r.adjustments, consent: false,
    };
    const result = await completeReviewedRegistration(db, r.id, details, { actorId: request.user!.id, baseUrl: deps.config.baseUrl, clock: deps.clock });
    if (!result.ok) {
      return reply.code(400).view(`${V}/review.njk`, { pageTitle: title, r, ...(await render(r.id, body, { email: `This email address cannot be used: ${result.reason}` })), ...options });
    }
    await db.updateTable('mail_imports').set({ outcome: 'registered', problem: null }).where('id', '=', item.id).execute();
    deps.pokeMailWorker();
    return reply.redirect('/admin/review?done=1');
  });
}
