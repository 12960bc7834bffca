// Sub-groups and memberships, and a participant's corrections to their own details.
// Only accepted participants can be assigned; every change the programme team makes is audited in
// the same transaction.
import { inTransaction, type Db, type Tx } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Clock } from '../../platform/time.ts';
import { addEvent, findRegistrationByPerson } from '../registration/service.ts';
import { eligibleAmong, findProject, findSubgroup, peopleNames, subgroupNameTaken } from './queries.ts';

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
      if (await subgroupNameTaken(tx, projectId, input.name)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
      const now = clock().toISOString();
      const row = await tx.insertInto('subgroups').values({ project_id: projectId, name: input.name, description: input.description, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(tx, { actorId, action: 'subgroup.create', recordType: 'subgroup', recordId: row.id, summary: `Created sub-group “${input.name}” in ${project.name}` }, clock);
      return { ok: true, id: row.id };
    });
  } catch (error) {
    if (isDuplicateName(error)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
    throw error;
  }
}

export async function updateSubgroup(db: Db, actorId: number, id: number, input: SubgroupInput, clock: Clock): Promise<Result> {
  try {
    return await inTransaction(db, async (tx): Promise<Result> => {
      const existing = await findSubgroup(tx, id);
      if (!existing) throw new Error(`no sub-group ${id}`);
      if (await subgroupNameTaken(tx, existing.project_id, input.name, id)) return { ok: false, field: 'name', message: DUPLICATE_NAME };
      if (existing.name === input.name && existing.description === input.description) return { ok: true, id };
      await tx.updateTable('subgroups').set({ name: input.name, description: input.description, updated_at: clock().toISOString() }).where('id', '=', id).execute();
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
 */
export async function assign(db: Db, actorId: number, target: { projectId: number; subgroupId: number | null }, personIds: number[], clock: Clock): Promise<AssignResult> {
  const wanted = [...new Set(personIds)];
  return inTransaction(db, async (tx) => {
    const project = await findProject(tx, target.projectId);
    if (!project) throw new Error(`no project ${target.projectId}`);
    const group = target.subgroupId ? await findSubgroup(tx, target.subgroupId) : null;
    if (target.subgroupId && group?.project_id !== project.id) throw new Error(`sub-group ${target.subgroupId} is not in project ${project.id}`);
    const ok = await eligibleAmong(tx, project.programme_id, wanted);
    const okIds = new Set(ok.map((p) => p.id));
    const refusedIds = wanted.filter((id) => !okIds.has(id));
    const names = new Map((await peopleNames(tx, refusedIds)).map((p) => [p.id, p.name]));
    const refused = refusedIds.map((id) => ({ id, name: names.get(id) ?? null }));
    if (!ok.length) return { added: 0, refused };

    const now = clock().toISOString();
    // ON CONFLICT DO NOTHING makes a repeat (or two admins at once) harmless; RETURNING gives only new rows.
    const intoProject = await tx
      .insertInto('project_members')
      .values(ok.map((p) => ({ project_id: project.id, person_id: p.id, created_at: now })))
      .onConflict((oc) => oc.columns(['project_id', 'person_id']).doNothing())
      .returning('person_id')
      .execute();
    const intoGroup = group
      ? await tx
          .insertInto('subgroup_members')
          .values(ok.map((p) => ({ subgroup_id: group.id, person_id: p.id, created_at: now })))
          .onConflict((oc) => oc.columns(['subgroup_id', 'person_id']).doNothing())
          .returning('person_id')
          .execute()
      : [];
    const newIds = new Set((group ? intoGroup : intoProject).map((r) => r.person_id));
    const newNames = ok.filter((p) => newIds.has(p.id)).map((p) => p.name);
    if (newNames.length) {
      const summary = group
        ? `Added ${nameList(newNames)} to sub-group “${group.name}” (${project.name})`
        : `Added ${nameList(newNames)} to project ${project.name}`;
      await recordAudit(tx, { actorId, action: group ? 'subgroup.assign' : 'project.assign', recordType: group ? 'subgroup' : 'project', recordId: group?.id ?? project.id, summary }, clock);
    }
    return { added: newNames.length, refused };
  });
}

async function personName(tx: Tx, personId: number): Promise<string> {
  return (await peopleNames(tx, [personId]))[0]?.name ?? `person ${personId}`;
}

/** Returns false if they were not a member (nothing to do). */
export async function removeFromSubgroup(db: Db, actorId: number, subgroupId: number, personId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const group = await findSubgroup(tx, subgroupId);
    if (!group) return false;
    const r = await tx.deleteFrom('subgroup_members').where('subgroup_id', '=', subgroupId).where('person_id', '=', personId).executeTakeFirst();
    if (!Number(r.numDeletedRows)) return false;
    await recordAudit(tx, { actorId, action: 'subgroup.remove', recordType: 'subgroup', recordId: subgroupId, summary: `Removed ${await personName(tx, personId)} from sub-group “${group.name}”` }, clock);
    return true;
  });
}

/** Takes someone out of a project and every sub-group in it. Returns false if they were not a member. */
export async function removeFromProject(db: Db, actorId: number, projectId: number, personId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const project = await findProject(tx, projectId);
    if (!project) return false;
    await tx
      .deleteFrom('subgroup_members')
      .where('person_id', '=', personId)
      .where('subgroup_id', 'in', (eb) => eb.selectFrom('subgroups').select('id').where('project_id', '=', projectId))
      .execute();
    const r = await tx.deleteFrom('project_members').where('project_id', '=', projectId).where('person_id', '=', personId).executeTakeFirst();
    if (!Number(r.numDeletedRows)) return false;
    await recordAudit(tx, { actorId, action: 'project.remove', recordType: 'project', recordId: projectId, summary: `Removed ${await personName(tx, personId)} from project ${project.name} and its sub-groups` }, clock);
    return true;
  });
}

