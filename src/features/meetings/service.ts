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
import { addressees, audienceChoices, audienceChoicesFor, audienceOf, audiencesOf, leadsAny, managedBy, mayAddress, mayManage, maySee, setAudience, visibleTo, type AudienceTarget, type NamedTarget, type Viewer } from '../../platform/audience/access.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { pickerChoices, type AudienceChoice } from '../../platform/forms/audience.ts';
import { cancelJobs, scheduleJob } from '../../platform/jobs/jobs.ts';
import type { JobHandlers } from '../../platform/jobs/runner.ts';
import { notify, type NotifyContext } from '../../platform/notify/notify.ts';
import type { Clock } from '../../platform/time.ts';
import { announceCancelled, announceChanged, announcePublished, type MeetingsContext } from './announce.ts';
import type { Repeat, Scope } from './form.ts';
import { londonInstant, londonSpan, utcToLondon } from '../../platform/london-time.ts';
import { MEETING_PLACE, MEETING_REMINDER } from './notifications.ts';
import * as q from './queries.ts';
import type { AgendaInput, MeetingInput } from './queries.ts';
import { sameTimesOn, seriesDates } from './series.ts';
import type { AgendaItem, Meeting, MeetingsDb, MeetingStatus, MeetingsTables, Response } from './tables.ts';

declare module '../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Moves the waiting list up into a meeting's free places (after a person's answers are erased). */
    'meetings.fill-places': { meetingId: number };
    /** Publishes a draft at its set time, if it is still a draft set for that time. */
    'meetings.publish': { meetingId: number; publishAt: string };
    /** Reminds a meeting's invitees `hours` before it, if it is still published and still starts at startsAt. */
    'meetings.reminder': { meetingId: number; startsAt: string; hours: number };
  }
}

export const own = (db: Db | Tx): MeetingsDb => scoped<MeetingsTables, 'people'>(db);

/** What the meeting is called in audience rows and notifications. */
export const ITEM_KIND = 'meeting';
/** Who a meeting can be for: the programme, projects, sub-groups, chosen people. */
export const MEETING_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people'];
/** The join link shows from this long before the start until the end. */
export const JOIN_OPENS_MINUTES = 30;
/** The longest an organiser may show the join link before the start. */
export const JOIN_OPENS_MAX = 240;
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

export type MeetingDraft = MeetingInput & {
  agenda: AgendaInput[];
  audience: AudienceTarget[];
  /** Published now (true), or kept a draft (false), to be published at publishAt if that is set. */
  publish: boolean;
  /** A draft to be published at this UTC instant (future, before the start). Ignored when publish. */
  publishAt?: string | null;
  /** On scheduling only: the meeting repeats, making a series of this many. */
  repeat?: Repeat;
  /** On changing a meeting of a series: it alone (the default), or it and the rest of the series. */
  scope?: Scope;
};
export type SaveRefusal =
  | 'not_allowed'
  | 'not_found'
  | 'cancelled'
  | 'in_past'
  | 'capacity_below_attending'
  | 'publish_in_past'
  | 'publish_after_start'
  | 'series_time_unclear'
  | 'series_capacity_below_attending';
/** A refusal; `date` names the London date (YYYY-MM-DD) of the meeting of a series it is about. */
export type SaveRefused = { ok: false; reason: SaveRefusal; date?: string };

const reminderKey = (id: number) => `meetings.reminder:${id}:`;
const publishKey = (id: number) => `meetings.publish:${id}:`;
/** Reminders go this many hours before the start. */
export const REMINDER_HOURS = [24, 1] as const;

/** A set publishing time must still be ahead, and before the start. */
function publishTimeRefusal(publishAt: string | null, startsAt: string, now: Date): SaveRefusal | null {
  if (!publishAt) return null;
  if (Date.parse(publishAt) <= now.getTime()) return 'publish_in_past';
  if (Date.parse(publishAt) >= Date.parse(startsAt)) return 'publish_after_start';
  return null;
}

