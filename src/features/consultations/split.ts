// Splitting a section in two (the inverse of merging it with the next): its text as a list of
// blocks (sub-headings, paragraphs, lists, tables ...) the team chooses among, and the two texts
// either side of the chosen one. Markdown is cut between blocks separated by a blank line or at a
// sub-heading line (never inside a fenced code block); stored HTML (already sanitised) between its
// top-level elements. A chosen sub-heading becomes the new section's heading and leaves its text,
// so splitting where a merge put the next section's heading gives back the two sections.
import type { BodyFormat } from './tables.ts';

export type Block = { heading: string | null; words: string; text: string };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };
const decode = (s: string) => s.replace(/&(#?[a-z0-9]+);/gi, (m, e: string) => ENTITIES[e.toLowerCase()] ?? m);
const htmlText = (html: string) => decode(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
const markdownText = (md: string) => md.replace(/^\s{0,3}(#{1,6}|[-*+]|\d+[.)]|>)\s+/gm, '').replace(/[*_`~]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim();

/** The first words of a block, as the choice's label. */
export const WORDS_SHOWN = 12;
const firstWords = (text: string) => {
  const words = text.split(' ').filter(Boolean);
  return words.length > WORDS_SHOWN ? `${words.slice(0, WORDS_SHOWN).join(' ')} …` : words.join(' ');
};

const HEADING_LINE = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const VOID = new Set(['br', 'hr', 'img', 'wbr']);

/** A section's text cut into its blocks, in order; joining their text gives the text back (bar the space between). */
export function blocksOf(body: string, format: BodyFormat): Block[] {
  return format === 'html' ? htmlBlocks(body) : markdownBlocks(body);
}

function markdownBlocks(body: string): Block[] {
  const out: Block[] = [];
  let lines: string[] = [];
  let fenced = false;
  const close = () => {
    const text = lines.join('\n').trim();
    if (text) out.push({ heading: null, words: firstWords(markdownText(text)), text });
    lines = [];
  };
  for (const line of body.replace(/\r\n/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : HEADING_LINE.exec(line);
    if (heading) {
      close();
      out.push({ heading: heading[2]!, words: firstWords(heading[2]!), text: line.trim() });
    } else if (!fenced && !line.trim()) close();
    else lines.push(line);
  }
  close();
  return out;
}

function htmlBlocks(body: string): Block[] {
  const out: Block[] = [];
  let depth = 0;
  let start = 0;
  for (const m of body.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/gi)) {
    const name = m[2]!.toLowerCase();
    if (VOID.has(name) || m[3]) {
      if (depth === 0) push(body.slice(start, m.index + m[0].length));
      if (depth === 0) start = m.index + m[0].length;
      continue;
    }
    if (!m[1]) {
      if (depth === 0) {
        push(body.slice(start, m.index));
        start = m.index;
      }
      depth++;
    } else if (depth > 0 && --depth === 0) {
      push(body.slice(start, m.index + m[0].length));
      start = m.index + m[0].length;
    }
  }
  push(body.slice(start));
  return out;
  function push(html: string) {
    const text = html.trim();
    if (!text || (!htmlText(text) && !/^<hr\b/i.test(text))) return;
    const h = /^<h[1-6]\b[^>]*>([\s\S]*)<\/h[1-6]>$/i.exec(text);
    const words = htmlText(text) || 'A dividing line';
    out.push({ heading: h ? htmlText(h[1]!) : null, words: firstWords(words), text });
  }
}

/**
 * The two texts when a section is cut before block `at` (from 1: the first part keeps at least
 * block 0), and the new section's heading: `heading` if given, else the chosen sub-heading's words.
 * A chosen sub-heading leaves the text (it becomes the heading). Null when `at` is not a block, or
 * no heading can be had (a paragraph chosen, no heading given).
 */
export function splitAt(body: string, format: BodyFormat, at: number, heading: string): { first: string; second: string; heading: string } | { error: 'bad_block' | 'no_heading' } {
  const blocks = blocksOf(body, format);
  if (!Number.isInteger(at) || at < 1 || at >= blocks.length) return { error: 'bad_block' };
  const chosen = blocks[at]!;
  const name = heading.trim() || chosen.heading || '';
  if (!name) return { error: 'no_heading' };
  const join = (list: Block[]) => list.map((b) => b.text).join(format === 'html' ? '' : '\n\n');
  return { first: join(blocks.slice(0, at)), second: join(blocks.slice(chosen.heading !== null ? at + 1 : at)), heading: name };
}
