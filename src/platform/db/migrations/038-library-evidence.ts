// Discussion summaries cited as evidence by the library's outputs (issue 13 §3): which closed
// threads an output cites, in the order the team cited them, when and by whom. The library keeps
// only the thread's id; the summary itself is read from the discussions feature each time, so a
// thread reopened (or its summary taken away) shows nothing, and a thread deleted leaves an id
// that matches nothing (no foreign key into another feature's table).
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('library_evidence')
    .addColumn('output_id', 'integer', (c) => c.notNull().references('library_outputs.id').onDelete('cascade'))
    .addColumn('thread_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('cited_at', t.timestamp, (c) => c.notNull())
    .addColumn('cited_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addPrimaryKeyConstraint('library_evidence_pk', ['output_id', 'thread_id'])
    .execute();
}