/** The reminders of a published meeting, replacing any it had; a reminder time already past is skipped. */
async function scheduleReminders(tx: Tx, clock: Clock, meetingId: number, startsAt: string): Promise<void> {
  await cancelJobs(tx, reminderKey(meetingId));
  for (const hours of REMINDER_HOURS) {
    const at = new Date(Date.parse(startsAt) - hours * 3_600_000);
    if (at.getTime() <= clock().getTime()) continue;
    await scheduleJob(tx, 'meetings.reminder', at, { meetingId, startsAt, hours }, `${reminderKey(meetingId)}${hours}h`, { clock });
  }
}

/** A meeting has just become published: its reminders, then its invitations (announce.ts). */
async function afterPublished(tx: Tx, clock: Clock, meetingId: number, startsAt: string): Promise<void> {
  await cancelJobs(tx, publishKey(meetingId));
  await scheduleReminders(tx, clock, meetingId, startsAt);
  await announcePublished(tx, clock, meetingId);
}

/** A draft with a set time: the job that publishes it (a new time replaces the old job). */
async function schedulePublishing(tx: Tx, clock: Clock, meetingId: number, publishAt: string | null): Promise<void> {
  await cancelJobs(tx, publishKey(meetingId));
  if (publishAt) await scheduleJob(tx, 'meetings.publish', new Date(publishAt), { meetingId, publishAt }, publishKey(meetingId), { clock });
}

/** Schedules a meeting (a draft, published now, or a draft to be published at a set time), or a series of them. */
export async function scheduleMeeting(db: Db, viewer: Viewer, programmeId: number, draft: MeetingDraft, clock: Clock): Promise<{ ok: true; id: number; ids: number[] } | SaveRefused> {
  if (!viewer || !(await mayAddress(db, viewer, draft.audience))) return { ok: false, reason: 'not_allowed' };
  const now = clock();
  if (Date.parse(draft.startsAt) <= now.getTime()) return { ok: false, reason: 'in_past' };
  const publishAt = draft.publish ? null : (draft.publishAt ?? null);
  const late = publishTimeRefusal(publishAt, draft.startsAt, now);
  if (late) return { ok: false, reason: late };
  const dates = draft.repeat ? seriesDates(draft, draft.repeat.frequency, draft.repeat.count) : { ok: true as const, meetings: [{ startsAt: draft.startsAt, endsAt: draft.endsAt }] };
  if (!dates.ok) return { ok: false, reason: 'series_time_unclear', date: dates.date };
  return inTransaction(db, async (tx) => {
    const m = own(tx);
    const seriesId = draft.repeat ? await q.insertSeries(m, { programmeId, frequency: draft.repeat.frequency, count: draft.repeat.count, createdBy: viewer.id }, now.toISOString()) : null;
    const ids: number[] = [];
    for (const when of dates.meetings) {
      const id = await q.insertMeeting(m, { ...draft, ...when, programmeId, seriesId, publishAt, uid: `${randomUUID()}@coproduce`, status: draft.publish ? 'published' : 'draft', createdBy: viewer.id }, now.toISOString());
      await q.replaceAgenda(m, id, draft.agenda);
      await setAudience(tx, ITEM_KIND, id, draft.audience);
      if (draft.publish) await afterPublished(tx, clock, id, when.startsAt);
      else await schedulePublishing(tx, clock, id, publishAt);
      ids.push(id);
    }
    const what = seriesId ? `a series of ${ids.length} meetings` : 'a meeting';
    const summary = draft.publish ? `Scheduled and published ${what}` : publishAt ? `Scheduled ${what} to be published at a set time` : `Saved ${what} as a draft`;
    await recordAudit(tx, { actorId: viewer.id, action: draft.publish ? 'meeting.publish' : 'meeting.draft', recordType: 'meeting', recordId: ids[0]!, summary }, clock);
    return { ok: true as const, id: ids[0]!, ids };
  });
}

/** A meeting this person may manage (organise), or undefined. */
export async function managedMeeting(db: Db | Tx, viewer: Viewer, programmeId: number, id: number): Promise<Meeting | undefined> {
  const m = await q.meetingById(own(db), programmeId, id);
  if (!m || !(await mayManage(db, viewer, ITEM_KIND, id))) return undefined;
  return m;
}

/** The later meetings of this meeting's series that a "rest of the series" change or cancellation reaches: not cancelled, not started. */
async function restOfSeries(db: Db | Tx, meeting: Meeting, now: Date): Promise<Meeting[]> {
  if (meeting.series_id === null) return [];
  const all = await q.seriesMeetings(own(db), meeting.series_id);
  return all.filter((x) => x.id !== meeting.id && x.starts_at > meeting.starts_at && x.status !== 'cancelled' && Date.parse(x.starts_at) > now.getTime());
}

