// /health tells the truth: 503, naming the check, when the schema is missing or behind, or when
// the database cannot be written; 200 only when the service can work.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestDatabase, TEST_ENGINE } from '../../../test/helpers/database.ts';
import { testClock } from '../../../test/helpers/clock.ts';
import { createDataAccess, type DataAccess } from '../db/database.ts';
import { migrateToLatest, migrationNames } from '../db/migrations/index.ts';
import type { Database } from '../db/schema.ts';
import { nodeSqliteDialect } from '../db/sqlite-dialect.ts';
import { buildAssets } from './assets.ts';

async function appOn(data: DataAccess): Promise<FastifyInstance> {
  const config = loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://localhost:3000' });
  const app = await buildApp({ config, data, clock: testClock(), assets: buildAssets(), pokeMailWorker: () => {} });
  await app.ready();
  return app;
}

async function health(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/health' });
  return { status: res.statusCode, body: res.json() as Record<string, unknown>, cache: res.headers['cache-control'] };
}

describe(`/health on ${TEST_ENGINE}`, () => {
  it('answers 200 when the database answers, its schema is current and a write works, and leaves nothing written', async () => {
    const data = await createTestDatabase();
    const app = await appOn(data);
    try {
      const res = await health(app);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok', database: 'ok' });
      assert.equal(res.cache, 'no-store');
      assert.equal((await data.db.selectFrom('health_probe').selectAll().execute()).length, 0, 'the probe write was rolled back');
    } finally {
      await app.close();
      await data.close();
    }
  });

  it('answers 503 naming the schema check on an empty database', async () => {
    const data = await createTestDatabase({ migrate: false });
    const app = await appOn(data);
    try {
      const res = await health(app);
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { status: 'error', failed: 'schema', database: 'ok', schema: 'missing', write: 'not checked' });
    } finally {
      await app.close();
      await data.close();
    }
  });

  it('answers 503 naming the schema check when the last migration has not run', async () => {
    const data = await createTestDatabase();
    const app = await appOn(data);
    try {
      await sql`delete from kysely_migration where name = ${migrationNames().at(-1)!}`.execute(data.db);
      const res = await health(app);
      assert.equal(res.status, 503);
      assert.equal(res.body.failed, 'schema');
      assert.equal(res.body.schema, 'behind');
    } finally {
      await app.close();
      await data.close();
    }
  });

  it('stays 200 when a newer release has already migrated further (a rolling deploy)', async () => {
    const data = await createTestDatabase();
    const app = await appOn(data);
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('999-from-a-newer-release', ${new Date().toISOString()})`.execute(data.db);
      assert.equal((await health(app)).status, 200);
    } finally {
      await app.close();
      await data.close();
    }
  });

  it('answers 503 naming the write check when the database is read-only', async () => {
    if (TEST_ENGINE === 'postgres') {
      const data = await createTestDatabase();
      const name = new URL(data.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`alter database ${name} set default_transaction_read_only = on`);
      await admin.end();
      const readOnly = createDataAccess(data.url, { poolSize: 2 }); // new connections take the setting
      const app = await appOn(readOnly);
      try {
        const res = await health(app);
        assert.equal(res.status, 503);
        assert.deepEqual(res.body, { status: 'error', failed: 'write', database: 'ok', schema: 'ok', write: 'failed' });
      } finally {
        await app.close();
        await readOnly.close();
        await data.close();
      }
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'coproduce-health-'));
    const file = join(dir, 'read-only.sqlite');
    try {
      const writable = createDataAccess(`sqlite:${file}`);
      await migrateToLatest(writable);
      await writable.close();
      const db = new Kysely<Database>({ dialect: nodeSqliteDialect(new DatabaseSync(file, { readOnly: true })) });
      const readOnly: DataAccess = { db, engine: 'sqlite', close: () => db.destroy() };
      const app = await appOn(readOnly);
      try {
        const res = await health(app);
        assert.equal(res.status, 503);
        assert.deepEqual(res.body, { status: 'error', failed: 'write', database: 'ok', schema: 'ok', write: 'failed' });
      } finally {
        await app.close();
        await readOnly.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
