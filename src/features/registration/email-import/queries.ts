// SQL for the email import and its review queue.
import type { Insertable } from 'kysely';
import { normaliseEmail } from '../../../platform/auth/people.ts';
import type { MailImportsTable, RegistrationDb } from '../tables.ts';
import type { MailRun, MailRunsDb, MailRunsTable } from './runs-table.ts';
import type { MailboxPositionsDb } from './position-table.ts';
import type { MailboxMark } from './sources.ts';

export type NewMailImport = Insertable<MailImportsTable>;

/** Earlier imports under one Message-ID (one per different content). */
export async function importsWithMessageId(db: RegistrationDb, messageId: string) {
  return db.selectFrom('mail_imports').select(['id', 'outcome', 'content_hash']).where('message_id', '=', messageId).execute();
}

/** Records a message; a message already recorded (a concurrent import of the same mail) is left as is. */
/** Records a message; false when it was already recorded (another run took it in first). */
export async function insertImport(db: RegistrationDb, row: NewMailImport): Promise<boolean> {
  const inserted = await db.insertInto('mail_imports').values(row).onConflict((oc) => oc.columns(['message_id', 'content_hash']).doNothing()).returning('id').executeTakeFirst();
  return Boolean(inserted);
}

export async function organisationsForMatching(db: RegistrationDb) {
  return db.selectFrom('organisations').select(['id', 'name', 'nation', 'region']).where('active', '=', 1).execute();
}

export async function registrationByEmail(db: RegistrationDb, programmeId: number, email: string) {
  return db
    .selectFrom('registrations')
    .select(['id', 'status'])
    .where('programme_id', '=', programmeId)
    .where('email_normalised', '=', normaliseEmail(email))
    .executeTakeFirst();
}

/** Registrations in the programme under exactly this name: someone sent on their behalf may be one of them. */
export async function registrationsNamed(db: RegistrationDb, programmeId: number, fullName: string) {
  return db.selectFrom('registrations').select(['id', 'reference', 'behalf_key']).where('programme_id', '=', programmeId).where('full_name', '=', fullName.trim()).limit(20).execute();
}

/** A later, readable email completed the registration: earlier unread ones for it leave the queue. */
export async function settleEarlierReviews(tx: RegistrationDb, registrationId: number): Promise<void> {
  await tx
    .updateTable('mail_imports')
    .set({ outcome: 'registered', problem: 'Settled by a later email from the same address that could be read' })
    .where('registration_id', '=', registrationId)
    .where('outcome', '=', 'needs_review')
    .execute();
}

/** The review queue, oldest first (people waiting longest come first): one row per message. */
export async function reviewQueue(db: RegistrationDb, limit = 500) {
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

/** Messages that could not be read at all, newest first, for the team to see. */
export async function failedImports(db: RegistrationDb, limit = 200) {
  return db
    .selectFrom('mail_imports')
    .select(['id', 'source', 'from_address', 'subject', 'problem', 'created_at'])
    .where('outcome', '=', 'failed')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function countReviewQueue(db: RegistrationDb): Promise<number> {
  const row = await db.selectFrom('mail_imports').select((eb) => eb.fn.countAll<string | number>().as('n')).where('outcome', '=', 'needs_review').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One message waiting for review, by its own id. */
export async function findReviewItem(db: RegistrationDb, importId: number) {
  return db.selectFrom('mail_imports').selectAll().where('id', '=', importId).where('outcome', '=', 'needs_review').executeTakeFirst();
}

/** The newest message waiting for review that belongs to one registration. */
export async function newestReviewItemFor(db: RegistrationDb, registrationId: number) {
  return db.selectFrom('mail_imports').select('id').where('registration_id', '=', registrationId).where('outcome', '=', 'needs_review').orderBy('id', 'desc').executeTakeFirst();
}

/** The messages waiting for review that belong to one registration, newest first. */
export async function reviewItemsFor(db: RegistrationDb, registrationId: number) {
  return db.selectFrom('mail_imports').selectAll().where('registration_id', '=', registrationId).where('outcome', '=', 'needs_review').orderBy('id', 'desc').execute();
}

export async function markReviewed(tx: RegistrationDb, registrationId: number): Promise<void> {
  await tx.updateTable('mail_imports').set({ outcome: 'registered' }).where('registration_id', '=', registrationId).where('outcome', '=', 'needs_review').execute();
}

/** A message without a registration (sent on someone's behalf) became the registration given. */
export async function markItemRegistered(tx: RegistrationDb, importId: number, registrationId: number): Promise<boolean> {
  const r = await tx.updateTable('mail_imports').set({ outcome: 'registered', registration_id: registrationId }).where('id', '=', importId).where('outcome', '=', 'needs_review').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// The scheduled reads of the mailbox: a table of the email import's own (runs-table.ts).
export const recordRun = (db: MailRunsDb, row: Insertable<MailRunsTable>): Promise<MailRun> => db.insertInto('mail_runs').values(row).returningAll().executeTakeFirstOrThrow();

/** The latest runs, newest first, for the admins' review page. */
export const latestRuns = (db: MailRunsDb, limit = 10) => db.selectFrom('mail_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();

// Where the scheduled read stopped, per mailbox (position-table.ts).
export async function mailboxPosition(db: MailboxPositionsDb, mailbox: string): Promise<MailboxMark | null> {
  const row = await db.selectFrom('mailbox_positions').select(['uid_validity', 'last_uid']).where('mailbox', '=', mailbox).executeTakeFirst();
  return row ? { uidValidity: row.uid_validity, uid: Number(row.last_uid) } : null;
}

/**
 * Keeps how far a read got, only ever forward: two runs can overlap (on two instances, or a run
 * longer than the five minutes between them), and the one that started first may finish last
 * with a lower mark; written over, the mark would go back and the next run read again what was
 * taken in. So, in one conditional statement, the mark moves only to a higher UID, or to another
 * UIDVALIDITY (the mailbox's UIDs now name other messages, so the old mark means nothing).
 * Returns whether it was kept.
 */
export async function saveMailboxPosition(db: MailboxPositionsDb, mailbox: string, mark: MailboxMark, now: string): Promise<boolean> {
  const r = await db
    .insertInto('mailbox_positions')
    .values({ mailbox, uid_validity: mark.uidValidity, last_uid: mark.uid, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('mailbox')
        .doUpdateSet({ uid_validity: mark.uidValidity, last_uid: mark.uid, updated_at: now })
        .where((eb) => eb.or([eb('mailbox_positions.uid_validity', '!=', mark.uidValidity), eb('mailbox_positions.last_uid', '<', mark.uid)])),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}
