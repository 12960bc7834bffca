// Describing an imported section's pictures in the app (issue 14, item 1). The Word import keeps no
// picture (import.ts: the site shows none, and mammoth never reads a picture's bytes), only a note
// in the section's text: "[Picture: <its description>]", or, when the document gave none, the
// NO_ALT_NOTE asking the team for one, counted in pictures_without_alt. So the team's page names
// each picture by its place (the words before and after it) and asks for its description; saving
// puts the description where the note was, exactly as the import writes a described picture (so
// the section reads the same as if Word had had it), escaped and then through the platform's
// sanitiser like every imported text, and lowers the count.
//
// Allowed while a consultation runs on the version (unlike every other change to its sections): a
// description changes none of the words people are commenting on, and it makes the draft readable
// by someone who cannot see the picture, which is what the consultation needs. Allowed on any of
// the draft's versions for the same reason. Every description saved is in the audit log.
import { recordAudit } from '../../platform/audit/audit.ts';
import { inTransaction, type Db } from '../../platform/db/database.ts';
import { sanitizeRichHtml } from '../../platform/rich-text/rich-text.ts';
import type { Clock } from '../../platform/time.ts';
import { NO_ALT_NOTE } from './import.ts';
import * as base from './queries.ts';
import { own } from './service.ts';
import type { Section } from './tables.ts';
import * as vq from './versions/queries.ts';

export const DESCRIPTION_MAX = 300;
/** Words shown either side of a picture to say which one it is. */
const PLACE_WORDS = 12;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const NOTE = escape(NO_ALT_NOTE);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };
const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&(#?[a-z0-9]+);/gi, (m, e: string) => ENTITIES[e.toLowerCase()] ?? m).replace(/\s+/g, ' ').trim();
/** Earlier and later picture notes read as "a picture" in the words around one. */
const plain = (html: string) => textOf(html.replace(/\[Picture[^\]]*\]/g, ' (a picture) '));

export type PictureToDescribe = { number: number; before: string; after: string };

/** The pictures of a section's text that have no description, in order, each with the words around it. */
export function picturesToDescribe(s: Pick<Section, 'body' | 'body_format'>): PictureToDescribe[] {
  if (s.body_format !== 'html') return [];
  const parts = s.body.split(NOTE);
  return parts.slice(0, -1).map((_, i) => {
    const before = plain(parts.slice(0, i + 1).join(NOTE)).split(' ').filter(Boolean);
    const after = plain(parts.slice(i + 1).join(NOTE)).split(' ').filter(Boolean);
    return {
      number: i + 1,
      before: (before.length > PLACE_WORDS ? '… ' : '') + before.slice(-PLACE_WORDS).join(' '),
      after: after.slice(0, PLACE_WORDS).join(' ') + (after.length > PLACE_WORDS ? ' …' : ''),
    };
  });
}

/** The text with the notes of its pictures without a description replaced by these descriptions, in order (as many as there are notes). */
export function withDescriptions(body: string, descriptions: readonly string[]): string {
  const parts = body.split(NOTE);
  if (parts.length - 1 !== descriptions.length) throw new Error('one description per picture');
  const described = parts.reduce((out, part, i) => (i === 0 ? part : `${out}[Picture: ${escape(descriptions[i - 1]!.replace(/\s+/g, ' ').trim())}]${part}`), '');
  return sanitizeRichHtml(described);
}

export type DescribeRefusal = 'not_found' | 'changed';

/** The section (of this programme's draft, any version) and its pictures waiting for a description. */
export async function sectionPictures(db: Db, programmeId: number, draftId: number, sectionId: number) {
  const c = own(db);
  const section = await base.sectionOfDraft(c, programmeId, draftId, sectionId);
  if (!section) return undefined;
  const version = await vq.versionNumberOf(c, section.version_id);
  return { section, version, pictures: picturesToDescribe(section) };
}

/**
 * Saves a description for each picture without one, in order. 'changed': the section no longer has
 * that many pictures to describe (someone described or changed it since the page was shown).
 */
export async function describePictures(db: Db, actorId: number, programmeId: number, draftId: number, sectionId: number, descriptions: readonly string[], clock: Clock): Promise<{ ok: true; described: number } | { ok: false; reason: DescribeRefusal }> {
  return inTransaction(db, async (tx) => {
    const c = own(tx);
    const section = await base.sectionOfDraft(c, programmeId, draftId, sectionId);
    if (!section) return { ok: false as const, reason: 'not_found' as const };
    if (!descriptions.length || picturesToDescribe(section).length !== descriptions.length) return { ok: false as const, reason: 'changed' as const };
    const body = withDescriptions(section.body, descriptions);
    const left = body.split(NOTE).length - 1;
    await vq.setSectionText(c, section.id, body, left);
    await recordAudit(tx, { actorId, action: 'consultation.picture-description', recordType: 'consultation_section', recordId: section.id, summary: `Described ${descriptions.length} ${descriptions.length === 1 ? 'picture' : 'pictures'} of a draft's section` }, clock);
    return { ok: true as const, described: descriptions.length };
  });
}
