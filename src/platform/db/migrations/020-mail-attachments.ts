// An email can carry a calendar invitation (issue 11): the iCalendar text and its METHOD, as JSON
// ({ method, filename, content }), sent by the worker as the text/calendar part mail clients show
// as an invitation. Null for every other message.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('calendar_event', 'text').execute();
}
