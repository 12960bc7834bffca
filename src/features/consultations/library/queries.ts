// The library's SQL. Search is a case-insensitive LIKE over the title, the summary and the
// published version's sections (lower() on both sides: PostgreSQL's LIKE is case-sensitive).
import { sql, type SqlBool } from 'kysely';
import type { LibraryDb } from './tables.ts';

export const saveOriginal = (c: LibraryDb, row: { versionId: number; fileName: string; contentType: string; data: Buffer }, now: string) =>
  c.insertInto('consultation_originals').values({ version_id: row.versionId, file_name: row.fileName, content_type: row.contentType, data_base64: row.data.toString('base64'), created_at: now }).execute();
export const originalOf = (c: LibraryDb, versionId: number) => c.selectFrom('consultation_originals').selectAll().where('version_id', '=', versionId).executeTakeFirst();
export const hasOriginal = async (c: LibraryDb, versionId: number) => Boolean(await c.selectFrom('consultation_originals').select('version_id').where('version_id', '=', versionId).executeTakeFirst());

export const outputOfDraft = (c: LibraryDb, draftId: number) => c.selectFrom('library_outputs').selectAll().where('draft_id', '=', draftId).executeTakeFirst();
export const aimsOfOutput = (c: LibraryDb, outputId: number) =>
  c.selectFrom('library_output_aims as oa').innerJoin('aims', 'aims.id', 'oa.aim_id').select(['aims.id', 'aims.number', 'aims.title']).where('oa.output_id', '=', outputId).orderBy('aims.number').execute();
export const programmeAims = (c: LibraryDb, programmeId: number) => c.selectFrom('aims').select(['id', 'number', 'title']).where('programme_id', '=', programmeId).orderBy('number').execute();

/** Publishes (or moves on) a draft's output; its aims are replaced by the ones given (the programme's own only). */
export async function upsertOutput(c: LibraryDb, row: { programmeId: number; draftId: number; versionId: number; consultationId: number | null; by: number; aimIds: readonly number[] }, now: string): Promise<number> {
  const existing = await outputOfDraft(c, row.draftId);
  let id: number;
  if (existing) {
    await c.updateTable('library_outputs').set({ version_id: row.versionId, consultation_id: row.consultationId, published_by: row.by, published_at: now }).where('id', '=', existing.id).execute();
    id = existing.id;
  } else {
    const r = await c.insertInto('library_outputs').values({ programme_id: row.programmeId, draft_id: row.draftId, version_id: row.versionId, consultation_id: row.consultationId, published_by: row.by, published_at: now }).returning('id').executeTakeFirstOrThrow();
    id = Number(r.id);
  }
  await c.deleteFrom('library_output_aims').where('output_id', '=', id).execute();
  const real = row.aimIds.length ? await c.selectFrom('aims').select('id').where('programme_id', '=', row.programmeId).where('id', 'in', [...row.aimIds]).execute() : [];
  if (real.length) await c.insertInto('library_output_aims').values(real.map((a) => ({ output_id: id, aim_id: a.id }))).execute();
  return id;
}
export const withdrawOutput = (c: LibraryDb, draftId: number) => c.deleteFrom('library_outputs').where('draft_id', '=', draftId).execute();

/** The programme's outputs, newest first, matching the words (if any) and serving the aim (if given). */
export function searchOutputs(c: LibraryDb, programmeId: number, filter: { words?: string; aimId?: number }) {
  let q = c
    .selectFrom('library_outputs as o')
    .innerJoin('consultation_drafts as d', 'd.id', 'o.draft_id')
    .innerJoin('consultation_versions as v', 'v.id', 'o.version_id')
    .select(['o.id', 'o.published_at', 'd.title', 'd.summary', 'v.number as version'])
    .where('o.programme_id', '=', programmeId);
  if (filter.aimId !== undefined) {
    const aimId = filter.aimId;
    q = q.where((eb) => eb.exists(eb.selectFrom('library_output_aims as oa').select('oa.aim_id').whereRef('oa.output_id', '=', 'o.id').where('oa.aim_id', '=', aimId)));
  }
  for (const word of (filter.words ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    // Every word must appear somewhere; % and _ typed are taken literally.
    const pattern = `%${word.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const like = (column: string) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    q = q.where((eb) =>
      eb.or([like('d.title'), like('d.summary'), eb.exists(eb.selectFrom('consultation_sections as s').select('s.id').whereRef('s.version_id', '=', 'o.version_id').where((e) => e.or([like('s.heading'), like('s.body')])))]),
    );
  }
  return q.orderBy('o.published_at', 'desc').orderBy('o.id', 'desc').limit(200).execute();
}

export const outputById = (c: LibraryDb, programmeId: number, id: number) =>
  c
    .selectFrom('library_outputs as o')
    .innerJoin('consultation_drafts as d', 'd.id', 'o.draft_id')
    .innerJoin('consultation_versions as v', 'v.id', 'o.version_id')
    .select(['o.id', 'o.draft_id', 'o.version_id', 'o.consultation_id', 'o.published_at', 'd.title', 'd.summary', 'd.aims as aims_text', 'v.number as version', 'v.source'])
    .where('o.id', '=', id)
    .where('o.programme_id', '=', programmeId)
    .executeTakeFirst();

/** The versions up to the published one, with their changelogs, newest first. */
export const historyUpTo = (c: LibraryDb, draftId: number, number: number) =>
  c.selectFrom('consultation_versions').select(['number', 'changelog', 'created_at']).where('draft_id', '=', draftId).where('number', '<=', number).orderBy('number', 'desc').execute();

/** Erasure: the library keeps the output and its evidence, without the name of who published or cited it. */
export async function eraseLibraryPerson(c: LibraryDb, personId: number): Promise<void> {
  await c.updateTable('library_outputs').set({ published_by: null }).where('published_by', '=', personId).execute();
  await c.updateTable('library_evidence').set({ cited_by: null }).where('cited_by', '=', personId).execute();
}

// ---- Evidence: the discussion summaries an output cites (their text is the discussions feature's)

/** The threads an output cites, in the order they were cited. */
export const evidenceOf = (c: LibraryDb, outputId: number) =>
  c.selectFrom('library_evidence').select(['thread_id', 'position', 'cited_at']).where('output_id', '=', outputId).orderBy('position').orderBy('thread_id').execute();

/** Cites these threads after the ones cited already; one cited already (a second click) stays where it is. Returns the ones added. */
export async function addEvidence(c: LibraryDb, outputId: number, threadIds: readonly number[], by: number, now: string): Promise<number[]> {
  const cited = new Set((await evidenceOf(c, outputId)).map((e) => e.thread_id));
  const top = await c.selectFrom('library_evidence').select((eb) => eb.fn.max('position').as('top')).where('output_id', '=', outputId).executeTakeFirst();
  let position = Number(top?.top ?? 0);
  const added: number[] = [];
  for (const threadId of threadIds) {
    if (cited.has(threadId)) continue;
    cited.add(threadId);
    const r = await c.insertInto('library_evidence').values({ output_id: outputId, thread_id: threadId, position: ++position, cited_at: now, cited_by: by }).onConflict((oc) => oc.columns(['output_id', 'thread_id']).doNothing()).returning('thread_id').executeTakeFirst();
    if (r) added.push(threadId);
  }
  return added;
}

/** Stops citing a thread; false when it was not cited. */
export async function removeEvidence(c: LibraryDb, outputId: number, threadId: number): Promise<boolean> {
  const r = await c.deleteFrom('library_evidence').where('output_id', '=', outputId).where('thread_id', '=', threadId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
