// Surveys results at scale (issue 12, Benchmark): survey_counts holds, per survey, the counts a
// results page needs, kept up to date in the same transaction as every write of answers (a
// submit, a change of an identified response, an erasure), so a page sums a few thousand counts
// instead of grouping every answer row. It is still counting in SQL: the rows are made by one
// INSERT ... SELECT ... GROUP BY over the answers, with an upsert adding (or, before answers
// are deleted, taking away) each response's own counts.
//
// A row is: the survey and the version answered; a breakdown `dim` ('' for everyone; a respondent
// attribute 'role_group', 'service', 'nation', 'region' or 'band'; or 'q:<question key>' for the
// answer to a choice question) and the response's group in it (`grp`: the attribute's value, or
// the option key or '_other'; a response with no value there has no rows in that dim, and the
// page works its group out as everyone less the named groups); then what is counted: the response
// itself (question_id 0), an answer row (question, item and option as in survey_answers, option 0
// for none, `val` the number or date as text, '' for none), or "answered" (item -2) once per
// response for the questions stored in several rows (multiple choice, matrix, ranking). `n` is
// how many. Every column is NOT NULL (sentinels, not NULL) so the primary key is the upsert's
// conflict target on both engines.
//
// Anonymity (see migration 026): this table holds counts only. No response id, no person, no time
// and no order: nothing in it names or points at a response, and on SQLite it is WITHOUT ROWID,
// so not even a hidden rowid keeps the order rows were first made in. Free text is never in it
// (text answers are counted, their words are not). A count of one is no more than the responses
// table already says, and every count is shown through small-number suppression.
//
// Also an index of the free-text answers (see below), so the page's first few answers are not a
// sort of all of them.
//
// Surveys that already have responses are counted here, in SQL (a migration does not use feature
// code; the surveys feature's rebuildCounts makes the same rows).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Engine } from '../database.ts';

const ATTRIBUTES = ['role_group', 'service', 'nation', 'region', 'band'];

/** The counts rows of the responses `r` that `where` picks (a copy of features/surveys/counts/queries.ts, which tests that they agree). */
export function countsSelect(where: RawBuilder<unknown>, answers: RawBuilder<unknown>): RawBuilder<unknown> {
  const attributes = ATTRIBUTES.map((a) => sql`union all select r.id, r.survey_id, r.version_id, ${a}, r.${sql.ref(a)} from survey_responses r where ${where} and r.${sql.ref(a)} is not null`);
  // Each response's dims (d) made once, then joined to its answers: the response itself, each
  // answer row, and "answered" once per multi-row question. The answers are reached from the
  // responses `where` picks (by their key), never by scanning them for d's ids.
  const dims = sql`select r.id as rid, r.survey_id as sid, r.version_id as vid, cast('' as text) as dim, cast('' as text) as grp from survey_responses r where ${where}
      ${sql.join(attributes, sql` `)}
      union all select r.id, r.survey_id, r.version_id, 'q:' || q.key, coalesce(o.key, '_other')
        from survey_responses r join survey_answers a on a.response_id = r.id join survey_questions q on q.id = a.question_id left join survey_options o on o.id = a.option_id
        left join survey_answers a0 on a0.response_id = a.response_id and a0.question_id = a.question_id and a0.item = 0 and a.item = -1
        where ${where} and ${answers} and ((a.item = 0 and a.option_id is not null) or (a.item = -1 and a0.response_id is null))`;
  return sql`with d as materialized (${dims})
    select * from (
      select d.sid, d.vid, d.dim, d.grp, 0 as qid, 0 as item, 0 as oid, cast('' as text) as val, count(*) as n from d group by d.sid, d.vid, d.dim, d.grp
      union all select d.sid, d.vid, d.dim, d.grp, a.question_id, a.item, coalesce(a.option_id, 0), coalesce(cast(a.value_number as text), cast(a.value_date as text), ''), count(*)
        from survey_responses r join survey_answers a on a.response_id = r.id join d on d.rid = r.id where ${where} and ${answers}
        group by d.sid, d.vid, d.dim, d.grp, a.question_id, a.item, coalesce(a.option_id, 0), coalesce(cast(a.value_number as text), cast(a.value_date as text), '')
      union all select d.sid, d.vid, d.dim, d.grp, m.qid, -2, 0, '', count(*)
        from (select a.response_id as rid, a.question_id as qid from survey_responses r join survey_answers a on a.response_id = r.id join survey_questions q on q.id = a.question_id
          where ${where} and ${answers} and q.type in ('multiple', 'matrix', 'ranking') group by a.response_id, a.question_id) m join d on d.rid = m.rid
        group by d.sid, d.vid, d.dim, d.grp, m.qid
    ) counted where 1 = 1`;
}

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const unordered = engine === 'sqlite' ? sql`without rowid` : sql``;
  await db.schema
    .createTable('survey_counts')
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('survey_versions.id').onDelete('cascade'))
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('grp', 'text', (c) => c.notNull())
    .addColumn('question_id', 'integer', (c) => c.notNull())
    .addColumn('item', 'integer', (c) => c.notNull())
    .addColumn('option_id', 'integer', (c) => c.notNull())
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    // A page reads one survey's dim (and group) in this order, summing the versions last.
    .addPrimaryKeyConstraint('survey_counts_pk', ['survey_id', 'dim', 'grp', 'question_id', 'item', 'option_id', 'val', 'version_id'])
    .modifyEnd(unordered)
    .execute();
  // Counts taken away to nothing are deleted; this finds them without reading the rest.
  await db.schema.createIndex('survey_counts_zero_idx').on('survey_counts').column('survey_id').where(sql.ref('n'), '=', 0).execute();
  // The free-text answers of a question in the order of their (random) response ids, as the results
  // page lists the first few: read from here rather than sorting every answer (text rows only).
  await db.schema.createIndex('survey_answers_text_idx').on('survey_answers').columns(['question_id', 'item', 'response_id']).where(sql.ref('value_text'), 'is not', null).execute();
  // A range of response ids at a time (within any statement timeout), each range's counts added to the others'.
  const ids = (await sql<{ id: string }>`select id from survey_responses order by id`.execute(db)).rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 2_000) {
    const last = ids[Math.min(i + 2_000, ids.length) - 1]!;
    await sql`insert into survey_counts (survey_id, version_id, dim, grp, question_id, item, option_id, val, n) ${countsSelect(sql`r.id >= ${ids[i]!} and r.id <= ${last}`, sql`a.response_id >= ${ids[i]!} and a.response_id <= ${last}`)}
      on conflict (survey_id, dim, grp, question_id, item, option_id, val, version_id) do update set n = survey_counts.n + excluded.n`.execute(db);
  }
}
