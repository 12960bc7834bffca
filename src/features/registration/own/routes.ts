// A participant's own registration: correct their details, withdraw. Everything is looked up from
// the signed-in person, never from an id in the address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sessionCookieName, sessionCookieOptions } from '../../../platform/auth/session-hook.ts';
import { parseForm } from '../../../platform/forms/parse-form.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { allowedChoices, answersFromForm, DETAILS_FORM_ORDER, detailsFormSchema, formValuesOf } from '../details.ts';
import { loadProgrammeDetails } from '../../programme/service.ts';
import { ANSWER_LISTS } from '../options.ts';
import { listOrganisations } from '../organisations.ts';
import { correctOwnDetails, findRegistrationByPerson, registrationAims, withdrawParticipant } from '../service.ts';
import type { Registration } from '../tables.ts';

const V = 'features/registration/own/views';
const participantOnly = { config: onlyRoles('participant') };

export function ownRegistrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;

  async function choices(request: FastifyRequest) {
    const programme = await request.programme();
    const [organisations, details] = await Promise.all([listOrganisations(db), programme ? loadProgrammeDetails(db, programme.id) : null]);
    return { organisations, aims: details?.aims ?? [], methods: details?.methods ?? [] };
  }

  const detailsView = async (request: FastifyRequest, values: Record<string, unknown>, email: string, extra: Record<string, unknown> = {}, lists?: Awaited<ReturnType<typeof choices>>) => ({
    pageTitle: 'Correct your details',
    values,
    email,
    ...(lists ?? (await choices(request))),
    ...ANSWER_LISTS,
    ...extra,
  });

  const current = async (request: FastifyRequest): Promise<Registration | undefined> => {
    const r = await findRegistrationByPerson(db, request.user!.id);
    return r && r.status !== 'withdrawn' ? r : undefined;
  };

  app.get('/my/details', participantOnly, async (request, reply) => {
    const r = await current(request);
    if (!r) return reply.redirect('/my');
    const values = formValuesOf(r, await registrationAims(db, r.id));
    return reply.view(`${V}/details.njk`, await detailsView(request, values, r.email ?? ''));
  });

  app.post('/my/details', participantOnly, async (request, reply) => {
    const r = await current(request);
    if (!r) return reply.redirect('/my');
    const lists = await choices(request);
    const form = detailsFormSchema(allowedChoices(lists), { who: 'you', withEmail: false, serviceRequired: true });
    const parsed = parseForm(form, request.body, { order: DETAILS_FORM_ORDER, anchors: { aims: 'aims', participation: 'participation' } });
    if (!parsed.ok) return reply.code(400).view(`${V}/details.njk`, await detailsView(request, parsed.values, r.email ?? '', { errors: parsed.errors, errorList: parsed.errorList }, lists));
    const result = await correctOwnDetails(
      db,
      request.user!.id,
      answersFromForm(parsed.data, lists.organisations),
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
