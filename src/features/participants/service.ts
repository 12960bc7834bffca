// Sub-groups and memberships. Only accepted participants can be assigned (the registration
// feature says who is accepted); every change the programme team makes is audited in the same
// transaction.
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { groupsLedBy, leadsOf, makeLead, stopAllLeads, stopLead, subgroupsOf, type Group, type LeadRefusal, type Viewer } from '../../platform/audience/access.ts';
import { activeWithRole, findPersonByEmail, peopleNames } from '../../platform/auth/people.ts';
import { notify, type NotifyContext } from '../../platform/notify/notify.ts';
import type { Clock } from '../../platform/time.ts';
import { ADDED_TO_GROUP } from './notifications.ts';
import { findProject, listProjects } from '../programme/service.ts';
import { acceptedParticipants, acceptedPeople, workOfPeople } from '../registration/service.ts';
import * as q from './queries.ts';
import type { ParticipantsDb, ParticipantsTable } from './tables.ts';

const own = (db: Db | Tx): ParticipantsDb => scoped<ParticipantsTable, 'people'>(db);

/** The most people one page lists to tick; beyond that the team narrows the list with the search. */
export const CANDIDATE_LIMIT = 300;

export const findSubgroup = (db: Db | Tx, id: number) => q.findSubgroup(own(db), id);
export { findProject };

/** Someone who left the programme (withdrew, or is no longer accepted) leaves every group, and leads none. */
export async function leaveAllGroups(db: Db | Tx, personId: number): Promise<void> {
  await q.deleteAllMemberships(own(db), personId);
  await stopAllLeads(db, personId);
}

/** Who may be put in a group: accepted in this programme, with an active participant's account. */
async function eligibleAmong(db: Db | Tx, programmeId: number, personIds: number[]) {
  const accepted = await acceptedPeople(db, programmeId, personIds);
  const active = new Set(await activeWithRole(db, accepted, 'participant'));
  return (await peopleNames(db, [...active])).sort((a, b) => a.name.localeCompare(b.name));
}

export type SubgroupInput = { name: string; description: string };
export type Result = { ok: true; id: number } | { ok: false; field: 'name'; message: string };

export const DUPLICATE_NAME = 'This project already has a sub-group with that name. Choose a different name';

