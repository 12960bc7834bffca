import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { seedDemoProgramme } from './seed.ts';

describe('changing the registration window', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await seedDemoProgramme(t.data.db, t.clock);
  });
  afterEach(() => t.close());

  it('lets an admin close registration, which the public pages show at once', async () => {
    const visitor = t.client();
    assert.match((await visitor.get('/')).body, /Registration of interest is open/);
    const admin = await t.signedIn('admin');
    const page = await admin.get('/admin/registration-window');
    assert.equal(h1(page.body), 'Registration window');
    const res = await admin.submit('/admin/registration-window', { 'opens-day': '1', 'opens-month': '2', 'opens-year': '2026', 'closes-day': '9', 'closes-month': '3', 'closes-year': '2026' }, '/admin/registration-window');
    assert.equal(res.headers.location, '/admin/registration-window?saved=1');
    const programme = await t.data.db.selectFrom('programmes').selectAll().executeTakeFirstOrThrow();
    assert.equal(programme.registration_opens_on, '2026-02-01');
    assert.equal(programme.registration_closes_on, '2026-03-09');
    assert.match((await visitor.get('/')).body, /Registration of interest closed at the end of 9 March 2026/);
    assert.equal(h1((await visitor.get('/register')).body), 'Registration has closed');
    const audit = await t.data.db.selectFrom('audit_events').select('summary').where('action', '=', 'programme.registration-window').executeTakeFirstOrThrow();
    assert.match(audit.summary, /2026-02-01 to the end of 2026-03-09/);
  });

  it('refuses dates that are not real, or a last day before the first', async () => {
    const before = await t.data.db.selectFrom('programmes').selectAll().executeTakeFirstOrThrow();
    const admin = await t.signedIn('admin');
    const bad = await admin.submit('/admin/registration-window', { 'opens-day': '31', 'opens-month': '2', 'opens-year': '2026', 'closes-day': 'x', 'closes-month': '3', 'closes-year': '2026' }, '/admin/registration-window');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a real date for when registration opens/);
    assert.match(bad.body, /Enter a real date for the last day/);
    const backwards = await admin.submit('/admin/registration-window', { 'opens-day': '10', 'opens-month': '3', 'opens-year': '2026', 'closes-day': '9', 'closes-month': '3', 'closes-year': '2026' }, '/admin/registration-window');
    assert.match(backwards.body, /must be the same as or after/);
    const programme = await t.data.db.selectFrom('programmes').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual([programme.registration_opens_on, programme.registration_closes_on], [before.registration_opens_on, before.registration_closes_on], 'unchanged');
  });

  it('is for admins only', async () => {
    const c = await t.signedIn('facilitator');
    assert.equal((await c.get('/admin/registration-window')).statusCode, 403);
  });
});
