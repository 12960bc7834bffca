// Server-side sessions in the database: the cookie holds a random token, the table its hash.
import type { Db } from '../db/database.ts';
import type { Person } from '../db/schema.ts';
import type { Clock } from '../time.ts';
import { hashToken, randomToken } from './tokens.ts';

/** A session ends after this long without a request (shared NHS computers: keep it short). */
export const IDLE_MINUTES = 120;
/** ...and after this long whatever happens. */
export const ABSOLUTE_DAYS = 7;
// Touching last_seen on every request would write on every page view; once a minute is enough.
const TOUCH_EVERY_MS = 60_000;

export async function createSession(db: Db, personId: number, clock: Clock): Promise<string> {
  const token = randomToken();
  const now = clock();
  await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      person_id: personId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ABSOLUTE_DAYS * 86400000).toISOString(),
    })
    .execute();
  return token;
}

export type SessionUser = Pick<Person, 'id' | 'email' | 'name' | 'role'> & { sessionId: string };

export async function loadSession(db: Db, token: string, clock: Clock): Promise<SessionUser | null> {
  const id = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('people', 'people.id', 'sessions.person_id')
    .select(['sessions.id as sessionId', 'sessions.last_seen_at', 'sessions.expires_at', 'people.id', 'people.email', 'people.name', 'people.role', 'people.status'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const now = clock();
  const idleDeadline = Date.parse(row.last_seen_at) + IDLE_MINUTES * 60000;
  if (row.status !== 'active' || now.getTime() >= idleDeadline || now.getTime() >= Date.parse(row.expires_at)) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  }
  return { sessionId: row.sessionId, id: row.id, email: row.email, name: row.name, role: row.role };
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function endAllSessions(db: Db, personId: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('person_id', '=', personId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countSessions(db: Db, personId: number): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Housekeeping: drop sessions that can no longer be used. */
export async function purgeExpiredSessions(db: Db, clock: Clock): Promise<void> {
  const now = clock();
  const idleCutoff = new Date(now.getTime() - IDLE_MINUTES * 60000).toISOString();
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', idleCutoff)]))
    .execute();
}
