// Messages to an audience (issue 10 §7): each message, who it went to and how, and saved templates.
// Who a message is for is kept in audience_targets (item kind 'message'), like every item's.
// - messages: the author, subject, Markdown body, status (draft, sending, sent) and the counts
//   the record shows (reached; left out as withdrawn, as turned off; registrations with no account);
// - message_recipients: one row per person the message was sent to, written in the same
//   transaction as that person's notification, so sending again never sends twice;
// - message_templates: a name, subject and body, and who saved it.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../database.ts';
import { columnTypes } from './column-types.ts';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('audience', 'registrations')`))
    .addColumn('source_filters', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'sending', 'sent')`))
    .addColumn('reached', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('left_withdrawn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('left_off', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_account', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('sent_at', t.timestamp)
    .execute();
  // The record lists a programme's messages newest first.
  await db.schema.createIndex('messages_programme_idx').on('messages').columns(['programme_id', 'created_at']).execute();
  await db.schema
    .createTable('message_recipients')
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_recipients_pk', ['message_id', 'person_id'])
    .execute();
  // "Was this person sent this message" (the recipient's page) and erasing a person.
  await db.schema.createIndex('message_recipients_person_idx').on('message_recipients').columns(['person_id', 'message_id']).execute();
  await db.schema
    .createTable('message_templates')
    .addColumn('id', 'integer', t.id)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('saved_by', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_templates_programme_idx').on('message_templates').columns(['programme_id', 'name']).execute();
}
