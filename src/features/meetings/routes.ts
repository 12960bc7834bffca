// Meetings: organisers' list, scheduling, changing and cancelling (admins, and leads for their
// groups); "Your meetings"; the meeting page with answers and the join link; Join through the site.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { audienceFieldOrder, audienceFormValues, parseAudience } from '../../platform/forms/audience.ts';
import { parseForm, typedValues, type FormFailure } from '../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { formBody, formOf, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { ANCHORS, FIELD_ORDER, formValues, meetingForm, RICH_MAX } from './form.ts';
import { londonDay, londonSpan } from '../../platform/london-time.ts';
import { SERIES_MAX, SERIES_MIN } from './series.ts';
import type { Meeting } from './tables.ts';
import { meetingPageParts } from './parts.ts';
import {
  AGENDA_ROWS,
  agendaOf,
  allGroups,
  cancel,
  changeMeeting,
  join,
  joinState,
  needsPlaceToJoin,
  managedMeeting,
  mayOrganise,
  meetingAudience,
  meetingDetails,
  MEETING_CHOICES,
  organiserLists,
  pickerFor,
  placesLeft,
  publishOn,
  readableMeeting,
  restOfSeriesCount,
  rsvp,
  scheduleMeeting,
  seriesPlace,
  yourMeetings,
  type JoinState,
  type SaveRefused,
} from './service.ts';

const V = 'features/meetings/views';
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const organisers = { config: onlyRoles('admin', 'facilitator', 'participant') };
const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const idParam = z.object({ id });
const rsvpBody = formOf({ response: z.enum(['yes', 'no', 'maybe']).optional().catch(undefined) });
// Anything but a known scope (or none) is 'bad': the page asks again rather than guessing.
const cancelBody = formOf({ scope: z.enum(['one', 'rest']).optional().catch('bad' as 'one') });
const cancelScope = (v: unknown) => (v === undefined ? 'one' : v === 'one' || v === 'rest' ? v : null);

const SAVE_REFUSALS: Record<Exclude<SaveRefused['reason'], 'not_found'>, { text: (day: string) => string; field: string }> = {
  not_allowed: { text: () => 'You can schedule meetings only for the projects and sub-groups you lead. Choose one of those', field: 'audience' },
  cancelled: { text: (day) => (day ? `The meeting on ${day} has been cancelled, so it cannot be changed` : 'This meeting has been cancelled, so it cannot be changed'), field: 'title' },
  in_past: { text: () => 'The meeting must start in the future', field: 'date' },
  capacity_below_attending: { text: () => 'The number of places cannot be fewer than the people who already have one', field: 'capacity' },
  publish_in_past: { text: () => 'The time to publish the meeting must be in the future', field: 'publishAt' },
  publish_after_start: { text: () => 'The time to publish the meeting must be before it starts', field: 'publishAt' },
  series_time_unclear: { text: (day) => `The times do not exist or happen twice on ${day}, when the clocks change in the UK. Choose other times, or fewer meetings`, field: 'startTime' },
  series_capacity_below_attending: { text: (day) => `The number of places cannot be fewer than the people who already have one at the meeting on ${day}`, field: 'capacity' },
};

const JOIN_REFUSALS: Record<'no_place' | Exclude<JoinState, 'open'>, string> = {
  not_yet: 'It is too early to join: the link appears on this page shortly before the meeting starts.',
  ended: 'This meeting has ended.',
  cancelled: 'This meeting has been cancelled.',
  no_place: 'Only people with a place can join this meeting. If you are on the waiting list, we will tell you when a place comes up.',
};

const PLACE_FLASH = { attending: 'You have a place at this meeting.', waiting: 'The meeting is full, so you are on the waiting list. We will tell you if a place comes up.' };

