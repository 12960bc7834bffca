// The results' SQL, on the surveys feature's own handle (and people, read only, for the names in an
// identified export). Most pages are summed in SQL from survey_counts (migration 036, kept with
// every write of answers by ../counts/queries.ts). The rest are counted live over the matching
// responses: a filter (version, respondent attribute, answer to a choice question) and a
// breakdown ("grp": an attribute or the answer to a single-choice or rating question) are one
// derived table every count joins, so each count of a page is made the same way.
//
// How answers are stored (migration 026): `item` 0 for one value (text, number, date, single
// choice and rating with option_id the choice); the option's id for multiple choice and ranking
// (value_number the position); the row's id for a matrix (option_id the scale point); -1 for the
// "Other, please say" text.
import { sql, type RawBuilder } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';
import { ANSWERED_ITEM } from '../counts/queries.ts';
import type { SurveysTables } from '../tables.ts';

/** The surveys feature's tables, and people read only (names in an identified export). */
export type ResultsDb = Scoped<SurveysTables, 'people'>;

export const surveyRow = (db: ResultsDb, programmeId: number, id: number) =>
  db.selectFrom('surveys').selectAll().where('id', '=', id).where('programme_id', '=', programmeId).executeTakeFirst();

export const ATTRIBUTES = ['role_group', 'service', 'nation', 'region', 'band'] as const;
export type Attribute = (typeof ATTRIBUTES)[number];
export const ATTRIBUTE_LABELS: Record<Attribute, string> = { role_group: 'Role group', service: 'Service', nation: 'Nation', region: 'Region', band: 'Band' };

export type Filter = { versionId?: number; attribute?: { name: Attribute; value: string }; answer?: { question: string; option: string } };
/** An attribute's breakdown names only the values given (`named`); the others are one group, ''. */
export type Breakdown = { kind: 'attribute'; name: Attribute; named: readonly string[] } | { kind: 'question'; key: string } | null;

const n = (v: unknown) => Number(v ?? 0);

/**
 * The ids of a survey's questions (every version's) with their stable keys and types, and of
 * their options with their keys: the counts are grouped by ids, which the answers hold, and named
 * by key here, so no count joins the question or option tables row by row.
 */
export type SurveyIds = { questions: Map<number, { key: string; type: string }>; options: Map<number, string> };

export async function surveyIds(db: ResultsDb, surveyId: number): Promise<SurveyIds> {
  const [questions, options] = await Promise.all([
    db.selectFrom('survey_questions as q').innerJoin('survey_versions as v', 'v.id', 'q.version_id').select(['q.id', 'q.key', 'q.type']).where('v.survey_id', '=', surveyId).execute(),
    db
      .selectFrom('survey_options as o')
      .innerJoin('survey_questions as q', 'q.id', 'o.question_id')
      .innerJoin('survey_versions as v', 'v.id', 'q.version_id')
      .select(['o.id', 'o.key'])
      .where('v.survey_id', '=', surveyId)
      .execute(),
  ]);
  return { questions: new Map(questions.map((q) => [Number(q.id), { key: q.key, type: q.type }])), options: new Map(options.map((o) => [Number(o.id), o.key])) };
}

const NO_IDS: SurveyIds = { questions: new Map(), options: new Map() };
const idsOf = (ids: SurveyIds, test: (q: { key: string; type: string }) => boolean) => [...ids.questions].filter(([, q]) => test(q)).map(([id]) => id);
/** `in (...)` of ids, never empty (an empty list is not SQL). */
const inList = (xs: readonly number[]) => sql.join(xs.length ? xs : [-1]);

/** The matching responses, each with its group in the breakdown ('' when it has none); null when every response of the survey matches, ungrouped. */
function matching(surveyId: number, ids: SurveyIds, filter: Filter, by: Breakdown): RawBuilder<unknown> | null {
  return by || filter.versionId !== undefined || filter.attribute || filter.answer ? matchingAlways(surveyId, ids, filter, by) : null;
}

