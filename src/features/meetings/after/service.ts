// After the meeting (issue 11 §4): the organiser records who attended (prefilled from Join and
// from "yes"), writes the minutes and decisions, may send the draft to the attendees to comment
// on or approve until a set time, and publishes them (the audience is told); actions have an
// owner among the invitees and a due date, a reminder job at 09:00 London time the calendar day
// before it is due, and their owners mark them done at "Your actions". Organisers are whoever the
// core's managedMeeting allows. Services return reason codes; pages word them.
import { addressees, managedBy } from '../../../platform/audience/access.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import { cancelJobs, scheduleJob } from '../../../platform/jobs/jobs.ts';
import type { JobHandlers } from '../../../platform/jobs/runner.ts';
import { notify, type NotifyContext } from '../../../platform/notify/notify.ts';
import { addDays, formatDate, formatDateTime, londonDate, type Clock } from '../../../platform/time.ts';
import { londonToUtc, londonSpan } from '../../../platform/london-time.ts';
import { ITEM_KIND, managedMeeting, readableMeeting } from '../service.ts';
import type { Meeting } from '../tables.ts';
import { ACTION_DUE, MINUTES_PUBLISHED, MINUTES_REVIEW } from './notifications.ts';
import * as q from './queries.ts';
import type { ActionInput } from './queries.ts';
import type { ActionStatus, RecordsDb, RecordsTables } from './tables.ts';

declare module '../../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Reminds an action's owner the day before it is due. */
    'meetings.action-due': { actionId: number };
  }
}

export const own = (db: Db | Tx): RecordsDb => scoped<RecordsTables, 'people' | 'meetings' | 'meeting_responses' | 'meeting_agenda_items'>(db);

type Viewer = { id: number; role: 'admin' | 'facilitator' | 'participant' | 'observer' } | null | undefined;

// ---- Invitees

export type Invitee = {
  personId: number;
  name: string;
  email: string;
  response: string | null;
  place: string | null;
  /** Their place on the waiting list (1 is next to get a place), or null. */
  waitingPosition: number | null;
  firstJoinedAt: string | null;
  /** As the organiser recorded it; null when not recorded. */
  attended: boolean | null;
};

/** Each waiting person's place in the queue, 1 first (the stored positions only order it: they keep gaps as people move up). */
function waitingRanks(responses: readonly { person_id: number; place: string | null; waiting_position: number | null }[]): Map<number, number> {
  const waiting = responses.filter((x) => x.place === 'waiting' && x.waiting_position !== null).sort((a, b) => a.waiting_position! - b.waiting_position! || a.person_id - b.person_id);
  return new Map(waiting.map((x, i) => [x.person_id, i + 1]));
}

