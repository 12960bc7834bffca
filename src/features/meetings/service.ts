// Virtual meetings (issue 11), first slice: organisers (admins, and leads for the groups they
// lead) schedule a meeting for an audience, as a draft or published; change it or cancel it
// (invitees are told, in the same transaction, when a published meeting moves or is cancelled);
// invitees see it, answer yes / no / maybe, and join through the site from 30 minutes before.
// With a capacity, "yes" takes a place if one is left, else a place on the waiting list; a place
// freed goes to the first on the list, who is told. Every change of places takes the meeting's
// row lock first (lockMeeting), so exactly one of many people answering at once gets the last one.
// Services return reason codes; pages word them.
import { randomUUID } from 'node:crypto';
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import { audienceChoices, audienceChoicesFor, audienceOf, leadsAny, managedBy, mayAddress, mayManage, maySee, setAudience, visibleTo, type AudienceTarget, type Viewer } from '../../platform/audience/access.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { pickerChoices, type AudienceChoice } from '../../platform/forms/audience.ts';
import { scheduleJob } from '../../platform/jobs/jobs.ts';
import type { JobHandlers } from '../../platform/jobs/runner.ts';
import { notify, type NotifyContext } from '../../platform/notify/notify.ts';
import type { Clock } from '../../platform/time.ts';
import { announceCancelled, announceChanged, announcePublished } from './announce.ts';
import { meetingWhen } from './london.ts';
import { MEETING_PLACE } from './notifications.ts';
import * as q from './queries.ts';
import type { AgendaInput, MeetingInput } from './queries.ts';
import type { Meeting, MeetingsDb, MeetingsTables, Response } from './tables.ts';

declare module '../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Moves the waiting list up into a meeting's free places (after a person's answers are erased). */
    'meetings.fill-places': { meetingId: number };
  }
}

export const own = (db: Db | Tx): MeetingsDb => scoped<MeetingsTables, 'people'>(db);

/** What the meeting is called in audience rows and notifications. */
export const ITEM_KIND = 'meeting';
/** Who a meeting can be for: the programme, projects, sub-groups, chosen people. */
export const MEETING_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people'];
/** The join link shows from this long before the start until the end. */
export const JOIN_OPENS_MINUTES = 30;
export const AGENDA_ROWS = 6;

// ---- Organisers

export async function mayOrganise(db: Db | Tx, viewer: Viewer): Promise<boolean> {
  if (!viewer) return false;
  return viewer.role === 'admin' || leadsAny(db, viewer);
}

export async function pickerFor(db: Db | Tx, viewer: Viewer, programmeId: number) {
  const choices = await audienceChoicesFor(db, viewer, programmeId);
  return { choices, allow: pickerChoices(choices.allowedKinds, MEETING_CHOICES) };
}

/** Every group of the programme: a posted group not among them is "not on the list"; mayAddress refuses one not led. */
export const allGroups = (db: Db | Tx, programmeId: number) => audienceChoices(db, programmeId);

export type MeetingDraft = MeetingInput & { agenda: AgendaInput[]; audience: AudienceTarget[]; publish: boolean };
export type SaveRefusal = 'not_allowed' | 'not_found' | 'cancelled' | 'in_past' | 'capacity_below_attending';

/** Schedules a meeting (a draft, or published now). */
export async function scheduleMeeting(db: Db, viewer: Viewer, programmeId: number, draft: MeetingDraft, clock: Clock): Promise<{ ok: true; id: number } | { ok: false; reason: SaveRefusal }> {
  if (!viewer || !(await mayAddress(db, viewer, draft.audience))) return { ok: false, reason: 'not_allowed' };
  const now = clock();
  if (Date.parse(draft.startsAt) <= now.getTime()) return { ok: false, reason: 'in_past' };
  return inTransaction(db, async (tx) => {
    const m = own(tx);
    const id = await q.insertMeeting(m, { ...draft, programmeId, uid: `${randomUUID()}@coproduce`, status: draft.publish ? 'published' : 'draft', createdBy: viewer.id }, now.toISOString());
    await q.replaceAgenda(m, id, draft.agenda);
    await setAudience(tx, ITEM_KIND, id, draft.audience);
    if (draft.publish) await announcePublished(tx, clock, id);
    await recordAudit(tx, { actorId: viewer.id, action: draft.publish ? 'meeting.publish' : 'meeting.draft', recordType: 'meeting', recordId: id, summary: draft.publish ? 'Scheduled and published a meeting' : 'Saved a draft meeting' }, clock);
    return { ok: true as const, id };
  });
}

