// Virtual meetings (issue 11), first slice. Who a meeting is for is kept in audience_targets (item
// kind 'meeting'), like every item's.
// - meetings: the programme, title, purpose and joining notes (Markdown), start and end (UTC),
//   the https join link, capacity (null: no limit), status (draft, published, cancelled),
//   publish_at (null: at once), who made it, and for the calendar work to come: a stable uid
//   (the iCalendar UID), sequence (raised on every change invitees are told of) and series_id
//   (the meetings of one series share it; null for a single meeting);
// - meeting_agenda_items: ordered items, each with an optional lead's name and length in minutes;
// - meeting_responses: one row per person who answered or pressed Join: their answer (yes, no,
//   maybe, or none yet), their place (attending, waiting with a position in the list, or none)
//   and when they first and last pressed Join (the attendance page to come starts from it).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('meetings')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('uid', 'text', (c) => c.notNull().unique())
    .addColumn('series_id', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('ends_at', t.timestamp, (c) => c.notNull())
    .addColumn('join_url', 'text', (c) => c.notNull().check(sql`join_url like 'https://%'`))
    .addColumn('joining_notes', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.check(sql`capacity is null or capacity > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'cancelled')`))
    .addColumn('publish_at', t.timestamp)
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('cancelled_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('meetings_end_after_start', sql`ends_at > starts_at`)
    .execute();
  // Lists: a programme's meetings by start; a series' meetings.
  await db.schema.createIndex('meetings_programme_idx').on('meetings').columns(['programme_id', 'starts_at']).execute();
  await db.schema.createIndex('meetings_series_idx').on('meetings').column('series_id').execute();
  await db.schema
    .createTable('meeting_agenda_items')
    .addColumn('id', 'integer', t.id)
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('lead_name', 'text')
    .addColumn('minutes', 'integer', (c) => c.check(sql`minutes is null or minutes > 0`))
    .execute();
  await db.schema.createIndex('meeting_agenda_items_meeting_idx').on('meeting_agenda_items').columns(['meeting_id', 'position']).execute();
  await db.schema
    .createTable('meeting_responses')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('response', 'text', (c) => c.check(sql`response in ('yes', 'no', 'maybe')`))
    .addColumn('place', 'text', (c) => c.check(sql`place in ('attending', 'waiting')`))
    .addColumn('waiting_position', 'integer')
    .addColumn('first_joined_at', t.timestamp)
    .addColumn('last_joined_at', t.timestamp)
    .addColumn('responded_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_responses_pk', ['meeting_id', 'person_id'])
    .addCheckConstraint('meeting_responses_waiting', sql`(place = 'waiting') = (waiting_position is not null)`)
    .execute();
  // "Your meetings" and erasing a person; counting places by meeting uses the primary key.
  await db.schema.createIndex('meeting_responses_person_idx').on('meeting_responses').columns(['person_id', 'meeting_id']).execute();
}
