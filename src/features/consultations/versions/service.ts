// Versions of a draft (issue 14 §6), first part: the team starts a new version, which copies the
// latest one's sections with their keys (their stable identity); in the new version they change a
// section's heading or text, add a section (a new key) or remove one (simply absent from then on).
// A version that a consultation runs on never changes. Comments stay attached to (version, key):
// the draft page shows each earlier comment on the section that still has its key, and lists
// those whose section did not survive. Two versions compare section by section, matched by key,
// with a word-level difference (the `diff` package). A new version can also be a Word document
// (read by import.ts, the one converter): its sections are matched to the latest version's by
// heading and keep their keys, through the same newVersion as a copy made here.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Viewer } from '../../../platform/audience/access.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, type Db, type Tx } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import type { SectionDraft } from '../import.ts';
import { saveOriginal } from '../library/queries.ts';
import * as base from '../queries.ts';
import { DOCX_TYPE, libraryDb, own } from '../service.ts';
import type { Section } from '../tables.ts';
import * as q from './queries.ts';

type DiffPart = { value: string; added?: boolean; removed?: boolean };
const diffWords = (a: string, b: string): DiffPart[] => (createRequire(import.meta.url)('diff') as { diffWords(a: string, b: string): DiffPart[] }).diffWords(a, b);

export type VersionRefusal = 'not_found' | 'in_consultation' | 'not_latest';

/** A Word document imported as the next version: its sections, already matched to the latest version's (see matchImport). */
export type ImportedVersion = { sections: readonly SectionDraft[]; fileName: string; original: Buffer; basedOn: number };

/**
 * Starts the next version: a copy of the latest, keeping every section's key; or, given an
 * imported Word document, its sections, each keeping the key of the latest version's section it
 * matches by heading (so that section's comments stay with it) and the rest new. 'changed': the
 * latest version is no longer the one the import was checked against (the check must be shown again).
 */
export async function newVersion(db: Db, viewer: NonNullable<Viewer>, programmeId: number, draftId: number, changelog: string, clock: Clock, imported?: ImportedVersion): Promise<{ ok: true; number: number } | { ok: false; reason: 'not_found' | 'changed' }> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    if (!(await base.draftOf(c, programmeId, draftId))) return { ok: false as const, reason: 'not_found' as const };
    const latest = await base.latestVersion(c, draftId);
    if (imported && imported.basedOn !== latest.id) return { ok: false as const, reason: 'changed' as const };
    const number = latest.number + 1;
    const now = clock().toISOString();
    const current = await base.sectionsOf(c, latest.id);
    if (!imported) await q.insertVersionCopy(c, { draftId, number, changelog, createdBy: viewer.id }, current, now);
    else {
      const sections = matchImport(current, imported.sections).sections;
      const versionId = await q.insertVersionCopy(c, { draftId, number, changelog, createdBy: viewer.id, source: 'word', sourceName: imported.fileName }, sections, now);
      // The Word file itself, as a first version's import keeps it (the library's "original file").
      await saveOriginal(libraryDb(tx), { versionId, fileName: imported.fileName, contentType: DOCX_TYPE, data: imported.original }, now);
    }
    await recordAudit(tx, { actorId: viewer.id, action: 'consultation.version', recordType: 'consultation_draft', recordId: draftId, summary: imported ? `Imported version ${number} of a draft from a Word document` : `Started version ${number} of a draft` }, clock);
    return { ok: true as const, number };
  });
}

const loose = (h: string) => h.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

export type ImportMatch = {
  sections: q.VersionSection[];
  /** Imported sections that keep a section's key: their heading, and the heading they matched (the same but for case or spaces). */
  kept: { position: number; heading: string; was: string }[];
  added: { position: number; heading: string }[];
  /** The latest version's sections that nothing imported matched. */
  gone: Pick<Section, 'section_key' | 'position' | 'heading'>[];
};

/**
 * An imported document's sections matched to the current version's by heading: first exactly,
 * then ignoring case and spaces; each current section is matched at most once (the first unmatched
 * one with that heading, in order). A matched section keeps the current one's key; the rest get new ones.
 */
export function matchImport(current: readonly Pick<Section, 'section_key' | 'position' | 'heading'>[], imported: readonly SectionDraft[]): ImportMatch {
  const used = new Set<string>();
  const keyOf: (Pick<Section, 'section_key' | 'heading'> | undefined)[] = imported.map(() => undefined);
  for (const same of [(a: string, b: string) => a === b, (a: string, b: string) => loose(a) === loose(b)])
    imported.forEach((s, i) => {
      if (keyOf[i]) return;
      const found = current.find((x) => !used.has(x.section_key) && same(x.heading, s.heading));
      if (found) {
        used.add(found.section_key);
        keyOf[i] = found;
      }
    });
  const out: ImportMatch = { sections: [], kept: [], added: [], gone: current.filter((x) => !used.has(x.section_key)) };
  imported.forEach((s, i) => {
    const position = i + 1;
    const was = keyOf[i];
    out.sections.push({ section_key: was?.section_key ?? randomUUID(), position, heading: s.heading, body: s.body, body_format: 'html', pictures_without_alt: s.picturesWithoutAlt });
    if (was) out.kept.push({ position, heading: s.heading, was: was.heading });
    else out.added.push({ position, heading: s.heading });
  });
  return out;
}

