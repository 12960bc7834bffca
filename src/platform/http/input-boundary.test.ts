// NUL and other control characters never reach a route: on PostgreSQL a NUL in text is an error
// (a 500), and a NUL kept in a row corrupts every export of it. The boundary marks each as
// unreadable (U+FFFD), so text answers are refused with their own message and nothing stores one.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { upsertPerson } from '../auth/people.ts';
import { markControlCharacters } from './input-boundary.ts';

describe(`control characters in input on ${TEST_ENGINE}`, () => {
  let t: TestApp;
  let seen: { query: unknown; body: unknown; params: unknown } | null = null;
  beforeEach(async () => {
    t = await createTestApp({
      seed: true,
      routes: (app) => {
        const record = (request: { query: unknown; body: unknown; params: unknown }) => {
          seen = { query: request.query, body: request.body, params: request.params };
          return { ok: true };
        };
        app.get('/test-only/echo/:word', async (request) => record(request));
        app.post('/test-only/echo/:word', async (request) => record(request));
      },
    });
    await upsertPerson(t.data.db, { email: 'pat.jones@example.org', name: 'Pat Jones', role: 'participant' }, t.clock);
  });
  afterEach(() => t.close());

  it('marks NUL and other C0 controls in query strings, form bodies and path parameters as unreadable (U+FFFD), keeping tab, CR and LF', async () => {
    const c = t.client();
    const get = await c.get('/test-only/echo/a%00b?q=x%00y&list=1%01&list=2%7F&k%00=v');
    assert.equal(get.statusCode, 200);
    assert.deepEqual({ ...(seen!.query as object) }, { q: 'x\uFFFDy', list: ['1\uFFFD', '2\uFFFD'], 'k\uFFFD': 'v' });
    assert.deepEqual({ ...(seen!.params as object) }, { word: 'a\uFFFDb' });

    const token = await c.csrfToken();
    const post = await c.post('/test-only/echo/w', { note: 'line one\r\nline\ttwo\u0000\u000B\u001B', many: ['a\u0000', 'b'] }, token);
    assert.equal(post.statusCode, 200);
    const body = seen!.body as Record<string, unknown>;
    assert.equal(body.note, 'line one\r\nline\ttwo\uFFFD\uFFFD\uFFFD');
    assert.deepEqual(body.many, ['a\uFFFD', 'b']);
  });

  it('answers a search with a NUL in its query string with the page, not a 500', async () => {
    const admin = await t.signedIn('admin');
    const res = await admin.get('/admin/registrations?q=a%00b');
    assert.equal(res.statusCode, 200);
  });

  it('answers a form sent with a NUL in a field with a page, not a 500, and stores no NUL', async () => {
    const admin = await t.signedIn('admin');
    const res = await admin.submit('/admin/people/new', { name: 'Nul\u0000 Person', email: 'nul@example.org', role: 'observer' }, '/admin/people/new');
    assert.ok(res.statusCode < 500, `answered ${res.statusCode}`);
    const people = await t.data.db.selectFrom('people').select('name').execute();
    assert.ok(people.every((p) => !p.name.includes('\u0000')));
  });

  it('refuses a sign-in email sent with a NUL in it as badly formed', async () => {
    const res = await t.client().submit('/sign-in', { email: 'pat.jones\u0000@example.org' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter an email address in the correct format/);
    const mail = await t.data.db.selectFrom('outbox').select('to_address').where('to_address', 'like', 'pat.jones%').execute();
    assert.equal(mail.length, 0, 'no sign-in link was queued');
  });

  it('lets the text-field check refuse a control character with its own message', async () => {
    const res = await t.client().submit('/register/name', { fullName: 'Sam\u0000 Smith' }, '/register/name');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Full name contains characters we cannot read/);
  });

  it('marks nested values too, and leaves readable text alone', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(markControlCharacters({ a: ['x\u0000', { b: 'y\u0008' }], n: 1 }))), { a: ['x\uFFFD', { b: 'y\uFFFD' }], n: 1 });
    assert.equal(markControlCharacters('Zoë\tO’Brien\r\n'), 'Zoë\tO’Brien\r\n');
  });
});
