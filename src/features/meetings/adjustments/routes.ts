// Adjustment requests: an invitee's form to ask (or change, or withdraw); the organisers' list of
// a meeting's requests and the page to mark one arranged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm, type FormFailure } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, idParams, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { londonSpan } from '../../../platform/london-time.ts';
import type { Meeting } from '../tables.ts';
import { arrangeForm, DETAILS_MAX, NOTE_MAX, REQUEST_ANCHORS, REQUEST_ORDER, requestForm } from './form.ts';
import { arrange, ask, closedReason, inviteeMeeting, myRequest, NEED_LABELS, needsOf, organisedMeeting, requestFor, requestsFor, withdraw } from './service.ts';
import { NEEDS } from './tables.ts';

const V = 'features/meetings/adjustments/views';
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const organisers = { config: onlyRoles('admin', 'facilitator', 'participant') };
const idParam = idParams;
const requestParams = z.object({ id: rowId, requestId: rowId });

export const CLOSED_TEXT = {
  cancelled: 'This meeting has been cancelled, so you cannot ask for an adjustment for it.',
  ended: 'This meeting has ended, so you cannot ask for an adjustment for it.',
};

/** Why an organiser can no longer mark a request arranged. */
export const ARRANGE_CLOSED_TEXT = {
  cancelled: 'This meeting has been cancelled, so there is nothing to arrange.',
  ended: 'This meeting has ended, so there is nothing to arrange.',
};

export function adjustmentsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const notifyCtx = () => ({ clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret });

  /** The meeting as this lookup finds it for this person (an invitee's, an organiser's); otherwise the not-found page. */
  const meetingFor =
    (lookup: typeof inviteeMeeting) =>
    async (request: FastifyRequest, reply: FastifyReply, meetingId: number): Promise<{ programmeId: number; meeting: Meeting } | null> => {
      const programme = await request.programme();
      const meeting = programme && (await lookup(db, request.user, programme.id, meetingId));
      if (!programme || !meeting) {
        await sendErrorPage(request, reply, 404);
        return null;
      }
      return { programmeId: programme.id, meeting };
    };
  const invitee = meetingFor(inviteeMeeting);
  const organised = meetingFor(organisedMeeting);

  const requestPage = (reply: FastifyReply, meeting: Meeting, ctx: { values: Record<string, string | string[]>; changing: boolean; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; status?: number }) => {
    const chosen = new Set(Array.isArray(ctx.values.needs) ? ctx.values.needs : ctx.values.needs ? [ctx.values.needs] : []);
    return reply.code(ctx.status ?? 200).view(`${V}/request.njk`, {
      pageTitle: ctx.changing ? `Change your adjustment request for “${meeting.title}”` : `Ask for an adjustment for “${meeting.title}”`,
      meeting,
      when: londonSpan(meeting.starts_at, meeting.ends_at),
      changing: ctx.changing,
      needItems: NEEDS.map((n) => ({ value: n, text: NEED_LABELS[n], checked: chosen.has(n) })),
      details: typeof ctx.values.details === 'string' ? ctx.values.details : '',
      detailsMax: DETAILS_MAX,
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
    });
  };

  app.get('/meetings/:id/adjustment', { ...signedIn, schema: { params: idParam } }, async (request, reply) => {
    const found = await invitee(request, reply, request.params.id);
    if (!found) return reply;
    const closed = closedReason(found.meeting, clock());
    if (closed) {
      reply.flash(CLOSED_TEXT[closed]);
      return reply.redirect(`/meetings/${found.meeting.id}#adjustments`);
    }
    const mine = await myRequest(db, found.meeting.id, request.user!.id);
    return requestPage(reply, found.meeting, { values: mine ? { needs: needsOf(mine.needs), details: mine.details } : {}, changing: mine !== undefined });
  });

  app.post('/meetings/:id/adjustment', { ...signedIn, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const found = await invitee(request, reply, request.params.id);
    if (!found) return reply;
    const form = parseForm(requestForm, request.body, { order: REQUEST_ORDER, anchors: REQUEST_ANCHORS });
    if (!form.ok) {
      const changing = (await myRequest(db, found.meeting.id, request.user!.id)) !== undefined;
      return requestPage(reply, found.meeting, { values: form.values, changing, errors: form.errors, errorList: form.errorList, status: 400 });
    }
    const saved = await ask(db, request.user, found.programmeId, found.meeting.id, { needs: form.data.needs, details: form.data.details }, clock);
    if (!saved.ok) {
      if (saved.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(CLOSED_TEXT[saved.reason]);
      return reply.redirect(`/meetings/${found.meeting.id}#adjustments`);
    }
    reply.flash(saved.changed ? 'Your request has been changed. The organisers will see the change.' : 'Your request has been sent to the organisers. We will tell you when it is arranged.');
    return reply.redirect(`/meetings/${found.meeting.id}#adjustments`);
  });

  app.post('/meetings/:id/adjustment/withdraw', { ...signedIn, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const result = await withdraw(db, request.user, programme.id, request.params.id);
    if (!result.ok && result.reason === 'not_found') return sendErrorPage(request, reply, 404);
    reply.flash(result.ok ? 'Your request has been withdrawn.' : 'You had no request for this meeting.');
    return reply.redirect(`/meetings/${request.params.id}#adjustments`);
  });

  // Organisers

  app.get('/meetings/:id/adjustments', { ...organisers, schema: { params: idParam } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const { meeting } = found;
    return reply.view(`${V}/requests.njk`, { pageTitle: `Adjustment requests for “${meeting.title}”`, meeting, when: londonSpan(meeting.starts_at, meeting.ends_at), requests: await requestsFor(db, meeting.id) });
  });

  const arrangePage = async (reply: FastifyReply, meeting: Meeting, requestId: number, ctx: { note?: string; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; status?: number }) => {
    const r = await requestFor(db, meeting.id, requestId);
    if (!r) return null;
    return reply.code(ctx.status ?? 200).view(`${V}/arrange.njk`, { pageTitle: `Adjustment request from ${r.name}`, meeting, when: londonSpan(meeting.starts_at, meeting.ends_at), r, closed: closedReason(meeting, clock()), closedText: ARRANGE_CLOSED_TEXT, note: ctx.note ?? r.arranged_note ?? '', noteMax: NOTE_MAX, errors: ctx.errors ?? {}, errorList: ctx.errorList });
  };

  app.get('/meetings/:id/adjustments/:requestId', { ...organisers, schema: { params: requestParams } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    return (await arrangePage(reply, found.meeting, request.params.requestId, {})) ?? sendErrorPage(request, reply, 404);
  });

  app.post('/meetings/:id/adjustments/:requestId', { ...organisers, schema: { params: requestParams, body: formBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const form = parseForm(arrangeForm, request.body, { order: ['note'] });
    if (!form.ok) {
      const note = typeof form.values.note === 'string' ? form.values.note : '';
      return (await arrangePage(reply, found.meeting, request.params.requestId, { note, errors: form.errors, errorList: form.errorList, status: 400 })) ?? sendErrorPage(request, reply, 404);
    }
    const result = await arrange(db, request.user, found.programmeId, found.meeting.id, request.params.requestId, form.data.note, notifyCtx());
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(ARRANGE_CLOSED_TEXT[result.reason]);
      return reply.redirect(`/meetings/${found.meeting.id}/adjustments`);
    }
    deps.pokeMailWorker();
    reply.flash('Marked as arranged. We have told the person who asked.');
    return reply.redirect(`/meetings/${found.meeting.id}/adjustments`);
  });
}
