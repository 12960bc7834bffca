// Consultations (issue 14), first slice: the team's drafts (written or imported from Word, split
// into sections they can adjust), consultations on a draft's version for an audience between two
// dates, comments by section / on the whole draft / on a guiding question, agree and reply where
// comments are visible, triage with a response ("You said, we did"), and redaction. The team is
// the programme's admins. Services return reason codes; pages word them.
import { addressees, maySee, setAudience, visibleTo, type AudienceTarget, type Viewer } from '../../platform/audience/access.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import { cancelJobs, scheduleJob } from '../../platform/jobs/jobs.ts';
import type { JobHandlers } from '../../platform/jobs/runner.ts';
import { notify, type NotifyContext } from '../../platform/notify/notify.ts';
import { formatDateTime, type Clock } from '../../platform/time.ts';
import { HEADING_MAX, NO_ALT_NOTE, type SectionDraft } from './import.ts';
import { blocksOf, splitAt } from './split.ts';
import * as q from './queries.ts';
import { eraseLibraryPerson, saveOriginal } from './library/queries.ts';
import type { LibraryDb, LibraryTables } from './library/tables.ts';
import { CONSULTATION_CLOSING, CONSULTATION_OPENED, CONSULTATION_RESPONSE } from './notifications.ts';
import type { BodyFormat, Comment, Consultation, ConsultationsDb, ConsultationsTables, CommentsVisible, Publication, Section, TriageStatus } from './tables.ts';

declare module '../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Tells a consultation's audience it has opened (if it still opens at opensAt). */
    'consultations.opened': { consultationId: number; opensAt: string };
    /** Reminds its audience it closes soon (if it still closes at closesAt). */
    'consultations.closing': { consultationId: number; closesAt: string };
  }
}

export const own = (db: Db | Tx): ConsultationsDb => scoped<ConsultationsTables, 'people' | 'projects'>(db);
export const ITEM_KIND = 'consultation';
export const libraryDb = (db: Db | Tx): LibraryDb => scoped<LibraryTables, 'people' | 'projects' | 'aims'>(db);
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** The closing-soon reminder goes this many days before the close. */
export const CLOSING_SOON_DAYS = 3;
export const QUESTIONS_MAX = 6;
export const STATUSES: readonly TriageStatus[] = ['accepted', 'partly', 'not_accepted', 'noted', 'out_of_scope'];
export const STATUS_LABELS: Record<TriageStatus, string> = { accepted: 'Accepted', partly: 'Partly accepted', not_accepted: 'Not accepted', noted: 'Noted', out_of_scope: 'Out of scope' };
export const PUBLICATION_LABELS: Record<Publication, string> = { named: 'May be published with my name', anonymous: 'May be published without my name', none: 'Must not be published' };

const isTeam = (viewer: Viewer) => viewer?.role === 'admin';
const nowIso = (clock: Clock) => clock().toISOString();

// ---- Drafts

export type DraftInput = { title: string; summary: string; aims: string; projectIds: number[] };

export async function createDraft(db: Db, viewer: NonNullable<Viewer>, programmeId: number, input: DraftInput, text: { sections: SectionDraft[]; format: BodyFormat; source: 'written' | 'word'; sourceName?: string; original?: Buffer }, clock: Clock): Promise<number> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    const now = nowIso(clock);
    const draftId = await q.insertDraft(c, { programmeId, title: input.title, summary: input.summary, aims: input.aims, createdBy: viewer.id }, now);
    await q.setProjects(c, programmeId, draftId, input.projectIds);
    const versionId = await q.insertVersion(c, { draftId, number: 1, source: text.source, sourceName: text.sourceName ?? null, createdBy: viewer.id }, now);
    await q.insertSections(c, versionId, text.sections, text.format);
    // The Word file itself, for the library's "original file" download (the import limits its size).
    if (text.original) await saveOriginal(libraryDb(tx), { versionId, fileName: text.sourceName ?? 'draft.docx', contentType: DOCX_TYPE, data: text.original }, now);
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.draft', recordType: 'consultation_draft', recordId: draftId, summary: text.source === 'word' ? 'Imported a draft from a Word document' : 'Wrote a draft' }, clock);
    return draftId;
  });
}