/** What importing these sections as the next version would keep, add and leave out, against the latest version; and that version's id, for the confirmation. */
export async function checkImport(db: Db | Tx, programmeId: number, draftId: number, imported: readonly SectionDraft[]) {
  const c = own(db);
  if (!(await base.draftOf(c, programmeId, draftId))) return undefined;
  const latest = await base.latestVersion(c, draftId);
  const match = matchImport(await base.sectionsOf(c, latest.id), imported);
  // How many earlier comments each left-out section has: they will be listed as on sections no longer in the draft.
  const comments = await q.sectionCommentsOfDraft(c, draftId);
  const count = (key: string) => comments.filter((x) => x.section_key === key).length;
  return { latest, ...match, gone: match.gone.map((g) => ({ ...g, comments: count(g.section_key) })), keptComments: match.sections.filter((s) => match.kept.some((k) => k.position === s.position)).reduce((n, s) => n + count(s.section_key), 0) };
}

/** A section the team may change: of this programme's draft, in its latest version, which no consultation runs on. */
async function changeable(tx: Db | Tx, programmeId: number, draftId: number, sectionId: number): Promise<Section | VersionRefusal> {
  const c = own(tx);
  const s = await base.sectionOfDraft(c, programmeId, draftId, sectionId);
  if (!s) return 'not_found';
  if ((await base.latestVersion(c, draftId)).id !== s.version_id) return 'not_latest';
  return (await base.versionInConsultation(c, s.version_id)) ? 'in_consultation' : s;
}

/** Changes a section's heading, and its text when given (Markdown; an imported section's text is replaced). */
export async function editSection(db: Db, programmeId: number, draftId: number, sectionId: number, input: { heading: string; body: string | null }): Promise<{ ok: true } | { ok: false; reason: VersionRefusal }> {
  const s = await changeable(db, programmeId, draftId, sectionId);
  if (typeof s === 'string') return { ok: false, reason: s };
  await q.updateSection(own(db), s.id, { heading: input.heading, ...(input.body !== null ? { body: input.body, format: 'markdown' as const } : {}) });
  return { ok: true };
}

export async function removeSection(db: Db, programmeId: number, draftId: number, sectionId: number): Promise<{ ok: true } | { ok: false; reason: VersionRefusal }> {
  return inTransaction(db, async (tx) => {
    const s = await changeable(tx, programmeId, draftId, sectionId);
    if (typeof s === 'string') return { ok: false as const, reason: s };
    await q.removeSection(own(tx), s);
    return { ok: true as const };
  });
}

/** Adds a section at the end of the latest version, with a new key. */
export async function addSection(db: Db, programmeId: number, draftId: number, input: { heading: string; body: string }): Promise<{ ok: true } | { ok: false; reason: VersionRefusal }> {
  const c = own(db);
  if (!(await base.draftOf(c, programmeId, draftId))) return { ok: false, reason: 'not_found' };
  const latest = await base.latestVersion(c, draftId);
  if (await base.versionInConsultation(c, latest.id)) return { ok: false, reason: 'in_consultation' };
  await q.appendSection(c, latest.id, randomUUID(), input.heading, input.body);
  return { ok: true };
}

export const versionsOf = (db: Db | Tx, draftId: number) => q.versionsOf(own(db), draftId);

/**
 * Earlier comments for a version's page: by section key (those still in it), and those whose
 * section this version no longer has. Only for the team (the draft's admin page).
 */
export async function commentsAcrossVersions(db: Db | Tx, draftId: number, sections: readonly Pick<Section, 'section_key'>[]) {
  const all = await q.sectionCommentsOfDraft(own(db), draftId);
  const keys = new Set(sections.map((s) => s.section_key));
  const byKey = new Map<string, typeof all>();
  for (const c of all) if (c.section_key && keys.has(c.section_key)) byKey.set(c.section_key, [...(byKey.get(c.section_key) ?? []), c]);
  return { byKey, orphaned: all.filter((c) => !c.section_key || !keys.has(c.section_key)) };
}

/** A section's words for comparing: its heading and its text (an imported section's text without its markup). */
const words = (s: Pick<Section, 'body' | 'body_format'>) => (s.body_format === 'html' ? s.body.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') : s.body).replace(/[ \t]+/g, ' ').trim();

export type SectionChange = { key: string; position: number | null; heading: string; change: 'added' | 'removed' | 'changed' | 'same'; parts: DiffPart[]; headingParts: DiffPart[] };

/** Two versions of a draft compared section by section (matched by key), in the later one's order; removed sections last. */
export async function compareVersions(db: Db | Tx, programmeId: number, draftId: number, from: number, to: number): Promise<SectionChange[] | undefined> {
  const c = own(db);
  if (!(await base.draftOf(c, programmeId, draftId))) return undefined;
  const [a, b] = await Promise.all([q.versionByNumber(c, draftId, from), q.versionByNumber(c, draftId, to)]);
  if (!a || !b) return undefined;
  const [before, after] = await Promise.all([base.sectionsOf(c, a.id), base.sectionsOf(c, b.id)]);
  const old = new Map(before.map((s) => [s.section_key, s]));
  const out: SectionChange[] = after.map((s) => {
    const was = old.get(s.section_key);
    if (!was) return { key: s.section_key, position: s.position, heading: s.heading, change: 'added' as const, parts: [{ value: words(s), added: true }], headingParts: [{ value: s.heading, added: true }] };
    const parts = diffWords(words(was), words(s));
    const headingParts = diffWords(was.heading, s.heading);
    const same = parts.every((p) => !p.added && !p.removed) && headingParts.every((p) => !p.added && !p.removed);
    return { key: s.section_key, position: s.position, heading: s.heading, change: same ? ('same' as const) : ('changed' as const), parts, headingParts };
  });
  const kept = new Set(after.map((s) => s.section_key));
  for (const s of before) if (!kept.has(s.section_key)) out.push({ key: s.section_key, position: null, heading: s.heading, change: 'removed', parts: [{ value: words(s), removed: true }], headingParts: [{ value: s.heading, removed: true }] });
  return out;
}
