// Sign-in pages given what nobody's browser would send: the page again with its message, the
// expired-link page, or what they cannot use ignored, never a 500. Each test has its own app.
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { createTestApp } from '../../../test/helpers/app.ts';

async function setUp(t: TestContext) {
  const app = await createTestApp();
  t.after(() => app.close());
  return app;
}

const LONG = 'x'.repeat(20_000);

it('the sign-in form: an email sent as a list, missing or far too long is refused with its message, and nothing is sent', async (t) => {
  const app = await setUp(t);
  const cases: [Record<string, string | string[]>, RegExp | null][] = [
    [{ email: ['pat@example.org', 'sam@example.org'] }, /Enter your email address/],
    [{}, /Enter your email address/],
    [{ email: `${LONG}@example.org` }, /Email address must be 254 characters or fewer/],
    [{ email: 'pat@example.org', next: ['/my', '/admin'] }, null],
  ];
  for (const [form, message] of cases) {
    const res = await app.client().submit('/sign-in', form);
    if (!message) {
      assert.equal(res.statusCode, 302, 'a repeated next is dropped, not an error');
      continue;
    }
    assert.equal(res.statusCode, 400);
    assert.match(res.body, message);
    assert.ok(!res.body.includes('x'.repeat(255)), 'what is shown again is cut to the field’s length');
  }
  assert.equal((await app.data.db.selectFrom('outbox').select('id').execute()).length, 0);
});

it('a sign-in link that was cut short, changed or padded shows the expired-link page, and a bad next is dropped', async (t) => {
  const app = await setUp(t);
  for (const token of ['abc', 'with%20a%20space%20in%20the%20middle', '%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00', 'a'.repeat(40)]) {
    const page = await app.client().get(`/sign-in/${token}?next=${LONG}`);
    assert.equal(page.statusCode, 400, token.slice(0, 20));
    assert.match(page.body, /Sign-in link has expired/);
    const post = await app.client().submit(`/sign-in/${token}`, { next: ['/my', '/admin'] });
    assert.equal(post.statusCode, 400);
  }
  // Longer than any link we send: the expired-link page too; past the router's limit (300), not found.
  const padded = await app.client().get(`/sign-in/${'x'.repeat(101)}`);
  assert.equal(padded.statusCode, 400);
  assert.match(padded.body, /Sign-in link has expired/);
  assert.equal((await app.client().get(`/sign-in/${'x'.repeat(301)}`)).statusCode, 404);
  for (const url of ['/sign-in?next=/my&next=/admin', `/sign-in?next=${LONG}`, '/sign-in?next=//evil.example', '/signed-out?everywhere=1&everywhere=1']) {
    const res = await app.client().get(url);
    assert.equal(res.statusCode, 200, url.slice(0, 60));
    assert.doesNotMatch(res.body, /name="next" value="\/\/evil/);
  }
});
