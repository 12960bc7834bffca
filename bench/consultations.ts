// Consultations at scale (issue 14, Benchmark), on a fresh database of the engine DATABASE_URL
// names: a draft in 60 sections (about 120 words each) out for comment to everyone signed in, with
// 5,000 comments (BENCH_COMMENTS) from 1,000 people on its sections, a third answered by the team
// (each stored with its rendered HTML, as the app writes it);
// then a second version with 20 of the 60 sections rewritten. Measured, each at p50/p95 next to
// the raw SQL that reads the same rows on the same engine (the floor):
// (a) the draft page (/consultations/:id) for the team (every comment) and for a participant
//     (their own and the published ones), and the triage list (/admin/consultations/:id/triage),
//     over HTTP: the aim is p95 under 50 ms. Each page is also timed from a bare node:http server
//     sending the same bytes and headers, one request to each in turn, so the ratio between them
//     holds when the machine is busy;
// (b) the word-level diff of the two 60-section versions: compareVersions, and the comparison page
//     over HTTP: the aim is p95 under 100 ms.
// Only ratios compare between runs.
//
//   node bench/consultations.ts
//   DATABASE_URL=postgres://... node bench/consultations.ts
import { get as httpGet } from 'node:http';
import { sql } from 'kysely';
import { createSession } from '../src/platform/auth/sessions.ts';
import type { Db } from '../src/platform/db/database.ts';
import { findProgramme } from '../src/features/programme/service.ts';
import { commentHtml, commentsByPlace, createConsultation, createDraft, readableConsultation, sectionHtml, type Place } from '../src/features/consultations/service.ts';
import { compareVersions, editSection, newVersion } from '../src/features/consultations/versions/service.ts';
import { systemClock } from '../src/platform/time.ts';
import { bareServer, fmt, startApp, table, type BenchApp, engineOf, percentiles, timed as timeRuns } from './lib.ts';

const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 5_000);
const SECTIONS = 60;
const PEOPLE = 1_000;
const CHANGED = 20;
const REPEATS = 40;
const WARM_UP = 5;
const DAY = 86_400_000;
const WORDS = 'the team checks each task before it is handed on so that support workers know who to ask and when the work is signed off by a registered practitioner'.split(' ');

const text = (seed: number, words: number) => Array.from({ length: words }, (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]).join(' ');

/** Times one call after another, after WARM_UP calls not counted. */
const timed = (run: () => Promise<unknown>, repeats = REPEATS) => timeRuns(run, repeats, WARM_UP);

