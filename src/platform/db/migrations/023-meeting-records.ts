// After the meeting (issue 11 §4): attendance, minutes, decisions and actions.
// - meeting_attendance: one row per invitee once the organiser saves the attendance page (who
//   recorded it and when); before that the page is prefilled from Join and answers, not stored;
// - meeting_minutes: one row per meeting: the minutes (Markdown), draft / review / published,
//   until when it is out for comment (UTC), when it was published, who changed it last;
// - meeting_minutes_reviewers: who was asked to comment (fixed when sent, so the list does not
//   change under them when attendance is corrected later);
// - meeting_minutes_comments and meeting_minutes_approvals (one approval per person);
// - meeting_decisions: ordered text, with the agenda item it belongs to (by position) or none;
// - meeting_actions: what, owner (null once the owner's data is erased), due date (London date),
//   open or done, a note, and the due date a reminder was last sent for (a job run twice sends once).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('meeting_attendance')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('attended', 'integer', (c) => c.notNull().check(sql`attended in (0, 1)`))
    .addColumn('recorded_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_attendance_pk', ['meeting_id', 'person_id'])
    .execute();
  await db.schema.createIndex('meeting_attendance_person_idx').on('meeting_attendance').column('person_id').execute();

  await db.schema
    .createTable('meeting_minutes')
    .addColumn('meeting_id', 'integer', (c) => c.primaryKey().references('meetings.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'review', 'published')`))
    .addColumn('review_until', t.timestamp)
    .addColumn('published_at', t.timestamp)
    .addColumn('updated_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('meeting_minutes_reviewers')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('meeting_minutes_reviewers_pk', ['meeting_id', 'person_id'])
    .execute();
  await db.schema.createIndex('meeting_minutes_reviewers_person_idx').on('meeting_minutes_reviewers').column('person_id').execute();

  await db.schema
    .createTable('meeting_minutes_comments')
    .addColumn('id', 'integer', t.id)
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meeting_minutes_comments_meeting_idx').on('meeting_minutes_comments').columns(['meeting_id', 'id']).execute();
  await db.schema.createIndex('meeting_minutes_comments_person_idx').on('meeting_minutes_comments').column('person_id').execute();

  await db.schema
    .createTable('meeting_minutes_approvals')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('approved_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_minutes_approvals_pk', ['meeting_id', 'person_id'])
    .execute();
  await db.schema.createIndex('meeting_minutes_approvals_person_idx').on('meeting_minutes_approvals').column('person_id').execute();

  await db.schema
    .createTable('meeting_decisions')
    .addColumn('id', 'integer', t.id)
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('agenda_position', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meeting_decisions_meeting_idx').on('meeting_decisions').columns(['meeting_id', 'id']).execute();

  await db.schema
    .createTable('meeting_actions')
    .addColumn('id', 'integer', t.id)
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('due_date', t.date, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'done')`))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('done_at', t.timestamp)
    .addColumn('reminded_for', t.date)
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meeting_actions_meeting_idx').on('meeting_actions').columns(['meeting_id', 'id']).execute();
  // "Your actions"; the overdue list reads open actions by due date.
  await db.schema.createIndex('meeting_actions_owner_idx').on('meeting_actions').columns(['owner_id', 'status', 'due_date']).execute();
  await db.schema.createIndex('meeting_actions_due_idx').on('meeting_actions').columns(['status', 'due_date']).execute();
}