const sameAgenda = (a: readonly Pick<AgendaItem, 'title' | 'lead_name' | 'minutes'>[], b: readonly AgendaInput[]) =>
  a.length === b.length && a.every((x, i) => x.title === b[i]!.title && x.lead_name === b[i]!.leadName && x.minutes === b[i]!.minutes);
const audienceKey = (targets: readonly { kind: string; id?: number }[]) =>
  targets
    .map((t) => `${t.kind}:${t.id ?? ''}`)
    .sort()
    .join(',');

/**
 * Saves one meeting's new values, under its lock: a published one raises its calendar sequence
 * when its time or details change, is announced on every save, and has its reminders moved with
 * it; a draft becoming published is announced; a draft keeps (or loses) its set publishing time.
 * Returns how many invitees were told, or null when it was cancelled meanwhile.
 */
async function saveOne(tx: Tx, ctx: MeetingsContext, before: Meeting, input: MeetingInput & { agenda: AgendaInput[]; audience: AudienceTarget[] }, status: MeetingStatus, publishAt: string | null | undefined): Promise<number | null> {
  const m = own(tx);
  const id = before.id;
  const published = before.status === 'published';
  const moved = before.starts_at !== input.startsAt || before.ends_at !== input.endsAt;
  const details = before.title !== input.title || before.purpose !== input.purpose || before.join_url !== input.joinUrl || before.joining_notes !== input.joiningNotes || !sameAgenda(await q.agendaOf(m, id), input.agenda);
  const audienceBefore = audienceKey(await audienceOf(tx, ITEM_KIND, id));
  const becomesPublished = !published && status === 'published';
  if (!(await q.updateMeeting(m, id, { ...input, status, raiseSequence: published && (moved || details), publishAt: becomesPublished ? null : publishAt }, ctx.clock().toISOString()))) return null;
  await q.replaceAgenda(m, id, input.agenda);
  await setAudience(tx, ITEM_KIND, id, input.audience);
  const audience = audienceKey(await audienceOf(tx, ITEM_KIND, id)) !== audienceBefore;
  // More places than before: the waiting list moves up into them.
  await fillPlaces(tx, ctx, id);
  if (published) {
    if (moved) await scheduleReminders(tx, ctx.clock, id, input.startsAt);
    return announceChanged(tx, ctx, id, { moved, details, audience });
  }
  if (becomesPublished) await afterPublished(tx, ctx.clock, id, input.startsAt);
  else if (publishAt !== undefined) await schedulePublishing(tx, ctx.clock, id, publishAt);
  return 0;
}

/** Thrown inside a change's transaction to roll back what it had saved of a series. */
class Refused extends Error {
  readonly refusal: SaveRefused;
  constructor(refusal: SaveRefused) {
    super(refusal.reason);
    this.refusal = refusal;
  }
}

/**
 * Changes a meeting: refused when cancelled. With scope 'rest', the later meetings of its series
 * (not cancelled, not started) take its title, purpose, agenda, times of day, join link, joining
 * notes, capacity and audience, each on its own date; any one that cannot (a time the clocks skip
 * on its date, fewer places than it has people attending) refuses the whole change.
 */
