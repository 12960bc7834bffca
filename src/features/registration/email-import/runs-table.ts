// The record of each scheduled read of the programme mailbox (migration 033): counts only.
import type { Generated, Selectable } from 'kysely';
import { scoped, type Db, type Scoped, type Tx } from '../../../platform/db/database.ts';

export interface MailRunsTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string;
  read: number;
  registered: number;
  posted: number;
  for_review: number;
  refused: number;
  failed: number;
  /** Already taken in by an earlier run, or not about the programme. */
  skipped: number;
  error: string | null;
}

declare module '../../../platform/db/schema.ts' {
  interface Database {
    mail_runs: MailRunsTable;
  }
}

export type MailRun = Selectable<MailRunsTable>;
/** The handle the runs' queries take: this one table. */
export type MailRunsDb = Scoped<'mail_runs'>;
export const mailRunsDb = (db: Db | Tx): MailRunsDb => scoped<'mail_runs'>(db);
