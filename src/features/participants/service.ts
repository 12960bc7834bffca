// Sub-groups and memberships. Only accepted participants can be assigned; every change is audited.
import { inTransaction, type Db } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Clock } from '../../platform/time.ts';
import { addEvent, findRegistrationByPerson } from '../registration/service.ts';
import { findSubgroup } from './queries.ts';

export type SubgroupInput = { name: string; description: string };
export type Result = { ok: true; id?: number } | { ok: false; field: string; message: string };

async function nameTaken(db: Db, projectId: number, name: string, exceptId?: number) {
  let q = db.selectFrom('subgroups').select('id').where('project_id', '=', projectId).where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function createSubgroup(db: Db, actorId: number, projectId: number, input: SubgroupInput, clock: Clock): Promise<Result> {
  if (await nameTaken(db, projectId, input.name)) return { ok: false, field: 'name', message: 'This project already has a sub-group with that name' };
  return inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const row = await tx.insertInto('subgroups').values({ project_id: projectId, name: input.name, description: input.description, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(tx, { actorId, action: 'subgroup.create', recordType: 'subgroup', recordId: row.id, summary: `Created sub-group ${input.name}` }, clock);
    return { ok: true, id: row.id } as const;
  });
}

export async function updateSubgroup(db: Db, actorId: number, id: number, input: SubgroupInput, clock: Clock): Promise<Result> {
  const existing = await findSubgroup(db, id);
  if (!existing) return { ok: false, field: 'name', message: 'Sub-group not found' };
  if (await nameTaken(db, existing.project_id, input.name, id)) return { ok: false, field: 'name', message: 'This project already has a sub-group with that name' };
  await inTransaction(db, async (tx) => {
    await tx.updateTable('subgroups').set({ name: input.name, description: input.description, updated_at: clock().toISOString() }).where('id', '=', id).execute();
    await recordAudit(tx, { actorId, action: 'subgroup.update', recordType: 'subgroup', recordId: id, summary: `Renamed or described sub-group ${input.name}` }, clock);
  });
  return { ok: true, id };
}

/**
 * Assigns people to a project, or to one of its sub-groups (which also puts them in the project).
 * Only accepted participants of this programme are assigned; the others are returned as refused.
 * Assigning someone already there changes nothing.
 */
export async function assign(db: Db, actorId: number, target: { projectId: number; subgroupId: number | null }, personIds: number[], clock: Clock) {
  return inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const accepted = personIds.length
      ? await tx.selectFrom('registrations').select('person_id').where('status', '=', 'accepted').where('person_id', 'in', personIds).execute()
      : [];
    const ok = new Set(accepted.map((a) => a.person_id!));
    let added = 0;
    for (const personId of ok) {
      const inProject = await tx.selectFrom('project_members').select('person_id').where('project_id', '=', target.projectId).where('person_id', '=', personId).executeTakeFirst();
      if (!inProject) await tx.insertInto('project_members').values({ project_id: target.projectId, person_id: personId, created_at: now }).execute();
      if (target.subgroupId) {
        const inGroup = await tx.selectFrom('subgroup_members').select('person_id').where('subgroup_id', '=', target.subgroupId).where('person_id', '=', personId).executeTakeFirst();
        if (!inGroup) {
          await tx.insertInto('subgroup_members').values({ subgroup_id: target.subgroupId, person_id: personId, created_at: now }).execute();
          added++;
        }
      } else if (!inProject) added++;
    }
    if (added) {
      await recordAudit(tx, { actorId, action: target.subgroupId ? 'subgroup.assign' : 'project.assign', recordType: target.subgroupId ? 'subgroup' : 'project', recordId: target.subgroupId ?? target.projectId, summary: `Added ${added} ${added === 1 ? 'participant' : 'participants'}` }, clock);
    }
    return { added, refused: personIds.filter((id) => !ok.has(id)).length };
  });
}

export async function removeFromSubgroup(db: Db, actorId: number, subgroupId: number, personId: number, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const r = await tx.deleteFrom('subgroup_members').where('subgroup_id', '=', subgroupId).where('person_id', '=', personId).executeTakeFirst();
    if (Number(r.numDeletedRows)) await recordAudit(tx, { actorId, action: 'subgroup.remove', recordType: 'subgroup', recordId: subgroupId, summary: `Removed person ${personId}` }, clock);
  });
}

export async function removeFromProject(db: Db, actorId: number, projectId: number, personId: number, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const groups = await tx.selectFrom('subgroups').select('id').where('project_id', '=', projectId).execute();
    if (groups.length) await tx.deleteFrom('subgroup_members').where('person_id', '=', personId).where('subgroup_id', 'in', groups.map((g) => g.id)).execute();
    const r = await tx.deleteFrom('project_members').where('project_id', '=', projectId).where('person_id', '=', personId).executeTakeFirst();
    if (Number(r.numDeletedRows)) await recordAudit(tx, { actorId, action: 'project.remove', recordType: 'project', recordId: projectId, summary: `Removed person ${personId} from the project and its sub-groups` }, clock);
  });
}

export type MyDetails = { fullName: string; organisationName: string; department: string; jobTitle: string; roleGroup: string; afcBand: string; adjustments: string };

/** A participant corrects their own details; the registration's history shows it. */
export async function correctMyDetails(db: Db, personId: number, d: MyDetails, clock: Clock): Promise<boolean> {
  const reg = await findRegistrationByPerson(db, personId);
  if (!reg) return false;
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const changedOrg = d.organisationName !== reg.organisation_name;
    await tx
      .updateTable('registrations')
      .set({
        full_name: d.fullName,
        organisation_name: d.organisationName,
        // A typed organisation is no longer the listed one it replaced.
        ...(changedOrg ? { organisation_id: null } : {}),
        department: d.department || null,
        job_title: d.jobTitle,
        role_group: d.roleGroup || null,
        afc_band: d.afcBand || null,
        adjustments: d.adjustments || null,
        search_text: [d.fullName, reg.email, d.organisationName, d.department, d.jobTitle].filter(Boolean).join(' ').toLowerCase(),
        updated_at: now,
      })
      .where('id', '=', reg.id)
      .execute();
    await tx.updateTable('people').set({ name: d.fullName, updated_at: now }).where('id', '=', personId).execute();
    await addEvent(tx, reg.id, personId, 'corrected', 'Details corrected by the participant', clock);
  });
  return true;
}
