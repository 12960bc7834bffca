// The public library of outputs (issue 14 §7): the team publishes a draft's final version (the
// latest one) with the programme aims it serves and the consultation whose report goes with it;
// anyone reads it at /library without signing in: its text, version history, the public report
// (report/report.ts, 'public': comments marked "not at all" left out, names only where agreed),
// a printable page and the original Word file where there was one. Publishing again moves the
// output on to the newest version.
// Evidence (issue 13 §3): the team cites closed discussions' summaries; the public page shows
// "What participants agreed": each summary with the discussion's title, its space and the day it
// was closed, never its posts nor who wrote them, and a link to the thread only for those who may
// see its space. The library keeps the thread ids; the summaries come from the discussions
// feature's service (citations.ts) each time, so a thread reopened shows nothing.
import type { Viewer } from '../../../platform/audience/access.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, type Db, type Tx } from '../../../platform/db/database.ts';
import { londonDate, type Clock } from '../../../platform/time.ts';
import { closedSummaries, summariesById, threadLinksFor, threadTitles, type CitableSummary } from '../../discussions/citations.ts';
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

/** Everything an output's public page shows, or undefined; `viewer` decides which cited threads are linked. */
export async function outputPage(db: Db | Tx, programmeId: number, id: number, viewer: Viewer = null) {
  const c = libraryDb(db);
  const output = await q.outputById(c, programmeId, id);
  if (!output) return undefined;
  const [aims, projects, sections, history, original] = await Promise.all([q.aimsOfOutput(c, id), projectsOfDraft(own(db), output.draft_id), sectionsOf(own(db), output.version_id), q.historyUpTo(c, output.draft_id, output.version), q.hasOriginal(c, output.version_id)]);
  const consultation = output.consultation_id === null ? undefined : await consultationById(own(db), output.consultation_id);
  const report = consultation ? await consultationReport(db, consultation, 'public') : null;
  const evidence = await agreedFor(db, programmeId, id, viewer);
  return { output, aims, projects, sections: sections.map((s) => ({ ...s, html: sectionHtml(s) })), history, original, consultation, report, evidence };
}

// ---- Evidence from discussions

export type Agreed = CitableSummary & { closedOn: string; url: string | null };

const withDay = (s: CitableSummary, url: string | null = null): Agreed => ({ ...s, closedOn: londonDate(new Date(s.closedAt)), url });

/** The cited summaries still closed, in the order cited, each with its thread's link for this viewer (or none). */
async function agreedFor(db: Db | Tx, programmeId: number, outputId: number, viewer: Viewer): Promise<Agreed[]> {
  const cited = await q.evidenceOf(libraryDb(db), outputId);
  const found = await summariesById(db, programmeId, cited.map((e) => e.thread_id));
  const shown = cited.flatMap((e) => (found.has(e.thread_id) ? [found.get(e.thread_id)!] : []));
  const links = await threadLinksFor(db, viewer, shown);
  return shown.map((s) => withDay(s, links.get(s.threadId) ?? null));
}

export type CitedEvidence = { threadId: number; citedAt: string; state: 'closed'; summary: Agreed } | { threadId: number; citedAt: string; state: 'reopened'; title: string } | { threadId: number; citedAt: string; state: 'gone' };

/** The team's page: the output, what it cites (and which of those are no longer closed), and the summaries it could cite, by space. */
export async function evidencePage(db: Db | Tx, programmeId: number, outputId: number, search: string) {
  const c = libraryDb(db);
  const output = await q.outputById(c, programmeId, outputId);
  if (!output) return undefined;
  const rows = await q.evidenceOf(c, outputId);
  const ids = rows.map((e) => e.thread_id);
  const [found, titles, offered] = await Promise.all([summariesById(db, programmeId, ids), threadTitles(db, programmeId, ids), closedSummaries(db, programmeId, { search, except: ids })]);
  const cited: CitedEvidence[] = rows.map((e) => {
    const s = found.get(e.thread_id);
    if (s) return { threadId: e.thread_id, citedAt: e.cited_at, state: 'closed', summary: withDay(s) };
    const title = titles.get(e.thread_id);
    return title === undefined ? { threadId: e.thread_id, citedAt: e.cited_at, state: 'gone' } : { threadId: e.thread_id, citedAt: e.cited_at, state: 'reopened', title };
  });
  const citedIds = new Set(ids);
  const spaces: { spaceId: number; spaceName: string; summaries: Agreed[] }[] = [];
  for (const s of offered) {
    if (citedIds.has(s.threadId)) continue;
    let space = spaces.at(-1);
    if (space?.spaceId !== s.spaceId) spaces.push((space = { spaceId: s.spaceId, spaceName: s.spaceName, summaries: [] }));
    space.summaries.push(withDay(s));
  }
  return { output, cited, spaces };
}

export type CiteRefusal = { ok: false; reason: 'not_found' } | { ok: false; reason: 'not_closed'; title: string } | { ok: false; reason: 'no_thread'; threadId: number };

/** Cites these closed threads' summaries (all or none: a thread not closed with a summary, or not there, refuses the lot). */
export async function citeSummaries(db: Db, viewer: NonNullable<Viewer>, programmeId: number, outputId: number, threadIds: readonly number[], clock: Clock): Promise<{ ok: true; added: number } | CiteRefusal> {
  return inTransaction(db, async (tx) => {
    const output = await q.outputById(libraryDb(tx), programmeId, outputId);
    if (!output) return { ok: false, reason: 'not_found' };
    const found = await summariesById(tx, programmeId, threadIds);
    const missing = threadIds.find((id) => !found.has(id));
    if (missing !== undefined) {
      const title = (await threadTitles(tx, programmeId, [missing])).get(missing);
      return title === undefined ? { ok: false, reason: 'no_thread', threadId: missing } : { ok: false, reason: 'not_closed', title };
    }
    const added = await q.addEvidence(libraryDb(tx), outputId, threadIds, viewer.id, clock().toISOString());
    for (const id of added) {
      await recordAudit(tx, { actorId: viewer.id, action: 'consultation.library.cite', recordType: 'library_output', recordId: outputId, summary: `Cited the summary of the discussion “${found.get(id)!.title}” (thread ${id}) as evidence for “${output.title}”` }, clock);
    }
    return { ok: true, added: added.length };
  });
}

/** Stops citing a thread (closed or not, or gone); false when the output or the citation is not there. */
export async function unciteSummary(db: Db, viewer: NonNullable<Viewer>, programmeId: number, outputId: number, threadId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const output = await q.outputById(libraryDb(tx), programmeId, outputId);
    if (!output || !(await q.removeEvidence(libraryDb(tx), outputId, threadId))) return false;
    const title = (await threadTitles(tx, programmeId, [threadId])).get(threadId);
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.library.uncite', recordType: 'library_output', recordId: outputId, summary: `Stopped citing ${title === undefined ? `thread ${threadId}` : `the discussion “${title}” (thread ${threadId})`} as evidence for “${output.title}”` }, clock);
    return true;
  });
}

export async function originalFile(db: Db | Tx, programmeId: number, id: number) {
  const output = await q.outputById(libraryDb(db), programmeId, id);
  return output ? q.originalOf(libraryDb(db), output.version_id) : undefined;
}