export const draftsOf = (db: Db | Tx, programmeId: number) => q.draftsOf(own(db), programmeId);

export async function draftById(db: Db | Tx, programmeId: number, draftId: number) {
  const c = own(db);
  const draft = await q.draftOf(c, programmeId, draftId);
  if (!draft) return undefined;
  const version = await q.latestVersion(c, draftId);
  return { draft, version, sections: await q.sectionsOf(c, version.id), projects: await q.projectsOfDraft(c, draftId), consultations: await q.consultationsOfDraft(c, draftId) };
}

export type SplitRefusal = 'not_found' | 'in_consultation' | 'last_section';

/** A version a consultation runs on keeps its text: adjusting waits for the next version. */
async function editableSection(c: ConsultationsDb, programmeId: number, draftId: number, sectionId: number): Promise<Section | 'not_found' | 'in_consultation'> {
  const s = await q.sectionOfDraft(c, programmeId, draftId, sectionId);
  if (!s) return 'not_found';
  return (await q.versionInConsultation(c, s.version_id)) ? 'in_consultation' : s;
}

/** Renames a section. */
export async function renameSection(db: Db, programmeId: number, draftId: number, sectionId: number, heading: string): Promise<{ ok: true } | { ok: false; reason: SplitRefusal }> {
  const c = own(db);
  const s = await editableSection(c, programmeId, draftId, sectionId);
  if (typeof s === 'string') return { ok: false, reason: s };
  await q.renameSection(c, s.id, heading);
  return { ok: true };
}

/** Merges a section with the next one: its heading stays, the next one's heading becomes a sub-heading in the text. */
export async function mergeWithNext(db: Db, programmeId: number, draftId: number, sectionId: number): Promise<{ ok: true } | { ok: false; reason: SplitRefusal }> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    const s = await editableSection(c, programmeId, draftId, sectionId);
    if (typeof s === 'string') return { ok: false as const, reason: s };
    const next = await q.nextSection(c, s);
    if (!next) return { ok: false as const, reason: 'last_section' as const };
    const body = mergedBody(s, next);
    await q.mergeSections(c, s, next, { body, format: s.body_format === 'html' || next.body_format === 'html' ? 'html' : 'markdown' });
    return { ok: true as const };
  });
}

export type SplitChoice = { at: number; heading: string };
/** Splits a section in two before one of its blocks (see split.ts); refused like a merge while a consultation runs on the version. */
export async function splitSection(db: Db, programmeId: number, draftId: number, sectionId: number, choice: SplitChoice): Promise<{ ok: true; id: number } | { ok: false; reason: SplitRefusal | 'bad_block' | 'no_heading' }> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    const s = await editableSection(c, programmeId, draftId, sectionId);
    if (typeof s === 'string') return { ok: false as const, reason: s };
    const cut = splitAt(s.body, s.body_format, choice.at, choice.heading);
    if ('error' in cut) return { ok: false as const, reason: cut.error };
    // Pictures still waiting for a description go with the part that holds their note.
    const missing = (text: string) => (s.body_format === 'html' ? text.split(escapeHtml(NO_ALT_NOTE)).length - 1 : 0);
    const pictures = s.body_format === 'html' ? { firstPictures: missing(cut.first), secondPictures: missing(cut.second) } : { firstPictures: s.pictures_without_alt, secondPictures: 0 };
    const id = await q.splitSection(c, s, { first: cut.first, heading: cut.heading.slice(0, HEADING_MAX), second: cut.second, ...pictures });
    return { ok: true as const, id };
  });
}

