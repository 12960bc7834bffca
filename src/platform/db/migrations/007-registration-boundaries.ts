// - Outbox messages get a category, so a withdrawal drops the person's pending programme mail by
//   kind rather than by matching the words of a subject.
// - Registrations: a confirmation link that expires, and a change asked for by re-registering
//   with a known email, held until the owner of the address confirms it.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema.alterTable('outbox').addColumn('category', 'text', (c) => c.notNull().defaultTo('programme')).execute();
  // Sign-in links already queued stay essential.
  await sql`update outbox set category = 'essential' where subject like '%sign-in link%'`.execute(db);
  await db.schema.alterTable('registrations').addColumn('confirm_expires_at', t.timestamp).execute();
  await db.schema.alterTable('registrations').addColumn('pending_details', 'text').execute();
  await db.schema.alterTable('registrations').addColumn('pending_token_hash', 'text').execute();
  await db.schema.alterTable('registrations').addColumn('pending_expires_at', t.timestamp).execute();
  await db.schema.createIndex('registrations_pending_token_idx').on('registrations').column('pending_token_hash').execute();
}
