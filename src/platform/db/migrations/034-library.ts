// The public library of outputs (issue 14 §7), and the Word file a draft was imported from:
// - consultation_originals: the .docx a version was imported from, kept (base64 text: the same
//   column on both engines; size-limited by the import, 10 MB at most) so the library can offer
//   the original file. One per version at most;
// - library_outputs: a draft published to the library: which version (the final one, moved on when
//   the team publishes a later version), the consultation whose report is shown with it (or none),
//   when and by whom. One per draft;
// - library_output_aims: the programme aims it serves (the programme's own aims, by id), so the
//   library can be filtered by aim.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('consultation_originals')
    .addColumn('version_id', 'integer', (c) => c.primaryKey().references('consultation_versions.id').onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data_base64', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('library_outputs')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('draft_id', 'integer', (c) => c.notNull().unique().references('consultation_drafts.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('consultation_versions.id').onDelete('cascade'))
    .addColumn('consultation_id', 'integer', (c) => c.references('consultations.id').onDelete('set null'))
    .addColumn('published_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('published_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('library_outputs_programme_idx').on('library_outputs').columns(['programme_id', 'published_at']).execute();
  await db.schema
    .createTable('library_output_aims')
    .addColumn('output_id', 'integer', (c) => c.notNull().references('library_outputs.id').onDelete('cascade'))
    .addColumn('aim_id', 'integer', (c) => c.notNull().references('aims.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('library_output_aims_pk', ['output_id', 'aim_id'])
    .execute();
  await db.schema.createIndex('library_output_aims_aim_idx').on('library_output_aims').columns(['aim_id', 'output_id']).execute();
}
