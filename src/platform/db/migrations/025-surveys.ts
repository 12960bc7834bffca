// Surveys (issue 12): what a survey asks. Who a survey is for is kept in audience_targets (item
// kind 'survey') like every item's; the answers are migration 026's.
// - surveys: the programme, title, intro (Markdown), status (draft, open, closed), the version
//   people answer (live_version_id), and the settings the sending and results slices use: open
//   and close instants (UTC; London dates on the page), identified or anonymous, whether a
//   respondent may change a submitted answer until close, the small-number threshold, an
//   open-link token's hash (people without an account), and how results are shared;
// - survey_versions: the questions of a survey as they were at one time, numbered 1, 2 ... A
//   version with a response is never changed again ("Change the questions" copies it into the
//   next number), so every response says exactly which questions it answered;
// - survey_sections: the pages of a version, ordered, each with a title and optional intro;
// - survey_questions: ordered within their section, with a type, help text, required flag, the
//   number range, whether a choice has "Other, please say", and how its show-if conditions
//   combine (all or any). `key` is the question's stable name across versions (results and
//   exports keep one column for it however many versions there are);
// - survey_options: a question's choices, scale points (rating and matrix) and matrix rows
//   (kind 'row'), ordered, each with a stable key like the question's;
// - survey_conditions: "show this question if" rules: an earlier question (checked by the
//   builder, never trusted from here), an operator, and the option compared with;
// - survey_templates: templates the team saved (the shipped ones are data in the code), as the
//   same JSON definition a survey is copied with.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  const flag = (name: string) => sql.raw(`${name} in (0, 1)`);
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('intro', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'open', 'closed')`))
    // Set once the first version exists (the version and the survey refer to each other).
    .addColumn('live_version_id', 'integer')
    .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0).check(flag('anonymous')))
    .addColumn('editable_until_close', 'integer', (c) => c.notNull().defaultTo(0).check(flag('editable_until_close')))
    .addColumn('opens_at', t.timestamp)
    .addColumn('closes_at', t.timestamp)
    .addColumn('suppression_threshold', 'integer', (c) => c.notNull().defaultTo(5).check(sql`suppression_threshold between 1 and 100`))
    .addColumn('open_link_hash', 'text', (c) => c.unique())
    .addColumn('results_shared_with', 'text', (c) => c.notNull().defaultTo('team').check(sql`results_shared_with in ('team', 'audience', 'public')`))
    .addColumn('results_free_text', 'integer', (c) => c.notNull().defaultTo(0).check(flag('results_free_text')))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('surveys_programme_idx').on('surveys').columns(['programme_id', 'updated_at']).execute();
  await db.schema
    .createTable('survey_versions')
    .addColumn('id', 'integer', t.id)
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number > 0`))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('survey_versions_number_uq', ['survey_id', 'number'])
    .execute();
  await db.schema
    .createTable('survey_sections')
    .addColumn('id', 'integer', t.id)
    .addColumn('version_id', 'integer', (c) => c.notNull().references('survey_versions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('intro', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_sections_version_idx').on('survey_sections').columns(['version_id', 'position']).execute();
  await db.schema
    .createTable('survey_questions')
    .addColumn('id', 'integer', t.id)
    .addColumn('version_id', 'integer', (c) => c.notNull().references('survey_versions.id').onDelete('cascade'))
    .addColumn('section_id', 'integer', (c) => c.notNull().references('survey_sections.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('short_text', 'long_text', 'single', 'multiple', 'rating', 'matrix', 'number', 'date', 'ranking')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('help', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull().check(flag('required')))
    .addColumn('has_other', 'integer', (c) => c.notNull().defaultTo(0).check(flag('has_other')))
    .addColumn('min_value', 'real')
    .addColumn('max_value', 'real')
    .addColumn('show_if', 'text', (c) => c.notNull().defaultTo('all').check(sql`show_if in ('all', 'any')`))
    .addUniqueConstraint('survey_questions_key_uq', ['version_id', 'key'])
    .addCheckConstraint('survey_questions_range', sql`min_value is null or max_value is null or min_value <= max_value`)
    .execute();
  await db.schema.createIndex('survey_questions_section_idx').on('survey_questions').columns(['section_id', 'position']).execute();
  await db.schema
    .createTable('survey_options')
    .addColumn('id', 'integer', t.id)
    .addColumn('question_id', 'integer', (c) => c.notNull().references('survey_questions.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('choice', 'row')`))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addUniqueConstraint('survey_options_key_uq', ['question_id', 'kind', 'key'])
    .execute();
  await db.schema
    .createTable('survey_conditions')
    .addColumn('id', 'integer', t.id)
    .addColumn('question_id', 'integer', (c) => c.notNull().references('survey_questions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('target_question_id', 'integer', (c) => c.notNull().references('survey_questions.id').onDelete('cascade'))
    .addColumn('operator', 'text', (c) => c.notNull().check(sql`operator in ('equals', 'not_equals', 'includes', 'answered', 'not_answered')`))
    .addColumn('option_id', 'integer', (c) => c.references('survey_options.id').onDelete('cascade'))
    .addCheckConstraint('survey_conditions_option', sql`(operator in ('answered', 'not_answered')) = (option_id is null)`)
    .execute();
  await db.schema.createIndex('survey_conditions_question_idx').on('survey_conditions').columns(['question_id', 'position']).execute();
  // Deleting a question must find the conditions that point at it.
  await db.schema.createIndex('survey_conditions_target_idx').on('survey_conditions').column('target_question_id').execute();
  await db.schema
    .createTable('survey_templates')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}
