// The one access rule (issue 10, §1). Every item a feature keeps (a meeting, survey, discussion
// space, consultation) has an audience, stored as rows in audience_targets; this module says who
// may see an item and who may manage it, in SQL, so a list query only ever reads the rows of
// items the person may see:
//
//   db.selectFrom('meetings').selectAll().where(visibleTo(viewer, 'meeting', 'meetings.id'))
//
// The rule:
// - admins see and manage everything;
// - observers see only public items (what reports show them comes through the reports, not here);
// - anyone else sees an item that is public, for anyone signed in, for them by name, for a group
//   they belong to (the programme: every accepted participant; a project; a sub-group), or for a
//   group they lead;
// - a lead manages an item when every one of its targets is a group they lead: a facilitator
//   leads projects (and so their sub-groups), a participant leads a sub-group they are a member
//   of. Lead rights follow the person's current role and membership, checked in the same query,
//   so a facilitator who becomes an observer, or a participant taken out of the sub-group, no
//   longer leads it. The route's role guard stays; this is checked after it.
//
// Nothing here names a feature's table: groups and members come through the audience_groups and
// audience_members views (see migration 016).
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import { inTransaction, scoped, type Db, type Tx } from '../db/database.ts';
import type { Database, Role } from '../db/schema.ts';
import type { Clock } from '../time.ts';
import type { AudienceDb, GroupKind, LedGroupKind, TargetKind } from './tables.ts';

export type { GroupKind, LedGroupKind, TargetKind } from './tables.ts';

/** Who is asking: the signed-in person (request.user), or null when nobody is signed in. */
export type Viewer = { id: number; role: Role } | null | undefined;

/** One line of an audience: a group or person by id, or everyone signed in, or the public. */
export type AudienceTarget = { kind: GroupKind | 'person'; id: number } | { kind: 'signed-in' | 'public' };

export type Group = { kind: LedGroupKind; id: number };

type Schema = Pick<Database, 'audience_targets' | 'group_leads' | 'audience_groups' | 'audience_members' | 'people'>;

const own = (db: Db | Tx): AudienceDb => scoped<'audience_targets' | 'group_leads', 'audience_groups' | 'audience_members' | 'people'>(db);
const builder = () => expressionBuilder<Schema, never>();
const ALWAYS = sql<SqlBool>`1 = 1`;
const NEVER = sql<SqlBool>`1 = 0`;

/** A column of the caller's query ('meetings.id'), or one item's id. */
type ItemRef = string | number;
const itemValue = (ref: ItemRef) => (typeof ref === 'number' ? sql.val(ref) : sql.ref<number>(ref));

/** The ids of the groups of one kind this person belongs to. */
function memberOf(kind: GroupKind, personId: number) {
  return builder().selectFrom('audience_members').select('group_id').where('group_kind', '=', kind).where('person_id', '=', personId);
}

/** The person, if their account is active and has this role now (whatever role the caller passed). */
function activeAs(personId: number, role: Role) {
  return builder().selectFrom('people').select('id').where('id', '=', personId).where('role', '=', role).where('status', '=', 'active');
}

/** Projects this person leads, while they are an active facilitator. */
function ledProjects(personId: number) {
  return builder().selectFrom('group_leads').select('group_id').where('group_kind', '=', 'project').where('person_id', 'in', activeAs(personId, 'facilitator'));
}

/** Sub-groups this person leads, while they are an active participant and still a member of it. */
function ledSubgroupsAsMember(personId: number) {
  return builder()
    .selectFrom('group_leads')
    .select('group_id')
    .where('group_kind', '=', 'subgroup')
    .where('person_id', 'in', activeAs(personId, 'participant'))
    .where('group_id', 'in', memberOf('subgroup', personId));
}

/** Which kind of lead this role can be: a facilitator leads projects, a participant sub-groups. */
function leadRole(role: Role): LedGroupKind | null {
  return role === 'facilitator' ? 'project' : role === 'participant' ? 'subgroup' : null;
}

