// Meetings at scale (issue 11, Benchmark), on a fresh database of the engine DATABASE_URL names:
// a programme with 5,000 meetings (BENCH_MEETINGS) and 50,000 invitations (10 chosen people a
// meeting, each with an answer), then
// (a) the meetings lists: the organiser's (an admin's organiserLists), a participant's "Your
//     meetings" (yourMeetings), the pages /meetings and /my/meetings over HTTP, and the admins'
//     programme calendar for this month (/meetings/calendar, about 100 meetings), each at p95 next
//     to the raw SQL that reads the same rows on the same engine (the floor);
// (b) RSVPs per second: 1,000 invitees of one meeting answering at once through the service's
//     rsvp(), next to 1,000 bare inserts of the same answers, as concurrent;
// (c) the person's calendar feed (GET /calendar/<token>.ics) with 200 meetings, at p95 next to a
//     bare node:http server sending the same bytes.
// The aim for the lists and the feed is p95 under 50 ms. Only ratios compare between runs.
//
//   node bench/meetings.ts [--explain]
//   DATABASE_URL=postgres://... node bench/meetings.ts
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type Insertable } from 'kysely';
import { createSession } from '../src/platform/auth/sessions.ts';
import type { Db } from '../src/platform/db/database.ts';
import { findProgramme } from '../src/features/programme/service.ts';
import { feedPath, newFeedToken } from '../src/features/meetings/calendar/feed-tokens.ts';
import { monthCalendar, shiftMonth, thisMonth } from '../src/features/meetings/lists/service.ts';
import { organiserLists, rsvp, yourMeetings } from '../src/features/meetings/service.ts';
import type { MeetingResponsesTable, MeetingsTable } from '../src/features/meetings/tables.ts';
import type { AudienceTargetsTable } from '../src/platform/audience/tables.ts';
import { startOfLondonDay, systemClock } from '../src/platform/time.ts';
import { bareServer, fmt, startApp, table, type BenchApp, engineOf, percentiles, timed as timeRuns } from './lib.ts';

const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 5_000);
const PEOPLE = 2_000;
const PER_MEETING = 10;
const FEED_MEETINGS = 200;
const RSVP_INVITEES = 1_000;
const REPEATS = 60;
const WARM_UP = 10;
const DAY = 86_400_000;
const explain = process.argv.includes('--explain');

/** Times one call after another, after WARM_UP calls not counted. */
const timed = (run: () => Promise<unknown>, repeats = REPEATS) => timeRuns(run, repeats, WARM_UP);

/** A statement's parameters are limited (SQLite 32,766), so rows go in chunks. */
async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let k = 0; k < rows.length; k += 200) await insert(rows.slice(k, k + 200));
}

type Loaded = { programmeId: number; adminId: number; participantId: number; personIds: number[]; feedMeetingIds: number[] };

