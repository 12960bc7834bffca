// People with an email (unique, case-insensitive) and a name, each with one role.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import type { Person, Role } from '../db/schema.ts';
import type { Clock } from '../time.ts';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findPersonByEmail(db: Db | Tx, email: string): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('email_normalised', '=', normaliseEmail(email)).executeTakeFirst();
}

export async function findPerson(db: Db | Tx, id: number): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates the person, or returns the existing one with that email (its role raised if asked). */
export async function upsertPerson(
  db: Db | Tx,
  input: { email: string; name: string; role: Role },
  clock: Clock,
): Promise<{ person: Person; created: boolean }> {
  const existing = await findPersonByEmail(db, input.email);
  const now = clock().toISOString();
  if (existing) {
    const person = await db
      .updateTable('people')
      .set({ name: input.name, role: input.role, status: 'active', updated_at: now })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { person, created: false };
  }
  const person = await db
    .insertInto('people')
    .values({
      email: input.email.trim(),
      email_normalised: normaliseEmail(input.email),
      name: input.name.trim(),
      role: input.role,
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { person, created: true };
}

export async function countPeopleByRole(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('people')
    .select(['role', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'active')
    .groupBy('role')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.role, Number(r.n)]));
}

/** The names of these people (for lists and history), in no particular order. */
export async function peopleNames(db: Db | Tx, ids: readonly number[]): Promise<{ id: number; name: string }[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  return db.selectFrom('people').select(['id', 'name']).where('id', 'in', unique).execute();
}

/** Of these people, those with an active account in this role. */
export async function activeWithRole(db: Db | Tx, ids: readonly number[], role: Role): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const rows = await db.selectFrom('people').select('id').where('id', 'in', unique).where('role', '=', role).where('status', '=', 'active').execute();
  return rows.map((r) => r.id);
}

/** A person corrects their name: the account shows it everywhere. */
export async function renamePerson(db: Db | Tx, id: number, name: string, clock: Clock): Promise<void> {
  await db.updateTable('people').set({ name: name.trim(), updated_at: clock().toISOString() }).where('id', '=', id).execute();
}

/** Stops (a withdrawal) or resumes (registering again) all programme email to a person. */
export async function setProgrammeMailStopped(db: Db | Tx, id: number, stopped: boolean, clock: Clock): Promise<void> {
  const now = clock().toISOString();
  await db.updateTable('people').set({ programme_mail_stopped_at: stopped ? now : null, updated_at: now }).where('id', '=', id).execute();
}

/** True when the person with this address asked for no programme email. */
export async function programmeMailStopped(db: Db | Tx, email: string): Promise<boolean> {
  const row = await db.selectFrom('people').select('programme_mail_stopped_at').where('email_normalised', '=', normaliseEmail(email)).executeTakeFirst();
  return Boolean(row?.programme_mail_stopped_at);
}

/**
 * Turns a person's account off (they can no longer sign in) or back on. Turning it off does not
 * end their sessions: the caller ends them with endAllSessions, in the same change.
 */
export async function setPersonStatus(db: Db | Tx, id: number, status: 'active' | 'disabled', clock: Clock): Promise<void> {
  await db.updateTable('people').set({ status, updated_at: clock().toISOString() }).where('id', '=', id).execute();
}

/** LIKE pattern for "contains this text", with the text's own wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The admin people page: everyone whose name or email contains the text (any case), by name, a
 * page at a time, with the number matching.
 */
export async function searchPeople(db: Db | Tx, options: { q?: string; limit: number; offset: number }) {
  let query = db.selectFrom('people');
  const text = options.q?.trim();
  if (text) {
    const pattern = containsPattern(text);
    query = query.where(sql<boolean>`(lower(name) like ${pattern} escape '\\' or email_normalised like ${pattern} escape '\\')`);
  }
  const [rows, total] = await Promise.all([
    query.select(['id', 'name', 'email', 'role', 'status', 'created_at', 'updated_at']).orderBy('name').orderBy('id').limit(options.limit).offset(options.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/**
 * The active admins, each of their rows locked until the transaction ends, so two admins who
 * demote or deactivate each other at the same moment cannot both succeed and leave none.
 */
export async function lockActiveAdmins(tx: Tx): Promise<number[]> {
  const rows = await tx
    .updateTable('people')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The team gives a person another role. */
export async function setPersonRole(db: Db | Tx, id: number, role: Role, clock: Clock): Promise<void> {
  await db.updateTable('people').set({ role, updated_at: clock().toISOString() }).where('id', '=', id).execute();
}

/**
 * The team turns an account off (no sign-in link is sent and no session works) or back on.
 * The caller ends the person's sessions (endAllSessions) in the same change.
 */
export async function setPersonActive(db: Db | Tx, id: number, active: boolean, clock: Clock): Promise<void> {
  await db.updateTable('people').set({ status: active ? 'active' : 'disabled', updated_at: clock().toISOString() }).where('id', '=', id).execute();
}
