// The registrations list's text search on SQLite: an FTS5 index with the trigram tokenizer, which
// answers a substring search (any three characters or more) from the index, as 004's trigram index
// does on PostgreSQL. It indexes registrations.search_text by rowid (an external-content table, so
// the text is not stored twice) and triggers keep it in step with every insert, change and delete.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine !== 'sqlite') return;
  await sql`create virtual table registrations_fts using fts5(search_text, content='registrations', content_rowid='id', tokenize='trigram')`.execute(db);
  await sql`create trigger registrations_fts_insert after insert on registrations begin
    insert into registrations_fts (rowid, search_text) values (new.id, new.search_text);
  end`.execute(db);
  await sql`create trigger registrations_fts_delete after delete on registrations begin
    insert into registrations_fts (registrations_fts, rowid, search_text) values ('delete', old.id, old.search_text);
  end`.execute(db);
  await sql`create trigger registrations_fts_update after update of search_text on registrations begin
    insert into registrations_fts (registrations_fts, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into registrations_fts (rowid, search_text) values (new.id, new.search_text);
  end`.execute(db);
  // Registrations already there.
  await sql`insert into registrations_fts (registrations_fts) values ('rebuild')`.execute(db);
}