async function load(db: Db, now: Date): Promise<Loaded> {
  const programmeId = (await findProgramme(db))!.id;
  const at = now.toISOString();
  const person = (i: number, role: 'admin' | 'participant') => ({ email: `meet-${i}@example.org`, email_normalised: `meet-${i}@example.org`, name: `Person ${i}`, role, status: 'active' as const, created_at: at, updated_at: at, programme_mail_stopped_at: null });
  const personIds: number[] = [];
  for (let start = 0; start < PEOPLE; start += 500) {
    const rows = Array.from({ length: Math.min(500, PEOPLE - start) }, (_, k) => person(start + k, 'participant'));
    personIds.push(...(await db.insertInto('people').values(rows).returning('id').execute()).map((r) => r.id));
  }
  const [admin] = await db.insertInto('people').values([person(PEOPLE, 'admin')]).returning('id').execute();
  const [participant] = await db.insertInto('people').values([person(PEOPLE + 1, 'participant')]).returning('id').execute();

  // Meetings from two years ago to two years ahead, an hour each; 5% drafts, 5% cancelled.
  const meetings: Insertable<MeetingsTable>[] = Array.from({ length: MEETINGS }, (_, i) => {
    const starts = now.getTime() - 730 * DAY + Math.floor((i * 1460 * DAY) / MEETINGS) + (i % 9) * 3_600_000;
    const status = i % 20 === 7 ? 'draft' : i % 20 === 13 ? 'cancelled' : 'published';
    return { programme_id: programmeId, uid: `${randomUUID()}@bench`, series_id: null, title: `Meeting ${i}`, purpose: `What meeting ${i} is for.`, starts_at: new Date(starts).toISOString(), ends_at: new Date(starts + 3_600_000).toISOString(), join_url: 'https://meet.example.org/x', joining_notes: 'Captions are on.', capacity: null, status, publish_at: null, created_by: admin!.id, cancelled_at: status === 'cancelled' ? at : null, created_at: at, updated_at: at };
  });
  const meetingIds: number[] = [];
  await insertChunked(meetings, async (chunk) => meetingIds.push(...(await db.insertInto('meetings').values(chunk).returning('id').execute()).map((r) => Number(r.id))));

  // 10 chosen people a meeting, each answering; plus the benchmarked participant, invited to 200 of the meetings to come.
  const targets: Insertable<AudienceTargetsTable>[] = [];
  const responses: Insertable<MeetingResponsesTable>[] = [];
  const answers = ['yes', 'no', 'maybe'] as const;
  meetingIds.forEach((meetingId, i) => {
    for (let k = 0; k < PER_MEETING; k++) {
      const personId = personIds[(i * 37 + k * 211) % PEOPLE]!;
      targets.push({ item_kind: 'meeting', item_id: meetingId, target_kind: 'person', target_id: personId });
      const response = answers[(i + k) % 3]!;
      responses.push({ meeting_id: meetingId, person_id: personId, response, place: response === 'yes' ? 'attending' : null, waiting_position: null, first_joined_at: null, last_joined_at: null, responded_at: at, created_at: at, updated_at: at });
    }
  });
  const upcoming = meetingIds.filter((_, i) => Date.parse(meetings[i]!.starts_at) > now.getTime() && meetings[i]!.status === 'published');
  const step = Math.max(1, Math.floor(upcoming.length / FEED_MEETINGS));
  const feedMeetingIds = Array.from({ length: FEED_MEETINGS }, (_, n) => upcoming[n * step]!);
  for (const id of feedMeetingIds) targets.push({ item_kind: 'meeting', item_id: id, target_kind: 'person', target_id: participant!.id });
  await insertChunked(targets, (chunk) => db.insertInto('audience_targets').values(chunk).execute());
  await insertChunked(responses, (chunk) => db.insertInto('meeting_responses').values(chunk).execute());
  return { programmeId, adminId: admin!.id, participantId: participant!.id, personIds, feedMeetingIds };
}

/** The same rows the lists read, written by hand: the floor for the service's queries. */
function rawLists(db: Db, programmeId: number, now: string, personId: number | null) {
  const one = (upcoming: boolean) => {
    let q = db
      .selectFrom('meetings')
      .selectAll()
      .where('programme_id', '=', programmeId)
      .where('ends_at', upcoming ? '>' : '<=', now)
      .orderBy('starts_at', upcoming ? 'asc' : 'desc')
      .orderBy('id')
      .limit(200);
    if (personId !== null)
      q = q.where('status', '!=', 'draft').where((eb) => eb.exists(eb.selectFrom('audience_targets').select('item_id').where('item_kind', '=', 'meeting').whereRef('item_id', '=', 'meetings.id').where('target_kind', '=', 'person').where('target_id', '=', personId)));
    return q;
  };
  return [one(true), one(false)] as const;
}

