// SQL for the email import and its review queue.
import type { Insertable } from 'kysely';
import type { Db, Tx } from '../../../platform/db/database.ts';
import { normaliseEmail } from '../../../platform/auth/people.ts';
import type { MailImportsTable } from '../../../platform/db/schema.ts';

export type NewMailImport = Insertable<MailImportsTable>;

export async function findImport(db: Db, messageId: string) {
  return db.selectFrom('mail_imports').select(['id', 'outcome']).where('message_id', '=', messageId).executeTakeFirst();
}

/** Records a message; a message already recorded (a concurrent import of the same mail) is left as is. */
export async function insertImport(db: Db | Tx, row: NewMailImport): Promise<void> {
  await db.insertInto('mail_imports').values(row).onConflict((oc) => oc.column('message_id').doNothing()).execute();
}

export async function organisationsForMatching(db: Db) {
  return db.selectFrom('organisations').select(['id', 'name', 'nation', 'region']).where('active', '=', 1).execute();
}

export async function registrationByEmail(db: Db, programmeId: number, email: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'status'])
    .where('programme_id', '=', programmeId)
    .where('email_normalised', '=', normaliseEmail(email))
    .executeTakeFirst();
}

/** A later, readable email completed the registration: earlier unread ones for it leave the queue. */
export async function settleEarlierReviews(tx: Tx, registrationId: number): Promise<void> {
  await tx
    .updateTable('mail_imports')
    .set({ outcome: 'registered', problem: 'Settled by a later email from the same address that could be read' })
    .where('registration_id', '=', registrationId)
    .where('outcome', '=', 'needs_review')
    .execute();
}

/** The review queue, oldest first (people waiting longest come first). */
export async function reviewQueue(db: Db, limit = 500) {
  return db
    .selectFrom('mail_imports')
    .leftJoin('registrations', 'registrations.id', 'mail_imports.registration_id')
    .select([
      'mail_imports.id',
      'mail_imports.registration_id',
      'mail_imports.from_address',
      'mail_imports.subject',
      'mail_imports.received_at',
      'mail_imports.created_at',
      'mail_imports.problem',
      'registrations.reference',
    ])
    .where('mail_imports.outcome', '=', 'needs_review')
    .orderBy('mail_imports.id')
    .limit(limit)
    .execute();
}

export async function countReviewQueue(db: Db): Promise<number> {
  const row = await db.selectFrom('mail_imports').select((eb) => eb.fn.countAll<string | number>().as('n')).where('outcome', '=', 'needs_review').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The messages waiting for review that belong to one registration, newest first. */
export async function reviewItemsFor(db: Db, registrationId: number) {
  return db.selectFrom('mail_imports').selectAll().where('registration_id', '=', registrationId).where('outcome', '=', 'needs_review').orderBy('id', 'desc').execute();
}

export async function markReviewed(tx: Tx, registrationId: number): Promise<void> {
  await tx.updateTable('mail_imports').set({ outcome: 'registered' }).where('registration_id', '=', registrationId).where('outcome', '=', 'needs_review').execute();
}