function matchingAlways(surveyId: number, ids: SurveyIds, filter: Filter, by: Breakdown): RawBuilder<unknown> {
  // The answer's question ids, so the lookup goes straight to the response's answers by (response, question) in its key.
  const grp =
    by?.kind === 'attribute'
      ? by.named.length
        ? sql`case when r.${sql.ref(by.name)} in (${sql.join([...by.named])}) then r.${sql.ref(by.name)} else '' end`
        : sql`''`
      : by?.kind === 'question'
        ? sql`coalesce((select case when ga.item = -1 then '_other' else go.key end from survey_answers ga left join survey_options go on go.id = ga.option_id where ga.response_id = r.id and ga.question_id in (${inList(idsOf(ids, (q) => q.key === by.key))}) and ga.item in (0, -1) order by ga.item desc limit 1), '')`
        : sql`''`;
  const version = filter.versionId === undefined ? sql`` : sql`and r.version_id = ${filter.versionId}`;
  const attribute = filter.attribute ? sql`and r.${sql.ref(filter.attribute.name)} = ${filter.attribute.value}` : sql``;
  const answer = filter.answer
    ? sql`and exists (select 1 from survey_answers fa join survey_options fo on fo.id = (case when fa.item > 0 then fa.item else fa.option_id end) where fa.response_id = r.id and fa.question_id in (${inList(idsOf(ids, (q) => q.key === filter.answer!.question))}) and fo.key = ${filter.answer.option})`
    : sql``;
  return sql`(select r.id as rid, ${grp} as grp from survey_responses r where r.survey_id = ${surveyId} ${version} ${attribute} ${answer})`;
}

export type Aggregates = {
  /** Matching responses by group. */
  groups: Map<string, number>;
  /** question key → group → responses that answered it. */
  answered: Map<string, Map<string, number>>;
  /** Choice counts: question key, group, item key (option of multiple/ranking, matrix row, '_other', or '' for item 0), option key (single/rating/matrix scale), count and mean position. */
  choices: { qkey: string; grp: string; ikey: string; okey: string; n: number; mean: number | null }[];
  /** Numbers and dates: count, lowest, highest and (numbers) the median. */
  values: Map<string, { n: number; min: number | null; max: number | null; median: number | null; first: string | null; last: string | null }>;
};

const CHOICE = ['single', 'multiple', 'rating', 'matrix', 'ranking'];
/** Types with one row per answer (item 0, or -1 for an Other text alone): their answered count is their rows. */
const ONE_ROW = ['short_text', 'long_text', 'single', 'rating', 'number', 'date'];

/** The middle of counted values (value → how many), as a median of the list they stand for. */
function medianOf(counts: Map<number, number>): number | null {
  const sorted = [...counts].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, c]) => s + c, 0);
  if (!total) return null;
  const at = (pos: number) => {
    let seen = 0;
    for (const [v, c] of sorted) if ((seen += c) >= pos) return v;
    return sorted.at(-1)![0];
  };
  return (at(Math.floor((total + 1) / 2)) + at(Math.floor((total + 2) / 2))) / 2;
}

type CountedRow = { qid: unknown; grp: string; item: unknown; oid: unknown; v: unknown; n: unknown; first: string | null; last: string | null };
type Source = { groups: { grp: string; n: unknown }[]; counted: CountedRow[]; distinct: { qid: unknown; grp: string; n: unknown }[] };

/**
 * Which rows of survey_counts (migration 036, kept by ../counts/queries.ts) answer this request, or null
 * when they cannot and the answers are counted live: a breakdown alone, an attribute filter alone
 * or a single-choice or rating answer filter alone, each with a version filter or not.
 */
export function countsRequest(ids: SurveyIds, filter: Filter, by: Breakdown): { dim: string; grp?: string; rest: boolean; named?: readonly string[] } | null {
  const filters = (filter.attribute ? 1 : 0) + (filter.answer ? 1 : 0);
  if (filters + (by ? 1 : 0) > 1) return null;
  if (filter.attribute) return { dim: filter.attribute.name, grp: filter.attribute.value, rest: false };
  if (filter.answer) {
    const { question } = filter.answer;
    // The option's group is the answer's only for questions stored in one row: a multiple-choice question's answers are not one group.
    const types = [...ids.questions.values()].filter((q) => q.key === question).map((q) => q.type);
    return types.length && types.every((t) => t === 'single' || t === 'rating') ? { dim: `q:${question}`, grp: filter.answer.option, rest: false } : null;
  }
  if (by?.kind === 'attribute') return { dim: by.name, rest: true, named: by.named };
  if (by?.kind === 'question') return { dim: `q:${by.key}`, rest: true };
  return { dim: '', rest: false };
}

type CountsRow = { qid: unknown; grp: string; item: unknown; oid: unknown; val: string; n: unknown };

