// Consultations (issue 14), first slice: drafts, their versions and sections, and consultations.
// The model already carries versions with a stable section identity (§6, the next slice):
// - consultation_drafts: a resource the team writes: the programme, title, summary (Markdown),
//   which programme aims and projects it serves (free text naming them, and project ids as a
//   comma-separated list is avoided: draft_projects below), who made it;
// - consultation_draft_projects: the projects a draft serves (one row each);
// - consultation_versions: a draft has versions, numbered from 1; a version is "the text people
//   comment on". Only the newest version is edited; a new version (next slice) copies the sections
//   of the one before with their keys;
// - consultation_sections: a version's ordered sections. section_key is the stable identity: kept
//   when a later version copies the section (even if its heading or text change), new for a new
//   section, and simply absent from a version that removed it. (version_id, section_key) is
//   unique; comments attach to (version, section_key), so a later version can show each comment on
//   its surviving section and say where it does not survive. body is stored already safe: either
//   Markdown (body_format 'markdown', rendered by the platform renderer) or HTML that came from a
//   Word import and has been through the platform sanitiser (body_format 'html', sanitised again
//   when shown). Nothing unsanitised is ever stored;
// - consultations: one consultation on a draft's version: open and close (UTC instants; the
//   forms take London dates: opens at the start, closes at the end of the day), whether comments
//   are visible to other participants or only to the team, who made it. Who it is for is kept in
//   audience_targets (item kind 'consultation');
// - consultation_questions: its guiding questions, ordered.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('consultation_drafts')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('aims', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consultation_drafts_programme_idx').on('consultation_drafts').columns(['programme_id', 'id']).execute();
  await db.schema
    .createTable('consultation_draft_projects')
    .addColumn('draft_id', 'integer', (c) => c.notNull().references('consultation_drafts.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('consultation_draft_projects_pk', ['draft_id', 'project_id'])
    .execute();
  await db.schema
    .createTable('consultation_versions')
    .addColumn('id', 'integer', t.id)
    .addColumn('draft_id', 'integer', (c) => c.notNull().references('consultation_drafts.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number > 0`))
    // Where the text came from: written here, or imported from a Word document (its file name).
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('written', 'word')`))
    .addColumn('source_name', 'text')
    .addColumn('changelog', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('consultation_versions_number', ['draft_id', 'number'])
    .execute();
  await db.schema
    .createTable('consultation_sections')
    .addColumn('id', 'integer', t.id)
    .addColumn('version_id', 'integer', (c) => c.notNull().references('consultation_versions.id').onDelete('cascade'))
    .addColumn('section_key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('heading', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_format', 'text', (c) => c.notNull().check(sql`body_format in ('markdown', 'html')`))
    // Pictures the import dropped without a description: the team is asked to describe them.
    .addColumn('pictures_without_alt', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('consultation_sections_key', ['version_id', 'section_key'])
    .execute();
  await db.schema.createIndex('consultation_sections_version_idx').on('consultation_sections').columns(['version_id', 'position']).execute();
  await db.schema
    .createTable('consultations')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('draft_id', 'integer', (c) => c.notNull().references('consultation_drafts.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('consultation_versions.id').onDelete('cascade'))
    .addColumn('opens_at', t.timestamp, (c) => c.notNull())
    .addColumn('closes_at', t.timestamp, (c) => c.notNull())
    .addColumn('comments_visible', 'text', (c) => c.notNull().check(sql`comments_visible in ('participants', 'team')`))
    .addColumn('created_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('consultations_close_after_open', sql`closes_at > opens_at`)
    .execute();
  await db.schema.createIndex('consultations_programme_idx').on('consultations').columns(['programme_id', 'opens_at']).execute();
  await db.schema.createIndex('consultations_draft_idx').on('consultations').column('draft_id').execute();
  await db.schema
    .createTable('consultation_questions')
    .addColumn('id', 'integer', t.id)
    .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consultation_questions_idx').on('consultation_questions').columns(['consultation_id', 'position']).execute();
}
