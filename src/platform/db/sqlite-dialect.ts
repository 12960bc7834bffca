// Kysely's SQLite dialect expects a better-sqlite3-shaped driver; this adapts Node's built-in
// node:sqlite to it so the embedded engine needs no native package.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SqliteDialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}

class Statement implements SqliteStatement {
  readonly reader: boolean;
  readonly #stmt: StatementSync;
  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    this.reader = stmt.columns().length > 0;
  }
  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#stmt.all(...parameters.map(toSqlite));
  }
  run(parameters: ReadonlyArray<unknown>) {
    return this.#stmt.run(...parameters.map(toSqlite));
  }
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#stmt.iterate(...parameters.map(toSqlite)) as IterableIterator<unknown>;
  }
}

export function openSqlite(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: 5000 });
  // WAL lets readers work while one writer commits; foreign keys are off by default in SQLite.
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  // FULL: a commit is on disk before it is acknowledged, so a registration we have confirmed to
  // someone survives a power cut (NORMAL in WAL mode could lose the last commits).
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}

export function nodeSqliteDialect(db: DatabaseSync): SqliteDialect {
  // Kysely produces the same SQL text for the same query shape, so prepared statements are kept
  // and reused: preparing costs as much as running a small statement.
  const cache = new Map<string, Statement>();
  const adapter: SqliteDatabase = {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = new Statement(db.prepare(sql));
        if (cache.size >= 500) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
  return new SqliteDialect({ database: adapter });
}
