// A fresh, migrated database per test: in-memory SQLite by default, or a throwaway PostgreSQL
// database on the server in DATABASE_URL (created here, dropped on close). On PostgreSQL each
// one is a copy of a migrated template (made once per set of migrations and kept on the server),
// which is several times quicker than migrating every test's database, so every test can have
// its own.
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { createDataAccess, type DataAccess } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrations/index.ts';

export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';

export type TestData = DataAccess & { url: string };

const MIGRATIONS = new URL('../../src/platform/db/migrations/', import.meta.url);

/** A name for the migrations as they are now: any change to any of their files makes a new template. */
async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()) {
    hash.update(file).update(await readFile(new URL(file, MIGRATIONS)));
  }
  return hash.digest('hex').slice(0, 16);
}

const withUrlPath = (base: URL, name: string) => {
  const target = new URL(base);
  target.pathname = `/${name}`;
  return target.toString();
};

let templateName: Promise<string> | undefined;

/**
 * The migrated template on this server, made if missing. Test processes run side by side, so one
 * makes it under an advisory lock while the others wait; it is built under another name and
 * renamed when complete, so a half-migrated template is never copied. Older templates go.
 */
function migratedTemplate(base: URL): Promise<string> {
  templateName ??= (async () => {
    const name = `coproduce_template_${await migrationsHash()}`;
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    try {
      await admin.query(`select pg_advisory_lock(hashtext('coproduce test template'))`);
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        const building = `${name}_building`;
        await admin.query(`drop database if exists ${building}`);
        await admin.query(`create database ${building}`);
        const data = createDataAccess(withUrlPath(base, building), { poolSize: 1 });
        try {
          await migrateToLatest(data);
        } finally {
          await data.close();
        }
        await admin.query(`alter database ${building} rename to ${name}`);
        const old = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'coproduce\\_template\\_%' and datname <> $1`, [name]);
        for (const { datname } of old.rows) await admin.query(`drop database if exists ${datname}`).catch(() => {});
      }
    } finally {
      await admin.query(`select pg_advisory_unlock(hashtext('coproduce test template'))`).catch(() => {});
      await admin.end();
    }
    return name;
  })();
  // A failure (the server was down) is not remembered: the next test tries again.
  templateName.catch(() => (templateName = undefined));
  return templateName;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestData> {
  let url = 'sqlite::memory:';
  let drop = async () => {};
  const migrate = options.migrate !== false;
  let migrated = false;
  if (TEST_ENGINE === 'postgres') {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `coproduce_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    try {
      if (!migrate) await admin.query(`create database ${name}`);
      else {
        // Another checkout's tests (other migrations) may have replaced the template since: then
        // this one is made again.
        for (let attempt = 1; ; attempt++) {
          const template = await migratedTemplate(base);
          try {
            await admin.query(`create database ${name} template ${template}`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '3D000' || attempt === 3) throw error;
            templateName = undefined;
          }
        }
        migrated = true;
      }
    } finally {
      await admin.end();
    }
    url = withUrlPath(base, name);
    drop = async () => {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const data = createDataAccess(url, { poolSize: 4 });
  if (migrate && !migrated) await migrateToLatest(data);
  return {
    ...data,
    url,
    close: async () => {
      await data.close();
      await drop();
    },
  };
}
