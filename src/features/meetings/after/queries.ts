// The after-the-meeting part's SQL, on its own handle: its tables, and the core's meetings,
// answers and agenda read only. Who may manage a meeting comes as a condition from the platform's
// audience rule (managedBy), never as a filter after reading.
import type { Expression, SqlBool } from 'kysely';
import type { ActionStatus, MinutesStatus, RecordsDb } from './tables.ts';

// ---- Meetings, answers and names (read only)

export const meetingTitle = (db: RecordsDb, meetingId: number) => db.selectFrom('meetings').select(['id', 'title', 'starts_at', 'ends_at', 'status', 'programme_id']).where('id', '=', meetingId).executeTakeFirst();

export const responsesOf = (db: RecordsDb, meetingId: number) =>
  db.selectFrom('meeting_responses').select(['person_id', 'response', 'place', 'waiting_position', 'first_joined_at']).where('meeting_id', '=', meetingId).orderBy('person_id').execute();

/** Names and addresses of these people (in slices: a long list never passes the engines' limit on bound values). */
export async function peopleNamed(db: RecordsDb, ids: readonly number[]): Promise<Map<number, { name: string; email: string }>> {
  const out = new Map<number, { name: string; email: string }>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('people').select(['id', 'name', 'email']).where('id', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, { name: r.name, email: r.email });
  }
  return out;
}

export const agendaOf = (db: RecordsDb, meetingId: number) => db.selectFrom('meeting_agenda_items').select(['position', 'title']).where('meeting_id', '=', meetingId).orderBy('position').execute();

// ---- Attendance

export const attendanceOf = (db: RecordsDb, meetingId: number) =>
  db.selectFrom('meeting_attendance').select(['person_id', 'attended', 'recorded_by', 'recorded_at']).where('meeting_id', '=', meetingId).execute();

export async function saveAttendance(db: RecordsDb, meetingId: number, rows: readonly { personId: number; attended: boolean }[], by: number, now: string): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const slice = rows.slice(i, i + 200);
    await db
      .insertInto('meeting_attendance')
      .values(slice.map((r) => ({ meeting_id: meetingId, person_id: r.personId, attended: r.attended ? 1 : 0, recorded_by: by, recorded_at: now })))
      .onConflict((oc) => oc.columns(['meeting_id', 'person_id']).doUpdateSet((eb) => ({ attended: eb.ref('excluded.attended'), recorded_by: by, recorded_at: now })))
      .execute();
  }
}

// ---- Minutes

export const minutesOf = (db: RecordsDb, meetingId: number) => db.selectFrom('meeting_minutes').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();

