// SQL for replies by email, on the discussions feature's own handle.
import type { DiscussionsDb, DiscussionMailRepliesTable } from '../tables.ts';
import type { Insertable } from 'kysely';

export const earlierReply = (db: DiscussionsDb, messageId: string) =>
  db.selectFrom('discussion_mail_replies').select(['id', 'outcome']).where('message_id', '=', messageId).executeTakeFirst();

/** Records the message; false when another run recorded it first (its unique Message-ID). */
export async function recordReply(db: DiscussionsDb, row: Insertable<DiscussionMailRepliesTable>): Promise<boolean> {
  const inserted = await db.insertInto('discussion_mail_replies').values(row).onConflict((oc) => oc.column('message_id').doNothing()).returning('id').executeTakeFirst();
  return Boolean(inserted);
}

export const personWithEmail = (db: DiscussionsDb, id: number) =>
  db.selectFrom('people').select(['id', 'name', 'role', 'status', 'email']).where('id', '=', id).executeTakeFirst();
