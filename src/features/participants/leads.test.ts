// Group leads: an admin makes a facilitator lead of a project and a member lead of a sub-group
// (anyone else is refused, saying why), stops them, and every change is audited; /facilitate
// lists what the signed-in person leads, and a participant reaches it only while they lead.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { h1, TestClient } from '../../../test/helpers/app.ts';
import { setPersonRole } from '../../platform/auth/people.ts';
import { withdrawParticipant } from '../registration/service.ts';
import { assign, createSubgroup } from './service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from './test-fixture.ts';

describe('group leads', () => {
  let f: Fixture;
  let projectId: number, otherProjectId: number, groupId: number, otherGroupId: number;
  let amy: Someone, bo: Someone, cy: Someone;
  let fay: TestClient & { personId: number };

  const db = () => f.t.data.db;
  const projectPage = () => `/admin/projects/${projectId}`;
  const groupPage = () => `/admin/subgroups/${groupId}`;
  const leads = (kind: string, id: number) => db().selectFrom('group_leads').select('person_id').where('group_kind', '=', kind as 'project').where('group_id', '=', id).orderBy('person_id').execute().then((r) => r.map((x) => x.person_id));
  const audit = (action: string) => db().selectFrom('audit_events').select(['summary', 'record_id', 'actor_id']).where('action', '=', action).orderBy('id').execute();

  beforeEach(async () => {
    f = await setUp();
    [projectId, otherProjectId] = f.projects.map((p) => p.id) as [number, number];
    const a = await createSubgroup(db(), f.admin.personId, projectId, { name: 'Delegation resources', description: '' }, f.t.clock);
    const b = await createSubgroup(db(), f.admin.personId, otherProjectId, { name: 'Imaging guidance', description: '' }, f.t.clock);
    if (!a.ok || !b.ok) throw new Error('sub-groups');
    [groupId, otherGroupId] = [a.id, b.id];
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    await assign(db(), f.admin.personId, { projectId, subgroupId: groupId }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: otherProjectId, subgroupId: otherGroupId }, [cy.personId], f.t.clock);
    fay = await f.t.signedIn('facilitator', 'fay.facilitator@example.org');
  });
  afterEach(() => f.t.close());

  it('makes a facilitator lead of a project, refusing anyone else with a clear message', async () => {
    const page = await f.admin.get(projectPage());
    assert.match(mainText(page.body), /Leads .* Nobody leads this project yet\./);
    const tries: [Record<string, string>, string][] = [
      [{}, 'Enter their email address'],
      [{ email: '  ' }, 'Enter their email address'],
      [{ email: 'not an email' }, 'Enter an email address in the correct format, like name@example.org'],
      [{ email: 'nobody@example.org' }, 'No one with an active account has that email address. Check it, or add them on the people page first'],
      [{ email: amy.email }, 'Amy Archer is not a facilitator. Only facilitators can lead a project: change their role on the people page first'],
    ];
    for (const [form, message] of tries) {
      const res = await f.admin.submit(`${projectPage()}/leads`, form, projectPage());
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.deepEqual(errorSummary(res.body), [[message, '#lead-email']]);
    }
    assert.match((await f.admin.submit(`${projectPage()}/leads`, { email: 'not an email' }, projectPage())).body, /value="not an email"/, 'what was typed is kept');
    assert.deepEqual(await leads('project', projectId), []);

    const ok = await f.admin.submit(`${projectPage()}/leads`, { email: ' FAY.facilitator@example.org ' }, projectPage());
    assert.equal(ok.statusCode, 302);
    assert.equal(ok.headers.location, `${projectPage()}#leads`);
    const after = await f.admin.get(projectPage());
    assert.match(after.body, /Test facilitator now leads this project\./);
    assert.match(mainText(after.body), /Leads .* Test facilitator fay\.facilitator@example\.org Stop leading ?: Test facilitator/);
    assert.deepEqual(await leads('project', projectId), [fay.personId]);
    const again = await f.admin.submit(`${projectPage()}/leads`, { email: 'fay.facilitator@example.org' }, projectPage());
    assert.deepEqual(errorSummary(again.body), [['Test facilitator already leads this project', '#lead-email']]);
    const entries = await audit('project.lead.start');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.actor_id, f.admin.personId);
    assert.equal(entries[0]!.record_id, String(projectId));
    assert.equal(entries[0]!.summary, `Made Test facilitator a lead of project ${f.projects[0]!.name}`);

    const stop = await f.admin.submit(`${projectPage()}/leads/${fay.personId}/stop`, {}, projectPage());
    assert.equal(stop.headers.location, `${projectPage()}#leads`);
    assert.match((await f.admin.get(projectPage())).body, /They no longer lead it\./);
    assert.deepEqual(await leads('project', projectId), []);
    const stopAgain = await f.admin.submit(`${projectPage()}/leads/${fay.personId}/stop`, {}, projectPage());
    assert.equal(stopAgain.statusCode, 302);
    assert.deepEqual((await audit('project.lead.stop')).map((e) => e.summary), [`Test facilitator no longer leads project ${f.projects[0]!.name}`], 'stopping twice is audited once');
    assert.equal((await f.admin.submit('/admin/projects/99999/leads', { email: 'fay.facilitator@example.org' }, projectPage())).statusCode, 404);
  });

  it('makes a member lead of a sub-group; not a non-member or a facilitator; leaving it ends the lead', async () => {
    const refusals: [string, string][] = [
      [cy.email, 'Cy Carter is not a member of this sub-group. Add them as a member first'],
      ['fay.facilitator@example.org', 'Test facilitator is not a participant. A sub-group is led by one of its own members: facilitators lead projects instead'],
    ];
    for (const [email, message] of refusals) {
      const res = await f.admin.submit(`${groupPage()}/leads`, { email }, groupPage());
      assert.equal(res.statusCode, 400);
      assert.deepEqual(errorSummary(res.body), [[message, '#lead-email']]);
    }
    const ok = await f.admin.submit(`${groupPage()}/leads`, { email: amy.email }, groupPage());
    assert.equal(ok.headers.location, `${groupPage()}#leads`);
    const page = await f.admin.get(groupPage());
    assert.match(page.body, /Amy Archer now leads this sub-group\./);
    assert.match(mainText(page.body), /Members \(2\) .* Amy Archer Lead /);
    assert.deepEqual(await leads('subgroup', groupId), [amy.personId]);
    assert.equal((await audit('subgroup.lead.start'))[0]!.summary, 'Made Amy Archer a lead of sub-group “Delegation resources”');

    await f.admin.submit(`${groupPage()}/members/${amy.personId}/remove`, {}, groupPage());
    assert.deepEqual(await leads('subgroup', groupId), [], 'out of the sub-group, out of its lead');
    assert.deepEqual((await audit('subgroup.remove')).map((e) => e.summary), ['Removed Amy Archer from sub-group “Delegation resources” (they no longer lead it)']);

    await assign(db(), f.admin.personId, { projectId, subgroupId: groupId }, [amy.personId], f.t.clock);
    await f.admin.submit(`${groupPage()}/leads`, { email: bo.email }, groupPage());
    await withdrawParticipant(db(), bo.personId, f.t.clock);
    assert.deepEqual(await leads('subgroup', groupId), [], 'a participant who withdraws leads nothing');
  });

  it('lists on /facilitate only the groups the person leads', async () => {
    await f.admin.submit(`${projectPage()}/leads`, { email: 'fay.facilitator@example.org' }, projectPage());
    await f.admin.submit(`${groupPage()}/leads`, { email: amy.email }, groupPage());
    const res = await fay.get('/facilitate');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Facilitate');
    const text = mainText(res.body);
    assert.match(text, new RegExp(`Projects you lead Project: ${f.projects[0]!.name} Meetings of ${f.projects[0]!.name} Members of the project \\(2\\): Amy Archer Bo Baker Its sub-groups Sub-group: Delegation resources Meetings of Delegation resources Members \\(2\\): Amy Archer Bo Baker`));
    assert.doesNotMatch(text, new RegExp(`${f.projects[1]!.name}|Imaging guidance|Cy Carter`), 'nothing of the project they do not lead');

    // Amy leads her sub-group: /my says so and links to /facilitate, which lists it alone.
    const amyClient = await f.signInAs(amy.personId);
    const my = await amyClient.get('/my');
    assert.match(mainText(my.body), /Sub-groups you lead You lead Delegation resources\. Run the sub-groups you lead/);
    assert.match(my.body, /href="\/facilitate"/);
    const hers = await amyClient.get('/facilitate');
    assert.equal(hers.statusCode, 200);
    assert.match(mainText(hers.body), new RegExp(`Sub-groups you lead Sub-group: Delegation resources Part of the project ${f.projects[0]!.name}\\. Meetings of Delegation resources Members \\(2\\): Amy Archer Bo Baker`));
    assert.doesNotMatch(mainText(hers.body), /Projects you lead/);
    // From there she can write to her group: the messages page lets a sub-group's lead in.
    assert.match(hers.body, /href="\/messages">Write to the people in the groups you lead/);
    assert.equal((await amyClient.get('/messages/write')).statusCode, 200);

    // Bo leads nothing: no link, and /facilitate is not for him.
    const boClient = await f.signInAs(bo.personId);
    assert.doesNotMatch((await boClient.get('/my')).body, /href="\/facilitate"/);
    assert.equal((await boClient.get('/facilitate')).statusCode, 403);

    // A facilitator who leads nothing is told so; one made an observer no longer gets in.
    const gil = await f.t.signedIn('facilitator');
    assert.match(mainText((await gil.get('/facilitate')).body), /You do not lead any project yet/);
    await setPersonRole(db(), fay.personId, 'observer', f.t.clock);
    assert.equal((await fay.get('/facilitate')).statusCode, 403);
    assert.match(mainText((await f.admin.get(projectPage())).body), /Test facilitator \(no longer a facilitator: they lead nothing while their role is observer\)/, 'the project page says so');
    assert.match(mainText((await f.admin.get('/facilitate')).body), /As an admin you run every project and sub-group/);
    assert.equal((await new TestClient(f.t.app).get('/facilitate')).headers.location, '/sign-in?next=%2Ffacilitate');
  });

  it('keeps the lead actions for admins', async () => {
    for (const client of [fay, await f.signInAs(amy.personId)]) {
      assert.equal((await client.submit(`${projectPage()}/leads`, { email: 'fay.facilitator@example.org' }, '/account')).statusCode, 403);
      assert.equal((await client.submit(`${groupPage()}/leads/${amy.personId}/stop`, {}, '/account')).statusCode, 403);
    }
    assert.deepEqual(await leads('project', projectId), []);
  });
});
