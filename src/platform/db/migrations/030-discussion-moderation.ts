// Discussions (issue 13): moderation, quick polls and search.
// - discussion_reports: a post reported with a reason; resolved_at/by and outcome once a
//   moderator has dealt with it;
// - discussion_suspensions: a member may not post in a space until a time;
// - discussion_polls: one quick poll on a thread: agree/abstain/disagree or the poll's own options,
//   closing at closes_at, its results hidden until then if hide_results; discussion_poll_options
//   its options; discussion_poll_votes one vote per person (changed until it closes), with an
//   optional reason;
// - search over discussion_posts.search_text: on SQLite an external-content FTS5 index kept in
//   step by triggers; on PostgreSQL a generated tsvector column with a GIN index.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('discussion_reports')
    .addColumn('id', 'integer', t.id)
    .addColumn('post_id', 'integer', (c) => c.notNull().references('discussion_posts.id').onDelete('cascade'))
    .addColumn('space_id', 'integer', (c) => c.notNull().references('discussion_spaces.id').onDelete('cascade'))
    .addColumn('reporter_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('resolved_at', t.timestamp)
    .addColumn('resolved_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome is null or outcome in ('hidden', 'kept', 'restored')`))
    .execute();
  await db.schema.createIndex('discussion_reports_space_idx').on('discussion_reports').columns(['space_id', 'resolved_at']).execute();
  await db.schema.createIndex('discussion_reports_post_idx').on('discussion_reports').column('post_id').execute();
  await db.schema
    .createTable('discussion_suspensions')
    .addColumn('id', 'integer', t.id)
    .addColumn('space_id', 'integer', (c) => c.notNull().references('discussion_spaces.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('until', t.timestamp, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_suspensions_idx').on('discussion_suspensions').columns(['space_id', 'person_id', 'until']).execute();
  await db.schema
    .createTable('discussion_polls')
    .addColumn('id', 'integer', t.id)
    .addColumn('thread_id', 'integer', (c) => c.notNull().unique().references('discussion_threads.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('agreement', 'options')`))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('closes_at', t.timestamp, (c) => c.notNull())
    .addColumn('hide_results', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('discussion_poll_options')
    .addColumn('id', 'integer', t.id)
    .addColumn('poll_id', 'integer', (c) => c.notNull().references('discussion_polls.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_poll_options_poll_idx').on('discussion_poll_options').columns(['poll_id', 'position']).execute();
  await db.schema
    .createTable('discussion_poll_votes')
    .addColumn('poll_id', 'integer', (c) => c.notNull().references('discussion_polls.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('choice', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('discussion_poll_votes_pk', ['poll_id', 'person_id'])
    .execute();
  await db.schema.createIndex('discussion_poll_votes_person_idx').on('discussion_poll_votes').column('person_id').execute();
  if (engine === 'sqlite') {
    await sql`create virtual table discussion_posts_fts using fts5(search_text, content='discussion_posts', content_rowid='id', tokenize='porter unicode61')`.execute(db);
    await sql`create trigger discussion_posts_fts_insert after insert on discussion_posts begin
      insert into discussion_posts_fts(rowid, search_text) values (new.id, new.search_text);
    end`.execute(db);
    await sql`create trigger discussion_posts_fts_delete after delete on discussion_posts begin
      insert into discussion_posts_fts(discussion_posts_fts, rowid, search_text) values ('delete', old.id, old.search_text);
    end`.execute(db);
    await sql`create trigger discussion_posts_fts_update after update of search_text on discussion_posts begin
      insert into discussion_posts_fts(discussion_posts_fts, rowid, search_text) values ('delete', old.id, old.search_text);
      insert into discussion_posts_fts(rowid, search_text) values (new.id, new.search_text);
    end`.execute(db);
  } else {
    await sql`alter table discussion_posts add column search_vector tsvector generated always as (to_tsvector('english', search_text)) stored`.execute(db);
    await sql`create index discussion_posts_search_idx on discussion_posts using gin (search_vector)`.execute(db);
  }
}