/** A section and its blocks, for the page that asks where to split it. */
export async function sectionForSplit(db: Db | Tx, programmeId: number, draftId: number, sectionId: number) {
  const c = own(db);
  const s = await q.sectionOfDraft(c, programmeId, draftId, sectionId);
  if (!s) return undefined;
  return { section: s, blocks: blocksOf(s.body, s.body_format), locked: await q.versionInConsultation(c, s.version_id) };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
function mergedBody(a: Section, b: Section): string {
  if (a.body_format === 'markdown' && b.body_format === 'markdown') return `${a.body}\n\n## ${b.heading}\n\n${b.body}`.trim();
  // HTML from an import: a Markdown side is rendered first, so the stored text stays sanitised HTML.
  const html = (s: Section) => (s.body_format === 'html' ? s.body : renderMarkdown(s.body));
  return sanitize(`${html(a)}<h4>${escapeHtml(b.heading)}</h4>${html(b)}`);
}
import { renderRichText as renderMarkdown, sanitizeRichHtml as sanitize } from '../../platform/rich-text/rich-text.ts';

/**
 * A section's text as safe HTML for a page (imported HTML is sanitised again on the way out).
 * Kept by its text in a small cache: a draft page shows every section on every view, and the same
 * text always gives the same HTML, so an edited section simply misses and is rendered again.
 */
export function sectionHtml(s: Pick<Section, 'body' | 'body_format'>): string {
  const key = `${s.body_format}\n${s.body}`;
  const kept = sectionHtmlCache.get(key);
  if (kept !== undefined) return kept;
  const html = s.body_format === 'html' ? sanitize(s.body) : renderMarkdown(s.body);
  if (sectionHtmlCache.size >= SECTION_CACHE_SIZE) sectionHtmlCache.delete(sectionHtmlCache.keys().next().value!);
  sectionHtmlCache.set(key, html);
  return html;
}
/** How many sections' HTML the cache keeps (the oldest kept goes first): a few long drafts' worth. */
const SECTION_CACHE_SIZE = 1_000;
const sectionHtmlCache = new Map<string, string>();

// ---- Consultations

export type ConsultationInput = { opensAt: string; closesAt: string; commentsVisible: CommentsVisible; questions: string[]; audience: AudienceTarget[] };
export type ConsultationRefusal = 'not_found' | 'closes_in_past' | 'no_sections';

export async function createConsultation(db: Db, viewer: NonNullable<Viewer>, programmeId: number, draftId: number, input: ConsultationInput, clock: Clock): Promise<{ ok: true; id: number } | { ok: false; reason: ConsultationRefusal }> {
  const found = await draftById(db, programmeId, draftId);
  if (!found) return { ok: false, reason: 'not_found' };
  if (!found.sections.length) return { ok: false, reason: 'no_sections' };
  if (Date.parse(input.closesAt) <= clock().getTime()) return { ok: false, reason: 'closes_in_past' };
  return inTransaction(db, async (tx) => {
    const id = await q.insertConsultation(own(tx), { programmeId, draftId, versionId: found.version.id, opensAt: input.opensAt, closesAt: input.closesAt, commentsVisible: input.commentsVisible, createdBy: viewer.id, questions: input.questions }, nowIso(clock));
    await setAudience(tx, ITEM_KIND, id, input.audience);
    await scheduleNotices(tx, clock, id, input.opensAt, input.closesAt);
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.create', recordType: 'consultation', recordId: id, summary: 'Set up a consultation on a draft' }, clock);
    return { ok: true as const, id };
  });
}

export type EditRefusal = 'not_found' | 'closes_in_past' | 'opened' | 'answered_question' | 'made_public';
/**
 * Changes a consultation after it is set up: dates, audience, guiding questions, who reads the
 * comments. Refused where a change would not make sense once people have taken part: the opening
 * date once it has opened; an answered question reworded or removed (its answers would answer
 * another question: `questionRows` is the form's rows, blank for none); comments made readable
 * by everyone after people wrote some for the team alone. The notices are scheduled again.
 */
export async function updateConsultation(db: Db, viewer: NonNullable<Viewer>, programmeId: number, id: number, input: Omit<ConsultationInput, 'questions'> & { questionRows: string[] }, clock: Clock): Promise<{ ok: true } | { ok: false; reason: EditRefusal; question?: number }> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    const current = await q.consultationById(c, id);
    if (!current || current.programme_id !== programmeId) return { ok: false, reason: 'not_found' };
    const now = clock().getTime();
    if (input.opensAt !== current.opens_at && Date.parse(current.opens_at) <= now) return { ok: false, reason: 'opened' };
    if (input.closesAt !== current.closes_at && Date.parse(input.closesAt) <= now) return { ok: false, reason: 'closes_in_past' };
    const comments = await q.commentCount(c, id);
    if (comments && current.comments_visible === 'team' && input.commentsVisible === 'participants') return { ok: false, reason: 'made_public' };
    const questions = await q.questionsOf(c, id);
    const answered = await q.answeredQuestionIds(c, id);
    for (const old of questions) {
      if (answered.has(old.id) && (input.questionRows[old.position - 1] ?? '') !== old.text) return { ok: false, reason: 'answered_question', question: old.position };
    }
    await q.updateConsultationRow(c, id, { opensAt: input.opensAt, closesAt: input.closesAt, commentsVisible: input.commentsVisible });
    await q.replaceQuestions(c, id, questions, input.questionRows);
    await setAudience(tx, ITEM_KIND, id, input.audience);
    await scheduleNotices(tx, clock, id, input.opensAt, input.closesAt);
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.edit', recordType: 'consultation', recordId: id, summary: 'Changed a consultation' }, clock);
    return { ok: true };
  });
}

