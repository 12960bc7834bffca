// The participants feature's rows naming one person: their project and sub-group memberships.
import type { ParticipantsDb } from '../tables.ts';

export async function membershipsOf(db: ParticipantsDb, personId: number) {
  const [projects, subgroups] = await Promise.all([
    db.selectFrom('project_members').select(['project_id', 'created_at']).where('person_id', '=', personId).orderBy('project_id').execute(),
    db
      .selectFrom('subgroup_members')
      .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
      .select(['subgroups.id as subgroup_id', 'subgroups.name as subgroup_name', 'subgroups.project_id', 'subgroup_members.created_at'])
      .where('subgroup_members.person_id', '=', personId)
      .orderBy('subgroups.id')
      .execute(),
  ]);
  return { projects, subgroups };
}