/**
 * The counts of a request from survey_counts, summed over versions in SQL, in the shape the live
 * query gives. A breakdown's dim holds only the responses with a value there; the rest (no value,
 * or an attribute value the breakdown does not name) are one group, '', made as everyone's counts
 * less the named groups'.
 */
async function fromCounts(db: ResultsDb, surveyId: number, ids: SurveyIds, filter: Filter, request: NonNullable<ReturnType<typeof countsRequest>>, only: 'groups' | { question: string } | undefined): Promise<Source> {
  const which = only === 'groups' ? sql`and question_id = 0` : typeof only === 'object' ? sql`and question_id in (0, ${inList(idsOf(ids, (q) => q.key === only.question))})` : sql``;
  const version = filter.versionId === undefined ? sql`` : sql`and version_id = ${filter.versionId}`;
  const read = (dim: string, grp: string | undefined) =>
    sql<CountsRow>`select question_id as qid, grp, item, option_id as oid, val, sum(n) as n from survey_counts
      where survey_id = ${surveyId} and dim = ${dim} ${grp === undefined ? sql`` : sql`and grp = ${grp}`} ${version} ${which}
      group by grp, question_id, item, option_id, val`.execute(db);
  const [mine, everyone] = await Promise.all([read(request.dim, request.grp), request.rest ? read('', '') : null]);
  const key = (r: CountsRow) => `${n(r.qid)} ${n(r.item)} ${n(r.oid)} ${r.val}`;
  const rows: CountsRow[] = [];
  if (everyone) {
    // Everyone less each group shown: what is left is the '' group.
    const left = new Map(everyone.rows.map((r) => [key(r), { ...r, grp: '', n: n(r.n) }]));
    for (const r of mine.rows) {
      const whole = left.get(key(r));
      if (whole) whole.n -= n(r.n);
    }
    const named = request.named && new Set(request.named);
    for (const r of mine.rows) rows.push(named && !named.has(r.grp) ? { ...r, grp: '' } : r);
    for (const r of left.values()) if (r.n !== 0) rows.push(r);
  } else rows.push(...mine.rows.map((r) => ({ ...r, grp: request.grp === undefined ? r.grp : '' })));
  const out: Source = { groups: [], counted: [], distinct: [] };
  for (const r of rows) {
    const qid = n(r.qid);
    const item = n(r.item);
    if (qid === 0) out.groups.push({ grp: r.grp, n: r.n });
    else if (item === ANSWERED_ITEM) out.distinct.push({ qid, grp: r.grp, n: r.n });
    else {
      const date = ids.questions.get(qid)?.type === 'date' && r.val !== '';
      out.counted.push({ qid, grp: r.grp, item, oid: n(r.oid) === 0 ? null : r.oid, v: r.val === '' || date ? null : Number(r.val), n: r.n, first: date ? r.val : null, last: date ? r.val : null });
    }
  }
  // Everyone, unfiltered, is a group even when there is nobody (as the live count says).
  if (!request.dim && filter.versionId === undefined && !out.groups.length) out.groups.push({ grp: '', n: 0 });
  return out;
}

/** Where the counts come from: survey_counts when it can answer, else the live query ('live' forces it: the tests' oracle). */
export type CountsFrom = 'auto' | 'live';

/**
 * The counts of a results page. Most requests are read from survey_counts (see countsRequest);
 * the others are counted live, in two passes over the answers: one GROUP BY of every question
 * (by question id, group, item and option; numbers also by value, so the median comes from the
 * grouped counts), and a distinct count of the responses that answered the questions stored in
 * several rows (multiple choice, matrix, ranking). `only` limits them to what a check needs: the
 * groups alone, or one question's answers (a filter's margin, see the service).
 */
export async function aggregates(db: ResultsDb, surveyId: number, filter: Filter, by: Breakdown, only?: 'groups' | { question: string }, given?: SurveyIds, from: CountsFrom = 'auto'): Promise<Aggregates> {
  const ids = given ?? (await surveyIds(db, surveyId));
  const wanted = (q: { key: string }) => typeof only !== 'object' || q.key === only.question;
  const all = idsOf(ids, wanted);
  const request = from === 'auto' ? countsRequest(ids, filter, by) : null;
  const source = request ? await fromCounts(db, surveyId, ids, filter, request, only) : await live(db, surveyId, ids, filter, by, only, all);
  return shape(ids, source, all);
}

