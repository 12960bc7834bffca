// Adjustment requests for meetings (issue 11, §10): an invitee asks for what they need to take
// part in one meeting (live captions, a BSL interpreter, documents in advance, something else,
// with a short note); organisers see every request and mark one arranged, with a note to the
// person. One request per person and meeting: changing it replaces it, withdrawing deletes it.
// - needs: the chosen needs' codes, comma-separated in a fixed order (captions,bsl,documents,other);
// - status: requested, or arranged (with the organiser's note, who arranged it and when).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('meeting_adjustments')
    .addColumn('id', 'integer', t.id)
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('needs', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested', 'arranged')`))
    .addColumn('arranged_note', 'text')
    .addColumn('arranged_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('arranged_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('meeting_adjustments_one_per_person', ['meeting_id', 'person_id'])
    .execute();
  // A person's requests (export, erasure); a meeting's come through the unique constraint's index.
  await db.schema.createIndex('meeting_adjustments_person_idx').on('meeting_adjustments').column('person_id').execute();
}
