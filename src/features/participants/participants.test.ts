import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, h1, TestClient, type TestApp } from '../../../test/helpers/app.ts';
import { details } from '../../../test/helpers/registrations.ts';
import { issueSignInLink } from '../../platform/auth/sign-in.ts';
import { seedDemoProgramme } from '../programme/seed.ts';
import { findProgramme } from '../programme/queries.ts';
import { acceptRegistration, submitRegistration } from '../registration/service.ts';

describe('projects, sub-groups and the participant’s pages', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['signedIn']>>;
  let projectId: number;
  const people: Record<string, number> = {};
  let pending: number;

  async function participantClient(personId: number) {
    const link = await issueSignInLink(t.data.db, personId, t.config.baseUrl, t.clock);
    const c = t.client();
    await c.submit(new URL(link).pathname, {});
    return c;
  }

  before(async () => {
    t = await createTestApp();
    await seedDemoProgramme(t.data.db, t.clock);
    const programme = (await findProgramme(t.data.db))!;
    projectId = (await t.data.db.selectFrom('projects').select('id').where('programme_id', '=', programme.id).orderBy('position').executeTakeFirstOrThrow()).id;
    admin = await t.signedIn('admin');
    for (const name of ['Amy', 'Bo', 'Cy']) {
      const { registration } = await submitRegistration(t.data.db, details({ fullName: `${name} Test`, email: `${name.toLowerCase()}@example.org` }), { programmeId: programme.id, channel: 'web', baseUrl: 'http://x', clock: t.clock });
      await acceptRegistration(t.data.db, registration.id, { actorId: admin.personId, baseUrl: 'http://x', clock: t.clock });
      people[name] = (await t.data.db.selectFrom('registrations').select('person_id').where('id', '=', registration.id).executeTakeFirstOrThrow()).person_id!;
    }
    const { registration } = await submitRegistration(t.data.db, details({ fullName: 'Pending Person', email: 'pending@example.org' }), { programmeId: programme.id, channel: 'web', baseUrl: 'http://x', clock: t.clock });
    pending = registration.id;
  });
  after(() => t.close());

  let subgroupId: number;

  it('creates a sub-group, refusing a blank or duplicate name', async () => {
    const page = `/admin/projects/${projectId}`;
    const blank = await admin.submit(`${page}/subgroups`, { name: '  ' }, page);
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /Enter a name for the sub-group/);
    const made = await admin.submit(`${page}/subgroups`, { name: 'Radiotherapy guidance', description: 'Drafts the guidance' }, page);
    assert.equal(made.statusCode, 302);
    const dup = await admin.submit(`${page}/subgroups`, { name: 'radiotherapy GUIDANCE' }, page);
    assert.equal(dup.statusCode, 400);
    assert.match(dup.body, /already has a sub-group with that name/);
    subgroupId = (await t.data.db.selectFrom('subgroups').select('id').executeTakeFirstOrThrow()).id;
    const edit = await admin.submit(`/admin/subgroups/${subgroupId}/edit`, { name: 'Radiotherapy roles guidance', description: '' }, `/admin/subgroups/${subgroupId}/edit`);
    assert.equal(edit.headers.location, `/admin/subgroups/${subgroupId}`);
    assert.match((await admin.get('/admin/projects')).body, /Radiotherapy roles guidance/);
  });

  it('assigns accepted participants in bulk, idempotently, and lists them', async () => {
    const page = `/admin/projects/${projectId}`;
    const res = await admin.submit(`${page}/assign`, { target: String(subgroupId), ids: [String(people.Amy), String(people.Bo)] }, page);
    assert.equal(res.headers.location, `${page}?added=2`);
    const again = await admin.submit(`${page}/assign`, { target: String(subgroupId), ids: [String(people.Amy)] }, page);
    assert.equal(again.headers.location, `${page}?added=0`);
    const single = await admin.submit(`${page}/assign`, { target: 'project', ids: String(people.Cy) }, page);
    assert.equal(single.headers.location, `${page}?added=1`);
    const members = await admin.get(`/admin/subgroups/${subgroupId}`);
    assert.match(members.body, /Amy Test/);
    assert.match(members.body, /Bo Test/);
    assert.doesNotMatch(members.body, /Cy Test/);
    assert.equal((await t.data.db.selectFrom('project_members').selectAll().where('project_id', '=', projectId).execute()).length, 3);
    const audit = await t.data.db.selectFrom('audit_events').select('action').where('action', 'in', ['subgroup.assign', 'project.assign', 'subgroup.create']).execute();
    assert.equal(audit.length, 3);
  });

  it('refuses people who are not accepted participants, changing nothing', async () => {
    const page = `/admin/projects/${projectId}`;
    const pendingPerson = admin.personId; // an admin, not an accepted participant
    const res = await admin.submit(`${page}/assign`, { target: String(subgroupId), ids: [String(pendingPerson)] }, page);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /not an accepted participant/);
    const none = await admin.submit(`${page}/assign`, { target: 'project' }, page);
    assert.match(none.body, /Select at least one participant/);
    const wrongGroup = await admin.submit(`${page}/assign`, { target: '99999', ids: [String(people.Cy)] }, page);
    assert.match(wrongGroup.body, /Choose a sub-group of this project/);
    assert.equal((await t.data.db.selectFrom('subgroup_members').selectAll().execute()).length, 2);
    assert.ok(pending);
  });

  it('shows a participant their own groups, with fellow members’ names and no emails', async () => {
    const amy = await participantClient(people.Amy!);
    const my = await amy.get('/my');
    assert.equal(my.statusCode, 200);
    assert.match(my.body, /Sub-group: Radiotherapy roles guidance/);
    assert.match(my.body, /Members: Amy Test, Bo Test/);
    assert.doesNotMatch(my.body, /bo@example.org/);
    const cy = await participantClient(people.Cy!);
    const cyPage = await cy.get('/my');
    assert.doesNotMatch(cyPage.body, /Bo Test/, 'Cy is not in the sub-group, so does not see its members');
    assert.equal((await cy.get(`/admin/subgroups/${subgroupId}`)).statusCode, 403);
  });

  it('lets a participant correct their details, recorded in the history', async () => {
    const bo = await participantClient(people.Bo!);
    const bad = await bo.submit('/my/details', { fullName: '', organisationName: 'X', jobTitle: 'Y', roleGroup: 'king' }, '/my/details');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter your full name/);
    assert.match(bad.body, /Select your role from the list/);
    const ok = await bo.submit('/my/details', { fullName: 'Bo Newname', organisationName: 'New Trust', department: '', jobTitle: 'AP', roleGroup: 'ap', afcBand: '4', adjustments: 'Large print' }, '/my/details');
    assert.equal(ok.headers.location, '/my?saved=1');
    const r = await t.data.db.selectFrom('registrations').selectAll().where('person_id', '=', people.Bo!).executeTakeFirstOrThrow();
    assert.equal(r.full_name, 'Bo Newname');
    assert.equal(r.afc_band, '4');
    const history = await admin.get(`/admin/registrations/${r.id}`);
    assert.match(history.body, /Details corrected by the participant/);
  });

  it('withdraws after a confirmation step: out of groups, signed out, no more programme email', async () => {
    const amy = await participantClient(people.Amy!);
    const confirm = await amy.get('/my/withdraw');
    assert.match(h1(confirm.body), /Are you sure you want to withdraw/);
    const res = await amy.submit('/my/withdraw', {}, '/my/withdraw');
    assert.equal(res.headers.location, '/withdrawn');
    assert.equal((await amy.get('/my')).statusCode, 302, 'signed out');
    const r = await t.data.db.selectFrom('registrations').selectAll().where('person_id', '=', people.Amy!).executeTakeFirstOrThrow();
    assert.equal(r.status, 'withdrawn');
    assert.equal((await t.data.db.selectFrom('subgroup_members').selectAll().where('person_id', '=', people.Amy!).execute()).length, 0);
    const before = (await t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'amy@example.org').execute()).length;
    await admin.submit('/admin/registrations/bulk', { action: 'decline', ids: [String(r.id)] }, '/admin/registrations');
    await admin.submit(`/admin/registrations/${r.id}/decline`, { message: 'Hello' }, `/admin/registrations/${r.id}/decline`);
    assert.equal((await t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'amy@example.org').execute()).length, before);
  });

  it('keeps admin pages for admins', async () => {
    const c = new TestClient(t.app);
    assert.equal((await c.get('/admin/projects')).statusCode, 302);
    const p = await t.signedIn('participant');
    assert.equal((await p.get(`/admin/projects/${projectId}`)).statusCode, 403);
    assert.equal((await admin.get('/admin/projects/99999')).statusCode, 404);
  });
});
