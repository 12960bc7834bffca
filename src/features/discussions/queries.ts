// The discussions feature's SQL, on its own handle (its tables, and people to read names). Who may
// see or manage a space comes as a condition from the platform's audience rule (visibleTo,
// managedBy on 'discussion-space'), so a list only ever reads rows of spaces the person may see.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { DiscussionsDb, PostStatus } from './tables.ts';

export const SPACE_KIND = 'discussion-space';
export const PAGE_SIZE = 50;

type Cond = Expression<SqlBool>;

// ---- Spaces

export async function insertSpace(db: DiscussionsDb, row: { programmeId: number; name: string; description: string; createdBy: number | null }, now: string): Promise<number> {
  const r = await db
    .insertInto('discussion_spaces')
    .values({ programme_id: row.programmeId, name: row.name, description: row.description, archived_at: null, created_by: row.createdBy, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function updateSpace(db: DiscussionsDb, id: number, set: { name?: string; description?: string; archived_at?: string | null }, now: string): Promise<void> {
  await db.updateTable('discussion_spaces').set({ ...set, updated_at: now }).where('id', '=', id).execute();
}

export const spaceById = (db: DiscussionsDb, programmeId: number, id: number) =>
  db.selectFrom('discussion_spaces').selectAll().where('id', '=', id).where('programme_id', '=', programmeId).executeTakeFirst();

/** The spaces passing the caller's condition (visibleTo), with their threads and the person's unread threads. */
export async function listSpaces(db: DiscussionsDb, programmeId: number, personId: number, visible: (ref: string) => Cond, manages: (ref: string) => Cond) {
  const rows = await db
    .selectFrom('discussion_spaces as s')
    .select((eb) => [
      's.id',
      's.name',
      's.description',
      's.archived_at',
      eb.selectFrom('discussion_threads as t').select(eb.fn.countAll<number>().as('n')).whereRef('t.space_id', '=', 's.id').as('threads'),
      eb
        .selectFrom('discussion_threads as t')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('t.space_id', '=', 's.id')
        .where(unreadThread(personId))
        .as('unread'),
      sql<number>`case when ${manages('s.id')} then 1 else 0 end`.as('manages'),
    ])
    .where('s.programme_id', '=', programmeId)
    .where(visible('s.id'))
    .orderBy(sql`case when s.archived_at is null then 0 else 1 end`)
    .orderBy('s.name')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({ ...r, threads: Number(r.threads), unread: Number(r.unread), manages: Number(r.manages) === 1 }));
}

/** A thread (t) with a post by someone else after the last one this person read (or never opened it). */
function unreadThread(personId: number): Cond {
  return sql<SqlBool>`exists (select 1 from discussion_posts as up where up.thread_id = t.id and (up.author_id is null or up.author_id <> ${personId})
    and up.id > coalesce((select r.last_post_id from discussion_reads as r where r.thread_id = t.id and r.person_id = ${personId}), 0))`;
}

// ---- Threads

export async function insertThread(db: DiscussionsDb, row: { spaceId: number; title: string; authorId: number }, now: string): Promise<number> {
  const r = await db
    .insertInto('discussion_threads')
    .values({ space_id: row.spaceId, title: row.title, author_id: row.authorId, locked_at: null, closed_at: null, summary: null, closed_by: null, created_at: now, last_post_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export const threadById = (db: DiscussionsDb, id: number) => db.selectFrom('discussion_threads').selectAll().where('id', '=', id).executeTakeFirst();

export async function setThread(db: DiscussionsDb, id: number, set: { pinned?: number; locked_at?: string | null; last_post_at?: string; closed_at?: string | null; summary?: string | null; closed_by?: number | null }): Promise<void> {
  await db.updateTable('discussion_threads').set(set).where('id', '=', id).execute();
}

/** A page of a space's threads: pinned first, then the latest active; with replies and the person's unread mark. */
export async function listThreads(db: DiscussionsDb, spaceId: number, personId: number, page: number) {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('discussion_threads as t')
      .leftJoin('people as a', 'a.id', 't.author_id')
      .select((eb) => [
        't.id',
        't.title',
        't.pinned',
        't.locked_at',
        't.closed_at',
        't.last_post_at',
        'a.name as author_name',
        eb.selectFrom('discussion_posts as p').select(eb.fn.countAll<number>().as('n')).whereRef('p.thread_id', '=', 't.id').where('p.is_opening', '=', 0).as('replies'),
        sql<number>`case when ${unreadThread(personId)} then 1 else 0 end`.as('unread'),
      ])
      .where('t.space_id', '=', spaceId)
      .orderBy('t.pinned', 'desc')
      .orderBy('t.last_post_at', 'desc')
      .orderBy('t.id', 'desc')
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute(),
    db.selectFrom('discussion_threads').select((eb) => eb.fn.countAll<number>().as('n')).where('space_id', '=', spaceId).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, replies: Number(r.replies), unread: Number(r.unread) === 1 })), total: Number(total.n) };
}

/** The closed threads of a space with their summaries, latest first. */
export const summariesOf = (db: DiscussionsDb, spaceId: number) =>
  db
    .selectFrom('discussion_threads')
    .select(['id', 'title', 'summary', 'closed_at'])
    .where('space_id', '=', spaceId)
    .where('closed_at', 'is not', null)
    .orderBy('closed_at', 'desc')
    .orderBy('id', 'desc')
    .execute();

// ---- Posts

export type PostInput = { threadId: number; spaceId: number; isOpening: boolean; parentId: number | null; quoteOf: number | null; authorId: number; body: string; searchText: string; key: string | null };

export async function insertPost(db: DiscussionsDb, row: PostInput, now: string): Promise<number> {
  const r = await db
    .insertInto('discussion_posts')
    .values({
      thread_id: row.threadId,
      space_id: row.spaceId,
      is_opening: row.isOpening ? 1 : 0,
      parent_id: row.parentId,
      quote_of: row.quoteOf,
      author_id: row.authorId,
      body: row.body,
      search_text: row.searchText,
      status: 'visible',
      idempotency_key: row.key,
      edited_at: null,
      moderated_by: null,
      moderation_note: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The post this person already made with this form's key (a second submit of the same form). */
export const postByKey = (db: DiscussionsDb, authorId: number, key: string) =>
  db.selectFrom('discussion_posts').select(['id', 'thread_id']).where('author_id', '=', authorId).where('idempotency_key', '=', key).executeTakeFirst();

export const postById = (db: DiscussionsDb, id: number) => db.selectFrom('discussion_posts').selectAll().where('id', '=', id).executeTakeFirst();

export async function setPost(db: DiscussionsDb, id: number, set: { body?: string; search_text?: string; status?: PostStatus; edited_at?: string; moderated_by?: number | null; moderation_note?: string | null }): Promise<void> {
  await db.updateTable('discussion_posts').set(set).where('id', '=', id).execute();
}

export async function insertVersion(db: DiscussionsDb, row: { postId: number; body: string; writtenAt: string }, now: string): Promise<void> {
  await db.insertInto('discussion_post_versions').values({ post_id: row.postId, body: row.body, written_at: row.writtenAt, replaced_at: now }).execute();
}

export const versionsOf = (db: DiscussionsDb, postId: number) =>
  db.selectFrom('discussion_post_versions').select(['id', 'body', 'written_at', 'replaced_at']).where('post_id', '=', postId).orderBy('id').execute();

const POST_COLUMNS = [
  'p.id',
  'p.thread_id',
  'p.is_opening',
  'p.parent_id',
  'p.quote_of',
  'p.author_id',
  'p.body',
  'p.status',
  'p.edited_at',
  'p.moderation_note',
  'p.created_at',
  'a.name as author_name',
] as const;

/** One page of a thread: its top-level posts in order (the opening post first), and the replies to them. */
export async function threadPage(db: DiscussionsDb, threadId: number, page: number) {
  const top = await db
    .selectFrom('discussion_posts as p')
    .leftJoin('people as a', 'a.id', 'p.author_id')
    .select(POST_COLUMNS)
    .where('p.thread_id', '=', threadId)
    .where('p.parent_id', 'is', null)
    .orderBy('p.id')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const children = top.length
    ? await db
        .selectFrom('discussion_posts as p')
        .leftJoin('people as a', 'a.id', 'p.author_id')
        .select(POST_COLUMNS)
        .where('p.thread_id', '=', threadId)
        .where(
          'p.parent_id',
          'in',
          top.map((t) => t.id),
        )
        .orderBy('p.id')
        .execute()
    : [];
  const total = await db.selectFrom('discussion_posts').select((eb) => eb.fn.countAll<number>().as('n')).where('thread_id', '=', threadId).where('parent_id', 'is', null).executeTakeFirstOrThrow();
  return { top, children, topTotal: Number(total.n) };
}

/** Which page of its thread a top-level post is on. */
export async function pageOfPost(db: DiscussionsDb, threadId: number, topPostId: number): Promise<number> {
  const r = await db.selectFrom('discussion_posts').select((eb) => eb.fn.countAll<number>().as('n')).where('thread_id', '=', threadId).where('parent_id', 'is', null).where('id', '<', topPostId).executeTakeFirstOrThrow();
  return Math.floor(Number(r.n) / PAGE_SIZE) + 1;
}

/** Posts by id with their authors' names (for quotes). */
export async function postsWithAuthors(db: DiscussionsDb, ids: readonly number[]) {
  if (!ids.length) return [];
  return db.selectFrom('discussion_posts as p').leftJoin('people as a', 'a.id', 'p.author_id').select(POST_COLUMNS).where('p.id', 'in', [...ids]).execute();
}

export async function latestPostId(db: DiscussionsDb, threadId: number): Promise<number> {
  const r = await db.selectFrom('discussion_posts').select((eb) => eb.fn.max('id').as('id')).where('thread_id', '=', threadId).executeTakeFirst();
  return Number(r?.id ?? 0);
}

// ---- Reading and following

export const lastRead = async (db: DiscussionsDb, threadId: number, personId: number): Promise<number> =>
  Number((await db.selectFrom('discussion_reads').select('last_post_id').where('thread_id', '=', threadId).where('person_id', '=', personId).executeTakeFirst())?.last_post_id ?? 0);

/** Moves the person's last-read mark forward (never back). */
export async function markRead(db: DiscussionsDb, threadId: number, personId: number, postId: number, now: string): Promise<void> {
  await db
    .insertInto('discussion_reads')
    .values({ thread_id: threadId, person_id: personId, last_post_id: postId, read_at: now })
    .onConflict((oc) =>
      oc.columns(['thread_id', 'person_id']).doUpdateSet({ last_post_id: sql`case when excluded.last_post_id > discussion_reads.last_post_id then excluded.last_post_id else discussion_reads.last_post_id end`, read_at: now }),
    )
    .execute();
}

export async function follow(db: DiscussionsDb, personId: number, kind: 'space' | 'thread', id: number, now: string): Promise<void> {
  await db
    .insertInto('discussion_follows')
    .values({ person_id: personId, target_kind: kind, target_id: id, created_at: now })
    .onConflict((oc) => oc.columns(['person_id', 'target_kind', 'target_id']).doNothing())
    .execute();
}

export async function unfollow(db: DiscussionsDb, personId: number, kind: 'space' | 'thread', id: number): Promise<void> {
  await db.deleteFrom('discussion_follows').where('person_id', '=', personId).where('target_kind', '=', kind).where('target_id', '=', id).execute();
}

export const follows = async (db: DiscussionsDb, personId: number, kind: 'space' | 'thread', id: number): Promise<boolean> =>
  Boolean(await db.selectFrom('discussion_follows').select('person_id').where('person_id', '=', personId).where('target_kind', '=', kind).where('target_id', '=', id).executeTakeFirst());

export const followersOf = async (db: DiscussionsDb, kind: 'space' | 'thread', id: number): Promise<number[]> =>
  (await db.selectFrom('discussion_follows').select('person_id').where('target_kind', '=', kind).where('target_id', '=', id).orderBy('person_id').execute()).map((r) => r.person_id);

// ---- Mentions

/** Active people whose name starts with this word (the candidates for one @mention). */
export const peopleNamed = (db: DiscussionsDb, firstWord: string) =>
  db
    .selectFrom('people')
    .select(['id', 'name', 'role'])
    .where('status', '=', 'active')
    .where(sql<SqlBool>`lower(name) like ${`${firstWord.toLowerCase()}%`}`)
    .orderBy('id')
    .limit(50)
    .execute();

/**
 * Up to `limit` active people who have not withdrawn, other than `exceptId`, passing the caller's
 * condition (seenBy: who may see the space), with a word of their name (the whole name, or after
 * a space or a hyphen) starting with one of `prefixes`: LIKE prefixes for lower(name), with no
 * wildcards of their own beyond `_` (see service.ts mentionable). By name.
 */
export const peopleStartingWith = (db: DiscussionsDb, prefixes: readonly string[], seen: Cond, exceptId: number, limit: number) =>
  db
    .selectFrom('people')
    .select(['people.id', 'people.name'])
    .where('people.status', '=', 'active')
    .where('people.programme_mail_stopped_at', 'is', null)
    .where('people.id', '<>', exceptId)
    .where((eb) => eb.or(prefixes.flatMap((p) => [`${p}%`, `% ${p}%`, `%-${p}%`]).map((pattern) => sql<SqlBool>`lower(people.name) like ${pattern}`)))
    .where(seen)
    .orderBy('people.name')
    .orderBy('people.id')
    .limit(limit)
    .execute();

/** Of these people, the ids of those active and passing the caller's condition (seenBy), in slices. */
export async function activeAmong(db: DiscussionsDb, ids: readonly number[], seen: Cond): Promise<Set<number>> {
  const out = new Set<number>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('people').select('people.id').where('people.id', 'in', unique.slice(i, i + 500)).where('people.status', '=', 'active').where(seen).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

export const personById = (db: DiscussionsDb, id: number) => db.selectFrom('people').select(['id', 'name', 'role', 'status']).where('id', '=', id).executeTakeFirst();
export const personByEmail = (db: DiscussionsDb, email: string) =>
  db.selectFrom('people').select(['id', 'name', 'role', 'status']).where(sql<SqlBool>`lower(email) = ${email.toLowerCase()}`).executeTakeFirst();

// ---- Moderation

export async function insertReport(db: DiscussionsDb, row: { postId: number; spaceId: number; reporterId: number; reason: string }, now: string): Promise<number> {
  const r = await db
    .insertInto('discussion_reports')
    .values({ post_id: row.postId, space_id: row.spaceId, reporter_id: row.reporterId, reason: row.reason, created_at: now, resolved_at: null, resolved_by: null, outcome: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export const openReportBy = (db: DiscussionsDb, postId: number, reporterId: number) =>
  db.selectFrom('discussion_reports').select('id').where('post_id', '=', postId).where('reporter_id', '=', reporterId).where('resolved_at', 'is', null).executeTakeFirst();

export async function resolveReports(db: DiscussionsDb, postId: number, by: number, outcome: 'hidden' | 'kept' | 'restored', now: string): Promise<void> {
  await db.updateTable('discussion_reports').set({ resolved_at: now, resolved_by: by, outcome }).where('post_id', '=', postId).where('resolved_at', 'is', null).execute();
}

/** Open reports in the spaces passing the caller's condition (managedBy), oldest first. */
export const openReports = (db: DiscussionsDb, programmeId: number, manages: (ref: string) => Cond, spaceId: number | null) =>
  db
    .selectFrom('discussion_reports as r')
    .innerJoin('discussion_posts as p', 'p.id', 'r.post_id')
    .innerJoin('discussion_threads as t', 't.id', 'p.thread_id')
    .innerJoin('discussion_spaces as s', 's.id', 'r.space_id')
    .leftJoin('people as rp', 'rp.id', 'r.reporter_id')
    .leftJoin('people as a', 'a.id', 'p.author_id')
    .select(['r.id', 'r.reason', 'r.created_at', 'p.id as post_id', 'p.body', 'p.status', 't.id as thread_id', 't.title as thread_title', 's.id as space_id', 's.name as space_name', 'rp.name as reporter_name', 'a.name as author_name'])
    .where('s.programme_id', '=', programmeId)
    .where('r.resolved_at', 'is', null)
    .where(manages('s.id'))
    .$if(spaceId !== null, (qb) => qb.where('s.id', '=', spaceId!))
    .orderBy('r.id')
    .limit(200)
    .execute();

export async function insertSuspension(db: DiscussionsDb, row: { spaceId: number; personId: number; until: string; note: string; by: number }, now: string): Promise<void> {
  await db.insertInto('discussion_suspensions').values({ space_id: row.spaceId, person_id: row.personId, until: row.until, note: row.note, created_by: row.by, created_at: now }).execute();
}

export const suspendedUntil = async (db: DiscussionsDb, spaceId: number, personId: number, now: string): Promise<string | null> => {
  const r = await db
    .selectFrom('discussion_suspensions')
    .select((eb) => eb.fn.max('until').as('until'))
    .where('space_id', '=', spaceId)
    .where('person_id', '=', personId)
    .where('until', '>', now)
    .executeTakeFirst();
  return r?.until ? String(r.until) : null;
};

export const suspensionsIn = (db: DiscussionsDb, spaceId: number, now: string) =>
  db
    .selectFrom('discussion_suspensions as s')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .select(['s.id', 's.until', 's.note', 'p.name'])
    .where('s.space_id', '=', spaceId)
    .where('s.until', '>', now)
    .orderBy('s.until')
    .execute();

// ---- Quick polls

export async function insertPoll(db: DiscussionsDb, row: { threadId: number; kind: 'agreement' | 'options'; question: string; closesAt: string; hideResults: boolean; options: string[]; by: number }, now: string): Promise<number> {
  const r = await db
    .insertInto('discussion_polls')
    .values({ thread_id: row.threadId, kind: row.kind, question: row.question, closes_at: row.closesAt, hide_results: row.hideResults ? 1 : 0, created_by: row.by, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(r.id);
  if (row.options.length) await db.insertInto('discussion_poll_options').values(row.options.map((label, i) => ({ poll_id: id, position: i + 1, label }))).execute();
  return id;
}

export const pollOf = (db: DiscussionsDb, threadId: number) => db.selectFrom('discussion_polls').selectAll().where('thread_id', '=', threadId).executeTakeFirst();
export const pollOptions = (db: DiscussionsDb, pollId: number) => db.selectFrom('discussion_poll_options').select(['id', 'label']).where('poll_id', '=', pollId).orderBy('position').execute();
export const voteOf = (db: DiscussionsDb, pollId: number, personId: number) =>
  db.selectFrom('discussion_poll_votes').select(['choice', 'reason']).where('poll_id', '=', pollId).where('person_id', '=', personId).executeTakeFirst();

export async function saveVote(db: DiscussionsDb, row: { pollId: number; personId: number; choice: string; reason: string }, now: string): Promise<void> {
  await db
    .insertInto('discussion_poll_votes')
    .values({ poll_id: row.pollId, person_id: row.personId, choice: row.choice, reason: row.reason, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['poll_id', 'person_id']).doUpdateSet({ choice: row.choice, reason: row.reason, updated_at: now }))
    .execute();
}

export async function pollCounts(db: DiscussionsDb, pollId: number) {
  const rows = await db.selectFrom('discussion_poll_votes').select((eb) => ['choice', eb.fn.countAll<number>().as('n')]).where('poll_id', '=', pollId).groupBy('choice').execute();
  return new Map(rows.map((r) => [r.choice, Number(r.n)]));
}

export const pollReasons = (db: DiscussionsDb, pollId: number) =>
  db
    .selectFrom('discussion_poll_votes as v')
    .leftJoin('people as p', 'p.id', 'v.person_id')
    .select(['v.choice', 'v.reason', 'p.name'])
    .where('v.poll_id', '=', pollId)
    .where('v.reason', '<>', '')
    .orderBy('v.created_at')
    .execute();

// ---- Search

/**
 * Posts matching the words, newest first, in spaces passing the caller's condition (visibleTo),
 * never hidden or deleted ones. SQLite: the FTS5 index (migration 030) with each word a prefix;
 * PostgreSQL: the tsvector column with plainto_tsquery.
 */
export async function searchPosts(db: DiscussionsDb, engine: 'sqlite' | 'postgres', programmeId: number, words: string[], visible: (ref: string) => Cond, limit: number) {
  if (!words.length) return [];
  const matches =
    engine === 'sqlite'
      ? sql<SqlBool>`p.id in (select rowid from discussion_posts_fts where discussion_posts_fts match ${words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ')})`
      : sql<SqlBool>`p.search_vector @@ plainto_tsquery('english', ${words.join(' ')})`;
  // The newest matching posts first, found without the columns shown; then, for those few only,
  // their thread, author and place in the thread (a count per row that, computed for every match
  // before the limit, made a common word's search take half a second: bench/discussions.ts).
  const found = db
    .selectFrom('discussion_posts as p')
    .innerJoin('discussion_spaces as s', 's.id', 'p.space_id')
    .select('p.id')
    .where('s.programme_id', '=', programmeId)
    .where('p.status', '=', 'visible')
    .where(matches)
    .where(visible('s.id'))
    .orderBy('p.id', 'desc')
    .limit(limit);
  return db
    .selectFrom(found.as('f'))
    .innerJoin('discussion_posts as p', 'p.id', 'f.id')
    .innerJoin('discussion_threads as t', 't.id', 'p.thread_id')
    .innerJoin('discussion_spaces as s', 's.id', 'p.space_id')
    .leftJoin('people as a', 'a.id', 'p.author_id')
    .select(['p.id', 'p.body', 'p.created_at', 'p.thread_id', 'p.parent_id', 't.title', 's.id as space_id', 's.name as space_name', 'a.name as author_name'])
    // The top-level posts before this one's, for the page of the thread it is on.
    .select(sql<number>`(select count(*) from discussion_posts as tp where tp.thread_id = p.thread_id and tp.parent_id is null and tp.id < coalesce(p.parent_id, p.id))`.as('before'))
    .orderBy('p.id', 'desc')
    .execute();
}

/** Which engine a handle talks to, from how it writes a parameter ($1 on PostgreSQL, ? on SQLite). */
export function engineOf(db: DiscussionsDb): 'sqlite' | 'postgres' {
  return sql`select ${1}`.compile(db).sql.includes('$1') ? 'postgres' : 'sqlite';
}

// ---- Digest visibility

/** Of these posts, the ones still visible whose space passes the caller's condition (visibleTo). */
export async function visiblePostIds(db: DiscussionsDb, ids: readonly number[], visible: (ref: string) => Cond): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('discussion_posts as p').select('p.id').where('p.id', 'in', [...ids]).where('p.status', '=', 'visible').where(visible('p.space_id')).execute();
  return rows.map((r) => r.id);
}

// ---- Personal data

export async function personRows(db: DiscussionsDb, personId: number) {
  const [posts, versions, follows, reads, reports, suspensions, votes, mailReplies] = await Promise.all([
    db.selectFrom('discussion_posts').select(['id', 'thread_id', 'body', 'status', 'created_at', 'edited_at']).where('author_id', '=', personId).orderBy('id').execute(),
    db
      .selectFrom('discussion_post_versions as v')
      .innerJoin('discussion_posts as p', 'p.id', 'v.post_id')
      .select(['v.post_id', 'v.body', 'v.written_at', 'v.replaced_at'])
      .where('p.author_id', '=', personId)
      .orderBy('v.id')
      .execute(),
    db.selectFrom('discussion_follows').select(['target_kind', 'target_id', 'created_at']).where('person_id', '=', personId).execute(),
    db.selectFrom('discussion_reads').select(['thread_id', 'last_post_id', 'read_at']).where('person_id', '=', personId).execute(),
    db.selectFrom('discussion_reports').select(['post_id', 'reason', 'created_at']).where('reporter_id', '=', personId).execute(),
    db.selectFrom('discussion_suspensions').select(['space_id', 'until', 'note', 'created_at']).where('person_id', '=', personId).execute(),
    db.selectFrom('discussion_poll_votes').select(['poll_id', 'choice', 'reason', 'created_at', 'updated_at']).where('person_id', '=', personId).execute(),
    db.selectFrom('discussion_mail_replies').select(['thread_id', 'post_id', 'from_address', 'outcome', 'reason', 'created_at']).where('person_id', '=', personId).orderBy('id').execute(),
  ]);
  return { discussion_posts: posts, discussion_post_versions: versions, discussion_follows: follows, discussion_reads: reads, discussion_reports: reports, discussion_suspensions: suspensions, discussion_poll_votes: votes, discussion_mail_replies: mailReplies };
}

/**
 * Erasure: the person's posts stay in their threads (the conversation would not make sense without
 * them) but no longer name them, their earlier versions go, and what only concerns them is deleted.
 */
export async function erasePersonRows(db: DiscussionsDb, personId: number): Promise<void> {
  await db.deleteFrom('discussion_post_versions').where('post_id', 'in', (eb) => eb.selectFrom('discussion_posts').select('id').where('author_id', '=', personId)).execute();
  await db.updateTable('discussion_posts').set({ author_id: null }).where('author_id', '=', personId).execute();
  await db.updateTable('discussion_threads').set({ author_id: null }).where('author_id', '=', personId).execute();
  await db.deleteFrom('discussion_follows').where('person_id', '=', personId).execute();
  await db.deleteFrom('discussion_reads').where('person_id', '=', personId).execute();
  await db.updateTable('discussion_reports').set({ reporter_id: null, reason: '(removed)' }).where('reporter_id', '=', personId).execute();
  await db.deleteFrom('discussion_suspensions').where('person_id', '=', personId).execute();
  await db.deleteFrom('discussion_poll_votes').where('person_id', '=', personId).execute();
  // The record of their emailed replies goes (the posts stay, without their name, as above).
  await db.deleteFrom('discussion_mail_replies').where('person_id', '=', personId).execute();
}

export async function dropFollows(db: DiscussionsDb, personId: number): Promise<void> {
  await db.deleteFrom('discussion_follows').where('person_id', '=', personId).execute();
}
