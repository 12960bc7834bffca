// A server of its own process for the page benchmarks, so that the load generator (in the bench's
// process) never shares a thread with it, and its CPU time per request can be read:
//   node bench/page-server.ts app DATABASE_URL       the real app on that (seeded) database
//   node bench/page-server.ts bare SOURCE_URL        the bytes and headers SOURCE_URL answers with
//   node bench/page-server.ts plain SOURCE_URL       the same bytes with only their content type
// It tells its parent its address, then answers "cpu" with its CPU time so far (microseconds).
import type { AddressInfo } from 'node:net';
import { bareServer } from './lib.ts';

// Headers node:http writes itself (or that describe this one connection) are left to the bare server.
export const OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function start(kind: string, target: string): Promise<string> {
  if (kind === 'app') {
    const [{ buildApp }, { loadConfig }, { createDataAccess }, { buildAssets }, { systemClock }] = await Promise.all([
      import('../src/app.ts'),
      import('../src/config.ts'),
      import('../src/platform/db/database.ts'),
      import('../src/platform/http/assets.ts'),
      import('../src/platform/time.ts'),
    ]);
    const data = createDataAccess(target, { poolSize: 10 });
    const config = loadConfig({ NODE_ENV: 'production', BASE_URL: 'http://127.0.0.1', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: target, LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, data, clock: systemClock, assets: buildAssets(), pokeMailWorker: () => {} });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }
  const res = await fetch(target, { headers: { accept: 'text/html' } });
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!OWN_HEADERS.has(name)) headers[name] = value;
  });
  const server = await bareServer(body, kind === 'bare' ? headers : { 'content-type': headers['content-type'] ?? 'text/plain' });
  return server.url;
}

if (process.send) {
  const [kind, target] = process.argv.slice(2);
  const url = await start(kind!, target!);
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send!({ cpu: user + system });
  });
  process.send({ url });
}