export const consultationById = (db: Db | Tx, id: number) => q.consultationById(own(db), id);

const noticeKey = (id: number) => `consultations:${id}:`;
/** The opening notice at the opening time (at once if that is past) and the closing-soon reminder, if still ahead. */
async function scheduleNotices(tx: Tx, clock: Clock, id: number, opensAt: string, closesAt: string): Promise<void> {
  await cancelJobs(tx, noticeKey(id));
  const now = clock().getTime();
  await scheduleJob(tx, 'consultations.opened', new Date(Math.max(now, Date.parse(opensAt))), { consultationId: id, opensAt }, `${noticeKey(id)}opened`, { clock });
  const soon = Date.parse(closesAt) - CLOSING_SOON_DAYS * 86_400_000;
  if (soon > now && soon > Date.parse(opensAt)) await scheduleJob(tx, 'consultations.closing', new Date(soon), { consultationId: id, closesAt }, `${noticeKey(id)}closing`, { clock });
}

export type ConsultationState = 'upcoming' | 'open' | 'closed';
export function stateOf(c: Pick<Consultation, 'opens_at' | 'closes_at'>, now: Date): ConsultationState {
  if (now.getTime() < Date.parse(c.opens_at)) return 'upcoming';
  return now.getTime() < Date.parse(c.closes_at) ? 'open' : 'closed';
}

/** A consultation this person may see (its audience, or the team), with its draft's title, sections and questions. */
export async function readableConsultation(db: Db | Tx, viewer: Viewer, id: number) {
  if (!viewer) return undefined;
  const c = own(db);
  // The four reads at once (the sections found through the consultation's version): a draft page
  // waits for one round trip to the database, not four in turn. Nothing is shown unless both the
  // consultation is there and the audience rule lets this person see it.
  const [row, allowed, sections, questions] = await Promise.all([q.consultationWithDraft(c, id), maySee(db, viewer, ITEM_KIND, id), q.sectionsOfConsultation(c, id), q.questionsOf(c, id)]);
  if (!row || !allowed) return undefined;
  return { consultation: { ...row, closesShown: closesShown(row.closes_at) }, sections, questions };
}

/** The consultations this person may see, newest first. */
export async function consultationsFor(db: Db | Tx, viewer: Viewer, programmeId: number) {
  return (await q.consultationsWhere(own(db), programmeId, visibleTo(viewer, ITEM_KIND, 'consultations.id'))).map((c) => ({ ...c, closesShown: closesShown(c.closes_at) }));
}

/** A consultation closes at the end of a London day: shown as that day's last minute, not as midnight of the next. */
export const closesShown = (closesAt: string) => formatDateTime(new Date(Date.parse(closesAt) - 60_000).toISOString());

// ---- Comments

