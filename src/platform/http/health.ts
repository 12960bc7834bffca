// GET /health: whether this instance can do its work, for the load balancer. It checks what the
// service needs, in order: the database answers, its schema is at this release's migration, and a
// write works (inserted into health_probe and rolled back). 200 when all pass; 503 otherwise,
// naming the check that failed. Answers within HEALTH_TIMEOUT_MS even if the database stalls.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { DataAccess } from '../db/database.ts';
import { migrationNames } from '../db/migrations/index.ts';
import type { AppDeps } from './request-context.ts';

export const HEALTH_TIMEOUT_MS = 3000;

type CheckName = 'database' | 'schema' | 'write';
type CheckResult = 'ok' | 'newer' | 'unreachable' | 'timeout' | 'missing' | 'behind' | 'failed' | 'not checked';
type Checks = Record<CheckName, CheckResult>;
/**
 * What /health sends: `{"status":"ok","database":"ok"}` when every check passes; otherwise
 * `{"status":"error","failed":"schema","database":"ok","schema":"missing","write":"not checked"}`:
 * the first check that failed, and what each check found (the checks after it are not run).
 */
export type HealthReport = { status: 'ok'; database: 'ok' } | ({ status: 'error'; failed: CheckName } & Checks);

/** Rolls the probe's transaction back once its insert has worked. */
class ProbeDone extends Error {}

async function databaseAnswers(data: DataAccess): Promise<CheckResult> {
  try {
    await sql`select 1`.execute(data.db);
    return 'ok';
  } catch {
    return 'unreachable';
  }
}

async function schemaState(data: DataAccess): Promise<CheckResult> {
  let applied: string[];
  try {
    applied = (await sql<{ name: string }>`select name from kysely_migration`.execute(data.db)).rows.map((r) => r.name);
  } catch {
    return 'missing'; // no migration table: an empty database, or the wrong one
  }
  const done = new Set(applied);
  if (migrationNames().some((name) => !done.has(name))) return applied.length ? 'behind' : 'missing';
  // Migrations this release does not know: a newer release has migrated. This instance still
  // works on the schema it knows (migrations only add), so a rolling deploy keeps it in service.
  return applied.length > migrationNames().length ? 'newer' : 'ok';
}

async function writeWorks(data: DataAccess, now: Date): Promise<CheckResult> {
  try {
    await data.db.transaction().execute(async (tx) => {
      // A random id: concurrent probes on PostgreSQL never wait for each other's row.
      await tx.insertInto('health_probe').values({ id: 1 + Math.floor(Math.random() * 2_000_000_000), checked_at: now.toISOString() }).execute();
      throw new ProbeDone();
    });
    return 'failed'; // unreachable: the transaction always throws
  } catch (e) {
    return e instanceof ProbeDone ? 'ok' : 'failed';
  }
}

async function runChecks(data: DataAccess, now: Date, report: Checks, running: { check: CheckName | null }): Promise<void> {
  try {
    running.check = 'database';
    report.database = await databaseAnswers(data);
    if (report.database !== 'ok') return;
    running.check = 'schema';
    report.schema = await schemaState(data);
    if (report.schema !== 'ok' && report.schema !== 'newer') return;
    running.check = 'write';
    report.write = await writeWorks(data, now);
  } finally {
    running.check = null;
  }
}

/** Runs the checks; one that has not answered within timeoutMs (a stalled database) is 'timeout'. */
export async function checkHealth(data: DataAccess, now: Date, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthReport> {
  const report: Checks = { database: 'not checked', schema: 'not checked', write: 'not checked' };
  const running: { check: CheckName | null } = { check: null };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    await Promise.race([runChecks(data, now, report, running), late]);
  } finally {
    clearTimeout(timer);
  }
  // Copy, so a check that answers after the deadline cannot change what was sent.
  const result = { ...report };
  if (running.check) result[running.check] = 'timeout';
  const failed = (['database', 'schema', 'write'] as const).find((k) => !['ok', 'newer'].includes(result[k]));
  return failed ? { status: 'error', failed, ...result } : { status: 'ok', database: 'ok' };
}

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health', async (_request, reply) => {
    const report = await checkHealth(deps.data, deps.clock());
    return reply.code(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store').send(report);
  });
}
