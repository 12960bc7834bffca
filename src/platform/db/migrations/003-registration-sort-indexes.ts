// The registrations list sorts by name and organisation; with 100,000 rows these need indexes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('registrations_name_idx').on('registrations').columns(['programme_id', 'full_name', 'id']).execute();
  await db.schema.createIndex('registrations_org_idx').on('registrations').columns(['programme_id', 'organisation_name', 'id']).execute();
}
