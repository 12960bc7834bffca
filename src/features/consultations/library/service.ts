// The public library of outputs (issue 14 §7): the team publishes a draft's final version (the
// latest one) with the programme aims it serves and the consultation whose report goes with it;
// anyone reads it at /library without signing in: its text, version history, the public report
// (report/report.ts, 'public': comments marked "not at all" left out, names only where agreed),
// a printable page and the original Word file where there was one. Publishing again moves the
// output on to the newest version.
import type { Viewer } from '../../../platform/audience/access.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, type Db, type Tx } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import { consultationReport } from '../report/report.ts';
import { draftById, libraryDb, sectionHtml } from '../service.ts';
import * as q from './queries.ts';
import { consultationById, projectsOfDraft, sectionsOf } from '../queries.ts';
import { own } from '../service.ts';

export type PublishInput = { aimIds: number[]; consultationId: number | null };

/** Publishes the draft's latest version (or moves its output on to it). */
export async function publishDraft(db: Db, viewer: NonNullable<Viewer>, programmeId: number, draftId: number, input: PublishInput, clock: Clock): Promise<{ ok: true; id: number } | { ok: false; reason: 'not_found' | 'wrong_consultation' }> {
  return inTransaction(db, async (tx) => {
    const found = await draftById(tx, programmeId, draftId);
    if (!found) return { ok: false, reason: 'not_found' };
    if (input.consultationId !== null && !found.consultations.some((c) => c.id === input.consultationId)) return { ok: false, reason: 'wrong_consultation' };
    const id = await q.upsertOutput(libraryDb(tx), { programmeId, draftId, versionId: found.version.id, consultationId: input.consultationId, by: viewer.id, aimIds: input.aimIds }, clock().toISOString());
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.publish', recordType: 'consultation_draft', recordId: draftId, summary: `Published version ${found.version.number} to the library` }, clock);
    return { ok: true, id };
  });
}

export async function withdrawDraft(db: Db, viewer: NonNullable<Viewer>, programmeId: number, draftId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    if (!(await draftById(tx, programmeId, draftId))) return false;
    await q.withdrawOutput(libraryDb(tx), draftId);
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.withdraw', recordType: 'consultation_draft', recordId: draftId, summary: 'Took the output out of the library' }, clock);
    return true;
  });
}

export const publishChoices = async (db: Db | Tx, programmeId: number, draftId: number) => ({
  aims: await q.programmeAims(libraryDb(db), programmeId),
  output: await q.outputOfDraft(libraryDb(db), draftId),
});
export const chosenAims = async (db: Db | Tx, outputId: number) => (await q.aimsOfOutput(libraryDb(db), outputId)).map((a) => a.id);

export const searchLibrary = (db: Db | Tx, programmeId: number, filter: { words?: string; aimId?: number }) => q.searchOutputs(libraryDb(db), programmeId, filter);
export const libraryAims = (db: Db | Tx, programmeId: number) => q.programmeAims(libraryDb(db), programmeId);

/** Everything an output's public page shows, or undefined. */
export async function outputPage(db: Db | Tx, programmeId: number, id: number) {
  const c = libraryDb(db);
  const output = await q.outputById(c, programmeId, id);
  if (!output) return undefined;
  const [aims, projects, sections, history, original] = await Promise.all([q.aimsOfOutput(c, id), projectsOfDraft(own(db), output.draft_id), sectionsOf(own(db), output.version_id), q.historyUpTo(c, output.draft_id, output.version), q.hasOriginal(c, output.version_id)]);
  const consultation = output.consultation_id === null ? undefined : await consultationById(own(db), output.consultation_id);
  const report = consultation ? await consultationReport(db, consultation, 'public') : null;
  return { output, aims, projects, sections: sections.map((s) => ({ ...s, html: sectionHtml(s) })), history, original, consultation, report };
}

export async function originalFile(db: Db | Tx, programmeId: number, id: number) {
  const output = await q.outputById(libraryDb(db), programmeId, id);
  return output ? q.originalOf(libraryDb(db), output.version_id) : undefined;
}