/** Everyone the meeting is addressed to, and anyone with an answer or a press of Join, by name. */
export async function inviteesOf(db: Db | Tx, meetingId: number): Promise<Invitee[]> {
  const r = own(db);
  const [addressed, responses, attendance] = await Promise.all([addressees(db, ITEM_KIND, meetingId), q.responsesOf(r, meetingId), q.attendanceOf(r, meetingId)]);
  const byPerson = new Map(responses.map((x) => [x.person_id, x]));
  const ranks = waitingRanks(responses);
  const recorded = new Map(attendance.map((a) => [a.person_id, a.attended === 1]));
  const ids = [...new Set([...addressed, ...responses.map((x) => x.person_id)])];
  const names = await q.peopleNamed(r, ids);
  return ids
    .filter((id) => names.has(id))
    .map((id) => {
      const x = byPerson.get(id);
      const p = names.get(id)!;
      return { personId: id, name: p.name, email: p.email, response: x?.response ?? null, place: x?.place ?? null, waitingPosition: ranks.get(id) ?? null, firstJoinedAt: x?.first_joined_at ?? null, attended: recorded.get(id) ?? null };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.personId - b.personId);
}

// ---- Attendance

export type AttendanceSource = 'recorded' | 'joined' | 'answered' | 'none';
export type AttendanceRow = Invitee & { checked: boolean; source: AttendanceSource };

/** Attendance, minutes and actions are recorded for a published meeting from its start onward (a cancelled one was never held). */
export const hasStarted = (m: Pick<Meeting, 'starts_at' | 'status'>, now: Date) => m.status === 'published' && now.getTime() >= Date.parse(m.starts_at);

/**
 * The attendance sheet: a saved row says what the organiser recorded; otherwise a press of Join
 * ticks the box, and so does "yes" while nobody's attendance has been saved yet.
 */
function attendanceRows(invitees: readonly Invitee[], saved: boolean): AttendanceRow[] {
  return invitees.map((i) => {
    if (i.attended !== null) return { ...i, checked: i.attended, source: 'recorded' };
    if (i.firstJoinedAt) return { ...i, checked: true, source: 'joined' };
    if (!saved && i.response === 'yes') return { ...i, checked: true, source: 'answered' };
    return { ...i, checked: false, source: 'none' };
  });
}

export async function attendanceSheet(db: Db, meetingId: number) {
  const invitees = await inviteesOf(db, meetingId);
  const attendance = await q.attendanceOf(own(db), meetingId);
  const saved = attendance.length > 0;
  const rows = attendanceRows(invitees, saved);
  const last = attendance.reduce<(typeof attendance)[number] | undefined>((a, b) => (!a || b.recorded_at > a.recorded_at ? b : a), undefined);
  const by = last?.recorded_by ? (await q.peopleNamed(own(db), [last.recorded_by])).get(last.recorded_by)?.name ?? null : null;
  return { rows, saved, recordedAt: last ? formatDateTime(last.recorded_at) : null, recordedBy: by };
}

export type Managed = { ok: true; meeting: Meeting } | { ok: false; reason: 'not_found' };

async function managed(db: Db | Tx, viewer: Viewer, programmeId: number, meetingId: number): Promise<Meeting | undefined> {
  const m = await managedMeeting(db, viewer, programmeId, meetingId);
  return m && m.status !== 'draft' ? m : undefined;
}

/** Saves attendance: the ticked invitees attended, every other invitee did not. Ids not among the invitees are ignored. */
export async function recordAttendance(db: Db, viewer: Viewer, programmeId: number, meetingId: number, attendedIds: readonly number[], clock: Clock): Promise<{ ok: true; attended: number } | { ok: false; reason: 'not_found' | 'not_started' }> {
  const m = await managed(db, viewer, programmeId, meetingId);
  if (!viewer || !m) return { ok: false, reason: 'not_found' };
  if (!hasStarted(m, clock())) return { ok: false, reason: 'not_started' };
  const ticked = new Set(attendedIds);
  const invitees = await inviteesOf(db, meetingId);
  const rows = invitees.map((i) => ({ personId: i.personId, attended: ticked.has(i.personId) }));
  return inTransaction(db, async (tx) => {
    await q.saveAttendance(own(tx), meetingId, rows, viewer.id, clock().toISOString());
    await recordAudit(tx, { actorId: viewer.id, action: 'meeting.attendance', recordType: 'meeting', recordId: meetingId, summary: 'Recorded who attended a meeting' }, clock);
    return { ok: true as const, attended: rows.filter((r) => r.attended).length };
  });
}

// ---- Minutes and decisions

/**
 * Those asked to comment on the draft: the attendees as the attendance sheet ticks them (what the
 * organiser recorded; before that, who pressed Join or said yes). Once attendance is saved, a
 * "yes" marked absent is not asked, even when nobody is marked as attended.
 */
async function reviewersFor(db: Db | Tx, meetingId: number): Promise<number[]> {
  const invitees = await inviteesOf(db, meetingId);
  return attendanceRows(invitees, invitees.some((i) => i.attended !== null))
    .filter((r) => r.checked)
    .map((r) => r.personId);
}

export const reviewOpen = (minutes: { status: string; review_until: string | null } | undefined, now: Date) => minutes?.status === 'review' && minutes.review_until !== null && Date.parse(minutes.review_until) > now.getTime();

/** Everything the organiser's minutes page shows. */
export async function minutesPage(db: Db, meetingId: number, clock: Clock) {
  const r = own(db);
  const [minutes, decisions, actions, comments, approvals, invitees, agenda, asked] = await Promise.all([
    q.minutesOf(r, meetingId),
    q.decisionsOf(r, meetingId),
    q.actionsOf(r, meetingId),
    q.commentsOf(r, meetingId),
    q.approvalsOf(r, meetingId),
    inviteesOf(db, meetingId),
    q.agendaOf(r, meetingId),
    q.reviewerCount(r, meetingId),
  ]);
  const today = londonDate(clock());
  return {
    minutes,
    reviewOpen: reviewOpen(minutes, clock()),
    reviewUntil: minutes?.review_until ? `${formatDateTime(minutes.review_until)} (UK time)` : null,
    decisions,
    actions: actions.map((a) => ({ ...a, due: formatDate(a.due_date), overdue: a.status === 'open' && a.due_date < today })),
    comments: comments.map((c) => ({ ...c, when: `${formatDateTime(c.created_at)} (UK time)` })),
    approvals,
    asked,
    invitees,
    agenda,
  };
}

export type MinutesRefusal = 'not_found' | 'no_minutes' | 'published' | 'in_past' | 'nobody' | 'not_started';

export async function saveMinutes(db: Db, viewer: Viewer, programmeId: number, meetingId: number, body: string, clock: Clock): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'not_started' }> {
  const m = await managed(db, viewer, programmeId, meetingId);
  if (!viewer || !m) return { ok: false, reason: 'not_found' };
  if (!hasStarted(m, clock())) return { ok: false, reason: 'not_started' };
  await q.saveMinutesBody(own(db), meetingId, body, viewer.id, clock().toISOString());
  return { ok: true };
}

