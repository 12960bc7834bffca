import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { upsertPerson } from './people.ts';

function linkFrom(text: string): string {
  const m = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(text);
  assert.ok(m, 'email contains a sign-in link');
  return new URL(m[0]).pathname;
}

async function lastMailTo(t: TestApp, email: string) {
  return t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('id', 'desc').executeTakeFirst();
}

describe('passwordless sign-in', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await upsertPerson(t.data.db, { email: 'Pat.Jones@Example.org', name: 'Pat Jones', role: 'participant' }, t.clock);
  });
  afterEach(() => t.close());

  it('emails a link that signs in once, and only once', async () => {
    const c = t.client();
    const res = await c.submit('/sign-in', { email: 'pat.jones@example.org' });
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/sign-in/check-email');
    const mail = await lastMailTo(t, 'Pat.Jones@Example.org');
    assert.ok(mail, 'an email was queued (email matched case-insensitively)');
    assert.ok(mail.html_body?.includes('/sign-in/'));
    const path = linkFrom(mail.text_body);

    const confirm = await c.get(path);
    assert.equal(confirm.statusCode, 200);
    assert.equal(h1(confirm.body), 'Sign in to Coproduce');
    const signedIn = await c.submit(path, {}, path);
    assert.equal(signedIn.statusCode, 302);
    assert.equal(signedIn.headers.location, '/my');
    const my = await c.get('/my');
    assert.equal(my.statusCode, 200);
    assert.match(my.body, /Pat Jones/);

    const other = t.client();
    const again = await other.get(path);
    assert.equal(again.statusCode, 400);
    assert.match(h1(again.body), /expired or has already been used/);
    const reuse = await other.submit(path, {});
    assert.equal(reuse.statusCode, 400);
    assert.equal((await other.get('/my')).statusCode, 302, 'second use did not sign in');
  });

  it('returns to the page the person was going to, and never to another site', async () => {
    const c = t.client();
    const away = await c.get('/my/details');
    assert.equal(away.headers.location, '/sign-in?next=%2Fmy%2Fdetails');
    const form = await c.get(away.headers.location!);
    assert.match(form.body, /name="next" value="\/my\/details"/);
    await c.submit('/sign-in', { email: 'pat.jones@example.org', next: '/my/details' });
    const mail = (await lastMailTo(t, 'Pat.Jones@Example.org'))!;
    const link = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+\?next=%2Fmy%2Fdetails/.exec(mail.text_body)?.[0];
    assert.ok(link, 'the emailed link carries where they were going');
    const path = new URL(link).pathname + new URL(link).search;
    const page = await c.get(path);
    assert.match(page.body, /name="next" value="\/my\/details"/);
    const signedIn = await c.submit(new URL(link).pathname, { next: '/my/details' }, path);
    assert.equal(signedIn.headers.location, '/my/details');

    // A next that leaves the site is ignored: the person lands on their own page.
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const other = t.client();
      await other.submit('/sign-in', { email: 'pat.jones@example.org', next });
      const text = (await lastMailTo(t, 'Pat.Jones@Example.org'))!.text_body;
      assert.doesNotMatch(text, /next=/, `not carried: ${next}`);
      const p = linkFrom(text);
      const done = await other.submit(p, { next }, p);
      assert.equal(done.headers.location, '/my');
    }
  });

  it('stores only a hash of the token', async () => {
    const c = t.client();
    await c.submit('/sign-in', { email: 'pat.jones@example.org' });
    const path = linkFrom((await lastMailTo(t, 'Pat.Jones@Example.org'))!.text_body);
    const token = path.split('/').pop()!;
    const rows = await t.data.db.selectFrom('sign_in_tokens').select('token_hash').execute();
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.token_hash !== token && !r.token_hash.includes(token)));
  });

  it('expires the link after 15 minutes', async () => {
    const c = t.client();
    await c.submit('/sign-in', { email: 'pat.jones@example.org' });
    const path = linkFrom((await lastMailTo(t, 'Pat.Jones@Example.org'))!.text_body);
    const token = await c.csrfToken(path);
    t.clock.advance(15 * 60_000 + 1000);
    try {
      const res = await c.post(path, {}, token);
      assert.equal(res.statusCode, 400);
      assert.equal((await c.get('/my')).statusCode, 302);
    } finally {
      t.clock.advance(-(15 * 60_000 + 1000));
    }
  });

  it('says the same thing for an unknown email, and sends nothing', async () => {
    const before = await t.data.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const known = await t.client().submit('/sign-in', { email: 'pat.jones@example.org' });
    const unknown = await t.client().submit('/sign-in', { email: 'nobody@example.org' });
    assert.equal(unknown.statusCode, known.statusCode);
    assert.equal(unknown.headers.location, known.headers.location);
    const page = await t.client().get(unknown.headers.location as string);
    assert.match(page.body, /If we have an account for that email address/);
    const afterCount = await t.data.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n) + 1, 'only the known address got mail');
    assert.equal(await lastMailTo(t, 'nobody@example.org'), undefined);
  });

  it('shows an error for a badly formed email', async () => {
    const res = await t.client().submit('/sign-in', { email: 'not an email' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /href="#email"/);
    assert.match(res.body, /Enter an email address in the correct format/);
  });
});

