// The needs-review queue: emails that could not be read with confidence, shown with the original
// message beside a form to complete the registration by hand.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { normaliseEmail } from '../../../platform/auth/people.ts';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import type { Registration } from '../../../platform/db/schema.ts';
import { stepBySlug, type Answers, type JourneyContext } from '../journey/steps.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';
import { listOrganisations } from '../organisations.ts';
import { completeReviewedRegistration, findRegistration, registrationAims, submitRegistration, type RegistrationDetails } from '../service.ts';
import { markReviewed, reviewItemsFor, reviewQueue } from './queries.ts';

const V = 'features/registration/email-import/views';
const adminOnly = { config: onlyRoles('admin') };
const idParam = z.object({ registrationId: z.coerce.number().int().positive().max(2 ** 31 - 1) });
const FIELDS = ['fullName', 'email', 'organisationId', 'organisationOther', 'department', 'nation', 'region', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther'] as const;

// The same questions, and the same checks, as the web journey.
const REVIEW_STEPS = ['name', 'email', 'workplace', 'nation', 'region', 'service', 'job', 'role'] as const;

/** A stand-in address (the sender's could not be read) is not shown as if it were real. */
const placeholderEmail = (email: string) => /\.invalid$/i.test(email);

function valuesFrom(r: Registration): Record<string, string> {
  return {
    fullName: r.full_name,
    email: placeholderEmail(r.email) ? '' : r.email,
    organisationId: r.organisation_id ? String(r.organisation_id) : '',
    organisationOther: r.organisation_id ? '' : r.organisation_name,
    department: r.department ?? '',
    nation: r.organisation_id ? '' : (r.nation ?? ''),
    region: r.organisation_id ? '' : (r.region ?? ''),
    serviceType: r.service_type ?? '',
    serviceOther: r.service_other ?? '',
    jobTitle: r.job_title,
    roleGroup: r.role_group ?? '',
    roleOther: r.role_other ?? '',
  };
}

export function mailImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const options = { nations: NATIONS, regions: ENGLAND_REGIONS, services: SERVICE_TYPES, roleGroups: ROLE_GROUPS };

  app.get('/admin/review', adminOnly, async (request, reply) => {
    const items = await reviewQueue(db);
    const done = z.object({ done: z.string().max(20).optional() }).safeParse(request.query);
    const reference = done.success && done.data.done && /^[A-Z0-9-]{1,20}$/.test(done.data.done) ? done.data.done : null;
    return reply.view(`${V}/queue.njk`, {
      pageTitle: 'Emails to review',
      items,
      flash: reference ? `Registration ${reference} completed. We have emailed them a link to confirm their address.` : undefined,
    });
  });

  /** The registration and its waiting messages, or a 404 sent. */
  async function load(request: FastifyRequest, reply: FastifyReply) {
    const params = idParam.safeParse(request.params);
    const r = params.success ? await findRegistration(db, params.data.registrationId) : undefined;
    const items = r ? await reviewItemsFor(db, r.id) : [];
    if (!r || !items.length) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return { r, items };
  }

  async function page(r: Registration, items: Awaited<ReturnType<typeof reviewItemsFor>>, values: Record<string, string>, errors?: Record<string, string>) {
    const organisations = await listOrganisations(db);
    const sender = items[0]!.from_address ?? 'an unknown sender';
    return {
      pageTitle: `Review the email from ${sender} (${r.reference})`,
      sender,
      r,
      items,
      organisations,
      values,
      errors: Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, { text: v }])),
      errorList: errors ? Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })) : undefined,
      ...options,
    };
  }

  app.get('/admin/review/:registrationId', adminOnly, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    return reply.view(`${V}/review.njk`, await page(found.r, found.items, valuesFrom(found.r)));
  });

  app.post('/admin/review/:registrationId', adminOnly, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const { r, items } = found;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const ctx: JourneyContext = { organisations: await listOrganisations(db), aims: [], methods: [] };
    let answers: Answers = {};
    const errors: Record<string, string> = {};
    for (const slug of REVIEW_STEPS) {
      const step = stepBySlug(slug)!;
      if (!step.applies(answers)) continue;
      if (slug === 'role' && !body.roleGroup) continue; // optional here: the email never asked for it
      const parsed = step.parse(body, ctx);
      if (parsed.ok) answers = { ...answers, ...parsed.answers };
      else Object.assign(errors, parsed.errors);
    }
    // What was typed is shown again as typed, so nothing entered is lost on an error.
    const typed = Object.fromEntries(FIELDS.map((k) => [k, typeof body[k] === 'string' ? body[k].slice(0, 1000) : '']));
    if (Object.keys(errors).length) return reply.code(400).view(`${V}/review.njk`, await page(r, items, typed, errors));

    const org = answers.organisationId ? ctx.organisations.find((o) => o.id === answers.organisationId) : undefined;
    const details: RegistrationDetails = {
      fullName: answers.fullName!,
      email: answers.email!,
      organisationId: org?.id ?? null,
      organisationName: org?.name ?? answers.organisationOther ?? '',
      department: answers.department || null,
      nation: org?.nation ?? answers.nation ?? null,
      region: org ? org.region : (answers.region ?? null),
      serviceType: answers.serviceType ?? null,
      serviceOther: answers.serviceOther || null,
      jobTitle: answers.jobTitle!,
      roleGroup: answers.roleGroup ?? null,
      roleOther: answers.roleOther || null,
      afcBand: r.afc_band,
      aims: await registrationAims(db, r.id),
      participation: r.participation.split(',').filter(Boolean),
      adjustments: r.adjustments,
      consent: false,
    };
    const actorId = request.user!.id;
    if (normaliseEmail(details.email) === r.email_normalised) {
      // Same address: the shared rule for registering again moves it out of needs_review to
      // unconfirmed and sends the confirmation email; the queue and audit log change with it.
      await submitRegistration(db, details, {
        programmeId: r.programme_id,
        channel: 'email',
        baseUrl: deps.config.baseUrl,
        clock: deps.clock,
        actorId,
        alsoInTransaction: async (tx) => {
          await markReviewed(tx, r.id);
          await recordAudit(tx, { actorId, action: 'registration.complete', recordType: 'registration', recordId: r.id, summary: `Completed ${r.reference} from an email` }, deps.clock);
        },
      });
    } else {
      // A corrected address: submitRegistration keys on the address and would make a second
      // registration, so the shared rule for completing a reviewed one is used instead.
      const result = await completeReviewedRegistration(db, r.id, details, { actorId, baseUrl: deps.config.baseUrl, clock: deps.clock });
      if (!result.ok) return reply.code(400).view(`${V}/review.njk`, await page(r, items, typed, { email: `This email address cannot be used: ${result.reason}` }));
      // Separate from the registration's transaction (that rule takes no extra work): at worst a
      // crash leaves the message listed, and completing it again changes nothing more.
      await db.transaction().execute((tx) => markReviewed(tx, r.id));
    }
    deps.pokeMailWorker();
    return reply.redirect(`/admin/review?done=${encodeURIComponent(r.reference)}`);
  });
}
