// The meetings feature's SQL, on its own handle (its tables, and people to read names). Who may
// see or manage a meeting comes as a condition from the platform's audience rule.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { MeetingsDb, MeetingStatus, Place, Response, SeriesFrequency } from './tables.ts';

export type MeetingInput = {
  title: string;
  purpose: string;
  startsAt: string;
  endsAt: string;
  joinUrl: string;
  joiningNotes: string;
  capacity: number | null;
  /** Minutes before the start the join link shows (30 when not given). */
  joinOpensMinutes?: number;
};
export type AgendaInput = { title: string; leadName: string | null; minutes: number | null };

export async function insertMeeting(db: MeetingsDb, row: MeetingInput & { programmeId: number; uid: string; status: MeetingStatus; createdBy: number; seriesId?: number | null; publishAt?: string | null }, now: string): Promise<number> {
  const r = await db
    .insertInto('meetings')
    .values({
      programme_id: row.programmeId,
      uid: row.uid,
      series_id: row.seriesId ?? null,
      title: row.title,
      purpose: row.purpose,
      starts_at: row.startsAt,
      ends_at: row.endsAt,
      join_url: row.joinUrl,
      join_opens_minutes: row.joinOpensMinutes ?? 30,
      joining_notes: row.joiningNotes,
      capacity: row.capacity,
      status: row.status,
      publish_at: row.publishAt ?? null,
      created_by: row.createdBy,
      cancelled_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Changes a meeting that is not cancelled; false when it is (cancelled meanwhile). publishAt undefined: left as it is. */
export async function updateMeeting(db: MeetingsDb, id: number, input: MeetingInput & { status: MeetingStatus; raiseSequence: boolean; publishAt?: string | null }, now: string): Promise<boolean> {
  const r = await db
    .updateTable('meetings')
    .set((eb) => ({
      title: input.title,
      purpose: input.purpose,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      join_url: input.joinUrl,
      ...(input.joinOpensMinutes === undefined ? {} : { join_opens_minutes: input.joinOpensMinutes }),
      joining_notes: input.joiningNotes,
      capacity: input.capacity,
      status: input.status,
      ...(input.publishAt === undefined ? {} : { publish_at: input.publishAt }),
      sequence: input.raiseSequence ? eb('sequence', '+', 1) : eb.ref('sequence'),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '!=', 'cancelled')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Publishes a draft whose set time has come, if it is still a draft set for that time; false otherwise. */
export async function publishDraft(db: MeetingsDb, id: number, publishAt: string, now: string): Promise<boolean> {
  const r = await db.updateTable('meetings').set({ status: 'published', updated_at: now }).where('id', '=', id).where('status', '=', 'draft').where('publish_at', '=', publishAt).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertSeries(db: MeetingsDb, row: { programmeId: number; frequency: SeriesFrequency; count: number; createdBy: number }, now: string): Promise<number> {
  const r = await db.insertInto('meeting_series').values({ programme_id: row.programmeId, frequency: row.frequency, count: row.count, created_by: row.createdBy, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Every meeting of a series, in order (cancelled ones too: they keep their place in it). */
export const seriesMeetings = (db: MeetingsDb, seriesId: number) =>
  db.selectFrom('meetings').selectAll().where('series_id', '=', seriesId).orderBy('starts_at').orderBy('id').execute();

export async function cancelMeeting(db: MeetingsDb, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('meetings')
    .set((eb) => ({ status: 'cancelled', cancelled_at: now, updated_at: now, sequence: eb('sequence', '+', 1) }))
    .where('id', '=', id)
    .where('status', '!=', 'cancelled')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function replaceAgenda(db: MeetingsDb, meetingId: number, items: readonly AgendaInput[]): Promise<void> {
  await db.deleteFrom('meeting_agenda_items').where('meeting_id', '=', meetingId).execute();
  if (items.length) {
    await db
      .insertInto('meeting_agenda_items')
      .values(items.map((it, i) => ({ meeting_id: meetingId, position: i + 1, title: it.title, lead_name: it.leadName, minutes: it.minutes })))
      .execute();
  }
}

export const agendaOf = (db: MeetingsDb, meetingId: number) =>
  db.selectFrom('meeting_agenda_items').select(['position', 'title', 'lead_name', 'minutes']).where('meeting_id', '=', meetingId).orderBy('position').execute();

export const meetingById = (db: MeetingsDb, programmeId: number, id: number) =>
  db.selectFrom('meetings').selectAll().where('id', '=', id).where('programme_id', '=', programmeId).executeTakeFirst();

export const meetingIfAny = (db: MeetingsDb, id: number) => db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();

export const meetingRow = (db: MeetingsDb, id: number) => db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Meetings on one side of now that pass the caller's condition (visibleTo, managedBy), soonest or latest first. */
export function meetingsWhere(db: MeetingsDb, programmeId: number, condition: Expression<SqlBool>, when: 'upcoming' | 'past', now: string, options: { withDrafts: boolean; limit?: number }) {
  let q = db
    .selectFrom('meetings')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where(condition)
    .where('ends_at', when === 'upcoming' ? '>' : '<=', now)
    .orderBy('starts_at', when === 'upcoming' ? 'asc' : 'desc')
    .orderBy('id');
  if (!options.withDrafts) q = q.where('status', '!=', 'draft');
  return q.limit(options.limit ?? 200).execute();
}

export const responseOf = (db: MeetingsDb, meetingId: number, personId: number) =>
  db.selectFrom('meeting_responses').selectAll().where('meeting_id', '=', meetingId).where('person_id', '=', personId).executeTakeFirst();

export async function attendingCount(db: MeetingsDb, meetingId: number): Promise<number> {
  const r = await db.selectFrom('meeting_responses').select((eb) => eb.fn.countAll<number | string>().as('n')).where('meeting_id', '=', meetingId).where('place', '=', 'attending').executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Counts of answers and places, for the organiser and for places left. */
export async function responseCounts(db: MeetingsDb, meetingId: number) {
  const rows = await db
    .selectFrom('meeting_responses')
    .select(['response', 'place', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('meeting_id', '=', meetingId)
    .groupBy(['response', 'place'])
    .execute();
  const out = { yes: 0, no: 0, maybe: 0, attending: 0, waiting: 0 };
  for (const r of rows) {
    if (r.response) out[r.response] += Number(r.n);
    if (r.place) out[r.place] += Number(r.n);
  }
  return out;
}

/**
 * Takes the meeting's row lock for the rest of the transaction: a no-op update, which PostgreSQL
 * locks the row for and which makes SQLite's transaction the (only) writer. Every change to the
 * meeting's places takes it first, so counting places and taking one cannot interleave.
 */
export async function lockMeeting(db: MeetingsDb, meetingId: number): Promise<void> {
  await db.updateTable('meetings').set({ sequence: sql<number>`sequence` }).where('id', '=', meetingId).execute();
}

export async function saveResponse(db: MeetingsDb, meetingId: number, personId: number, row: { response: Response; place: Place | null; waitingPosition: number | null }, now: string): Promise<void> {
  await db
    .insertInto('meeting_responses')
    .values({ meeting_id: meetingId, person_id: personId, response: row.response, place: row.place, waiting_position: row.waitingPosition, first_joined_at: null, last_joined_at: null, responded_at: now, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['meeting_id', 'person_id']).doUpdateSet({ response: row.response, place: row.place, waiting_position: row.waitingPosition, responded_at: now, updated_at: now }))
    .execute();
}

/** The first on the waiting list, if anyone. */
export const firstWaiting = (db: MeetingsDb, meetingId: number) =>
  db.selectFrom('meeting_responses').select('person_id').where('meeting_id', '=', meetingId).where('place', '=', 'waiting').orderBy('waiting_position').limit(1).executeTakeFirst();

export async function promote(db: MeetingsDb, meetingId: number, personId: number, now: string): Promise<void> {
  await db.updateTable('meeting_responses').set({ place: 'attending', waiting_position: null, updated_at: now }).where('meeting_id', '=', meetingId).where('person_id', '=', personId).execute();
}

/** Where someone is on the waiting list (1 = next), or null. */
export async function waitingRank(db: MeetingsDb, meetingId: number, position: number): Promise<number> {
  const r = await db.selectFrom('meeting_responses').select((eb) => eb.fn.countAll<number | string>().as('n')).where('meeting_id', '=', meetingId).where('place', '=', 'waiting').where('waiting_position', '<=', position).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function recordJoin(db: MeetingsDb, meetingId: number, personId: number, now: string): Promise<void> {
  await db
    .insertInto('meeting_responses')
    .values({ meeting_id: meetingId, person_id: personId, response: null, place: null, waiting_position: null, first_joined_at: now, last_joined_at: now, responded_at: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['meeting_id', 'person_id']).doUpdateSet((eb) => ({ first_joined_at: sql`coalesce(${eb.ref('meeting_responses.first_joined_at')}, ${now})`, last_joined_at: now, updated_at: now })))
    .execute();
}

/** Everyone's answer and place at a meeting, for its reminders. */
export const answersAt = (db: MeetingsDb, meetingId: number) => db.selectFrom('meeting_responses').select(['person_id', 'response', 'place']).where('meeting_id', '=', meetingId).execute();

/** Claims a reminder for a person; false when it was already sent (a job run again). */
export async function claimReminder(db: MeetingsDb, row: { meetingId: number; personId: number; startsAt: string; hours: number }, now: string): Promise<boolean> {
  const r = await db
    .insertInto('meeting_reminders_sent')
    .values({ meeting_id: row.meetingId, person_id: row.personId, starts_at: row.startsAt, hours: row.hours, sent_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('meeting_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** The meetings not yet ended (a withdrawal lets go of the person in those). */
export async function meetingsNotEnded(db: MeetingsDb, now: string): Promise<number[]> {
  const rows = await db.selectFrom('meetings').select('id').where('ends_at', '>', now).execute();
  return rows.map((r) => r.id);
}

/**
 * Deletes a person's answers and places at meetings that have not ended; returns the meetings
 * where they held a place (to be given to the waiting list).
 */
export async function dropFutureAnswers(db: MeetingsDb, personId: number, now: string): Promise<number[]> {
  const future = () => db.selectFrom('meetings').select('id').where('ends_at', '>', now);
  const held = await db.selectFrom('meeting_responses').select('meeting_id').where('person_id', '=', personId).where('place', '=', 'attending').where('meeting_id', 'in', future()).execute();
  await db.deleteFrom('meeting_responses').where('person_id', '=', personId).where('meeting_id', 'in', future()).execute();
  return held.map((r) => r.meeting_id);
}

// ---- Personal data

export async function personRows(db: MeetingsDb, personId: number) {
  const [responses, created, series, reminded] = await Promise.all([
    db
      .selectFrom('meeting_responses')
      .innerJoin('meetings', 'meetings.id', 'meeting_responses.meeting_id')
      .select(['meetings.id as meeting_id', 'meetings.title', 'meeting_responses.response', 'meeting_responses.place', 'meeting_responses.first_joined_at', 'meeting_responses.last_joined_at', 'meeting_responses.responded_at'])
      .where('meeting_responses.person_id', '=', personId)
      .orderBy('meetings.id')
      .execute(),
    db.selectFrom('meetings').select(['id', 'title', 'starts_at', 'status', 'created_at']).where('created_by', '=', personId).orderBy('id').execute(),
    db.selectFrom('meeting_series').select(['id', 'frequency', 'count', 'created_at']).where('created_by', '=', personId).orderBy('id').execute(),
    db.selectFrom('meeting_reminders_sent').select(['meeting_id', 'starts_at', 'hours', 'sent_at']).where('person_id', '=', personId).orderBy('sent_at').execute(),
  ]);
  return { meeting_responses: responses, meetings_created: created, meeting_series_created: series, meeting_reminders_sent: reminded };
}

/** The upcoming-or-not meetings where this person holds a place. */
export async function placesHeldBy(db: MeetingsDb, personId: number): Promise<number[]> {
  const rows = await db.selectFrom('meeting_responses').select('meeting_id').where('person_id', '=', personId).where('place', '=', 'attending').execute();
  return rows.map((r) => r.meeting_id);
}

export const meetingExists = async (db: MeetingsDb, id: number) => (await db.selectFrom('meetings').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

export async function forgetPerson(db: MeetingsDb, personId: number): Promise<void> {
  await db.deleteFrom('meeting_responses').where('person_id', '=', personId).execute();
  await db.deleteFrom('meeting_reminders_sent').where('person_id', '=', personId).execute();
  await db.updateTable('meetings').set({ created_by: null }).where('created_by', '=', personId).execute();
  await db.updateTable('meeting_series').set({ created_by: null }).where('created_by', '=', personId).execute();
}

/**
 * Takes the meeting's row lock (as lockMeeting) and reads the row as it is under the lock, in one
 * round trip: what an answer needs first. Undefined when there is no such meeting in the programme.
 */
export const lockAndRead = (db: MeetingsDb, programmeId: number, meetingId: number) =>
  db.updateTable('meetings').set({ sequence: sql<number>`sequence` }).where('id', '=', meetingId).where('programme_id', '=', programmeId).returningAll().executeTakeFirst();

/** Under the lock, in one round trip: this person's place, how many have a place, and the last waiting position. */
export async function placesState(db: MeetingsDb, meetingId: number, personId: number): Promise<{ place: Place | null; waitingPosition: number | null; attending: number; lastWaiting: number }> {
  const mine = (column: 'place' | 'waiting_position') => db.selectFrom('meeting_responses').select(column).where('meeting_id', '=', meetingId).where('person_id', '=', personId);
  const row = await db
    .selectNoFrom((eb) => [
      mine('place').as('place'),
      mine('waiting_position').as('waiting_position'),
      eb.selectFrom('meeting_responses').select((e) => e.fn.countAll<number | string>().as('n')).where('meeting_id', '=', meetingId).where('place', '=', 'attending').as('attending'),
      eb.selectFrom('meeting_responses').select((e) => e.fn.max('waiting_position').as('m')).where('meeting_id', '=', meetingId).as('last_waiting'),
    ])
    .executeTakeFirstOrThrow();
  return { place: (row.place as Place | null) ?? null, waitingPosition: row.waiting_position === null ? null : Number(row.waiting_position), attending: Number(row.attending ?? 0), lastWaiting: Number(row.last_waiting ?? 0) };
}