/** The live count (see aggregates). Without a filter or breakdown the answers are read by question id alone (an index covers them), never joined to the responses. */
async function live(db: ResultsDb, surveyId: number, ids: SurveyIds, filter: Filter, by: Breakdown, only: 'groups' | { question: string } | undefined, all: number[]): Promise<Source> {
  const base = matching(surveyId, ids, filter, by);
  const wanted = (q: { key: string }) => typeof only !== 'object' || q.key === only.question;
  const multi = idsOf(ids, (q) => wanted(q) && !ONE_ROW.includes(q.type));
  // The matching responses made once, before the join: left as a subquery the planner would
  // flatten it and work out a breakdown's group (itself a lookup) for every answer row, not every response.
  const withB = base ? sql`with b as materialized ${base} ` : sql``;
  const from = base ? sql`b join survey_answers a on a.response_id = b.rid` : sql`survey_answers a`;
  const grp = base ? sql`b.grp` : sql`''`;
  const none = { rows: [] };
  // One GROUP BY in the covering index's own order (question, item, option, number), so it does not
  // sort: a range of question ids (a survey's are near each other) rather than an IN list, whose
  // order the planner does not keep; a question of another survey in the range is dropped below.
  // Numbers and ranking positions come grouped by value, so medians and means are made from them.
  const range = all.length ? sql`a.question_id between ${Math.min(...all)} and ${Math.max(...all)}` : sql`1 = 0`;
  const [groups, counted, distinct] = await Promise.all([
    base ? sql<{ grp: string; n: unknown }>`${withB}select b.grp, count(*) as n from b group by b.grp`.execute(db) : sql<{ grp: string; n: unknown }>`select '' as grp, count(*) as n from survey_responses where survey_id = ${surveyId}`.execute(db),
    only === 'groups'
      ? none
      : sql<CountedRow>`${withB}select a.question_id as qid, ${grp} as grp, a.item, a.option_id as oid, a.value_number as v, count(*) as n, min(a.value_date) as first, max(a.value_date) as last
      from ${from} where ${range} group by a.question_id, a.item, a.option_id, a.value_number${base ? sql`, b.grp` : sql``}`.execute(db),
    only === 'groups' || !multi.length
      ? none
      : base
        ? // Grouped twice rather than count(distinct): PostgreSQL hashes the inner groups instead of sorting every row.
          sql<{ qid: unknown; grp: string; n: unknown }>`${withB}select x.qid, x.grp, count(*) as n from (select a.question_id as qid, b.grp, a.response_id from ${from} where a.question_id in (${inList(multi)}) group by a.question_id, b.grp, a.response_id) x group by x.qid, x.grp`.execute(db)
        : sql<{ qid: unknown; grp: string; n: unknown }>`select x.qid, '' as grp, count(*) as n from (select distinct a.question_id as qid, a.response_id from survey_answers a where a.question_id in (${inList(multi)})) x group by x.qid`.execute(db),
  ]);
  return { groups: groups.rows, counted: counted.rows, distinct: distinct.rows };
}

