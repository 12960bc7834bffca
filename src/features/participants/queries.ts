// Projects, sub-groups and who belongs to them. Participant-facing queries always start from the
// person, so a participant only ever reads the groups they are in.
import type { Db, Tx } from '../../platform/db/database.ts';

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

export async function findProject(db: Db, id: number) {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSubgroup(db: Db | Tx, id: number) {
  return db.selectFrom('subgroups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Accepted participants (optionally filtered by text), with their current sub-groups in this project. */
export async function acceptedParticipants(db: Db, programmeId: number, projectId: number, q?: string) {
  let query = db
    .selectFrom('registrations')
    .innerJoin('people', 'people.id', 'registrations.person_id')
    .select(['people.id as personId', 'people.name', 'registrations.organisation_name', 'registrations.role_group', 'registrations.reference'])
    .where('registrations.programme_id', '=', programmeId)
    .where('registrations.status', '=', 'accepted')
    .orderBy('people.name')
    .limit(500);
  if (q) query = query.where('registrations.search_text', 'like', `%${q.toLowerCase().replace(/[\\%_]/g, '')}%`);
  const people = await query.execute();
  const ids = people.map((p) => p.personId);
  const [inProject, groups] = ids.length
    ? await Promise.all([
        db.selectFrom('project_members').select('person_id').where('project_id', '=', projectId).where('person_id', 'in', ids).execute(),
        db
          .selectFrom('subgroup_members')
          .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
          .select(['subgroup_members.person_id', 'subgroups.name'])
          .where('subgroups.project_id', '=', projectId)
          .where('subgroup_members.person_id', 'in', ids)
          .execute(),
      ])
    : [[], []];
  return people.map((p) => ({
    ...p,
    inProject: inProject.some((m) => m.person_id === p.personId),
    subgroups: groups.filter((g) => g.person_id === p.personId).map((g) => g.name),
  }));
}

export async function projectMembers(db: Db, projectId: number) {
  return db
    .selectFrom('project_members')
    .innerJoin('people', 'people.id', 'project_members.person_id')
    .select(['people.id', 'people.name'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('people.name')
    .execute();
}

export async function subgroupMembers(db: Db, subgroupId: number) {
  return db
    .selectFrom('subgroup_members')
    .innerJoin('people', 'people.id', 'subgroup_members.person_id')
    .leftJoin('registrations', 'registrations.person_id', 'people.id')
    .select(['people.id', 'people.name', 'registrations.organisation_name'])
    .where('subgroup_members.subgroup_id', '=', subgroupId)
    .orderBy('people.name')
    .execute();
}

/** A participant's own projects and sub-groups, with the names (only) of fellow sub-group members. */
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
        .select(['subgroup_members.subgroup_id', 'people.name'])
        .where('subgroup_members.subgroup_id', 'in', subgroups.map((s) => s.id))
        .orderBy('people.name')
        .execute()
    : [];
  return projects.map((p) => ({
    ...p,
    subgroups: subgroups.filter((s) => s.project_id === p.id).map((s) => ({ ...s, members: fellows.filter((f) => f.subgroup_id === s.id).map((f) => f.name) })),
  }));
}