export async function changeMeeting(db: Db, viewer: Viewer, programmeId: number, id: number, draft: MeetingDraft, ctx: MeetingsContext): Promise<{ ok: true; told: number; changed?: number } | SaveRefused> {
  const existing = await managedMeeting(db, viewer, programmeId, id);
  if (!viewer || !existing) return { ok: false, reason: 'not_found' };
  if (existing.status === 'cancelled') return { ok: false, reason: 'cancelled' };
  if (!(await mayAddress(db, viewer, draft.audience))) return { ok: false, reason: 'not_allowed' };
  const now = ctx.clock();
  const moved = existing.starts_at !== draft.startsAt || existing.ends_at !== draft.endsAt;
  if (moved && Date.parse(draft.startsAt) <= now.getTime()) return { ok: false, reason: 'in_past' };
  // A published meeting stays published: saving it again never takes it back to a draft.
  const status = existing.status === 'published' || draft.publish ? 'published' : 'draft';
  // A draft left until after its start is not published then: nobody is invited to a meeting gone by.
  if (existing.status === 'draft' && status === 'published' && Date.parse(draft.startsAt) <= now.getTime()) return { ok: false, reason: 'in_past' };
  const publishAt = status === 'published' ? undefined : (draft.publishAt ?? null);
  const late = publishTimeRefusal(publishAt ?? null, draft.startsAt, now);
  if (late) return { ok: false, reason: late };
  const rest = draft.scope === 'rest' ? await restOfSeries(db, existing, now) : [];
  const restTimes: { meeting: Meeting; startsAt: string; endsAt: string }[] = [];
  for (const later of rest) {
    const t = sameTimesOn(utcToLondon(later.starts_at).date, draft);
    if (!t.ok) return { ok: false, reason: 'series_time_unclear', date: t.date };
    // An earlier time of day could put a later meeting (today's) before now.
    if (Date.parse(t.meeting.startsAt) <= now.getTime()) return { ok: false, reason: 'in_past' };
    restTimes.push({ meeting: later, ...t.meeting });
  }
  try {
    return await inTransaction(db, async (tx) => {
      const m = own(tx);
      for (const x of [existing, ...rest]) await q.lockMeeting(m, x.id);
      if (draft.capacity !== null && draft.capacity < (await q.attendingCount(m, id))) return { ok: false as const, reason: 'capacity_below_attending' as const };
      for (const later of rest) {
        if (draft.capacity !== null && draft.capacity < (await q.attendingCount(m, later.id))) return { ok: false as const, reason: 'series_capacity_below_attending' as const, date: utcToLondon(later.starts_at).date };
      }
      let told = await saveOne(tx, ctx, existing, draft, status, publishAt);
      if (told === null) return { ok: false as const, reason: 'cancelled' as const };
      for (const later of restTimes) {
        // Each later meeting keeps its own date and status (a draft stays a draft, its set time kept).
        const n = await saveOne(tx, ctx, later.meeting, { ...draft, startsAt: later.startsAt, endsAt: later.endsAt }, later.meeting.status, undefined);
        if (n === null) throw new Refused({ ok: false, reason: 'cancelled', date: utcToLondon(later.meeting.starts_at).date });
        told += n;
      }
      const becamePublished = existing.status === 'draft' && status === 'published';
      const what = rest.length ? `a meeting and the ${rest.length} after it in its series` : 'a meeting';
      await recordAudit(tx, { actorId: viewer.id, action: becamePublished ? 'meeting.publish' : 'meeting.change', recordType: 'meeting', recordId: id, summary: `Changed ${what} and told ${told} invitees` }, ctx.clock);
      return { ok: true as const, told, changed: 1 + rest.length };
    });
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

/**
 * Cancels a meeting, or (scope 'rest') it and the later meetings of its series not cancelled or
 * started. Not one that has ended: it happened (its attendance and minutes are kept), and telling
 * its invitees it is cancelled would be wrong.
 */
export async function cancel(db: Db, viewer: Viewer, programmeId: number, id: number, ctx: MeetingsContext, options: { scope?: Scope } = {}): Promise<{ ok: true; told: number; title: string; cancelled: number } | { ok: false; reason: 'not_found' | 'cancelled' | 'ended' }> {
  const existing = await managedMeeting(db, viewer, programmeId, id);
  if (!viewer || !existing) return { ok: false, reason: 'not_found' };
  if (existing.status !== 'cancelled' && Date.parse(existing.ends_at) <= ctx.clock().getTime()) return { ok: false, reason: 'ended' };
  const rest = options.scope === 'rest' ? await restOfSeries(db, existing, ctx.clock()) : [];
  return inTransaction(db, async (tx) => {
    if (!(await q.cancelMeeting(own(tx), id, ctx.clock().toISOString()))) return { ok: false as const, reason: 'cancelled' as const };
    let told = await afterCancelled(tx, ctx, existing);
    let cancelled = 1;
    for (const later of rest) {
      if (!(await q.cancelMeeting(own(tx), later.id, ctx.clock().toISOString()))) continue;
      told += await afterCancelled(tx, ctx, later);
      cancelled++;
    }
    const what = cancelled > 1 ? `${cancelled} meetings of a series` : 'a meeting';
    await recordAudit(tx, { actorId: viewer.id, action: 'meeting.cancel', recordType: 'meeting', recordId: id, summary: `Cancelled ${what} and told ${told} invitees` }, ctx.clock);
    return { ok: true as const, told, title: existing.title, cancelled };
  });
}

/** A meeting just cancelled: no reminders or publishing left for it; its invitees told if it was published. */
async function afterCancelled(tx: Tx, ctx: MeetingsContext, before: Meeting): Promise<number> {
  await cancelJobs(tx, reminderKey(before.id));
  await cancelJobs(tx, publishKey(before.id));
  return before.status === 'published' ? announceCancelled(tx, ctx, before.id) : 0;
}

/** Where a meeting is in its series ("meeting 3 of 6") and the others of it, or null for a single meeting. */
export async function seriesPlace(db: Db | Tx, meeting: Meeting) {
  if (meeting.series_id === null) return null;
  const all = await q.seriesMeetings(own(db), meeting.series_id);
  return {
    position: all.findIndex((x) => x.id === meeting.id) + 1,
    count: all.length,
    meetings: all.map((x) => ({ id: x.id, title: x.title, status: x.status, when: londonSpan(x.starts_at, x.ends_at), current: x.id === meeting.id })),
  };
}

/** How many later meetings of the series a "rest of the series" change or cancellation would reach. */
export async function restOfSeriesCount(db: Db | Tx, meeting: Meeting, clock: Clock): Promise<number> {
  return (await restOfSeries(db, meeting, clock())).length;
}

// ---- Lists

/** A meeting in a list: when it is, and for a draft with a set time, when it will be published. */
export type MeetingRow = Meeting & { when: string; publishOn: string | null };
const withWhen = (rows: Meeting[]): MeetingRow[] => rows.map((m) => ({ ...m, when: londonSpan(m.starts_at, m.ends_at), publishOn: publishOn(m) }));

/** "Tuesday 1 December 2026 at 9:00am (UK time)" for a draft to be published at a set time; else null. */
export const publishOn = (m: Meeting): string | null => (m.status === 'draft' && m.publish_at ? londonInstant(m.publish_at) : null);

/** What an organiser manages: drafts included. */
export async function organiserLists(db: Db, viewer: Viewer, programmeId: number, clock: Clock) {
  const now = clock().toISOString();
  const cond = managedBy(viewer, ITEM_KIND, 'meetings.id');
  const [upcoming, past] = await Promise.all([q.meetingsWhere(own(db), programmeId, cond, 'upcoming', now, { withDrafts: true }), q.meetingsWhere(own(db), programmeId, cond, 'past', now, { withDrafts: true })]);
  return { upcoming: withWhen(upcoming), past: withWhen(past) };
}

/** "Your meetings": what this person is invited to (never drafts), to come or past. */
async function invitedTo(db: Db, viewer: Viewer, programmeId: number, when: 'upcoming' | 'past', now: string, limit?: number): Promise<MeetingRow[]> {
  return withWhen(await q.meetingsWhere(own(db), programmeId, visibleTo(viewer, ITEM_KIND, 'meetings.id'), when, now, { withDrafts: false, limit }));
}

export async function yourMeetings(db: Db, viewer: Viewer, programmeId: number, clock: Clock) {
  const now = clock().toISOString();
  const [upcoming, past] = await Promise.all([invitedTo(db, viewer, programmeId, 'upcoming', now), invitedTo(db, viewer, programmeId, 'past', now)]);
  return { upcoming, past };
}

/** The person's next few meetings (their home page), without reading the past ones too. */
export const yourNextMeetings = (db: Db, viewer: Viewer, programmeId: number, clock: Clock, limit: number) => invitedTo(db, viewer, programmeId, 'upcoming', clock().toISOString(), limit);

// ---- One meeting

export type JoinState = 'open' | 'not_yet' | 'ended' | 'cancelled';

export function joinState(m: Meeting, now: Date): JoinState {
  if (m.status === 'cancelled') return 'cancelled';
  if (now.getTime() >= Date.parse(m.ends_at)) return 'ended';
  if (now.getTime() < Date.parse(m.starts_at) - m.join_opens_minutes * 60000) return 'not_yet';
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
    // Lock and read again under the lock (the meeting may have been cancelled or changed
    // meanwhile), then everything about places at once: three round trips while others wait.
    const current = (await q.lockAndRead(m, programmeId, meetingId))!;
    if (current.status === 'cancelled') return { ok: false as const, reason: 'cancelled' as const };
    if (Date.parse(current.ends_at) <= ctx.clock().getTime()) return { ok: false as const, reason: 'ended' as const };
    const now = ctx.clock().toISOString();
    const before = await q.placesState(m, meetingId, viewer.id);
    let place: 'attending' | 'waiting' | null = null;
    let waitingPosition: number | null = null;
    if (response === 'yes') {
      if (before.place === 'attending' || current.capacity === null) place = 'attending';
      else if (before.place === 'waiting') [place, waitingPosition] = ['waiting', before.waitingPosition];
      else if (before.attending < current.capacity) place = 'attending';
      else [place, waitingPosition] = ['waiting', before.lastWaiting + 1];
    }
    await q.saveResponse(m, meetingId, viewer.id, { response, place, waitingPosition }, now);
    if (before.place === 'attending' && place !== 'attending') await fillPlaces(tx, ctx, meetingId);
    return { ok: true as const, response, place };
  });
}

