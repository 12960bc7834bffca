// Reply by email and the programme mailbox read on a schedule (issue 13 §5–6).
// - discussion_mail_replies (discussions): every message that came to a reply address, once per
//   Message-ID (re-imports add nothing, and send no second refusal): the person and thread its
//   token named, the post it became, or why it was refused. from_address is kept for the team
//   (a refused message's sender), so the table is in the feature's personal data.
// - mail_runs (registration's email import): one row per scheduled read of the programme mailbox,
//   counts only (no addresses), for the admins' page; error says why a run could not read at all.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('discussion_mail_replies')
    .addColumn('id', 'integer', t.id)
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('thread_id', 'integer', (c) => c.references('discussion_threads.id').onDelete('set null'))
    .addColumn('post_id', 'integer', (c) => c.references('discussion_posts.id').onDelete('set null'))
    .addColumn('from_address', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('posted', 'refused')`))
    .addColumn('reason', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_mail_replies_person').on('discussion_mail_replies').column('person_id').execute();
  await db.schema
    .createTable('mail_runs')
    .addColumn('id', 'integer', t.id)
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp, (c) => c.notNull())
    .addColumn('read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('posted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('for_review', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('mail_runs_started').on('mail_runs').column('started_at').execute();
}
