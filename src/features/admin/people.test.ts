// People at /admin/people: search, pages, roles, deactivation and reactivation, withdrawn people,
// and the last active admin who cannot lock everyone out.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { details } from '../../../test/helpers/registrations.ts';
import { findPerson, upsertPerson } from '../../platform/auth/people.ts';
import { countSessions } from '../../platform/auth/sessions.ts';
import { findProgramme } from '../programme/service.ts';
import { confirmRegistrationEmail, runTeamAction, submitRegistration, withdrawParticipant } from '../registration/service.ts';

const names = (html: string) => [...html.matchAll(/<a class="govuk-link" href="\/admin\/people\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]!);

async function audits(t: TestApp, action: string) {
  return t.data.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
}

describe('people administration', () => {
  let t: TestApp;
  let admin: TestClient & { personId: number };
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
    admin = await t.signedIn('admin', 'lead.admin@example.org');
  });
  afterEach(() => t.close());

  it('searches by name or email, any case, and pages the list with GOV.UK pagination', async () => {
    for (let i = 1; i <= 30; i++) {
      await upsertPerson(t.data.db, { email: `pager.${String(i).padStart(2, '0')}@example.org`, name: `Pager Person ${String(i).padStart(2, '0')}`, role: 'participant' }, t.clock);
    }
    await upsertPerson(t.data.db, { email: 'under_score@example.org', name: 'Una Scorer', role: 'observer' }, t.clock);
    const first = await admin.get('/admin/people?q=PAGER');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /30 people matching “PAGER”, page 1 of 2/);
    assert.equal(names(first.body).length, 25);
    assert.match(first.body, /class="govuk-pagination"/);
    assert.match(first.body, /href="\/admin\/people\?q=PAGER&amp;page=2"/);
    const second = await admin.get('/admin/people?q=PAGER&page=2');
    assert.deepEqual(names(second.body), ['Pager Person 26', 'Pager Person 27', 'Pager Person 28', 'Pager Person 29', 'Pager Person 30']);
    assert.equal(h1(second.body), 'People');
    // By email, and wildcards typed are taken literally.
    assert.deepEqual(names((await admin.get('/admin/people?q=under_score')).body), ['Una Scorer']);
    assert.deepEqual(names((await admin.get('/admin/people?q=pager_0')).body), []);
    assert.deepEqual(names((await admin.get('/admin/people?q=%25')).body), []);
    assert.match((await admin.get('/admin/people?q=nobody-at-all')).body, /Nobody matches/);
  });

  it('changes a person’s role, audited, and shows it', async () => {
    const { person } = await upsertPerson(t.data.db, { email: 'role.change@example.org', name: 'Rowan Change', role: 'participant' }, t.clock);
    const res = await admin.submit(`/admin/people/${person.id}/role`, { role: 'facilitator' }, `/admin/people/${person.id}`);
    assert.equal(res.statusCode, 302);
    assert.equal((await findPerson(t.data.db, person.id))!.role, 'facilitator');
    const page = await admin.get(res.headers.location as string);
    assert.match(page.body, /Role changed\./);
    const entry = (await audits(t, 'person.role')).find((a) => a.record_id === String(person.id));
    assert.equal(entry?.actor_id, admin.personId);
    assert.match(entry!.summary, /from participant to facilitator/);
    const invalid = await admin.submit(`/admin/people/${person.id}/role`, { role: 'king' }, `/admin/people/${person.id}`);
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /Select a role/);
  });

  it('deactivates: the person cannot sign in and their sessions end at once; reactivates', async () => {
    const person = await t.signedIn('facilitator', 'leaving.soon@example.org');
    assert.equal((await person.get('/facilitate')).statusCode, 200);
    const res = await admin.submit(`/admin/people/${person.personId}/deactivate`, {}, `/admin/people/${person.personId}`);
    assert.equal(res.statusCode, 302);
    assert.equal(await countSessions(t.data.db, person.personId), 0);
    const after = await person.get('/facilitate');
    assert.equal(after.statusCode, 302, 'signed out');
    assert.match(String(after.headers.location), /^\/sign-in/);
    // Asking for a sign-in link sends nothing.
    const outbox = () => t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'leaving.soon@example.org').execute();
    const before = (await outbox()).length;
    await t.client().submit('/sign-in', { email: 'leaving.soon@example.org' });
    assert.equal((await outbox()).length, before);
    assert.match((await admin.get('/admin/people?q=leaving')).body, /Deactivated/);
    assert.equal((await audits(t, 'person.deactivate')).length, 1);

    await admin.submit(`/admin/people/${person.personId}/reactivate`, {}, `/admin/people/${person.personId}`);
    assert.equal((await findPerson(t.data.db, person.personId))!.status, 'active');
    await t.client().submit('/sign-in', { email: 'leaving.soon@example.org' });
    assert.equal((await outbox()).length, before + 1, 'a sign-in link again');
    assert.equal((await audits(t, 'person.reactivate')).length, 1);
  });

  it('shows people who withdrew from the programme as withdrawn', async () => {
    const programme = (await findProgramme(t.data.db))!;
    const d = details({ fullName: 'Wren Leaver', email: 'wren.leaver@example.org' });
    const { registration } = await submitRegistration(t.data.db, d, { programmeId: programme.id, channel: 'web', baseUrl: t.config.baseUrl, clock: t.clock });
    const mail = await t.data.db.selectFrom('outbox').select('text_body').where('to_address', '=', d.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.ok((await confirmRegistrationEmail(t.data.db, /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!, t.clock)).ok);
    assert.ok((await runTeamAction(t.data.db, registration.id, 'accept', { actorId: admin.personId, baseUrl: t.config.baseUrl, clock: t.clock })).ok);
    const person = (await t.data.db.selectFrom('people').select('id').where('email_normalised', '=', d.email).executeTakeFirstOrThrow());
    assert.doesNotMatch((await admin.get('/admin/people?q=wren')).body, /Withdrawn/);
    await withdrawParticipant(t.data.db, person.id, t.clock);
    const list = await admin.get('/admin/people?q=wren');
    assert.match(list.body, /Wren Leaver[\s\S]*govuk-tag--orange[^>]*>\s*Withdrawn/);
    const page = await admin.get(`/admin/people/${person.id}`);
    assert.match(page.body, new RegExp(`href="/admin/registrations/${registration.id}">${registration.reference}</a>`));
    assert.match(page.body, /Withdrawn/);
  });

  it('is for admins only', async () => {
    const facilitator = await t.signedIn('facilitator');
    assert.equal((await facilitator.get('/admin/people')).statusCode, 403);
    assert.equal((await facilitator.get(`/admin/people/${admin.personId}`)).statusCode, 403);
  });
});

