// Shared pieces for the benchmarks: a load run with autocannon, a bare node:http server that
// sends given bytes, and a fresh app on a temporary database.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoProgramme } from '../src/features/programme/seed.ts';
import { seedOrganisations } from '../src/features/registration/organisations.ts';
import { createDataAccess, type DataAccess } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrations/index.ts';
import { buildAssets } from '../src/platform/http/assets.ts';
import { systemClock } from '../src/platform/time.ts';

export type Measured = { rps: number; p99: number; p95?: number; errors: number };

/** A bounded load run: fixed connections and duration, loopback only. */
export async function measure(url: string, options: { connections?: number; seconds?: number; headers?: Record<string, string> } = {}): Promise<Measured> {
  const result = await autocannon({ url, connections: options.connections ?? 10, duration: options.seconds ?? 5, headers: options.headers });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** A node:http server that answers every request with exactly these bytes and headers. */
export async function bareServer(body: Buffer, headers: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export type BenchApp = { app: FastifyInstance; data: DataAccess; url: string; databaseUrl: string; close(): Promise<void> };

/** The real app on a fresh database: a file-backed SQLite in a temp folder, or DATABASE_URL's PostgreSQL. */
export async function startApp(serverUrl?: string): Promise<BenchApp> {
  const dir = mkdtempSync(join(tmpdir(), 'coproduce-bench-'));
  // On PostgreSQL the benchmark makes a database of its own on that server and drops it after.
  let url = `sqlite:${join(dir, 'bench.sqlite')}`;
  let dropDatabase = async () => {};
  if (serverUrl) {
    const name = `coproduce_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const data = createDataAccess(url, { poolSize: 10 });
  await migrateToLatest(data);
  await seedOrganisations(data.db);
  await seedDemoProgramme(data.db, systemClock);
  const config = loadConfig({ NODE_ENV: 'production', BASE_URL: 'http://127.0.0.1', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, data, clock: systemClock, assets: buildAssets(), pokeMailWorker: () => {} });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    data,
    url: `http://127.0.0.1:${port}`,
    databaseUrl: url,
    async close() {
      await app.close();
      await data.close();
      await dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ')).join('\n');
}

export const fmt = (n: number, digits = 0) => Number(n.toFixed(digits));

/** Which engine a database URL names, for the benches' headings. */
export const engineOf = (url: string) => (url.startsWith('postgres') ? 'postgres' : 'sqlite');

/** p50 and p95 of a list of times, in ms to one decimal place. */
export function percentiles(times: number[]): [number, number] {
  const sorted = [...times].sort((a, b) => a - b);
  return [fmt(sorted[Math.floor(sorted.length * 0.5)]!, 1), fmt(sorted[Math.ceil(sorted.length * 0.95) - 1]!, 1)];
}

/** Times `run` one call after another: `warmUp` calls not counted, then `repeats` counted (ms each). */
export async function timed(run: () => Promise<unknown>, repeats: number, warmUp: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < repeats + warmUp; i++) {
    const s = performance.now();
    await run();
    if (i >= warmUp) times.push(performance.now() - s);
  }
  return times;
}