async function printPlan(db: Db, engine: string, query: { compile(): { sql: string; parameters: readonly unknown[] } }, label: string): Promise<void> {
  const compiled = query.compile();
  const prefix = engine === 'postgres' ? 'explain analyze ' : 'explain query plan ';
  const plan = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${prefix}${compiled.sql}`, [...compiled.parameters]));
  console.log(`\n### ${label}\n${plan.rows.map((r) => String(engine === 'postgres' ? r['QUERY PLAN'] : r.detail)).join('\n')}`);
}

async function httpTimes(url: string, cookie: string | null, check: (status: number, body: string) => void): Promise<{ times: number[]; body: Buffer; type: string }> {
  let last = { body: Buffer.alloc(0), type: '' };
  const times = await timed(async () => {
    const res = await fetch(url, { headers: cookie ? { cookie } : {} });
    const body = Buffer.from(await res.arrayBuffer());
    check(res.status, body.toString('utf8'));
    last = { body, type: res.headers.get('content-type') ?? '' };
  });
  return { times, ...last };
}

/** (b) 1,000 invitees answer one meeting at once through rsvp(), against 1,000 bare inserts of the same rows. */
async function benchRsvps(db: Db, loaded: Loaded, engine: string): Promise<(string | number)[][]> {
  const at = new Date().toISOString();
  const starts = Date.now() + 30 * DAY;
  const make = async (title: string) => {
    const [m] = await db
      .insertInto('meetings')
      .values({ programme_id: loaded.programmeId, uid: `${randomUUID()}@bench`, series_id: null, title, purpose: 'RSVP race.', starts_at: new Date(starts).toISOString(), ends_at: new Date(starts + 3_600_000).toISOString(), join_url: 'https://meet.example.org/x', joining_notes: '', capacity: RSVP_INVITEES / 2, status: 'published', publish_at: null, created_by: loaded.adminId, cancelled_at: null, created_at: at, updated_at: at })
      .returning('id')
      .execute();
    return Number(m!.id);
  };
  const people = loaded.personIds.slice(0, RSVP_INVITEES);
  const meetingId = await make('Everyone answers');
  await insertChunked(people, (chunk) => db.insertInto('audience_targets').values(chunk.map((id) => ({ item_kind: 'meeting', item_id: meetingId, target_kind: 'person' as const, target_id: id }))).execute());
  const ctx = { clock: systemClock, baseUrl: 'http://127.0.0.1', secret: 'bench-secret-bench-secret-bench-secret' };
  let s = performance.now();
  const outcomes = await Promise.all(people.map((id) => rsvp(db, { id, role: 'participant' }, loaded.programmeId, meetingId, 'yes', ctx)));
  const rsvpMs = performance.now() - s;
  const places = outcomes.map((o) => (o.ok ? o.place : o.reason));
  const attending = places.filter((p) => p === 'attending').length;
  if (attending !== RSVP_INVITEES / 2 || places.filter((p) => p === 'waiting').length !== RSVP_INVITEES / 2) throw new Error(`rsvp: ${attending} attending of ${RSVP_INVITEES}`);

  const rawId = await make('Bare inserts');
  s = performance.now();
  await Promise.all(
    people.map((id, i) =>
      db
        .insertInto('meeting_responses')
        .values({ meeting_id: rawId, person_id: id, response: 'yes', place: i < RSVP_INVITEES / 2 ? 'attending' : 'waiting', waiting_position: i < RSVP_INVITEES / 2 ? null : i, first_joined_at: null, last_joined_at: null, responded_at: at, created_at: at, updated_at: at })
        .execute(),
    ),
  );
  const rawMs = performance.now() - s;
  const rate = (ms: number) => fmt((RSVP_INVITEES / ms) * 1000);
  return [
    ['measure', `${RSVP_INVITEES.toLocaleString('en-GB')} at once`, 'per second'],
    [`rsvp() (capacity ${RSVP_INVITEES / 2}: half get a place, half wait), ${engine}`, `${fmt(rsvpMs)} ms`, rate(rsvpMs)],
    ['bare single-row inserts of the same answers', `${fmt(rawMs)} ms`, rate(rawMs)],
    ['rsvp / insert', `${fmt(rsvpMs / rawMs, 1)}×`, ''],
  ];
}

