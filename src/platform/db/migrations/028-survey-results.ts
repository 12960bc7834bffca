// Surveys results at scale (issue 12, Benchmark): the results page counts every question's
// answers by question id, item and option (numbers also by value), and counts the responses that
// answered the questions stored in several rows. This index holds all of those columns in that
// order (and, as every index does, the row's key with its response id), so the counts are read
// from it alone, in order, without touching the table or sorting. It starts with question_id, so
// it also serves what migration 026's (question_id, option_id) index did, which it replaces
// (one index fewer to write on every submitted answer).
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.createIndex('survey_answers_counts_idx').on('survey_answers').columns(['question_id', 'item', 'option_id', 'value_number', 'value_date', 'response_id']).execute();
  await db.schema.dropIndex('survey_answers_question_idx').execute();
}