/** The counts, from either source, as the page's Aggregates. */
function shape(ids: SurveyIds, source: Source, all: number[]): Aggregates {
  const counted = { rows: source.counted };
  const distinct = { rows: source.distinct };
  const wantedIds = new Set(all);
  const rows = { rows: counted.rows.filter((r) => wantedIds.has(n(r.qid))) };
  const groups = new Map<string, number>();
  for (const r of source.groups) groups.set(r.grp, (groups.get(r.grp) ?? 0) + n(r.n));
  const answered = new Map<string, Map<string, number>>();
  const addAnswered = (key: string, g: string, k: number) => {
    if (!answered.has(key)) answered.set(key, new Map());
    const m = answered.get(key)!;
    m.set(g, (m.get(g) ?? 0) + k);
  };
  for (const r of distinct.rows) addAnswered(ids.questions.get(n(r.qid))!.key, r.grp, n(r.n));
  const merged = new Map<string, { qkey: string; grp: string; ikey: string; okey: string; n: number; sum: number; valued: number }>();
  const ranges = new Map<string, { n: number; min: number | null; max: number | null; counts: Map<number, number>; first: string | null; last: string | null }>();
  for (const r of rows.rows) {
    const q = ids.questions.get(n(r.qid))!;
    const k = n(r.n);
    if (ONE_ROW.includes(q.type)) addAnswered(q.key, r.grp, k);
    const item = n(r.item);
    if (CHOICE.includes(q.type)) {
      const c = { qkey: q.key, grp: r.grp, ikey: item === -1 ? '_other' : item === 0 ? '' : (ids.options.get(item) ?? ''), okey: r.oid === null ? '' : (ids.options.get(n(r.oid)) ?? '') };
      const id = JSON.stringify(c);
      const known = merged.get(id) ?? { ...c, n: 0, sum: 0, valued: 0 };
      known.n += k;
      if (r.v !== null) {
        known.sum += n(r.v) * k;
        known.valued += k;
      }
      merged.set(id, known);
    }
    if ((q.type === 'number' || q.type === 'date') && item === 0) {
      const range = ranges.get(q.key) ?? { n: 0, min: null, max: null, counts: new Map(), first: null, last: null };
      range.n += k;
      if (r.v !== null) {
        const v = n(r.v);
        range.counts.set(v, (range.counts.get(v) ?? 0) + k);
        range.min = range.min === null ? v : Math.min(range.min, v);
        range.max = range.max === null ? v : Math.max(range.max, v);
      }
      const first = r.first ? String(r.first).slice(0, 10) : null;
      const last = r.last ? String(r.last).slice(0, 10) : null;
      if (first && (!range.first || first < range.first)) range.first = first;
      if (last && (!range.last || last > range.last)) range.last = last;
      ranges.set(q.key, range);
    }
  }
  return {
    groups,
    answered,
    choices: [...merged.values()].map((c) => ({ qkey: c.qkey, grp: c.grp, ikey: c.ikey, okey: c.okey, n: c.n, mean: c.valued ? c.sum / c.valued : null })),
    values: new Map([...ranges].map(([key, r]) => [key, { n: r.n, min: r.min, max: r.max, median: medianOf(r.counts), first: r.first, last: r.last }])),
  };
}

/** Free-text answers to a question (item 0 of a text question, -1 for an Other text) among the matching responses, with their codes' ids. */
export async function textAnswers(db: ResultsDb, surveyId: number, key: string, item: 0 | -1, filter: Filter, options: { codeId?: number; limit: number; offset: number; ids?: SurveyIds; codes?: boolean }) {
  const ids = options.ids ?? (await surveyIds(db, surveyId));
  // By the question's ids (every version's), read in the covering index; joined to the responses only when a filter picks some.
  const base = matching(surveyId, ids, filter, null);
  const code = options.codeId === undefined ? sql`` : sql`and exists (select 1 from survey_answer_codes fc where fc.response_id = a.response_id and fc.code_id = ${options.codeId})`;
  const withB = base ? sql`with b as materialized ${base} ` : sql``;
  const from = base ? sql`b join survey_answers a on a.response_id = b.rid` : sql`survey_answers a`;
  const where = sql`from ${from} where a.question_id in (${inList(idsOf(ids, (q) => q.key === key))}) and a.item = ${item} and a.value_text is not null ${code}`;
  // Without a code, how many there are is in the counts (a text answer always has its text), when they can answer the filter.
  const request = options.codeId === undefined ? countsRequest(ids, filter, null) : null;
  const qids = idsOf(ids, (q) => q.key === key);
  const version = filter.versionId === undefined ? sql`` : sql`and version_id = ${filter.versionId}`;
  const [rows, total] = await Promise.all([
    // By the response's random id: never the order the answers came in (an index of text answers keeps that order).
    options.limit > 0 ? sql<{ rid: string; text: string }>`${withB}select a.response_id as rid, a.value_text as text ${where} order by a.response_id limit ${options.limit} offset ${options.offset}`.execute(db) : { rows: [] },
    request
      ? sql<{ n: unknown }>`select sum(n) as n from survey_counts where survey_id = ${surveyId} and dim = ${request.dim} and grp = ${request.grp ?? ''} ${version} and question_id in (${inList(qids)}) and item = ${item}`.execute(db)
      : sql<{ n: unknown }>`${withB}select count(*) as n ${where}`.execute(db),
  ]);
  const found = rows.rows.map((r) => r.rid);
  // A question without codes (codes: false, from its code book) has none to look up.
  const codes = options.codes === false ? new Map<string, number[]>() : await codesOfResponses(db, surveyId, key, found);
  return { total: n(total.rows[0]?.n), rows: rows.rows.map((r) => ({ responseId: r.rid, text: r.text, codes: codes.get(r.rid) ?? [] })) };
}

