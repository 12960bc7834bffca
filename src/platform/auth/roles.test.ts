import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import type { Role } from '../db/schema.ts';

// Each role's pages, and who may reach them.
const PAGES: Record<string, Role[]> = {
  '/admin': ['admin'],
  '/admin/audit': ['admin'],
  '/admin/people': ['admin'],
  '/admin/people/new': ['admin'],
  '/admin/mail': ['admin'],
  '/facilitate': ['admin', 'facilitator'],
  '/reports': ['admin', 'observer'],
  '/my': ['participant'],
  '/account': ['admin', 'facilitator', 'participant', 'observer'],
};

describe('roles', () => {
  let t: TestApp;
  beforeEach(async () => (t = await createTestApp()));
  afterEach(() => t.close());

  for (const role of ['admin', 'facilitator', 'participant', 'observer'] as Role[]) {
    it(`a ${role} reaches only their pages`, async () => {
      const c = await t.signedIn(role);
      for (const [path, allowed] of Object.entries(PAGES)) {
        const res = await c.get(path);
        assert.equal(res.statusCode, allowed.includes(role) ? 200 : 403, `${role} GET ${path}`);
      }
    });
  }

  it('sends anonymous visitors to sign in, and refuses their POSTs', async () => {
    const c = t.client();
    for (const path of Object.keys(PAGES)) {
      const res = await c.get(path);
      assert.equal(res.statusCode, 302, path);
      assert.equal(res.headers.location, `/sign-in?next=${encodeURIComponent(path)}`, 'back to this page once signed in');
    }
    const post = await c.submit('/admin/people/new', { name: 'X', email: 'x@example.org', role: 'admin' });
    assert.equal(post.statusCode, 403);
    const people = await t.data.db.selectFrom('people').select('id').where('email_normalised', '=', 'x@example.org').execute();
    assert.equal(people.length, 0);
  });

  it('refuses a participant posting to an admin action', async () => {
    const c = await t.signedIn('participant');
    const res = await c.submit('/admin/people/new', { name: 'Y', email: 'y@example.org', role: 'admin' }, '/account');
    assert.equal(res.statusCode, 403);
    assert.equal((await t.data.db.selectFrom('people').select('id').where('email_normalised', '=', 'y@example.org').execute()).length, 0);
  });
});
