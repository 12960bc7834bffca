import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { ZodTypeProvider } from './zod-schemas.ts';

describe('zod schemas on routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({
      routes: (app) => {
        app.withTypeProvider<ZodTypeProvider>().get(
          '/test/items/:id',
          { schema: { params: z.object({ id: z.coerce.number().int().positive() }), querystring: z.object({ page: z.coerce.number().int().min(1).default(1) }) } },
          // Typed: id and page are numbers here, with no casts.
          async (request) => ({ id: request.params.id + 0, page: request.query.page + 0 }),
        );
      },
    });
  });
  afterEach(() => t.close());

  it('gives the route typed, coerced values with defaults', async () => {
    const res = await t.app.inject({ url: '/test/items/7?page=3', headers: { accept: 'application/json' } });
    assert.deepEqual(res.json(), { id: 7, page: 3 });
    assert.deepEqual((await t.app.inject({ url: '/test/items/7', headers: { accept: 'application/json' } })).json(), { id: 7, page: 1 });
  });

  it('answers a bad path parameter with the not-found page and a bad query string with 400, never a 500', async () => {
    const notFound = await t.app.inject({ url: '/test/items/abc', headers: { accept: 'text/html' } });
    assert.equal(notFound.statusCode, 404);
    assert.match(notFound.body, /Page not found/);
    const bad = await t.app.inject({ url: '/test/items/7?page=0', headers: { accept: 'text/html' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /there is a problem with that request/i);
  });
});
