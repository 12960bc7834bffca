import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { migrateToLatest, migrationNames } from './index.ts';

describe(`migrations on ${TEST_ENGINE}`, () => {
  it('run from an empty database, are recorded, and run again as a no-op', async () => {
    const data = await createTestDatabase({ migrate: false });
    try {
      const applied = await migrateToLatest(data);
      assert.deepEqual(applied, migrationNames());
      const recorded = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(data.db);
      assert.deepEqual(recorded.rows.map((r) => r.name), migrationNames());
      assert.deepEqual(await migrateToLatest(data), []);
    } finally {
      await data.close();
    }
  });

  it('enforce unique emails and foreign keys', async () => {
    const data = await createTestDatabase();
    try {
      const now = new Date().toISOString();
      const person = { email: 'A@example.org', email_normalised: 'a@example.org', name: 'A', role: 'admin' as const, status: 'active' as const, created_at: now, updated_at: now };
      await data.db.insertInto('people').values(person).execute();
      await assert.rejects(data.db.insertInto('people').values({ ...person, email: 'a@example.org' }).execute());
      await assert.rejects(
        data.db.insertInto('sessions').values({ id: 'x', person_id: 9999, created_at: now, last_seen_at: now, expires_at: now }).execute(),
        'foreign keys are enforced',
      );
      await assert.rejects(data.db.insertInto('people').values({ ...person, email: 'b@example.org', email_normalised: 'b@example.org', role: 'king' as never }).execute());
    } finally {
      await data.close();
    }
  });

  it('hand back timestamps and dates as the same strings on both engines', async () => {
    const data = await createTestDatabase();
    try {
      const at = '2026-06-21T22:59:59.000Z';
      await data.db.insertInto('people').values({ email: 't@example.org', email_normalised: 't@example.org', name: 'T', role: 'observer', status: 'active', created_at: at, updated_at: at }).execute();
      const row = await data.db.selectFrom('people').select(['id', 'created_at']).executeTakeFirstOrThrow();
      assert.equal(row.created_at, at);
      assert.equal(typeof row.id, 'number');
    } finally {
      await data.close();
    }
  });
});