describe('the last active admin', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(); // no demo people: one admin only
  });
  afterEach(() => t.close());

  it('cannot demote or deactivate themselves, and is told why; with a second admin they can', async () => {
    const only = await t.signedIn('admin', 'only.admin@example.org');
    const demote = await only.submit(`/admin/people/${only.personId}/role`, { role: 'participant' }, `/admin/people/${only.personId}`);
    assert.equal(demote.statusCode, 409);
    assert.match(demote.body, /You are the only active admin, so you cannot change your own role\. Make someone else an admin first\./);
    assert.match(demote.body, /govuk-error-summary/);
    const deactivate = await only.submit(`/admin/people/${only.personId}/deactivate`, {}, `/admin/people/${only.personId}`);
    assert.equal(deactivate.statusCode, 409);
    assert.match(deactivate.body, /you cannot deactivate your own account/);
    const me = (await findPerson(t.data.db, only.personId))!;
    assert.equal(me.role, 'admin');
    assert.equal(me.status, 'active');
    assert.equal((await audits(t, 'person.role')).length + (await audits(t, 'person.deactivate')).length, 0);

    // A deactivated admin does not count.
    const other = await t.signedIn('admin', 'second.admin@example.org');
    await only.submit(`/admin/people/${other.personId}/deactivate`, {}, `/admin/people/${other.personId}`);
    assert.equal((await only.submit(`/admin/people/${only.personId}/role`, { role: 'observer' }, `/admin/people/${only.personId}`)).statusCode, 409);

    await only.submit(`/admin/people/${other.personId}/reactivate`, {}, `/admin/people/${other.personId}`);
    const ok = await only.submit(`/admin/people/${only.personId}/role`, { role: 'observer' }, `/admin/people/${only.personId}`);
    assert.equal(ok.statusCode, 302);
    assert.equal((await findPerson(t.data.db, only.personId))!.role, 'observer');
  });

  it('two admins demoting each other at the same moment leave one admin', async () => {
    const a = await t.signedIn('admin', 'race.a@example.org');
    const b = await t.signedIn('admin', 'race.b@example.org');
    // Leave only these two active admins.
    const others = await t.data.db.selectFrom('people').select('id').where('role', '=', 'admin').where('id', 'not in', [a.personId, b.personId]).execute();
    const { setPersonActive } = await import('../../platform/auth/people.ts');
    for (const o of others) await setPersonActive(t.data.db, o.id, false, t.clock);
    const { changePersonRole } = await import('./service.ts');
    const results = await Promise.all([
      changePersonRole(t.data.db, a.personId, b.personId, 'participant', t.clock),
      changePersonRole(t.data.db, b.personId, a.personId, 'participant', t.clock),
    ]);
    assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
    const admins = await t.data.db.selectFrom('people').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute();
    assert.equal(admins.length, 1);
  });
});