/** A target to test: the stored row's columns (aud_t), or a target given in code. */
type Operands = { kind: Expression<string>; id: Expression<number> };
const STORED: Operands = { kind: sql.ref<string>('aud_t.target_kind'), id: sql.ref<number>('aud_t.target_id') };
const given = (t: AudienceTarget): Operands => ({ kind: sql<string>`cast(${t.kind} as text)`, id: sql<number>`cast(${'id' in t ? t.id : 0} as integer)` });

/** True for a target that is a group this person leads now, or a sub-group in a project they lead. */
function ledTarget(viewer: { id: number; role: Role }, t: Operands): Expression<SqlBool> {
  const e = builder();
  const kind = leadRole(viewer.role);
  if (kind === 'project') {
    const subgroupsOfLedProjects = e.selectFrom('audience_groups').select('group_id').where('group_kind', '=', 'subgroup').where('project_id', 'in', ledProjects(viewer.id));
    return e.or([
      e.and([e(t.kind, '=', 'project'), e(t.id, 'in', ledProjects(viewer.id))]),
      e.and([e(t.kind, '=', 'subgroup'), e(t.id, 'in', subgroupsOfLedProjects)]),
    ]);
  }
  if (kind === 'subgroup') return e.and([e(t.kind, '=', 'subgroup'), e(t.id, 'in', ledSubgroupsAsMember(viewer.id))]);
  return NEVER;
}

/** True for a stored target row (aud_t) that includes this person. */
function reaches(viewer: { id: number; role: Role }): Expression<SqlBool> {
  const e = builder();
  const t = STORED;
  const group = (kind: GroupKind) => e.and([e(t.kind, '=', kind), e(t.id, 'in', memberOf(kind, viewer.id))]);
  return e.or([
    e(t.kind, 'in', ['public', 'signed-in']),
    e.and([e(t.kind, '=', 'person'), e(t.id, '=', viewer.id)]),
    group('programme'),
    group('project'),
    group('subgroup'),
    ledTarget(viewer, t),
  ]);
}

function targetsOf(itemKind: string, item: ItemRef) {
  return builder().selectFrom('audience_targets as aud_t').select(sql.lit(1).as('one')).where('aud_t.item_kind', '=', itemKind).where('aud_t.item_id', '=', itemValue(item));
}

/**
 * A condition for the caller's query: the item in this column (or this one item) is one the viewer
 * may see. Use it in the query that lists items, so rows the person may not see are never read:
 * `.where(visibleTo(request.user, 'meeting', 'meetings.id'))`.
 */
export function visibleTo(viewer: Viewer, itemKind: string, item: ItemRef): Expression<SqlBool> {
  if (viewer?.role === 'admin') return ALWAYS;
  const e = builder();
  if (!viewer || viewer.role === 'observer') return e.exists(targetsOf(itemKind, item).where('aud_t.target_kind', '=', 'public'));
  // In a list, the items the person can see are found from their side (the targets that reach
  // them, each by the target index), not by testing every item of the list in turn: a programme
  // with thousands of meetings costs what the person is invited to, not what the programme holds.
  if (typeof item === 'string') return e(sql.ref<number>(item), 'in', itemsReaching(viewer, itemKind));
  return e.exists(targetsOf(itemKind, item).where(reaches(viewer)));
}

