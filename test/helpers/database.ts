// A fresh, migrated database per test: in-memory SQLite by default, or a throwaway PostgreSQL
// database on the server in DATABASE_URL (created here, dropped on close).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDataAccess, type DataAccess } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrations/index.ts';

export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';

export type TestData = DataAccess & { url: string };

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestData> {
  let url = 'sqlite::memory:';
  let drop = async () => {};
  if (TEST_ENGINE === 'postgres') {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `coproduce_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(base);
    target.pathname = `/${name}`;
    url = target.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const data = createDataAccess(url, { poolSize: 4 });
  if (options.migrate !== false) await migrateToLatest(data);
  return {
    ...data,
    url,
    close: async () => {
      await data.close();
      await drop();
    },
  };
}
