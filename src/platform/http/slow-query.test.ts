// A request whose query runs past the statement timeout asked for too much at once: it gets a
// "that took too long" page (503, try again or ask for less), not the "problem with the service"
// page, and nothing else is affected. PostgreSQL enforces the timeout; on SQLite the error is
// raised as PostgreSQL raises it, so the page is checked on both.
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';

let t: TestApp | undefined;
afterEach(() => t?.close());

it(`answers a query past the statement timeout with the "took too long" page on ${TEST_ENGINE}`, async () => {
  t = await createTestApp({
    routes: (app) => {
      app.get('/test/slow', async () => {
        if (TEST_ENGINE === 'postgres') {
          // One connection, so the short timeout applies to the sleep (and is put back before it returns to the pool).
          await t!.data.db.connection().execute(async (c) => {
            await sql`set statement_timeout = 50`.execute(c);
            try {
              await sql`select pg_sleep(1)`.execute(c);
            } finally {
              await sql`set statement_timeout = default`.execute(c);
            }
          });
          return 'not reached';
        }
        throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
      });
    },
  });
  const res = await t.client().get('/test/slow');
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /Sorry, that took too long/);
  assert.match(res.body, /ask for less at once/);
  assert.equal((await t.client().get('/health')).statusCode, 200, 'the service itself is fine');
});
