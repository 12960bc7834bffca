// Whatever arrives in the address or a form, the registrations pages answer with a page that
// says what is wrong (or ignore what they cannot use), never a 500, and change nothing they
// should not. Each test has its own app and database.
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { h1 } from '../../../../test/helpers/app.ts';
import { register, seededApp } from './test-factory.ts';

async function setUp(t: TestContext) {
  const s = await seededApp();
  t.after(() => s.t.close());
  const r = await register(s, { fullName: 'Ann Abbott' }, { confirm: true });
  return { s, r };
}

const LONG = 'x'.repeat(20_000);

it('the list ignores filters and notices it cannot use, repeated or far too long, and says so', async (t) => {
  const { s } = await setUp(t);
  for (const query of [
    `?status=new&status=declined`,
    `?page=abc&sort[]=name&dir=sideways`,
    `?q=${LONG}`,
    `?done=accept&done=decline&ok=${LONG}&skipped=1.2.x`,
    `?error=none-selected&error=too-many&matching=-5`,
    `?select=page&select=page&aim=1e9`,
    `?done=note&refused=burn`,
  ]) {
    const res = await s.admin.get(`/admin/registrations${query}`);
    assert.equal(res.statusCode, 200, query.slice(0, 80));
    assert.equal(h1(res.body), 'Registrations', query.slice(0, 80));
  }
  // A repeated filter takes its first value; a value that is not a choice is named as ignored.
  const first = await s.admin.get('/admin/registrations?status=new&status=declined');
  assert.match(first.body, /<strong>1 registration<\/strong> matches/);
  const ignored = await s.admin.get('/admin/registrations?dir=sideways&page=abc');
  assert.match(ignored.body, /sort direction/);
  assert.doesNotMatch(ignored.body, /There is a problem/, 'a notice nobody could have made is not an error summary');
});

it('a registration page: an id that cannot exist is not found; notices it cannot use are ignored', async (t) => {
  const { s, r } = await setUp(t);
  for (const path of ['/admin/registrations/abc', '/admin/registrations/0', '/admin/registrations/-1', `/admin/registrations/${'9'.repeat(30)}`, '/admin/registrations/99999']) {
    assert.equal((await s.admin.get(path)).statusCode, 404, path);
  }
  const res = await s.admin.get(`/admin/registrations/${r.id}?done=accept&done=note&refused[]=decline`);
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /Registration accepted\.|Note added\./, 'a repeated notice says nothing');
  const bad = await s.admin.submit(`/admin/registrations/abc/notes`, { body: 'A note' }, `/admin/registrations/${r.id}`);
  assert.equal(bad.statusCode, 404);
});

it('a note or a decline message sent as a list, missing or far too long is refused with its message, and nothing is saved', async (t) => {
  const { s, r } = await setUp(t);
  const page = `/admin/registrations/${r.id}`;
  const asList = await s.admin.submit(`${page}/notes`, { body: ['one', 'two'] }, page);
  assert.equal(asList.statusCode, 400);
  assert.match(asList.body, /Enter a note/);
  const missing = await s.admin.submit(`${page}/notes`, {}, page);
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Enter a note/);
  const long = await s.admin.submit(`${page}/notes`, { body: LONG }, page);
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /Note must be 2,000 characters or fewer/);
  assert.equal((await s.t.data.db.selectFrom('registration_notes').select('id').execute()).length, 0);

  const decline = await s.admin.submit(`${page}/decline`, { message: LONG }, `${page}/decline`);
  assert.equal(decline.statusCode, 400);
  assert.match(decline.body, /Message must be 2,000 characters or fewer/);
  const declineList = await s.admin.submit(`${page}/decline`, { message: ['a', 'b'] }, `${page}/decline`);
  assert.equal(declineList.statusCode, 400);
  const still = await s.t.data.db.selectFrom('registrations').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
  assert.equal(still.status, 'new', 'not declined');
});

