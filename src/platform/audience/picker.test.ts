// The shared audience picker through a small test-only page, on both engines: it renders each
// choice (with no script needed: every part is in the page), a posted form becomes audience rows,
// and each kind of mistake gets its message; a lead is offered, and may save, only their groups.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { h1 } from '../../../test/helpers/app.ts';
import { setUp, errorSummary, type Fixture } from '../../features/participants/test-fixture.ts';
import { assign, createSubgroup } from '../../features/participants/service.ts';
import { upsertPerson } from '../auth/people.ts';
import { audienceFormValues } from '../forms/audience.ts';
import { audienceOf, makeLead, type NamedTarget } from './access.ts';
import { audienceTestRoutes, TEST_ITEM, TEST_PICKER_PATH } from './test-form.ts';

describe('the audience picker', () => {
  let f: Fixture;
  let p1: number, p2: number, s1: number, s2: number;
  const path = TEST_PICKER_PATH;
  const saved = () => audienceOf(f.t.data.db, TEST_ITEM.kind, TEST_ITEM.id);
  const kinds = (targets: NamedTarget[]) => targets.map((t) => [t.kind, t.id]);

  beforeEach(async () => {
    f = await setUp({ routes: (app, ctx) => audienceTestRoutes(app, ctx) });
    [p1, p2] = f.projects.map((p) => p.id) as [number, number];
    const a = await createSubgroup(f.t.data.db, f.admin.personId, p1, { name: 'Delegation resources', description: '' }, f.t.clock);
    const b = await createSubgroup(f.t.data.db, f.admin.personId, p2, { name: 'Imaging guidance', description: '' }, f.t.clock);
    if (!a.ok || !b.ok) throw new Error('sub-groups');
    [s1, s2] = [a.id, b.id];
  });
  afterEach(() => f.t.close());

  it('renders every choice an admin may use, each part in the page without a script', async () => {
    const res = await f.admin.get(path);
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Share a note');
    for (const value of ['programme', 'projects', 'subgroups', 'people', 'signed-in', 'public']) assert.match(res.body, new RegExp(`name="audience" type="radio" value="${value}"`), value);
    for (const p of f.projects) assert.match(res.body, new RegExp(`name="audienceProjects" type="checkbox" value="${p.id}"`));
    assert.match(res.body, new RegExp(`name="audienceSubgroups" type="checkbox" value="${s1}"`));
    assert.match(res.body, /Sub-group of /);
    assert.match(res.body, /<textarea[^>]*name="audiencePeople"/);
    assert.match(res.body, /<legend[^>]*>\s*Who is this note for\?\s*<\/legend>/);
  });

  it('saves each kind of audience as rows', async () => {
    const post = (form: Record<string, string | string[]>) => f.admin.submit(path, form, path);
    const amy = await f.register('Amy Archer');
    const cases: [Record<string, string | string[]>, () => [string, number][]][] = [
      [{ audience: 'programme' }, () => [['programme', f.programmeId]]],
      [{ audience: 'projects', audienceProjects: [String(p2), String(p1), String(p1)] }, () => [['project', p1], ['project', p2]].sort((a, b) => (f.projects.find((p) => p.id === a[1])!.name.localeCompare(f.projects.find((p) => p.id === b[1])!.name))) as [string, number][]],
      [{ audience: 'subgroups', audienceSubgroups: String(s2), audienceProjects: String(p1) }, () => [['subgroup', s2]]],
      [{ audience: 'people', audiencePeople: `  ${amy.email.toUpperCase()}\r\n\r\n${amy.email}\n` }, () => [['person', amy.personId]]],
      [{ audience: 'signed-in' }, () => [['signed-in', 0]]],
      [{ audience: 'public', audiencePeople: 'ignored' }, () => [['public', 0]]],
    ];
    for (const [form, expected] of cases) {
      const res = await post(form);
      assert.equal(res.statusCode, 302, JSON.stringify(form));
      assert.deepEqual(kinds(await saved()), expected(), JSON.stringify(form));
    }
    // An edit page starts the picker from what was saved.
    await post({ audience: 'people', audiencePeople: amy.email });
    assert.deepEqual(audienceFormValues(await saved()), { audience: 'people', audiencePeople: amy.email });
    await post({ audience: 'subgroups', audienceSubgroups: [String(s1), String(s2)] });
    const values = audienceFormValues(await saved());
    assert.deepEqual({ ...values, audienceSubgroups: [...(values.audienceSubgroups as string[])].sort() }, { audience: 'subgroups', audienceSubgroups: [String(s1), String(s2)].sort() });
    const page = await f.admin.get(path);
    assert.match(page.body, /This note is for: subgroup Delegation resources; subgroup Imaging guidance\./);
  });

  it('says what is wrong, keeps what was typed, and saves nothing', async () => {
    await upsertPerson(f.t.data.db, { email: 'known@example.org', name: 'Known Person', role: 'facilitator' }, f.t.clock);
    const tries: [Record<string, string | string[]>, [string, string]][] = [
      [{}, ['Choose who this is for', '#audience']],
      [{ audience: 'everyone' }, ['Choose who this is for', '#audience']],
      [{ audience: 'projects' }, ['Select at least one project', '#audienceProjects']],
      [{ audience: 'projects', audienceProjects: '99999' }, ['Choose projects from the list', '#audienceProjects']],
      [{ audience: 'subgroups', audienceSubgroups: ['abc'] }, ['Choose sub-groups from the list', '#audienceSubgroups']],
      [{ audience: 'subgroups' }, ['Select at least one sub-group', '#audienceSubgroups']],
      [{ audience: 'people', audiencePeople: '  \n ' }, ['Enter the email address of at least one person', '#audiencePeople']],
      [{ audience: 'people', audiencePeople: 'known@example.org\nnot-an-email' }, ['“not-an-email” is not an email address: enter one email address on each line', '#audiencePeople']],
      [{ audience: 'people', audiencePeople: 'known@example.org\nnobody@example.org' }, ['No one has an account with the email address nobody@example.org', '#audiencePeople']],
      [{ audience: 'people', audiencePeople: 'a1@example.org, a2@example.org' }, ['No one has an account with these email addresses: a1@example.org, a2@example.org', '#audiencePeople']],
    ];
    for (const [form, error] of tries) {
      const res = await f.admin.submit(path, form, path);
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.deepEqual(errorSummary(res.body), [error], JSON.stringify(form));
    }
    const kept = await f.admin.submit(path, { audience: 'people', audiencePeople: 'known@example.org\nnobody@example.org' }, path);
    assert.match(kept.body, /name="audience" type="radio" value="people" checked/);
    assert.match(kept.body, /known@example.org\nnobody@example.org<\/textarea>/);
    const ticks = await f.admin.submit(path, { audience: 'projects', audienceProjects: [String(p1), '99999'] }, path);
    assert.match(ticks.body, new RegExp(`value="${p1}" checked`), 'the ticks are kept');
    assert.deepEqual(await saved(), []);
  });

  it('offers a lead only their own groups, and refuses any other', async () => {
    const fay = await f.t.signedIn('facilitator', 'fay@example.org');
    assert.deepEqual(await makeLead(f.t.data.db, { kind: 'project', id: p1 }, fay.personId, f.t.clock), { ok: true });
    const page = await fay.get(path);
    assert.doesNotMatch(page.body, /value="programme"|value="people"|value="public"|value="signed-in"/);
    assert.match(page.body, new RegExp(`name="audienceProjects" type="checkbox" value="${p1}"`));
    assert.doesNotMatch(page.body, new RegExp(`name="audienceProjects" type="checkbox" value="${p2}"`));
    assert.match(page.body, new RegExp(`name="audienceSubgroups" type="checkbox" value="${s1}"`), 'the sub-groups of their project');
    assert.doesNotMatch(page.body, new RegExp(`value="${s2}"`));
    assert.deepEqual(errorSummary((await fay.submit(path, { audience: 'projects', audienceProjects: String(p2) }, path)).body), [['Choose projects from the list', '#audienceProjects']]);
    assert.deepEqual(errorSummary((await fay.submit(path, { audience: 'programme' }, path)).body), [['Choose who this is for', '#audience']]);
    assert.equal((await fay.submit(path, { audience: 'subgroups', audienceSubgroups: String(s1) }, path)).statusCode, 302);
    assert.deepEqual(kinds(await saved()), [['subgroup', s1]]);

    // A participant leading a sub-group is offered it; one leading nothing cannot choose at all.
    const amy = await f.register('Amy Archer');
    await assign(f.t.data.db, f.admin.personId, { projectId: p1, subgroupId: s1 }, [amy.personId], f.t.clock);
    await makeLead(f.t.data.db, { kind: 'subgroup', id: s1 }, amy.personId, f.t.clock);
    const amyPage = await (await f.signInAs(amy.personId)).get(path);
    assert.match(amyPage.body, /name="audience" type="radio" value="subgroups"/);
    assert.doesNotMatch(amyPage.body, /value="projects"/);
    const bo = await f.register('Bo Baker');
    assert.match((await (await f.signInAs(bo.personId)).get(path)).body, /You cannot choose who a note is for/);
  });
});