export type MyDetails = {
  fullName: string;
  organisationName: string;
  department: string;
  jobTitle: string;
  roleGroup: string;
  roleOther: string;
  afcBand: string;
  adjustments: string;
};

export const DETAIL_LABELS: Record<keyof MyDetails, string> = {
  fullName: 'full name',
  organisationName: 'where they work',
  department: 'department',
  jobTitle: 'job title',
  roleGroup: 'role',
  roleOther: 'role',
  afcBand: 'pay band',
  adjustments: 'adjustments',
};

export type CorrectResult = { ok: true; changed: string[] } | { ok: false; reason: 'no-registration' | 'withdrawn' };

/**
 * A participant corrects their own details: their registration and the name on their account
 * change together, and the registration's history says so (and which answers changed), so the
 * programme team sees it. The email address is their sign-in identity and is not changed here.
 */
export async function correctMyDetails(db: Db, personId: number, d: MyDetails, clock: Clock): Promise<CorrectResult> {
  const reg = await findRegistrationByPerson(db, personId);
  if (!reg) return { ok: false, reason: 'no-registration' };
  if (reg.status === 'withdrawn') return { ok: false, reason: 'withdrawn' };
  const next = {
    full_name: d.fullName,
    organisation_name: d.organisationName,
    department: d.department || null,
    job_title: d.jobTitle,
    role_group: d.roleGroup || null,
    role_other: d.roleGroup === 'other' ? d.roleOther || null : null,
    afc_band: d.afcBand || null,
    adjustments: d.adjustments || null,
  };
  const columnLabel: Record<keyof typeof next, string> = {
    full_name: DETAIL_LABELS.fullName,
    organisation_name: DETAIL_LABELS.organisationName,
    department: DETAIL_LABELS.department,
    job_title: DETAIL_LABELS.jobTitle,
    role_group: DETAIL_LABELS.roleGroup,
    role_other: DETAIL_LABELS.roleOther,
    afc_band: DETAIL_LABELS.afcBand,
    adjustments: DETAIL_LABELS.adjustments,
  };
  const changed = [...new Set((Object.keys(next) as (keyof typeof next)[]).filter((k) => (reg[k] ?? null) !== next[k]).map((k) => columnLabel[k]))];
  if (!changed.length) return { ok: true, changed };
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    await tx
      .updateTable('registrations')
      .set({
        ...next,
        // A typed workplace is no longer the listed organisation it replaced.
        ...(next.organisation_name !== reg.organisation_name ? { organisation_id: null } : {}),
        search_text: [d.fullName, reg.email, d.organisationName, d.department, d.jobTitle].filter(Boolean).join(' ').toLowerCase(),
        updated_at: now,
      })
      .where('id', '=', reg.id)
      .execute();
    await tx.updateTable('people').set({ name: d.fullName, updated_at: now }).where('id', '=', personId).execute();
    await addEvent(tx, reg.id, personId, 'corrected', `Details corrected by the participant: ${changed.join(', ')}`, clock);
  });
  return { ok: true, changed };
}
