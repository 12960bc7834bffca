// Notifications (issue 10 §3): what each feature told each person, how each person wants to hear
// about each kind, and which digests have gone out.
// - notifications: one row per notify() call. `delivery` is how it was to reach the person when it
//   was made (immediately, daily, weekly, off, or withheld when the person had withdrawn);
//   `digested_at` marks a digest row once a digest carried it.
// - notification_preferences: a person's choice per kind; no row means the kind's default.
// - digest_runs: one row per person and period that a digest was sent for, so a digest job run
//   twice (or by two instances) sends each digest once.
// - outbox.headers: extra mail headers as JSON (List-Unsubscribe and List-Unsubscribe-Post).
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', t.id)
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('group_label', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('digested_at', t.timestamp)
    .execute();
  // The digest run reads the rows still waiting for a digest of one period, up to a time.
  await db.schema.createIndex('notifications_waiting').on('notifications').columns(['delivery', 'digested_at', 'person_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_person').on('notifications').columns(['person_id', 'created_at']).execute();
  await db.schema
    .createTable('notification_preferences')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['person_id', 'kind'])
    .execute();
  await db.schema
    .createTable('digest_runs')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('period_start', t.timestamp, (c) => c.notNull())
    .addColumn('sent_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_runs_pk', ['person_id', 'period', 'period_start'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('headers', 'text').execute();
}