/** The ids of the items of a kind with a target that includes this person: the same rule as reaches(), one indexed arm per kind of target. */
function itemsReaching(viewer: { id: number; role: Role }, itemKind: string) {
  const e = builder();
  const arm = () => e.selectFrom('audience_targets as aud_t').select('aud_t.item_id').where('aud_t.item_kind', '=', itemKind);
  const arms = [
    arm().where('aud_t.target_kind', 'in', ['public', 'signed-in']),
    arm().where('aud_t.target_kind', '=', 'person').where('aud_t.target_id', '=', viewer.id),
    ...(['programme', 'project', 'subgroup'] as const).map((kind) => arm().where('aud_t.target_kind', '=', kind).where('aud_t.target_id', 'in', memberOf(kind, viewer.id))),
  ];
  const kind = leadRole(viewer.role);
  if (kind === 'project') {
    arms.push(arm().where('aud_t.target_kind', '=', 'project').where('aud_t.target_id', 'in', ledProjects(viewer.id)));
    arms.push(arm().where('aud_t.target_kind', '=', 'subgroup').where('aud_t.target_id', 'in', e.selectFrom('audience_groups').select('group_id').where('group_kind', '=', 'subgroup').where('project_id', 'in', ledProjects(viewer.id))));
  } else if (kind === 'subgroup') arms.push(arm().where('aud_t.target_kind', '=', 'subgroup').where('aud_t.target_id', 'in', ledSubgroupsAsMember(viewer.id)));
  return arms.reduce((all, next) => all.unionAll(next));
}

/**
 * A condition for the caller's query: the viewer may manage this item (change it, and run it):
 * an admin, or a lead of every group it is for. An item for the whole programme, chosen people,
 * anyone signed in or the public is managed by admins only.
 */
export function managedBy(viewer: Viewer, itemKind: string, item: ItemRef): Expression<SqlBool> {
  if (viewer?.role === 'admin') return ALWAYS;
  if (!viewer || !leadRole(viewer.role)) return NEVER;
  const e = builder();
  return e.and([e.exists(targetsOf(itemKind, item)), e.not(e.exists(targetsOf(itemKind, item).where(e.not(ledTarget(viewer, STORED)))))]);
}

/**
 * The rule turned round, for a query of people: the person in this row (the caller's columns for
 * their id and role, e.g. `{ id: 'people.id', role: 'people.role' }`) may see this one item, as
 * maySee would say for them. For lists of the people who can see an item (whom a discussion post
 * may mention, who is told about it), so that nobody who may not see it is ever read. It agrees
 * with maySee for every account, active or not (a disabled lead leads nothing); whether a
 * disabled or withdrawn person belongs in the caller's list is the caller's to decide.
 */
export function seenBy(itemKind: string, itemId: number, person: { id: string; role: string }): Expression<SqlBool> {
  const e = builder();
  const id = sql.ref<number>(person.id);
  const role = sql.ref<string>(person.role);
  const t = STORED;
  const inGroup = e.exists(
    e.selectFrom('audience_members as aud_m').select(sql.lit(1).as('one')).whereRef('aud_m.group_kind', '=', t.kind).whereRef('aud_m.group_id', '=', t.id).where('aud_m.person_id', '=', id),
  );
  // Lead rights hold only while the account is active, as ledProjects says for maySee.
  const activeLead = e.exists(e.selectFrom('people as aud_p').select(sql.lit(1).as('one')).where('aud_p.id', '=', id).where('aud_p.status', '=', 'active'));
  const leads = (kind: LedGroupKind, groupId: Expression<number>) =>
    e.exists(e.selectFrom('group_leads as aud_l').select(sql.lit(1).as('one')).where('aud_l.group_kind', '=', kind).where('aud_l.group_id', '=', groupId).where('aud_l.person_id', '=', id));
  const subgroupOfLedProject = e.exists(
    e
      .selectFrom('audience_groups as aud_g')
      .innerJoin('group_leads as aud_l', (j) => j.on('aud_l.group_kind', '=', 'project').onRef('aud_l.group_id', '=', 'aud_g.project_id'))
      .select(sql.lit(1).as('one'))
      .where('aud_g.group_kind', '=', 'subgroup')
      .whereRef('aud_g.group_id', '=', t.id)
      .where('aud_l.person_id', '=', id),
  );
  const reachesThem = e.or([
    e(t.kind, 'in', ['public', 'signed-in']),
    e.and([e(t.kind, '=', 'person'), e(t.id, '=', id)]),
    e.and([e(t.kind, 'in', ['programme', 'project', 'subgroup']), inGroup]),
    // A facilitator leads projects and their sub-groups (a participant leads only a sub-group
    // they are a member of, which membership above already covers).
    e.and([e(role, '=', 'facilitator'), activeLead, e.or([e.and([e(t.kind, '=', 'project'), leads('project', t.id)]), e.and([e(t.kind, '=', 'subgroup'), subgroupOfLedProject])])]),
  ]);
  return e.or([
    e(role, '=', 'admin'),
    e.and([e(role, '=', 'observer'), e.exists(targetsOf(itemKind, itemId).where('aud_t.target_kind', '=', 'public'))]),
    e.and([e(role, 'not in', ['admin', 'observer']), e.exists(targetsOf(itemKind, itemId).where(reachesThem))]),
  ]);
}

