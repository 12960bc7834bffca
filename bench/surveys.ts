// Surveys at scale (issue 12, Benchmark), on a fresh database of the engine DATABASE_URL names:
// a 20-question survey (every type: single and multiple choice, ratings, matrices, a ranking,
// numbers, a date, short and long text) with 100,000 responses (BENCH_RESPONSES) put in by bulk
// inserts, each question left unanswered by about one in five (optional), half the responses
// with respondent attributes; then
// the results' counts (migration 036) rebuilt once from those answers, timed; then
// (a) the results page: the service's resultsPage() and GET /admin/surveys/:id/results over
//     HTTP, p50 and p95 (aim: under 300 ms);
// (b) cross-tabs: by an attribute and by the answer to a choice question (aim: under 500 ms);
// (c) responses accepted per second: 500 people submitting, 20 at a time, through the real path
//     (saveDraft then submitResponse, under the survey's lock), next to bare inserts of the same
//     rows, as concurrent.
// Only ratios compare between runs.
//
//   node bench/surveys.ts [--explain]
//   DATABASE_URL=postgres://... node bench/surveys.ts
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import { createSession } from '../src/platform/auth/sessions.ts';
import { inTransaction, scoped, type Db } from '../src/platform/db/database.ts';
import { findProgramme } from '../src/features/programme/service.ts';
import type { QuestionDef, SurveyDefinition } from '../src/features/surveys/definition.ts';
import { createSurvey } from '../src/features/surveys/service.ts';
import { saveSending } from '../src/features/surveys/answering/sending.ts';
import { saveDraft, submitResponse } from '../src/features/surveys/answering/respond.ts';
import { resultsPage, surveyOf } from '../src/features/surveys/results/service.ts';
import { rebuildCounts } from '../src/features/surveys/counts/queries.ts';
import type { SurveysTables } from '../src/features/surveys/tables.ts';
import type { Answers } from '../src/features/surveys/visibility.ts';
import { systemClock } from '../src/platform/time.ts';
import { fmt, startApp, table, type BenchApp, engineOf, percentiles, timed as timeRuns } from './lib.ts';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 100_000);
const SUBMITTERS = 500;
/** Submits in flight at once: more would only queue for the pool's 10 connections (and time out waiting on PostgreSQL). */
const IN_FLIGHT = 20;

/** Runs fn for every item, IN_FLIGHT at a time. */
async function concurrently<T>(items: readonly T[], fn: (item: T, i: number) => Promise<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}
const REPEATS = Number(process.env.BENCH_REPEATS ?? 20);
const WARM_UP = 3;
const explain = process.argv.includes('--explain');

/** Times one call after another, after WARM_UP calls not counted. */
const timed = (run: () => Promise<unknown>, repeats = REPEATS) => timeRuns(run, repeats, WARM_UP);

const opts = (...labels: string[]) => labels.map((label, i) => ({ key: `o${i + 1}`, label }));
const question = (key: string, type: QuestionDef['type'], title: string, extra: Partial<QuestionDef> = {}): QuestionDef => ({ key, type, title, help: '', required: false, other: false, min: null, max: null, choices: [], rows: [], showIf: 'all', conditions: [], ...extra });
const AGREE = opts('Strongly disagree', 'Disagree', 'Neither', 'Agree', 'Strongly agree');
const SCALE = opts('1', '2', '3', '4', '5');