/**
 * Moves people from the waiting list into the places left, first come first, telling each. Under
 * the meeting's lock. Not once the meeting has ended (a place freed by an erasure, the job run
 * later): a place at a meeting that is over is no use, and its email would only puzzle.
 */
async function fillPlaces(tx: Tx, ctx: NotifyContext, meetingId: number): Promise<void> {
  const m = own(tx);
  const meeting = await q.meetingRow(m, meetingId);
  if (meeting.status !== 'published' || Date.parse(meeting.ends_at) <= ctx.clock().getTime()) return;
  for (;;) {
    if (meeting.capacity !== null && (await q.attendingCount(m, meetingId)) >= meeting.capacity) return;
    const next = await q.firstWaiting(m, meetingId);
    if (!next) return;
    await q.promote(m, meetingId, next.person_id, ctx.clock().toISOString());
    const url = `${ctx.baseUrl}/meetings/${meetingId}`;
    const when = londonSpan(meeting.starts_at, meeting.ends_at);
    await notify(tx, ctx, next.person_id, MEETING_PLACE.kind, { kind: ITEM_KIND, id: meetingId, title: meeting.title, url: `/meetings/${meetingId}`, group: 'Meetings' }, {
      subject: `You have a place at “${meeting.title}”`,
      greeting: 'Hello,',
      parts: [`A place came up at “${meeting.title}” on ${when}, and it is yours: you were next on the waiting list.`, 'If you can no longer come, change your answer on the meeting’s page so that the next person can have it.', { link: url, text: 'See the meeting' }],
    });
  }
}

