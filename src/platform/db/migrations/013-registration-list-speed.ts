// The registrations list counts its matches on every page, and at 100,000 registrations the
// count, not the page of rows, was most of a page's time:
// - Several filters at once (status and role group, say) were counted by seeking one filter's
//   index and reading each row for the others. One index of every filter column answers any
//   combination from its entries alone (seeking as far as the filters go in its order). It ends
//   in the date, so a page of those matches, newest first, is sorted from its entries too (SQLite
//   otherwise read every matching row to sort them, once this index had found them).
// - SQLite: an aim or a text search finds ids in its own index (the aims, FTS5), and each id's
//   programme was checked by reading the registration's row, which is wide; and counting every
//   registration scanned the wide search index (005). An index of just the programme (SQLite
//   ends every index with the rowid) answers both from narrow entries. PostgreSQL joins the ids
//   with a hash of an index it already has, so it needs no such index.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createIndex('registrations_filter_idx')
    .on('registrations')
    .columns(['programme_id', 'status', 'role_group', 'service_type', 'nation', 'region', 'channel', 'created_at'])
    .execute();
  if (engine === 'sqlite') await db.schema.createIndex('registrations_programme_idx').on('registrations').column('programme_id').execute();
}