/** One GET as a browser-like client makes it (asking for gzip, as fetch does): its status, headers and bytes as sent. */
function request(url: string, cookie: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { cookie, 'accept-encoding': 'gzip, deflate' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: Object.fromEntries(Object.entries(res.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function get(url: string, cookie: string): Promise<void> {
  const res = await request(url, cookie);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
}

/** A page timed against a bare node:http server sending the same bytes and headers: one request to each in turn. */
async function againstBare(url: string, cookie: string): Promise<{ app: number[]; bare: number[] }> {
  const sent = await request(url, cookie);
  const headers = Object.fromEntries(Object.entries(sent.headers).filter(([k]) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date'].includes(k)));
  const bare = await bareServer(sent.body, headers);
  const times = { app: [] as number[], bare: [] as number[] };
  try {
    for (let i = 0; i < REPEATS + WARM_UP; i++) {
      for (const [kind, to] of [['app', url], ['bare', bare.url]] as const) {
        const s = performance.now();
        await get(to, cookie);
        if (i >= WARM_UP) times[kind].push(performance.now() - s);
      }
    }
  } finally {
    await bare.close();
  }
  return times;
}

type Loaded = { programmeId: number; adminId: number; participantId: number; draftId: number; consultationId: number };

export async function load(db: Db, now: Date): Promise<Loaded> {
  const programmeId = (await findProgramme(db))!.id;
  const at = now.toISOString();
  const person = (i: number, role: 'admin' | 'participant') => ({ email: `cons-${i}@example.org`, email_normalised: `cons-${i}@example.org`, name: `Person ${i}`, role, status: 'active' as const, created_at: at, updated_at: at, programme_mail_stopped_at: null });
  const personIds: number[] = [];
  for (let start = 0; start < PEOPLE; start += 500) {
    const rows = Array.from({ length: Math.min(500, PEOPLE - start) }, (_, k) => person(start + k, 'participant'));
    personIds.push(...(await db.insertInto('people').values(rows).returning('id').execute()).map((r) => r.id));
  }
  const [admin] = await db.insertInto('people').values([person(PEOPLE, 'admin')]).returning('id').execute();
  const adminViewer = { id: admin!.id, role: 'admin' as const };
  const sections = Array.from({ length: SECTIONS }, (_, i) => ({ heading: `Section heading ${i + 1}`, body: `${text(i, 60)}.\n\n${text(i + 1, 60)}.`, picturesWithoutAlt: 0 }));
  const draftId = await createDraft(db, adminViewer, programmeId, { title: 'Safe delegation at scale', summary: 'A long draft.', aims: 'Safe delegation', projectIds: [] }, { sections, format: 'markdown', source: 'written' }, systemClock);
  const made = await createConsultation(db, adminViewer, programmeId, draftId, { opensAt: new Date(now.getTime() - DAY).toISOString(), closesAt: new Date(now.getTime() + 30 * DAY).toISOString(), commentsVisible: 'participants', questions: ['Is anything missing?'], audience: [{ kind: 'signed-in' }] }, systemClock);
  if (!made.ok) throw new Error(made.reason);
  const consultation = await db.selectFrom('consultations').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
  const keys = await db.selectFrom('consultation_sections').select('section_key').where('version_id', '=', consultation.version_id).orderBy('position').execute();
  const statuses = ['accepted', 'partly', 'not_accepted', 'noted', 'out_of_scope'] as const;
  const publications = ['named', 'anonymous', 'none'] as const;
  const rows = Array.from({ length: COMMENTS }, (_, i) => ({
    consultation_id: made.id,
    person_id: personIds[i % PEOPLE]!,
    version_id: consultation.version_id,
    section_key: keys[i % SECTIONS]!.section_key,
    question_id: null,
    parent_id: null,
    body: `Comment ${i}: ${text(i, 25)}.`,
    body_html: commentHtml(`Comment ${i}: ${text(i, 25)}.`),
    publication: publications[i % 3]!,
    status: i % 3 === 0 ? statuses[i % 5]! : null,
    response: i % 3 === 0 ? `Thank you: ${text(i + 2, 15)}.` : null,
    response_html: i % 3 === 0 ? commentHtml(`Thank you: ${text(i + 2, 15)}.`) : null,
    responded_by: i % 3 === 0 ? admin!.id : null,
    responded_at: i % 3 === 0 ? at : null,
    created_at: new Date(now.getTime() - (COMMENTS - i) * 1000).toISOString(),
  }));
  for (let k = 0; k < rows.length; k += 200) await db.insertInto('consultation_comments').values(rows.slice(k, k + 200)).execute();
  // Version 2: a third of the sections rewritten in part.
  if (!(await newVersion(db, adminViewer, programmeId, draftId, 'Rewritten after the consultation', systemClock)).ok) throw new Error('no version 2');
  const v2 = await db.selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').select(['s.id', 's.body']).where('v.draft_id', '=', draftId).where('v.number', '=', 2).orderBy('s.position').execute();
  for (let i = 0; i < CHANGED; i++) {
    const s = v2[i * 3]!;
    const r = await editSection(db, programmeId, draftId, s.id, { heading: `Section heading ${i * 3 + 1}, revised`, body: `${s.body.slice(0, 200)} and a new sentence ${text(i + 9, 30)}.` });
    if (!r.ok) throw new Error(r.reason);
  }
  return { programmeId, adminId: admin!.id, participantId: personIds[0]!, draftId, consultationId: made.id };
}

export async function benchConsultations(given?: BenchApp): Promise<void> {
  const app = given ?? (await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined));
  const engine = engineOf(app.databaseUrl);
  console.log('\n## Consultations\n');
  try {
    const db = app.data.db;
    const t = performance.now();
    const l = await load(db, new Date());
    console.log(`Loaded a ${SECTIONS}-section draft with ${COMMENTS.toLocaleString('en-GB')} comments and a second version in ${fmt((performance.now() - t) / 1000, 1)} s (${engine})`);
    await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);
    const adminCookie = `__Host-coproduce-session=${await createSession(db, l.adminId, systemClock)}`;
    const mineCookie = `__Host-coproduce-session=${await createSession(db, l.participantId, systemClock)}`;
    const base = app.url;

    // The floor: the rows each page reads, by hand (the sections and the comments with names).
    const rawComments = () =>
      Promise.all([
        db.selectFrom('consultation_sections').selectAll().where('version_id', '=', db.selectFrom('consultations').select('version_id').where('id', '=', l.consultationId)).orderBy('position').execute(),
        db.selectFrom('consultation_comments as cc').leftJoin('people', 'people.id', 'cc.person_id').selectAll('cc').select('people.name').where('cc.consultation_id', '=', l.consultationId).orderBy('cc.id').execute(),
      ]);
    const raw = await timed(rawComments);
    const rawDiff = await timed(() => db.selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').selectAll('s').where('v.draft_id', '=', l.draftId).orderBy('s.position').execute());

    const rows: (string | number)[][] = [['', 'p50 ms', 'p95 ms', 'raw p95 ms', 'ratio', 'bare p95 ms', 'ratio to bare']];
    let worstPages = 0;
    let worstDiff = 0;
    const add = (label: string, times: number[], floor: number[], kind: 'page' | 'diff' | 'part', bare?: number[]) => {
      const [p50, p95] = percentiles(times);
      const [, r95] = percentiles(floor);
      const [, b95] = bare ? percentiles(bare) : [0, 0];
      if (kind === 'page') worstPages = Math.max(worstPages, p95);
      else if (kind === 'diff') worstDiff = Math.max(worstDiff, p95);
      rows.push([label, p50, p95, r95, fmt(p95 / Math.max(r95, 0.1), 1), bare ? b95 : '', bare ? fmt(p95 / Math.max(b95, 0.1), 1) : '']);
    };
    const page = async (label: string, url: string, cookie: string, floor: number[]) => {
      const t = await againstBare(url, cookie);
      add(label, t.app, floor, 'page', t.bare);
    };
    await page('draft page, the team (GET /consultations/:id)', `${base}/consultations/${l.consultationId}`, adminCookie, raw);
    await page('draft page, a participant', `${base}/consultations/${l.consultationId}`, mineCookie, raw);
    const adminViewer = { id: l.adminId, role: 'admin' as const };
    const found = (await readableConsultation(db, adminViewer, l.consultationId))!;
    const places: Place[] = [...found.sections.map((s) => ({ kind: 'section' as const, key: s.section_key, versionId: s.version_id })), { kind: 'general' }];
    add('  of which: commentsByPlace (the team)', await timed(() => commentsByPlace(db, adminViewer, found.consultation, places)), raw, 'part');
    const participant = { id: l.participantId, role: 'participant' as const };
    add('  of which: readableConsultation (a participant)', await timed(() => readableConsultation(db, participant, l.consultationId)), raw, 'part');
    add('  of which: commentsByPlace (a participant)', await timed(() => commentsByPlace(db, participant, found.consultation, places)), raw, 'part');
    add('  of which: the 60 sections rendered', await timed(async () => found.sections.map((s) => sectionHtml(s))), raw, 'part');
    await page('triage list (GET /admin/consultations/:id/triage)', `${base}/admin/consultations/${l.consultationId}/triage`, adminCookie, raw);
    add('diff of versions 1 and 2 (compareVersions)', await timed(() => compareVersions(db, l.programmeId, l.draftId, 1, 2)), rawDiff, 'diff');
    add('comparison page (GET …/compare?from=1&to=2)', await timed(() => get(`${base}/admin/consultations/drafts/${l.draftId}/compare?from=1&to=2`, adminCookie)), rawDiff, 'diff');
    console.log(`\nConsultation pages and the diff, ${REPEATS} runs each, one at a time (raw: the same rows read by hand; bare: a node:http server sending the page's bytes, in turn with it):`);
    console.log(table(rows));
    console.log(`Aim, pages under 50 ms at p95: ${worstPages < 50 ? 'met' : 'NOT met'} (worst ${worstPages} ms)`);
    console.log(`Aim, diff under 100 ms at p95: ${worstDiff < 100 ? 'met' : 'NOT met'} (worst ${worstDiff} ms)`);
  } finally {
    if (!given) await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchConsultations();
