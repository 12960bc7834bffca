// Discussions at scale (issue 13, Benchmark), on a fresh database of the engine DATABASE_URL names:
// one space with 10,000 threads (BENCH_THREADS) and 200,000 posts (BENCH_POSTS), one thread
// holding 500 of them, loaded with bulk inserts; then, each at p95 next to the raw SQL that reads
// the same rows on the same engine (the floor):
// (a) the space's thread list (first page, with reply counts and the reader's unread marks), as
//     the service gives it and as the page /discussions/spaces/:id over HTTP;
// (b) the 500-post thread's first page (posts, their replies, quotes; it marks the thread read),
//     through the service and over HTTP;
// (c) search for a word in every space the person may see, through the service and over HTTP.
// The aims: (a) and (b) under 50 ms at p95, (c) under 100 ms. Only ratios compare between runs.
//
//   node bench/discussions.ts [--explain]
//   DATABASE_URL=postgres://... node bench/discussions.ts
import { CompiledQuery, sql, type Insertable } from 'kysely';
import { setAudience } from '../src/platform/audience/access.ts';
import { createSession } from '../src/platform/auth/sessions.ts';
import type { Db } from '../src/platform/db/database.ts';
import { findProgramme } from '../src/features/programme/service.ts';
import { readableThread, search, threadPageFor, threadsOf, PAGE_SIZE } from '../src/features/discussions/service.ts';
import type { DiscussionPostsTable, DiscussionThreadsTable } from '../src/features/discussions/tables.ts';
import { systemClock } from '../src/platform/time.ts';
import { fmt, startApp, table, type BenchApp, engineOf, percentiles, timed as timeRuns } from './lib.ts';

const THREADS = Number(process.env.BENCH_THREADS ?? 10_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 200_000);
const BIG_THREAD_POSTS = 500;
const PEOPLE = 200;
const REPEATS = 60;
const WARM_UP = 10;
const explain = process.argv.includes('--explain');
const WORDS = ['access', 'library', 'parking', 'captions', 'imaging', 'rota', 'training', 'breaks', 'lift', 'hearing', 'loop', 'agenda', 'minutes', 'survey', 'budget', 'travel', 'shifts', 'mentoring', 'wellbeing', 'handover'];

/** Times one call after another, after WARM_UP calls not counted. */
const timed = (run: () => Promise<unknown>, repeats = REPEATS) => timeRuns(run, repeats, WARM_UP);

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 500): Promise<void> {
  for (let k = 0; k < rows.length; k += size) await insert(rows.slice(k, k + size));
}

type Loaded = { programmeId: number; spaceId: number; bigThreadId: number; readerId: number };

