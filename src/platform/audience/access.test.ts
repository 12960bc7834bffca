// The access rule on both engines: for each kind of audience a member sees the item and a
// non-member does not, through every way the module is asked (a list query's where, one item, the
// people an item is addressed to); a lead manages only the groups they lead. The people are made
// the real way (registered, accepted, put in groups by the participants feature), so the views
// over the features' tables are tested too.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { setUp, type Fixture } from '../../features/participants/test-fixture.ts';
import { assign, createSubgroup, removeFromSubgroup } from '../../features/participants/service.ts';
import { declineRegistration, withdrawParticipant } from '../../features/registration/service.ts';
import { setPersonRole, setPersonStatus, upsertPerson } from '../auth/people.ts';
import type { Role } from '../db/schema.ts';
import {
  addressees,
  audienceOf,
  groupsLedBy,
  makeLead,
  managedBy,
  mayAddress,
  mayManage,
  mayManageGroup,
  maySee,
  seenBy,
  setAudience,
  stopLead,
  visibleTo,
  type AudienceTarget,
  type Viewer,
} from './access.ts';

type Who = { id: number; role: Role };

describe('who may see and manage an item', () => {
  let f: Fixture;
  let p1: number, p2: number, s1: number, s2: number;
  let admin: Who, amy: Who, bo: Who, carl: Who, dan: Who, wyn: Who, fay: Who, gil: Who, obs: Who;
  // Items, by what they are for.
  const ITEMS: Record<string, () => AudienceTarget[]> = {
    programme: () => [{ kind: 'programme', id: f.programmeId }],
    project1: () => [{ kind: 'project', id: p1 }],
    subgroup1: () => [{ kind: 'subgroup', id: s1 }],
    personBo: () => [{ kind: 'person', id: bo.id }],
    signedIn: () => [{ kind: 'signed-in' }],
    public: () => [{ kind: 'public' }],
    project2AndSubgroup1: () => [{ kind: 'project', id: p2 }, { kind: 'subgroup', id: s1 }],
    nobody: () => [],
    subgroup2: () => [{ kind: 'subgroup', id: s2 }],
    programmeAndProject1: () => [{ kind: 'programme', id: f.programmeId }, { kind: 'project', id: p1 }],
  };
  const names = Object.keys(ITEMS);
  const idOf = (name: string) => names.indexOf(name) + 1;
  const db = () => f.t.data.db;
  // A feature's own item table, as a later feature would have: the rule composes with its query.
  const items = () => db() as unknown as Kysely<{ test_items: { id: number; title: string } }>;

  /** The items a list query returns for this viewer, by name. */
  async function listed(viewer: Viewer): Promise<string[]> {
    const rows = await items().selectFrom('test_items').select(['test_items.id', 'test_items.title']).where(visibleTo(viewer, 'test-item', 'test_items.id')).orderBy('test_items.id').execute();
    return rows.map((r) => r.title);
  }
  async function managed(viewer: Viewer): Promise<string[]> {
    const rows = await items().selectFrom('test_items').select('title').where(managedBy(viewer, 'test-item', 'test_items.id')).orderBy('id').execute();
    return rows.map((r) => r.title);
  }
  const person = async (name: string, role: Role): Promise<Who> => {
    const { person: p } = await upsertPerson(db(), { email: `${name.toLowerCase()}@example.org`, name, role }, f.t.clock);
    return { id: p.id, role };
  };

  beforeEach(async () => {
    f = await setUp();
    [p1, p2] = f.projects.map((p) => p.id) as [number, number];
    const made = await Promise.all([
      createSubgroup(db(), f.admin.personId, p1, { name: 'Delegation resources', description: '' }, f.t.clock),
      createSubgroup(db(), f.admin.personId, p1, { name: 'Radiotherapy guidance', description: '' }, f.t.clock),
    ]);
    if (!made[0].ok || !made[1].ok) throw new Error('sub-groups');
    [s1, s2] = [made[0].id, made[1].id];
    const participant = async (name: string) => ({ id: (await f.register(name)).personId, role: 'participant' as const });
    admin = { id: f.admin.personId, role: 'admin' };
    amy = await participant('Amy Archer');
    bo = await participant('Bo Baker');
    carl = await participant('Carl Cole');
    const danReg = await f.register('Dan Declined');
    dan = { id: danReg.personId, role: 'participant' };
    wyn = await participant('Wyn Withdrawn');
    fay = await person('Fay', 'facilitator');
    gil = await person('Gil', 'facilitator');
    obs = await person('Obi', 'observer');
    await assign(db(), admin.id, { projectId: p1, subgroupId: s1 }, [amy.id, carl.id], f.t.clock);
    await assign(db(), admin.id, { projectId: p2, subgroupId: null }, [bo.id], f.t.clock);
    await assign(db(), admin.id, { projectId: p1, subgroupId: null }, [wyn.id], f.t.clock);
    await declineRegistration(db(), danReg.registrationId, { actorId: admin.id, baseUrl: f.t.config.baseUrl, clock: f.t.clock }, null);
    await withdrawParticipant(db(), wyn.id, f.t.clock);
    assert.deepEqual(await makeLead(db(), { kind: 'project', id: p1 }, fay.id, f.t.clock), { ok: true });
    assert.deepEqual(await makeLead(db(), { kind: 'subgroup', id: s1 }, carl.id, f.t.clock), { ok: true });

    await sql`create table test_items (id integer primary key, title text not null)`.execute(db());
    for (const name of names) {
      await sql`insert into test_items (id, title) values (${idOf(name)}, ${name})`.execute(db());
      await setAudience(db(), 'test-item', idOf(name), ITEMS[name]!());
    }
    // Another kind of item with the same ids is not confused with these.
    await setAudience(db(), 'other-item', idOf('nobody'), [{ kind: 'public' }]);
  });
  afterEach(() => f.t.close());

  it('lists, for each person, exactly the items whose audience includes them', async () => {
    const expected: [string, Viewer, string[]][] = [
      ['admin', admin, names],
      ['Amy: accepted, in project 1 and sub-group 1', amy, ['programme', 'project1', 'subgroup1', 'signedIn', 'public', 'project2AndSubgroup1', 'programmeAndProject1']],
      ['Bo: accepted, in project 2, chosen by name', bo, ['programme', 'personBo', 'signedIn', 'public', 'project2AndSubgroup1', 'programmeAndProject1']],
      ['Carl: in sub-group 1 and its lead', carl, ['programme', 'project1', 'subgroup1', 'signedIn', 'public', 'project2AndSubgroup1', 'programmeAndProject1']],
      ['Dan: declined', dan, ['signedIn', 'public']],
      ['Wyn: withdrew (was in project 1)', wyn, ['signedIn', 'public']],
      ['Fay: facilitator leading project 1', fay, ['project1', 'subgroup1', 'signedIn', 'public', 'project2AndSubgroup1', 'subgroup2', 'programmeAndProject1']],
      ['Gil: facilitator leading nothing', gil, ['signedIn', 'public']],
      ['an observer', obs, ['public']],
      ['nobody signed in', null, ['public']],
    ];
    for (const [who, viewer, visible] of expected) {
      assert.deepEqual(await listed(viewer), visible, who);
      for (const name of names) assert.equal(await maySee(db(), viewer, 'test-item', idOf(name)), visible.includes(name), `${who}: one item, ${name}`);
    }
  });

  it('lists the people who may see an item (seenBy) exactly as maySee answers for each of them', async () => {
    const people = () => db() as unknown as Kysely<{ people: { id: number; role: Role } }>;
    // Two more leads of project 2: one who will be made a participant, one whose account will be turned off.
    let hal = await person('Hal', 'facilitator');
    const ivy = await person('Ivy', 'facilitator');
    for (const lead of [hal, ivy, gil]) assert.deepEqual(await makeLead(db(), { kind: 'project', id: p2 }, lead.id, f.t.clock), { ok: true });
    const check = async (when: string) => {
      const everyone: Who[] = [admin, amy, bo, carl, dan, wyn, fay, gil, obs, hal, ivy];
      for (const name of names) {
        const rows = await people().selectFrom('people').select('people.id').where(seenBy('test-item', idOf(name), { id: 'people.id', role: 'people.role' })).execute();
        const seeing = new Set(rows.map((r) => r.id));
        for (const who of everyone) assert.equal(seeing.has(who.id), await maySee(db(), who, 'test-item', idOf(name)), `${when}: person ${who.id} (${who.role}) and ${name}`);
      }
    };
    await check('at first');
    assert.ok(!(await people().selectFrom('people').select('id').where(seenBy('test-item', idOf('subgroup2'), { id: 'people.id', role: 'people.role' })).execute()).some((r) => r.id === amy.id), 'not a member of sub-group 2');
    // It reads the person's role and groups now: a lead made an observer, a member taken out.
    await setPersonRole(db(), fay.id, 'observer', f.t.clock);
    fay = { id: fay.id, role: 'observer' };
    await removeFromSubgroup(db(), admin.id, s1, amy.id, f.t.clock);
    // A project lead made a participant leads nothing (the lead row stays); nor does a lead whose account is off.
    await setPersonRole(db(), hal.id, 'participant', f.t.clock);
    hal = { id: hal.id, role: 'participant' };
    await setPersonStatus(db(), ivy.id, 'disabled', f.t.clock);
    await check('after changes');
    const seeing = async (name: string) => new Set((await people().selectFrom('people').select('id').where(seenBy('test-item', idOf(name), { id: 'people.id', role: 'people.role' })).execute()).map((r) => r.id));
    const project2 = await seeing('project2AndSubgroup1');
    assert.ok(project2.has(gil.id) && !project2.has(hal.id) && !project2.has(ivy.id), 'a current lead sees it; a lead made a participant, or turned off, does not');
  });

  it('for each audience kind, a member sees the item and a non-member does not', async () => {
    const cases: [string, Viewer, Viewer][] = [
      ['programme', bo, dan],
      ['project1', amy, bo],
      ['subgroup1', amy, bo],
      ['personBo', bo, amy],
      ['signedIn', dan, null],
      ['public', null, undefined],
    ];
    for (const [name, member, nonMember] of cases) {
      assert.ok((await listed(member)).includes(name), `${name}: a member sees it`);
      if (name !== 'public') assert.ok(!(await listed(nonMember)).includes(name), `${name}: a non-member does not`);
    }
    // Leaving a group takes the item away at once: the rule reads membership, not a copy of it.
    await removeFromSubgroup(db(), admin.id, s1, amy.id, f.t.clock);
    assert.ok(!(await listed(amy)).includes('subgroup1'));
    assert.ok((await listed(amy)).includes('project1'), 'still in the project');
  });

  it('addresses an item to its groups’ members and chosen people, each once', async () => {
    assert.deepEqual(await addressees(db(), 'test-item', idOf('project2AndSubgroup1')), [amy.id, bo.id, carl.id].sort((a, b) => a - b));
    assert.deepEqual(await addressees(db(), 'test-item', idOf('personBo')), [bo.id]);
    const accepted = await addressees(db(), 'test-item', idOf('programme'));
    assert.deepEqual(accepted, [amy.id, bo.id, carl.id].sort((a, b) => a - b), 'the programme is its accepted participants: not the declined or withdrawn');
    assert.deepEqual(await addressees(db(), 'test-item', idOf('signedIn')), []);
    const audience = await audienceOf(db(), 'test-item', idOf('project2AndSubgroup1'));
    assert.deepEqual(audience, [
      { kind: 'project', id: p2, name: f.projects[1]!.name },
      { kind: 'subgroup', id: s1, name: 'Delegation resources' },
    ]);
  });

  it('lets a lead manage only the items of the groups they lead', async () => {
    assert.deepEqual(await managed(admin), names);
    assert.deepEqual(await managed(fay), ['project1', 'subgroup1', 'subgroup2'], 'a project lead runs the project and its sub-groups, not items that reach further');
    assert.deepEqual(await managed(carl), ['subgroup1']);
    for (const who of [amy, bo, gil, obs, null]) assert.deepEqual(await managed(who), []);
    assert.equal(await mayManage(db(), fay, 'test-item', idOf('project1')), true);
    assert.equal(await mayManage(db(), fay, 'test-item', idOf('project2AndSubgroup1')), false);
    assert.equal(await mayManage(db(), carl, 'test-item', idOf('subgroup2')), false);
    assert.equal(await mayManage(db(), fay, 'test-item', idOf('nobody')), false);

    // What a lead may give a new item: only their own groups.
    assert.equal(await mayAddress(db(), fay, [{ kind: 'project', id: p1 }, { kind: 'subgroup', id: s2 }]), true);
    assert.equal(await mayAddress(db(), fay, [{ kind: 'project', id: p2 }]), false);
    assert.equal(await mayAddress(db(), fay, [{ kind: 'project', id: p1 }, { kind: 'person', id: bo.id }]), false);
    assert.equal(await mayAddress(db(), fay, [{ kind: 'programme', id: f.programmeId }]), false);
    assert.equal(await mayAddress(db(), fay, []), false);
    assert.equal(await mayAddress(db(), carl, [{ kind: 'subgroup', id: s1 }]), true);
    assert.equal(await mayAddress(db(), carl, [{ kind: 'subgroup', id: s2 }]), false);
    assert.equal(await mayAddress(db(), amy, [{ kind: 'subgroup', id: s1 }]), false);
    assert.equal(await mayAddress(db(), admin, [{ kind: 'public' }]), true);
    assert.equal(await mayManageGroup(db(), fay, { kind: 'subgroup', id: s1 }), true);
    assert.equal(await mayManageGroup(db(), gil, { kind: 'project', id: p1 }), false);

    assert.deepEqual((await groupsLedBy(db(), fay)).map((g) => [g.kind, g.id]), [['project', p1]]);
    assert.deepEqual((await groupsLedBy(db(), carl)).map((g) => [g.kind, g.id, g.projectId]), [['subgroup', s1, p1]]);
    assert.deepEqual(await groupsLedBy(db(), amy), []);
  });

  it('follows the lead’s current role and membership, and stops when asked', async () => {
    await setPersonRole(db(), fay.id, 'observer', f.t.clock);
    assert.deepEqual(await managed({ id: fay.id, role: 'observer' }), [], 'a facilitator made an observer leads nothing');
    assert.deepEqual(await managed(fay), [], 'even if a caller still passes the role they had');
    await removeFromSubgroup(db(), admin.id, s1, carl.id, f.t.clock);
    assert.deepEqual(await managed(carl), [], 'a participant taken out of the sub-group no longer leads it');
    assert.deepEqual(await groupsLedBy(db(), carl), []);
    assert.equal(await stopLead(db(), { kind: 'project', id: p1 }, fay.id), true);
    assert.equal(await stopLead(db(), { kind: 'project', id: p1 }, fay.id), false);
  });

  it('refuses leads who cannot lead the group', async () => {
    const lead = (kind: 'project' | 'subgroup', id: number, personId: number) => makeLead(db(), { kind, id }, personId, f.t.clock);
    assert.deepEqual(await lead('project', p1, amy.id), { ok: false, reason: 'not_facilitator' });
    assert.deepEqual(await lead('subgroup', s2, amy.id), { ok: false, reason: 'not_member' });
    assert.deepEqual(await lead('subgroup', s1, fay.id), { ok: false, reason: 'not_participant' });
    assert.deepEqual(await lead('subgroup', s1, carl.id), { ok: false, reason: 'already_lead' });
    assert.deepEqual(await lead('project', 99999, gil.id), { ok: false, reason: 'no_group' });
    assert.deepEqual(await lead('project', p1, 99999), { ok: false, reason: 'no_person' });
    assert.deepEqual(await lead('project', p2, gil.id), { ok: true });
  });
});
