// rate_limits: the rate-limit counters every instance shares on PostgreSQL (see
// platform/http/rate-limits.ts), one row per route and hashed key. Created on both engines so the
// schema is the same; SQLite, a single process, keeps its counters in memory and leaves it empty.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', t.timestamp, (c) => c.notNull())
    .execute();
  // The clean-up deletes by the end of the window.
  await db.schema.createIndex('rate_limits_window_ends_at').on('rate_limits').column('window_ends_at').execute();
}