/** Where Join goes: the join link, recorded, for an invitee while the link is shown; otherwise why not. */
/**
 * A meeting with a limit on places is joined only by those with a place (and its organisers):
 * otherwise the waiting list could join anyway and the limit would mean nothing online.
 */
export const needsPlaceToJoin = (m: Meeting, manages: boolean, mine: { place: string | null } | undefined) => m.capacity !== null && !manages && mine?.place !== 'attending';

export async function join(db: Db, viewer: Viewer, programmeId: number, meetingId: number, clock: Clock): Promise<{ ok: true; url: string } | { ok: false; reason: 'not_found' | 'no_place' | Exclude<JoinState, 'open'> }> {
  const readable = await readableMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !readable || readable.meeting.status === 'draft') return { ok: false, reason: 'not_found' };
  const state = joinState(readable.meeting, clock());
  if (state !== 'open') return { ok: false, reason: state };
  if (needsPlaceToJoin(readable.meeting, readable.manages, await q.responseOf(own(db), meetingId, viewer.id))) return { ok: false, reason: 'no_place' };
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

/**
 * A person withdrawn from the programme: their answers and places at meetings that have not ended
 * are removed, so they are neither counted nor reminded; a place they held goes to the waiting
 * list by a job (as on erasure); and where they were chosen by name, they are taken off who the
 * meeting is for (the withdrawal takes them out of every group, so this leaves them in none).
 * Past meetings keep their answers, attendance and audience.
 */