async function holds(db: Db | Tx, condition: Expression<SqlBool>): Promise<boolean> {
  const row = await own(db)
    .selectNoFrom(sql<number | boolean>`case when ${condition} then 1 else 0 end`.as('ok'))
    .executeTakeFirstOrThrow();
  return Number(row.ok) === 1;
}

/** May this person see this item? (For one item's page; lists use visibleTo in their query.) */
export const maySee = (db: Db | Tx, viewer: Viewer, itemKind: string, itemId: number) => holds(db, visibleTo(viewer, itemKind, itemId));
/** May this person manage this item? (For one item's pages; lists use managedBy.) */
export const mayManage = (db: Db | Tx, viewer: Viewer, itemKind: string, itemId: number) => holds(db, managedBy(viewer, itemKind, itemId));

/**
 * May this person give an item this audience (when creating it, or changing who it is for)?
 * Admins any; a lead only groups they lead, so a lead can never reach beyond their groups.
 */
export async function mayAddress(db: Db | Tx, viewer: Viewer, targets: readonly AudienceTarget[]): Promise<boolean> {
  if (viewer?.role === 'admin') return true;
  if (!viewer || !leadRole(viewer.role) || !targets.length) return false;
  const e = builder();
  return holds(db, e.and(targets.map((t) => ledTarget(viewer, given(t)))));
}

/** May this person manage the items of this group (create them, run them)? Admins, and its leads. */
export const mayManageGroup = (db: Db | Tx, viewer: Viewer, group: Group) => mayAddress(db, viewer, [group]);

// ---- Audiences: written by the feature that owns the item, in the transaction that saves it.

function targetKey(t: AudienceTarget): string {
  return `${t.kind}:${'id' in t ? t.id : 0}`;
}

/** Replaces who an item is for. An item with no targets is seen by admins only. */
export async function setAudience(db: Db | Tx, itemKind: string, itemId: number, targets: readonly AudienceTarget[]): Promise<void> {
  const unique = [...new Map(targets.map((t) => [targetKey(t), t])).values()];
  await inTransaction(db, async (tx) => {
    const a = own(tx);
    await a.deleteFrom('audience_targets').where('item_kind', '=', itemKind).where('item_id', '=', itemId).execute();
    if (unique.length) {
      await a
        .insertInto('audience_targets')
        .values(unique.map((t) => ({ item_kind: itemKind, item_id: itemId, target_kind: t.kind, target_id: 'id' in t ? t.id : 0 })))
        .execute();
    }
  });
}

/** When an item is deleted, its audience goes with it. */
export async function removeAudience(db: Db | Tx, itemKind: string, itemId: number): Promise<void> {
  await own(db).deleteFrom('audience_targets').where('item_kind', '=', itemKind).where('item_id', '=', itemId).execute();
}

export type NamedTarget = { kind: TargetKind; id: number; name: string | null; email?: string };

/**
 * Who an item is for, with the names to show ("Project: ...", a person's name; null for signed-in
 * and public) and a chosen person's email address (for the picker, on an edit page).
 */