export type CommentTarget = { kind: 'section'; sectionId: number } | { kind: 'question'; questionId: number } | { kind: 'general' } | { kind: 'reply'; parentId: number };
export type CommentRefusal = 'not_found' | 'not_open_yet' | 'closed' | 'wrong_section' | 'wrong_question' | 'no_replies';

/**
 * Adds a comment, an answer or a reply. The section (or question) must be one of this
 * consultation's own: a section of another draft or version is refused ('wrong_section'), so is
 * any comment outside the consultation's dates. Replies only where comments are visible.
 */
export async function addComment(db: Db, viewer: Viewer, consultationId: number, target: CommentTarget, input: { body: string; publication: Publication }, clock: Clock): Promise<{ ok: true; id: number } | { ok: false; reason: CommentRefusal }> {
  const found = await readableConsultation(db, viewer, consultationId);
  if (!found || !viewer) return { ok: false, reason: 'not_found' };
  const state = stateOf(found.consultation, clock());
  if (state === 'upcoming') return { ok: false, reason: 'not_open_yet' };
  if (state === 'closed') return { ok: false, reason: 'closed' };
  const row = { consultation_id: consultationId, person_id: viewer.id, version_id: null as number | null, section_key: null as string | null, question_id: null as number | null, parent_id: null as number | null };
  if (target.kind === 'section') {
    const s = found.sections.find((x) => x.id === target.sectionId);
    if (!s) return { ok: false, reason: 'wrong_section' };
    Object.assign(row, { version_id: s.version_id, section_key: s.section_key });
  } else if (target.kind === 'question') {
    if (!found.questions.some((x) => x.id === target.questionId)) return { ok: false, reason: 'wrong_question' };
    row.question_id = target.questionId;
  } else if (target.kind === 'reply') {
    const parent = (await visibleComments(db, viewer, found.consultation, [target.parentId])).find((x) => x.id === target.parentId && x.parent_id === null);
    if (!parent) return { ok: false, reason: 'not_found' };
    if (found.consultation.comments_visible !== 'participants') return { ok: false, reason: 'no_replies' };
    row.parent_id = parent.id;
  }
  return { ok: true, id: await q.insertComment(own(db), { ...row, person_id: viewer.id, body: input.body, body_html: commentHtml(input.body), publication: input.publication }, nowIso(clock)) };
}

const readingOf = (viewer: NonNullable<Viewer>, consultation: Pick<Consultation, 'comments_visible'>) => (isTeam(viewer) ? 'all' : consultation.comments_visible === 'participants' ? 'published' : 'own');

/** On the draft page each place shows the reader's own comments and this many of the newest others'; the rest are a link away. */
export const SHOWN_PER_PLACE = 3;
export type Place = q.PlaceWhere;
const placeKey = (p: Pick<Comment, 'version_id' | 'section_key' | 'question_id'> | Place) =>
  'kind' in p ? (p.kind === 'section' ? `s:${p.versionId}:${p.key}` : p.kind === 'question' ? `q:${p.id}` : 'g') : p.section_key !== null ? `s:${p.version_id}:${p.section_key}` : p.question_id !== null ? `q:${p.question_id}` : 'g';

const idsOf = (list: string | null) => (list ? list.split(',').map(Number) : []);
/** The `n` highest ids in a list ("4,230,17"), highest first: the newest comments. Read digit by digit: a long list is not split into strings. */
function newestOf(list: string | null, n: number): number[] {
  const top: number[] = [];
  if (!list || n <= 0) return top;
  let id = 0;
  for (let i = 0; i <= list.length; i++) {
    const code = i < list.length ? list.charCodeAt(i) : 44;
    if (code !== 44) {
      id = id * 10 + (code - 48);
      continue;
    }
    if (top.length < n || id > top[top.length - 1]!) {
      let k = Math.min(top.length, n - 1);
      while (k > 0 && top[k - 1]! < id) k--;
      top.splice(k, 0, id);
      if (top.length > n) top.pop();
    }
    id = 0;
  }
  return top;
}

/**
 * The draft page's comments, read so a draft with thousands stays quick: in one statement, which
 * comments each place shows (the reader's own and the newest SHOWN_PER_PLACE others') with how
 * many the reader may read there, then those in full with their replies; or, with `page`, one page
 * of a single place's list and its count. `total` counts every comment (not reply) the reader may
 * read in the consultation (without `page`).
 */
