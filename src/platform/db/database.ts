// One factory for both engines. Everything above this file sees only Kysely<Database>.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDialect, openSqlite } from './sqlite-dialect.ts';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DataAccess {
  db: Db;
  engine: Engine;
  close(): Promise<void>;
}

// pg returns timestamptz as Date and bigint/date as other shapes; make both engines hand back
// the same plain strings and numbers so no code above here branches on the engine.
const TIMESTAMPTZ = 1184;
const DATE = 1082;
const INT8 = 20;
const NUMERIC = 1700;
function pgTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === TIMESTAMPTZ) return (v) => new Date(v).toISOString();
  if (oid === DATE) return (v) => v;
  if (oid === INT8 || oid === NUMERIC) return (v) => Number(v);
  return pg.types.getTypeParser(oid, format as 'text');
}

export function createDataAccess(databaseUrl: string, options: { poolSize?: number } = {}): DataAccess {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const raw = openSqlite(path);
    const db = new Kysely<Database>({ dialect: nodeSqliteDialect(raw) });
    return { db, engine: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    types: { getTypeParser: pgTypeParser as never },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}

/** Runs fn in one transaction: the change and anything it queues (outbox, audit) commit together. */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