/** 20 questions in 4 sections; q1 (single choice) is the cross-tab's question. */
export const BENCH_DEFINITION: SurveyDefinition = {
  title: 'Workforce survey (benchmark)',
  intro: '',
  sections: [
    {
      title: 'About your work',
      intro: '',
      questions: [
        question('q1', 'single', 'Your service', { choices: opts('Imaging', 'Radiotherapy', 'Nuclear medicine', 'Ultrasound'), other: true }),
        question('q2', 'single', 'Your contract', { choices: opts('Full time', 'Part time', 'Bank') }),
        question('q3', 'multiple', 'Topics you want', { choices: opts('Safety', 'Delegation', 'Careers', 'Leadership', 'Research', 'Wellbeing') }),
        question('q4', 'rating', 'How supported do you feel?', { choices: SCALE }),
        question('q5', 'number', 'Hours of learning a month', { min: 0, max: 200 }),
      ],
    },
    {
      title: 'Learning',
      intro: '',
      questions: [
        question('q6', 'matrix', 'How far do you agree?', { rows: [{ key: 'r1', label: 'I have time to learn' }, { key: 'r2', label: 'I have a supervisor' }, { key: 'r3', label: 'My manager supports me' }, { key: 'r4', label: 'I know where to look' }], choices: AGREE }),
        question('q7', 'ranking', 'Order these', { choices: opts('Pay', 'Training', 'Hours', 'Team') }),
        question('q8', 'single', 'Have you had an appraisal?', { choices: opts('Yes', 'No', 'Not sure') }),
        question('q9', 'multiple', 'How you learn', { choices: opts('Online', 'In person', 'Reading', 'Shadowing'), other: true }),
        question('q10', 'short_text', 'One thing that would help'),
      ],
    },
    {
      title: 'Your team',
      intro: '',
      questions: [
        question('q11', 'rating', 'How is morale?', { choices: SCALE }),
        question('q12', 'matrix', 'How often?', { rows: [{ key: 'r1', label: 'Breaks' }, { key: 'r2', label: 'Overtime' }, { key: 'r3', label: 'Handover' }], choices: opts('Never', 'Sometimes', 'Often', 'Always') }),
        question('q13', 'date', 'When did you start?'),
        question('q14', 'number', 'Years in the service', { min: 0, max: 50 }),
        question('q15', 'single', 'Would you recommend it?', { choices: opts('Yes', 'No') }),
      ],
    },
    {
      title: 'Anything else',
      intro: '',
      questions: [
        question('q16', 'long_text', 'What works well'),
        question('q17', 'long_text', 'What should change'),
        question('q18', 'short_text', 'Your job title'),
        question('q19', 'multiple', 'Support used', { choices: opts('Mentor', 'Coach', 'Peer group') }),
        question('q20', 'single', 'May we contact you?', { choices: opts('Yes', 'No') }),
      ],
    },
  ],
};

/** A response's answers, made from its number (deterministic, so both engines hold the same data). */
export function benchAnswers(i: number): Answers {
  const a: Answers = {};
  // Every question is optional: about one in five is skipped, differently per question.
  const skip = (n: number) => (i * 7 + n * 13) % 5 === 0;
  const pick = (n: number, count: number) => `o${((i * (n + 3)) % count) + 1}`;
  for (const q of BENCH_DEFINITION.sections.flatMap((s) => s.questions)) {
    const n = Number(q.key.slice(1));
    if (skip(n)) continue;
    if (q.type === 'single' || q.type === 'rating') {
      if (q.other && i % 23 === 0) a[q.key] = { other: `Other service ${i % 7}` };
      else a[q.key] = { choices: [pick(n, q.choices.length)] };
    } else if (q.type === 'multiple') a[q.key] = { choices: q.choices.filter((_, k) => (i + k * n) % 3 === 0).map((o) => o.key).slice(0, 3).concat(q.choices.length ? [] : []) };
    else if (q.type === 'matrix') a[q.key] = { rows: Object.fromEntries(q.rows.map((r, k) => [r.key, `o${((i + k) % q.choices.length) + 1}`])) };
    else if (q.type === 'ranking') a[q.key] = { ranks: Object.fromEntries(q.choices.map((o, k) => [o.key, ((i + k) % q.choices.length) + 1])) };
    else if (q.type === 'number') a[q.key] = { number: (i * 31 + n) % (q.max ?? 100) };
    else if (q.type === 'date') a[q.key] = { date: `20${10 + (i % 15)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}` };
    else a[q.key] = { text: i % 3 === 0 ? `Answer ${i}: more time to learn and a named supervisor` : `Answer ${i}` };
    if (q.type === 'multiple' && !a[q.key]!.choices!.length) delete a[q.key];
  }
  return a;
}

type Ids = Map<string, { id: number; type: string; choices: Map<string, number>; rows: Map<string, number> }>;