export async function commentsByPlace(db: Db | Tx, viewer: Viewer, consultation: Pick<Consultation, 'id' | 'comments_visible'>, places: readonly Place[], page?: { place: Place; offset: number; limit: number }) {
  if (!viewer) return { counts: places.map(() => 0), shown: places.map(() => [] as (ShownComment & { replies: ShownComment[] })[]), total: 0 };
  const c = own(db);
  const only = readingOf(viewer, consultation);
  let picked: { count: number; ids: number[] }[];
  let total = 0;
  if (page) {
    picked = [{ count: await q.placeCount(c, consultation.id, viewer.id, only, page.place), ids: await q.placePage(c, consultation.id, viewer.id, only, page.place, page) }];
  } else {
    const byPlace = new Map<string, { count: number; ids: number[] }>();
    for (const r of await q.placeIds(c, consultation.id, viewer.id, only)) {
      byPlace.set(placeKey(r), { count: Number(r.n), ids: [...newestOf(r.others, SHOWN_PER_PLACE), ...idsOf(r.mine)].sort((a, b) => a - b) });
      total += Number(r.n);
    }
    picked = places.map((p) => byPlace.get(placeKey(p)) ?? { count: 0, ids: [] });
  }
  const topIds = picked.flatMap((x) => x.ids);
  const full = topIds.length ? await visibleComments(db, viewer, consultation, topIds, true) : [];
  const byId = new Map(full.map((x) => [x.id, x]));
  const repliesOf = new Map<number, ShownComment[]>();
  for (const x of full) if (x.parent_id !== null) repliesOf.set(x.parent_id, [...(repliesOf.get(x.parent_id) ?? []), x]);
  const withReplies = (ids: readonly number[]) =>
    ids.flatMap((id) => {
      const x = byId.get(id);
      return x ? [Object.assign(x, { replies: repliesOf.get(id) ?? [] })] : [];
    });
  return { counts: picked.map((x) => x.count), shown: picked.map((x) => withReplies(x.ids)), total };
}

/**
 * A comment as a reader sees it, with only what its pages use: shownHtml is the text they read
 * (the redacted text for others, where there is one) as safe HTML, redactedShown whether that is
 * the redacted text; responseHtml the team's response as safe HTML and statusLabel its status in
 * words; shownAt when it was written, in words.
 */
export type ShownComment = Pick<Comment, 'id' | 'parent_id' | 'person_id' | 'status'> & {
  author: string | null;
  agrees: number;
  agreed: boolean;
  mine: boolean;
  redactedShown: boolean;
  shownHtml: string;
  responseHtml: string;
  statusLabel: string | null;
  shownAt: string;
};

/**
 * When a comment was written, in UK time words ("2 June 2026 at 9:00am"). The same comments are on
 * every view of a draft page and the formatting is the dearest part of drawing one, so the words
 * are kept by the instant (the same instant always gives the same words).
 */
export function writtenAt(iso: string): string {
  let words = writtenAtCache.get(iso);
  if (words === undefined) {
    words = formatDateTime(iso);
    if (writtenAtCache.size >= WRITTEN_AT_CACHE_SIZE) writtenAtCache.delete(writtenAtCache.keys().next().value!);
    writtenAtCache.set(iso, words);
  }
  return words;
}
const WRITTEN_AT_CACHE_SIZE = 20_000;
const writtenAtCache = new Map<string, string>();

/** A comment's text as safe HTML, as it is stored beside the text (migration 037). */
export const commentHtml = (text: string) => renderMarkdown(text);

/**
 * The comments this person may read in a consultation: the team all; a participant their own, and,
 * where comments are visible to participants, others' that may be published (not those the
 * commenter asked to keep unpublished). Others read the redacted text where there is one. The
 * commenter's name is shown to others only when they agreed to be named. `ids` limits them to
 * those (and, `withReplies`, the replies to them).
 */