/** Sends the draft to the attendees for comment until `until`; tells each of them. */
export async function sendForComment(db: Db, viewer: Viewer, programmeId: number, meetingId: number, until: Date, ctx: NotifyContext): Promise<{ ok: true; told: number } | { ok: false; reason: MinutesRefusal }> {
  const m = await managed(db, viewer, programmeId, meetingId);
  if (!viewer || !m) return { ok: false, reason: 'not_found' };
  const minutes = await q.minutesOf(own(db), meetingId);
  if (!minutes || !minutes.body.trim()) return { ok: false, reason: 'no_minutes' };
  if (minutes.status === 'published') return { ok: false, reason: 'published' };
  if (until.getTime() <= ctx.clock().getTime()) return { ok: false, reason: 'in_past' };
  return inTransaction(db, async (tx) => {
    const people = await reviewersFor(tx, meetingId);
    if (!people.length) return { ok: false as const, reason: 'nobody' as const };
    const r = own(tx);
    const now = ctx.clock().toISOString();
    if (!(await q.setMinutesState(r, meetingId, { status: 'review', reviewUntil: until.toISOString(), publishedAt: null }, viewer.id, now))) return { ok: false as const, reason: 'published' as const };
    await q.replaceReviewers(r, meetingId, people);
    // "Approved by" names only people asked now (attendance corrected since, say).
    await q.dropApprovalsOfUnasked(r, meetingId);
    const url = `${ctx.baseUrl}/meetings/${meetingId}#minutes`;
    const closes = `${formatDateTime(until.toISOString())} (UK time)`;
    for (const personId of people) {
      await notify(tx, ctx, personId, MINUTES_REVIEW.kind, { kind: ITEM_KIND, id: meetingId, title: `Draft minutes: ${m.title}`, url: `/meetings/${meetingId}#minutes`, group: 'Meetings' }, {
        subject: `Draft minutes of “${m.title}”: your comments`,
        greeting: 'Hello,',
        parts: [`The draft minutes of “${m.title}” (${londonSpan(m.starts_at, m.ends_at)}) are ready. You can comment on them, or say you approve them, until ${closes}.`, { link: url, text: 'Read the draft minutes' }],
      });
    }
    await recordAudit(tx, { actorId: viewer.id, action: 'meeting.minutes.review', recordType: 'meeting', recordId: meetingId, summary: `Sent draft minutes to ${people.length} people for comment` }, ctx.clock);
    return { ok: true as const, told: people.length };
  });
}

/** Publishes the minutes (ending any review) and tells everyone the meeting is for. */
export async function publishMinutes(db: Db, viewer: Viewer, programmeId: number, meetingId: number, ctx: NotifyContext): Promise<{ ok: true; told: number } | { ok: false; reason: MinutesRefusal }> {
  const m = await managed(db, viewer, programmeId, meetingId);
  if (!viewer || !m) return { ok: false, reason: 'not_found' };
  const minutes = await q.minutesOf(own(db), meetingId);
  if (!minutes || !minutes.body.trim()) return { ok: false, reason: 'no_minutes' };
  if (minutes.status === 'published') return { ok: false, reason: 'published' };
  return inTransaction(db, async (tx) => {
    const now = ctx.clock().toISOString();
    if (!(await q.setMinutesState(own(tx), meetingId, { status: 'published', reviewUntil: minutes.review_until, publishedAt: now }, viewer.id, now))) return { ok: false as const, reason: 'published' as const };
    const people = await addressees(tx, ITEM_KIND, meetingId);
    const url = `${ctx.baseUrl}/meetings/${meetingId}#minutes`;
    for (const personId of people) {
      await notify(tx, ctx, personId, MINUTES_PUBLISHED.kind, { kind: ITEM_KIND, id: meetingId, title: `Minutes: ${m.title}`, url: `/meetings/${meetingId}#minutes`, group: 'Meetings' }, {
        subject: `Minutes of “${m.title}”`,
        greeting: 'Hello,',
        parts: [`The minutes of “${m.title}” (${londonSpan(m.starts_at, m.ends_at)}) are published, with the decisions made and the actions agreed.`, { link: url, text: 'Read the minutes' }],
      });
    }
    await recordAudit(tx, { actorId: viewer.id, action: 'meeting.minutes.publish', recordType: 'meeting', recordId: meetingId, summary: `Published minutes and told ${people.length} people` }, ctx.clock);
    return { ok: true as const, told: people.length };
  });
}

