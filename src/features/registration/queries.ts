// The SQL of a registration's record: its row, aims, history and notes. Every function takes the
// registration feature's own handle, so none of them can reach another feature's tables.
import { sql } from 'kysely';
import { normaliseEmail } from '../../platform/auth/people.ts';
import type { Clock } from '../../platform/time.ts';
import type { Registration, RegistrationDb, RegistrationsTable } from './tables.ts';
import { newReference } from './reference.ts';
import type { Updateable } from 'kysely';

export type RegistrationRowUpdate = Updateable<RegistrationsTable>;
type NewRegistrationRow = Omit<Registration, 'id' | 'reference'>;

export function findById(db: RegistrationDb, id: number): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findByEmail(db: RegistrationDb, programmeId: number, email: string): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('programme_id', '=', programmeId).where('email_normalised', '=', normaliseEmail(email)).executeTakeFirst();
}

/** The registration a contact made for someone with this name (see behalfKey in details.ts). */
export function findByBehalfKey(db: RegistrationDb, programmeId: number, key: string): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('programme_id', '=', programmeId).where('behalf_key', '=', key).executeTakeFirst();
}

/** The newest registration of this person (their account's). */
export function findByPerson(db: RegistrationDb, personId: number): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('person_id', '=', personId).orderBy('id', 'desc').executeTakeFirst();
}

export function findByConfirmToken(db: RegistrationDb, tokenHash: string): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('confirm_token_hash', '=', tokenHash).executeTakeFirst();
}

export function findByPendingToken(db: RegistrationDb, tokenHash: string): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('pending_token_hash', '=', tokenHash).executeTakeFirst();
}

/** Another registration in the programme already holding this email, if any. */
export function emailTakenBy(db: RegistrationDb, programmeId: number, email: string, exceptId: number) {
  return db
    .selectFrom('registrations')
    .select('reference')
    .where('programme_id', '=', programmeId)
    .where('email_normalised', '=', normaliseEmail(email))
    .where('id', '!=', exceptId)
    .executeTakeFirst();
}

