// Turning a draft's text into numbered sections: a Word document (.docx, converted by mammoth to
// HTML, then made safe by the platform's sanitiser before anything is stored) or Markdown written
// here. Both split at the top heading level present (h1, else h2, ...); text before the first
// heading becomes an "Introduction" section.
//
// Pictures: the platform renderer shows no images (see rich-text.ts: another site's picture would
// tell it who read the page, and the Content-Security-Policy allows only our own), so a picture is
// replaced by a visible note holding its description (alt text). A picture without one is flagged:
// the note says the team must describe it, and the section counts it (pictures_without_alt), so
// the draft's page asks the team to add the words before the consultation opens. mammoth is never
// asked to read a picture's bytes, so a linked (external) picture is never fetched.
// Scripts, macros (a .docm's VBA is not read by mammoth at all), embedded objects, and links with
// other schemes are removed by the sanitiser's allow list.
import { createRequire } from 'node:module';
import { sanitizeRichHtml } from '../../platform/rich-text/rich-text.ts';

/** A Word document larger than this is refused before it is read. */
export const DOCX_MAX_BYTES = 5 * 1024 * 1024;
export const HEADING_MAX = 200;
export const SECTIONS_MAX = 200;

export type SectionDraft = { heading: string; body: string; picturesWithoutAlt: number };
export type ImportRefusal = 'too_large' | 'not_docx' | 'empty';
export type ImportResult = { ok: true; sections: SectionDraft[]; picturesWithoutAlt: number; pictures: number } | { ok: false; reason: ImportRefusal };

type Mammoth = typeof import('mammoth');
const load = (): Mammoth => createRequire(import.meta.url)('mammoth') as Mammoth;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };
const decode = (s: string) => s.replace(/&(#x?[0-9a-f]+|[a-z0-9]+);/gi, (m, e: string) => {
  const lower = e.toLowerCase();
  if (ENTITIES[lower] !== undefined) return ENTITIES[lower]!;
  if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16) || 0xfffd);
  if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)) || 0xfffd);
  return m;
});
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The text of a bit of HTML, on one line. */
const textOf = (html: string) => decode(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
const headingText = (s: string, n: number) => (s || `Section ${n}`).slice(0, HEADING_MAX);

/** A .docx is a zip file: anything else is refused before mammoth sees it. */
const looksLikeZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export async function importDocx(file: Buffer): Promise<ImportResult> {
  if (file.length > DOCX_MAX_BYTES) return { ok: false, reason: 'too_large' };
  if (!looksLikeZip(file)) return { ok: false, reason: 'not_docx' };
  const mammoth = load();
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: file },
      {
        // Never read the picture: only its description is kept (see the top of the file).
        convertImage: mammoth.images.imgElement(async (image) => ({ src: '#picture', alt: (image as { altText?: string }).altText ?? '' })),
        ignoreEmptyParagraphs: true,
      },
    );
    html = result.value;
  } catch {
    return { ok: false, reason: 'not_docx' };
  }
  let pictures = 0;
  // Each picture becomes a note in its own paragraph (mammoth puts it inside one: close and reopen).
  html = html.replace(/<img\b[^>]*>/gi, (tag) => {
    pictures++;
    const alt = textOf(decode(/\balt="([^"]*)"/i.exec(tag)?.[1] ?? ''));
    return alt ? `<strong>[Picture: ${escape(alt)}]</strong>` : '<strong>[PICTURE_WITHOUT_ALT]</strong>';
  });
  const sections = splitHtml(html);
  if (!sections.length) return { ok: false, reason: 'empty' };
  return { ok: true, sections, pictures, picturesWithoutAlt: sections.reduce((n, s) => n + s.picturesWithoutAlt, 0) };
}

export const NO_ALT_NOTE = '[Picture not shown: it has no description. The team must add one.]';

/** mammoth's HTML split at its top heading level, each section's body sanitised. */
export function splitHtml(html: string): SectionDraft[] {
  const levels = [...html.matchAll(/<h([1-6])\b/gi)].map((m) => Number(m[1]));
  const top = levels.length ? Math.min(...levels) : 0;
  const parts: { heading: string; body: string }[] = [];
  if (top) {
    const re = new RegExp(`<h${top}\\b[^>]*>([\\s\\S]*?)</h${top}>`, 'gi');
    let last = 0;
    let heading: string | null = null;
    for (const m of html.matchAll(re)) {
      const body = html.slice(last, m.index);
      if (heading !== null || textOf(body)) parts.push({ heading: heading ?? 'Introduction', body });
      heading = textOf(m[1]!);
      last = m.index + m[0].length;
    }
    parts.push({ heading: heading ?? 'Introduction', body: html.slice(last) });
  } else if (textOf(html)) parts.push({ heading: 'Introduction', body: html });
  return parts.slice(0, SECTIONS_MAX).map((p, i) => {
    // Deeper headings inside a section start at h4: the page's h1 is the draft, h2 "The draft", h3 each section.
    const shifted = p.body.replace(/<(\/?)h([1-6])\b/gi, (_m, close: string, n: string) => `<${close}h${Math.min(6, Math.max(4, Number(n) - top + 3))}`);
    const missing = (shifted.match(/\[PICTURE_WITHOUT_ALT\]/g) ?? []).length;
    const body = sanitizeRichHtml(shifted.replace(/\[PICTURE_WITHOUT_ALT\]/g, escape(NO_ALT_NOTE)));
    return { heading: headingText(p.heading, i + 1), body, picturesWithoutAlt: missing };
  });
}

/** Markdown written here, split at its top heading level (# or ##, ...): headings leave the body. */
export function splitMarkdown(source: string): SectionDraft[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  let fenced = false;
  const headings: { line: number; level: number; text: string }[] = [];
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) headings.push({ line: i, level: m[1]!.length, text: m[2]! });
  });
  const top = headings.length ? Math.min(...headings.map((h) => h.level)) : 0;
  const cuts = headings.filter((h) => h.level === top);
  const parts: { heading: string; body: string }[] = [];
  const before = lines.slice(0, cuts[0]?.line ?? lines.length).join('\n').trim();
  if (before) parts.push({ heading: 'Introduction', body: before });
  // A deeper heading keeps its place under its section's, one level down ("##", shown as h4).
  for (const h of headings) if (h.level > top) lines[h.line] = lines[h.line]!.replace(/^#+/, '#'.repeat(Math.min(6, h.level - top + 1)));
  cuts.forEach((h, i) => parts.push({ heading: h.text, body: lines.slice(h.line + 1, cuts[i + 1]?.line ?? lines.length).join('\n').trim() }));
  return parts.slice(0, SECTIONS_MAX).map((p, i) => ({ heading: headingText(p.heading.replace(/[\r\n]/g, ' ').trim(), i + 1), body: p.body, picturesWithoutAlt: 0 }));
}
