// Where the scheduled read of the programme mailbox stopped (migration 039): the mailbox's
// UIDVALIDITY and the highest UID taken in, with every message before it.
import { scoped, type Db, type Scoped, type Tx } from '../../../platform/db/database.ts';

export interface MailboxPositionsTable {
  /** user@host:port/folder: which mailbox, never its password. */
  mailbox: string;
  /** The mailbox's UIDVALIDITY (a 32-bit number, kept as text). */
  uid_validity: string;
  last_uid: number;
  updated_at: string;
}

declare module '../../../platform/db/schema.ts' {
  interface Database {
    mailbox_positions: MailboxPositionsTable;
  }
}

/** The handle the position's queries take: this one table. */
export type MailboxPositionsDb = Scoped<'mailbox_positions'>;
export const mailboxPositionsDb = (db: Db | Tx): MailboxPositionsDb => scoped<'mailbox_positions'>(db);
