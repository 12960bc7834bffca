// The calendar part's SQL: invitations sent, feed tokens (by hash), and the meetings of a feed.
import type { Expression, SqlBool } from 'kysely';
import type { Meeting } from '../tables.ts';
import type { CalendarDb } from './tables.ts';

// ---- Invitations

/** Those sent the meeting's invitation and not since sent its cancellation. */
export async function invitedNow(db: CalendarDb, meetingId: number): Promise<number[]> {
  const rows = await db.selectFrom('meeting_invitations').select('person_id').where('meeting_id', '=', meetingId).where('cancelled_at', 'is', null).orderBy('person_id').execute();
  return rows.map((r) => r.person_id);
}

/**
 * Claims one person's invitation: a new row, or one cancelled when they left the audience and are
 * now back in it. True when this call claimed it, false when they were already invited.
 */
export async function claimInvitation(db: CalendarDb, m: Pick<Meeting, 'id' | 'sequence'>, personId: number, now: string): Promise<boolean> {
  const inserted = await db
    .insertInto('meeting_invitations')
    .values({ meeting_id: m.id, person_id: personId, sequence: m.sequence, invited_at: now, cancelled_at: null })
    .onConflict((oc) => oc.columns(['meeting_id', 'person_id']).doNothing())
    .returning('person_id')
    .executeTakeFirst();
  if (inserted) return true;
  const back = await db
    .updateTable('meeting_invitations')
    .set({ sequence: m.sequence, invited_at: now, cancelled_at: null })
    .where('meeting_id', '=', m.id)
    .where('person_id', '=', personId)
    .where('cancelled_at', 'is not', null)
    .executeTakeFirst();
  return Number(back.numUpdatedRows) === 1;
}

/** Records the SEQUENCE these people were last sent (and, for a cancellation, when). */
export async function recordSent(db: CalendarDb, meetingId: number, people: readonly number[], sequence: number, cancelledAt: string | null): Promise<void> {
  for (let i = 0; i < people.length; i += 500) {
    const slice = people.slice(i, i + 500);
    await db
      .updateTable('meeting_invitations')
      .set(cancelledAt ? { sequence, cancelled_at: cancelledAt } : { sequence })
      .where('meeting_id', '=', meetingId)
      .where('person_id', 'in', slice)
      .execute();
  }
}

export const invitationsOf = (db: CalendarDb, personId: number) =>
  db
    .selectFrom('meeting_invitations')
    .innerJoin('meetings', 'meetings.id', 'meeting_invitations.meeting_id')
    .select(['meeting_invitations.meeting_id', 'meetings.title', 'meeting_invitations.sequence', 'meeting_invitations.invited_at', 'meeting_invitations.cancelled_at'])
    .where('meeting_invitations.person_id', '=', personId)
    .orderBy('meeting_invitations.meeting_id')
    .execute();

/** Marks the person's invitations to meetings not yet ended as taken back: nothing more is sent to them about those. */
export async function withdrawInvitations(db: CalendarDb, personId: number, now: string): Promise<void> {
  await db
    .updateTable('meeting_invitations')
    .set({ cancelled_at: now })
    .where('person_id', '=', personId)
    .where('cancelled_at', 'is', null)
    .where('meeting_id', 'in', db.selectFrom('meetings').select('id').where('ends_at', '>', now))
    .execute();
}

export async function forgetInvitations(db: CalendarDb, personId: number): Promise<void> {
  await db.deleteFrom('meeting_invitations').where('person_id', '=', personId).execute();
}

// ---- Feeds

export const feedOf = (db: CalendarDb, personId: number) => db.selectFrom('calendar_feeds').select(['person_id', 'created_at']).where('person_id', '=', personId).executeTakeFirst();

export async function saveFeed(db: CalendarDb, personId: number, tokenHash: string, now: string): Promise<void> {
  await db
    .insertInto('calendar_feeds')
    .values({ person_id: personId, token_hash: tokenHash, created_at: now })
    .onConflict((oc) => oc.column('person_id').doUpdateSet({ token_hash: tokenHash, created_at: now }))
    .execute();
}

export async function deleteFeed(db: CalendarDb, personId: number): Promise<void> {
  await db.deleteFrom('calendar_feeds').where('person_id', '=', personId).execute();
}

export async function feedByHash(db: CalendarDb, tokenHash: string): Promise<number | null> {
  const row = await db.selectFrom('calendar_feeds').select('person_id').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row?.person_id ?? null;
}

/**
 * The meetings of a person's feed: those their audience rule reaches (`audience`), and with
 * `orInvited` also those they were sent an invitation to and not since taken off; published or
 * cancelled (never a draft); ending after `since`. One query, whatever the number of meetings.
 */
export function feedMeetings(db: CalendarDb, personId: number, condition: { audience: Expression<SqlBool>; orInvited: boolean }, since: string, limit = 1000) {
  return db
    .selectFrom('meetings')
    .selectAll('meetings')
    .where((eb) =>
      condition.orInvited
        ? eb.or([
            condition.audience,
            eb.exists(
              eb
                .selectFrom('meeting_invitations as inv')
                .select('inv.person_id')
                .whereRef('inv.meeting_id', '=', 'meetings.id')
                .where('inv.person_id', '=', personId)
                .where((e) => e.or([e('inv.cancelled_at', 'is', null), e('meetings.status', '=', 'cancelled')])),
            ),
          ])
        : condition.audience,
    )
    .where('meetings.status', 'in', ['published', 'cancelled'])
    .where('meetings.ends_at', '>', since)
    .orderBy('meetings.starts_at')
    .orderBy('meetings.id')
    .limit(limit)
    .execute();
}

/** The person's role and status, to check what they may see through a link that is their credential. */
export const personForLink = (db: CalendarDb, personId: number) => db.selectFrom('people').select(['id', 'role', 'status']).where('id', '=', personId).executeTakeFirst();
