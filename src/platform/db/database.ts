// One factory for both engines. The app holds the whole Kysely<Database>; each feature's queries
// see only a Scoped handle of their own tables.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, type ColumnType, type Selectable, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDialect, openSqlite } from './sqlite-dialect.ts';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** A table that can be read but not written: every column's insert and update types are never. */
type ReadOnly<T> = { [K in keyof T]: ColumnType<Selectable<T>[K & keyof Selectable<T>], never, never> };

/**
 * A handle typed to some tables only, so a query that reaches into another feature's table fails
 * `npm run check`. `Reads` are tables it may read but never write (the platform's people table,
 * for names). It is the same connection or transaction at run time.
 */
export type Scoped<Own extends keyof Database, Reads extends keyof Database = never> = Kysely<Pick<Database, Own> & { [K in Reads]: ReadOnly<Database[K]> }>;

/** Narrows the app's handle (or a transaction on it) for a feature's queries. */
export function scoped<Own extends keyof Database, Reads extends keyof Database = never>(db: Db | Tx): Scoped<Own, Reads> {
  return db as unknown as Scoped<Own, Reads>;
}

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

/** Waiting for a PostgreSQL connection (a new one, or a free one from the pool), in seconds. */
export const DEFAULT_CONNECT_TIMEOUT_S = 5;
/** The longest one statement may run on PostgreSQL, in milliseconds. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/** Beyond the statement timeout, how long to wait for the server's answer before giving up on it. */
const NETWORK_GRACE_MS = 2000;

/**
 * The PostgreSQL timeouts, from DATABASE_URL's `connect_timeout` (seconds, as libpq reads it)
 * and `statement_timeout` (milliseconds) parameters, or the defaults. Without them a stalled
 * database held every request (and /health) for a minute or more.
 */
export function postgresTimeouts(databaseUrl: string): { connectMs: number; statementMs: number } {
  const params = new URL(databaseUrl).searchParams;
  const connect = params.get('connect_timeout');
  const statement = params.get('statement_timeout');
  return {
    connectMs: (connect ? Number(connect) : DEFAULT_CONNECT_TIMEOUT_S) * 1000,
    statementMs: statement ? Number(statement) : DEFAULT_STATEMENT_TIMEOUT_MS,
  };
}

export function createDataAccess(databaseUrl: string, options: { poolSize?: number } = {}): DataAccess {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const raw = openSqlite(path);
    const db = new Kysely<Database>({ dialect: nodeSqliteDialect(raw) });
    return { db, engine: 'sqlite', close: () => db.destroy() };
  }
  const { connectMs, statementMs } = postgresTimeouts(databaseUrl);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    types: { getTypeParser: pgTypeParser as never },
    // A connection that cannot be made, or a pool with no free connection, fails after this.
    connectionTimeoutMillis: connectMs,
    // The server cancels a statement that runs longer (a lock wait, a runaway query) ...
    statement_timeout: statementMs,
    // ... and a server that stops answering at all (a stalled network) is given up on here.
    query_timeout: statementMs + NETWORK_GRACE_MS,
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}

/**
 * Runs fn in one transaction: the change and anything it queues (outbox, audit) commit together.
 * Called with a transaction, it runs fn in that one (the caller's transaction already holds the change).
 */
export function inTransaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Tx) : db.transaction().execute(fn);
}