export async function visibleComments(db: Db | Tx, viewer: Viewer, consultation: Pick<Consultation, 'id' | 'comments_visible'>, ids?: readonly number[], withReplies = false): Promise<ShownComment[]> {
  if (!viewer) return [];
  const rows = await q.commentsFor(own(db), consultation.id, viewer.id, readingOf(viewer, consultation), ids, withReplies);
  const team = isTeam(viewer);
  // Each object is built field by field (no spread of the row): a page draws a few hundred.
  return rows.map((r): ShownComment => {
    const mine = r.person_id === viewer.id;
    // Others read the redacted text where there is one. Each text comes as its stored HTML; the
    // text itself only where that is missing (then rendered here).
    const redacted = !team && !mine && Boolean(Number(r.redacted));
    return {
      id: r.id,
      parent_id: r.parent_id,
      person_id: r.person_id,
      status: r.status,
      author: team ? (r.person_name ?? 'A former participant') : mine ? 'You' : r.publication === 'named' ? (r.person_name ?? 'A participant') : null,
      agrees: Number(r.agrees ?? 0),
      agreed: Boolean(Number(r.agreed)),
      mine,
      redactedShown: redacted,
      shownHtml: (redacted ? r.redacted_html : r.body_html) ?? commentHtml((redacted ? r.redacted_body : r.body) ?? ''),
      responseHtml: Number(r.responded) ? (r.response_html ?? commentHtml(r.response ?? '')) : '',
      statusLabel: r.status ? STATUS_LABELS[r.status] : null,
      shownAt: writtenAt(r.created_at),
    };
  });
}

/** Agrees with a comment (once), or takes the agreement back. Only where the person can read it and comments are visible. */
export async function toggleAgree(db: Db, viewer: Viewer, consultationId: number, commentId: number, clock: Clock): Promise<{ ok: true; agreed: boolean } | { ok: false; reason: 'not_found' | 'closed' }> {
  const found = await readableConsultation(db, viewer, consultationId);
  if (!found || !viewer || found.consultation.comments_visible !== 'participants') return { ok: false, reason: 'not_found' };
  if (stateOf(found.consultation, clock()) !== 'open') return { ok: false, reason: 'closed' };
  const comment = (await visibleComments(db, viewer, found.consultation, [commentId])).find((x) => x.id === commentId && x.parent_id === null);
  if (!comment) return { ok: false, reason: 'not_found' };
  if (comment.agreed) {
    await q.unagree(own(db), commentId, viewer.id);
    return { ok: true, agreed: false };
  }
  await q.agree(own(db), commentId, viewer.id, nowIso(clock));
  return { ok: true, agreed: true };
}

// ---- Triage

export type TriageFilter = { sectionKey?: string; status?: TriageStatus | 'untriaged' };

/** The team's list: a consultation's comments and answers (not replies), filtered. */
export const TRIAGE_PAGE = 50;
/** One page (from 1) of the team's list, and how many there are in all. */
export async function triageList(db: Db | Tx, consultationId: number, filter: TriageFilter, page = 1) {
  const total = await q.triageCount(own(db), consultationId, filter);
  const pages = Math.max(1, Math.ceil(total / TRIAGE_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  return { rows: await q.triageRows(own(db), consultationId, filter, { limit: TRIAGE_PAGE, offset: (current - 1) * TRIAGE_PAGE }), total, page: current, pages };
}

export const commentForTeam = (db: Db | Tx, consultationId: number, commentId: number) => q.commentWithName(own(db), consultationId, commentId);

/** Records the team's status and response, and tells the commenter (in the same transaction). */
export async function respond(db: Db, viewer: NonNullable<Viewer>, consultationId: number, commentId: number, input: { status: TriageStatus; response: string }, ctx: NotifyContext): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    const comment = await commentForTeam(tx, consultationId, commentId);
    if (!comment || comment.parent_id !== null) return false;
    await q.setResponse(c, commentId, { ...input, html: commentHtml(input.response), by: viewer.id }, nowIso(ctx.clock));
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.respond', recordType: 'consultation_comment', recordId: commentId, summary: `Marked a comment ${STATUS_LABELS[input.status].toLowerCase()}` }, ctx.clock);
    if (comment.person_id !== null && comment.person_id !== viewer.id) {
      const title = await q.titleOf(c, consultationId);
      await notify(tx, ctx, comment.person_id, CONSULTATION_RESPONSE.kind, { kind: ITEM_KIND, id: consultationId, title, url: '/my/comments', group: 'Consultations' }, {
        subject: `The team has responded to your comment on ${title}`,
        greeting: 'Hello,',
        parts: [`The team has read your comment on "${title}" and marked it: ${STATUS_LABELS[input.status]}.`, { link: `${ctx.baseUrl}/my/comments`, text: 'See their response' }],
      });
    }
    return true;
  });
}

