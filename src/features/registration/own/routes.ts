// A participant's own registration: correct their details, withdraw. Everything is looked up from
// the signed-in person, never from an id in the address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sessionCookieName, sessionCookieOptions } from '../../../platform/auth/session-hook.ts';
import { parseForm } from '../../../platform/forms/parse-form.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { DETAIL_FIELDS, otherAnswerErrors } from '../details.ts';
import { loadProgrammeDetails } from '../../programme/service.ts';
import { AFC_BANDS, ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';
import { listOrganisations } from '../organisations.ts';
import { correctOwnDetails, findRegistrationByPerson, registrationAims, withdrawParticipant } from '../service.ts';
import type { Registration } from '../tables.ts';

const V = 'features/registration/own/views';
const participantOnly = { config: onlyRoles('participant') };

const many = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional().default('');

/** The form, built from the registration's one set of answer checks. */
function detailsForm(ctx: { organisationIds: Set<number>; aims: Set<number>; methods: Set<string> }) {
  return z
    .object({
      fullName: DETAIL_FIELDS.fullName,
      organisationId: z
        .string({ error: 'Choose where you work from the list' })
        .optional()
        .default('')
        .refine((v) => !v || ctx.organisationIds.has(Number(v)), 'Choose where you work from the list'),
      organisationName: DETAIL_FIELDS.organisationOther,
      department: DETAIL_FIELDS.department,
      nation: optional(DETAIL_FIELDS.nation),
      region: optional(DETAIL_FIELDS.region),
      serviceType: DETAIL_FIELDS.serviceType,
      serviceOther: DETAIL_FIELDS.serviceOther,
      jobTitle: DETAIL_FIELDS.jobTitle,
      roleGroup: DETAIL_FIELDS.optionalRoleGroup,
      roleOther: DETAIL_FIELDS.roleOther,
      afcBand: DETAIL_FIELDS.afcBand,
      aims: z.preprocess(many, z.array(z.coerce.number()).refine((a) => a.every((n) => ctx.aims.has(n)), 'Select aims from the list')),
      participation: z.preprocess(many, z.array(z.string()).refine((a) => a.every((k) => ctx.methods.has(k)), 'Select ways to take part from the list')),
      adjustments: DETAIL_FIELDS.adjustments,
    })
    .superRefine((d, issue) => {
      const add = (path: string, message: string) => issue.addIssue({ code: 'custom', path: [path], message });
      for (const [path, message] of Object.entries(otherAnswerErrors(d))) add(path, message);
      if (d.organisationId && d.organisationName) add('organisationName', 'Either choose where you work from the list or enter its name, not both');
      if (!d.organisationId && !d.organisationName) add('organisationId', 'Choose where you work from the list, or enter its name if it is not listed');
      // A workplace off the list says nothing about where it is, so that is asked.
      if (!d.organisationId && d.organisationName && !d.nation) add('nation', 'Select the nation you work in');
      if (!d.organisationId && d.nation === 'England' && !d.region) add('region', 'Select the NHS England region you work in');
      // Also when other answers failed their checks: every problem is shown at once.
    }, { when: () => true });
}
const DETAIL_ORDER = ['fullName', 'organisationId', 'organisationName', 'department', 'nation', 'region', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther', 'afcBand', 'aims', 'participation', 'adjustments'];

export function ownRegistrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;

  async function choices(request: FastifyRequest) {
    const programme = await request.programme();
    const [organisations, details] = await Promise.all([listOrganisations(db), programme ? loadProgrammeDetails(db, programme.id) : null]);
    return { organisations, aims: details?.aims ?? [], methods: details?.methods ?? [] };
  }

  const detailsView = async (request: FastifyRequest, values: Record<string, unknown>, email: string, extra: Record<string, unknown> = {}) => ({
    pageTitle: 'Correct your details',
    values,
    email,
    ...(await choices(request)),
    roleGroups: ROLE_GROUPS,
    bands: AFC_BANDS,
    services: SERVICE_TYPES,
    nations: NATIONS,
    regions: ENGLAND_REGIONS,
    ...extra,
  });

  const current = async (request: FastifyRequest): Promise<Registration | undefined> => {
    const r = await findRegistrationByPerson(db, request.user!.id);
    return r && r.status !== 'withdrawn' ? r : undefined;
  };

  app.get('/my/details', participantOnly, async (request, reply) => {
    const r = await current(request);
    if (!r) return reply.redirect('/my');
    const values = {
      fullName: r.full_name,
      organisationId: r.organisation_id ? String(r.organisation_id) : '',
      organisationName: r.organisation_id ? '' : r.organisation_name,
      department: r.department ?? '',
      nation: r.nation ?? '',
      region: r.region ?? '',
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
    return reply.view(`${V}/details.njk`, await detailsView(request, values, r.email));
  });

  app.post('/my/details', participantOnly, async (request, reply) => {
    const r = await current(request);
    if (!r) return reply.redirect('/my');
    const { organisations, aims, methods } = await choices(request);
    const form = detailsForm({ organisationIds: new Set(organisations.map((o) => o.id)), aims: new Set(aims.map((a) => a.number)), methods: new Set(methods.map((m) => m.key)) });
    const parsed = parseForm(form, request.body, { order: DETAIL_ORDER, anchors: { aims: 'aims', participation: 'participation' } });
    if (!parsed.ok) return reply.code(400).view(`${V}/details.njk`, await detailsView(request, parsed.values, r.email, { errors: parsed.errors, errorList: parsed.errorList }));
    const d = parsed.data;
    // A workplace on the NHS list brings its nation and region with it, as in the journey.
    const org = d.organisationId ? organisations.find((o) => o.id === Number(d.organisationId)) : undefined;
    const result = await correctOwnDetails(
      db,
      request.user!.id,
      {
        fullName: d.fullName,
        organisationId: org?.id ?? null,
        organisationName: org?.name ?? d.organisationName,
        department: d.department || null,
        nation: org ? org.nation : d.nation || null,
        region: org ? org.region : d.nation === 'England' ? d.region || null : null,
        serviceType: d.serviceType,
        serviceOther: d.serviceOther || null,
        jobTitle: d.jobTitle,
        roleGroup: d.roleGroup || null,
        roleOther: d.roleOther || null,
        afcBand: d.afcBand || null,
        aims: [...new Set(d.aims)].sort((x, y) => x - y),
        participation: [...new Set(d.participation)],
        adjustments: d.adjustments || null,
      },
      deps.clock,
    );
    if (!result.ok) return reply.redirect('/my');
    return reply.redirect(`/my?saved=${result.changed.length ? '1' : 'none'}`);
  });

  app.get('/my/withdraw', participantOnly, async (request, reply) => {
    if (!(await current(request))) return reply.redirect('/my');
    return reply.view(`${V}/withdraw.njk`, { pageTitle: 'Withdraw from the programme', programme: await request.programme() });
  });

  app.post('/my/withdraw', participantOnly, async (request, reply) => {
    await withdrawParticipant(db, request.user!.id, deps.clock);
    // The sessions are already ended; clearing the cookie stops the browser sending a dead one.
    reply.clearCookie(sessionCookieName(deps), sessionCookieOptions(deps));
    return reply.redirect('/withdrawn');
  });

  app.get('/withdrawn', async (request, reply) => {
    return reply.view(`${V}/withdrawn.njk`, { pageTitle: 'You have withdrawn', programme: await request.programme() });
  });
}
