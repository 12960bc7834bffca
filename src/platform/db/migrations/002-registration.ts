// Registration of interest, the email import queue, organisations, sub-groups and memberships.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'integer', t.id)
    .addColumn('ods_code', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('nation', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text')
    .addColumn('region', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('organisations_name_unique', ['name'])
    .execute();

  await db.schema
    .createTable('registrations')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalised', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id').onDelete('set null'))
    .addColumn('organisation_name', 'text', (c) => c.notNull())
    .addColumn('department', 'text')
    .addColumn('nation', 'text')
    .addColumn('region', 'text')
    .addColumn('service_type', 'text')
    .addColumn('service_other', 'text')
    .addColumn('job_title', 'text', (c) => c.notNull())
    .addColumn('role_group', 'text')
    .addColumn('role_other', 'text')
    .addColumn('afc_band', 'text')
    .addColumn('participation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('adjustments', 'text')
    .addColumn('consent_at', t.timestamp)
    .addColumn('email_confirmed_at', t.timestamp)
    .addColumn('confirm_token_hash', 'text')
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('registrations_programme_email_unique', ['programme_id', 'email_normalised'])
    .execute();
  for (const [name, cols] of [
    ['registrations_status_idx', ['programme_id', 'status', 'created_at']],
    ['registrations_created_idx', ['programme_id', 'created_at']],
    ['registrations_role_idx', ['programme_id', 'role_group']],
    ['registrations_service_idx', ['programme_id', 'service_type']],
    ['registrations_region_idx', ['programme_id', 'nation', 'region']],
    ['registrations_channel_idx', ['programme_id', 'channel']],
    ['registrations_person_idx', ['person_id']],
  ] as const) {
    await db.schema.createIndex(name).on('registrations').columns([...cols]).execute();
  }
  await db.schema.createIndex('registrations_confirm_idx').on('registrations').column('confirm_token_hash').execute();

  // One row per chosen aim, so "interested in aim 3" is an indexed lookup, not a text scan.
  await db.schema
    .createTable('registration_aims')
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('aim_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registration_aims_pk', ['registration_id', 'aim_number'])
    .execute();
  await db.schema.createIndex('registration_aims_aim_idx').on('registration_aims').columns(['aim_number', 'registration_id']).execute();

  await db.schema
    .createTable('registration_events')
    .addColumn('id', 'integer', t.id)
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registration_events_reg_idx').on('registration_events').column('registration_id').execute();

  await db.schema
    .createTable('registration_notes')
    .addColumn('id', 'integer', t.id)
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registration_notes_reg_idx').on('registration_notes').column('registration_id').execute();

  // Answers given so far in the web journey, keyed by a hash of a cookie token: works without
  // JavaScript and without an account, and nothing is a registration until it is submitted.
  await db.schema
    .createTable('registration_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  // Every message taken in by import-mail, kept with its original text. Message-ID makes re-import a no-op.
  await db.schema
    .createTable('mail_imports')
    .addColumn('id', 'integer', t.id)
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('received_at', t.timestamp)
    .addColumn('original_text', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // registered | needs_review | not_relevant
    .addColumn('problem', 'text')
    .addColumn('registration_id', 'integer', (c) => c.references('registrations.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subgroups')
    .addColumn('id', 'integer', t.id)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('subgroups_project_name_unique', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('project_members')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'person_id'])
    .execute();
  await db.schema.createIndex('project_members_person_idx').on('project_members').column('person_id').execute();

  await db.schema
    .createTable('subgroup_members')
    .addColumn('subgroup_id', 'integer', (c) => c.notNull().references('subgroups.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('subgroup_members_pk', ['subgroup_id', 'person_id'])
    .execute();
  await db.schema.createIndex('subgroup_members_person_idx').on('subgroup_members').column('person_id').execute();

  // Withdrawn people get no programme email; sign-in email is still allowed if they come back.
  await db.schema.alterTable('people').addColumn('programme_mail_stopped_at', t.timestamp).execute();
}