type ReviewRefusal = 'not_found' | 'closed' | 'already';

/** The meeting, if this person is one of those asked and may still see it. */
export async function askedMeeting(db: Db, viewer: Viewer, programmeId: number, meetingId: number) {
  const readable = await readableMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !readable || !(await q.isReviewer(own(db), meetingId, viewer.id))) return undefined;
  return readable.meeting;
}

export async function commentOnMinutes(db: Db, viewer: Viewer, programmeId: number, meetingId: number, body: string, clock: Clock): Promise<{ ok: true } | { ok: false; reason: ReviewRefusal }> {
  if (!viewer || !(await askedMeeting(db, viewer, programmeId, meetingId))) return { ok: false, reason: 'not_found' };
  if (!reviewOpen(await q.minutesOf(own(db), meetingId), clock())) return { ok: false, reason: 'closed' };
  await q.addComment(own(db), meetingId, viewer.id, body, clock().toISOString());
  return { ok: true };
}

export async function approveMinutes(db: Db, viewer: Viewer, programmeId: number, meetingId: number, clock: Clock): Promise<{ ok: true } | { ok: false; reason: ReviewRefusal }> {
  if (!viewer || !(await askedMeeting(db, viewer, programmeId, meetingId))) return { ok: false, reason: 'not_found' };
  if (!reviewOpen(await q.minutesOf(own(db), meetingId), clock())) return { ok: false, reason: 'closed' };
  return (await q.addApproval(own(db), meetingId, viewer.id, clock().toISOString())) ? { ok: true } : { ok: false, reason: 'already' };
}

export async function addDecision(db: Db, viewer: Viewer, programmeId: number, meetingId: number, input: { text: string; agendaPosition: number | null }, clock: Clock): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'not_started' | 'no_agenda_item' }> {
  const m = await managed(db, viewer, programmeId, meetingId);
  if (!viewer || !m) return { ok: false, reason: 'not_found' };
  if (!hasStarted(m, clock())) return { ok: false, reason: 'not_started' };
  if (input.agendaPosition !== null) {
    if (!(await q.agendaOf(own(db), meetingId)).some((a) => a.position === input.agendaPosition)) return { ok: false, reason: 'no_agenda_item' };
  }
  await q.addDecision(own(db), meetingId, input.text, input.agendaPosition, clock().toISOString());
  return { ok: true };
}

export async function removeDecision(db: Db, viewer: Viewer, programmeId: number, meetingId: number, decisionId: number): Promise<boolean> {
  const m = await managed(db, viewer, programmeId, meetingId);
  return Boolean(m) && (await q.deleteDecision(own(db), meetingId, decisionId));
}

// ---- Actions and their reminders

const reminderKey = (actionId: number) => `meetings.action-due:${actionId}:`;

/**
 * When the reminder goes: 09:00 London time on the calendar day before the due date (09:00 exists
 * on every London day since 1847). Null for a date London time cannot place (the forms refuse
 * years outside 2000 to 2100, so only a row written some other way has one): no reminder.
 */
export function reminderAt(dueDate: string): Date | null {
  const at = londonToUtc(addDays(dueDate, -1), '09:00');
  return at.ok ? at.utc : null;
}

/**
 * Keeps an action's reminder in step with it, in the caller's transaction: one job per action
 * (by key), moved when the due date changes, removed when the action is done, has no owner, or
 * is due today or earlier. An action due tomorrow that is added (or moved) after 9am today is
 * reminded at once, so every action due on a later day is reminded before it is due.
 */