export async function audienceOf(db: Db | Tx, itemKind: string, itemId: number): Promise<NamedTarget[]> {
  return (await audiencesOf(db, itemKind, [itemId])).get(itemId) ?? [];
}

const TARGET_ORDER: TargetKind[] = ['public', 'signed-in', 'programme', 'project', 'subgroup', 'person'];

/** The audiences of several items of one kind at once (a list page's rows), by item id; an item with none is missing. */
export async function audiencesOf(db: Db | Tx, itemKind: string, itemIds: readonly number[]): Promise<Map<number, NamedTarget[]>> {
  const out = new Map<number, NamedTarget[]>();
  const unique = [...new Set(itemIds)];
  // In slices, so a long list never passes the engines' limit on bound values.
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await own(db)
      .selectFrom('audience_targets as aud_t')
      .leftJoin('audience_groups as g', (j) => j.onRef('g.group_kind', '=', 'aud_t.target_kind').onRef('g.group_id', '=', 'aud_t.target_id'))
      .leftJoin('people as p', (j) => j.onRef('p.id', '=', 'aud_t.target_id').on('aud_t.target_kind', '=', 'person'))
      .select(['aud_t.item_id', 'aud_t.target_kind', 'aud_t.target_id', 'g.name as groupName', 'p.name as personName', 'p.email as personEmail'])
      .where('aud_t.item_kind', '=', itemKind)
      .where('aud_t.item_id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const list = out.get(r.item_id) ?? [];
      list.push({ kind: r.target_kind, id: r.target_id, name: r.groupName ?? r.personName ?? null, ...(r.personEmail ? { email: r.personEmail } : {}) });
      out.set(r.item_id, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => TARGET_ORDER.indexOf(a.kind) - TARGET_ORDER.indexOf(b.kind) || (a.name ?? '').localeCompare(b.name ?? ''));
  return out;
}

/**
 * The people an item is addressed to: the members of its groups and the people chosen by name,
 * with active accounts, each once. 'signed-in' and 'public' open an item to people rather than
 * address anyone, so they add nobody here.
 */
export async function addressees(db: Db | Tx, itemKind: string, itemId: number): Promise<number[]> {
  const a = own(db);
  const targets = (k: TargetKind) => a.selectFrom('audience_targets').select('target_id').where('item_kind', '=', itemKind).where('item_id', '=', itemId).where('target_kind', '=', k);
  const rows = await a
    .selectFrom('people')
    .select('people.id')
    .where('people.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('people.id', 'in', targets('person')),
        eb.exists(
          eb
            .selectFrom('audience_members as m')
            .innerJoin('audience_targets as aud_t', (j) => j.onRef('aud_t.target_kind', '=', 'm.group_kind').onRef('aud_t.target_id', '=', 'm.group_id'))
            .select(sql.lit(1).as('one'))
            .whereRef('m.person_id', '=', 'people.id')
            .where('aud_t.item_kind', '=', itemKind)
            .where('aud_t.item_id', '=', itemId),
        ),
      ]),
    )
    .orderBy('people.id')
    .execute();
  return rows.map((r) => r.id);
}

// ---- Group leads: an admin makes a facilitator lead of a project, a member participant lead of a sub-group.

export type LeadRefusal = 'no_group' | 'no_person' | 'not_facilitator' | 'not_participant' | 'not_member' | 'already_lead';
export type LeadPerson = { id: number; name: string; email: string; role: Role; status: 'active' | 'disabled' };

async function groupExists(db: Db | Tx, group: Group): Promise<boolean> {
  return Boolean(await own(db).selectFrom('audience_groups').select('group_id').where('group_kind', '=', group.kind).where('group_id', '=', group.id).executeTakeFirst());
}

