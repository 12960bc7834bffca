// The SQL behind citations.ts: closed threads with their summaries and their space's name, in
// the programme; never a post. Each takes the discussions feature's own handle.
import { sql, type SqlBool } from 'kysely';
import type { DiscussionsDb } from '../tables.ts';

export const CITABLE_LIMIT = 200;

const citable = (db: DiscussionsDb, programmeId: number) =>
  db
    .selectFrom('discussion_threads as t')
    .innerJoin('discussion_spaces as s', 's.id', 't.space_id')
    .select(['t.id as threadId', 't.title', 't.summary', 't.closed_at as closedAt', 's.id as spaceId', 's.name as spaceName'])
    .where('s.programme_id', '=', programmeId)
    .where('t.closed_at', 'is not', null)
    .where('t.summary', 'is not', null)
    .where('t.summary', '!=', '');

/** Closed with a summary, by space name, latest first in each; every word in the title, the summary or the space's name (% and _ literal); never the threads in `except` (left out before the limit, so they take no place in it). */
export function closedWithSummary(db: DiscussionsDb, programmeId: number, words: readonly string[], except: readonly number[] = []) {
  let q = citable(db, programmeId);
  if (except.length) q = q.where('t.id', 'not in', [...except]);
  for (const word of words) {
    const pattern = `%${word.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const like = (column: string) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    q = q.where((eb) => eb.or([like('t.title'), like('t.summary'), like('s.name')]));
  }
  return q.orderBy('s.name').orderBy('s.id').orderBy('t.closed_at', 'desc').orderBy('t.id', 'desc').limit(CITABLE_LIMIT).execute();
}

/** Those of these threads closed with a summary in the programme. */
export const closedAmong = (db: DiscussionsDb, programmeId: number, threadIds: readonly number[]) => citable(db, programmeId).where('t.id', 'in', [...threadIds]).execute();

/** Those of these threads in the programme, closed or not: their titles. */
export const titlesAmong = (db: DiscussionsDb, programmeId: number, threadIds: readonly number[]) =>
  db
    .selectFrom('discussion_threads as t')
    .innerJoin('discussion_spaces as s', 's.id', 't.space_id')
    .select(['t.id', 't.title'])
    .where('s.programme_id', '=', programmeId)
    .where('t.id', 'in', [...threadIds])
    .execute();
