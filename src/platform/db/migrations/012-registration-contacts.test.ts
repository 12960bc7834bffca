// Migration 012 on a database that already holds registrations: every row, with its aims, history,
// notes and imported emails, survives it unchanged (SQLite rebuilds the table), the search still
// finds them, and the new rules hold: an own address or a contact, one behalf key per programme.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { createTestDatabase, TEST_ENGINE } from '../../../../test/helpers/database.ts';
import type { Engine } from '../database.ts';
import { migrateToLatest, migrationNames } from './index.ts';

/** Rows as plain objects (node:sqlite gives them a null prototype). */
const rowsOf = async (q: { execute(db: Kysely<unknown>): Promise<{ rows: unknown[] }> }, db: Kysely<unknown>) => (await q.execute(db)).rows.map((r) => ({ ...(r as object) }));

/** Runs the migrations up to and including `last`, as migrateToLatest would run them. */
async function migrateUpTo(db: Kysely<unknown>, engine: Engine, last: string): Promise<void> {
  const names = migrationNames().slice(0, migrationNames().indexOf(last) + 1);
  const modules = await Promise.all(names.map(async (n) => [n, (await import(`./${n}.ts`)) as { up(db: Kysely<unknown>, engine: Engine): Promise<void> }] as const));
  const migrations: Record<string, Migration> = Object.fromEntries(modules.map(([n, m]) => [n, { up: (d: Kysely<unknown>) => m.up(d, engine) }]));
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  if (error) throw error;
}

describe(`migration 012 (registration contacts) on ${TEST_ENGINE}`, () => {
  it('keeps every registration and what hangs off it, and adds contacts with their rules', async () => {
    const data = await createTestDatabase({ migrate: false });
    try {
      const db = data.db as unknown as Kysely<unknown>;
      await migrateUpTo(db, data.engine, '011-settings');
      const now = '2026-05-01T09:00:00.000Z';
      const day = '2026-05-01';
      await sql`insert into programmes (slug, name, short_name, run_by, commissioned_by, summary, audience, why, announced_on, starts_on, ends_on, announced_deadline_on, registration_opens_on, registration_closes_on, mailbox_subject, contact_email, created_at)
        values ('p', 'Programme', 'P', 'Us', 'Them', 's', 'a', 'w', ${day}, ${day}, ${day}, ${day}, ${day}, ${day}, 'SUPPORT WORKFORCE', 'team@example.org', ${now})`.execute(db);
      const programmeId = (await sql<{ id: number }>`select id from programmes`.execute(db)).rows[0]!.id;
      const row = (id: number, email: string, name: string) =>
        sql`insert into registrations (id, programme_id, reference, status, channel, email, email_normalised, full_name, organisation_name, job_title, participation, search_text, created_at, updated_at)
          values (${id}, ${programmeId}, ${`REG-${id}`}, 'new', 'web', ${email}, ${email.toLowerCase()}, ${name}, 'Example Trust', 'CSW', 'surveys', ${`${name.toLowerCase()} ${email.toLowerCase()}`}, ${now}, ${now})`.execute(db);
      await row(7, 'Jo@example.org', 'Jo Bloggs');
      await row(9, 'kim@example.org', 'Kim Park');
      await sql`insert into registration_aims (registration_id, aim_number) values (7, 3), (7, 5), (9, 1)`.execute(db);
      await sql`insert into registration_events (registration_id, action, detail, created_at) values (7, 'created', 'Registered by the web form', ${now})`.execute(db);
      await sql`insert into registration_notes (registration_id, body, created_at) values (9, 'Rang her', ${now})`.execute(db);
      await sql`insert into mail_imports (message_id, content_hash, source, subject, original_text, outcome, registration_id, created_at) values ('<a@example.org>', 'h', 'x.eml', 'S', 'text', 'registered', 9, ${now})`.execute(db);
      const dependants = sql`select name from sqlite_master where tbl_name = 'registrations' and type in ('index', 'trigger') and sql is not null`;
      const kept = data.engine === 'sqlite' ? (await rowsOf(dependants, db)).map((r) => (r as { name: string }).name) : [];
      const before = (await sql<Record<string, unknown>>`select * from registrations order by id`.execute(db)).rows.map((r) => ({ ...r }));

      await migrateToLatest(data);

      const after = (await sql<Record<string, unknown>>`select * from registrations order by id`.execute(db)).rows.map((r) => ({ ...r }));
      assert.deepEqual(
        after.map(({ contact_name, contact_email, contact_email_normalised, behalf_key, ...rest }) => {
          assert.deepEqual([contact_name, contact_email, contact_email_normalised, behalf_key], [null, null, null, null]);
          return Object.fromEntries(Object.entries(rest).filter(([k]) => k in before[0]!));
        }),
        before,
        'every row as it was, with its id',
      );
      assert.deepEqual(await rowsOf(sql`select registration_id, aim_number from registration_aims order by registration_id, aim_number`, db), [
        { registration_id: 7, aim_number: 3 },
        { registration_id: 7, aim_number: 5 },
        { registration_id: 9, aim_number: 1 },
      ]);
      assert.equal((await sql`select id from registration_events where registration_id = 7`.execute(db)).rows.length, 1);
      assert.equal((await sql`select id from registration_notes where registration_id = 9`.execute(db)).rows.length, 1);
      assert.deepEqual(await rowsOf(sql`select registration_id from mail_imports`, db), [{ registration_id: 9 }]);
      if (data.engine === 'sqlite') {
        assert.deepEqual(await rowsOf(sql`select rowid from registrations_fts where registrations_fts match '"kim park"'`, db), [{ rowid: 9 }], 'the search index still answers');
        const now012 = new Set((await rowsOf(dependants, db)).map((r) => (r as { name: string }).name));
        assert.ok(kept.length > 10 && kept.every((name) => now012.has(name)), `every index and trigger is back: ${kept.filter((name) => !now012.has(name)).join(', ')}`);
        assert.deepEqual(await rowsOf(sql`pragma foreign_keys`, db), [{ foreign_keys: 1 }], 'foreign keys are on again');
        await assert.rejects(sql`insert into registration_aims (registration_id, aim_number) values (999, 1)`.execute(db), 'and enforced');
      }

      const insert = (id: number, email: string | null, contact: string | null, key: string | null) =>
        sql`insert into registrations (id, programme_id, reference, status, channel, email, email_normalised, contact_email, contact_email_normalised, behalf_key, full_name, organisation_name, job_title, created_at, updated_at)
          values (${id}, ${programmeId}, ${`REG-${id}`}, 'unconfirmed', 'email', ${email}, ${email}, ${contact}, ${contact}, ${key}, 'Sam Fox', 'Example Trust', 'CSW', ${now}, ${now})`.execute(db);
      await insert(20, null, 'morgan@example.org', 'morgan@example.org sam fox');
      await insert(21, null, 'lee@example.org', 'lee@example.org sam fox');
      await assert.rejects(insert(22, null, 'morgan@example.org', 'morgan@example.org sam fox'), 'one registration per contact and name');
      await assert.rejects(insert(23, null, null, null), 'an own address or a contact');
      await assert.rejects(insert(24, 'jo@example.org', null, null), 'addresses stay unique');
      await insert(25, 'sam@example.org', null, null);
    } finally {
      await data.close();
    }
  });
});