/** The codes (ids, in the code book's order) given to these responses' answers to one question. */
export async function codesOfResponses(db: ResultsDb, surveyId: number, key: string, ids: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('survey_answer_codes as ac')
      .innerJoin('survey_codes as c', 'c.id', 'ac.code_id')
      .select(['ac.response_id', 'ac.code_id'])
      .where('c.survey_id', '=', surveyId)
      .where('c.question_key', '=', key)
      .where('ac.response_id', 'in', ids.slice(i, i + 500))
      .orderBy('c.position')
      .execute();
    for (const r of rows) out.set(r.response_id, [...(out.get(r.response_id) ?? []), r.code_id]);
  }
  return out;
}

/** A question's code book, in order, each code with how many matching answers carry it. */
export async function codeBook(db: ResultsDb, surveyId: number, key: string, filter: Filter = {}, given?: SurveyIds) {
  const filtered = filter.versionId !== undefined || filter.attribute !== undefined || filter.answer !== undefined;
  // A code is given only to answers of its own survey (setAnswerCodes checks), so unfiltered it is counted by its id alone.
  const base = filtered ? matchingAlways(surveyId, filter.answer ? (given ?? (await surveyIds(db, surveyId))) : NO_IDS, filter, null) : null;
  const count = base ? sql`select count(*) from survey_answer_codes ac join ${base} b on b.rid = ac.response_id where ac.code_id = c.id` : sql`select count(*) from survey_answer_codes ac where ac.code_id = c.id`;
  const rows = await sql<{ id: number; label: string; n: unknown }>`
    select c.id, c.label, (${count}) as n
    from survey_codes c where c.survey_id = ${surveyId} and c.question_key = ${key} order by c.position, c.id`.execute(db);
  return rows.rows.map((r) => ({ id: n(r.id), label: r.label, count: n(r.n) }));
}

export async function codesOfSurvey(db: ResultsDb, surveyId: number) {
  return db.selectFrom('survey_codes').select(['id', 'question_key', 'label', 'position']).where('survey_id', '=', surveyId).orderBy('question_key').orderBy('position').orderBy('id').execute();
}

export async function insertCode(db: ResultsDb, surveyId: number, key: string, label: string): Promise<void> {
  const last = await db.selectFrom('survey_codes').select((eb) => eb.fn.max('position').as('p')).where('survey_id', '=', surveyId).where('question_key', '=', key).executeTakeFirst();
  await db.insertInto('survey_codes').values({ survey_id: surveyId, question_key: key, position: n(last?.p) + 1, label }).execute();
}

export const codeById = (db: ResultsDb, surveyId: number, key: string, id: number) =>
  db.selectFrom('survey_codes').selectAll().where('survey_id', '=', surveyId).where('question_key', '=', key).where('id', '=', id).executeTakeFirst();

