// The results' counts (migration 036, survey_counts), kept in the same transaction as every write
// of answers: a submit adds its response's counts, a change takes the old ones away and adds the
// new, an erasure takes away the person's responses' counts before they are deleted. Each is one
// INSERT ... SELECT ... GROUP BY over the response's own rows, upserted (n = n + excluded.n), so
// the upkeep and rebuildCounts (a whole survey's, for the benchmark's bulk inserts and for any
// repair) make exactly the same rows with the same SQL. Counts taken away to 0 are deleted.
//
// Counts only: no response id, person, time or order (see the migration's comment on anonymity).
import { sql, type RawBuilder } from 'kysely';
import type { SurveysDb } from '../tables.ts';

const ATTRIBUTES = ['role_group', 'service', 'nation', 'region', 'band'] as const;

/** Item of the row counting that a response answered a question stored in several rows (multiple choice, matrix, ranking). */
export const ANSWERED_ITEM = -2;
/** The question_id of the row counting the response itself. */
export const RESPONSE_ROW = 0;

/**
 * The counts of the responses `r` that `where` picks: for each dim the response is in (everyone,
 * each attribute it has, each choice question it answered with an option or Other: the same group
 * as results/queries.ts gives a breakdown), the response itself, each answer row (numbers and
 * dates by value) and "answered" for the multi-row questions.
 */
function countsSelect(where: RawBuilder<unknown>, answers: RawBuilder<unknown>, sign: 1 | -1): RawBuilder<unknown> {
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
      select d.sid, d.vid, d.dim, d.grp, ${sql.lit(RESPONSE_ROW)} as qid, 0 as item, 0 as oid, cast('' as text) as val, ${sql.lit(sign)} * count(*) as n from d group by d.sid, d.vid, d.dim, d.grp
      union all select d.sid, d.vid, d.dim, d.grp, a.question_id, a.item, coalesce(a.option_id, 0), coalesce(cast(a.value_number as text), cast(a.value_date as text), ''), ${sql.lit(sign)} * count(*)
        from survey_responses r join survey_answers a on a.response_id = r.id join d on d.rid = r.id where ${where} and ${answers}
        group by d.sid, d.vid, d.dim, d.grp, a.question_id, a.item, coalesce(a.option_id, 0), coalesce(cast(a.value_number as text), cast(a.value_date as text), '')
      union all select d.sid, d.vid, d.dim, d.grp, m.qid, ${sql.lit(ANSWERED_ITEM)}, 0, '', ${sql.lit(sign)} * count(*)
        from (select a.response_id as rid, a.question_id as qid from survey_responses r join survey_answers a on a.response_id = r.id join survey_questions q on q.id = a.question_id
          where ${where} and ${answers} and q.type in ('multiple', 'matrix', 'ranking') group by a.response_id, a.question_id) m join d on d.rid = m.rid
        group by d.sid, d.vid, d.dim, d.grp, m.qid
    ) counted where 1 = 1`;
}

const COLUMNS = sql`(survey_id, version_id, dim, grp, question_id, item, option_id, val, n)`;

/** Adds (sign 1) or takes away (-1) the counts of the responses `where` picks (`answers`: the same responses' answers by their key, so they are a range, not a scan), in one statement. */
async function upsert(db: SurveysDb, where: RawBuilder<unknown>, answers: RawBuilder<unknown>, sign: 1 | -1): Promise<void> {
  await sql`insert into survey_counts ${COLUMNS} ${countsSelect(where, answers, sign)}
    on conflict (survey_id, dim, grp, question_id, item, option_id, val, version_id) do update set n = survey_counts.n + excluded.n`.execute(db);
  if (sign === -1) await sql`delete from survey_counts where n = 0`.execute(db);
}

/** A submitted response's counts: call after its answers are written. */
export const addResponseCounts = (db: SurveysDb, responseId: string) => upsert(db, sql`r.id = ${responseId}`, sql`a.response_id = ${responseId}`, 1);

/** A response's counts taken away: call before its answers change or it is deleted. */
export const removeResponseCounts = (db: SurveysDb, responseId: string) => upsert(db, sql`r.id = ${responseId}`, sql`a.response_id = ${responseId}`, -1);

/** The counts of a person's identified responses taken away (erasure): call before they are deleted. */
export const removePersonCounts = (db: SurveysDb, personId: number) => upsert(db, sql`r.person_id = ${personId}`, sql`1 = 1`, -1);

/** Responses counted by one statement of a rebuild: each stays well inside the statement timeout. */
const REBUILD_CHUNK = 2_000;

/**
 * A survey's counts made again from its answers (after bulk inserts, or to repair them): deleted,
 * then added a range of response ids at a time (the upsert sums the ranges' counts).
 */
export async function rebuildCounts(db: SurveysDb, surveyId: number): Promise<void> {
  await db.deleteFrom('survey_counts').where('survey_id', '=', surveyId).execute();
  const ids = (await db.selectFrom('survey_responses').select('id').where('survey_id', '=', surveyId).orderBy('id').execute()).map((r) => r.id);
  for (let i = 0; i < ids.length; i += REBUILD_CHUNK) {
    const last = ids[Math.min(i + REBUILD_CHUNK, ids.length) - 1]!;
    await upsert(db, sql`r.survey_id = ${surveyId} and r.id >= ${ids[i]!} and r.id <= ${last}`, sql`a.response_id >= ${ids[i]!} and a.response_id <= ${last}`, 1);
  }
}
