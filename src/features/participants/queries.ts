// Projects, sub-groups and who belongs to them. Participant-facing queries always start from the
// person, so a participant only ever reads the groups they are in.
import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';

/** The most people one page lists to tick; beyond that the team narrows the list with the search. */
export const CANDIDATE_LIMIT = 300;

export async function projectsWithGroups(db: Db, programmeId: number) {
  const projects = await db.selectFrom('projects').selectAll().where('programme_id', '=', programmeId).orderBy('position').execute();
  const ids = projects.map((p) => p.id);
  if (!ids.length) return [];
  const [subgroups, memberCounts, subgroupCounts] = await Promise.all([
    db.selectFrom('subgroups').selectAll().where('project_id', 'in', ids).orderBy('name').execute(),
    db.selectFrom('project_members').select(['project_id', (eb) => eb.fn.countAll<number>().as('n')]).where('project_id', 'in', ids).groupBy('project_id').execute(),
    db
      .selectFrom('subgroup_members')
      .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
      .select(['subgroup_members.subgroup_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('subgroups.project_id', 'in', ids)
      .groupBy('subgroup_members.subgroup_id')
      .execute(),
  ]);
  return projects.map((p) => ({
    ...p,
    members: Number(memberCounts.find((m) => m.project_id === p.id)?.n ?? 0),
    subgroups: subgroups.filter((s) => s.project_id === p.id).map((s) => ({ ...s, members: Number(subgroupCounts.find((c) => c.subgroup_id === s.id)?.n ?? 0) })),
  }));
}

export async function findProject(db: Db | Tx, id: number) {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSubgroup(db: Db | Tx, id: number) {
  return db.selectFrom('subgroups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Case-insensitive: "Delegation" and "delegation" side by side would only confuse people. */
export async function subgroupNameTaken(db: Db | Tx, projectId: number, name: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('subgroups').select('id').where('project_id', '=', projectId).where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Boolean(await q.executeTakeFirst());
}

/**
 * Who may be put in a group: a person whose registration for this programme was accepted, whose
 * account is a participant's and is active. Withdrawn, declined or unconfirmed people never are.
 */
function eligible(db: Db | Tx, programmeId: number) {
  return db
    .selectFrom('registrations')
    .innerJoin('people', 'people.id', 'registrations.person_id')
    .where('registrations.programme_id', '=', programmeId)
    .where('registrations.status', '=', 'accepted')
    .where('people.role', '=', 'participant')
    .where('people.status', '=', 'active');
}

/** Of these people, the ones who may be assigned (see eligible), with their names. */
export async function eligibleAmong(tx: Db | Tx, programmeId: number, personIds: number[]) {
  if (!personIds.length) return [];
  return eligible(tx, programmeId).select(['people.id', 'people.name']).where('people.id', 'in', personIds).execute();
}

export async function peopleNames(tx: Db | Tx, personIds: number[]) {
  if (!personIds.length) return [];
  return tx.selectFrom('people').select(['id', 'name']).where('id', 'in', personIds).execute();
}

/** A LIKE pattern that matches the text literally (%, _ and \ in a search are not wildcards). */
function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Accepted participants who could be added, optionally filtered by text and leaving out the
 * members of one sub-group, with their current sub-groups in this project. At most
 * CANDIDATE_LIMIT rows; `total` says how many matched.
 */
export async function candidates(db: Db, programmeId: number, projectId: number, options: { q?: string; notInSubgroup?: number } = {}) {
  let base = eligible(db, programmeId);
  if (options.q) base = base.where(sql<boolean>`registrations.search_text like ${containsPattern(options.q)} escape '\\'`);
  if (options.notInSubgroup) {
    const subgroupId = options.notInSubgroup;
    base = base.where((eb) =>
      eb.not(eb.exists(eb.selectFrom('subgroup_members').select('subgroup_members.person_id').where('subgroup_members.subgroup_id', '=', subgroupId).whereRef('subgroup_members.person_id', '=', 'people.id'))),
    );
  }
  const [rows, total] = await Promise.all([
    base
      .select(['people.id as personId', 'people.name', 'registrations.organisation_name', 'registrations.role_group', 'registrations.role_other'])
      .orderBy('people.name')
      .orderBy('people.id')
      .limit(CANDIDATE_LIMIT)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const ids = rows.map((p) => p.personId);
  const [inProject, groups] = ids.length
    ? await Promise.all([
        db.selectFrom('project_members').select('person_id').where('project_id', '=', projectId).where('person_id', 'in', ids).execute(),
        groupsInProject(db, projectId, ids),
      ])
    : [[], []];
  return {
    total: Number(total.n),
    rows: rows.map((p) => ({
      ...p,
      inProject: inProject.some((m) => m.person_id === p.personId),
      subgroups: groups.filter((g) => g.person_id === p.personId).map((g) => g.name),
    })),
  };
}

function groupsInProject(db: Db, projectId: number, personIds: number[]) {
  return db
    .selectFrom('subgroup_members')
    .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
    .select(['subgroup_members.person_id', 'subgroups.name'])
    .where('subgroups.project_id', '=', projectId)
    .where('subgroup_members.person_id', 'in', personIds)
    .orderBy('subgroups.name')
    .execute();
}

/** The project's members, with where they work (from this programme's registration) and their sub-groups in it. */
export async function projectMembers(db: Db, programmeId: number, projectId: number) {
  const members = await db
    .selectFrom('project_members')
    .innerJoin('people', 'people.id', 'project_members.person_id')
    .leftJoin('registrations', (join) => join.onRef('registrations.person_id', '=', 'people.id').on('registrations.programme_id', '=', programmeId))
    .select(['people.id', 'people.name', 'registrations.organisation_name', 'registrations.role_group', 'registrations.role_other'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
  const groups = members.length ? await groupsInProject(db, projectId, members.map((m) => m.id)) : [];
  return members.map((m) => ({ ...m, subgroups: groups.filter((g) => g.person_id === m.id).map((g) => g.name) }));
}

export async function subgroupMembers(db: Db, programmeId: number, subgroupId: number) {
  return db
    .selectFrom('subgroup_members')
    .innerJoin('people', 'people.id', 'subgroup_members.person_id')
    .leftJoin('registrations', (join) => join.onRef('registrations.person_id', '=', 'people.id').on('registrations.programme_id', '=', programmeId))
    .select(['people.id', 'people.name', 'registrations.organisation_name', 'registrations.role_group', 'registrations.role_other'])
    .where('subgroup_members.subgroup_id', '=', subgroupId)
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
}

/**
 * A participant's own projects and sub-groups, with the names (only: never emails) of the other
 * members of the sub-groups they are in. Every query starts from the person's own memberships.
 */
export async function myGroups(db: Db, personId: number) {
  const projects = await db
    .selectFrom('project_members')
    .innerJoin('projects', 'projects.id', 'project_members.project_id')
    .select(['projects.id', 'projects.name', 'projects.summary'])
    .where('project_members.person_id', '=', personId)
    .orderBy('projects.position')
    .execute();
  const subgroups = await db
    .selectFrom('subgroup_members')
    .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
    .select(['subgroups.id', 'subgroups.name', 'subgroups.description', 'subgroups.project_id'])
    .where('subgroup_members.person_id', '=', personId)
    .orderBy('subgroups.name')
    .execute();
  const fellows = subgroups.length
    ? await db
        .selectFrom('subgroup_members')
        .innerJoin('people', 'people.id', 'subgroup_members.person_id')
        .select(['subgroup_members.subgroup_id', 'people.id', 'people.name'])
        // The sub-groups this person is in, and only those.
        .where('subgroup_members.subgroup_id', 'in', (eb) => eb.selectFrom('subgroup_members as mine').select('mine.subgroup_id').where('mine.person_id', '=', personId))
        .orderBy('people.name')
        .orderBy('people.id')
        .execute()
    : [];
  return projects.map((p) => ({
    ...p,
    subgroups: subgroups
      .filter((s) => s.project_id === p.id)
      .map((s) => ({ ...s, members: fellows.filter((f) => f.subgroup_id === s.id).map((f) => (f.id === personId ? `${f.name} (you)` : f.name)) })),
  }));
}
