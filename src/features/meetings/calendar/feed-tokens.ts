// Each person's private calendar feed: a random token in the URL, found by its SHA-256 (only the
// hash is stored, so a copied database holds no working link, and the link is shown only when it
// is made). A new link replaces the old one at once; turning the feed off deletes it.
import { createHash, randomBytes } from 'node:crypto';
import { scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import type { MeetingsTables } from '../tables.ts';
import * as q from './queries.ts';
import type { CalendarDb, CalendarTables } from './tables.ts';

export const calendarDb = (db: Db | Tx): CalendarDb => scoped<CalendarTables | MeetingsTables, 'people'>(db);
const hash = (token: string) => createHash('sha256').update(token).digest('hex');
/** 32 random bytes, base64url: 43 characters. */
const FEED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const feedPath = (token: string) => `/calendar/${token}.ics`;

/** The person's feed (when made, last read), or undefined when it is off. */
export const feedOf = (db: Db | Tx, personId: number) => q.feedOf(calendarDb(db), personId);

/** A new feed token for the person, replacing any earlier one (which stops working at once). */
export async function newFeedToken(db: Db | Tx, personId: number, clock: Clock): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await q.saveFeed(calendarDb(db), personId, hash(token), clock().toISOString());
  return token;
}

export const turnOffFeed = (db: Db | Tx, personId: number) => q.deleteFeed(calendarDb(db), personId);

/** The person whose feed this token opens, or null (unknown, renewed or turned off). */
export async function feedOwner(db: Db | Tx, token: string): Promise<number | null> {
  if (!FEED_TOKEN.test(token)) return null;
  return q.feedByHash(calendarDb(db), hash(token));
}
