// The programme team's side: projects, sub-groups, assigning accepted participants, removing them.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { h1, TestClient } from '../../../test/helpers/app.ts';
import { declineRegistration, withdrawParticipant } from '../registration/service.ts';
import { assign, createSubgroup } from './service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from './test-fixture.ts';

describe('projects and sub-groups (programme team)', () => {
  let f: Fixture;
  let projectId: number;
  let otherProjectId: number;
  let amy: Someone, bo: Someone, cy: Someone, dee: Someone;
  let pending: Someone, declined: Someone, withdrawn: Someone;
  let groupId: number;
  let otherGroupId: number;

  const db = () => f.t.data.db;
  const page = () => `/admin/projects/${projectId}`;
  const audit = (action: string) => db().selectFrom('audit_events').select(['summary', 'record_id', 'actor_id']).where('action', '=', action).orderBy('id').execute();
  const subgroupMemberIds = async (id: number) => (await db().selectFrom('subgroup_members').select('person_id').where('subgroup_id', '=', id).orderBy('person_id').execute()).map((r) => r.person_id);
  const projectMemberIds = async (id: number) => (await db().selectFrom('project_members').select('person_id').where('project_id', '=', id).orderBy('person_id').execute()).map((r) => r.person_id);

  // Each test starts from its own database with these people; what it needs besides (sub-groups,
  // members) it makes itself through the service, so no test depends on another having run.
  beforeEach(async () => {
    f = await setUp();
    [projectId, otherProjectId] = f.projects.map((p) => p.id) as [number, number];
    amy = await f.register('Amy Archer', { organisationName: 'Northfield Hospital', roleGroup: 'ap' });
    bo = await f.register('Bo Baker', { organisationName: 'Southmoor Clinic', roleGroup: 'senior-csw' });
    cy = await f.register('Cy Carter');
    dee = await f.register('Dee Dunn');
    pending = await f.register('Pat Pending', { accept: false });
    declined = await f.register('Dan Declined');
    await declineRegistration(db(), declined.registrationId, { actorId: f.admin.personId, baseUrl: f.t.config.baseUrl, clock: f.t.clock }, null);
    withdrawn = await f.register('Wyn Withdrawn');
    await withdrawParticipant(db(), withdrawn.personId, f.t.clock);
  });
  afterEach(() => f.t.close());

  /** Two sub-groups of the project (Radiotherapy guidance, Delegation resources) and one of the other project. */
  async function withGroups(): Promise<void> {
    const make = async (project: number, name: string) => {
      const r = await createSubgroup(db(), f.admin.personId, project, { name, description: '' }, f.t.clock);
      if (!r.ok) throw new Error(r.message);
      return r.id;
    };
    groupId = await make(projectId, 'Radiotherapy guidance');
    otherGroupId = await make(otherProjectId, 'Radiotherapy guidance');
    await make(projectId, 'Delegation resources');
  }
  /** Cy in the project; Amy and Bo in its sub-group Radiotherapy guidance. */
  async function withMembers(): Promise<void> {
    await assign(db(), f.admin.personId, { projectId, subgroupId: null }, [cy.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId, subgroupId: groupId }, [amy.personId, bo.personId], f.t.clock);
  }

  it('lists the programme’s projects', async () => {
    const res = await f.admin.get('/admin/projects');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Projects and sub-groups');
    for (const p of f.projects) assert.match(res.body, new RegExp(`href="/admin/projects/${p.id}">${p.name}</a>`));
    assert.match(mainText(res.body), /0 participants in the project/);
  });

  it('creates a sub-group, with clear errors for a missing, too long or duplicate name', async () => {
    const blank = await f.admin.submit(`${page()}/subgroups`, { name: '  ', description: '' }, page());
    assert.equal(blank.statusCode, 400);
    assert.deepEqual(errorSummary(blank.body), [['Enter a name for the sub-group', '#name']]);
    assert.match(blank.body, /<details class="govuk-details" open>/, 'the form is open to show the error');

    const long = await f.admin.submit(`${page()}/subgroups`, { name: 'x'.repeat(121), description: 'y'.repeat(1001) }, page());
    assert.equal(long.statusCode, 400);
    assert.deepEqual(errorSummary(long.body), [
      ['Name must be 120 characters or fewer', '#name'],
      ['Description must be 1000 characters or fewer', '#description'],
    ]);
    assert.match(long.body, new RegExp(`value="${'x'.repeat(121)}"`), 'what was typed is kept');

    const made = await f.admin.submit(`${page()}/subgroups`, { name: 'Radiotherapy guidance', description: 'Drafts national guidance on roles in radiotherapy' }, page());
    assert.equal(made.statusCode, 302);
    assert.equal(made.headers.location, `${page()}`);
    assert.match((await f.admin.get(made.headers.location!)).body, /Sub-group created\./);

    const dup = await f.admin.submit(`${page()}/subgroups`, { name: ' radiotherapy GUIDANCE ' }, page());
    assert.equal(dup.statusCode, 400);
    assert.deepEqual(errorSummary(dup.body), [['This project already has a sub-group with that name. Choose a different name', '#name']]);

    // The same name is fine in another project.
    const elsewhere = await f.admin.submit(`/admin/projects/${otherProjectId}/subgroups`, { name: 'Radiotherapy guidance' }, `/admin/projects/${otherProjectId}`);
    assert.equal(elsewhere.statusCode, 302);
    await f.admin.submit(`${page()}/subgroups`, { name: 'Delegation resources' }, page());

    const rows = await db().selectFrom('subgroups').select(['id', 'name', 'project_id', 'description']).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.project_id, r.name]), [[projectId, 'Radiotherapy guidance'], [otherProjectId, 'Radiotherapy guidance'], [projectId, 'Delegation resources']]);
    assert.equal(rows[0]!.description, 'Drafts national guidance on roles in radiotherapy');
    const created = await audit('subgroup.create');
    assert.equal(created.length, 3);
    assert.equal(created[0]!.actor_id, f.admin.personId);
    assert.match(created[0]!.summary, /Created sub-group “Radiotherapy guidance” in /);

    const list = mainText((await f.admin.get('/admin/projects')).body);
    assert.match(list, /Delegation resources 0 Radiotherapy guidance 0/, 'each project lists its sub-groups with member counts');
  });

  it('edits a sub-group, refusing another sub-group’s name', async () => {
    await withGroups();
    const form = await f.admin.get(`/admin/subgroups/${groupId}/edit`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /value="Radiotherapy guidance"/);
    const clash = await f.admin.submit(`/admin/subgroups/${groupId}/edit`, { name: 'DELEGATION resources', description: '' }, `/admin/subgroups/${groupId}/edit`);
    assert.equal(clash.statusCode, 400);
    assert.deepEqual(errorSummary(clash.body), [['This project already has a sub-group with that name. Choose a different name', '#name']]);
    const blank = await f.admin.submit(`/admin/subgroups/${groupId}/edit`, { name: '', description: 'z'.repeat(1001) }, `/admin/subgroups/${groupId}/edit`);
    assert.equal(blank.statusCode, 400);
    assert.equal(errorSummary(blank.body).length, 2);
    // Changing only the case of its own name is allowed.
    const ok = await f.admin.submit(`/admin/subgroups/${groupId}/edit`, { name: 'Radiotherapy Roles Guidance', description: 'Roles of CSWs and APs in radiotherapy' }, `/admin/subgroups/${groupId}/edit`);
    assert.equal(ok.headers.location, `/admin/subgroups/${groupId}`);
    const row = await db().selectFrom('subgroups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
    assert.equal(row.name, 'Radiotherapy Roles Guidance');
    assert.equal(row.description, 'Roles of CSWs and APs in radiotherapy');
    const updated = await audit('subgroup.update');
    assert.equal(updated.length, 1);
    assert.match(updated[0]!.summary, /Renamed sub-group “Radiotherapy guidance” to “Radiotherapy Roles Guidance”/);
    assert.equal((await f.admin.get('/admin/subgroups/99999/edit')).statusCode, 404);
    assert.equal((await f.admin.get('/admin/subgroups/abc/edit')).statusCode, 404);
  });

  it('lists only accepted participants to add, with organisation, role and current sub-groups', async () => {
    const res = await f.admin.get(page());
    assert.equal(res.statusCode, 200);
    const text = mainText(res.body);
    for (const p of [amy, bo, cy, dee]) assert.match(res.body, new RegExp(`value="${p.personId}"`), `${p.name} can be ticked`);
    for (const p of [declined, withdrawn]) assert.doesNotMatch(res.body, new RegExp(`name="ids"[^>]*value="${p.personId}"`), `${p.name} is not offered`);
    assert.doesNotMatch(text, /Pat Pending/);
    assert.match(text, /Amy Archer Northfield Hospital · Assistant practitioner \(AP\) · not in this project/);
    assert.match(res.body, /<legend[^>]*>\s*Select participants\s*<\/legend>/);
    assert.match(res.body, /value="project" checked/);
  });

  it('assigns one participant to the project', async () => {
    const res = await f.admin.submit(`${page()}/assign`, { target: 'project', ids: String(cy.personId) }, page());
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, `${page()}`);
    assert.match((await f.admin.get(res.headers.location!)).body, /1 participant added\./);
    assert.deepEqual(await projectMemberIds(projectId), [cy.personId]);
    const entries = await audit('project.assign');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.summary, `Added Cy Carter to project ${f.projects[0]!.name}`);
  });

  it('assigns several to a sub-group at once, which also puts them in the project', async () => {
    await withGroups();
    await assign(db(), f.admin.personId, { projectId, subgroupId: null }, [cy.personId], f.t.clock);
    const res = await f.admin.submit(`${page()}/assign`, { target: String(groupId), ids: [String(amy.personId), String(bo.personId)] }, page());
    assert.equal(res.headers.location, `${page()}`);
    assert.deepEqual(await subgroupMemberIds(groupId), [amy.personId, bo.personId].sort((a, b) => a - b));
    assert.deepEqual(await projectMemberIds(projectId), [amy.personId, bo.personId, cy.personId].sort((a, b) => a - b));
    const entries = await audit('subgroup.assign');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.record_id, String(groupId));
    assert.match(entries[0]!.summary, /^Added Amy Archer, Bo Baker to sub-group “Radiotherapy guidance”/);
    const text = mainText((await f.admin.get(page())).body);
    assert.match(text, /Members of the project \(3\)/);
    assert.match(text, /Amy Archer Northfield Hospital Assistant practitioner \(AP\) Radiotherapy guidance Remove/);
    assert.match(text, /Cy Carter Example Community Hospital Clinical support worker \(CSW\) None Remove/);
    assert.match(text, /Bo Baker Southmoor Clinic · Senior clinical support worker · in Radiotherapy guidance/);
  });

  it('is idempotent: assigning again adds nobody, duplicates nothing and raises no error', async () => {
    await withGroups();
    await withMembers();
    const auditBefore = (await db().selectFrom('audit_events').select('id').execute()).length;
    const again = await f.admin.submit(`${page()}/assign`, { target: String(groupId), ids: [String(amy.personId), String(amy.personId), String(bo.personId)] }, page());
    assert.equal(again.headers.location, `${page()}`);
    assert.match((await f.admin.get(again.headers.location!)).body, /They were already there: nothing has changed\./);
    const toProject = await f.admin.submit(`${page()}/assign`, { target: 'project', ids: [String(amy.personId)] }, page());
    assert.equal(toProject.headers.location, `${page()}`);
    assert.equal((await subgroupMemberIds(groupId)).length, 2);
    assert.equal((await projectMemberIds(projectId)).length, 3);
    assert.equal((await db().selectFrom('audit_events').select('id').execute()).length, auditBefore, 'no change, no audit entry');
  });

  it('refuses people who are not accepted participants and changes nothing for them', async () => {
    await withGroups();
    await withMembers();
    const tries = [
      { who: 'declined', id: declined.personId, name: 'Dan Declined' },
      { who: 'withdrawn', id: withdrawn.personId, name: 'Wyn Withdrawn' },
      { who: 'an admin', id: f.admin.personId, name: 'Test admin' },
      { who: 'unknown', id: 99999, name: 'an unknown person (number 99999)' },
    ];
    for (const t of tries) {
      const res = await f.admin.submit(`${page()}/assign`, { target: String(groupId), ids: [String(t.id)] }, page());
      assert.equal(res.statusCode, 400, t.who);
      assert.deepEqual(errorSummary(res.body), [[`Only accepted participants can be added. Not added: ${t.name}.`, '#participants']], t.who);
    }
    // Mixed: the accepted one is added, the other is refused and says so.
    const mixed = await f.admin.submit(`${page()}/assign`, { target: String(groupId), ids: [String(dee.personId), String(declined.personId)] }, page());
    assert.equal(mixed.statusCode, 400);
    assert.deepEqual(errorSummary(mixed.body), [['Only accepted participants can be added. Not added: Dan Declined. The others you selected were added (1).', '#participants']]);
    assert.deepEqual(await subgroupMemberIds(groupId), [amy.personId, bo.personId, dee.personId].sort((a, b) => a - b));
    for (const t of tries) {
      assert.equal((await db().selectFrom('project_members').select('person_id').where('person_id', '=', t.id).execute()).length, 0, t.who);
      assert.equal((await db().selectFrom('subgroup_members').select('person_id').where('person_id', '=', t.id).execute()).length, 0, t.who);
    }
    assert.equal(pending.personId, 0, 'an unaccepted registration has no account to assign');
  });

  it('checks the assign form itself', async () => {
    await withGroups();
    const none = await f.admin.submit(`${page()}/assign`, { target: 'project' }, page());
    assert.equal(none.statusCode, 400);
    assert.deepEqual(errorSummary(none.body), [['Select at least one participant', '#participants']]);
    const junk = await f.admin.submit(`${page()}/assign`, { target: 'project', ids: ['1; drop table people'] }, page());
    assert.equal(junk.statusCode, 400);
    const otherProjectsGroup = await f.admin.submit(`${page()}/assign`, { target: String(otherGroupId), ids: [String(cy.personId)] }, page());
    assert.equal(otherProjectsGroup.statusCode, 400);
    assert.deepEqual(errorSummary(otherProjectsGroup.body), [['Choose this project or one of its sub-groups', '#target']]);
    assert.match(otherProjectsGroup.body, new RegExp(`value="${cy.personId}" checked`), 'the ticks are kept');
    const noTarget = await f.admin.submit(`${page()}/assign`, { ids: [String(cy.personId)] }, page());
    assert.deepEqual(errorSummary(noTarget.body), [['Choose where to add them', '#target']]);
    assert.equal((await subgroupMemberIds(otherGroupId)).length, 0);
    assert.equal((await f.admin.submit('/admin/projects/99999/assign', { target: 'project', ids: [String(cy.personId)] }, page())).statusCode, 404);
  });

  it('filters the list of participants by text', async () => {
    const offered = (html: string) => [...html.matchAll(/name="ids" type="checkbox" value="(\d+)"/g)].map((m) => Number(m[1]));
    const byName = await f.admin.get(`${page()}?q=ARCHER`);
    assert.deepEqual(offered(byName.body), [amy.personId]);
    assert.match(mainText(byName.body), /Select participants matching “ARCHER”/);
    assert.deepEqual(offered((await f.admin.get(`${page()}?q=southmoor`)).body), [bo.personId], 'by organisation');
    assert.deepEqual(offered((await f.admin.get(`${page()}?q=dee.dunn@example`)).body), [dee.personId], 'by email address');
    assert.equal(offered((await f.admin.get(page())).body).length, 4);
    const wildcard = mainText((await f.admin.get(`${page()}?q=%25`)).body);
    assert.match(wildcard, /No accepted participants match “%”/, '% is searched for literally');
    const nobody = await f.admin.get(`${page()}?q=zzzz`);
    assert.equal(nobody.statusCode, 200);
    assert.match(mainText(nobody.body), /No accepted participants match “zzzz”/);
  });

  it('reads the search and the forms through their schemas: odd input is a clear answer, never a 500', async () => {
    const offered = (html: string) => [...html.matchAll(/name="ids" type="checkbox" value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(offered((await f.admin.get(`${page()}?q=archer&q=zzzz`)).body), [amy.personId], 'a repeated search uses the first');
    const long = await f.admin.get(`${page()}?q=${'a'.repeat(5000)}`);
    assert.equal(long.statusCode, 200, 'a very long search is cut, not refused');
    const json = await f.admin.request({ method: 'POST', url: `${page()}/assign`, payload: JSON.stringify({ ids: { nested: [1] }, _csrf: await f.admin.csrfToken(page()) }), headers: { 'content-type': 'application/json' } });
    assert.ok(json.statusCode >= 400 && json.statusCode < 500, `a body of another shape is refused (${json.statusCode})`);
    assert.equal((await projectMemberIds(projectId)).length, 0);
    const nested = await f.admin.submit(`${page()}/assign`, { target: 'project', 'ids[0]': String(amy.personId) }, page());
    assert.equal(nested.statusCode, 400);
    assert.deepEqual(errorSummary(nested.body), [['Select at least one participant', '#participants']]);
  });

  it('shows a sub-group’s members and adds members from its own page', async () => {
    await withGroups();
    await withMembers();
    await assign(db(), f.admin.personId, { projectId, subgroupId: groupId }, [dee.personId], f.t.clock);
    const res = await f.admin.get(`/admin/subgroups/${groupId}`);
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Radiotherapy guidance');
    const text = mainText(res.body);
    assert.match(text, /Members \(3\) .* Amy Archer Northfield Hospital Assistant practitioner \(AP\) Remove .* Bo Baker .* Dee Dunn/);
    // Only people not in it already are offered.
    assert.doesNotMatch(res.body, new RegExp(`name="ids"[^>]*value="${amy.personId}"`));
    assert.match(res.body, new RegExp(`value="${cy.personId}"`));
    const empty = await f.admin.submit(`/admin/subgroups/${groupId}/members`, {}, `/admin/subgroups/${groupId}`);
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [['Select at least one participant', '#participants']]);
    const refused = await f.admin.submit(`/admin/subgroups/${groupId}/members`, { ids: String(withdrawn.personId) }, `/admin/subgroups/${groupId}`);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Not added: Wyn Withdrawn/);
    const added = await f.admin.submit(`/admin/subgroups/${groupId}/members`, { ids: String(cy.personId) }, `/admin/subgroups/${groupId}`);
    assert.equal(added.headers.location, `/admin/subgroups/${groupId}`);
    assert.ok((await subgroupMemberIds(groupId)).includes(cy.personId));
    assert.equal((await f.admin.get('/admin/subgroups/99999')).statusCode, 404);
  });

  it('removes someone from a sub-group (they stay in the project), then from the project', async () => {
    await withGroups();
    await withMembers();
    // The list's "Remove" opens a page that asks first; nothing changes until its button.
    const list = (await f.admin.get(`/admin/subgroups/${groupId}`)).body;
    assert.match(list, new RegExp(`href="/admin/subgroups/${groupId}/members/${bo.personId}/remove"`));
    const ask = await f.admin.get(`/admin/subgroups/${groupId}/members/${bo.personId}/remove`);
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /Remove Bo Baker from the sub-group Radiotherapy guidance\?/);
    assert.equal((await audit('subgroup.remove')).length, 0);
    assert.equal((await f.admin.get(`${page()}/members/${amy.personId}/remove`)).statusCode, 200);
    assert.equal((await f.admin.get(`/admin/subgroups/${groupId}/members/999999/remove`)).statusCode, 404);
    const res = await f.admin.submit(`/admin/subgroups/${groupId}/members/${bo.personId}/remove`, {}, `/admin/subgroups/${groupId}`);
    assert.equal(res.headers.location, `/admin/subgroups/${groupId}`);
    assert.ok(!(await subgroupMemberIds(groupId)).includes(bo.personId));
    assert.ok((await projectMemberIds(projectId)).includes(bo.personId));
    const removed = await audit('subgroup.remove');
    assert.deepEqual(removed.map((r) => r.summary), ['Removed Bo Baker from sub-group “Radiotherapy guidance”']);
    // Removing again is harmless and not audited twice.
    await f.admin.submit(`/admin/subgroups/${groupId}/members/${bo.personId}/remove`, {}, `/admin/subgroups/${groupId}`);
    assert.equal((await audit('subgroup.remove')).length, 1);

    const out = await f.admin.submit(`${page()}/members/${amy.personId}/remove`, {}, page());
    assert.equal(out.headers.location, `${page()}`);
    assert.ok(!(await projectMemberIds(projectId)).includes(amy.personId));
    assert.ok(!(await subgroupMemberIds(groupId)).includes(amy.personId), 'out of the project’s sub-groups too');
    const entries = await audit('project.remove');
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.summary, /^Removed Amy Archer from project .* and its sub-groups$/);
    assert.equal((await f.admin.submit(`/admin/subgroups/99999/members/${amy.personId}/remove`, {}, page())).statusCode, 404);
  });

  it('keeps these pages for admins', async () => {
    await withGroups();
    const signedOut = new TestClient(f.t.app);
    assert.equal((await signedOut.get('/admin/projects')).statusCode, 302);
    for (const role of ['participant', 'facilitator', 'observer'] as const) {
      const c = await f.t.signedIn(role);
      for (const url of ['/admin/projects', page(), `/admin/subgroups/${groupId}`, `/admin/subgroups/${groupId}/edit`]) assert.equal((await c.get(url)).statusCode, 403, `${role} ${url}`);
      const post = await c.submit(`${page()}/assign`, { target: 'project', ids: String(dee.personId) }, '/account');
      assert.equal(post.statusCode, 403, `${role} cannot assign`);
    }
    const participant = await f.signInAs(bo.personId);
    assert.equal((await participant.get(`/admin/subgroups/${groupId}`)).statusCode, 403);
    assert.equal((await f.admin.get('/admin/projects/99999')).statusCode, 404);
    assert.equal((await f.admin.get('/admin/projects/not-a-number')).statusCode, 404);
  });
});