export async function syncReminder(tx: Tx, action: { id: number; status: ActionStatus; owner_id: number | null; due_date: string }, clock: Clock): Promise<void> {
  const at = reminderAt(action.due_date);
  const now = clock();
  if (action.status === 'done' || action.owner_id === null || !at || londonDate(now) >= action.due_date) {
    await cancelJobs(tx, reminderKey(action.id));
    return;
  }
  await scheduleJob(tx, 'meetings.action-due', at.getTime() > now.getTime() ? at : now, { actionId: action.id }, reminderKey(action.id), { clock });
}

export type ActionRefusal = 'not_found' | 'not_started' | 'not_invitee';

async function ownerIsInvitee(db: Db | Tx, meetingId: number, ownerId: number): Promise<boolean> {
  return (await inviteesOf(db, meetingId)).some((i) => i.personId === ownerId);
}

export async function addAction(db: Db, viewer: Viewer, programmeId: number, meetingId: number, input: ActionInput, clock: Clock): Promise<{ ok: true; id: number } | { ok: false; reason: ActionRefusal }> {
  const m = await managed(db, viewer, programmeId, meetingId);
  if (!viewer || !m) return { ok: false, reason: 'not_found' };
  if (!hasStarted(m, clock())) return { ok: false, reason: 'not_started' };
  if (!(await ownerIsInvitee(db, meetingId, input.ownerId))) return { ok: false, reason: 'not_invitee' };
  return inTransaction(db, async (tx) => {
    const id = await q.insertAction(own(tx), meetingId, input, viewer.id, clock().toISOString());
    await syncReminder(tx, { id, status: input.status, owner_id: input.ownerId, due_date: input.dueDate }, clock);
    return { ok: true as const, id };
  });
}

/** An action of a meeting this person manages. */
export async function managedAction(db: Db, viewer: Viewer, programmeId: number, meetingId: number, actionId: number) {
  const m = await managed(db, viewer, programmeId, meetingId);
  const action = m ? await q.actionById(own(db), actionId) : undefined;
  return m && action && action.meeting_id === meetingId ? { meeting: m, action } : undefined;
}

export async function changeAction(db: Db, viewer: Viewer, programmeId: number, meetingId: number, actionId: number, input: ActionInput, clock: Clock): Promise<{ ok: true } | { ok: false; reason: ActionRefusal }> {
  const found = await managedAction(db, viewer, programmeId, meetingId, actionId);
  if (!viewer || !found) return { ok: false, reason: 'not_found' };
  // An owner whose data was erased may stay; any other owner must be an invitee.
  if (input.ownerId !== found.action.owner_id && !(await ownerIsInvitee(db, meetingId, input.ownerId))) return { ok: false, reason: 'not_invitee' };
  await inTransaction(db, async (tx) => {
    await q.updateAction(own(tx), actionId, input, clock().toISOString());
    await syncReminder(tx, { id: actionId, status: input.status, owner_id: input.ownerId, due_date: input.dueDate }, clock);
  });
  return { ok: true };
}

export async function removeAction(db: Db, viewer: Viewer, programmeId: number, meetingId: number, actionId: number): Promise<boolean> {
  const found = await managedAction(db, viewer, programmeId, meetingId, actionId);
  if (!found) return false;
  return inTransaction(db, async (tx) => {
    await cancelJobs(tx, reminderKey(actionId));
    return q.deleteAction(own(tx), meetingId, actionId);
  });
}

/** "Your actions": the person's own, open first, each with its due date and whether it is overdue. */
export async function yourActions(db: Db, viewer: NonNullable<Viewer>, clock: Clock) {
  const today = londonDate(clock());
  const rows = await q.actionsOwnedBy(own(db), viewer.id);
  return rows.map((a) => ({ ...a, due: formatDate(a.due_date), overdue: a.status === 'open' && a.due_date < today }));
}

/** The owner marks their action done or open again; anyone else's action is not found. */
export async function setYourActionStatus(db: Db, viewer: Viewer, actionId: number, status: ActionStatus, clock: Clock): Promise<{ ok: true; what: string } | { ok: false; reason: 'not_found' }> {
  if (!viewer) return { ok: false, reason: 'not_found' };
  const action = await q.actionById(own(db), actionId);
  if (!action || action.owner_id !== viewer.id) return { ok: false, reason: 'not_found' };
  await inTransaction(db, async (tx) => {
    await q.setActionStatus(own(tx), actionId, status, clock().toISOString());
    await syncReminder(tx, { ...action, status }, clock);
  });
  return { ok: true, what: action.what };
}

