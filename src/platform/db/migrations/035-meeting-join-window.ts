// How long before its start a meeting's join link is shown to invitees, per meeting (issue 11 §6:
// "from a set time before the start, default 30 minutes"). Meetings made before keep 30.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .alterTable('meetings')
    .addColumn('join_opens_minutes', 'integer', (c) => c.notNull().defaultTo(30).check(sql`join_opens_minutes between 0 and 240`))
    .execute();
}
