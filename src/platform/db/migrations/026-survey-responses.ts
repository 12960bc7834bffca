// Surveys (issue 12): answers. Designed for the whole issue; the answering slice fills them.
//
// Anonymity (issue 12 §4). An anonymous survey's response must not be linkable to the person who
// gave it, by anyone holding the database, so:
// - survey_responses has no person link when anonymous (person_id null, checked by a constraint),
//   and no time at all (submitted_at and updated_at null): a time could be matched with the sign-
//   in, audit or mail records of the moment the person pressed Submit;
// - its id is a random UUID (version 4, never a time-ordered one), not a counter: a counter would
//   number responses in the order they came, and so would the order of the respondents;
// - survey_respondents records only (survey, person): that the person has responded, which stops
//   a second response (on every browser: it is checked by person, not by a cookie) and lets the
//   reminders go to the others. It has no time, no id and no order either;
// - on SQLite all three of these tables are WITHOUT ROWID, so even the hidden rowid that would
//   keep insertion order is not there: rows are stored in the order of their (random or person)
//   keys. On PostgreSQL the heap's physical order is not data any query returns (there is no
//   column to read it from); someone reading raw pages could guess it, so the answering slice
//   must not write the response and the respondent row in a way that makes them the only rows
//   of a page (the next slice writes both in one transaction, which is the most it can do);
// - answers inherit the response's random id and carry no time or counter;
// - what the results need about respondents (role group, service, nation, region, band: §8's
//   filters) is copied onto the response when it is submitted, so cross-tabs need no person
//   link; small-number suppression keeps a small group from being singled out.
// An anonymous survey cannot be changed after submitting (nothing can find the response again
// without a link); identified ones can, until close, when the team allows it.
//
// - survey_drafts: save and return before submitting (on any device once signed in: by person;
//   on an open link without an account: by the hash of a token kept in a cookie). The answers so
//   far as JSON, the version, and the furthest page reached, which gives "where people stop"
//   (a draft is deleted when its response is submitted, so the drafts are exactly the people who
//   reached a page and did not submit). A draft names its person until it is submitted or the
//   survey closes; at close the closing slice clears its person, token and answers and keeps only
//   the page reached (so a draft may have no owner: no check requires one). The first page says
//   so. Answers in a draft are keyed by question key, not id, like the preview's.
// - survey_responses: one per submitted response: the survey, the version answered, the person
//   (identified only) and the respondent attributes above.
// - survey_answers: one row per part of an answer, to be counted in SQL: `item` is 0 for a single
//   value (text, number, date, single choice, rating), the option's id for multiple choice and
//   ranking (value_number the position), the row's id for a matrix (option_id its scale point),
//   and -1 for the "Other, please say" text.
// - survey_codes and survey_answer_codes: the team's code book per question (by the question's
//   stable key, so one code book serves every version) and the codes given to each free-text
//   answer, several per answer.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  // See above: no rowid on SQLite for the tables whose order could link a person to an answer.
  const unordered = engine === 'sqlite' ? sql`without rowid` : sql``;
  await db.schema
    .createTable('survey_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('survey_versions.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('reached_section', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('survey_drafts_person_uq', ['survey_id', 'person_id'])
    .execute();
  // "Where people stop": drafts of a survey by the page reached.
  await db.schema.createIndex('survey_drafts_survey_idx').on('survey_drafts').columns(['survey_id', 'reached_section']).execute();
  await db.schema.createIndex('survey_drafts_person_idx').on('survey_drafts').column('person_id').execute();
  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('survey_versions.id').onDelete('cascade'))
    .addColumn('anonymous', 'integer', (c) => c.notNull().check(sql`anonymous in (0, 1)`))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('submitted_at', t.timestamp)
    .addColumn('updated_at', t.timestamp)
    .addColumn('role_group', 'text')
    .addColumn('service', 'text')
    .addColumn('nation', 'text')
    .addColumn('region', 'text')
    .addColumn('band', 'text')
    .addCheckConstraint('survey_responses_anonymous', sql`anonymous = 0 or (person_id is null and submitted_at is null and updated_at is null)`)
    .modifyEnd(unordered)
    .execute();
  await db.schema.createIndex('survey_responses_survey_idx').on('survey_responses').columns(['survey_id', 'version_id']).execute();
  await db.schema.createIndex('survey_responses_person_idx').on('survey_responses').columns(['person_id', 'survey_id']).execute();
  await db.schema
    .createTable('survey_answers')
    .addColumn('response_id', 'text', (c) => c.notNull().references('survey_responses.id').onDelete('cascade'))
    .addColumn('question_id', 'integer', (c) => c.notNull().references('survey_questions.id').onDelete('cascade'))
    .addColumn('item', 'integer', (c) => c.notNull())
    .addColumn('option_id', 'integer', (c) => c.references('survey_options.id').onDelete('cascade'))
    .addColumn('value_text', 'text')
    .addColumn('value_number', 'real')
    .addColumn('value_date', t.date)
    .addPrimaryKeyConstraint('survey_answers_pk', ['response_id', 'question_id', 'item'])
    .modifyEnd(unordered)
    .execute();
  // Counting a question's answers by option, in SQL.
  await db.schema.createIndex('survey_answers_question_idx').on('survey_answers').columns(['question_id', 'option_id']).execute();
  await db.schema
    .createTable('survey_respondents')
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('survey_respondents_pk', ['survey_id', 'person_id'])
    .modifyEnd(unordered)
    .execute();
  await db.schema.createIndex('survey_respondents_person_idx').on('survey_respondents').column('person_id').execute();
  await db.schema
    .createTable('survey_codes')
    .addColumn('id', 'integer', t.id)
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addUniqueConstraint('survey_codes_label_uq', ['survey_id', 'question_key', 'label'])
    .execute();
  await db.schema
    .createTable('survey_answer_codes')
    .addColumn('response_id', 'text', (c) => c.notNull().references('survey_responses.id').onDelete('cascade'))
    .addColumn('code_id', 'integer', (c) => c.notNull().references('survey_codes.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('survey_answer_codes_pk', ['response_id', 'code_id'])
    .modifyEnd(unordered)
    .execute();
  await db.schema.createIndex('survey_answer_codes_code_idx').on('survey_answer_codes').column('code_id').execute();
}
