// Form routes accept what their forms send (application/x-www-form-urlencoded) and answer 415
// with the normal error page to anything else: a 20 KB deeply nested JSON body once crashed them.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { upsertPerson } from '../auth/people.ts';

const NESTED = `${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}`; // 24 KB, 4,000 levels deep

describe(`request content types on ${TEST_ENGINE}`, () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
    await upsertPerson(t.data.db, { email: 'pat.jones@example.org', name: 'Pat Jones', role: 'participant' }, t.clock);
  });
  afterEach(() => t.close());

  const outboxCount = async () => Number((await t.data.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('answers a JSON sign-in request, even one with a valid CSRF token, with 415 and the error page', async () => {
    const c = t.client();
    const token = await c.csrfToken();
    const before = await outboxCount();
    const res = await c.request({ method: 'POST', url: '/sign-in', payload: JSON.stringify({ email: 'pat.jones@example.org', _csrf: token }), headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 415);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.equal(h1(res.body), 'What you sent could not be read');
    assert.match(res.body, /<title>[^<]*Form not accepted/);
    assert.equal(await outboxCount(), before, 'no sign-in link was sent');
  });

  for (const [label, type, payload] of [
    ['a deeply nested JSON body', 'application/json', NESTED],
    ['a deeply nested JSON body sent as text/plain', 'text/plain', NESTED],
    ['a multipart body', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\npat.jones@example.org\r\n--x--\r\n'],
    ['an XML body', 'application/xml', '<email>pat.jones@example.org</email>'],
  ] as const) {
    it(`answers ${label} with 415 on anonymous and signed-in form routes`, async () => {
      const anonymous = t.client();
      const admin = await t.signedIn('admin');
      for (const [client, url] of [[anonymous, '/sign-in'], [anonymous, '/register/name'], [anonymous, '/register/check-answers'], [admin, '/admin/people/new'], [admin, '/admin/registrations/bulk'], [admin, '/sign-out']] as const) {
        const res = await client.request({ method: 'POST', url, payload, headers: { 'content-type': type } });
        assert.equal(res.statusCode, 415, `${url} answered ${res.statusCode}`);
        assert.equal(h1(res.body), 'What you sent could not be read', url);
      }
    });
  }

  it('answers JSON clients with a JSON 415', async () => {
    const res = await t.client().request({ method: 'POST', url: '/sign-in', payload: NESTED, headers: { 'content-type': 'application/json', accept: 'application/json' } });
    assert.equal(res.statusCode, 415);
    assert.deepEqual(res.json(), { statusCode: 415, error: 'Form not accepted' });
  });

  it('still takes the forms as browsers send them, with or without a charset', async () => {
    const c = t.client();
    const token = await c.csrfToken();
    const body = new URLSearchParams({ email: 'pat.jones@example.org', _csrf: token }).toString();
    const res = await c.request({ method: 'POST', url: '/sign-in', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } });
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/sign-in/check-email');
  });
});
