// The registration feature's rows naming one person: their own registrations (by account, or by
// their address), with the aims, history, notes and imported emails attached to them; the
// registrations they sent for a colleague as the contact; history and notes they wrote about
// others; emails they sent the programme; and registration drafts holding their address.
import { sql } from 'kysely';
import { containsPattern as holding } from '../queries.ts';
import type { RegistrationDb } from '../tables.ts';

export async function personAddress(db: RegistrationDb, personId: number): Promise<string | null> {
  const row = await db.selectFrom('people').select('email_normalised').where('id', '=', personId).executeTakeFirst();
  return row?.email_normalised ?? null;
}

/** Their own registrations: linked to their account, or made with their address. */
export async function ownRegistrations(db: RegistrationDb, personId: number, address: string | null) {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where((eb) => (address ? eb.or([eb('person_id', '=', personId), eb('email_normalised', '=', address)]) : eb('person_id', '=', personId)))
    .orderBy('id')
    .execute();
}

/** Registrations (not their own) that name them as the contact who sent them. */
export async function registrationsAsContact(db: RegistrationDb, address: string, exceptIds: readonly number[]) {
  let q = db
    .selectFrom('registrations')
    .select(['id', 'reference', 'full_name', 'email_normalised', 'organisation_name', 'department', 'job_title', 'contact_name', 'contact_email', 'created_at'])
    .where('contact_email_normalised', '=', address);
  if (exceptIds.length) q = q.where('id', 'not in', [...exceptIds]);
  return q.orderBy('id').execute();
}

export async function attachedRows(db: RegistrationDb, registrationIds: readonly number[]) {
  if (!registrationIds.length) return { aims: [], events: [], notes: [], imports: [] };
  const ids = [...registrationIds];
  const [aims, events, notes, imports] = await Promise.all([
    db.selectFrom('registration_aims').selectAll().where('registration_id', 'in', ids).orderBy('registration_id').orderBy('aim_number').execute(),
    db.selectFrom('registration_events').selectAll().where('registration_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('registration_notes').selectAll().where('registration_id', 'in', ids).orderBy('id').execute(),
    db
      .selectFrom('mail_imports')
      .select(['id', 'source', 'from_address', 'subject', 'received_at', 'original_text', 'outcome', 'problem', 'registration_id', 'created_at'])
      .where('registration_id', 'in', ids)
      .orderBy('id')
      .execute(),
  ]);
  return { aims, events, notes, imports };
}

/** What they did to others' registrations (history entries) and wrote about them (notes). */
export async function writtenBy(db: RegistrationDb, personId: number) {
  const [events, notes] = await Promise.all([
    db.selectFrom('registration_events').select(['id', 'registration_id', 'action', 'detail', 'created_at']).where('actor_id', '=', personId).orderBy('id').execute(),
    db.selectFrom('registration_notes').select(['id', 'registration_id', 'body', 'created_at']).where('author_id', '=', personId).orderBy('id').execute(),
  ]);
  return { events, notes };
}

/** Emails from their address (whoever they were about). */
export function importsFrom(db: RegistrationDb, address: string) {
  return db
    .selectFrom('mail_imports')
    .select(['id', 'source', 'from_address', 'subject', 'received_at', 'original_text', 'outcome', 'problem', 'registration_id', 'created_at'])
    .where(sql<boolean>`lower(from_address) like ${holding(address)} escape '\\'`)
    .orderBy('id')
    .execute();
}

/** Registration drafts (answers not yet sent) holding their address. */
export function draftsHolding(db: RegistrationDb, address: string) {
  return db.selectFrom('registration_drafts').select(['id', 'answers', 'created_at', 'updated_at']).where(sql<boolean>`lower(answers) like ${holding(address)} escape '\\'`).execute();
}

export async function deleteRegistrations(db: RegistrationDb, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const list = [...ids];
  await db.deleteFrom('registration_aims').where('registration_id', 'in', list).execute();
  await db.deleteFrom('registration_events').where('registration_id', 'in', list).execute();
  await db.deleteFrom('registration_notes').where('registration_id', 'in', list).execute();
  await db.deleteFrom('mail_imports').where('registration_id', 'in', list).execute();
  await db.deleteFrom('registrations').where('id', 'in', list).execute();
}

/** History and notes about others keep what happened, but no longer say that this person did it. */
export async function forgetAuthor(db: RegistrationDb, personId: number): Promise<void> {
  await db.updateTable('registration_events').set({ actor_id: null }).where('actor_id', '=', personId).execute();
  await db.updateTable('registration_notes').set({ author_id: null }).where('author_id', '=', personId).execute();
}

/**
 * A colleague's registration no longer names the person as its contact. A registration with an
 * address of its own drops the contact; one reachable only through the contact keeps an address
 * that reaches nobody (.invalid), since every registration must have one, and its own details.
 */
export async function dropContact(db: RegistrationDb, row: { id: number; email_normalised: string | null }, searchText: string, now: string): Promise<void> {
  const placeholder = `erased-contact-${row.id}@erased.invalid`;
  await db
    .updateTable('registrations')
    .set(row.email_normalised ? { contact_name: null, contact_email: null, contact_email_normalised: null, behalf_key: null, search_text: searchText, updated_at: now } : { contact_name: null, contact_email: placeholder, contact_email_normalised: placeholder, behalf_key: null, search_text: searchText, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

export async function deleteImports(db: RegistrationDb, ids: readonly number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('mail_imports').where('id', 'in', [...ids]).execute();
}

export async function deleteDrafts(db: RegistrationDb, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('registration_drafts').where('id', 'in', [...ids]).execute();
}
