// The programme team edits a registration: every answer, including the email address, on one
// page built from the registration's one set of answer checks. The rules (who may be edited, which
// email is refused) are the service's; this page words its refusals.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm, typedValues } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import type { ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { loadProgrammeDetails } from '../../programme/service.ts';
import { DETAIL_FIELDS, otherAnswerErrors } from '../details.ts';
import { AFC_BANDS, ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';
import { listOrganisations } from '../organisations.ts';
import { editRegistration, findRegistration, registrationAims, type TeamEditResult } from '../service.ts';
import type { Registration } from '../tables.ts';
import { shownName } from './routes.ts';

const V = 'features/registration/admin/views';
const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const withId = { config: onlyRoles('admin'), schema: { params: z.object({ id }) } };

const many = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional().default('');

type Choices = { organisationIds: Set<number>; aims: Set<number>; methods: Set<string> };

/** Every answer, with the checks the journey and the participant's own form use. */
function editForm(ctx: Choices) {
  return z
    .object({
      fullName: DETAIL_FIELDS.fullName,
      email: DETAIL_FIELDS.email,
      organisationId: z
        .string({ error: 'Choose where they work from the list' })
        .optional()
        .default('')
        .refine((v) => !v || ctx.organisationIds.has(Number(v)), 'Choose where they work from the list'),
      organisationName: DETAIL_FIELDS.organisationOther,
      department: DETAIL_FIELDS.department,
      nation: optional(DETAIL_FIELDS.nation),
      region: optional(DETAIL_FIELDS.region),
      // Optional here: a registration that came by email may never have said.
      serviceType: optional(DETAIL_FIELDS.serviceType),
      serviceOther: DETAIL_FIELDS.serviceOther,
      jobTitle: DETAIL_FIELDS.jobTitle,
      roleGroup: DETAIL_FIELDS.optionalRoleGroup,
      roleOther: DETAIL_FIELDS.roleOther,
      afcBand: DETAIL_FIELDS.afcBand,
      aims: z.preprocess(many, z.array(z.coerce.number()).refine((a) => a.every((n) => ctx.aims.has(n)), 'Select aims from the list')),
      participation: z.preprocess(many, z.array(z.string()).refine((a) => a.every((k) => ctx.methods.has(k)), 'Select ways to take part from the list')),
      adjustments: DETAIL_FIELDS.adjustments,
    })
    .superRefine(
      (d, issue) => {
        const add = (path: string, message: string) => issue.addIssue({ code: 'custom', path: [path], message });
        for (const [path, message] of Object.entries(otherAnswerErrors(d))) add(path, message);
        if (d.organisationId && d.organisationName) add('organisationName', 'Either choose where they work from the list or enter its name, not both');
        if (!d.organisationId && !d.organisationName) add('organisationId', 'Choose where they work from the list, or enter its name if it is not listed');
        // A workplace off the list says nothing about where it is, so that is asked.
        if (!d.organisationId && d.organisationName && !d.nation) add('nation', 'Select the nation they work in');
        if (!d.organisationId && d.nation === 'England' && !d.region) add('region', 'Select the NHS England region they work in');
      },
      { when: () => true },
    );
}
const ORDER = ['fullName', 'email', 'organisationId', 'organisationName', 'nation', 'region', 'department', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther', 'afcBand', 'aims', 'participation', 'adjustments'];

/** The registration's answers as the form shows them. */
async function valuesOf(db: AppDeps['data']['db'], r: Registration): Promise<Record<string, string | string[]>> {
  return {
    fullName: r.full_name,
    email: r.email,
    organisationId: r.organisation_id ? String(r.organisation_id) : '',
    organisationName: r.organisation_id ? '' : r.organisation_name,
    department: r.department ?? '',
    nation: r.organisation_id ? '' : (r.nation ?? ''),
    region: r.organisation_id ? '' : (r.region ?? ''),
    serviceType: r.service_type ?? '',
    serviceOther: r.service_other ?? '',
    jobTitle: r.job_title,
    roleGroup: r.role_group ?? '',
    roleOther: r.role_other ?? '',
    afcBand: r.afc_band ?? '',
    aims: (await registrationAims(db, r.id)).map(String),
    participation: r.participation.split(',').filter(Boolean),
    adjustments: r.adjustments ?? '',
  };
}

/** The service's refusals, in words for the page. */
export function editRefusalText(result: Exclude<TeamEditResult, { ok: true }>, r: Pick<Registration, 'full_name' | 'email'>): string {
  switch (result.reason) {
    case 'email_taken':
      return `Another registration in this programme, ${result.reference}, already has this email address. If they are the same person, merge the two registrations instead`;
    case 'email_is_sign_in':
      return `${shownName(r)} has an account and signs in with ${r.email}, so their email address cannot be changed here`;
    case 'withdrawn':
      return `${shownName(r)} has withdrawn from the programme, so their registration cannot be edited`;
    case 'needs_review':
      return 'This registration came by email and needs completing first: complete it from the review queue';
    default:
      return 'This registration no longer exists';
  }
}

export function editRegistrationRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const app = appIn.withTypeProvider<ZodTypeProvider>();

  async function choices(programmeId: number) {
    const [organisations, details] = await Promise.all([listOrganisations(db), loadProgrammeDetails(db, programmeId)]);
    return { organisations, aims: details.aims, methods: details.methods };
  }

  async function form(reply: FastifyReply, r: Registration, values: Record<string, string | string[]>, extra: { errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[] } = {}) {
    return reply.view(`${V}/edit.njk`, {
      pageTitle: `Edit ${shownName(r)} (${r.reference})`,
      r,
      name: shownName(r),
      values,
      hasAccount: r.person_id !== null,
      ...(await choices(r.programme_id)),
      roleGroups: ROLE_GROUPS,
      bands: AFC_BANDS,
      services: SERVICE_TYPES,
      nations: NATIONS,
      regions: ENGLAND_REGIONS,
      ...extra,
    });
  }

  /** The registration, or the page that says why it cannot be edited (already sent). */
  async function editable(request: FastifyRequest, reply: FastifyReply, registrationId: number): Promise<Registration | undefined> {
    const r = await findRegistration(db, registrationId);
    if (!r) {
      await sendErrorPage(request, reply, 404);
      return undefined;
    }
    // Completed through the review queue, beside the email it came in.
    if (r.status === 'needs_review') {
      await reply.redirect(`/admin/review/${r.id}`);
      return undefined;
    }
    if (r.status === 'withdrawn') {
      await reply.code(409).view(`${V}/cannot-edit.njk`, { pageTitle: `${shownName(r)} (${r.reference}) cannot be edited`, r, name: shownName(r), reason: editRefusalText({ ok: false, reason: 'withdrawn' }, r) });
      return undefined;
    }
    return r;
  }

  app.get('/admin/registrations/:id/edit', withId, async (request, reply) => {
    const r = await editable(request, reply, request.params.id);
    if (!r) return reply;
    return form(reply, r, await valuesOf(db, r));
  });

  app.post('/admin/registrations/:id/edit', withId, async (request, reply) => {
    const r = await editable(request, reply, request.params.id);
    if (!r) return reply;
    const { organisations, aims, methods } = await choices(r.programme_id);
    const body = { email: r.email, ...((request.body ?? {}) as Record<string, unknown>) };
    const schema = editForm({ organisationIds: new Set(organisations.map((o) => o.id)), aims: new Set(aims.map((a) => a.number)), methods: new Set(methods.map((m) => m.key)) });
    const parsed = parseForm(schema, body, { order: ORDER, anchors: { aims: 'aims', participation: 'participation', serviceType: 'serviceType', nation: 'nation', roleGroup: 'roleGroup', afcBand: 'afcBand' } });
    if (!parsed.ok) return form(reply.code(400), r, parsed.values, { errors: parsed.errors, errorList: parsed.errorList });
    const d = parsed.data;
    // A workplace on the NHS list brings its nation and region with it, as in the journey.
    const org = d.organisationId ? organisations.find((o) => o.id === Number(d.organisationId)) : undefined;
    const result = await editRegistration(
      db,
      r.id,
      {
        fullName: d.fullName,
        email: d.email,
        organisationId: org?.id ?? null,
        organisationName: org?.name ?? d.organisationName,
        department: d.department || null,
        nation: org ? org.nation : d.nation || null,
        region: org ? org.region : d.nation === 'England' ? d.region || null : null,
        serviceType: d.serviceType || null,
        serviceOther: d.serviceOther || null,
        jobTitle: d.jobTitle,
        roleGroup: d.roleGroup || null,
        roleOther: d.roleOther || null,
        afcBand: d.afcBand || null,
        aims: [...new Set(d.aims)].sort((x, y) => x - y),
        participation: [...new Set(d.participation)],
        adjustments: d.adjustments || null,
      },
      { actorId: request.user!.id, baseUrl: deps.config.baseUrl, clock: deps.clock },
    );
    if (!result.ok) {
      if (result.reason === 'email_taken' || result.reason === 'email_is_sign_in') {
        const text = editRefusalText(result, r);
        return form(reply.code(400), r, typedValues(body), { errors: { email: { text } }, errorList: [{ text, href: '#email' }] });
      }
      return reply.redirect(`/admin/registrations/${r.id}/edit`);
    }
    deps.pokeMailWorker();
    return reply.flash(result.changed.length ? `Registration updated: ${result.changed.join(', ')}.` : 'Nothing was changed.').redirect(`/admin/registrations/${r.id}`);
  });
}