/** A meeting this person may manage (organise), or undefined. */
export async function managedMeeting(db: Db | Tx, viewer: Viewer, programmeId: number, id: number): Promise<Meeting | undefined> {
  const m = await q.meetingById(own(db), programmeId, id);
  if (!m || !(await mayManage(db, viewer, ITEM_KIND, id))) return undefined;
  return m;
}

/** Changes a meeting: refused when cancelled; a published meeting whose time moves tells its invitees. */
export async function changeMeeting(db: Db, viewer: Viewer, programmeId: number, id: number, draft: MeetingDraft, ctx: NotifyContext): Promise<{ ok: true; told: number } | { ok: false; reason: SaveRefusal }> {
  const existing = await managedMeeting(db, viewer, programmeId, id);
  if (!viewer || !existing) return { ok: false, reason: 'not_found' };
  if (existing.status === 'cancelled') return { ok: false, reason: 'cancelled' };
  if (!(await mayAddress(db, viewer, draft.audience))) return { ok: false, reason: 'not_allowed' };
  const moved = existing.starts_at !== draft.startsAt || existing.ends_at !== draft.endsAt;
  if (moved && Date.parse(draft.startsAt) <= ctx.clock().getTime()) return { ok: false, reason: 'in_past' };
  // A published meeting stays published: saving it again never takes it back to a draft.
  const status = existing.status === 'published' || draft.publish ? 'published' : 'draft';
  return inTransaction(db, async (tx) => {
    const m = own(tx);
    await q.lockMeeting(m, id);
    if (draft.capacity !== null && draft.capacity < (await q.attendingCount(m, id))) return { ok: false as const, reason: 'capacity_below_attending' as const };
    const tellInvitees = existing.status === 'published' && moved;
    if (!(await q.updateMeeting(m, id, { ...draft, status, raiseSequence: tellInvitees }, ctx.clock().toISOString()))) return { ok: false as const, reason: 'cancelled' as const };
    await q.replaceAgenda(m, id, draft.agenda);
    await setAudience(tx, ITEM_KIND, id, draft.audience);
    // More places than before: the waiting list moves up into them.
    await fillPlaces(tx, ctx, id);
    let told = 0;
    if (existing.status === 'draft' && status === 'published') await announcePublished(tx, ctx.clock, id);
    else if (tellInvitees) told = await announceChanged(tx, ctx, id, { moved, details: false, audience: false });
    await recordAudit(tx, { actorId: viewer.id, action: existing.status === 'draft' && status === 'published' ? 'meeting.publish' : 'meeting.change', recordType: 'meeting', recordId: id, summary: tellInvitees ? `Moved a meeting and told ${told} invitees` : 'Changed a meeting' }, ctx.clock);
    return { ok: true as const, told };
  });
}

export async function cancel(db: Db, viewer: Viewer, programmeId: number, id: number, ctx: NotifyContext): Promise<{ ok: true; told: number; title: string } | { ok: false; reason: 'not_found' | 'cancelled' }> {
  const existing = await managedMeeting(db, viewer, programmeId, id);
  if (!viewer || !existing) return { ok: false, reason: 'not_found' };
  return inTransaction(db, async (tx) => {
    if (!(await q.cancelMeeting(own(tx), id, ctx.clock().toISOString()))) return { ok: false as const, reason: 'cancelled' as const };
    const told = existing.status === 'published' ? await announceCancelled(tx, ctx, id) : 0;
    await recordAudit(tx, { actorId: viewer.id, action: 'meeting.cancel', recordType: 'meeting', recordId: id, summary: `Cancelled a meeting and told ${told} invitees` }, ctx.clock);
    return { ok: true as const, told, title: existing.title };
  });
}

// ---- Lists

export type MeetingRow = Meeting & { when: string };
const withWhen = (rows: Meeting[]): MeetingRow[] => rows.map((m) => ({ ...m, when: meetingWhen(m.starts_at, m.ends_at) }));

