// The results' SQL, on the surveys feature's own handle (and people, read only, for the names in an
// identified export). Counting is done in SQL over the matching responses; a filter (version,
// respondent attribute, answer to a choice question) and a breakdown ("grp": an attribute or the
// answer to a single-choice or rating question) are one derived table every count joins, so each
// count of a page is made the same way.
//
// How answers are stored (migration 026): `item` 0 for one value (text, number, date, single
// choice and rating with option_id the choice); the option's id for multiple choice and ranking
// (value_number the position); the row's id for a matrix (option_id the scale point); -1 for the
// "Other, please say" text.
import { sql, type RawBuilder } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';
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

/** The matching responses, each with its group in the breakdown ('' when it has none). */
function matching(surveyId: number, filter: Filter, by: Breakdown): RawBuilder<unknown> {
  const grp =
    by?.kind === 'attribute'
      ? by.named.length
        ? sql`case when r.${sql.ref(by.name)} in (${sql.join([...by.named])}) then r.${sql.ref(by.name)} else '' end`
        : sql`''`
      : by?.kind === 'question'
        ? sql`coalesce((select case when ga.item = -1 then '_other' else go.key end from survey_answers ga join survey_questions gq on gq.id = ga.question_id left join survey_options go on go.id = ga.option_id where ga.response_id = r.id and gq.key = ${by.key} and ga.item in (0, -1) order by ga.item desc limit 1), '')`
        : sql`''`;
  const version = filter.versionId === undefined ? sql`` : sql`and r.version_id = ${filter.versionId}`;
  const attribute = filter.attribute ? sql`and r.${sql.ref(filter.attribute.name)} = ${filter.attribute.value}` : sql``;
  const answer = filter.answer
    ? sql`and exists (select 1 from survey_answers fa join survey_questions fq on fq.id = fa.question_id join survey_options fo on fo.id = (case when fq.type in ('multiple', 'ranking') then fa.item else fa.option_id end) where fa.response_id = r.id and fq.key = ${filter.answer.question} and fo.key = ${filter.answer.option})`
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

/**
 * The counts of a results page. `only` limits them to what a check needs: the groups alone, or
 * one question's answers (a filter's margin, see the service), which saves the other queries.
 */
export async function aggregates(db: ResultsDb, surveyId: number, filter: Filter, by: Breakdown, only?: 'groups' | { question: string }): Promise<Aggregates> {
  const base = matching(surveyId, filter, by);
  const isOther = sql`case when a.item = -1 then 1 else 0 end`;
  const one = typeof only === 'object' ? sql`and q.key = ${only.question}` : sql``;
  const none = { rows: [] };
  const [groups, answered, choices, ranges, numbers] = await Promise.all([
    sql<{ grp: string; n: unknown }>`select b.grp, count(*) as n from ${base} b group by b.grp`.execute(db),
    only === 'groups' ? none : sql<{ qkey: string; grp: string; n: unknown }>`select q.key as qkey, b.grp, count(distinct a.response_id) as n from ${base} b join survey_answers a on a.response_id = b.rid join survey_questions q on q.id = a.question_id where 1 = 1 ${one} group by q.key, b.grp`.execute(db),
    only === 'groups' ? none : sql<{ qkey: string; grp: string; other: unknown; ikey: string | null; okey: string | null; n: unknown; mean: unknown }>`
      select q.key as qkey, b.grp, ${isOther} as other, io.key as ikey, o.key as okey, count(*) as n, avg(a.value_number) as mean
      from ${base} b join survey_answers a on a.response_id = b.rid join survey_questions q on q.id = a.question_id
      left join survey_options o on o.id = a.option_id left join survey_options io on io.id = a.item
      where q.type in ('single', 'multiple', 'rating', 'matrix', 'ranking') ${one}
      group by q.key, b.grp, ${isOther}, io.key, o.key`.execute(db),
    only ? none : sql<{ qkey: string; n: unknown; min: unknown; max: unknown; first: string | null; last: string | null }>`
      select q.key as qkey, count(*) as n, min(a.value_number) as min, max(a.value_number) as max, min(a.value_date) as first, max(a.value_date) as last
      from ${base} b join survey_answers a on a.response_id = b.rid join survey_questions q on q.id = a.question_id
      where q.type in ('number', 'date') and a.item = 0 group by q.key`.execute(db),
    // The median of each number question: the middle value(s), found in SQL by position.
    only ? none : sql<{ qkey: string; v: unknown }>`
      select x.qkey, x.v from (
        select q.key as qkey, a.value_number as v, row_number() over (partition by q.key order by a.value_number) as pos, count(*) over (partition by q.key) as cnt
        from ${base} b join survey_answers a on a.response_id = b.rid join survey_questions q on q.id = a.question_id
        where q.type = 'number' and a.item = 0 and a.value_number is not null) x
      where x.pos in ((x.cnt + 1) / 2, (x.cnt + 2) / 2)`.execute(db),
  ]);
  const answeredMap = new Map<string, Map<string, number>>();
  for (const r of answered.rows) {
    if (!answeredMap.has(r.qkey)) answeredMap.set(r.qkey, new Map());
    answeredMap.get(r.qkey)!.set(r.grp, n(r.n));
  }
  const middles = new Map<string, number[]>();
  for (const r of numbers.rows) middles.set(r.qkey, [...(middles.get(r.qkey) ?? []), n(r.v)]);
  const values = new Map(
    ranges.rows.map((r) => {
      const m = middles.get(r.qkey);
      return [r.qkey, { n: n(r.n), min: r.min === null ? null : n(r.min), max: r.max === null ? null : n(r.max), median: m?.length ? m.reduce((x, y) => x + y, 0) / m.length : null, first: r.first ? String(r.first).slice(0, 10) : null, last: r.last ? String(r.last).slice(0, 10) : null }];
    }),
  );
  return {
    groups: new Map(groups.rows.map((r) => [r.grp, n(r.n)])),
    answered: answeredMap,
    choices: choices.rows.map((r) => ({ qkey: r.qkey, grp: r.grp, ikey: n(r.other) === 1 ? '_other' : (r.ikey ?? ''), okey: r.okey ?? '', n: n(r.n), mean: r.mean === null ? null : n(r.mean) })),
    values,
  };
}

/** Free-text answers to a question (item 0 of a text question, -1 for an Other text) among the matching responses, with their codes' ids. */
export async function textAnswers(db: ResultsDb, surveyId: number, key: string, item: 0 | -1, filter: Filter, options: { codeId?: number; limit: number; offset: number }) {
  const base = matching(surveyId, filter, null);
  const code = options.codeId === undefined ? sql`` : sql`and exists (select 1 from survey_answer_codes fc where fc.response_id = a.response_id and fc.code_id = ${options.codeId})`;
  const where = sql`from ${base} b join survey_answers a on a.response_id = b.rid join survey_questions q on q.id = a.question_id where q.key = ${key} and a.item = ${item} and a.value_text is not null ${code}`;
  const [rows, total] = await Promise.all([
    // By the response's random id: never the order the answers came in.
    sql<{ rid: string; text: string }>`select a.response_id as rid, a.value_text as text ${where} order by a.response_id limit ${options.limit} offset ${options.offset}`.execute(db),
    sql<{ n: unknown }>`select count(*) as n ${where}`.execute(db),
  ]);
  const ids = rows.rows.map((r) => r.rid);
  const codes = await codesOfResponses(db, surveyId, key, ids);
  return { total: n(total.rows[0]?.n), rows: rows.rows.map((r) => ({ responseId: r.rid, text: r.text, codes: codes.get(r.rid) ?? [] })) };
}

async function codesOfResponses(db: ResultsDb, surveyId: number, key: string, ids: readonly string[]): Promise<Map<string, number[]>> {
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
export async function codeBook(db: ResultsDb, surveyId: number, key: string, filter: Filter = {}) {
  const base = matching(surveyId, filter, null);
  const rows = await sql<{ id: number; label: string; n: unknown }>`
    select c.id, c.label, (select count(*) from survey_answer_codes ac join ${base} b on b.rid = ac.response_id where ac.code_id = c.id) as n
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
  const out = {} as Record<Attribute, string[]>;
  await Promise.all(
    ATTRIBUTES.map(async (a) => {
      const rows = await db
        .selectFrom('survey_responses')
        .select(sql.ref<string>(a).as('v'))
        .where('survey_id', '=', surveyId)
        .where(sql.ref(a), 'is not', null)
        .groupBy(sql.ref(a))
        .having((eb) => eb.fn.countAll(), '>=', threshold)
        .orderBy(sql.ref(a))
        .limit(200)
        .execute();
      out[a] = rows.map((r) => String(r.v));
    }),
  );
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
