// The admin pages (people, audit log, outbox) given addresses and forms nobody's browser would
// send: a page that says what is wrong, or what they cannot use ignored, never a 500. Each test
// has its own app and database.
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { createTestApp, h1 } from '../../../test/helpers/app.ts';
import { findPersonByEmail } from '../../platform/auth/people.ts';

async function setUp(t: TestContext) {
  const app = await createTestApp({ seed: true });
  t.after(() => app.close());
  return { t: app, admin: await app.signedIn('admin', 'lead.admin@example.org') };
}

const LONG = 'x'.repeat(20_000);

it('list pages ignore query values they cannot use, repeated or far too long', async (t) => {
  const { admin } = await setUp(t);
  for (const url of [
    `/admin/people?page=abc&q=${LONG}`,
    '/admin/people?page=1&page=2&q=a&q=b&added=1&added=1',
    `/admin/audit?action=${LONG}&who=abc&from=2026-02-31&to[]=1&page=-3`,
    '/admin/audit?who=1&who=2&from=2026-01-01&from=2026-02-01',
    '/admin/mail?retried=1&retried=1',
  ]) {
    const res = await admin.get(url);
    assert.equal(res.statusCode, 200, url.slice(0, 80));
  }
  const repeated = await admin.get('/admin/people?added=1&added=1');
  assert.doesNotMatch(repeated.body, /Person added/, 'a repeated notice says nothing');
  assert.match((await admin.get('/admin/people?added=1')).body, /Person added/);
});

it('a person page: an id that cannot exist is not found, and an unknown notice is ignored', async (t) => {
  const { admin } = await setUp(t);
  for (const path of ['/admin/people/abc', '/admin/people/0', `/admin/people/${'9'.repeat(30)}`, '/admin/people/99999']) {
    assert.equal((await admin.get(path)).statusCode, 404, path);
  }
  assert.equal((await admin.submit('/admin/people/abc/role', { role: 'admin' }, '/admin/people')).statusCode, 404);
  assert.equal((await admin.submit('/admin/mail/abc/retry', {}, '/admin/mail')).statusCode, 404);
  const page = await admin.get(`/admin/people/${admin.personId}?done=burn&done=role`);
  assert.equal(page.statusCode, 200);
  assert.doesNotMatch(page.body, /Role changed/);
});

it('adding a person: lists, missing fields and far too long values are refused with their messages, and no one is added', async (t) => {
  const { t: app, admin } = await setUp(t);
  const add = (form: Record<string, string | string[]>) => admin.submit('/admin/people/new', form, '/admin/people/new');
  const list = await add({ name: ['Ann', 'Abbott'], email: ['ann@example.org', 'b@example.org'], role: ['admin', 'observer'] });
  assert.equal(list.statusCode, 400);
  assert.match(list.body, /Enter their full name/);
  assert.match(list.body, /Enter their email address/);
  assert.match(list.body, /Select a role/);
  const missing = await add({});
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Enter their full name/);
  const long = await add({ name: LONG, email: `${LONG}@example.org`, role: LONG });
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /Name must be 200 characters or fewer/);
  assert.match(long.body, /Email address must be 254 characters or fewer/);
  assert.ok(!long.body.includes('x'.repeat(255)), 'what is shown again is cut to the field’s length');
  assert.equal(await findPersonByEmail(app.data.db, 'ann@example.org'), undefined);
});

it('changing a role sent as a list or unknown is refused on the person page, and the role stays', async (t) => {
  const { t: app, admin } = await setUp(t);
  const other = await app.signedIn('observer', 'olu.observer@example.org');
  for (const role of [['admin', 'admin'], 'emperor', LONG]) {
    const res = await admin.submit(`/admin/people/${other.personId}/role`, { role }, `/admin/people/${other.personId}`);
    assert.equal(res.statusCode, 400);
    assert.equal(h1(res.body), 'Test observer');
    assert.match(res.body, /Select a role/);
  }
  assert.equal((await findPersonByEmail(app.data.db, 'olu.observer@example.org'))?.role, 'observer');
});
