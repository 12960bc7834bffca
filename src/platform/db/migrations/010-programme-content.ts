// Programme content (issue 8, #17): the timeline's registration entries are now derived from the
// registration window, so typed entries about registration would repeat (or contradict) them.
// They are removed; the demo's combined "Projects announced; registration of interest opens"
// keeps its first half.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await sql`update timeline_events set title = 'Projects announced' where title = 'Projects announced; registration of interest opens'`.execute(db);
  await sql`delete from timeline_events where lower(title) like '%regist%'`.execute(db);
}