/** Redacts part of a comment: others then read the redacted text; the original stays for the team; the reason goes to the audit log. */
export async function redact(db: Db, viewer: NonNullable<Viewer>, consultationId: number, commentId: number, input: { redacted: string; reason: string }, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const comment = await commentForTeam(tx, consultationId, commentId);
    if (!comment) return false;
    await q.setRedaction(own(tx), commentId, { text: input.redacted, html: commentHtml(input.redacted) }, viewer.id, nowIso(clock));
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.redact', recordType: 'consultation_comment', recordId: commentId, summary: `Redacted a comment: ${input.reason}` }, clock);
    return true;
  });
}

/** "Your comments": every comment this person made, with the team's response. */
export const myComments = (db: Db | Tx, personId: number) => q.commentsBy(own(db), personId);

// ---- Jobs

/** The handlers; each job's clock is the runner's (so tests move it). A moved date leaves the old job doing nothing: it checks the time it was for. */
export function consultationJobHandlers(site: Omit<NotifyContext, 'clock'>): JobHandlers {
  return {
    'consultations.opened': async (p, job) => {
      const ctx = { ...site, clock: job.clock };
      await inTransaction(job.db, async (tx) => {
      const c = await q.consultationAt(own(tx), p.consultationId, { opensAt: p.opensAt });
      if (!c || stateOf(c, ctx.clock()) === 'closed') return;
      await tellAudience(tx, ctx, c, CONSULTATION_OPENED.kind, (title) => ({
        subject: `Consultation open: ${title}`,
        parts: [`The programme team would like your comments on the draft "${title}". You can comment until ${closesShown(c.closes_at)} (UK time).`],
      }));
      });
    },
    'consultations.closing': async (p, job) => {
      const ctx = { ...site, clock: job.clock };
      await inTransaction(job.db, async (tx) => {
      const c = await q.consultationAt(own(tx), p.consultationId, { closesAt: p.closesAt });
      if (!c || stateOf(c, ctx.clock()) !== 'open') return;
      await tellAudience(tx, ctx, c, CONSULTATION_CLOSING.kind, (title) => ({
        subject: `Closing soon: ${title}`,
        parts: [`The consultation on "${title}" closes on ${closesShown(c.closes_at)} (UK time).`],
      }));
      });
    },
  };
}

async function tellAudience(tx: Tx, ctx: NotifyContext, c: Consultation, kind: string, words: (title: string) => { subject: string; parts: string[] }): Promise<void> {
  const title = await q.titleOf(own(tx), c.id);
  const { subject, parts } = words(title);
  for (const personId of await addressees(tx, ITEM_KIND, c.id)) {
    await notify(tx, ctx, personId, kind, { kind: ITEM_KIND, id: c.id, title, url: `/consultations/${c.id}`, group: 'Consultations' }, { subject, greeting: 'Hello,', parts: [...parts, { link: `${ctx.baseUrl}/consultations/${c.id}`, text: 'Read the draft and comment' }] });
  }
}

// ---- Personal data

export const personRows = (db: Db | Tx, personId: number) => q.personRows(own(db), personId);

/** Erasing a person deletes their comments (their replies and others' agreements with them go too) and agreements; their name comes off what they triaged. */
export async function erasePerson(tx: Tx, personId: number): Promise<void> {
  await q.erasePersonRows(own(tx), personId);
  await eraseLibraryPerson(libraryDb(tx), personId);
}
