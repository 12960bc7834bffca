// Surveys: sending (issue 12 §4–5). Two small tables the answering slice needs beside 025 and 026:
// - survey_notices: who has been sent which notice about a survey ('invited', 'reminder',
//   'closing-soon'), claimed before each is sent, so a job run twice tells nobody twice, and an
//   audience widened while the survey is open invites only the people new to it. No time, no id,
//   no order (WITHOUT ROWID on SQLite), as for survey_respondents: it says no more than that.
// - survey_link_uses: the browsers (the hash of the token in their cookie) that have submitted
//   through a survey's open link, so one browser gives one response. Nothing in it names a person.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const unordered = engine === 'sqlite' ? sql`without rowid` : sql``;
  await db.schema
    .createTable('survey_notices')
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invited', 'reminder', 'closing-soon')`))
    .addPrimaryKeyConstraint('survey_notices_pk', ['survey_id', 'person_id', 'kind'])
    .modifyEnd(unordered)
    .execute();
  await db.schema.createIndex('survey_notices_person_idx').on('survey_notices').column('person_id').execute();
  await db.schema
    .createTable('survey_link_uses')
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_link_uses_pk', ['survey_id', 'token_hash'])
    .modifyEnd(unordered)
    .execute();
}