it('accepting: a reason sent as a list or far too long is asked for again; a repeated "yes" is not a confirmation', async (t) => {
  const { s } = await setUp(t);
  const unconfirmed = await register(s, { fullName: 'Ben Brook' });
  const url = `/admin/registrations/${unconfirmed.id}/accept`;
  const from = `/admin/registrations/${unconfirmed.id}`;
  const list = await s.admin.submit(url, { reason: ['one', 'two'] }, from);
  assert.equal(list.statusCode, 400);
  assert.match(list.body, /Say why you are accepting them now/);
  const long = await s.admin.submit(url, { reason: LONG }, from);
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /The reason must be 1000 characters or fewer/);

  const declined = await register(s, { fullName: 'Cat Cole' }, { then: 'decline' });
  const ask = await s.admin.submit(`/admin/registrations/${declined.id}/accept`, { confirm: ['yes', 'yes'] }, `/admin/registrations/${declined.id}`);
  assert.equal(ask.statusCode, 200);
  assert.match(ask.body, /who was declined/, 'asked first');
  const statuses = await s.t.data.db.selectFrom('registrations').select(['id', 'status']).where('id', 'in', [unconfirmed.id, declined.id]).orderBy('id').execute();
  assert.deepEqual(statuses.map((x) => x.status), ['unconfirmed', 'declined']);
});

it('bulk actions: ids that are not numbers, an unknown action, a list where one value belongs, or no form at all change nothing', async (t) => {
  const { s, r } = await setUp(t);
  const bulk = (form: Record<string, string | string[]>) => s.admin.submit('/admin/registrations/bulk', form, '/admin/registrations');
  const cases: Record<string, string | string[]>[] = [
    { action: 'accept', ids: ['abc', '-1', LONG] },
    { action: 'burn', ids: [String(r.id)] },
    { action: ['accept', 'decline'], ids: [String(r.id)] },
    { action: 'accept', ids: Array.from({ length: 501 }, (_, i) => String(i + 1)) },
    {},
  ];
  for (const form of cases) {
    const res = await bulk(form);
    assert.equal(res.statusCode, 302, JSON.stringify(form).slice(0, 80));
    const next = await s.admin.get(res.headers.location!);
    assert.equal(next.statusCode, 200);
    assert.match(next.body, /There is a problem/, JSON.stringify(form).slice(0, 80));
  }
  const still = await s.t.data.db.selectFrom('registrations').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
  assert.equal(still.status, 'new');
  // A repeated "back" or "scope" is ignored: the ticked registration is acted on, and only it.
  const other = await register(s, { fullName: 'Ben Brook' }, { confirm: true });
  const res = await bulk({ action: 'accept', ids: [String(r.id)], back: ['?status=new', '?x'], scope: ['all', 'all'] });
  assert.equal(res.headers.location, `/admin/registrations?done=accept&ok=1`);
  const after = await s.t.data.db.selectFrom('registrations').select(['id', 'status']).where('id', 'in', [r.id, other.id]).orderBy('id').execute();
  assert.deepEqual(after.map((x) => x.status), ['accepted', 'new']);
  // A body the form kit cannot read at all is refused as a whole, before anything runs.
  const json = await s.admin.request({ method: 'POST', url: '/admin/registrations/bulk', payload: '{"ids":[1]}', headers: { 'content-type': 'application/json' } });
  assert.equal(json.statusCode, 415);
});

it('exports ignore filters they cannot use rather than failing', async (t) => {
  const { s } = await setUp(t);
  for (const kind of ['csv', 'xlsx']) {
    const res = await s.admin.get(`/admin/registrations/export.${kind}?status=burn&status=new&page=${LONG}&aim[]=1`);
    assert.equal(res.statusCode, 200, kind);
  }
  const csv = await s.admin.get('/admin/registrations/export.csv?status=new&status=declined');
  assert.match(csv.body, /Ann Abbott/, 'the first of a repeated filter applies');
});