describe('projects and sub-groups with hundreds of participants', () => {
  let f: Fixture;
  const COUNT = 320;

  before(async () => {
    f = await setUp();
    const now = f.t.clock().toISOString();
    const db = f.t.data.db;
    // Straight into the tables: the registration rules are tested elsewhere, and this is about size.
    const people = await db
      .insertInto('people')
      .values(Array.from({ length: COUNT }, (_, i) => ({ email: `p${i}@example.org`, email_normalised: `p${i}@example.org`, name: `Participant ${String(i).padStart(3, '0')}`, role: 'participant' as const, status: 'active' as const, created_at: now, updated_at: now, programme_mail_stopped_at: null })))
      .returning(['id', 'name', 'email'])
      .execute();
    await db
      .insertInto('registrations')
      .values(people.map((p, i) => ({
        programme_id: f.programmeId, reference: `REG-T${String(i).padStart(5, '0')}`, status: 'accepted' as const, channel: 'web' as const, email: p.email, email_normalised: p.email,
        full_name: p.name, organisation_id: null, organisation_name: i % 2 ? 'Odd Trust' : 'Even Trust', department: null, nation: 'England', region: 'London', service_type: 'diagnostic',
        service_other: null, job_title: 'Support worker', role_group: 'csw', role_other: null, afc_band: '2', participation: '', adjustments: null, consent_at: now, email_confirmed_at: now,
        confirm_token_hash: null, person_id: p.id, search_text: `${p.name} ${p.email} ${i % 2 ? 'odd trust' : 'even trust'} support worker`.toLowerCase(), created_at: now, updated_at: now,
      })))
      .execute();
  });
  after(() => f.t.close());

  it('lists a page of them, says how many matched, narrows by search and assigns them all at once', async () => {
    const page = `/admin/projects/${f.projects[0]!.id}`;
    const offered = (html: string) => [...html.matchAll(/name="ids" type="checkbox" value="(\d+)"/g)].map((m) => m[1]!);
    const all = await f.admin.get(page);
    assert.equal(all.statusCode, 200);
    assert.equal(offered(all.body).length, 300);
    assert.match(mainText(all.body), new RegExp(`Showing the first 300 of ${COUNT} matching participants`));
    const odd = await f.admin.get(`${page}?q=odd+trust`);
    assert.equal(offered(odd.body).length, COUNT / 2);
    assert.doesNotMatch(mainText(odd.body), /Showing the first/);

    const res = await f.admin.submit(`${page}/assign`, { target: 'project', ids: offered(all.body) }, page);
    assert.equal(res.headers.location, `${page}`);
    assert.equal((await f.t.data.db.selectFrom('project_members').select('person_id').execute()).length, 300);
    const entry = await f.t.data.db.selectFrom('audit_events').select('summary').where('action', '=', 'project.assign').executeTakeFirstOrThrow();
    assert.match(entry.summary, /^Added Participant 000, .* and 290 more to project /);
    assert.match(mainText((await f.admin.get(page)).body), /Members of the project \(300\)/);
  });
});
