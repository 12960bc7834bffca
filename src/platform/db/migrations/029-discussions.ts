// Discussions (issue 13), first slice: spaces, threads, posts, their earlier versions, who follows
// what and how far each person has read. Who a space is for is kept in audience_targets (item
// kind 'discussion-space'), like every item's.
// - discussion_spaces: a programme's space, optionally tied to the project or sub-group it was
//   opened for (for the list's headings), archived_at (archived: read only);
// - discussion_threads: a title, pinned/locked, and closing with a summary (closed_at, summary);
//   last_post_at orders the list;
// - discussion_posts: the thread's opening post (is_opening) and replies; parent_id is the
//   top-level reply a nested reply answers (one level only), quote_of the post quoted; status
//   visible, deleted (by its author) or hidden (by a moderator, with a note); idempotency_key (per
//   author) makes a double submit one post; search_text is what search reads (title + body);
// - discussion_post_versions: each earlier text of an edited post, for moderators;
// - discussion_follows: a person following a space or a thread;
// - discussion_reads: the last post a person had seen in a thread (unread markers).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('discussion_spaces')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('archived_at', t.timestamp)
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_spaces_programme_idx').on('discussion_spaces').columns(['programme_id', 'name']).execute();
  await db.schema
    .createTable('discussion_threads')
    .addColumn('id', 'integer', t.id)
    .addColumn('space_id', 'integer', (c) => c.notNull().references('discussion_spaces.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_at', t.timestamp)
    .addColumn('closed_at', t.timestamp)
    .addColumn('summary', 'text')
    .addColumn('closed_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_post_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_threads_space_idx').on('discussion_threads').columns(['space_id', 'pinned', 'last_post_at']).execute();
  await db.schema
    .createTable('discussion_posts')
    .addColumn('id', 'integer', t.id)
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('discussion_threads.id').onDelete('cascade'))
    .addColumn('space_id', 'integer', (c) => c.notNull().references('discussion_spaces.id').onDelete('cascade'))
    .addColumn('is_opening', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parent_id', 'integer', (c) => c.references('discussion_posts.id').onDelete('set null'))
    .addColumn('quote_of', 'integer', (c) => c.references('discussion_posts.id').onDelete('set null'))
    .addColumn('author_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('visible', 'deleted', 'hidden')`))
    .addColumn('idempotency_key', 'text')
    .addColumn('edited_at', t.timestamp)
    .addColumn('moderated_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('moderation_note', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_posts_thread_idx').on('discussion_posts').columns(['thread_id', 'id']).execute();
  await db.schema.createIndex('discussion_posts_author_idx').on('discussion_posts').column('author_id').execute();
  // One post per author and form key: a double-click posts once.
  await db.schema.createIndex('discussion_posts_idempotency').on('discussion_posts').columns(['author_id', 'idempotency_key']).unique().execute();
  await db.schema
    .createTable('discussion_post_versions')
    .addColumn('id', 'integer', t.id)
    .addColumn('post_id', 'integer', (c) => c.notNull().references('discussion_posts.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('written_at', t.timestamp, (c) => c.notNull())
    .addColumn('replaced_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_post_versions_post_idx').on('discussion_post_versions').columns(['post_id', 'id']).execute();
  await db.schema
    .createTable('discussion_follows')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('space', 'thread')`))
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('discussion_follows_pk', ['person_id', 'target_kind', 'target_id'])
    .execute();
  await db.schema.createIndex('discussion_follows_target_idx').on('discussion_follows').columns(['target_kind', 'target_id']).execute();
  await db.schema
    .createTable('discussion_reads')
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('discussion_threads.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('last_post_id', 'integer', (c) => c.notNull())
    .addColumn('read_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('discussion_reads_pk', ['thread_id', 'person_id'])
    .execute();
  await db.schema.createIndex('discussion_reads_person_idx').on('discussion_reads').column('person_id').execute();
}
