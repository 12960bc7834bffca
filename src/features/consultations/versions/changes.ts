// "The change it caused": the team links a comment to a section of a later version of the draft
// (stored on the comment as change_ref "section:<id>"), so the commenter sees exactly what changed
// because of them on "Your comments".
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, type Db, type Tx } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import * as base from '../queries.ts';
import { own, sectionHtml } from '../service.ts';
import * as q from './queries.ts';

const PREFIX = 'section:';
const idOf = (ref: string | null) => (ref?.startsWith(PREFIX) ? Number(ref.slice(PREFIX.length)) || null : null);

/** The sections a comment in this consultation may be linked to: those of later versions of its draft. */
export async function changeChoices(db: Db | Tx, consultationId: number) {
  const c = own(db);
  const consultation = await base.consultationAt(c, consultationId, {});
  if (!consultation) return [];
  const version = (await q.versionsOf(c, consultation.draft_id)).find((v) => v.id === consultation.version_id);
  return q.sectionsAfter(c, consultation.draft_id, version?.number ?? 0);
}

/** Links a comment to a later section (or clears the link with null); false when the section is not a later one of this draft. */
export async function linkChange(db: Db, actorId: number, consultationId: number, commentId: number, sectionId: number | null, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const comment = await base.commentWithName(own(tx), consultationId, commentId);
    if (!comment || comment.parent_id !== null) return false;
    if (sectionId !== null && !(await changeChoices(tx, consultationId)).some((s) => s.id === sectionId)) return false;
    await q.setChangeRef(own(tx), commentId, sectionId === null ? null : `${PREFIX}${sectionId}`);
    await recordAudit(tx, { actorId, action: 'consultation.change-link', recordType: 'consultation_comment', recordId: commentId, summary: sectionId === null ? 'Took off the change a comment caused' : 'Linked a comment to the change it caused' }, clock);
    return true;
  });
}

/** For each change link among these comments: the version, the section's heading and its text as safe HTML. */
export async function changesOf(db: Db | Tx, refs: readonly (string | null)[]) {
  const ids = [...new Set(refs.map(idOf).filter((x): x is number => x !== null))];
  const rows = await q.sectionsByIds(own(db), ids);
  const byId = new Map(rows.map((s) => [s.id, { version: s.version, position: s.position, heading: s.heading, html: sectionHtml(s) }]));
  return (ref: string | null) => {
    const id = idOf(ref);
    return id === null ? null : (byId.get(id) ?? null);
  };
}