async function versionIds(db: Db, versionId: number): Promise<Ids> {
  const qs = await db.selectFrom('survey_questions').select(['id', 'key', 'type']).where('version_id', '=', versionId).execute();
  const os = await db.selectFrom('survey_options').innerJoin('survey_questions as q', 'q.id', 'survey_options.question_id').select(['survey_options.id', 'survey_options.key', 'survey_options.kind', 'q.key as qkey']).where('q.version_id', '=', versionId).execute();
  return new Map(
    qs.map((q) => [
      q.key,
      {
        id: Number(q.id),
        type: q.type,
        choices: new Map(os.filter((o) => o.qkey === q.key && o.kind === 'choice').map((o) => [o.key, Number(o.id)])),
        rows: new Map(os.filter((o) => o.qkey === q.key && o.kind === 'row').map((o) => [o.key, Number(o.id)])),
      },
    ]),
  );
}

type AnswerRow = { response_id: string; question_id: number; item: number; option_id: number | null; value_text: string | null; value_number: number | null; value_date: string | null };

/** The survey_answers rows of these answers, as the answering slice stores them (migration 026). */
function rowsOf(responseId: string, ids: Ids, answers: Answers): AnswerRow[] {
  const out: AnswerRow[] = [];
  const row = (question_id: number, item: number, v: Partial<AnswerRow>) => out.push({ response_id: responseId, question_id, item, option_id: null, value_text: null, value_number: null, value_date: null, ...v });
  for (const [key, a] of Object.entries(answers)) {
    const q = ids.get(key)!;
    if (a.text !== undefined) row(q.id, 0, { value_text: a.text });
    if (a.number !== undefined) row(q.id, 0, { value_number: a.number });
    if (a.date) row(q.id, 0, { value_date: a.date });
    for (const c of a.choices ?? []) row(q.id, q.type === 'multiple' ? q.choices.get(c)! : 0, { option_id: q.choices.get(c)! });
    if (a.other) row(q.id, -1, { value_text: a.other });
    for (const [r, p] of Object.entries(a.rows ?? {})) row(q.id, q.rows.get(r)!, { option_id: q.choices.get(p)! });
    for (const [o, pos] of Object.entries(a.ranks ?? {})) row(q.id, q.choices.get(o)!, { option_id: q.choices.get(o)!, value_number: pos });
  }
  return out;
}

const ROLE_GROUPS = ['Radiographer', 'Support worker', 'Assistant practitioner', 'Manager'];
const NATIONS = ['England', 'Scotland', 'Wales', 'Northern Ireland'];

type Loaded = { surveyId: number; versionId: number; programmeId: number; adminId: number; people: number[]; answerRows: number };

export async function load(db: Db): Promise<Loaded> {
  const programmeId = (await findProgramme(db))!.id;
  const at = new Date().toISOString();
  const person = (i: number, role: 'admin' | 'participant') => ({ email: `survey-${i}@example.org`, email_normalised: `survey-${i}@example.org`, name: `Person ${i}`, role, status: 'active' as const, created_at: at, updated_at: at, programme_mail_stopped_at: null });
  const [admin] = await db.insertInto('people').values([person(0, 'admin')]).returning('id').execute();
  const people: number[] = [];
  for (let k = 0; k < SUBMITTERS; k += 250) people.push(...(await db.insertInto('people').values(Array.from({ length: 250 }, (_, j) => person(1 + k + j, 'participant'))).returning('id').execute()).map((r) => r.id));
  const made = await createSurvey(db, admin!.id, programmeId, BENCH_DEFINITION, systemClock);
  if (!made.ok) throw new Error(`createSurvey: ${made.reason}`);
  const sent = await saveSending(db, admin!.id, programmeId, made.id, { reach: 'audience', audience: people.map((id) => ({ kind: 'person' as const, id })), opensAt: at, closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), anonymous: false, editable: false }, systemClock);
  if (!sent.ok) throw new Error(`saveSending: ${sent.reason}`);
  const survey = (await surveyOf(db, programmeId, made.id))!;
  const versionId = survey.live_version_id!;
  const ids = await versionIds(db, versionId);
  let answerRows = 0;
  // Bulk inserts, a transaction per 2,000 responses; about 20% anonymous-style rows (no person, no time).
  for (let start = 0; start < RESPONSES; start += 2_000) {
    await inTransaction(db, async (tx) => {
      const responses = [];
      const answers: AnswerRow[] = [];
      for (let i = start; i < Math.min(RESPONSES, start + 2_000); i++) {
        const id = randomUUID();
        const attributes = i % 2 === 0;
        responses.push({ id, survey_id: made.id, version_id: versionId, anonymous: 0, person_id: null, submitted_at: i % 5 === 0 ? null : at, updated_at: null, role_group: attributes ? ROLE_GROUPS[i % 4]! : null, service: null, nation: attributes ? NATIONS[i % 4]! : null, region: null, band: attributes ? `Band ${4 + (i % 5)}` : null });
        answers.push(...rowsOf(id, ids, benchAnswers(i)));
      }
      for (let k = 0; k < responses.length; k += 200) await tx.insertInto('survey_responses').values(responses.slice(k, k + 200)).execute();
      for (let k = 0; k < answers.length; k += 400) await tx.insertInto('survey_answers').values(answers.slice(k, k + 400)).execute();
      answerRows += answers.length;
    });
  }
  return { surveyId: made.id, versionId, programmeId, adminId: admin!.id, people, answerRows };
}