/** What an organiser manages: drafts included. */
export async function organiserLists(db: Db, viewer: Viewer, programmeId: number, clock: Clock) {
  const now = clock().toISOString();
  const cond = managedBy(viewer, ITEM_KIND, 'meetings.id');
  const [upcoming, past] = await Promise.all([q.meetingsWhere(own(db), programmeId, cond, 'upcoming', now, { withDrafts: true }), q.meetingsWhere(own(db), programmeId, cond, 'past', now, { withDrafts: true })]);
  return { upcoming: withWhen(upcoming), past: withWhen(past) };
}

/** "Your meetings": what this person is invited to (never drafts). */
export async function yourMeetings(db: Db, viewer: Viewer, programmeId: number, clock: Clock, limit?: number) {
  const now = clock().toISOString();
  const cond = visibleTo(viewer, ITEM_KIND, 'meetings.id');
  const [upcoming, past] = await Promise.all([q.meetingsWhere(own(db), programmeId, cond, 'upcoming', now, { withDrafts: false, limit }), q.meetingsWhere(own(db), programmeId, cond, 'past', now, { withDrafts: false, limit })]);
  return { upcoming: withWhen(upcoming), past: withWhen(past) };
}

// ---- One meeting

export type JoinState = 'open' | 'not_yet' | 'ended' | 'cancelled';

export function joinState(m: Meeting, now: Date): JoinState {
  if (m.status === 'cancelled') return 'cancelled';
  if (now.getTime() >= Date.parse(m.ends_at)) return 'ended';
  if (now.getTime() < Date.parse(m.starts_at) - JOIN_OPENS_MINUTES * 60000) return 'not_yet';
  return 'open';
}

/**
 * The meeting as this person may see it: invitees see a published or cancelled meeting, its
 * organisers a draft too. Anyone else: undefined (the page is not found).
 */
export async function readableMeeting(db: Db, viewer: Viewer, programmeId: number, id: number) {
  const m = await q.meetingById(own(db), programmeId, id);
  if (!m || !viewer) return undefined;
  const manages = await mayManage(db, viewer, ITEM_KIND, id);
  if (m.status === 'draft' ? !manages : !(await maySee(db, viewer, ITEM_KIND, id))) return undefined;
  return { meeting: m, manages };
}

export async function meetingDetails(db: Db, meetingId: number, personId: number) {
  const m = own(db);
  const [agenda, counts, mine, audience] = await Promise.all([q.agendaOf(m, meetingId), q.responseCounts(m, meetingId), q.responseOf(m, meetingId, personId), audienceOf(db, ITEM_KIND, meetingId)]);
  const waitingRank = mine?.place === 'waiting' && mine.waiting_position !== null ? await q.waitingRank(m, meetingId, mine.waiting_position) : null;
  return { agenda, counts, mine, waitingRank, audience };
}

export const placesLeft = (m: Meeting, attending: number) => (m.capacity === null ? null : Math.max(0, m.capacity - attending));

/** The stored values an edit form starts from. */
export const agendaOf = (db: Db, meetingId: number) => q.agendaOf(own(db), meetingId);
export const meetingAudience = (db: Db, meetingId: number) => audienceOf(db, ITEM_KIND, meetingId);

// ---- Answers and places

export type RsvpOutcome = { ok: true; response: Response; place: 'attending' | 'waiting' | null } | { ok: false; reason: 'not_found' | 'cancelled' | 'ended' | 'draft' };

/**
 * Records an answer. "yes" takes a place if one is left (or keeps the one held), else a place on
 * the waiting list; "no" and "maybe" give up a place, which the first on the waiting list takes.
 */
