// A participant's own registration: correct their details, withdraw. Everything is looked up from
// the signed-in person, never from an id in the address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sessionCookieName, sessionCookieOptions } from '../../../platform/auth/session-hook.ts';
import { parseForm } from '../../../platform/forms/parse-form.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { DETAIL_FIELDS, otherAnswerErrors } from '../details.ts';
import { AFC_BANDS, ROLE_GROUPS } from '../options.ts';
import { findOrganisationByName } from '../organisations.ts';
import { correctOwnDetails, findRegistrationByPerson, registrationAims, withdrawParticipant } from '../service.ts';
import type { Registration } from '../tables.ts';

const V = 'features/registration/own/views';
const participantOnly = { config: onlyRoles('participant') };

const detailsForm = z
  .object({
    fullName: DETAIL_FIELDS.fullName,
    organisationName: DETAIL_FIELDS.organisationOther.refine((s) => s.length > 0, 'Enter where you work'),
    department: DETAIL_FIELDS.department,
    jobTitle: DETAIL_FIELDS.jobTitle,
    roleGroup: DETAIL_FIELDS.optionalRoleGroup,
    roleOther: DETAIL_FIELDS.roleOther,
    afcBand: DETAIL_FIELDS.afcBand,
    adjustments: DETAIL_FIELDS.adjustments,
  })
  .superRefine((d, ctx) => {
    for (const [path, message] of Object.entries(otherAnswerErrors(d))) ctx.addIssue({ code: 'custom', path: [path], message });
  });
const DETAIL_ORDER = ['fullName', 'organisationName', 'department', 'jobTitle', 'roleGroup', 'roleOther', 'afcBand', 'adjustments'];

export function ownRegistrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;

  const detailsView = (values: Record<string, unknown>, email: string, extra: Record<string, unknown> = {}) => ({
    pageTitle: 'Correct your details',
    values,
    email,
    roleGroups: ROLE_GROUPS,
    bands: AFC_BANDS,
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
      organisationName: r.organisation_name,
      department: r.department ?? '',
      jobTitle: r.job_title,
      roleGroup: r.role_group ?? '',
      roleOther: r.role_other ?? '',
      afcBand: r.afc_band ?? '',
      adjustments: r.adjustments ?? '',
    };
    return reply.view(`${V}/details.njk`, detailsView(values, r.email));
  });

  app.post('/my/details', participantOnly, async (request, reply) => {
    const r = await current(request);
    if (!r) return reply.redirect('/my');
    const parsed = parseForm(detailsForm, request.body, { order: DETAIL_ORDER });
    if (!parsed.ok) return reply.code(400).view(`${V}/details.njk`, detailsView(parsed.values, r.email, { errors: parsed.errors, errorList: parsed.errorList }));
    const d = parsed.data;
    // A workplace on the NHS list brings its nation and region with it; another name keeps the
    // nation and region already held, since they cannot be worked out from a typed name.
    const sameWorkplace = d.organisationName === r.organisation_name;
    const org = sameWorkplace ? undefined : await findOrganisationByName(db, d.organisationName);
    const result = await correctOwnDetails(
      db,
      request.user!.id,
      {
        fullName: d.fullName,
        organisationId: sameWorkplace ? r.organisation_id : (org?.id ?? null),
        organisationName: org?.name ?? d.organisationName,
        department: d.department || null,
        nation: org ? org.nation : r.nation,
        region: org ? org.region : r.region,
        serviceType: r.service_type,
        serviceOther: r.service_other,
        jobTitle: d.jobTitle,
        roleGroup: d.roleGroup || null,
        roleOther: d.roleOther || null,
        afcBand: d.afcBand || null,
        aims: await registrationAims(db, r.id),
        participation: r.participation.split(',').filter(Boolean),
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
