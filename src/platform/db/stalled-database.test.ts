// A PostgreSQL that stops answering (a stalled network, a hung server) must not hold requests
// for a minute: pages fail fast with the error page and /health answers 503 within seconds.
// A TCP proxy in front of the real server stops forwarding to simulate the stall.
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { h1, TestClient } from '../../../test/helpers/app.ts';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../../../test/helpers/database.ts';
import { upsertPerson } from '../auth/people.ts';
import { issueSignInLink } from '../auth/sign-in.ts';
import { buildAssets } from '../http/assets.ts';
import { HEALTH_TIMEOUT_MS } from '../http/health.ts';
import { createDataAccess, DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_STATEMENT_TIMEOUT_MS, postgresTimeouts, type DataAccess } from './database.ts';

/** Forwards TCP to the database until stall() is called; then it keeps every socket open and silent. */
class StallingProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  stalled = false;
  constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      this.#sockets.add(client);
      client.on('close', () => this.#sockets.delete(client));
      client.on('error', () => {});
      if (this.stalled) return client.pause(); // accepted, never answered
      const upstream = connect(target.port, target.host);
      this.#sockets.add(upstream);
      upstream.on('close', () => this.#sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('data', (chunk) => this.stalled || upstream.write(chunk));
      upstream.on('data', (chunk) => this.stalled || client.write(chunk));
      client.on('close', () => upstream.destroy());
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as AddressInfo).port;
  }
  stall(): void {
    this.stalled = true;
  }
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('PostgreSQL timeouts', () => {
  it('default to 5 s to connect and 10 s per statement, and DATABASE_URL can set them', () => {
    assert.equal(DEFAULT_CONNECT_TIMEOUT_S, 5);
    assert.equal(DEFAULT_STATEMENT_TIMEOUT_MS, 10_000);
    assert.deepEqual(postgresTimeouts('postgres://u@h:5432/db'), { connectMs: 5000, statementMs: 10_000 });
    assert.deepEqual(postgresTimeouts('postgres://u@h:5432/db?connect_timeout=2&statement_timeout=1500'), { connectMs: 2000, statementMs: 1500 });
  });
});

describe('a stalled PostgreSQL', { skip: TEST_ENGINE !== 'postgres' && 'PostgreSQL only' }, () => {
  let data: TestData;
  let proxy: StallingProxy;
  let proxied: DataAccess;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let client: TestClient;

  before(async () => {
    data = await createTestDatabase();
    const real = new URL(data.url);
    proxy = new StallingProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const through = new URL(data.url);
    through.hostname = '127.0.0.1';
    through.port = String(await proxy.listen());
    through.searchParams.set('connect_timeout', '1');
    through.searchParams.set('statement_timeout', '1000');
    proxied = createDataAccess(through.toString(), { poolSize: 2 });
    const config = loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://localhost:3000' });
    app = await buildApp({ config, data: proxied, clock: testClock(), assets: buildAssets(), pokeMailWorker: () => {} });
    await app.ready();
    // Signed in while the database answers, so every later page needs the database for the session.
    const { person } = await upsertPerson(proxied.db, { email: 'stall@example.org', name: 'Stall Test', role: 'admin' }, testClock());
    const link = await issueSignInLink(proxied.db, person.id, config.baseUrl, testClock());
    client = new TestClient(app);
    assert.equal((await client.submit(new URL(link).pathname, {})).statusCode, 302);
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });
  after(async () => {
    await app?.close();
    await proxy?.close();
    await proxied?.close();
    await data?.close();
  });

  it('fails a page fast with the error page, and /health says 503 within its limit', { timeout: 30_000 }, async () => {
    proxy.stall();

    let started = Date.now();
    const page = await client.get('/account');
    const pageMs = Date.now() - started;
    assert.equal(page.statusCode, 500);
    assert.equal(h1(page.body), 'Sorry, there is a problem with the service');
    assert.ok(pageMs < 6000, `the page took ${pageMs} ms`);

    started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/health' });
    const healthMs = Date.now() - started;
    assert.equal(res.statusCode, 503);
    assert.equal((res.json() as { failed: string }).failed, 'database');
    assert.ok(healthMs < HEALTH_TIMEOUT_MS + 1000, `/health took ${healthMs} ms`);

    // New connections (the pool's are busy or broken) time out too, rather than waiting for ever.
    started = Date.now();
    const again = await Promise.all([client.get('/account'), client.get('/admin'), client.get('/account')]);
    assert.deepEqual(again.map((r) => r.statusCode), [500, 500, 500]);
    assert.ok(Date.now() - started < 10_000, `three pages at once took ${Date.now() - started} ms`);
  });
});