export function meetingsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  // The mail-from goes with it: calendar updates and cancellations are from the programme's mailbox.
  const notifyCtx = () => ({ clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret, mailFrom: deps.config.mailFrom });

  const mayOrganiseHere = async (request: FastifyRequest, reply: FastifyReply) => {
    if (await mayOrganise(db, request.user)) return true;
    await reply.code(403).view(`${V}/cannot-organise.njk`, { pageTitle: 'You cannot schedule meetings' });
    return false;
  };

  type FormContext = { action: string; values: Record<string, string | string[]>; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; preview?: boolean; status?: number; published?: boolean; seriesRest?: number };
  const formPage = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, ctx: FormContext) => {
    const picker = await pickerFor(db, request.user, programmeId);
    return reply.code(ctx.status ?? 200).view(`${V}/form.njk`, {
      pageTitle: ctx.action === '/meetings/new' ? 'Schedule a meeting' : 'Change the meeting',
      formAction: ctx.action,
      values: ctx.values,
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
      preview: ctx.preview ? { purpose: String(ctx.values.purpose ?? ''), joiningNotes: String(ctx.values.joiningNotes ?? '') } : {},
      rows: Array.from({ length: AGENDA_ROWS }, (_, i) => i + 1),
      choices: picker.choices,
      allow: picker.allow,
      published: ctx.published ?? false,
      isNew: ctx.action === '/meetings/new',
      seriesRest: ctx.seriesRest ?? 0,
      seriesMin: SERIES_MIN,
      seriesMax: SERIES_MAX,
    });
  };

  /** A posted schedule or change form: preview, or check and save. */
  const handleForm = async (request: FastifyRequest, reply: FastifyReply, body: Record<string, string | string[]>, programmeId: number, action: string, before?: Meeting) => {
    const meetingId = before?.id;
    const published = before?.status === 'published';
    const seriesRest = before ? await restOfSeriesCount(db, before, clock) : 0;
    const values = typedValues(body, RICH_MAX + 100);
    const again = (ctx: { errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; preview?: boolean; status?: number }) => formPage(request, reply, programmeId, { action, values, published, seriesRest, ...ctx });
    if (body.action === 'preview') return again({ preview: true });
    const form = parseForm(meetingForm, body, { order: [...FIELD_ORDER, ...audienceFieldOrder()], anchors: ANCHORS });
    const audience = await parseAudience(db, body, { allow: request.user!.role === 'admin' ? MEETING_CHOICES : ['projects', 'subgroups'], choices: await allGroups(db, programmeId) });
    if (!form.ok || !audience.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(audience.ok ? {} : audience.errors) };
      const errorList = [...(form.ok ? [] : form.errorList), ...(audience.ok ? [] : audience.errorList)];
      return again({ errors, errorList, status: 400 });
    }
    // The publish choice; a form without it (a published meeting's, or an older page's) says it by its button.
    const publishWhen = form.data.publishWhen ?? (body.action === 'draft' ? 'draft' : 'now');
    const draft = {
      ...form.data,
      audience: audience.data,
      publish: publishWhen === 'now',
      publishAt: publishWhen === 'at' ? form.data.publishAt : null,
      repeat: meetingId === undefined ? form.data.repeat : null,
      scope: seriesRest > 0 ? form.data.scope : ('one' as const),
    };
    const saved = meetingId === undefined ? await scheduleMeeting(db, request.user, programmeId, draft, clock) : await changeMeeting(db, request.user, programmeId, meetingId, draft, notifyCtx());
    if (!saved.ok) {
      if (saved.reason === 'not_found') return sendErrorPage(request, reply, 404);
      const { text: word, field } = SAVE_REFUSALS[saved.reason];
      const text = word(saved.date ? londonDay(saved.date) : '');
      const anchor = (ANCHORS as Record<string, string>)[field];
      const href = anchor ? `#${anchor}` : field === 'audience' ? `#${audienceFieldOrder()[0]}` : `#${field}`;
      return again({ errors: { [field]: { text } }, errorList: [{ text, href }], status: saved.reason === 'not_allowed' ? 403 : 400 });
    }
    const target = 'id' in saved ? saved.id : meetingId!;
    if ('told' in saved && saved.told > 0) deps.pokeMailWorker();
    reply.flash(savedMessage(saved, draft, before));
    return reply.redirect(`/meetings/${target}`);
  };

  /** What the organiser is told after saving. */
  const savedMessage = (saved: { ok: true; told: number; changed?: number } | { ok: true; id: number; ids: number[] }, draft: { publish: boolean; publishAt: string | null; startsAt: string; endsAt: string }, before?: Meeting): string => {
    if ('ids' in saved) {
      const what = saved.ids.length > 1 ? `A series of ${saved.ids.length} meetings` : 'Meeting';
      if (draft.publish) return `${what} scheduled and published. Invitees can see ${saved.ids.length > 1 ? 'them' : 'it'} now.`;
      if (draft.publishAt) return `${what} saved. ${saved.ids.length > 1 ? 'Each' : 'It'} will be published on ${publishOn({ status: 'draft', publish_at: draft.publishAt } as Meeting)}; until then only organisers can see ${saved.ids.length > 1 ? 'them' : 'it'}.`;
      return `${what} saved as ${saved.ids.length > 1 ? 'drafts' : 'a draft'}. Only organisers can see ${saved.ids.length > 1 ? 'them' : 'it'} until you publish ${saved.ids.length > 1 ? 'them' : 'it'}.`;
    }
    const what = saved.changed && saved.changed > 1 ? `This meeting and the ${saved.changed - 1} after it in the series changed.` : 'Meeting changed.';
    if (saved.told === 0) return what;
    const moved = before && (before.starts_at !== draft.startsAt || before.ends_at !== draft.endsAt);
    return `${what} We have told ${saved.told} ${saved.told === 1 ? 'invitee' : 'invitees'} about the ${moved ? 'new time' : 'change'}.`;
  };

  // The organiser's list
  app.get('/meetings', organisers, async (request, reply) => {
    if (!(await mayOrganiseHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const lists = await organiserLists(db, request.user, programme.id, clock);
    return reply.view(`${V}/list.njk`, { pageTitle: 'Meetings', ...lists });
  });

  app.get('/meetings/new', organisers, async (request, reply) => {
    if (!(await mayOrganiseHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    return formPage(request, reply, programme.id, { action: '/meetings/new', values: {} });
  });

  app.post('/meetings/new', { ...organisers, schema: { body: formBody } }, async (request, reply) => {
    if (!(await mayOrganiseHere(request, reply))) return reply;
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    return handleForm(request, reply, request.body, programme.id, '/meetings/new');
  });

  const editable = async (request: FastifyRequest, reply: FastifyReply, meetingId: number) => {
    const programme = await request.programme();
    const m = programme && (await managedMeeting(db, request.user, programme.id, meetingId));
    if (!programme || !m) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    if (m.status === 'cancelled') {
      reply.flash('This meeting has been cancelled, so it cannot be changed.');
      await reply.redirect(`/meetings/${m.id}`);
      return null;
    }
    return { programme, m };
  };

  app.get('/meetings/:id/edit', { ...organisers, schema: { params: idParam } }, async (request, reply) => {
    const found = await editable(request, reply, request.params.id);
    if (!found) return reply;
    const values = { ...formValues(found.m, await agendaOf(db, found.m.id)), ...audienceFormValues(await meetingAudience(db, found.m.id)) };
    return formPage(request, reply, found.programme.id, { action: `/meetings/${found.m.id}/edit`, values, published: found.m.status === 'published', seriesRest: await restOfSeriesCount(db, found.m, clock) });
  });

  app.post('/meetings/:id/edit', { ...organisers, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const found = await editable(request, reply, request.params.id);
    if (!found) return reply;
    return handleForm(request, reply, request.body, found.programme.id, `/meetings/${found.m.id}/edit`, found.m);
  });

  const ENDED_NOT_CANCELLED = 'This meeting has ended, so it cannot be cancelled.';
  app.get('/meetings/:id/cancel', { ...organisers, schema: { params: idParam } }, async (request, reply) => {
    const found = await editable(request, reply, request.params.id);
    if (!found) return reply;
    if (joinState(found.m, clock()) === 'ended') {
      reply.flash(ENDED_NOT_CANCELLED);
      return reply.redirect(`/meetings/${found.m.id}`);
    }
    return reply.view(`${V}/cancel.njk`, { pageTitle: `Cancel “${found.m.title}”?`, meeting: found.m, when: londonSpan(found.m.starts_at, found.m.ends_at), seriesRest: await restOfSeriesCount(db, found.m, clock) });
  });

  app.post('/meetings/:id/cancel', { ...organisers, schema: { params: idParam, body: cancelBody } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const scope = cancelScope(request.body.scope);
    if (!scope) {
      reply.flash('Choose whether to cancel this meeting only or the rest of the series too.');
      return reply.redirect(`/meetings/${request.params.id}/cancel`);
    }
    const result = await cancel(db, request.user, programme.id, request.params.id, notifyCtx(), { scope });
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(result.reason === 'ended' ? ENDED_NOT_CANCELLED : 'This meeting was already cancelled.');
      return reply.redirect(`/meetings/${request.params.id}`);
    }
    if (result.told > 0) deps.pokeMailWorker();
    const what = result.cancelled > 1 ? `${result.cancelled} meetings of the series cancelled.` : 'Meeting cancelled.';
    reply.flash(result.told > 0 ? `${what} We have told ${result.told} ${result.told === 1 ? 'invitee' : 'invitees'}.` : what);
    return reply.redirect(`/meetings/${request.params.id}`);
  });

  // Participants
  app.get('/my/meetings', signedIn, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const lists = await yourMeetings(db, request.user, programme.id, clock);
    return reply.view(`${V}/yours.njk`, { pageTitle: 'Your meetings', ...lists, organises: await mayOrganise(db, request.user) });
  });

  app.get('/meetings/:id', { ...signedIn, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    const found = programme && (await readableMeeting(db, request.user, programme.id, request.params.id));
    if (!found) return sendErrorPage(request, reply, 404);
    const { meeting, manages } = found;
    const details = await meetingDetails(db, meeting.id, request.user!.id);
    const pageParts = await meetingPageParts({ db, viewer: request.user!, meeting, manages, clock, baseUrl: deps.config.baseUrl });
    const now = clock();
    const state = joinState(meeting, now);
    return reply.view(`${V}/meeting.njk`, {
      pageTitle: meeting.title,
      meeting,
      manages,
      when: londonSpan(meeting.starts_at, meeting.ends_at),
      ...details,
      placesLeft: placesLeft(meeting, details.counts.attending),
      // The join link is in the page only while it is open, and never for a draft.
      joinOpen: meeting.status === 'published' && state === 'open' && !needsPlaceToJoin(meeting, manages, details.mine),
      joinState: state,
      joinOpensMinutes: meeting.join_opens_minutes,
      mayAnswer: meeting.status === 'published' && state !== 'ended',
      // A meeting that has ended happened: it can be changed (its record put right), not cancelled.
      mayCancel: meeting.status !== 'cancelled' && state !== 'ended',
      publishOn: publishOn(meeting),
      series: await seriesPlace(db, meeting),
      pageParts,
    });
  });

  app.post('/meetings/:id/rsvp', { ...signedIn, schema: { params: idParam, body: rsvpBody } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const response = request.body.response;
    if (!response) {
      reply.flash('Choose whether you are coming: yes, no or maybe.');
      return reply.redirect(`/meetings/${request.params.id}#rsvp`);
    }
    const result = await rsvp(db, request.user, programme.id, request.params.id, response, notifyCtx());
    if (!result.ok) {
      if (result.reason === 'not_found' || result.reason === 'draft') return sendErrorPage(request, reply, 404);
      reply.flash(result.reason === 'cancelled' ? 'This meeting has been cancelled, so your answer was not saved.' : 'This meeting has ended, so your answer was not saved.');
      return reply.redirect(`/meetings/${request.params.id}`);
    }
    deps.pokeMailWorker();
    reply.flash(result.place ? PLACE_FLASH[result.place] : result.response === 'no' ? 'We have noted that you are not coming.' : 'We have noted that you might come.');
    return reply.redirect(`/meetings/${request.params.id}#rsvp`);
  });

  app.get('/meetings/:id/join', { ...signedIn, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const result = await join(db, request.user, programme.id, request.params.id, clock);
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(JOIN_REFUSALS[result.reason]);
      return reply.redirect(`/meetings/${request.params.id}`);
    }
    return reply.redirect(result.url);
  });
}
