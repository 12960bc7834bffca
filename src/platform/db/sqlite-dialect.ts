// Kysely's SQLite dialect expects a better-sqlite3-shaped driver; this adapts Node's built-in
// node:sqlite to it so the embedded engine needs no native package.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How long a writer waits for another process's write lock before giving up, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

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
  const db = new DatabaseSync(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  // WAL lets readers work while one writer commits; foreign keys are off by default in SQLite.
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  // FULL: a commit is on disk before it is acknowledged, so a registration we have confirmed to
  // someone survives a power cut (NORMAL in WAL mode could lose the last commits).
  db.exec('PRAGMA synchronous = FULL');
  db.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return db;
}

// A deferred BEGIN takes the write lock only at the first write; if another process committed
// since this transaction's first read, SQLite cannot upgrade the lock and fails at once with
// "database is locked" (the busy timeout does not apply). BEGIN IMMEDIATE takes the write lock
// at the start, waiting up to the busy timeout, so writers from other processes queue. Within
// one process Kysely already runs one transaction at a time on the single connection.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
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
  return new ImmediateSqliteDialect(adapter);
}
