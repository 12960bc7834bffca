// Describing an imported section's pictures in the app (issue 14, item 1). The Word import keeps no
// picture in a section's text (import.ts: the site shows none, and mammoth is not asked for a
// picture's bytes there), only a note: "[Picture: <its description>]", or, when the document gave
// none, the NO_ALT_NOTE asking the team for one, counted in pictures_without_alt. Saving puts the
// description where the note was, exactly as the import writes a described picture (so the
// section reads as if Word had had it), escaped and then through the platform's sanitiser like
// every imported text, and lowers the count.
//
// Which picture is which: the team's page names each by the words around it, and shows the
// picture itself from the Word file kept at import (consultation_originals, the version's own or
// the nearest earlier one's, for a version copied from it). The import writes one note per
// picture, in the document's order, so the k-th note of the version's imported sections (in order)
// is the document's k-th picture, as long as the counts agree: where they do not (a section's text
// was rewritten, or a section removed) no picture is shown, only its place. Only pictures inside the
// file are read (mammoth's external file access stays off: a linked picture is never fetched), as
// data: URIs (which the Content-Security-Policy allows), of the kinds a browser shows.
//
// Allowed while a consultation runs on the version (unlike every other change to its sections): a
// description changes none of the words people are commenting on, and it makes the draft readable
// by someone who cannot see the picture, which is what the consultation needs. Allowed on any of
// the draft's versions for the same reason. Every description saved is in the audit log.
import { createRequire } from 'node:module';
import { recordAudit } from '../../platform/audit/audit.ts';
import { inTransaction, type Db } from '../../platform/db/database.ts';
import { sanitizeRichHtml } from '../../platform/rich-text/rich-text.ts';
import type { Clock } from '../../platform/time.ts';
import { NO_ALT_NOTE } from './import.ts';
import * as base from './queries.ts';
import { libraryDb, own } from './service.ts';
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

export type PictureToDescribe = { number: number; before: string; after: string; src?: string };

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

/** Any picture note the import writes: described or not (see the top of the file). */
const ANY_NOTE = new RegExp(`<strong>(?:\\[Picture: |${NOTE.replace(/[.[\]]/g, '\\$&')})`, 'g');
const notesIn = (s: Pick<Section, 'body' | 'body_format'>) => (s.body_format === 'html' ? (s.body.match(ANY_NOTE) ?? []).length : 0);
const SHOWN_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Every picture of a Word file in order: a data: URI, or null for one that cannot be shown here (linked, or of another kind). */
export async function picturesOfDocx(file: Buffer): Promise<(string | null)[]> {
  const mammoth = createRequire(import.meta.url)('mammoth') as typeof import('mammoth');
  const out: (string | null)[] = [];
  try {
    await mammoth.convertToHtml(
      { buffer: file },
      {
        convertImage: mammoth.images.imgElement(async (image) => {
          let src: string | null = null;
          if (SHOWN_TYPES.has(image.contentType)) src = await image.read('base64').then((b) => `data:${image.contentType};base64,${b}`, () => null);
          out.push(src);
          return { src: '' };
        }),
      },
    );
  } catch {
    return [];
  }
  return out;
}

/** The section (of this programme's draft, any version) and its pictures waiting for a description, each shown where the kept Word file allows. */
export async function sectionPictures(db: Db, programmeId: number, draftId: number, sectionId: number) {
  const c = own(db);
  const section = await base.sectionOfDraft(c, programmeId, draftId, sectionId);
  if (!section) return undefined;
  const version = await vq.versionNumberOf(c, section.version_id);
  const pictures = picturesToDescribe(section);
  if (pictures.length) {
    const original = await vq.originalUpTo(libraryDb(db), draftId, version);
    const sections = await base.sectionsOf(c, section.version_id);
    const all = original ? await picturesOfDocx(Buffer.from(original.data_base64, 'base64')) : [];
    if (all.length && all.length === sections.reduce((n, s) => n + notesIn(s), 0)) {
      const offset = sections.filter((s) => s.position < section.position).reduce((n, s) => n + notesIn(s), 0);
      // The place of each undescribed note among all this section's notes.
      const kinds = section.body.match(ANY_NOTE) ?? [];
      const undescribed = kinds.flatMap((k, i) => (k.startsWith('<strong>[Picture: ') ? [] : [i]));
      pictures.forEach((p, i) => {
        const src = all[offset + undescribed[i]!];
        if (src) p.src = src;
      });
    }
  }
  return { section, version, pictures };
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
