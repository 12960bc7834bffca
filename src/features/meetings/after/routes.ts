// After the meeting: attendance, minutes with decisions and actions (organisers), comments and
// approvals (those asked), "Your actions" (owners), overdue actions (organisers), and the export
// of invitees, answers and attendance. Thin: parse, call the service, render or redirect.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { sendExport, spreadsheetDateTime, type Column } from '../../../platform/export/export.ts';
import { parseForm, typedValues, type FormFailure } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, formOf, idParams, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { londonDate } from '../../../platform/time.ts';
import { londonSpan } from '../../../platform/london-time.ts';
import { managedMeeting, mayOrganise } from '../service.ts';
import type { Meeting } from '../tables.ts';
import { ACTION_ANCHORS, ACTION_ORDER, actionForm, COMMENT_MAX, commentForm, decisionForm, MINUTES_MAX, minutesForm, REVIEW_ANCHORS, REVIEW_ORDER, reviewForm } from './forms.ts';
import {
  addAction,
  addDecision,
  approveMinutes,
  askedMeeting,
  attendanceSheet,
  changeAction,
  commentOnMinutes,
  hasStarted,
  inviteesOf,
  managedAction,
  minutesPage,
  overdueActions,
  publishMinutes,
  recordAttendance,
  removeAction,
  removeDecision,
  saveMinutes,
  sendForComment,
  setYourActionStatus,
  yourActions,
  type Invitee,
} from './service.ts';

const V = 'features/meetings/after/views';
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const organisers = { config: onlyRoles('admin', 'facilitator', 'participant') };
const idParam = idParams;
const itemParams = z.object({ id: rowId, itemId: rowId });
const ownActionParams = z.object({ itemId: rowId });
const personIds = z.unknown().optional().transform((v) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && /^\d{1,10}$/.test(x)).map(Number));
const attendanceBody = formOf({ attended: personIds });
const statusBody = formOf({ status: z.enum(['open', 'done']).optional().catch(undefined) });

const ANSWERS: Record<string, string> = { yes: 'Yes', no: 'No', maybe: 'Maybe' };
const PLACES: Record<string, string> = { attending: 'Has a place', waiting: 'Waiting list' };

const exportColumns: Column<Invitee>[] = [
  { header: 'Name', value: (r) => r.name, width: 28 },
  { header: 'Email', value: (r) => r.email, width: 32 },
  { header: 'Answer', value: (r) => (r.response ? ANSWERS[r.response] : 'No answer') },
  { header: 'Place', value: (r) => (r.place ? PLACES[r.place] : '') },
  { header: 'Place on the waiting list', value: (r) => r.waitingPosition },
  { header: 'First joined (UK time)', value: (r) => spreadsheetDateTime(r.firstJoinedAt), width: 22 },
  { header: 'Attended', value: (r) => (r.attended === null ? 'Not recorded' : r.attended ? 'Yes' : 'No') },
];

type FormState = { values?: Record<string, string | string[]>; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; preview?: string; status?: number };