export function updateRow(db: RegistrationDb, id: number, set: RegistrationRowUpdate): Promise<Registration> {
  return db.updateTable('registrations').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Inserts a new registration, or returns null when one with this email (or, for one registered on
 * someone's behalf, this contact and name) was written first (two
 * people, or two clicks, at once: the unique index decides, and the caller treats it as known).
 * References are random over 8.5 × 10^11 values; a clash is caught by the unique index and simply
 * drawn again, rather than looked up before every insert.
 */
export async function insertWithUniqueReference(db: RegistrationDb, row: NewRegistrationRow): Promise<Registration | null> {
  for (let i = 0; i < 5; i++) {
    const inserted = await db
      .insertInto('registrations')
      .values({ ...row, reference: newReference() })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
    if (row.email && (await findByEmail(db, row.programme_id, row.email))) return null;
    if (row.behalf_key && (await findByBehalfKey(db, row.programme_id, row.behalf_key))) return null;
  }
  throw new Error('could not allocate a unique reference');
}

/**
 * Moves a registration from the status it was read in to another, only if nobody changed it in
 * between (a double-clicked button, two admins): the row's lock decides, and the loser gets
 * undefined and decides again from what is there now.
 */
export function changeStatus(db: RegistrationDb, id: number, from: Registration['status'], set: RegistrationRowUpdate & { status: Registration['status'] }) {
  return db.updateTable('registrations').set(set).where('id', '=', id).where('status', '=', from).returningAll().executeTakeFirst();
}

export async function writeAims(db: RegistrationDb, registrationId: number, aims: readonly number[], replacing = true): Promise<void> {
  if (replacing) await db.deleteFrom('registration_aims').where('registration_id', '=', registrationId).execute();
  const unique = [...new Set(aims)].filter((n) => Number.isInteger(n) && n >= 1 && n <= 99);
  if (unique.length) await db.insertInto('registration_aims').values(unique.map((aim_number) => ({ registration_id: registrationId, aim_number }))).execute();
}

export async function aimsOf(db: RegistrationDb, registrationId: number): Promise<number[]> {
  const rows = await db.selectFrom('registration_aims').select('aim_number').where('registration_id', '=', registrationId).orderBy('aim_number').execute();
  return rows.map((r) => r.aim_number);
}

export async function insertEvent(db: RegistrationDb, registrationId: number, actorId: number | null, action: string, detail: string, clock: Clock): Promise<void> {
  await db.insertInto('registration_events').values({ registration_id: registrationId, actor_id: actorId, action, detail, created_at: clock().toISOString() }).execute();
}

export async function insertNote(db: RegistrationDb, registrationId: number, authorId: number, body: string, clock: Clock): Promise<void> {
  await db.insertInto('registration_notes').values({ registration_id: registrationId, author_id: authorId, body, created_at: clock().toISOString() }).execute();
}

export function history(db: RegistrationDb, registrationId: number) {
  return db
    .selectFrom('registration_events')
    .leftJoin('people', 'people.id', 'registration_events.actor_id')
    .select(['registration_events.id', 'registration_events.action', 'registration_events.detail', 'registration_events.created_at', 'people.name as actor_name'])
    .where('registration_id', '=', registrationId)
    .orderBy('registration_events.id')
    .execute();
}

export function notes(db: RegistrationDb, registrationId: number) {
  return db
    .selectFrom('registration_notes')
    .leftJoin('people', 'people.id', 'registration_notes.author_id')
    .select(['registration_notes.id', 'registration_notes.body', 'registration_notes.created_at', 'people.name as author_name'])
    .where('registration_id', '=', registrationId)
    .orderBy('registration_notes.id')
    .execute();
}

/** The person's registrations that have not been withdrawn. */
export function activeOfPerson(db: RegistrationDb, personId: number) {
  return db.selectFrom('registrations').select(['id', 'programme_id', 'status', 'email']).where('person_id', '=', personId).where('status', '!=', 'withdrawn').execute();
}

/** True when someone with this address withdrew: their wish stops all programme mail. */
export async function hasWithdrawn(db: RegistrationDb, email: string): Promise<boolean> {
  const row = await db.selectFrom('registrations').select('id').where('email_normalised', '=', normaliseEmail(email)).where('status', '=', 'withdrawn').limit(1).executeTakeFirst();
  return Boolean(row);
}

/** Of these people, those accepted in this programme. */
export async function acceptedAmong(db: RegistrationDb, programmeId: number, personIds: readonly number[]): Promise<number[]> {
  if (!personIds.length) return [];
  const rows = await db
    .selectFrom('registrations')
    .select('person_id')
    .where('programme_id', '=', programmeId)
    .where('status', '=', 'accepted')
    .where('person_id', 'in', [...new Set(personIds)])
    .execute();
  return rows.map((r) => r.person_id!).filter((id) => id !== null);
}

/** A LIKE pattern that matches the text literally (%, _ and \ in a search are not wildcards). */
export function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Accepted people of the programme whose account is an active participant's, optionally matching
 * a text search and leaving some people out, by name; at most `limit`, with the total that matched.
 */
export async function acceptedParticipants(db: RegistrationDb, programmeId: number, options: { q?: string; excludePersonIds?: readonly number[]; limit: number }) {
  let base = db
    .selectFrom('registrations')
    .innerJoin('people', 'people.id', 'registrations.person_id')
    .where('registrations.programme_id', '=', programmeId)
    .where('registrations.status', '=', 'accepted')
    .where('people.role', '=', 'participant')
    .where('people.status', '=', 'active');
  if (options.q) base = base.where(sql<boolean>`registrations.search_text like ${containsPattern(options.q)} escape '\\'`);
  if (options.excludePersonIds?.length) base = base.where('people.id', 'not in', [...options.excludePersonIds]);
  const [rows, total] = await Promise.all([
    base
      .select(['people.id as personId', 'people.name', 'registrations.organisation_name', 'registrations.role_group', 'registrations.role_other'])
      .orderBy('people.name')
      .orderBy('people.id')
      .limit(options.limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Where each of these people works and their role, from their registration for this programme. */
export function workOf(db: RegistrationDb, programmeId: number, personIds: readonly number[]) {
  if (!personIds.length) return Promise.resolve([]);
  return db
    .selectFrom('registrations')
    .select(['person_id', 'organisation_name', 'role_group', 'role_other'])
    .where('programme_id', '=', programmeId)
    .where('person_id', 'in', [...new Set(personIds)])
    .execute();
}

/** The registration in this programme with this reference (as printed: "REG-7K3M-9QXA"). */
export function findByReference(db: RegistrationDb, programmeId: number, reference: string): Promise<Registration | undefined> {
  return db.selectFrom('registrations').selectAll().where('programme_id', '=', programmeId).where('reference', '=', reference).executeTakeFirst();
}

/** Moves one registration's history, notes and emails imported for it to another. */
export async function moveRecords(db: RegistrationDb, fromId: number, toId: number): Promise<void> {
  await db.updateTable('registration_events').set({ registration_id: toId }).where('registration_id', '=', fromId).execute();
  await db.updateTable('registration_notes').set({ registration_id: toId }).where('registration_id', '=', fromId).execute();
  await db.updateTable('mail_imports').set({ registration_id: toId }).where('registration_id', '=', fromId).execute();
}

/** Deletes a registration and its aims (its history and notes are moved first, or go with it). */
export async function deleteRegistration(db: RegistrationDb, id: number): Promise<void> {
  await db.deleteFrom('registration_aims').where('registration_id', '=', id).execute();
  await db.deleteFrom('registration_events').where('registration_id', '=', id).execute();
  await db.deleteFrom('registration_notes').where('registration_id', '=', id).execute();
  await db.deleteFrom('registrations').where('id', '=', id).execute();
}