/** (c) The person's feed over HTTP, against a bare server sending the same bytes. */
async function benchFeed(app: BenchApp, loaded: Loaded): Promise<(string | number)[][]> {
  // The feed holds the meetings addressed to the person and those they were sent an invitation
  // for (the calendar part's meeting_invitations): the invitations are recorded here as its job
  // would have, so both of the feed's branches have rows, in plain SQL so this file does not
  // depend on that part's table types.
  const at = new Date().toISOString();
  for (const id of loaded.feedMeetingIds) await sql`insert into meeting_invitations (meeting_id, person_id, sequence, invited_at, cancelled_at) values (${id}, ${loaded.participantId}, 0, ${at}, null)`.execute(app.data.db);
  const path = feedPath(await newFeedToken(app.data.db, loaded.participantId, systemClock));
  const feed = await httpTimes(`${app.url}${path}`, null, (status, body) => {
    if (status !== 200 || !body.startsWith('BEGIN:VCALENDAR')) throw new Error(`feed answered ${status}`);
  });
  const events = (feed.body.toString('utf8').match(/BEGIN:VEVENT/g) ?? []).length;
  if (events !== FEED_MEETINGS) throw new Error(`the feed holds ${events} meetings, expected ${FEED_MEETINGS}`);
  const bare = await bareServer(feed.body, { 'content-type': feed.type });
  try {
    const floor = await httpTimes(bare.url, null, () => {});
    const [f50, f95] = percentiles(feed.times);
    const [b50, b95] = percentiles(floor.times);
    return [
      ['feed', 'p50 ms', 'p95 ms', 'events', 'KiB'],
      [`GET ${path.replace(/\/calendar\/.+\.ics/, '/calendar/<token>.ics')}`, f50, f95, events, fmt(feed.body.length / 1024)],
      ['bare node:http, same bytes', b50, b95, events, fmt(feed.body.length / 1024)],
      ['feed / bare (p95)', `${fmt(f95 / b95, 1)}×`, '', '', ''],
    ];
  } finally {
    await bare.close();
  }
}