/** Saves the text; a new row starts as a draft, an existing one keeps its state. */
export async function saveMinutesBody(db: RecordsDb, meetingId: number, body: string, by: number, now: string): Promise<void> {
  await db
    .insertInto('meeting_minutes')
    .values({ meeting_id: meetingId, body, status: 'draft', review_until: null, published_at: null, updated_by: by, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('meeting_id').doUpdateSet({ body, updated_by: by, updated_at: now }))
    .execute();
}

/**
 * Moves unpublished minutes to a new state; false when they are already published. The check is
 * in the update itself, so of two organisers publishing at once only one does (and tells people).
 */
export async function setMinutesState(db: RecordsDb, meetingId: number, state: { status: MinutesStatus; reviewUntil: string | null; publishedAt: string | null }, by: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('meeting_minutes')
    .set({ status: state.status, review_until: state.reviewUntil, published_at: state.publishedAt, updated_by: by, updated_at: now })
    .where('meeting_id', '=', meetingId)
    .where('status', '!=', 'published')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function replaceReviewers(db: RecordsDb, meetingId: number, personIds: readonly number[]): Promise<void> {
  await db.deleteFrom('meeting_minutes_reviewers').where('meeting_id', '=', meetingId).execute();
  for (let i = 0; i < personIds.length; i += 200) {
    await db.insertInto('meeting_minutes_reviewers').values(personIds.slice(i, i + 200).map((person_id) => ({ meeting_id: meetingId, person_id }))).execute();
  }
}

/** Drops the approvals of people no longer asked (the draft was sent again to others). */
export async function dropApprovalsOfUnasked(db: RecordsDb, meetingId: number): Promise<void> {
  await db
    .deleteFrom('meeting_minutes_approvals')
    .where('meeting_id', '=', meetingId)
    .where('person_id', 'not in', (eb) => eb.selectFrom('meeting_minutes_reviewers').select('person_id').where('meeting_id', '=', meetingId))
    .execute();
}

export const isReviewer = async (db: RecordsDb, meetingId: number, personId: number) =>
  (await db.selectFrom('meeting_minutes_reviewers').select('person_id').where('meeting_id', '=', meetingId).where('person_id', '=', personId).executeTakeFirst()) !== undefined;

export async function reviewerCount(db: RecordsDb, meetingId: number): Promise<number> {
  const r = await db.selectFrom('meeting_minutes_reviewers').select((eb) => eb.fn.countAll<number | string>().as('n')).where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function addComment(db: RecordsDb, meetingId: number, personId: number, body: string, now: string): Promise<void> {
  await db.insertInto('meeting_minutes_comments').values({ meeting_id: meetingId, person_id: personId, body, created_at: now }).execute();
}

export const commentsOf = (db: RecordsDb, meetingId: number) =>
  db
    .selectFrom('meeting_minutes_comments as c')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .select(['c.id', 'c.person_id', 'c.body', 'c.created_at', 'p.name'])
    .where('c.meeting_id', '=', meetingId)
    .orderBy('c.id')
    .execute();

/** True when this is the person's first approval of these minutes. */
export async function addApproval(db: RecordsDb, meetingId: number, personId: number, now: string): Promise<boolean> {
  const r = await db.insertInto('meeting_minutes_approvals').values({ meeting_id: meetingId, person_id: personId, approved_at: now }).onConflict((oc) => oc.columns(['meeting_id', 'person_id']).doNothing()).returning('person_id').executeTakeFirst();
  return r !== undefined;
}

export const approvalsOf = (db: RecordsDb, meetingId: number) =>
  db
    .selectFrom('meeting_minutes_approvals as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .select(['a.person_id', 'a.approved_at', 'p.name'])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('a.approved_at')
    .orderBy('a.person_id')
    .execute();

// ---- Decisions

export async function addDecision(db: RecordsDb, meetingId: number, text: string, agendaPosition: number | null, now: string): Promise<void> {
  await db.insertInto('meeting_decisions').values({ meeting_id: meetingId, text, agenda_position: agendaPosition, created_at: now }).execute();
}

export const decisionsOf = (db: RecordsDb, meetingId: number) =>
  db
    .selectFrom('meeting_decisions as d')
    .leftJoin('meeting_agenda_items as a', (j) => j.onRef('a.meeting_id', '=', 'd.meeting_id').onRef('a.position', '=', 'd.agenda_position'))
    .select(['d.id', 'd.text', 'd.agenda_position', 'a.title as agenda_title'])
    .where('d.meeting_id', '=', meetingId)
    .orderBy('d.id')
    .execute();

export async function deleteDecision(db: RecordsDb, meetingId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('meeting_decisions').where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// ---- Actions

export type ActionInput = { what: string; ownerId: number; dueDate: string; status: ActionStatus; note: string };

export async function insertAction(db: RecordsDb, meetingId: number, input: ActionInput, by: number, now: string): Promise<number> {
  const r = await db
    .insertInto('meeting_actions')
    .values({ meeting_id: meetingId, what: input.what, owner_id: input.ownerId, due_date: input.dueDate, status: input.status, note: input.note, done_at: input.status === 'done' ? now : null, reminded_for: null, created_by: by, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function updateAction(db: RecordsDb, id: number, input: ActionInput, now: string): Promise<void> {
  await db
    .updateTable('meeting_actions')
    .set((eb) => ({ what: input.what, owner_id: input.ownerId, due_date: input.dueDate, status: input.status, note: input.note, done_at: input.status === 'done' ? eb.fn.coalesce('done_at', eb.val(now)) : null, updated_at: now }))
    .where('id', '=', id)
    .execute();
}

export async function setActionStatus(db: RecordsDb, id: number, status: ActionStatus, now: string): Promise<void> {
  await db.updateTable('meeting_actions').set({ status, done_at: status === 'done' ? now : null, updated_at: now }).where('id', '=', id).execute();
}

export async function markReminded(db: RecordsDb, id: number, dueDate: string): Promise<void> {
  await db.updateTable('meeting_actions').set({ reminded_for: dueDate }).where('id', '=', id).execute();
}

export const actionById = (db: RecordsDb, id: number) => db.selectFrom('meeting_actions').selectAll().where('id', '=', id).executeTakeFirst();

export async function deleteAction(db: RecordsDb, meetingId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('meeting_actions').where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** A meeting's actions with their owners' names (null: the owner's data was erased). */
export const actionsOf = (db: RecordsDb, meetingId: number) =>
  db
    .selectFrom('meeting_actions as x')
    .leftJoin('people as p', 'p.id', 'x.owner_id')
    .select(['x.id', 'x.what', 'x.owner_id', 'x.due_date', 'x.status', 'x.note', 'p.name as owner_name'])
    .where('x.meeting_id', '=', meetingId)
    .orderBy('x.due_date')
    .orderBy('x.id')
    .execute();

/** One person's actions across meetings: open first, then by due date. */
export const actionsOwnedBy = (db: RecordsDb, personId: number) =>
  db
    .selectFrom('meeting_actions as x')
    .innerJoin('meetings as m', 'm.id', 'x.meeting_id')
    .select(['x.id', 'x.what', 'x.due_date', 'x.status', 'x.note', 'x.meeting_id', 'm.title as meeting_title'])
    .where('x.owner_id', '=', personId)
    .orderBy('x.status', 'desc') // 'open' before 'done'
    .orderBy('x.due_date')
    .orderBy('x.id')
    .limit(500)
    .execute();

/** Open actions due before `today` (a London date) in the meetings that pass the caller's condition (managedBy). */
export const overdueWhere = (db: RecordsDb, programmeId: number, condition: Expression<SqlBool>, today: string) =>
  db
    .selectFrom('meeting_actions as x')
    .innerJoin('meetings as meetings', 'meetings.id', 'x.meeting_id')
    .leftJoin('people as p', 'p.id', 'x.owner_id')
    .select(['x.id', 'x.what', 'x.due_date', 'x.meeting_id', 'meetings.title as meeting_title', 'p.name as owner_name'])
    .where('meetings.programme_id', '=', programmeId)
    .where('x.status', '=', 'open')
    .where('x.due_date', '<', today)
    .where(condition)
    .orderBy('x.due_date')
    .orderBy('x.id')
    .limit(500)
    .execute();

export async function actionCounts(db: RecordsDb, meetingId: number, today: string) {
  const rows = await db.selectFrom('meeting_actions').select(['status', 'due_date']).where('meeting_id', '=', meetingId).execute();
  return { open: rows.filter((r) => r.status === 'open').length, overdue: rows.filter((r) => r.status === 'open' && r.due_date < today).length, done: rows.filter((r) => r.status === 'done').length };
}

// ---- Personal data

export async function personRecords(db: RecordsDb, personId: number) {
  const [attendance, comments, approvals, actions, asked, attendanceRecorded, minutesWritten, actionsSet] = await Promise.all([
    db.selectFrom('meeting_attendance').select(['meeting_id', 'attended', 'recorded_at']).where('person_id', '=', personId).orderBy('meeting_id').execute(),
    db.selectFrom('meeting_minutes_comments').select(['meeting_id', 'body', 'created_at']).where('person_id', '=', personId).orderBy('id').execute(),
    db.selectFrom('meeting_minutes_approvals').select(['meeting_id', 'approved_at']).where('person_id', '=', personId).orderBy('meeting_id').execute(),
    db.selectFrom('meeting_actions').select(['meeting_id', 'what', 'due_date', 'status', 'note', 'done_at']).where('owner_id', '=', personId).orderBy('id').execute(),
    db.selectFrom('meeting_minutes_reviewers').select(['meeting_id']).where('person_id', '=', personId).orderBy('meeting_id').execute(),
    // As an organiser: what their name is on (erasure takes it off), without the other people's details.
    db.selectFrom('meeting_attendance').select(['meeting_id', (eb) => eb.fn.max('recorded_at').as('recorded_at')]).where('recorded_by', '=', personId).groupBy('meeting_id').orderBy('meeting_id').execute(),
    db.selectFrom('meeting_minutes').select(['meeting_id', 'updated_at']).where('updated_by', '=', personId).orderBy('meeting_id').execute(),
    db.selectFrom('meeting_actions').select(['meeting_id', 'what', 'created_at']).where('created_by', '=', personId).orderBy('id').execute(),
  ]);
  return {
    meeting_attendance: attendance,
    meeting_minutes_comments: comments,
    meeting_minutes_approvals: approvals,
    meeting_actions_owned: actions,
    meeting_minutes_asked: asked,
    meeting_attendance_recorded: attendanceRecorded,
    meeting_minutes_last_saved: minutesWritten,
    meeting_actions_set: actionsSet,
  };
}

/** The open actions a person owns (their reminders go when their data is erased). */
export const openActionIdsOf = async (db: RecordsDb, personId: number) => (await db.selectFrom('meeting_actions').select('id').where('owner_id', '=', personId).where('status', '=', 'open').execute()).map((r) => r.id);

export async function forgetPerson(db: RecordsDb, personId: number): Promise<void> {
  await db.deleteFrom('meeting_attendance').where('person_id', '=', personId).execute();
  await db.deleteFrom('meeting_minutes_comments').where('person_id', '=', personId).execute();
  await db.deleteFrom('meeting_minutes_approvals').where('person_id', '=', personId).execute();
  await db.deleteFrom('meeting_minutes_reviewers').where('person_id', '=', personId).execute();
  await db.updateTable('meeting_actions').set({ owner_id: null }).where('owner_id', '=', personId).execute();
  await db.updateTable('meeting_actions').set({ created_by: null }).where('created_by', '=', personId).execute();
  await db.updateTable('meeting_attendance').set({ recorded_by: null }).where('recorded_by', '=', personId).execute();
  await db.updateTable('meeting_minutes').set({ updated_by: null }).where('updated_by', '=', personId).execute();
}