async function printPlans(db: Db, engine: string, run: () => Promise<unknown>): Promise<void> {
  // Every statement resultsPage makes, with its plan: the queries are logged by wrapping executeQuery.
  const seen: CompiledQuery[] = [];
  const original = db.getExecutor().executeQuery.bind(db.getExecutor());
  const executor = db.getExecutor() as unknown as { executeQuery: typeof original };
  executor.executeQuery = ((q: CompiledQuery, id: unknown) => {
    seen.push(q);
    return original(q, id as never);
  }) as typeof original;
  await run();
  executor.executeQuery = original;
  for (const q of seen) {
    const s = performance.now();
    await db.executeQuery(q);
    console.log(`\n${fmt(performance.now() - s, 1)} ms`);
    const prefix = engine === 'postgres' ? 'explain analyze ' : 'explain query plan ';
    const plan = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${prefix}${q.sql}`, [...q.parameters]));
    console.log(`\n### ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}\n${plan.rows.map((r) => String(engine === 'postgres' ? r['QUERY PLAN'] : r.detail)).join('\n')}`);
  }
}

/** (c) SUBMITTERS people submit at once through saveDraft + submitResponse, against bare inserts of the same rows. */
async function benchSubmits(db: Db, loaded: Loaded, engine: string): Promise<(string | number)[][]> {
  const survey = (await surveyOf(db, loaded.programmeId, loaded.surveyId))!;
  const answers = loaded.people.map((_, k) => benchAnswers(k));
  for (const [k, id] of loaded.people.entries()) await saveDraft(db, survey, { kind: 'person', personId: id }, answers[k]!, 4, systemClock);
  let s = performance.now();
  const outcomes = (await concurrently(loaded.people, (id) => submitResponse(db, loaded.surveyId, { kind: 'person', personId: id }, systemClock))) as Awaited<ReturnType<typeof submitResponse>>[];
  const submitMs = performance.now() - s;
  const refused = outcomes.filter((o) => !o.ok);
  if (refused.length) throw new Error(`submitResponse refused ${refused.length}: ${JSON.stringify(refused[0])}`);

  const ids = await versionIds(db, loaded.versionId);
  const at = new Date().toISOString();
  s = performance.now();
  await concurrently(loaded.people, (personId, k) =>
      inTransaction(db, async (tx) => {
        const id = randomUUID();
        await tx.insertInto('survey_responses').values({ id, survey_id: loaded.surveyId, version_id: loaded.versionId, anonymous: 0, person_id: personId, submitted_at: at, updated_at: at, role_group: null, service: null, nation: null, region: null, band: null }).execute();
        const rows = rowsOf(id, ids, answers[k]!);
        if (rows.length) await tx.insertInto('survey_answers').values(rows).execute();
      }),
  );
  const rawMs = performance.now() - s;
  const rate = (ms: number) => fmt((SUBMITTERS / ms) * 1000);
  return [
    ['measure', `${SUBMITTERS}, ${IN_FLIGHT} at a time`, 'per second'],
    [`submitResponse() after saveDraft(), ${engine}`, `${fmt(submitMs)} ms`, rate(submitMs)],
    ['bare inserts of the same response and answers (a transaction each)', `${fmt(rawMs)} ms`, rate(rawMs)],
    ['submit / insert', `${fmt(submitMs / rawMs, 1)}×`, ''],
  ];
}

