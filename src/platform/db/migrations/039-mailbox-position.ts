// Where the scheduled read of the programme mailbox stopped (issue 13 §6): per IMAP mailbox (its
// user, host, port and folder; never the password), the mailbox's UIDVALIDITY and the highest UID
// whose message, and every one before it, has been taken in. The next read fetches only the
// messages after it, and everything again when the UIDVALIDITY changes. Owned by the
// registration feature's email import.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('mailbox_positions')
    .addColumn('mailbox', 'text', (c) => c.primaryKey())
    .addColumn('uid_validity', 'text', (c) => c.notNull())
    // A UID is a 32-bit unsigned number (up to 4294967295): past PostgreSQL's integer.
    .addColumn('last_uid', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
}
