// The adjustments part's SQL, on its own handle (its table; meetings and people to read).
import type { AdjustmentsDb } from './tables.ts';

export const requestOf = (db: AdjustmentsDb, meetingId: number, personId: number) =>
  db.selectFrom('meeting_adjustments').selectAll().where('meeting_id', '=', meetingId).where('person_id', '=', personId).executeTakeFirst();

export const requestById = (db: AdjustmentsDb, meetingId: number, id: number) =>
  db
    .selectFrom('meeting_adjustments')
    .innerJoin('people', 'people.id', 'meeting_adjustments.person_id')
    .selectAll('meeting_adjustments')
    .select(['people.name', 'people.email'])
    .where('meeting_adjustments.meeting_id', '=', meetingId)
    .where('meeting_adjustments.id', '=', id)
    .executeTakeFirst();

/** Every request for a meeting, with who asked: those still to arrange first, then by when asked. */
export const requestsForMeeting = (db: AdjustmentsDb, meetingId: number) =>
  db
    .selectFrom('meeting_adjustments')
    .innerJoin('people', 'people.id', 'meeting_adjustments.person_id')
    .selectAll('meeting_adjustments')
    .select(['people.name', 'people.email'])
    .where('meeting_adjustments.meeting_id', '=', meetingId)
    .orderBy('meeting_adjustments.status', 'desc') // 'requested' before 'arranged'
    .orderBy('meeting_adjustments.created_at')
    .orderBy('meeting_adjustments.id')
    .execute();

/**
 * Saves a person's request: a new one, or a change that replaces the old, which the organisers
 * have to look at again (so it goes back to requested and the old note goes).
 */
export async function saveRequest(db: AdjustmentsDb, meetingId: number, personId: number, row: { needs: string; details: string }, now: string): Promise<void> {
  await db
    .insertInto('meeting_adjustments')
    .values({ meeting_id: meetingId, person_id: personId, needs: row.needs, details: row.details, status: 'requested', arranged_note: null, arranged_by: null, arranged_at: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['meeting_id', 'person_id']).doUpdateSet({ needs: row.needs, details: row.details, status: 'requested', arranged_note: null, arranged_by: null, arranged_at: null, updated_at: now }))
    .execute();
}

export async function deleteRequest(db: AdjustmentsDb, meetingId: number, personId: number): Promise<boolean> {
  const r = await db.deleteFrom('meeting_adjustments').where('meeting_id', '=', meetingId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function markArranged(db: AdjustmentsDb, meetingId: number, id: number, note: string, by: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('meeting_adjustments')
    .set({ status: 'arranged', arranged_note: note, arranged_by: by, arranged_at: now, updated_at: now })
    .where('meeting_id', '=', meetingId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- Personal data

export const personRequests = (db: AdjustmentsDb, personId: number) =>
  db
    .selectFrom('meeting_adjustments')
    .innerJoin('meetings', 'meetings.id', 'meeting_adjustments.meeting_id')
    .select(['meetings.id as meeting_id', 'meetings.title', 'meeting_adjustments.needs', 'meeting_adjustments.details', 'meeting_adjustments.status', 'meeting_adjustments.arranged_note', 'meeting_adjustments.arranged_at', 'meeting_adjustments.created_at', 'meeting_adjustments.updated_at'])
    .where('meeting_adjustments.person_id', '=', personId)
    .orderBy('meeting_adjustments.id')
    .execute();

/** The requests this person marked arranged (as an organiser): which, and when. */
export const arrangedBy = (db: AdjustmentsDb, personId: number) =>
  db.selectFrom('meeting_adjustments').select(['meeting_id', 'arranged_at']).where('arranged_by', '=', personId).orderBy('id').execute();

export async function forgetPerson(db: AdjustmentsDb, personId: number): Promise<void> {
  await db.deleteFrom('meeting_adjustments').where('person_id', '=', personId).execute();
  await db.updateTable('meeting_adjustments').set({ arranged_by: null }).where('arranged_by', '=', personId).execute();
}

/** Deletes a person's requests for meetings that have not ended (they have withdrawn from the programme). */
export async function dropFutureRequests(db: AdjustmentsDb, personId: number, now: string): Promise<void> {
  await db
    .deleteFrom('meeting_adjustments')
    .where('person_id', '=', personId)
    .where('meeting_id', 'in', (eb) => eb.selectFrom('meetings').select('id').where('ends_at', '>', now))
    .execute();
}
