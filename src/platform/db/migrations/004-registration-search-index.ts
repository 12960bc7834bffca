// Text search in the registrations list is a substring match. On PostgreSQL a trigram index
// answers it without reading every row; it needs the pg_trgm extension, which a managed server
// may not allow us to create, so without it the search still works, just by scanning.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  const available = await sql<{ ok: boolean }>`select exists (select 1 from pg_available_extensions where name = 'pg_trgm') as ok`.execute(db);
  if (!available.rows[0]?.ok) return;
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
  } catch {
    return; // not allowed to create extensions here
  }
  await sql`create index registrations_search_trgm_idx on registrations using gin (search_text gin_trgm_ops)`.execute(db);
}
