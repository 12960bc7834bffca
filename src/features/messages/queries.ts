// The messages feature's SQL, on its own handle (its tables, and people to read names).
import type { MessagesDb, MessageSource, MessageStatus } from './tables.ts';

export type MessageInput = { subject: string; body: string };

export async function insertMessage(
  db: MessagesDb,
  row: { programmeId: number; authorId: number; source: MessageSource; sourceFilters: string | null; noAccount: number } & MessageInput,
  now: string,
): Promise<number> {
  const r = await db
    .insertInto('messages')
    .values({
      programme_id: row.programmeId,
      author_id: row.authorId,
      subject: row.subject,
      body: row.body,
      source: row.source,
      source_filters: row.sourceFilters,
      status: 'draft',
      reached: 0,
      left_withdrawn: 0,
      left_off: 0,
      no_account: row.noAccount,
      created_at: now,
      updated_at: now,
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Changes a draft; false when it is no longer a draft (sent meanwhile). */
export async function updateDraft(db: MessagesDb, id: number, input: MessageInput & { noAccount?: number; sourceFilters?: string | null }, now: string): Promise<boolean> {
  const r = await db
    .updateTable('messages')
    .set({
      subject: input.subject,
      body: input.body,
      updated_at: now,
      ...(input.noAccount !== undefined ? { no_account: input.noAccount } : {}),
      ...(input.sourceFilters !== undefined ? { source_filters: input.sourceFilters } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export function findMessage(db: MessagesDb, id: number) {
  return db
    .selectFrom('messages')
    .leftJoin('people', 'people.id', 'messages.author_id')
    .selectAll('messages')
    .select('people.name as author_name')
    .where('messages.id', '=', id)
    .executeTakeFirst();
}

/** Moves a draft to sending with its counts; false when it was not a draft (sent already). */
export async function markSending(db: MessagesDb, id: number, counts: { reached: number; withdrawn: number; off: number }, now: string): Promise<boolean> {
  const r = await db
    .updateTable('messages')
    .set({ status: 'sending', reached: counts.reached, left_withdrawn: counts.withdrawn, left_off: counts.off, sent_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records the finished send with the counts its recipient rows hold. */
export async function markSent(db: MessagesDb, id: number, now: string): Promise<void> {
  const rows = await db.selectFrom('message_recipients').select(['delivery', (eb) => eb.fn.countAll<number>().as('n')]).where('message_id', '=', id).groupBy('delivery').execute();
  const n = (d: string[]) => rows.filter((r) => d.includes(r.delivery)).reduce((sum, r) => sum + Number(r.n), 0);
  await db
    .updateTable('messages')
    .set({ status: 'sent' as MessageStatus, reached: n(['immediately', 'daily', 'weekly']), left_withdrawn: n(['withheld']), left_off: n(['off']), updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** The people this message was already sent to (or recorded for), of these. */
export async function recipientIds(db: MessagesDb, messageId: number): Promise<Set<number>> {
  const rows = await db.selectFrom('message_recipients').select('person_id').where('message_id', '=', messageId).execute();
  return new Set(rows.map((r) => r.person_id));
}

/** Claims this person for this message: true only for the one run that wrote the row. */
export async function claimRecipient(db: MessagesDb, messageId: number, personId: number, now: string): Promise<boolean> {
  const r = await db
    .insertInto('message_recipients')
    .values({ message_id: messageId, person_id: personId, delivery: 'pending', created_at: now })
    .onConflict((oc) => oc.columns(['message_id', 'person_id']).doNothing())
    .returning('person_id')
    .execute();
  return r.length > 0;
}

export async function setRecipientDelivery(db: MessagesDb, messageId: number, personId: number, delivery: string): Promise<void> {
  await db.updateTable('message_recipients').set({ delivery }).where('message_id', '=', messageId).where('person_id', '=', personId).execute();
}

export async function isRecipient(db: MessagesDb, messageId: number, personId: number): Promise<boolean> {
  return Boolean(await db.selectFrom('message_recipients').select('person_id').where('message_id', '=', messageId).where('person_id', '=', personId).executeTakeFirst());
}

export const RECORD_PAGE_SIZE = 50;

/** The record: every message that was sent or is being sent, newest first, with its author's name. */
export async function sentMessages(db: MessagesDb, programmeId: number, page: number) {
  const base = db.selectFrom('messages').where('messages.programme_id', '=', programmeId).where('messages.status', '!=', 'draft');
  const [rows, total] = await Promise.all([
    base
      .leftJoin('people', 'people.id', 'messages.author_id')
      .selectAll('messages')
      .select('people.name as author_name')
      .orderBy('messages.sent_at', 'desc')
      .orderBy('messages.id', 'desc')
      .limit(RECORD_PAGE_SIZE)
      .offset((page - 1) * RECORD_PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** A person's own drafts (an admin's: everyone's), newest first. */
export function draftsOf(db: MessagesDb, programmeId: number, authorId: number | null) {
  let q = db.selectFrom('messages').select(['id', 'subject', 'updated_at']).where('programme_id', '=', programmeId).where('status', '=', 'draft');
  if (authorId !== null) q = q.where('author_id', '=', authorId);
  return q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(50).execute();
}

/** Who a message went to, by name, with how it reached them. */
export function recipientsOf(db: MessagesDb, messageId: number) {
  return db
    .selectFrom('message_recipients')
    .innerJoin('people', 'people.id', 'message_recipients.person_id')
    .select(['people.id', 'people.name', 'people.email', 'message_recipients.delivery', 'message_recipients.created_at'])
    .where('message_recipients.message_id', '=', messageId)
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
}

// ---- Templates

export function templatesOf(db: MessagesDb, programmeId: number) {
  return db
    .selectFrom('message_templates')
    .leftJoin('people', 'people.id', 'message_templates.saved_by')
    .selectAll('message_templates')
    .select('people.name as saved_by_name')
    .where('message_templates.programme_id', '=', programmeId)
    .orderBy('message_templates.name')
    .orderBy('message_templates.id')
    .execute();
}

export function findTemplate(db: MessagesDb, id: number) {
  return db.selectFrom('message_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function templateNameTaken(db: MessagesDb, programmeId: number, name: string): Promise<boolean> {
  return Boolean(
    await db.selectFrom('message_templates').select('id').where('programme_id', '=', programmeId).where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase())).executeTakeFirst(),
  );
}

export async function insertTemplate(db: MessagesDb, row: { programmeId: number; name: string; subject: string; body: string; savedBy: number }, now: string): Promise<number> {
  const r = await db
    .insertInto('message_templates')
    .values({ programme_id: row.programmeId, name: row.name, subject: row.subject, body: row.body, saved_by: row.savedBy, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function deleteTemplate(db: MessagesDb, id: number): Promise<boolean> {
  const r = await db.deleteFrom('message_templates').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