export function recordsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const notifyCtx = () => ({ clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret });

  /** The meeting, when this person organises it (and it is not a draft); otherwise the not-found page. */
  const organised = async (request: FastifyRequest, reply: FastifyReply, meetingId: number): Promise<{ programmeId: number; meeting: Meeting } | null> => {
    const programme = await request.programme();
    const meeting = programme ? await managedMeeting(db, request.user, programme.id, meetingId) : undefined;
    if (!programme || !meeting || meeting.status === 'draft') {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return { programmeId: programme.id, meeting };
  };

  const notStarted = (reply: FastifyReply, m: Meeting) => {
    reply.flash(m.status === 'cancelled' ? 'This meeting was cancelled, so it has no attendance, minutes or actions.' : 'You can record attendance, minutes and actions once the meeting has started.');
    return reply.redirect(`/meetings/${m.id}`);
  };

  // ---- Attendance

  app.get('/meetings/:id/attendance', { ...organisers, schema: { params: idParam } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    if (!hasStarted(found.meeting, clock())) return notStarted(reply, found.meeting);
    const sheet = await attendanceSheet(db, found.meeting.id);
    return reply.view(`${V}/attendance.njk`, { pageTitle: `Attendance: ${found.meeting.title}`, meeting: found.meeting, when: londonSpan(found.meeting.starts_at, found.meeting.ends_at), ...sheet });
  });

  app.post('/meetings/:id/attendance', { ...organisers, schema: { params: idParam, body: attendanceBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const result = await recordAttendance(db, request.user, found.programmeId, found.meeting.id, request.body.attended, clock);
    if (!result.ok) return result.reason === 'not_started' ? notStarted(reply, found.meeting) : sendErrorPage(request, reply, 404);
    reply.flash(`Attendance saved: ${result.attended} ${result.attended === 1 ? 'person' : 'people'} attended.`);
    return reply.redirect(`/meetings/${found.meeting.id}/attendance`);
  });

  // ---- Minutes, decisions and actions (organisers)

  const minutesView = async (reply: FastifyReply, meeting: Meeting, state: FormState = {}) => {
    const page = await minutesPage(db, meeting.id, clock);
    const values = state.values ?? { body: page.minutes?.body ?? '' };
    return reply.code(state.status ?? 200).view(`${V}/minutes.njk`, {
      pageTitle: `Minutes and actions: ${meeting.title}`,
      meeting,
      when: londonSpan(meeting.starts_at, meeting.ends_at),
      ...page,
      values,
      errors: state.errors ?? {},
      errorList: state.errorList,
      preview: state.preview,
    });
  };

  app.get('/meetings/:id/minutes', { ...organisers, schema: { params: idParam } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    if (!hasStarted(found.meeting, clock())) return notStarted(reply, found.meeting);
    return minutesView(reply, found.meeting);
  });

  app.post('/meetings/:id/minutes', { ...organisers, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const values = typedValues(request.body, MINUTES_MAX + 100);
    if (request.body.action === 'preview') return minutesView(reply, found.meeting, { values, preview: typeof request.body.body === 'string' ? request.body.body : '' });
    const form = parseForm(minutesForm, request.body);
    if (!form.ok) return minutesView(reply, found.meeting, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    const saved = await saveMinutes(db, request.user, found.programmeId, found.meeting.id, form.data.body, clock);
    if (!saved.ok) return saved.reason === 'not_started' ? notStarted(reply, found.meeting) : sendErrorPage(request, reply, 404);
    reply.flash('Minutes saved.');
    return reply.redirect(`/meetings/${found.meeting.id}/minutes`);
  });

  const MINUTES_REFUSALS = {
    no_minutes: { text: 'Write and save the minutes first', href: '#body' },
    published: { text: 'These minutes are already published', href: '#body' },
    in_past: { text: 'The date comments close must be in the future', href: '#until-day' },
    nobody: { text: 'Nobody is ticked as attended on the attendance page, so there is nobody to send the draft to. Record the attendance first', href: '#until-day' },
    not_started: { text: 'The meeting has not started yet', href: '#body' },
  } as const;

  app.post('/meetings/:id/minutes/review', { ...organisers, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const values = { ...typedValues(request.body), body: (await minutesPage(db, found.meeting.id, clock)).minutes?.body ?? '' };
    const form = parseForm(reviewForm, request.body, { order: REVIEW_ORDER, anchors: REVIEW_ANCHORS });
    if (!form.ok) return minutesView(reply, found.meeting, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    const result = await sendForComment(db, request.user, found.programmeId, found.meeting.id, form.data.until, notifyCtx());
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      const refusal = MINUTES_REFUSALS[result.reason];
      return minutesView(reply, found.meeting, { values, errors: { [refusal.href === '#body' ? 'body' : 'until']: { text: refusal.text } }, errorList: [refusal], status: 400 });
    }
    deps.pokeMailWorker();
    reply.flash(`Draft minutes sent for comment to ${result.told} ${result.told === 1 ? 'person' : 'people'}.`);
    return reply.redirect(`/meetings/${found.meeting.id}/minutes`);
  });

  app.post('/meetings/:id/minutes/publish', { ...organisers, schema: { params: idParam } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const result = await publishMinutes(db, request.user, found.programmeId, found.meeting.id, notifyCtx());
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(`${MINUTES_REFUSALS[result.reason].text}.`);
      return reply.redirect(`/meetings/${found.meeting.id}/minutes`);
    }
    deps.pokeMailWorker();
    reply.flash(`Minutes published. We have told ${result.told} ${result.told === 1 ? 'person' : 'people'}.`);
    return reply.redirect(`/meetings/${found.meeting.id}/minutes`);
  });

  app.post('/meetings/:id/decisions', { ...organisers, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const values = { ...typedValues(request.body), body: (await minutesPage(db, found.meeting.id, clock)).minutes?.body ?? '' };
    const form = parseForm(decisionForm, request.body);
    if (!form.ok) return minutesView(reply, found.meeting, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    const result = await addDecision(db, request.user, found.programmeId, found.meeting.id, { text: form.data.decision, agendaPosition: form.data.agendaItem }, clock);
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (result.reason === 'not_started') return notStarted(reply, found.meeting);
      const text = 'Choose an agenda item from the list, or none';
      return minutesView(reply, found.meeting, { values, errors: { agendaItem: { text } }, errorList: [{ text, href: '#agendaItem' }], status: 400 });
    }
    reply.flash('Decision added.');
    return reply.redirect(`/meetings/${found.meeting.id}/minutes#decisions`);
  });

  app.post('/meetings/:id/decisions/:itemId/delete', { ...organisers, schema: { params: itemParams } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    if (!(await removeDecision(db, request.user, found.programmeId, found.meeting.id, request.params.itemId))) return sendErrorPage(request, reply, 404);
    reply.flash('Decision removed.');
    return reply.redirect(`/meetings/${found.meeting.id}/minutes#decisions`);
  });

  const ACTION_REFUSALS = { not_invitee: { text: 'Choose someone invited to the meeting', href: '#owner' } } as const;

  app.post('/meetings/:id/actions', { ...organisers, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const values = { ...typedValues(request.body), body: (await minutesPage(db, found.meeting.id, clock)).minutes?.body ?? '' };
    const form = parseForm(actionForm, request.body, { order: ACTION_ORDER, anchors: ACTION_ANCHORS });
    if (!form.ok) return minutesView(reply, found.meeting, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    const result = await addAction(db, request.user, found.programmeId, found.meeting.id, form.data, clock);
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      if (result.reason === 'not_started') return notStarted(reply, found.meeting);
      const r = ACTION_REFUSALS[result.reason];
      return minutesView(reply, found.meeting, { values, errors: { owner: { text: r.text } }, errorList: [r], status: 400 });
    }
    reply.flash('Action added.');
    return reply.redirect(`/meetings/${found.meeting.id}/minutes#actions`);
  });

  const actionPage = async (reply: FastifyReply, meeting: Meeting, actionId: number, state: FormState & { values: Record<string, string | string[]> }) => {
    const invitees = await inviteesOf(db, meeting.id);
    return reply.code(state.status ?? 200).view(`${V}/action.njk`, { pageTitle: `Change the action: ${meeting.title}`, meeting, actionId, invitees, values: state.values, errors: state.errors ?? {}, errorList: state.errorList });
  };

  app.get('/meetings/:id/actions/:itemId', { ...organisers, schema: { params: itemParams } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const a = await managedAction(db, request.user, found.programmeId, found.meeting.id, request.params.itemId);
    if (!a) return sendErrorPage(request, reply, 404);
    const [year, month, day] = a.action.due_date.split('-') as [string, string, string];
    const values = { what: a.action.what, owner: a.action.owner_id === null ? '' : String(a.action.owner_id), 'due-day': String(Number(day)), 'due-month': String(Number(month)), 'due-year': year, status: a.action.status, note: a.action.note };
    return actionPage(reply, found.meeting, a.action.id, { values });
  });

  app.post('/meetings/:id/actions/:itemId', { ...organisers, schema: { params: itemParams, body: formBody } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const values = typedValues(request.body);
    const form = parseForm(actionForm, request.body, { order: ACTION_ORDER, anchors: ACTION_ANCHORS });
    if (!form.ok) {
      if (!(await managedAction(db, request.user, found.programmeId, found.meeting.id, request.params.itemId))) return sendErrorPage(request, reply, 404);
      return actionPage(reply, found.meeting, request.params.itemId, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    }
    const result = await changeAction(db, request.user, found.programmeId, found.meeting.id, request.params.itemId, form.data, clock);
    if (!result.ok) {
      if (result.reason !== 'not_invitee') return sendErrorPage(request, reply, 404);
      const r = ACTION_REFUSALS.not_invitee;
      return actionPage(reply, found.meeting, request.params.itemId, { values, errors: { owner: { text: r.text } }, errorList: [r], status: 400 });
    }
    reply.flash('Action changed.');
    return reply.redirect(`/meetings/${found.meeting.id}/minutes#actions`);
  });

  app.post('/meetings/:id/actions/:itemId/delete', { ...organisers, schema: { params: itemParams } }, async (request, reply) => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    if (!(await removeAction(db, request.user, found.programmeId, found.meeting.id, request.params.itemId))) return sendErrorPage(request, reply, 404);
    reply.flash('Action removed.');
    return reply.redirect(`/meetings/${found.meeting.id}/minutes#actions`);
  });

  // ---- Comments and approvals (those asked, while the draft is out)

  const REVIEW_FLASH = { closed: 'Comments on these minutes have closed, so nothing was saved.', already: 'You have already approved these minutes.' };

  app.post('/meetings/:id/minutes/comments', { ...signedIn, schema: { params: idParam, body: formBody } }, async (request, reply) => {
    const programme = await request.programme();
    // Only those asked reach the form's checks: anyone else is not told the meeting exists.
    const meeting = programme && (await askedMeeting(db, request.user, programme.id, request.params.id));
    if (!programme || !meeting) return sendErrorPage(request, reply, 404);
    const form = parseForm(commentForm, request.body);
    if (!form.ok) {
      // The error beside what they typed (the meeting's page cannot hold it): nothing typed is lost.
      const minutes = await minutesPage(db, meeting.id, clock);
      if (!minutes.reviewOpen) {
        reply.flash(REVIEW_FLASH.closed);
        return reply.redirect(`/meetings/${meeting.id}#minutes`);
      }
      return reply.code(400).view(`${V}/comment.njk`, {
        pageTitle: `Comment on the draft minutes: ${meeting.title}`,
        meeting,
        reviewUntil: minutes.reviewUntil,
        comment: typeof request.body.comment === 'string' ? request.body.comment.slice(0, COMMENT_MAX + 1000) : '',
        commentMax: COMMENT_MAX,
        errors: form.errors,
        errorList: form.errorList,
      });
    }
    const result = await commentOnMinutes(db, request.user, programme.id, request.params.id, form.data.comment, clock);
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(REVIEW_FLASH[result.reason]);
      return reply.redirect(`/meetings/${request.params.id}#minutes`);
    }
    reply.flash('Thank you: your comment has been sent to the organisers.');
    return reply.redirect(`/meetings/${request.params.id}#minutes`);
  });

  app.post('/meetings/:id/minutes/approve', { ...signedIn, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    const result = await approveMinutes(db, request.user, programme.id, request.params.id, clock);
    if (!result.ok) {
      if (result.reason === 'not_found') return sendErrorPage(request, reply, 404);
      reply.flash(REVIEW_FLASH[result.reason]);
      return reply.redirect(`/meetings/${request.params.id}#minutes`);
    }
    reply.flash('Thank you: you have approved these minutes.');
    return reply.redirect(`/meetings/${request.params.id}#minutes`);
  });

  // ---- Your actions, overdue actions

  app.get('/my/actions', signedIn, async (request, reply) => {
    const actions = await yourActions(db, request.user!, clock);
    return reply.view(`${V}/your-actions.njk`, { pageTitle: 'Your actions', actions, open: actions.filter((a) => a.status === 'open'), done: actions.filter((a) => a.status === 'done'), organises: await mayOrganise(db, request.user) });
  });

  app.post('/my/actions/:itemId', { ...signedIn, schema: { params: ownActionParams, body: statusBody } }, async (request, reply) => {
    const status = request.body.status;
    if (!status) {
      reply.flash('Choose whether the action is done or still open.');
      return reply.redirect('/my/actions');
    }
    const result = await setYourActionStatus(db, request.user, request.params.itemId, status, clock);
    if (!result.ok) return sendErrorPage(request, reply, 404);
    reply.flash(status === 'done' ? 'Action marked as done.' : 'Action reopened.');
    return reply.redirect('/my/actions');
  });

  app.get('/meetings/actions/overdue', organisers, async (request, reply) => {
    const programme = await request.programme();
    if (!programme) return sendErrorPage(request, reply, 404);
    if (!(await mayOrganise(db, request.user))) return sendErrorPage(request, reply, 403);
    const actions = await overdueActions(db, request.user, programme.id, clock);
    return reply.view(`${V}/overdue.njk`, { pageTitle: 'Overdue actions', actions });
  });

  // ---- Export of invitees, answers and attendance

  const exportMeeting = async (request: FastifyRequest<{ Params: z.output<typeof idParam> }>, reply: FastifyReply, format: 'csv' | 'xlsx') => {
    const found = await organised(request, reply, request.params.id);
    if (!found) return reply;
    const rows = await inviteesOf(db, found.meeting.id);
    await recordAudit(db, { actorId: request.user!.id, action: `meeting.export.${format}`, recordType: 'meeting', recordId: found.meeting.id, summary: `Downloaded a meeting's invitees and attendance as ${format === 'csv' ? 'CSV' : 'Excel'}` }, clock);
    // One meeting's invitees: a list already read (inviteesOf joins the audience and the answers), handed over as a stream.
    async function* stream() {
      yield* rows;
    }
    return sendExport(reply, { format, fileName: `meeting-${found.meeting.id}-attendance-${londonDate(clock())}`, sheetName: 'Attendance', columns: exportColumns, rows: stream() });
  };
  app.get('/meetings/:id/export.csv', { ...organisers, schema: { params: idParam } }, (request, reply) => exportMeeting(request, reply, 'csv'));
  app.get('/meetings/:id/export.xlsx', { ...organisers, schema: { params: idParam } }, (request, reply) => exportMeeting(request, reply, 'xlsx'));
}
