// Indexes for the programme team's registrations list at 100,000 rows.
// - Every sort ends with the id as tie-break, so a page is one ordered index walk. SQLite keeps the
//   rowid at the end of every index already; PostgreSQL needs it spelled out, or a deep page of
//   "newest first" becomes a sort of the whole table. The new indexes replace 002's on PostgreSQL.
// - Text search is a substring match, which no B-tree can seek. On SQLite an index of just the
//   programme and the search text still helps: scanning its narrow entries reads a fraction of
//   the pages a scan of the table does. PostgreSQL has 004's trigram index instead.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine === 'postgres') {
    await db.schema.createIndex('registrations_created_id_idx').on('registrations').columns(['programme_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('registrations_status_id_idx').on('registrations').columns(['programme_id', 'status', 'created_at', 'id']).execute();
    await db.schema.dropIndex('registrations_created_idx').execute();
    await db.schema.dropIndex('registrations_status_idx').execute();
    return;
  }
  await db.schema.createIndex('registrations_search_idx').on('registrations').columns(['programme_id', 'search_text']).execute();
}
