// The person a signed link (an answer link, a feed) speaks for: only an active account, with its
// role, so the audience check sees them as it would if they were signed in.
import type { Db, Tx } from '../../../platform/db/database.ts';
import type { Role } from '../../../platform/db/schema.ts';
import { calendarDb } from './feed-tokens.ts';
import { personForLink } from './queries.ts';

export async function linkPerson(db: Db | Tx, personId: number): Promise<{ id: number; role: Role } | undefined> {
  const p = await personForLink(calendarDb(db), personId);
  return p && p.status === 'active' ? { id: p.id, role: p.role } : undefined;
}