async function load(db: Db, now: Date): Promise<Loaded> {
  const programmeId = (await findProgramme(db))!.id;
  const at = now.toISOString();
  const person = (i: number) => ({ email: `talk-${i}@example.org`, email_normalised: `talk-${i}@example.org`, name: `Person ${i}`, role: 'participant' as const, status: 'active' as const, created_at: at, updated_at: at, programme_mail_stopped_at: null });
  const personIds = (await db.insertInto('people').values(Array.from({ length: PEOPLE }, (_, i) => person(i))).returning('id').execute()).map((r) => r.id);
  const readerId = personIds[0]!;
  const [space] = await db.insertInto('discussion_spaces').values({ programme_id: programmeId, name: 'Everyone', description: 'The whole programme.', archived_at: null, created_by: null, created_at: at, updated_at: at }).returning('id').execute();
  const spaceId = Number(space!.id);
  // Everyone signed in may read it: the access check still runs on every read.
  await setAudience(db, 'discussion-space', spaceId, [{ kind: 'signed-in' }]);

  const minute = 60_000;
  const threads: Insertable<DiscussionThreadsTable>[] = Array.from({ length: THREADS }, (_, i) => ({
    space_id: spaceId, title: `Thread ${i} about ${WORDS[i % WORDS.length]}`, author_id: personIds[i % PEOPLE]!, pinned: i % 2000 === 1 ? 1 : 0, locked_at: null, closed_at: null, summary: null, closed_by: null,
    created_at: new Date(now.getTime() - (THREADS - i) * 10 * minute).toISOString(), last_post_at: new Date(now.getTime() - (THREADS - i) * 5 * minute).toISOString(),
  }));
  const threadIds: number[] = [];
  await insertChunked(threads, async (chunk) => threadIds.push(...(await db.insertInto('discussion_threads').values(chunk).returning('id').execute()).map((r) => Number(r.id))));
  const bigThreadId = threadIds[THREADS - 1]!; // the latest: first on the list

  // An opening post per thread; 500 posts in the big thread (every fifth a nested reply); the rest spread evenly.
  const body = (i: number) => `Post ${i}: what about ${WORDS[i % WORDS.length]} and ${WORDS[(i * 7) % WORDS.length]}? We said the ${WORDS[(i * 3) % WORDS.length]} should be sorted by the next meeting.`;
  const post = (i: number, threadId: number, opening: boolean, parentId: number | null): Insertable<DiscussionPostsTable> => ({
    thread_id: threadId, space_id: spaceId, is_opening: opening ? 1 : 0, parent_id: parentId, quote_of: null, author_id: personIds[i % PEOPLE]!, body: body(i), search_text: body(i), status: i % 97 === 0 ? 'hidden' : 'visible', idempotency_key: null, edited_at: null, moderated_by: null, moderation_note: null,
    created_at: new Date(now.getTime() - (POSTS - i) * minute).toISOString(),
  });
  let n = 0;
  await insertChunked(threadIds, (chunk) => db.insertInto('discussion_posts').values(chunk.map((id) => post(n++, id, true, null))).execute());
  let lastTop: number | null = null;
  for (let k = 1; k < BIG_THREAD_POSTS; k++) {
    const nested: boolean = k % 5 === 0 && lastTop !== null;
    const [r]: { id: number }[] = await db.insertInto('discussion_posts').values(post(n++, bigThreadId, false, nested ? lastTop : null)).returning('id').execute();
    if (!nested) lastTop = Number(r!.id);
  }
  const rest: Insertable<DiscussionPostsTable>[] = [];
  for (; n < POSTS; n++) rest.push(post(n, threadIds[n % (THREADS - 1)]!, false, null));
  await insertChunked(rest, (chunk) => db.insertInto('discussion_posts').values(chunk).execute());
  // The reader has read half the threads, up to some post.
  const reads = threadIds.filter((_, i) => i % 2 === 0).map((id) => ({ thread_id: id, person_id: readerId, last_post_id: 1, read_at: at }));
  await insertChunked(reads, (chunk) => db.insertInto('discussion_reads').values(chunk).execute());
  await db.insertInto('discussion_follows').values(personIds.map((id) => ({ person_id: id, target_kind: 'space' as const, target_id: spaceId, created_at: at }))).execute();
  return { programmeId, spaceId, bigThreadId, readerId };
}

async function printPlan(db: Db, engine: string, query: { compile(): { sql: string; parameters: readonly unknown[] } }, label: string): Promise<void> {
  const compiled = query.compile();
  const prefix = engine === 'postgres' ? 'explain analyze ' : 'explain query plan ';
  const plan = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${prefix}${compiled.sql}`, [...compiled.parameters]));
  console.log(`\n### ${label}\n${plan.rows.map((r) => String(engine === 'postgres' ? r['QUERY PLAN'] : r.detail)).join('\n')}`);
}

async function httpTimes(url: string, cookie: string, mustHave: string): Promise<number[]> {
  return timed(async () => {
    const res = await fetch(url, { headers: { cookie } });
    const text = await res.text();
    if (res.status !== 200 || !text.includes(mustHave)) throw new Error(`${url} answered ${res.status}`);
  });
}

