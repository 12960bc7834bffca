// Consultations (issue 14): comments, agreement, triage and redaction.
// - consultation_comments: one comment by a person in a consultation. Exactly one of: a section
//   (version_id + section_key: the version commented on and the section's stable key, so a later
//   version can place it on its surviving section), a guiding question (question_id: an answer),
//   or neither (a general comment on the whole draft). A reply names its parent comment
//   (parent_id) and takes no triage. publication: what the commenter agreed to when commenting:
//   'named' (may be published with their name), 'anonymous' (without it) or 'none' (not at all).
//   Redaction: redacted_body is what others see instead of body (the original kept for the team),
//   with who and when; the reason goes to the audit log, not here.
//   Triage: status (accepted, partly, not_accepted, noted, out_of_scope; null: untriaged), the
//   team's response, who and when, and change_ref: a nullable link to "the change it caused"
//   (a section key of a later version; the versions slice fills it in).
// - consultation_agrees: one "agree" per person per comment.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('consultation_comments')
    .addColumn('id', 'integer', t.id)
    .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('version_id', 'integer', (c) => c.references('consultation_versions.id').onDelete('cascade'))
    .addColumn('section_key', 'text')
    .addColumn('question_id', 'integer', (c) => c.references('consultation_questions.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('consultation_comments.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('publication', 'text', (c) => c.notNull().check(sql`publication in ('named', 'anonymous', 'none')`))
    .addColumn('redacted_body', 'text')
    .addColumn('redacted_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('redacted_at', t.timestamp)
    .addColumn('status', 'text', (c) => c.check(sql`status is null or status in ('accepted', 'partly', 'not_accepted', 'noted', 'out_of_scope')`))
    .addColumn('response', 'text')
    .addColumn('responded_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('responded_at', t.timestamp)
    .addColumn('change_ref', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('consultation_comments_section', sql`(version_id is null) = (section_key is null)`)
    .addCheckConstraint('consultation_comments_one_target', sql`not (section_key is not null and question_id is not null)`)
    .execute();
  // The draft page's counts by section, the triage list, and "Your comments".
  await db.schema.createIndex('consultation_comments_idx').on('consultation_comments').columns(['consultation_id', 'section_key']).execute();
  await db.schema.createIndex('consultation_comments_person_idx').on('consultation_comments').columns(['person_id', 'id']).execute();
  await db.schema.createIndex('consultation_comments_parent_idx').on('consultation_comments').column('parent_id').execute();
  await db.schema
    .createTable('consultation_agrees')
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('consultation_comments.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('consultation_agrees_pk', ['comment_id', 'person_id'])
    .execute();
  await db.schema.createIndex('consultation_agrees_person_idx').on('consultation_agrees').column('person_id').execute();
}