/** Open actions past their due date in the meetings this person manages (the audience rule, in the query). */
export async function overdueActions(db: Db, viewer: Viewer, programmeId: number, clock: Clock) {
  const rows = await q.overdueWhere(own(db), programmeId, managedBy(viewer, ITEM_KIND, 'meetings.id'), londonDate(clock()));
  return rows.map((a) => ({ ...a, due: formatDate(a.due_date) }));
}

export function recordsJobHandlers(site: Pick<NotifyContext, 'baseUrl' | 'secret'>): JobHandlers {
  return {
    'meetings.action-due': async (payload, job) => {
      const ctx = { clock: job.clock, baseUrl: site.baseUrl, secret: site.secret };
      await inTransaction(job.db, async (tx) => {
        const r = own(tx);
        const action = await q.actionById(r, payload.actionId);
        // Done, deleted, owner erased, or already reminded for this due date: nothing to send.
        if (!action || action.status === 'done' || action.owner_id === null || action.reminded_for === action.due_date) return;
        // The due date moved later while this run waited (the moved job reminds at its time), or the
        // run is so late the day has come ("due tomorrow" would be wrong; it is on the overdue list).
        const at = reminderAt(action.due_date);
        const now = job.clock();
        if (!at || now.getTime() < at.getTime() || londonDate(now) >= action.due_date) return;
        const m = await q.meetingTitle(r, action.meeting_id);
        if (!m) return;
        await notify(tx, ctx, action.owner_id, ACTION_DUE.kind, { kind: ITEM_KIND, id: m.id, title: `Action due ${formatDate(action.due_date)}: ${action.what}`, url: '/my/actions', group: 'Meetings' }, {
          subject: `Your action from “${m.title}” is due tomorrow`,
          greeting: 'Hello,',
          parts: [`Your action from “${m.title}” is due on ${formatDate(action.due_date)}:`, action.what, 'When it is done, mark it done at “Your actions”.', { link: `${ctx.baseUrl}/my/actions`, text: 'Your actions' }],
        });
        await q.markReminded(r, action.id, action.due_date);
      });
    },
  };
}

// ---- The meeting page

export async function organiserSummary(db: Db, meetingId: number, clock: Clock) {
  const r = own(db);
  const [minutes, attendance, counts] = await Promise.all([q.minutesOf(r, meetingId), q.attendanceOf(r, meetingId), q.actionCounts(r, meetingId, londonDate(clock()))]);
  return { minutesStatus: minutes?.status ?? null, attended: attendance.filter((a) => a.attended === 1).length, attendanceSaved: attendance.length > 0, actions: counts };
}

/** What an invitee sees of the minutes: the published ones, or the draft while they are asked and it is open. */
export async function minutesForInvitee(db: Db, viewer: NonNullable<Viewer>, meetingId: number, clock: Clock) {
  const r = own(db);
  const minutes = await q.minutesOf(r, meetingId);
  if (!minutes) return null;
  const published = minutes.status === 'published';
  const asked = !published && reviewOpen(minutes, clock()) && (await q.isReviewer(r, meetingId, viewer.id));
  if (!published && !asked) return null;
  const [decisions, actions, approvals] = await Promise.all([q.decisionsOf(r, meetingId), q.actionsOf(r, meetingId), q.approvalsOf(r, meetingId)]);
  const today = londonDate(clock());
  return {
    minutes,
    draft: asked,
    reviewUntil: minutes.review_until ? `${formatDateTime(minutes.review_until)} (UK time)` : null,
    approved: approvals.some((a) => a.person_id === viewer.id),
    decisions,
    actions: actions.map((a) => ({ ...a, due: formatDate(a.due_date), overdue: a.status === 'open' && a.due_date < today })),
  };
}

// ---- Withdrawal

/**
 * A participant who withdraws is no longer reminded of their open actions (the actions stay on
 * the meeting's record, for the organiser to give to someone else).
 */
export async function releaseWithdrawn(tx: Tx, personId: number): Promise<void> {
  for (const id of await q.openActionIdsOf(own(tx), personId)) await cancelJobs(tx, reminderKey(id));
}

// ---- Personal data

export const exportPersonRecords = (db: Db | Tx, personId: number) => q.personRecords(own(db), personId);

/**
 * Erasure: attendance rows, comments, approvals and being asked are deleted; actions they owned
 * stay (the meeting's record) with no owner, shown as "(owner removed)", and their reminders go;
 * their name comes off what they recorded.
 */
export async function erasePersonRecords(tx: Tx, personId: number): Promise<void> {
  await releaseWithdrawn(tx, personId);
  await q.forgetPerson(own(tx), personId);
}
