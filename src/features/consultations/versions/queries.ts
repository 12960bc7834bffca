// SQL for versions of a draft (issue 14 §6), on the feature's handle.
import type { LibraryDb } from '../library/tables.ts';
import type { ConsultationsDb, Section } from '../tables.ts';

export const versionsOf = (c: ConsultationsDb, draftId: number) => c.selectFrom('consultation_versions').selectAll().where('draft_id', '=', draftId).orderBy('number').execute();
export const versionByNumber = (c: ConsultationsDb, draftId: number, n: number) => c.selectFrom('consultation_versions').selectAll().where('draft_id', '=', draftId).where('number', '=', n).executeTakeFirst();

export const versionNumberOf = async (c: ConsultationsDb, versionId: number) => (await c.selectFrom('consultation_versions').select('number').where('id', '=', versionId).executeTakeFirstOrThrow()).number;

/** A section's imported text changed in place (its pictures described): the count of those still without a description with it. */
export const setSectionText = (c: ConsultationsDb, id: number, body: string, picturesWithoutAlt: number) => c.updateTable('consultation_sections').set({ body, pictures_without_alt: picturesWithoutAlt }).where('id', '=', id).execute();

export type VersionSection = Pick<Section, 'section_key' | 'position' | 'heading' | 'body' | 'body_format' | 'pictures_without_alt'>;

/** A new version holding the given sections with their keys (their stable identity): a copy of the one before, or a Word import matched to it. */
export async function insertVersionCopy(c: ConsultationsDb, row: { draftId: number; number: number; changelog: string; createdBy: number; source?: 'written' | 'word'; sourceName?: string | null }, sections: readonly VersionSection[], now: string): Promise<number> {
  const r = await c.insertInto('consultation_versions').values({ draft_id: row.draftId, number: row.number, source: row.source ?? 'written', source_name: row.sourceName ?? null, changelog: row.changelog, created_by: row.createdBy, created_at: now }).returning('id').executeTakeFirstOrThrow();
  const id = Number(r.id);
  if (sections.length)
    await c
      .insertInto('consultation_sections')
      .values(sections.map((s) => ({ version_id: id, section_key: s.section_key, position: s.position, heading: s.heading, body: s.body, body_format: s.body_format, pictures_without_alt: s.pictures_without_alt })))
      .execute();
  return id;
}

export const updateSection = (c: ConsultationsDb, id: number, set: { heading: string; body?: string; format?: 'markdown' }) =>
  c.updateTable('consultation_sections').set({ heading: set.heading, ...(set.body !== undefined ? { body: set.body, body_format: set.format ?? 'markdown', pictures_without_alt: 0 } : {}) }).where('id', '=', id).execute();

export async function removeSection(c: ConsultationsDb, s: Section): Promise<void> {
  await c.deleteFrom('consultation_sections').where('id', '=', s.id).execute();
  await c.updateTable('consultation_sections').set((eb) => ({ position: eb('position', '-', 1) })).where('version_id', '=', s.version_id).where('position', '>', s.position).execute();
}

export async function appendSection(c: ConsultationsDb, versionId: number, key: string, heading: string, body: string): Promise<void> {
  const last = await c.selectFrom('consultation_sections').select((eb) => eb.fn.max('position').as('n')).where('version_id', '=', versionId).executeTakeFirst();
  await c.insertInto('consultation_sections').values({ version_id: versionId, section_key: key, position: Number(last?.n ?? 0) + 1, heading, body, body_format: 'markdown' }).execute();
}

/** Every comment (not reply) on a draft's sections, in any of its consultations: its section key and version. */
export const sectionCommentsOfDraft = (c: ConsultationsDb, draftId: number) =>
  c
    .selectFrom('consultation_comments as cc')
    .innerJoin('consultations', 'consultations.id', 'cc.consultation_id')
    .innerJoin('consultation_versions as v', 'v.id', 'cc.version_id')
    .select(['cc.id', 'cc.consultation_id', 'cc.section_key', 'cc.body', 'cc.status', 'v.number as version'])
    .where('consultations.draft_id', '=', draftId)
    .where('cc.parent_id', 'is', null)
    .where('cc.section_key', 'is not', null)
    .orderBy('cc.id')
    .execute();

/** The sections of a draft's versions after `afterNumber`, for linking a comment to the change it caused. */
export const sectionsAfter = (c: ConsultationsDb, draftId: number, afterNumber: number) =>
  c
    .selectFrom('consultation_sections as s')
    .innerJoin('consultation_versions as v', 'v.id', 's.version_id')
    .select(['s.id', 's.heading', 's.position', 's.body', 's.body_format', 's.section_key', 'v.number as version'])
    .where('v.draft_id', '=', draftId)
    .where('v.number', '>', afterNumber)
    .orderBy('v.number', 'desc')
    .orderBy('s.position')
    .execute();

export const setChangeRef = (c: ConsultationsDb, commentId: number, ref: string | null) => c.updateTable('consultation_comments').set({ change_ref: ref }).where('id', '=', commentId).execute();

/** The sections named by change links ("section:<id>"), with their version's number. */
export const sectionsByIds = (c: ConsultationsDb, ids: readonly number[]) =>
  ids.length
    ? c.selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').select(['s.id', 's.heading', 's.position', 's.body', 's.body_format', 'v.number as version']).where('s.id', 'in', [...ids]).execute()
    : Promise.resolve([]);

/** The Word file kept for this version of a draft, or else for the nearest earlier one (a version copied from it). */
export const originalUpTo = (c: LibraryDb, draftId: number, number: number) =>
  c
    .selectFrom('consultation_originals as o')
    .innerJoin('consultation_versions as v', 'v.id', 'o.version_id')
    .select(['o.data_base64', 'v.number'])
    .where('v.draft_id', '=', draftId)
    .where('v.number', '<=', number)
    .orderBy('v.number', 'desc')
    .limit(1)
    .executeTakeFirst();