/** Whether this person could lead this group now, and why not. */
async function leadRefusal(db: Db | Tx, group: Group, personId: number): Promise<LeadRefusal | null> {
  if (!(await groupExists(db, group))) return 'no_group';
  const person = await own(db).selectFrom('people').select(['id', 'role', 'status']).where('id', '=', personId).executeTakeFirst();
  if (!person || person.status !== 'active') return 'no_person';
  if (group.kind === 'project') return person.role === 'facilitator' ? null : 'not_facilitator';
  if (person.role !== 'participant') return 'not_participant';
  const member = await own(db).selectFrom('audience_members').select('group_id').where('group_kind', '=', 'subgroup').where('person_id', '=', personId).where('group_id', '=', group.id).executeTakeFirst();
  return member ? null : 'not_member';
}

/** Makes this person a lead of the group; refused (with the reason) for anyone who cannot lead it. */
export async function makeLead(db: Db | Tx, group: Group, personId: number, clock: Clock): Promise<{ ok: true } | { ok: false; reason: LeadRefusal }> {
  return inTransaction(db, async (tx) => {
    const refusal = await leadRefusal(tx, group, personId);
    if (refusal) return { ok: false, reason: refusal };
    const added = await own(tx)
      .insertInto('group_leads')
      .values({ group_kind: group.kind, group_id: group.id, person_id: personId, created_at: clock().toISOString() })
      .onConflict((oc) => oc.columns(['group_kind', 'group_id', 'person_id']).doNothing())
      .returning('person_id')
      .execute();
    return added.length ? { ok: true } : { ok: false, reason: 'already_lead' };
  });
}