/** The unique index catches two people creating the same name at once; both engines name it in the message. */
function isDuplicateName(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${(error as { code?: string }).code ?? ''}` : '';
  return /subgroups_project_name_unique|UNIQUE constraint failed: subgroups|23505/.test(text);
}

export async function createSubgroup(db: Db, actorId: number, projectId: number, input: SubgroupInput, clock: Clock): Promise<Result> {
  try {
    return await inTransaction(db, async (tx): Promise<Result> => {
      const project = await findProject(tx, projectId);
      if (!project) throw new Error(`no project ${projectId}`);
      if (await q.subgroupNameTaken(own(tx), projectId, input.name)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
      const id = await q.insertSubgroup(own(tx), projectId, input, clock().toISOString());
      await recordAudit(tx, { actorId, action: 'subgroup.create', recordType: 'subgroup', recordId: id, summary: `Created sub-group “${input.name}” in ${project.name}` }, clock);
      return { ok: true, id };
    });
  } catch (error) {
    if (isDuplicateName(error)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
    throw error;
  }
}

export async function updateSubgroup(db: Db, actorId: number, id: number, input: SubgroupInput, clock: Clock): Promise<Result> {
  try {
    return await inTransaction(db, async (tx): Promise<Result> => {
      const existing = await q.findSubgroup(own(tx), id);
      if (!existing) throw new Error(`no sub-group ${id}`);
      if (await q.subgroupNameTaken(own(tx), existing.project_id, input.name, id)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
      if (existing.name === input.name && existing.description === input.description) return { ok: true, id };
      await q.updateSubgroupRow(own(tx), id, input, clock().toISOString());
      const what = existing.name === input.name ? `Changed the description of sub-group “${input.name}”` : `Renamed sub-group “${existing.name}” to “${input.name}”`;
      await recordAudit(tx, { actorId, action: 'subgroup.update', recordType: 'subgroup', recordId: id, summary: what }, clock);
      return { ok: true, id };
    });
  } catch (error) {
    if (isDuplicateName(error)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
    throw error;
  }
}

/** Names for an audit summary: all of them for a few, the first ten and a count for many. */
function nameList(names: string[]): string {
  if (names.length <= 10) return names.join(', ');
  return `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`;
}

export type AssignResult = {
  /** Newly added to the target (already there does not count). */
  added: number;
  /** Asked for, but not accepted participants of this programme: nothing was changed for them. */
  refused: { id: number; name: string | null }[];
};

/**
 * Assigns people to a project, or to one of its sub-groups (which also puts them in the project).
 * Only accepted participants of the project's programme are assigned; the others are refused and
 * nothing changes for them. Assigning someone already there changes nothing (and is no error).
 * With `tell`, each person newly added is told through notify() (the groups.added kind), in the
 * same transaction; without it (loading demo data) nobody is told.
 */
export async function assign(db: Db, actorId: number, target: { projectId: number; subgroupId: number | null }, personIds: number[], clock: Clock, tell?: NotifyContext): Promise<AssignResult> {
  const wanted = [...new Set(personIds)];
  return inTransaction(db, async (tx) => {
    const project = await findProject(tx, target.projectId);
    if (!project) throw new Error(`no project ${target.projectId}`);
    const group = target.subgroupId ? await q.findSubgroup(own(tx), target.subgroupId) : null;
    if (target.subgroupId && group?.project_id !== project.id) throw new Error(`sub-group ${target.subgroupId} is not in project ${project.id}`);
    const ok = await eligibleAmong(tx, project.programme_id, wanted);
    const okIds = new Set(ok.map((p) => p.id));
    const refusedIds = wanted.filter((id) => !okIds.has(id));
    const names = new Map((await peopleNames(tx, refusedIds)).map((p) => [p.id, p.name]));
    const refused = refusedIds.map((id) => ({ id, name: names.get(id) ?? null }));
    if (!ok.length) return { added: 0, refused };

    const now = clock().toISOString();
    const ids = ok.map((p) => p.id);
    const intoProject = await q.addProjectMembers(own(tx), project.id, ids, now);
    const intoGroup = group ? await q.addSubgroupMembers(own(tx), group.id, ids, now) : [];
    const newIds = new Set(group ? intoGroup : intoProject);
    const newNames = ok.filter((p) => newIds.has(p.id)).map((p) => p.name);
    if (newNames.length) {
      const summary = group
        ? `Added ${nameList(newNames)} to sub-group “${group.name}” (${project.name})`
        : `Added ${nameList(newNames)} to project ${project.name}`;
      await recordAudit(tx, { actorId, action: group ? 'subgroup.assign' : 'project.assign', recordType: group ? 'subgroup' : 'project', recordId: group?.id ?? project.id, summary }, clock);
      if (tell) for (const person of ok.filter((p) => newIds.has(p.id))) await tellAdded(tx, tell, person, project, group);
    }
    return { added: newNames.length, refused };
  });
}

async function tellAdded(tx: Tx, ctx: NotifyContext, person: { id: number; name: string }, project: { id: number; name: string }, group: { id: number; name: string } | null | undefined): Promise<void> {
  const where = group ? `the sub-group “${group.name}” in ${project.name}` : `the project ${project.name}`;
  await notify(
    tx,
    ctx,
    person.id,
    ADDED_TO_GROUP.kind,
    { kind: group ? 'subgroup' : 'project', id: group?.id ?? project.id, title: `You were added to ${where}`, url: '/my', group: project.name },
    {
      subject: `You have been added to ${group ? `the sub-group ${group.name}` : `the project ${project.name}`}`,
      greeting: `Hello ${person.name},`,
      parts: [`The programme team has added you to ${where}.`, { link: new URL('/my', ctx.baseUrl).toString(), text: 'See your projects and sub-groups' }],
    },
  );
}

async function personName(tx: Tx, personId: number): Promise<string> {
  return (await peopleNames(tx, [personId]))[0]?.name ?? `person ${personId}`;
}

/** Returns false if they were not a member (nothing to do). */
export async function removeFromSubgroup(db: Db, actorId: number, subgroupId: number, personId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const group = await q.findSubgroup(own(tx), subgroupId);
    if (!group) return false;
    if (!(await q.deleteSubgroupMember(own(tx), subgroupId, personId))) return false;
    // A sub-group's lead is one of its members: leaving it ends that too.
    const led = await stopLead(tx, { kind: 'subgroup', id: subgroupId }, personId);
    const summary = `Removed ${await personName(tx, personId)} from sub-group “${group.name}”${led ? ' (they no longer lead it)' : ''}`;
    await recordAudit(tx, { actorId, action: 'subgroup.remove', recordType: 'subgroup', recordId: subgroupId, summary }, clock);
    return true;
  });
}

/** Takes someone out of a project and every sub-group in it. Returns false if they were not a member. */
export async function removeFromProject(db: Db, actorId: number, projectId: number, personId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const project = await findProject(tx, projectId);
    if (!project) return false;
    if (!(await q.deleteProjectMember(own(tx), projectId, personId))) return false;
    let led = false;
    for (const group of await subgroupsOf(tx, [projectId])) led = (await stopLead(tx, { kind: 'subgroup', id: group.id }, personId)) || led;
    const summary = `Removed ${await personName(tx, personId)} from project ${project.name} and its sub-groups${led ? ' (they no longer lead any of them)' : ''}`;
    await recordAudit(tx, { actorId, action: 'project.remove', recordType: 'project', recordId: projectId, summary }, clock);
    return true;
  });
}

/** Each project of the programme with its sub-groups and member counts. */
export async function projectsWithGroups(db: Db, programmeId: number) {
  const projects = await listProjects(db, programmeId);
  const { subgroups, memberCounts, subgroupCounts } = await q.subgroupsOfProjects(own(db), projects.map((p) => p.id));
  return projects.map((p) => ({
    ...p,
    members: Number(memberCounts.find((m) => m.project_id === p.id)?.n ?? 0),
    subgroups: subgroups.filter((s) => s.project_id === p.id).map((s) => ({ ...s, members: Number(subgroupCounts.find((c) => c.subgroup_id === s.id)?.n ?? 0) })),
  }));
}

type Work = { organisation_name: string | null; role_group: string | null; role_other: string | null };

/** People with where they work and their role, from the registration feature. */
async function withWork<T extends { id: number; name: string }>(db: Db, programmeId: number, people: T[]): Promise<(T & Work)[]> {
  const work = new Map((await workOfPeople(db, programmeId, people.map((p) => p.id))).map((w) => [w.person_id, w]));
  return people.map((p) => {
    const w = work.get(p.id);
    return { ...p, organisation_name: w?.organisation_name ?? null, role_group: w?.role_group ?? null, role_other: w?.role_other ?? null };
  });
}

/** The project's members, with where they work and their sub-groups in it. */
export async function projectMembers(db: Db, programmeId: number, projectId: number) {
  const members = await withWork(db, programmeId, await q.membersOfProject(own(db), projectId));
  const groups = await q.groupsInProject(own(db), projectId, members.map((m) => m.id));
  return members.map((m) => ({ ...m, subgroups: groups.filter((g) => g.person_id === m.id).map((g) => g.name) }));
}

export async function subgroupMembers(db: Db, programmeId: number, subgroupId: number) {
  return withWork(db, programmeId, await q.membersOfSubgroup(own(db), subgroupId));
}

/**
 * Accepted participants who could be added, optionally filtered by text and leaving out the
 * members of one sub-group, with their current sub-groups in this project. At most
 * CANDIDATE_LIMIT rows; `total` says how many matched.
 */
export async function candidates(db: Db, programmeId: number, projectId: number, options: { q?: string; notInSubgroup?: number } = {}) {
  const excludePersonIds = options.notInSubgroup ? await q.subgroupMemberIds(own(db), options.notInSubgroup) : [];
  const found = await acceptedParticipants(db, programmeId, { q: options.q, excludePersonIds, limit: CANDIDATE_LIMIT });
  const ids = found.rows.map((p) => p.personId);
  const [inProject, groups] = await Promise.all([q.projectMemberIds(own(db), projectId, ids), q.groupsInProject(own(db), projectId, ids)]);
  const inProjectSet = new Set(inProject);
  return {
    total: found.total,
    rows: found.rows.map((p) => ({
      ...p,
      inProject: inProjectSet.has(p.personId),
      subgroups: groups.filter((g) => g.person_id === p.personId).map((g) => g.name),
    })),
  };
}

/** A participant's own projects and sub-groups, with the names of the others in their sub-groups. */
export async function myGroups(db: Db, programmeId: number, personId: number) {
  const mine = await q.myMemberships(own(db), personId);
  const projects = await listProjects(db, programmeId, mine.projectIds);
  return projects.map((p) => ({
    id: p.id,
    name: p.name,
    summary: p.summary,
    subgroups: mine.subgroups
      .filter((s) => s.project_id === p.id)
      .map((s) => ({ ...s, members: mine.fellows.filter((f) => f.subgroup_id === s.id).map((f) => (f.id === personId ? `${f.name} (you)` : f.name)) })),
  }));
}

// ---- Group leads: the access module keeps the rule (who can lead what); these are the
// programme team's actions on it, audited, and the lists the pages show.

export type LeadResult = { ok: true; name: string } | { ok: false; reason: LeadRefusal | 'no_account'; name?: string };

async function groupName(tx: Db | Tx, group: Group): Promise<string | null> {
  if (group.kind === 'project') return (await findProject(tx, group.id))?.name ?? null;
  return (await q.findSubgroup(own(tx), group.id))?.name ?? null;
}

const leadWhere = (group: Group, name: string) => (group.kind === 'project' ? `project ${name}` : `sub-group “${name}”`);

/**
 * An admin makes the person with this email a lead: of a project, a facilitator; of a sub-group,
 * one of its members (a participant). Anyone else is refused with the reason, and nothing changes.
 */
export async function makeGroupLead(db: Db, actorId: number, group: Group, email: string, clock: Clock): Promise<LeadResult> {
  return inTransaction(db, async (tx): Promise<LeadResult> => {
    const person = await findPersonByEmail(tx, email);
    if (!person) return { ok: false, reason: 'no_account' };
    const result = await makeLead(tx, group, person.id, clock);
    if (!result.ok) return { ok: false, reason: result.reason, name: person.name };
    const where = (await groupName(tx, group)) ?? `${group.kind} ${group.id}`;
    await recordAudit(tx, { actorId, action: `${group.kind}.lead.start`, recordType: group.kind, recordId: group.id, summary: `Made ${person.name} a lead of ${leadWhere(group, where)}` }, clock);
    return { ok: true, name: person.name };
  });
}

/** An admin stops someone leading a group; false if they did not lead it (nothing to do). */
export async function stopGroupLead(db: Db, actorId: number, group: Group, personId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    if (!(await stopLead(tx, group, personId))) return false;
    const where = (await groupName(tx, group)) ?? `${group.kind} ${group.id}`;
    await recordAudit(tx, { actorId, action: `${group.kind}.lead.stop`, recordType: group.kind, recordId: group.id, summary: `${await personName(tx, personId)} no longer leads ${leadWhere(group, where)}` }, clock);
    return true;
  });
}

export const groupLeads = (db: Db | Tx, group: Group) => leadsOf(db, group);

/**
 * What /facilitate lists: the groups this person leads now, each with its members' names; a
 * project's lead also sees its sub-groups (they run those too). Admins lead through their role.
 */
export async function groupsILead(db: Db, viewer: Viewer) {
  const led = await groupsLedBy(db, viewer);
  const projectIds = led.filter((g) => g.kind === 'project').map((g) => g.id);
  const inLedProjects = await subgroupsOf(db, projectIds);
  const ledSubgroups = led.filter((g) => g.kind === 'subgroup');
  const members = await q.membersOfSubgroups(own(db), [...inLedProjects, ...ledSubgroups].map((s) => s.id));
  const withMembers = <G extends { id: number }>(s: G) => ({ ...s, members: members.get(s.id) ?? [] });
  const projects = await Promise.all(
    led
      .filter((g) => g.kind === 'project')
      .map(async (g) => ({
        ...g,
        members: await q.membersOfProject(own(db), g.id),
        subgroups: inLedProjects.filter((s) => s.projectId === g.id).map(withMembers),
      })),
  );
  const subgroups = ledSubgroups.map(withMembers);
  return { projects, subgroups };
}
