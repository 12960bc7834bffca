// Registrations sent on someone's behalf (a manager for a colleague with no work email): such a
// registration has no email address of its own and instead a contact, the person who registered
// them, whom the programme's emails about it go to.
// - `email` and `email_normalised` may be null; the unique key on (programme, email) still holds
//   for every registration that has one (both engines treat nulls as distinct).
// - `contact_name`, `contact_email`, `contact_email_normalised`: who registered them.
// - `behalf_key`: the contact's normalised address and the colleague's normalised name, unique in
//   the programme, so a second message from the same contact for the same colleague is known.
// - A check: every registration has its own address or a contact's.
// Every existing registration has an email and no contact, so it behaves as before.
// PostgreSQL changes the columns in place. SQLite cannot drop a column's NOT NULL (nor add a CHECK)
// with ALTER TABLE, so the table is rebuilt (SQLite's documented twelve steps): the same table text
// with the new columns and the check, rows copied with their ids, and every index and trigger
// (those of the search) recreated from the schema's own text.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';

const NEW_COLUMNS = ['"contact_name" text', '"contact_email" text', '"contact_email_normalised" text', '"behalf_key" text'];
const CHECK = 'constraint "registrations_email_or_contact" check ("email_normalised" is not null or "contact_email_normalised" is not null)';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine === 'postgres') {
    await sql`alter table registrations alter column email drop not null`.execute(db);
    await sql`alter table registrations alter column email_normalised drop not null`.execute(db);
    for (const column of NEW_COLUMNS) await sql`alter table registrations add column ${sql.raw(column)}`.execute(db);
    await sql`alter table registrations add ${sql.raw(CHECK)}`.execute(db);
  } else {
    await rebuildSqlite(db);
  }
  await db.schema
    .createIndex('registrations_behalf_unique')
    .unique()
    .on('registrations')
    .columns(['programme_id', 'behalf_key'])
    .where(sql.ref('behalf_key'), 'is not', null)
    .execute();
}

async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'registrations'`.execute(db);
  const original = table.rows[0]?.sql ?? '';
  const notNull = /"email" text not null, "email_normalised" text not null, /;
  const unique = /, constraint "registrations_programme_email_unique" unique \("programme_id", "email_normalised"\)\)$/;
  if (!notNull.test(original) || !unique.test(original)) throw new Error('012-registration-contacts: the registrations table is not the shape this migration knows');
  const rebuilt = original
    .replace(/^CREATE TABLE "registrations"/, 'CREATE TABLE "registrations_012"')
    .replace(notNull, '"email" text, "email_normalised" text, ')
    .replace(/, constraint "registrations_programme_email_unique"/, `, ${NEW_COLUMNS.join(', ')}, constraint "registrations_programme_email_unique"`)
    .replace(/\)$/, `, ${CHECK})`);
  const columns = (await sql<{ name: string }>`select name from pragma_table_info('registrations')`.execute(db)).rows.map((r) => `"${r.name}"`).join(', ');
  // Indexes and triggers go with the old table; their own text recreates them on the new one.
  const dependants = await sql<{ sql: string }>`select sql from sqlite_master where tbl_name = 'registrations' and type in ('index', 'trigger') and sql is not null order by type, name`.execute(db);
  const hasSearch = (await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'registrations_fts'`.execute(db)).rows[0]?.n;

  // Foreign keys off for the swap (they can only change outside a transaction): dropping the old
  // table must not cascade to the aims, history and notes that point at it.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql.raw(`insert into "registrations_012" (${columns}) select ${columns} from "registrations"`).execute(db);
      await sql`drop table registrations`.execute(db);
      await sql`alter table registrations_012 rename to registrations`.execute(db);
      for (const d of dependants.rows) await sql.raw(d.sql).execute(db);
      if (hasSearch) await sql`insert into registrations_fts (registrations_fts) values ('rebuild')`.execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length) throw new Error('012-registration-contacts: foreign keys do not hold after the rebuild');
      await sql`commit`.execute(db);
    } catch (e) {
      await sql`rollback`.execute(db);
      throw e;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