/** Stops this person leading the group; false if they did not lead it. */
export async function stopLead(db: Db | Tx, group: Group, personId: number): Promise<boolean> {
  const r = await own(db).deleteFrom('group_leads').where('group_kind', '=', group.kind).where('group_id', '=', group.id).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Someone who leaves the programme leads nothing any more. */
export async function stopAllLeads(db: Db | Tx, personId: number): Promise<void> {
  await own(db).deleteFrom('group_leads').where('person_id', '=', personId).execute();
}

/** The leads of a group, by name. */
export async function leadsOf(db: Db | Tx, group: Group): Promise<LeadPerson[]> {
  return own(db)
    .selectFrom('group_leads')
    .innerJoin('people', 'people.id', 'group_leads.person_id')
    .select(['people.id', 'people.name', 'people.email', 'people.role', 'people.status'])
    .where('group_leads.group_kind', '=', group.kind)
    .where('group_leads.group_id', '=', group.id)
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
}

/** The ids of the groups of this kind the person leads now. */
const ledGroupIds = (personId: number, kind: LedGroupKind) => (kind === 'project' ? ledProjects(personId) : ledSubgroupsAsMember(personId));

export type LedGroup = { kind: LedGroupKind; id: number; name: string; projectId: number; projectName: string | null };

/**
 * The groups this person leads now (their role and membership checked as for lead rights): a
 * facilitator's projects, a participant's sub-groups, by name. A project lead also runs the
 * project's sub-groups: `subgroupsOf` lists them.
 */
export async function groupsLedBy(db: Db | Tx, viewer: Viewer): Promise<LedGroup[]> {
  const kind = viewer ? leadRole(viewer.role) : null;
  if (!viewer || !kind) return [];
  const ids = ledGroupIds(viewer.id, kind);
  const rows = await own(db)
    .selectFrom('audience_groups as g')
    .leftJoin('audience_groups as p', (j) => j.on('p.group_kind', '=', 'project').onRef('p.group_id', '=', 'g.project_id'))
    .select(['g.group_kind', 'g.group_id', 'g.name', 'g.project_id', 'p.name as projectName'])
    .where('g.group_kind', '=', kind)
    .where('g.group_id', 'in', ids)
    .orderBy('g.name')
    .orderBy('g.group_id')
    .execute();
  return rows.map((r) => ({ kind: r.group_kind as LedGroupKind, id: r.group_id, name: r.name, projectId: r.project_id!, projectName: r.projectName }));
}

/** Does this person lead anything now? (A participant lead reaches /facilitate through this.) */
export async function leadsAny(db: Db | Tx, viewer: Viewer): Promise<boolean> {
  const kind = viewer ? leadRole(viewer.role) : null;
  if (!viewer || !kind) return false;
  const e = builder();
  return holds(db, e.exists(e.selectFrom('audience_groups').select('group_id').where('group_kind', '=', kind).where('group_id', 'in', ledGroupIds(viewer.id, kind))));
}

/** The sub-groups of these projects, by name: what a project's lead also runs. */
export async function subgroupsOf(db: Db | Tx, projectIds: readonly number[]): Promise<{ id: number; name: string; projectId: number }[]> {
  if (!projectIds.length) return [];
  const rows = await own(db)
    .selectFrom('audience_groups')
    .select(['group_id', 'name', 'project_id'])
    .where('group_kind', '=', 'subgroup')
    .where('project_id', 'in', [...projectIds])
    .orderBy('name')
    .orderBy('group_id')
    .execute();
  return rows.map((r) => ({ id: r.group_id, name: r.name, projectId: r.project_id! }));
}

/** The groups an audience can name, for the audience picker: the programme's projects and sub-groups. */
export async function audienceChoices(db: Db | Tx, programmeId: number) {
  const rows = await own(db)
    .selectFrom('audience_groups')
    .select(['group_kind', 'group_id', 'name', 'project_id'])
    .where('programme_id', '=', programmeId)
    .where('group_kind', 'in', ['project', 'subgroup'])
    .orderBy('name')
    .orderBy('group_id')
    .execute();
  const projects = rows.filter((r) => r.group_kind === 'project').map((r) => ({ id: r.group_id, name: r.name }));
  const subgroups = rows
    .filter((r) => r.group_kind === 'subgroup')
    .map((r) => ({ id: r.group_id, name: r.name, projectId: r.project_id!, projectName: projects.find((p) => p.id === r.project_id)?.name ?? '' }));
  return { programmeId, projects, subgroups };
}
export type AudienceChoices = Awaited<ReturnType<typeof audienceChoices>>;

/**
 * The groups this person may give an item, for the picker: all of them for an admin; for a lead,
 * the groups they lead (a project's lead: the project and its sub-groups); none for anyone else.
 * With `allowedKinds`, what the picker offers them: a lead only projects or sub-groups.
 */
export async function audienceChoicesFor(db: Db | Tx, viewer: Viewer, programmeId: number): Promise<AudienceChoices & { allowedKinds: TargetKind[] }> {
  const all = await audienceChoices(db, programmeId);
  if (viewer?.role === 'admin') return { ...all, allowedKinds: ['programme', 'project', 'subgroup', 'person', 'signed-in', 'public'] };
  const led = await groupsLedBy(db, viewer);
  const ledProjectIds = new Set(led.filter((g) => g.kind === 'project').map((g) => g.id));
  const ledSubgroupIds = new Set(led.filter((g) => g.kind === 'subgroup').map((g) => g.id));
  const projects = all.projects.filter((p) => ledProjectIds.has(p.id));
  const subgroups = all.subgroups.filter((s) => ledSubgroupIds.has(s.id) || ledProjectIds.has(s.projectId));
  const allowedKinds: TargetKind[] = [...(projects.length ? (['project'] as const) : []), ...(subgroups.length ? (['subgroup'] as const) : [])];
  return { programmeId, projects, subgroups, allowedKinds };
}

/** People with these email addresses (any case), for the "chosen people" part of the picker. */
export async function peopleByEmail(db: Db | Tx, emails: readonly string[]): Promise<{ id: number; email_normalised: string; name: string }[]> {
  const unique = [...new Set(emails.map((e) => e.trim().toLowerCase()))].filter(Boolean);
  if (!unique.length) return [];
  return own(db).selectFrom('people').select(['id', 'email_normalised', 'name']).where('email_normalised', 'in', unique).where('status', '=', 'active').execute();
}
