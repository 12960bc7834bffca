// Lists per project and sub-group, and the programme calendar, over HTTP on both engines: who may
// see a group's list (members, leads, admins; nobody else, and no group of another programme),
// drafts only to organisers, the calendar's days in London time across the clock change, and bad
// months or addresses answered with a clear 4xx, never a 500.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { TestClient } from '../../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { makeLead } from '../../../platform/audience/access.ts';
import { assign, createSubgroup } from '../../participants/service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { visibleGroup } from './service.ts';
import { addMeeting } from './test-support.ts';

describe(`meeting lists on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  let p1: number, p2: number, sub: number;
  const db = () => f.t.data.db;

  beforeEach(async () => {
    f = await setUp();
    [p1, p2] = f.projects.map((p) => p.id) as [number, number];
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    const s = await createSubgroup(db(), f.admin.personId, p1, { name: 'Delegation', description: '' }, f.t.clock);
    if (!s.ok) throw new Error('sub-group');
    sub = s.id;
    await assign(db(), f.admin.personId, { projectId: p1, subgroupId: null }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: p1, subgroupId: sub }, [amy.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: p2, subgroupId: null }, [cy.personId], f.t.clock);
  });
  afterEach(() => f.t.close());

  const add = (title: string, startsAt: string, audience: { kind: 'project' | 'subgroup' | 'person'; id: number }[], status: 'draft' | 'published' | 'cancelled' = 'published') =>
    addMeeting(db(), f.programmeId, { title, startsAt, audience, status });

  it('shows a project’s and a sub-group’s meetings to their members, leads and admins, drafts only to organisers', async () => {
    await add('Project kick-off', '2026-04-01T09:00:00Z', [{ kind: 'project', id: p1 }]);
    await add('Project draft', '2026-04-02T09:00:00Z', [{ kind: 'project', id: p1 }], 'draft');
    await add('Project review', '2026-02-01T09:00:00Z', [{ kind: 'project', id: p1 }]);
    await add('Project called off', '2026-04-03T09:00:00Z', [{ kind: 'project', id: p1 }], 'cancelled');
    await add('Delegation meeting', '2026-04-04T09:00:00Z', [{ kind: 'subgroup', id: sub }]);
    await add('Other project', '2026-04-05T09:00:00Z', [{ kind: 'project', id: p2 }]);
    await add('Chosen people', '2026-04-06T09:00:00Z', [{ kind: 'person', id: amy.personId }]);
    await add('Both projects', '2026-04-07T09:00:00Z', [{ kind: 'project', id: p1 }, { kind: 'project', id: p2 }]);

    const amyC = await f.signInAs(amy.personId);
    const page = await amyC.get(`/meetings/project/${p1}`);
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /Meetings of /);
    const upcoming = text.slice(text.indexOf('Upcoming'), text.indexOf('Past'));
    const past = text.slice(text.indexOf('Past'));
    for (const t of ['Project kick-off', 'Project called off', 'Both projects']) assert.match(upcoming, new RegExp(t), t);
    assert.match(past, /Project review/);
    assert.match(upcoming, /Wednesday 1 April 2026, 10:00am to 11:00am \(UK time\)/, 'London time, labelled');
    for (const t of ['Project draft', 'Delegation meeting', 'Other project', 'Chosen people']) assert.doesNotMatch(text, new RegExp(t), t);
    assert.match(text, /Cancelled/);

    const subPage = mainText((await amyC.get(`/meetings/subgroup/${sub}`)).body);
    assert.match(subPage, /Delegation meeting/);
    assert.doesNotMatch(subPage, /Project kick-off/);

    // Not in the group: not found (Bo is in the project but not the sub-group; Cy in neither).
    const boC = await f.signInAs(bo.personId);
    assert.equal((await boC.get(`/meetings/project/${p1}`)).statusCode, 200);
    assert.equal((await boC.get(`/meetings/subgroup/${sub}`)).statusCode, 404);
    const cyC = await f.signInAs(cy.personId);
    assert.equal((await cyC.get(`/meetings/project/${p1}`)).statusCode, 404);
    assert.equal((await cyC.get(`/meetings/subgroup/${sub}`)).statusCode, 404);
    assert.match(mainText((await cyC.get(`/meetings/project/${p2}`)).body), /Other project.*Both projects/);

    // Admins see drafts, marked.
    const admin = mainText((await f.admin.get(`/meetings/project/${p1}`)).body);
    assert.match(admin, /Project draft Thursday 2 April 2026/);
    assert.match(admin, /Draft/);

    // A project's lead (a facilitator) sees the project's drafts they manage, and its sub-groups' lists.
    const fac = await f.t.signedIn('facilitator');
    assert.equal((await fac.get(`/meetings/project/${p1}`)).statusCode, 404, 'not yet a lead');
    assert.ok((await makeLead(db(), { kind: 'project', id: p1 }, fac.personId, f.t.clock)).ok);
    const lead = mainText((await fac.get(`/meetings/project/${p1}`)).body);
    assert.match(lead, /Project draft/);
    assert.match(lead, /Both projects/, 'a meeting for two projects is visible to a lead of one');
    assert.equal((await fac.get(`/meetings/subgroup/${sub}`)).statusCode, 200);
    assert.equal((await fac.get(`/meetings/project/${p2}`)).statusCode, 404);

    // A sub-group's lead (a participant member) sees its drafts; another member does not.
    await add('Sub-group draft', '2026-04-08T09:00:00Z', [{ kind: 'subgroup', id: sub }], 'draft');
    await assign(db(), f.admin.personId, { projectId: p1, subgroupId: sub }, [bo.personId], f.t.clock);
    assert.doesNotMatch(mainText((await amyC.get(`/meetings/subgroup/${sub}`)).body), /Sub-group draft/, 'not a lead yet');
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: sub }, amy.personId, f.t.clock)).ok);
    assert.match(mainText((await amyC.get(`/meetings/subgroup/${sub}`)).body), /Sub-group draft/);
    const boSub = mainText((await boC.get(`/meetings/subgroup/${sub}`)).body);
    assert.match(boSub, /Delegation meeting/);
    assert.doesNotMatch(boSub, /Sub-group draft/);

    // A group of another programme is never found, even for an admin.
    assert.equal(await visibleGroup(db(), { id: f.admin.personId, role: 'admin' }, f.programmeId + 1000, { kind: 'project', id: p1 }), undefined);
    assert.ok(await visibleGroup(db(), { id: f.admin.personId, role: 'admin' }, f.programmeId, { kind: 'project', id: p1 }));
  });

  it('lists the programme’s meetings of a month by London day, across the clock change', async () => {
    await add('Late on the last night', '2026-03-31T23:30:00Z', [{ kind: 'project', id: p1 }]); // 00:30 BST on 1 April
    await add('Evening in March', '2026-03-31T22:30:00Z', [{ kind: 'project', id: p1 }]); // 23:30 BST on 31 March
    await add('First of March', '2026-03-01T00:30:00Z', [{ kind: 'project', id: p2 }], 'draft'); // GMT
    await add('End of February', '2026-02-28T23:59:00Z', [{ kind: 'project', id: p2 }]);
    await add('Cancelled in March', '2026-03-15T10:00:00Z', [{ kind: 'subgroup', id: sub }], 'cancelled');

    const march = await f.admin.get('/meetings/calendar'); // the clock says 10 March 2026
    assert.equal(march.statusCode, 200);
    const m = mainText(march.body);
    assert.match(m, /^Meetings calendar March 2026/);
    assert.match(m, /Sunday 1 March 2026 12:30am to 1:30am \(UK time\): First of March Draft/);
    assert.match(m, /Sunday 15 March 2026 10:00am to 11:00am \(UK time\): Cancelled in March Cancelled/);
    assert.match(m, /Tuesday 31 March 2026 11:30pm to Wednesday 1 April 2026, 12:30am \(UK time\): Evening in March/);
    assert.doesNotMatch(m, /Late on the last night|End of February/);
    assert.match(march.body, /href="\/meetings\/calendar\?month=2026-02"/);
    assert.match(march.body, /href="\/meetings\/calendar\?month=2026-04"/);
    const order = ['First of March', 'Cancelled in March', 'Evening in March'].map((t) => m.indexOf(t));
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'days in order');

    const april = mainText((await f.admin.get('/meetings/calendar?month=2026-04')).body);
    assert.match(april, /Wednesday 1 April 2026 12:30am to 1:30am \(UK time\): Late on the last night/);
    assert.doesNotMatch(april, /Evening in March/);
    const feb = mainText((await f.admin.get('/meetings/calendar?month=2026-02')).body);
    assert.match(feb, /Saturday 28 February 2026 11:59pm to Sunday 1 March 2026, 12:59am \(UK time\): End of February/);
    assert.match(mainText((await f.admin.get('/meetings/calendar?month=2026-05')).body), /No meetings start in May 2026/);
    const december = await f.admin.get('/meetings/calendar?month=2026-12');
    assert.match(mainText(december.body), /^Meetings calendar December 2026/);
    assert.match(december.body, /month=2027-01/, 'the year turns');
    // No link to a month the page would refuse.
    const first = await f.admin.get('/meetings/calendar?month=2000-01');
    assert.equal(first.statusCode, 200);
    assert.doesNotMatch(first.body, /month=1999-12/);
    assert.match(first.body, /month=2000-02/);
    const last = await f.admin.get('/meetings/calendar?month=2100-12');
    assert.equal(last.statusCode, 200);
    assert.doesNotMatch(last.body, /month=2101-01/);
    assert.match(last.body, /month=2100-11/);
  });

  it('puts October’s meetings on their London days across the autumn clock change', async () => {
    await add('Before the change', '2026-10-25T00:30:00Z', [{ kind: 'project', id: p1 }]); // 01:30 BST, the first time round
    await add('After the change', '2026-10-25T01:30:00Z', [{ kind: 'project', id: p1 }]); // 01:30 GMT, the second
    await add('Last evening of October', '2026-10-31T23:30:00Z', [{ kind: 'project', id: p1 }]); // 23:30 GMT
    await add('First of November', '2026-11-01T00:00:00Z', [{ kind: 'project', id: p1 }]);
    await add('Last of September', '2026-09-30T23:30:00Z', [{ kind: 'project', id: p1 }]); // 00:30 BST on 1 October
    const october = mainText((await f.admin.get('/meetings/calendar?month=2026-10')).body);
    assert.match(october, /Thursday 1 October 2026 12:30am to 1:30am \(UK time\): Last of September/);
    assert.match(october, /Sunday 25 October 2026 1:30am to 1:30am \(UK time\): Before the change 1:30am to 2:30am \(UK time\): After the change/, 'both on the 25th, in order');
    assert.match(october, /Saturday 31 October 2026 11:30pm to Sunday 1 November 2026, 12:30am \(UK time\): Last evening of October/);
    assert.doesNotMatch(october, /First of November/);
    assert.match(october, /4 meetings/);
  });

  it('answers a bad month, a hostile address, or someone who is not an admin with a 4xx, never a 500', async () => {
    for (const month of ['abc', '2026-13', '2026-3', '1999-01', '2026-00', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', '9'.repeat(500), '2026-01%00']) {
      const res = await f.admin.get(`/meetings/calendar?month=${month}`);
      assert.equal(res.statusCode, 400, month);
      assert.deepEqual(errorSummary(res.body), [['Enter the month as the year and the month, for example 2027-03', '#month']], month);
      assert.doesNotMatch(res.body, /<script>alert/);
    }
    assert.equal((await f.admin.get('/meetings/calendar?month=2026-01&month=2026-02')).statusCode, 200, 'a repeated name: the first is read');
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get('/meetings/calendar')).statusCode, 403);
    for (const url of ['/meetings/project/abc', '/meetings/project/0', '/meetings/project/-1', '/meetings/project/99999999999', '/meetings/subgroup/1.5', '/meetings/subgroup/999999', `/meetings/project/${sub}x`]) {
      for (const c of [f.admin, amyC] as TestClient[]) {
        const res = await c.get(url);
        assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
      }
    }
    // The meetings calendar is in the admin menu's "Taking part" section.
    assert.match((await f.admin.get('/meetings')).body, /href="\/meetings\/calendar"[^>]*>\s*Meetings calendar/);
  });
});
