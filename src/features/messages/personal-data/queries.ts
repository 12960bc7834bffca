// The SQL of the messages feature's personal data (see personal-data.ts).
import type { MessagesDb } from '../tables.ts';

export async function personRows(db: MessagesDb, personId: number) {
  const [received, written, templates] = await Promise.all([
    db
      .selectFrom('message_recipients')
      .innerJoin('messages', 'messages.id', 'message_recipients.message_id')
      .select(['messages.id as message_id', 'messages.subject', 'message_recipients.delivery', 'message_recipients.created_at'])
      .where('message_recipients.person_id', '=', personId)
      .orderBy('message_recipients.created_at')
      .execute(),
    db.selectFrom('messages').select(['id', 'subject', 'body', 'status', 'created_at', 'sent_at']).where('author_id', '=', personId).orderBy('id').execute(),
    db.selectFrom('message_templates').select(['id', 'name', 'subject', 'body', 'created_at']).where('saved_by', '=', personId).orderBy('id').execute(),
  ]);
  return { message_recipients: received, messages_written: written, message_templates: templates };
}

/** Deletes the person's recipient rows and drafts (returning the drafts' ids), and takes their name off the rest. */
export async function forgetPerson(db: MessagesDb, personId: number): Promise<number[]> {
  await db.deleteFrom('message_recipients').where('person_id', '=', personId).execute();
  // A draft nobody else can send goes with its author; a sent message stays in the record without their name.
  const drafts = await db.deleteFrom('messages').where('author_id', '=', personId).where('status', '=', 'draft').returning('id').execute();
  await db.updateTable('messages').set({ author_id: null }).where('author_id', '=', personId).execute();
  await db.updateTable('message_templates').set({ saved_by: null }).where('saved_by', '=', personId).execute();
  return drafts.map((d) => d.id);
}
