// Calendars for meetings (issue 11):
// - meeting_invitations: who has been sent a meeting's calendar invitation and at which SEQUENCE,
//   so a re-run of the invitation job never invites twice and a later change or cancellation
//   goes to exactly those invited; cancelled_at is set once they have been sent METHOD:CANCEL
//   (the meeting was cancelled, or they are no longer in its audience);
// - calendar_feeds: one private feed per person, found by the SHA-256 of its token (the token
//   itself is never stored), so a copied database holds no working feed link.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('meeting_invitations')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('sequence', 'integer', (c) => c.notNull().check(sql`sequence >= 0`))
    .addColumn('invited_at', t.timestamp, (c) => c.notNull())
    .addColumn('cancelled_at', t.timestamp)
    .addPrimaryKeyConstraint('meeting_invitations_pk', ['meeting_id', 'person_id'])
    .execute();
  // A person's feed and their export read by person.
  await db.schema.createIndex('meeting_invitations_person_idx').on('meeting_invitations').columns(['person_id', 'meeting_id']).execute();
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('people.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}
