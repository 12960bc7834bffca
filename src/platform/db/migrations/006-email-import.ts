// The email import keys each message by its Message-ID and a hash of its content, so a different
// message that reuses an earlier one's Message-ID is imported (and flagged) instead of skipped.
// It also records messages that could not be read at all (outcome 'failed') and keeps, for review
// items that have no registration (a message sent on someone else's behalf), what was read.
// Rows from before this migration have an empty content hash: a message with their Message-ID
// counts as already imported, as it did then.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  if (engine === 'postgres') {
    await db.schema.alterTable('mail_imports').addColumn('content_hash', 'text', (c) => c.notNull().defaultTo('')).execute();
    await db.schema.alterTable('mail_imports').addColumn('reading', 'text').execute();
    await sql`alter table mail_imports drop constraint if exists mail_imports_message_id_key`.execute(db);
  } else {
    // SQLite cannot drop a column's UNIQUE: the table is rebuilt with the new key.
    await db.schema
      .createTable('mail_imports_006')
      .addColumn('id', 'integer', t.id)
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('from_address', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('received_at', t.timestamp)
      .addColumn('original_text', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull()) // registered | needs_review | not_relevant | failed
      .addColumn('problem', 'text')
      .addColumn('reading', 'text')
      .addColumn('registration_id', 'integer', (c) => c.references('registrations.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await sql`insert into mail_imports_006 (id, message_id, source, from_address, subject, received_at, original_text, outcome, problem, registration_id, created_at)
      select id, message_id, source, from_address, subject, received_at, original_text, outcome, problem, registration_id, created_at from mail_imports`.execute(db);
    await db.schema.dropTable('mail_imports').execute();
    await db.schema.alterTable('mail_imports_006').renameTo('mail_imports').execute();
  }
  await db.schema.createIndex('mail_imports_message_content_unique').unique().on('mail_imports').columns(['message_id', 'content_hash']).execute();
  await db.schema.createIndex('mail_imports_outcome_idx').on('mail_imports').columns(['outcome', 'id']).execute();
  await db.schema.createIndex('mail_imports_registration_idx').on('mail_imports').column('registration_id').execute();
}
