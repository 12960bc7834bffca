// Sub-groups and who belongs to each project and sub-group. Every function takes the participants
// feature's own handle; what a person is (accepted, where they work) comes from the registration
// feature's service, and projects from the programme feature's.
import type { ParticipantsDb } from './tables.ts';

export async function subgroupsOfProjects(db: ParticipantsDb, projectIds: readonly number[]) {
  if (!projectIds.length) return { subgroups: [], memberCounts: [], subgroupCounts: [] };
  const [subgroups, memberCounts, subgroupCounts] = await Promise.all([
    db.selectFrom('subgroups').selectAll().where('project_id', 'in', [...projectIds]).orderBy('name').execute(),
    db.selectFrom('project_members').select(['project_id', (eb) => eb.fn.countAll<number>().as('n')]).where('project_id', 'in', [...projectIds]).groupBy('project_id').execute(),
    db
      .selectFrom('subgroup_members')
      .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
      .select(['subgroup_members.subgroup_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('subgroups.project_id', 'in', [...projectIds])
      .groupBy('subgroup_members.subgroup_id')
      .execute(),
  ]);
  return { subgroups, memberCounts, subgroupCounts };
}

export function findSubgroup(db: ParticipantsDb, id: number) {
  return db.selectFrom('subgroups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Case-insensitive: "Delegation" and "delegation" side by side would only confuse people. */
export async function subgroupNameTaken(db: ParticipantsDb, projectId: number, name: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('subgroups').select('id').where('project_id', '=', projectId).where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function insertSubgroup(db: ParticipantsDb, projectId: number, input: { name: string; description: string }, now: string): Promise<number> {
  const row = await db.insertInto('subgroups').values({ project_id: projectId, name: input.name, description: input.description, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateSubgroupRow(db: ParticipantsDb, id: number, input: { name: string; description: string }, now: string): Promise<void> {
  await db.updateTable('subgroups').set({ name: input.name, description: input.description, updated_at: now }).where('id', '=', id).execute();
}

/** ON CONFLICT DO NOTHING makes a repeat (or two admins at once) harmless; returns only the new members. */
export async function addProjectMembers(db: ParticipantsDb, projectId: number, personIds: readonly number[], now: string): Promise<number[]> {
  if (!personIds.length) return [];
  const rows = await db
    .insertInto('project_members')
    .values(personIds.map((person_id) => ({ project_id: projectId, person_id, created_at: now })))
    .onConflict((oc) => oc.columns(['project_id', 'person_id']).doNothing())
    .returning('person_id')
    .execute();
  return rows.map((r) => r.person_id);
}

export async function addSubgroupMembers(db: ParticipantsDb, subgroupId: number, personIds: readonly number[], now: string): Promise<number[]> {
  if (!personIds.length) return [];
  const rows = await db
    .insertInto('subgroup_members')
    .values(personIds.map((person_id) => ({ subgroup_id: subgroupId, person_id, created_at: now })))
    .onConflict((oc) => oc.columns(['subgroup_id', 'person_id']).doNothing())
    .returning('person_id')
    .execute();
  return rows.map((r) => r.person_id);
}

export async function deleteSubgroupMember(db: ParticipantsDb, subgroupId: number, personId: number): Promise<boolean> {
  const r = await db.deleteFrom('subgroup_members').where('subgroup_id', '=', subgroupId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Out of the project and every sub-group in it; true if they were a member of the project. */
export async function deleteProjectMember(db: ParticipantsDb, projectId: number, personId: number): Promise<boolean> {
  await db
    .deleteFrom('subgroup_members')
    .where('person_id', '=', personId)
    .where('subgroup_id', 'in', (eb) => eb.selectFrom('subgroups').select('id').where('project_id', '=', projectId))
    .execute();
  const r = await db.deleteFrom('project_members').where('project_id', '=', projectId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Out of every project and sub-group. */
export async function deleteAllMemberships(db: ParticipantsDb, personId: number): Promise<void> {
  await db.deleteFrom('subgroup_members').where('person_id', '=', personId).execute();
  await db.deleteFrom('project_members').where('person_id', '=', personId).execute();
}

export async function subgroupMemberIds(db: ParticipantsDb, subgroupId: number): Promise<number[]> {
  const rows = await db.selectFrom('subgroup_members').select('person_id').where('subgroup_id', '=', subgroupId).execute();
  return rows.map((r) => r.person_id);
}

export async function projectMemberIds(db: ParticipantsDb, projectId: number, among?: readonly number[]): Promise<number[]> {
  if (among && !among.length) return [];
  let q = db.selectFrom('project_members').select('person_id').where('project_id', '=', projectId);
  if (among) q = q.where('person_id', 'in', [...among]);
  return (await q.execute()).map((r) => r.person_id);
}

export function groupsInProject(db: ParticipantsDb, projectId: number, personIds: readonly number[]) {
  if (!personIds.length) return Promise.resolve([]);
  return db
    .selectFrom('subgroup_members')
    .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
    .select(['subgroup_members.person_id', 'subgroups.name'])
    .where('subgroups.project_id', '=', projectId)
    .where('subgroup_members.person_id', 'in', [...personIds])
    .orderBy('subgroups.name')
    .execute();
}

/** Members with their names (people is read-only here), by name. */
export function membersOfProject(db: ParticipantsDb, projectId: number) {
  return db
    .selectFrom('project_members')
    .innerJoin('people', 'people.id', 'project_members.person_id')
    .select(['people.id', 'people.name'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
}

export function membersOfSubgroup(db: ParticipantsDb, subgroupId: number) {
  return db
    .selectFrom('subgroup_members')
    .innerJoin('people', 'people.id', 'subgroup_members.person_id')
    .select(['people.id', 'people.name'])
    .where('subgroup_members.subgroup_id', '=', subgroupId)
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
}

/** The members of each of these sub-groups, with their names, by name: one query for a page of groups. */
export async function membersOfSubgroups(db: ParticipantsDb, subgroupIds: readonly number[]): Promise<Map<number, { id: number; name: string }[]>> {
  const bySubgroup = new Map<number, { id: number; name: string }[]>(subgroupIds.map((id) => [id, []]));
  if (!subgroupIds.length) return bySubgroup;
  const rows = await db
    .selectFrom('subgroup_members')
    .innerJoin('people', 'people.id', 'subgroup_members.person_id')
    .select(['subgroup_members.subgroup_id', 'people.id', 'people.name'])
    .where('subgroup_members.subgroup_id', 'in', [...subgroupIds])
    .orderBy('people.name')
    .orderBy('people.id')
    .execute();
  for (const r of rows) bySubgroup.get(r.subgroup_id)?.push({ id: r.id, name: r.name });
  return bySubgroup;
}

/**
 * A participant's own memberships, with the names (only: never emails) of the other members of
 * the sub-groups they are in. Every query starts from the person's own memberships.
 */
export async function myMemberships(db: ParticipantsDb, personId: number) {
  const [projectIds, subgroups] = await Promise.all([
    db.selectFrom('project_members').select('project_id').where('person_id', '=', personId).execute(),
    db
      .selectFrom('subgroup_members')
      .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
      .select(['subgroups.id', 'subgroups.name', 'subgroups.description', 'subgroups.project_id'])
      .where('subgroup_members.person_id', '=', personId)
      .orderBy('subgroups.name')
      .execute(),
  ]);
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
  return { projectIds: projectIds.map((p) => p.project_id), subgroups, fellows };
}