describe('sign-in rate limit', () => {
  let t: TestApp;
  beforeEach(async () => (t = await createTestApp()));
  afterEach(() => t.close());

  it('refuses a sixth request for the same email inside ten minutes with a 429 page', async () => {
    const c = t.client();
    const token = await c.csrfToken();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await c.post('/sign-in', { email: i % 2 ? 'Same@example.org' : 'same@example.org ' }, token)).statusCode);
    assert.deepEqual(codes, [302, 302, 302, 302, 302, 429]);
    const res = await c.post('/sign-in', { email: 'same@example.org' }, token);
    assert.equal(res.statusCode, 429);
    assert.match(h1(res.body), /tried too many times/);
    // Colleagues behind the same hospital address can still ask for their own links.
    assert.equal((await c.post('/sign-in', { email: 'colleague@example.org' }, token)).statusCode, 302);
  });
});

describe('sessions', () => {
  let t: TestApp;
  beforeEach(async () => (t = await createTestApp()));
  afterEach(() => t.close());

  it('ends on sign out', async () => {
    const c = await t.signedIn('participant');
    assert.equal((await c.get('/my')).statusCode, 200);
    const out = await c.submit('/sign-out', {}, '/my');
    assert.equal(out.headers.location, '/signed-out');
    assert.equal((await c.get('/my')).statusCode, 302);
    const sessions = await t.data.db.selectFrom('sessions').selectAll().where('person_id', '=', c.personId).execute();
    assert.equal(sessions.length, 0);
  });

  it('ends everywhere on "sign out everywhere"', async () => {
    const a = await t.signedIn('facilitator', 'fac@example.org');
    const b = await t.signedIn('facilitator', 'fac@example.org');
    assert.equal((await b.get('/facilitate')).statusCode, 200);
    const account = await a.get('/account');
    assert.match(account.body, /signed in on 2 devices or browsers/);
    const res = await a.submit('/sign-out-everywhere', {}, '/account');
    assert.equal(res.headers.location, '/signed-out?everywhere=1');
    assert.equal((await a.get('/facilitate')).statusCode, 302);
    assert.equal((await b.get('/facilitate')).statusCode, 302);
  });

  it('expires after two hours without a request', async () => {
    const c = await t.signedIn('observer');
    t.clock.advance(119 * 60_000);
    assert.equal((await c.get('/reports')).statusCode, 200, 'still signed in just before');
    t.clock.advance(121 * 60_000);
    assert.equal((await c.get('/reports')).statusCode, 302, 'signed out after 2 idle hours');
  });

  it('sets a __Host- cookie that is HttpOnly, SameSite=Lax and Secure', async () => {
    const t2 = await createTestApp();
    try {
      const { person } = await upsertPerson(t2.data.db, { email: 'c@example.org', name: 'C', role: 'observer' }, t2.clock);
      const { issueSignInLink } = await import('./sign-in.ts');
      const link = await issueSignInLink(t2.data.db, person.id, t2.config.baseUrl, t2.clock);
      const c = t2.client();
      const res = await c.submit(new URL(link).pathname, {});
      const header = ([] as string[]).concat(res.headers['set-cookie'] as string | string[]).find((h) => h.startsWith('__Host-coproduce-session='));
      assert.ok(header, 'session cookie has the __Host- prefix');
      assert.match(header, /HttpOnly/i);
      assert.match(header, /SameSite=Lax/i);
      assert.match(header, /Secure/i);
      assert.match(header, /Path=\//);
    } finally {
      await t2.close();
    }
  });
});
