import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';

describe('CSRF protection', () => {
  let t: TestApp;
  beforeEach(async () => (t = await createTestApp()));
  afterEach(() => t.close());

  async function peopleNamed(name: string) {
    return t.data.db.selectFrom('people').select('id').where('name', '=', name).execute();
  }

  it('refuses a POST without a token with 403 and changes nothing', async () => {
    const c = await t.signedIn('admin');
    const res = await c.post('/admin/people/new', { name: 'No Token', email: 'nt@example.org', role: 'observer' });
    assert.equal(res.statusCode, 403);
    assert.match(h1(res.body), /permission/);
    assert.equal((await peopleNamed('No Token')).length, 0);
  });

  it('refuses a POST with a wrong token with 403 and changes nothing', async () => {
    const c = await t.signedIn('admin');
    await c.get('/admin/people/new');
    const res = await c.post('/admin/people/new', { name: 'Bad Token', email: 'bt@example.org', role: 'observer' }, 'forged-token-value');
    assert.equal(res.statusCode, 403);
    assert.equal((await peopleNamed('Bad Token')).length, 0);
  });

  it('refuses a token taken from another visitor', async () => {
    const victim = await t.signedIn('admin');
    const attacker = t.client();
    const attackersToken = await attacker.csrfToken();
    await victim.get('/admin/people/new');
    const res = await victim.post('/admin/people/new', { name: 'Cross', email: 'cross@example.org', role: 'observer' }, attackersToken);
    assert.equal(res.statusCode, 403);
    assert.equal((await peopleNamed('Cross')).length, 0);
  });

  it('refuses sign-out without a token (the session survives)', async () => {
    const c = await t.signedIn('participant');
    const res = await c.post('/sign-out', {});
    assert.equal(res.statusCode, 403);
    assert.equal((await c.get('/my')).statusCode, 200);
  });

  it('accepts the same POST with a valid token, and records it in the audit log', async () => {
    const c = await t.signedIn('admin');
    const res = await c.submit('/admin/people/new', { name: 'Good Token', email: 'gt@example.org', role: 'observer' }, '/admin/people/new');
    assert.equal(res.statusCode, 302);
    const [person] = await peopleNamed('Good Token');
    assert.ok(person);
    const audit = await t.data.db.selectFrom('audit_events').selectAll().where('record_id', '=', String(person.id)).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.action, 'person.create');
    assert.equal(audit[0]!.actor_id, c.personId);
    const page = await c.get('/admin/audit');
    assert.match(page.body, /Added Good Token as observer/);
  });
});