export async function benchSurveys(given?: BenchApp): Promise<void> {
  const app = given ?? (await startApp(process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined));
  const engine = engineOf(app.databaseUrl);
  console.log('\n## Surveys\n');
  try {
    const db = app.data.db;
    const t = performance.now();
    const loaded = await load(db);
    console.log(`Loaded a 20-question survey with ${RESPONSES.toLocaleString('en-GB')} responses (${loaded.answerRows.toLocaleString('en-GB')} answer rows) in ${fmt((performance.now() - t) / 1000, 1)} s (${engine})`);
    // The bulk inserts bypass the submit, so the results' counts (migration 036) are made once from the answers, as the migration does (with the planner's statistics in place).
    await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);
    const r = performance.now();
    await inTransaction(db, (tx) => rebuildCounts(scoped<SurveysTables>(tx), loaded.surveyId));
    const counts = await db.selectFrom('survey_counts').select((eb) => eb.fn.countAll<number | string>().as('n')).where('survey_id', '=', loaded.surveyId).executeTakeFirstOrThrow();
    console.log(`rebuildCounts: ${Number(counts.n).toLocaleString('en-GB')} count rows in ${fmt((performance.now() - r) / 1000, 1)} s`);
    await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);
    const survey = (await surveyOf(db, loaded.programmeId, loaded.surveyId))!;
    const cookie = `__Host-coproduce-session=${await createSession(db, loaded.adminId, systemClock)}`;
    const http = (query: string) => async () => {
      const res = await fetch(`${app.url}/admin/surveys/${loaded.surveyId}/results${query}`, { headers: { cookie } });
      const body = await res.text();
      if (res.status !== 200 || !body.includes('govuk-table')) throw new Error(`results page answered ${res.status}`);
    };
    if (explain) {
      await printPlans(db, engine, () => resultsPage(db, survey, {}));
      await printPlans(db, engine, () => resultsPage(db, survey, { by: 'q:q1' }));
      // The HTTP page's statements beyond resultsPage (the session, the free-text lists and code books).
      await printPlans(db, engine, http(''));
    }

    const check = await resultsPage(db, survey, {});
    if (check.matched !== RESPONSES || check.results.length !== 20) throw new Error(`resultsPage: ${check.matched} responses, ${check.results.length} questions`);
    const rows: (string | number)[][] = [['results', 'p50 ms', 'p95 ms', 'aim p95 ms']];
    const add = async (label: string, run: () => Promise<unknown>, aim: number) => {
      try {
        const [p50, p95] = percentiles(await timed(run));
        rows.push([label, p50, p95, aim]);
      } catch (e) {
        // A statement timeout (PostgreSQL) or a reset connection is a figure too: over the limit.
        rows.push([label, `failed: ${(e as Error).message.slice(0, 60)}`, '', aim]);
      }
      console.log(rows.at(-1)!.join('  '));
    };
    await add('resultsPage() (service)', () => resultsPage(db, survey, {}), 300);
    await add('GET /admin/surveys/:id/results', http(''), 300);
    await add('cross-tab by role group (service)', () => resultsPage(db, survey, { by: 'role_group' }), 500);
    await add('cross-tab by the answer to q1 (service)', () => resultsPage(db, survey, { by: 'q:q1' }), 500);
    await add('GET ...results?by=q:q1', http('?by=q%3Aq1'), 500);
    await add('filtered: role group = Radiographer (service)', () => resultsPage(db, survey, { who: 'role_group:Radiographer' }), 500);
    console.log(`\n${table(rows)}\n`);
    console.log(table(await benchSubmits(db, loaded, engine)));
  } finally {
    if (!given) await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSurveys();