export async function labelTaken(db: ResultsDb, surveyId: number, key: string, label: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('survey_codes').select('id').where('survey_id', '=', surveyId).where('question_key', '=', key).where(sql<boolean>`lower(label) = ${label.toLowerCase()}`);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function renameCode(db: ResultsDb, id: number, label: string): Promise<void> {
  await db.updateTable('survey_codes').set({ label }).where('id', '=', id).execute();
}

export async function deleteCode(db: ResultsDb, id: number): Promise<void> {
  await db.deleteFrom('survey_codes').where('id', '=', id).execute();
}

/** Sets the codes of these responses' answers to one question: exactly the ones given, for each. */
export async function setAnswerCodes(db: ResultsDb, surveyId: number, key: string, given: Map<string, number[]>): Promise<void> {
  const book = (await db.selectFrom('survey_codes').select('id').where('survey_id', '=', surveyId).where('question_key', '=', key).execute()).map((c) => c.id);
  if (!book.length || !given.size) return;
  const ids = [...given.keys()];
  for (let i = 0; i < ids.length; i += 500) await db.deleteFrom('survey_answer_codes').where('response_id', 'in', ids.slice(i, i + 500)).where('code_id', 'in', book).execute();
  const rows = [...given].flatMap(([responseId, codes]) => codes.filter((c) => book.includes(c)).map((code_id) => ({ response_id: responseId, code_id })));
  for (let i = 0; i < rows.length; i += 400) await db.insertInto('survey_answer_codes').values(rows.slice(i, i + 400)).execute();
}

/** Of these response ids, those with free text for this question (a tampered form names others). */
export async function answeredText(db: ResultsDb, surveyId: number, key: string, item: 0 | -1, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('survey_answers as a')
    .innerJoin('survey_questions as q', 'q.id', 'a.question_id')
    .innerJoin('survey_responses as r', 'r.id', 'a.response_id')
    .select('a.response_id')
    .where('r.survey_id', '=', surveyId)
    .where('q.key', '=', key)
    .where('a.item', '=', item)
    .where('a.value_text', 'is not', null)
    .where('a.response_id', 'in', ids.slice(0, 500))
    .execute();
  return new Set(rows.map((r) => r.response_id));
}

/**
 * The respondent attributes' values held by at least `threshold` of a survey's responses: the
 * values a filter or breakdown may name. A rarer value is never listed (its name alone would say
 * someone with it responded); in a breakdown it is counted with "Other or not known".
 */
export async function attributeValues(db: ResultsDb, surveyId: number, threshold: number): Promise<Record<Attribute, string[]>> {
  // From the counts (migration 036): each attribute's dim holds the responses with a value, by value.
  const rows = await sql<{ dim: Attribute; grp: string; n: unknown }>`select dim, grp, sum(n) as n from survey_counts
    where survey_id = ${surveyId} and dim in (${sql.join([...ATTRIBUTES])}) and question_id = 0 group by dim, grp`.execute(db);
  const out = {} as Record<Attribute, string[]>;
  for (const a of ATTRIBUTES) {
    out[a] = rows.rows
      .filter((r) => r.dim === a && n(r.n) >= threshold)
      .map((r) => r.grp)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      .slice(0, 200);
  }
  return out;
}

/** Drafts not submitted, by the page they reached. */
export async function draftsByPage(db: ResultsDb, surveyId: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('survey_drafts').select(['reached_section', (eb) => eb.fn.countAll<number | string>().as('n')]).where('survey_id', '=', surveyId).groupBy('reached_section').execute();
  return new Map(rows.map((r) => [n(r.reached_section), n(r.n)]));
}

export async function setSharing(db: ResultsDb, surveyId: number, sharedWith: 'team' | 'audience' | 'public', freeText: boolean, now: string): Promise<void> {
  await db.updateTable('surveys').set({ results_shared_with: sharedWith, results_free_text: freeText ? 1 : 0, updated_at: now }).where('id', '=', surveyId).execute();
}

export type ExportResponse = { id: string; version_id: number; person_id: number | null; role_group: string | null; service: string | null; nation: string | null; region: string | null; band: string | null };

/** A page of a survey's responses by id: random UUIDs, so never the order they were submitted in. */
export const responsesPage = (db: ResultsDb, surveyId: number, after: string | undefined, limit: number) => {
  let q = db.selectFrom('survey_responses').select(['id', 'version_id', 'person_id', 'role_group', 'service', 'nation', 'region', 'band']).where('survey_id', '=', surveyId);
  if (after !== undefined) q = q.where('id', '>', after);
  return q.orderBy('id').limit(limit).execute();
};

/** The answers and codes of these responses, with each answer's question and option keys. */
export async function answersOf(db: ResultsDb, surveyId: number, ids: readonly string[]) {
  if (!ids.length) return { answers: [], codes: [] };
  const [answers, codes] = await Promise.all([
    db
      .selectFrom('survey_answers as a')
      .innerJoin('survey_questions as q', 'q.id', 'a.question_id')
      .leftJoin('survey_options as o', 'o.id', 'a.option_id')
      .leftJoin('survey_options as io', 'io.id', 'a.item')
      .select(['a.response_id', 'q.key as qkey', 'a.item', 'o.key as okey', 'io.key as ikey', 'a.value_text', 'a.value_number', 'a.value_date'])
      .where('a.response_id', 'in', ids)
      .execute(),
    db
      .selectFrom('survey_answer_codes as ac')
      .innerJoin('survey_codes as c', 'c.id', 'ac.code_id')
      .select(['ac.response_id', 'c.question_key', 'c.label', 'c.position'])
      .where('c.survey_id', '=', surveyId)
      .where('ac.response_id', 'in', ids)
      .orderBy('c.position')
      .execute(),
  ]);
  return { answers, codes };
}

export async function peopleOf(db: ResultsDb, ids: readonly number[]): Promise<Map<number, { name: string; email: string }>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('people').select(['id', 'name', 'email']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
}
