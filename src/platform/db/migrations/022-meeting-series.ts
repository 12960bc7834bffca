// Meeting series (issue 11 §2): a weekly, fortnightly or monthly run of meetings made in one go.
// Each meeting of it is a full row of `meetings` (changed or cancelled on its own); the series
// row says how it repeats, so a page can say "meeting 3 of 6" and find the rest.
// - meeting_series: the programme, how it repeats (weekly, fortnightly, monthly: the same weekday
//   of the month), how many meetings it made, who made it and when;
// - meeting_reminders_sent: one row per reminder a person was sent (the meeting, the start it was
//   for, how many hours before), claimed before sending, so a reminder job run twice (its
//   instance died after sending) never reminds anyone twice; a moved meeting's start is new.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('meeting_series')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (c) => c.notNull().check(sql`frequency in ('weekly', 'fortnightly', 'monthly')`))
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count between 2 and 24`))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('meeting_reminders_sent')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('hours', 'integer', (c) => c.notNull())
    .addColumn('sent_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_reminders_sent_pk', ['meeting_id', 'person_id', 'starts_at', 'hours'])
    .execute();
  await db.schema.createIndex('meeting_reminders_sent_person_idx').on('meeting_reminders_sent').column('person_id').execute();
}
