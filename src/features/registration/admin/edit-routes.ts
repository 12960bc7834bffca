// The programme team edits a registration: every answer, including the email address, on one
// page built from the registration's one set of answer checks. The rules (who may be edited, which
// email is refused) are the service's; this page words its refusals.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm, typedValues } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { loadProgrammeDetails } from '../../programme/service.ts';
import { allowedChoices, answersFromForm, DETAILS_FORM_ORDER, detailsFormSchema, formValuesOf } from '../details.ts';
import { ANSWER_LISTS } from '../options.ts';
import { listOrganisations } from '../organisations.ts';
import { editRegistration, findRegistration, registrationAims, type TeamEditResult } from '../service.ts';
import type { Registration } from '../tables.ts';
import { shownName } from './routes.ts';

const V = 'features/registration/admin/views';
const id = rowId;
const withId = { config: onlyRoles('admin'), schema: { params: z.object({ id }) } };
const withForm = { ...withId, schema: { ...withId.schema, body: formBody } };

/** "Registered by Morgan Reed (morgan@example.org) on their behalf", for someone a contact registered. */
export function contactText(r: Pick<Registration, 'contact_name' | 'contact_email'>): string | null {
  if (!r.contact_email) return null;
  return `Registered by ${r.contact_name ? `${r.contact_name} (${r.contact_email})` : r.contact_email} on their behalf`;
}

/** The service's refusals, in words for the page. */
function editRefusalText(result: Exclude<TeamEditResult, { ok: true }>, r: Pick<Registration, 'full_name' | 'email' | 'contact_email'>): string {
  switch (result.reason) {
    case 'email_needed':
      return 'Enter their email address: an address, once given, is not taken away here';
    case 'email_is_contact':
      return `${r.contact_email} is the address of their contact, who registered them on their behalf: enter ${shownName(r)}’s own email address, or leave it blank`;
    case 'contact_and_name_taken':
      return `Their contact has already registered someone of this name, ${result.reference}. If they are the same person, merge the two registrations instead`;
    case 'email_taken':
      return `Another registration in this programme, ${result.reference}, already has this email address. If they are the same person, merge the two registrations instead`;
    case 'email_is_sign_in':
      return `${shownName(r)} has an account and signs in with ${r.email ?? 'their email address'}, so their email address cannot be changed here`;
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

  async function form(reply: FastifyReply, r: Registration, values: Record<string, string | string[]>, extra: { errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[] } = {}, lists?: Awaited<ReturnType<typeof choices>>) {
    return reply.view(`${V}/edit.njk`, {
      pageTitle: `Edit ${shownName(r)} (${r.reference})`,
      r,
      name: shownName(r),
      values,
      hasAccount: r.person_id !== null,
      contactText: contactText(r),
      ...(lists ?? (await choices(r.programme_id))),
      ...ANSWER_LISTS,
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
    // Nation and region of a listed workplace come from the list; the form asks them only otherwise.
    const values = formValuesOf(r, await registrationAims(db, r.id));
    if (r.organisation_id) Object.assign(values, { nation: '', region: '' });
    return form(reply, r, values);
  });

  app.post('/admin/registrations/:id/edit', withForm, async (request, reply) => {
    const r = await editable(request, reply, request.params.id);
    if (!r) return reply;
    const lists = await choices(r.programme_id);
    const body = { email: r.email ?? '', ...request.body };
    // Optional type of service here: a registration that came by email may never have said.
    // Someone registered by a contact may have no address of their own: theirs is optional, until given.
    const schema = detailsFormSchema(allowedChoices(lists), { who: 'they', withEmail: r.email ? true : 'optional', serviceRequired: false });
    const parsed = parseForm(schema, body, { order: DETAILS_FORM_ORDER, anchors: { aims: 'aims', participation: 'participation', serviceType: 'serviceType', nation: 'nation', roleGroup: 'roleGroup', afcBand: 'afcBand' } });
    if (!parsed.ok) return form(reply.code(400), r, parsed.values, { errors: parsed.errors, errorList: parsed.errorList }, lists);
    const result = await editRegistration(
      db,
      r.id,
      { ...answersFromForm(parsed.data, lists.organisations), email: parsed.data.email ?? r.email },
      { actorId: request.user!.id, baseUrl: deps.config.baseUrl, clock: deps.clock },
    );
    if (!result.ok) {
      if (result.reason === 'email_taken' || result.reason === 'email_is_sign_in' || result.reason === 'email_needed' || result.reason === 'email_is_contact') {
        const text = editRefusalText(result, r);
        return form(reply.code(400), r, typedValues(body), { errors: { email: { text } }, errorList: [{ text, href: '#email' }] }, lists);
      }
      if (result.reason === 'contact_and_name_taken') {
        const text = editRefusalText(result, r);
        return form(reply.code(400), r, typedValues(body), { errors: { fullName: { text } }, errorList: [{ text, href: '#fullName' }] }, lists);
      }
      return reply.redirect(`/admin/registrations/${r.id}/edit`);
    }
    deps.pokeMailWorker();
    return reply.flash(result.changed.length ? `Registration updated: ${result.changed.join(', ')}.` : 'Nothing was changed.').redirect(`/admin/registrations/${r.id}`);
  });
}