export async function rsvp(db: Db, viewer: Viewer, programmeId: number, meetingId: number, response: Response, ctx: NotifyContext): Promise<RsvpOutcome> {
  const readable = await readableMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !readable) return { ok: false, reason: 'not_found' };
  const { meeting } = readable;
  if (meeting.status === 'draft') return { ok: false, reason: 'draft' };
  return inTransaction(db, async (tx) => {
    const m = own(tx);
    await q.lockMeeting(m, meetingId);
    // Read again under the lock: the meeting may have been cancelled or changed meanwhile.
    const current = (await q.meetingById(m, programmeId, meetingId))!;
    if (current.status === 'cancelled') return { ok: false as const, reason: 'cancelled' as const };
    if (Date.parse(current.ends_at) <= ctx.clock().getTime()) return { ok: false as const, reason: 'ended' as const };
    const now = ctx.clock().toISOString();
    const before = await q.responseOf(m, meetingId, viewer.id);
    let place: 'attending' | 'waiting' | null = null;
    let waitingPosition: number | null = null;
    if (response === 'yes') {
      if (before?.place === 'attending' || current.capacity === null) place = 'attending';
      else if (before?.place === 'waiting') [place, waitingPosition] = ['waiting', before.waiting_position];
      else if ((await q.attendingCount(m, meetingId)) < current.capacity) place = 'attending';
      else [place, waitingPosition] = ['waiting', await q.nextWaitingPosition(m, meetingId)];
    }
    await q.saveResponse(m, meetingId, viewer.id, { response, place, waitingPosition }, now);
    if (before?.place === 'attending' && place !== 'attending') await fillPlaces(tx, ctx, meetingId);
    return { ok: true as const, response, place };
  });
}

/** Moves people from the waiting list into the places left, first come first, telling each. Under the meeting's lock. */
async function fillPlaces(tx: Tx, ctx: NotifyContext, meetingId: number): Promise<void> {
  const m = own(tx);
  const meeting = await q.meetingRow(m, meetingId);
  if (meeting.status !== 'published') return;
  for (;;) {
    if (meeting.capacity !== null && (await q.attendingCount(m, meetingId)) >= meeting.capacity) return;
    const next = await q.firstWaiting(m, meetingId);
    if (!next) return;
    await q.promote(m, meetingId, next.person_id, ctx.clock().toISOString());
    const url = `${ctx.baseUrl}/meetings/${meetingId}`;
    const when = meetingWhen(meeting.starts_at, meeting.ends_at);
    await notify(tx, ctx, next.person_id, MEETING_PLACE.kind, { kind: ITEM_KIND, id: meetingId, title: meeting.title, url: `/meetings/${meetingId}`, group: 'Meetings' }, {
      subject: `You have a place at “${meeting.title}”`,
      greeting: 'Hello,',
      parts: [`A place came up at “${meeting.title}” on ${when}, and it is yours: you were next on the waiting list.`, 'If you can no longer come, change your answer on the meeting’s page so that the next person can have it.', { link: url, text: 'See the meeting' }],
    });
  }
}

/** Where Join goes: the join link, recorded, for an invitee while the link is shown; otherwise why not. */
export async function join(db: Db, viewer: Viewer, programmeId: number, meetingId: number, clock: Clock): Promise<{ ok: true; url: string } | { ok: false; reason: 'not_found' | JoinState }> {
  const readable = await readableMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !readable || readable.meeting.status === 'draft') return { ok: false, reason: 'not_found' };
  const state = joinState(readable.meeting, clock());
  if (state !== 'open') return { ok: false, reason: state };
  await q.recordJoin(own(db), meetingId, viewer.id, clock().toISOString());
  return { ok: true, url: readable.meeting.join_url };
}

// ---- Erasure

/**
 * Erases a person's answers; the places they held go to the waiting list by a job (which has the
 * site's address for the emails), so an erasure never leaves a place empty while people wait.
 */
export async function erasePersonAnswers(tx: Tx, personId: number, clock: Clock): Promise<void> {
  const held = await q.placesHeldBy(own(tx), personId);
  await q.forgetPerson(own(tx), personId);
  for (const meetingId of held) await scheduleJob(tx, 'meetings.fill-places', clock(), { meetingId }, `meetings.fill-places:${meetingId}`, { clock });
}

export function meetingJobHandlers(site: Pick<NotifyContext, 'baseUrl' | 'secret'>): JobHandlers {
  return {
    'meetings.fill-places': async (payload, job) => {
      const ctx = { clock: job.clock, baseUrl: site.baseUrl, secret: site.secret };
      await inTransaction(job.db, async (tx) => {
        const m = own(tx);
        if (!(await q.meetingExists(m, payload.meetingId))) return;
        await q.lockMeeting(m, payload.meetingId);
        await fillPlaces(tx, ctx, payload.meetingId);
      });
    },
  };
}