export async function benchMeetings(given?: BenchApp): Promise<void> {
  const app = given ?? (await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined));
  const engine = engineOf(app.databaseUrl);
  console.log('\n## Meetings\n');
  try {
    const db = app.data.db;
    const now = new Date();
    const t = performance.now();
    const loaded = await load(db, now);
    console.log(`Loaded ${MEETINGS.toLocaleString('en-GB')} meetings, ${(MEETINGS * PER_MEETING).toLocaleString('en-GB')} invitations and answers in ${fmt((performance.now() - t) / 1000, 1)} s (${engine})`);
    await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);

    // (a) The lists.
    const admin = { id: loaded.adminId, role: 'admin' as const };
    const participant = { id: loaded.participantId, role: 'participant' as const };
    const iso = now.toISOString();
    const [adminUp, adminPast] = rawLists(db, loaded.programmeId, iso, null);
    const [mineUp, minePast] = rawLists(db, loaded.programmeId, iso, participant.id);
    const mine = await yourMeetings(db, participant, loaded.programmeId, systemClock);
    if (mine.upcoming.length !== FEED_MEETINGS) throw new Error(`yourMeetings: ${mine.upcoming.length} upcoming, expected ${FEED_MEETINGS}`);
    const adminCookie = `__Host-coproduce-session=${await createSession(db, admin.id, systemClock)}`;
    const mineCookie = `__Host-coproduce-session=${await createSession(db, participant.id, systemClock)}`;
    const ok = (what: string) => (status: number, body: string) => {
      if (status !== 200 || !body.includes('govuk-table__row')) throw new Error(`${what} answered ${status}`);
    };
    const rows: (string | number)[][] = [['list', 'p50 ms', 'p95 ms', 'raw SQL p95', 'ratio (p95)']];
    const add = (label: string, times: number[], raw: number[]) => {
      const [p50, p95] = percentiles(times);
      const r95 = percentiles(raw)[1];
      rows.push([label, p50, p95, r95, `${fmt(p95 / Math.max(r95, 0.01), 1)}×`]);
      return p95;
    };
    const rawAdmin = await timed(() => Promise.all([adminUp.execute(), adminPast.execute()]));
    const rawMine = await timed(() => Promise.all([mineUp.execute(), minePast.execute()]));
    // The admins' calendar of this month: the rows of the London month, by hand.
    const month = thisMonth(systemClock);
    const monthFrom = startOfLondonDay(`${month}-01`).toISOString();
    const monthTo = startOfLondonDay(`${shiftMonth(month, 1)}-01`).toISOString();
    const rawMonth = await timed(() => db.selectFrom('meetings').select(['id', 'title', 'starts_at', 'ends_at', 'status']).where('programme_id', '=', loaded.programmeId).where('starts_at', '>=', monthFrom).where('starts_at', '<', monthTo).orderBy('starts_at').orderBy('id').limit(1000).execute());
    const calendarOk = (status: number, body: string) => {
      if (status !== 200 || !body.includes('govuk-list--spaced')) throw new Error(`/meetings/calendar answered ${status}`);
    };
    const worst = Math.max(
      add('organiserLists (admin: every meeting)', await timed(() => organiserLists(db, admin, loaded.programmeId, systemClock)), rawAdmin),
      add(`yourMeetings (a participant invited to ${FEED_MEETINGS})`, await timed(() => yourMeetings(db, participant, loaded.programmeId, systemClock)), rawMine),
      add('GET /meetings (admin), HTTP', (await httpTimes(`${app.url}/meetings`, adminCookie, ok('/meetings'))).times, rawAdmin),
      add('GET /my/meetings (participant), HTTP', (await httpTimes(`${app.url}/my/meetings`, mineCookie, ok('/my/meetings'))).times, rawMine),
      add(`monthCalendar (admin, ${month})`, await timed(() => monthCalendar(db, loaded.programmeId, month)), rawMonth),
      add('GET /meetings/calendar (admin), HTTP', (await httpTimes(`${app.url}/meetings/calendar`, adminCookie, calendarOk)).times, rawMonth),
    );
    console.log(`\n(a) Meetings lists, ${REPEATS} runs each, one at a time (raw SQL: the same two lists' rows, by hand):`);
    console.log(table(rows));
    console.log(`Aim: under 50 ms at p95: ${worst < 50 ? 'met' : 'NOT met'} (worst ${worst} ms)`);
    if (explain || worst >= 50) {
      const cond = (await import('../src/platform/audience/access.ts')).visibleTo(participant, 'meeting', 'meetings.id');
      await printPlan(db, engine, db.selectFrom('meetings').selectAll().where('programme_id', '=', loaded.programmeId).where(cond).where('ends_at', '>', iso).where('status', '!=', 'draft').orderBy('starts_at').orderBy('id').limit(200), 'yourMeetings, upcoming');
      await printPlan(db, engine, adminUp, 'organiserLists, upcoming');
    }

    // (b) RSVPs.
    console.log(`\n(b) RSVPs for one meeting with ${RSVP_INVITEES.toLocaleString('en-GB')} invitees, all at once:`);
    console.log(table(await benchRsvps(db, loaded, engine)));

    // (c) The feed.
    const feed = await benchFeed(app, loaded);
    console.log(`\n(c) A person's calendar feed with ${FEED_MEETINGS} meetings, ${REPEATS} requests one at a time:`);
    console.log(table(feed));
  } finally {
    if (!given) await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMeetings();