export async function dropFromFutureMeetings(tx: Tx, personId: number, clock: Clock): Promise<void> {
  const now = clock().toISOString();
  const held = await q.dropFutureAnswers(own(tx), personId, now);
  for (const meetingId of held) await scheduleJob(tx, 'meetings.fill-places', clock(), { meetingId }, `meetings.fill-places:${meetingId}`, { clock });
  const isThem = (t: NamedTarget) => t.kind === 'person' && t.id === personId;
  for (const [meetingId, targets] of await audiencesOf(tx, ITEM_KIND, await q.meetingsNotEnded(own(tx), now))) {
    if (targets.some(isThem)) await setAudience(tx, ITEM_KIND, meetingId, targets.filter((t) => !isThem(t)).map(asTarget));
  }
}

/** A stored audience line as setAudience takes it back. */
const asTarget = (t: NamedTarget): AudienceTarget => (t.kind === 'signed-in' || t.kind === 'public' ? { kind: t.kind } : { kind: t.kind, id: t.id });

/**
 * Reminds a published meeting's invitees, except those who said no; people on the waiting list
 * are told they are on it (so they are not surprised by a reminder for a place they lack).
 * A job made for a start the meeting no longer has, or for a meeting no longer published, does
 * nothing. The whole reminder is one transaction, so a failed try is redone from the start; each
 * person's reminder is claimed first, so a job run again after it committed reminds nobody twice.
 */
async function remind(tx: Tx, ctx: NotifyContext, payload: { meetingId: number; startsAt: string; hours: number }): Promise<number> {
  const m = own(tx);
  const meeting = await q.meetingIfAny(m, payload.meetingId);
  if (!meeting || meeting.status !== 'published' || meeting.starts_at !== payload.startsAt) return 0;
  const answers = new Map((await q.answersAt(m, meeting.id)).map((a) => [a.person_id, a]));
  const when = londonSpan(meeting.starts_at, meeting.ends_at);
  const soon = payload.hours === 1 ? 'in 1 hour' : payload.hours === 24 ? 'tomorrow' : `in ${payload.hours} hours`;
  const url = `${ctx.baseUrl}/meetings/${meeting.id}`;
  let told = 0;
  for (const personId of await addressees(tx, ITEM_KIND, meeting.id)) {
    const a = answers.get(personId);
    if (a?.response === 'no') continue;
    const waiting = a?.place === 'waiting';
    if (!(await q.claimReminder(m, { meetingId: meeting.id, personId, startsAt: meeting.starts_at, hours: payload.hours }, ctx.clock().toISOString()))) continue;
    await notify(tx, ctx, personId, MEETING_REMINDER.kind, { kind: ITEM_KIND, id: meeting.id, title: meeting.title, url: `/meetings/${meeting.id}`, group: 'Meetings' }, {
      subject: `Reminder: “${meeting.title}” is ${soon}`,
      greeting: 'Hello,',
      parts: waiting
        ? [`“${meeting.title}” is ${soon}: ${when}.`, 'You are on the waiting list for a place. We will tell you if one comes up before it starts.', { link: url, text: 'See the meeting' }]
        : [`“${meeting.title}” is ${soon}: ${when}.`, `The link to join will be on the meeting’s page from ${meeting.join_opens_minutes} minutes before the start.`, { link: url, text: 'See the meeting' }],
    });
    told++;
  }
  return told;
}

export function meetingJobHandlers(site: Pick<NotifyContext, 'baseUrl' | 'secret'>): JobHandlers {
  return {
    'meetings.publish': async (payload, job) => {
      await inTransaction(job.db, async (tx) => {
        const m = own(tx);
        // Changed since (published by hand, a new time, cancelled): that change has its own job or none.
        if (!(await q.publishDraft(m, payload.meetingId, payload.publishAt, job.clock().toISOString()))) return;
        const meeting = await q.meetingRow(m, payload.meetingId);
        await scheduleReminders(tx, job.clock, meeting.id, meeting.starts_at);
        await announcePublished(tx, job.clock, meeting.id);
      });
    },
    'meetings.reminder': async (payload, job) => {
      const ctx = { clock: job.clock, baseUrl: site.baseUrl, secret: site.secret };
      await inTransaction(job.db, (tx) => remind(tx, ctx, payload));
    },
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
