// Rate-limit counters: the database store counts atomically, per route, in windows that end, and
// keeps no personal data; on PostgreSQL two instances of the service share one limit; on SQLite
// the counters stay in memory.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { createTestApp, TestClient, type TestApp } from '../../../test/helpers/app.ts';
import { testClock, type TestClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../../../test/helpers/database.ts';
import { ACCOUNT_SIGN_IN_LIMIT } from '../auth/routes.ts';
import { buildAssets } from './assets.ts';
import { databaseRateLimitStore, deleteEndedRateLimits, formRateLimit } from './rate-limits.ts';

type Result = { current: number; ttl: number };
type Store = {
  incr(key: string, cb: (e: Error | null, r?: Result) => void, timeWindow: number, max: number): void;
  read(key: string, cb: (e: Error | null, r?: Result) => void): void;
  child(options: object): Store;
};

const WINDOW = 10 * 60_000;

describe(`the database rate-limit store on ${TEST_ENGINE}`, () => {
  let data: TestData;
  let clock: TestClock;
  let route: Store;

  const incr = (store: Store, key: string, max = 5) => new Promise<Result>((resolve, reject) => store.incr(key, (e, r) => (e ? reject(e) : resolve(r!)), WINDOW, max));
  const read = (store: Store, key: string) => new Promise<Result>((resolve, reject) => store.read(key, (e, r) => (e ? reject(e) : resolve(r!))));
  const storeFor = (url: string, options: object = {}) => {
    const Root = databaseRateLimitStore(data.db, clock);
    return (new Root({}) as unknown as Store).child({ ...options, routeInfo: { method: 'POST', url } });
  };

  beforeEach(async () => {
    data = await createTestDatabase();
    clock = testClock('2026-03-10T12:00:00Z');
    route = storeFor('/sign-in');
  });
  afterEach(() => data.close());

  it('counts each hit in the window, with the time left, and starts again when the window ends', async () => {
    assert.deepEqual(await incr(route, '192.0.2.1'), { current: 1, ttl: WINDOW });
    clock.advance(60_000);
    assert.deepEqual(await incr(route, '192.0.2.1'), { current: 2, ttl: WINDOW - 60_000 });
    assert.deepEqual(await read(route, '192.0.2.1'), { current: 2, ttl: WINDOW - 60_000 }, 'read adds no hit');
    assert.deepEqual(await read(route, '192.0.2.99'), { current: 0, ttl: 0 });
    clock.advance(WINDOW - 60_000);
    assert.deepEqual(await read(route, '192.0.2.1'), { current: 0, ttl: 0 }, 'the window has ended');
    assert.deepEqual(await incr(route, '192.0.2.1'), { current: 1, ttl: WINDOW });
  });

  it('counts each route and each key on its own', async () => {
    const other = storeFor('/register/:slug');
    await incr(route, 'a@example.org');
    await incr(route, 'a@example.org');
    assert.equal((await incr(other, 'a@example.org')).current, 1);
    assert.equal((await incr(route, 'b@example.org')).current, 1);
    assert.equal((await incr(route, 'a@example.org')).current, 3);
  });

  it('counts hits that arrive at the same moment once each', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => incr(route, 'burst')));
    assert.deepEqual(results.map((r) => r.current).sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('with continueExceeding, a refused hit starts the window again', async () => {
    const strict = storeFor('/strict', { continueExceeding: true });
    for (let i = 0; i < 2; i++) await incr(strict, 'k', 2);
    clock.advance(5 * 60_000);
    assert.deepEqual(await incr(strict, 'k', 2), { current: 3, ttl: WINDOW });
  });

  it('keeps no address or email address, only hashes', async () => {
    for (const key of ['192.0.2.1', '2001:db8::1', 'a@example.org', 'b@example.org']) await incr(route, key);
    await incr(storeFor('/register/:slug'), 'a@example.org');
    const rows = await data.db.selectFrom('rate_limits').selectAll().execute();
    assert.ok(rows.length >= 5);
    for (const row of rows) assert.match(row.key, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(rows).includes('example.org'));
  });

  it('clears away the counters of ended windows, on the side and when asked', async () => {
    await incr(route, 'stays');
    clock.advance(WINDOW + 1);
    await incr(route, 'new');
    // The store cleared ended windows on the side after that hit, or the next call does.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await deleteEndedRateLimits(data.db, clock);
    const rows = await data.db.selectFrom('rate_limits').selectAll().execute();
    assert.equal(rows.length, 1, 'only the counter whose window is still open');
    assert.ok(rows[0]!.window_ends_at > clock().toISOString());
  });

  it('refuses exponential back-off rather than ignore it', () => {
    assert.throws(() => storeFor('/x', { exponentialBackoff: true }), /exponential back-off/);
  });
});

/** A second instance of the service on the same database (and clock). */
async function secondInstance(t: TestApp): Promise<FastifyInstance> {
  const app = await buildApp({ config: t.config, data: t.data, clock: t.clock, assets: buildAssets(), pokeMailWorker: () => {} });
  limitedRoute(app);
  await app.ready();
  return app;
}

const limitedRoute = (app: FastifyInstance) => app.get('/test-only/limited', { config: formRateLimit(5) }, async () => 'ok');

/** POSTs /sign-in for email through one instance, from the address `from`. */
async function askForLink(app: FastifyInstance, email: string, from: string): Promise<number> {
  const c = new TestClient(app);
  const token = await c.csrfToken();
  const res = await c.request({ method: 'POST', url: '/sign-in', remoteAddress: from, payload: new URLSearchParams({ email, _csrf: token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return res.statusCode;
}

describe(`rate limits across instances on ${TEST_ENGINE}`, () => {
  let t: TestApp;
  let other: FastifyInstance | undefined;
  beforeEach(async () => {
    t = await createTestApp({ routes: limitedRoute });
    if (TEST_ENGINE === 'postgres') other = await secondInstance(t);
  });
  afterEach(async () => {
    await other?.close();
    await t.close();
  });

  const hit = (app: FastifyInstance, from: string) => app.inject({ method: 'GET', url: '/test-only/limited', remoteAddress: from, headers: { accept: 'text/html' } });

  it('holds one limit for the service as a whole: hits split across two instances are refused once the total is reached', { skip: TEST_ENGINE === 'sqlite' && 'SQLite is one process: there is no second instance to share counters with' }, async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await hit(i % 2 ? other! : t.app, '198.51.100.7')).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429]);
    const refused = await hit(other!, '198.51.100.7');
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /you have tried too many times/);
    assert.equal(refused.headers['retry-after'], '600');
    // Another address has its own count, on either instance.
    assert.equal((await hit(other!, '198.51.100.8')).statusCode, 200);

    // One email address's sign-in links, asked for from many addresses through both instances.
    const links: number[] = [];
    for (let i = 1; i <= ACCOUNT_SIGN_IN_LIMIT.max + 1; i++) links.push(await askForLink(i % 2 ? other! : t.app, 'target@example.org', `203.0.113.${i}`));
    assert.deepEqual(links, [...Array<number>(ACCOUNT_SIGN_IN_LIMIT.max).fill(302), 429]);

    // The window ends for both instances at once.
    t.clock.advance(10 * 60_000);
    assert.equal((await hit(other!, '198.51.100.7')).statusCode, 200);
    assert.equal((await hit(t.app, '198.51.100.7')).statusCode, 200);
  });

  it(TEST_ENGINE === 'postgres' ? 'keeps the counters in the database' : 'keeps the counters in memory, with nothing in the database', async () => {
    const before = await t.data.db.selectFrom('rate_limits').selectAll().execute();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await hit(t.app, '192.0.2.50')).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 200, 200, 429]);
    const rows = await t.data.db.selectFrom('rate_limits').selectAll().execute();
    if (TEST_ENGINE === 'postgres') assert.equal(rows.length, before.length + 1);
    else assert.equal(rows.length, 0);
  });
});