export async function benchDiscussions(given?: BenchApp): Promise<void> {
  const app = given ?? (await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined));
  const engine = engineOf(app.databaseUrl);
  console.log('\n## Discussions\n');
  try {
    const db = app.data.db;
    const now = new Date();
    const t = performance.now();
    const loaded = await load(db, now);
    console.log(`Loaded 1 space, ${THREADS.toLocaleString('en-GB')} threads and ${POSTS.toLocaleString('en-GB')} posts in ${fmt((performance.now() - t) / 1000, 1)} s (${engine})`);
    await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);

    const viewer = { id: loaded.readerId, role: 'participant' as const, name: 'Person 0' };
    const cookie = `__Host-coproduce-session=${await createSession(db, viewer.id, systemClock)}`;
    const access = await readableThread(db, viewer, loaded.programmeId, loaded.bigThreadId, systemClock);
    if (!access) throw new Error('the reader cannot see the big thread');
    const rows: (string | number)[][] = [['read', 'p50 ms', 'p95 ms', 'raw SQL p95', 'ratio (p95)', 'aim ms']];
    const results: { p95: number; aim: number }[] = [];
    const add = (label: string, times: number[], raw: number[], aim: number) => {
      const [p50, p95] = percentiles(times);
      const r95 = percentiles(raw)[1];
      rows.push([label, p50, p95, r95, `${fmt(p95 / Math.max(r95, 0.01), 1)}×`, aim]);
      results.push({ p95, aim });
    };

    // The floors: the same rows, read by hand, without access checks, counts or unread marks.
    const rawList = () => db.selectFrom('discussion_threads').selectAll().where('space_id', '=', loaded.spaceId).orderBy('pinned', 'desc').orderBy('last_post_at', 'desc').orderBy('id', 'desc').limit(PAGE_SIZE).execute();
    const rawThread = () => db.selectFrom('discussion_posts').selectAll().where('thread_id', '=', loaded.bigThreadId).orderBy('id').limit(PAGE_SIZE * 2).execute();
    const word = 'handover';
    const rawSearch =
      engine === 'postgres'
        ? () => sql`select id, body from discussion_posts where search_vector @@ plainto_tsquery('english', ${word}) order by id desc limit 50`.execute(db)
        : () => sql`select p.id, p.body from discussion_posts as p where p.id in (select rowid from discussion_posts_fts where discussion_posts_fts match ${`"${word}"*`}) order by p.id desc limit 50`.execute(db);
    const found = await search(db, viewer, loaded.programmeId, word);
    if (found.length !== 50) throw new Error(`search found ${found.length}, expected 50`);

    const rawListTimes = await timed(rawList);
    const rawThreadTimes = await timed(rawThread);
    const rawSearchTimes = await timed(rawSearch);
    add('threadsOf (thread list, page 1)', await timed(() => threadsOf(db, viewer, loaded.spaceId, 1)), rawListTimes, 50);
    add(`GET /discussions/spaces/${loaded.spaceId}, HTTP`, await httpTimes(`${app.url}/discussions/spaces/${loaded.spaceId}`, cookie, 'Thread 9999 about'), rawListTimes, 50);
    add(`threadPageFor (${BIG_THREAD_POSTS}-post thread, page 1)`, await timed(() => threadPageFor(db, viewer, access, 1, systemClock)), rawThreadTimes, 50);
    add(`GET /discussions/threads/${loaded.bigThreadId}, HTTP`, await httpTimes(`${app.url}/discussions/threads/${loaded.bigThreadId}`, cookie, 'id="post-'), rawThreadTimes, 50);
    add(`search ("${word}", 50 of ${Math.round(POSTS / 20 * 3).toLocaleString('en-GB')}-odd matches)`, await timed(() => search(db, viewer, loaded.programmeId, word)), rawSearchTimes, 100);
    add('GET /discussions/search, HTTP', await httpTimes(`${app.url}/discussions/search?q=${word}`, cookie, 'handover'), rawSearchTimes, 100);
    console.log(`${REPEATS} runs each, one at a time (raw SQL: the same rows by hand, no access check):`);
    console.log(table(rows));
    const missed = results.filter((r) => r.p95 >= r.aim).length;
    console.log(`Aims (lists and thread under 50 ms, search under 100 ms at p95): ${missed ? `${missed} NOT met` : 'met'}`);
    if (explain || missed) {
      await printPlan(db, engine, db.selectFrom('discussion_threads').selectAll().where('space_id', '=', loaded.spaceId).orderBy('pinned', 'desc').orderBy('last_post_at', 'desc').orderBy('id', 'desc').limit(PAGE_SIZE), 'thread list (raw)');
    }
  } finally {
    if (!given) await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDiscussions();
