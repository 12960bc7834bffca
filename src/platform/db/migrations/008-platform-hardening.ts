// Platform hardening (issue 9):
// - health_probe: /health proves a write works by inserting a row here inside a transaction it
//   then rolls back, so the table stays empty.
// - outbox.priority: lower is sent first (sign-in links, 0, before other mail, 1).
// - outbox.body_dropped_at: when a sent message's body was dropped (links in it must not be kept).
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('health_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('checked_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('outbox').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('outbox').addColumn('body_dropped_at', t.timestamp).execute();
}
