// The one rich-text renderer. What people type (minutes, survey text, posts, consultation drafts,
// messages) is stored as Markdown and shown through here: markdown-it turns it into HTML, then
// sanitize-html keeps only a short allow list of tags, attributes, classes and link schemes. Nothing
// a person types is trusted, the programme team's text included, so there is one level of trust.
//
// - Raw HTML in the Markdown is shown as text (markdown-it's `html: false`), never as markup.
// - Links may be http, https, mailto or a path on this site; every link gets
//   rel="nofollow ugc noopener" and GOV.UK's link style. Bare web addresses become links.
// - No images: the Content-Security-Policy shows only our own, and another site's picture would
//   tell that site who read the page. `![words](address)` becomes a link to the picture instead.
// - Headings start at h3 (`#` is h3, `##` h4 ...), so text never adds an h1 or h2 to a page that
//   already has its own.
// - No style, classes other than ours, scripts, frames, forms, SVG or MathML, in any form.
//
// markdownToText gives the same text as plain text, for the text part of an email.
import { createRequire } from 'node:module';
import type MarkdownItConstructor from 'markdown-it';
import type { MarkdownIt } from 'markdown-it';
import type sanitizeHtml from 'sanitize-html';

/** `#` becomes this heading level; deeper ones follow, at most h6. */
const FIRST_HEADING = 3;

const SAFE_LINK = /^(https?:|mailto:)/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** A link markdown-it may make: http(s), mailto, or a path here (not //other.example). */
function linkAllowed(url: string): boolean {
  const trimmed = url.trim();
  if (SAFE_LINK.test(trimmed)) return true;
  return !HAS_SCHEME.test(trimmed) && !trimmed.startsWith('//') && !trimmed.startsWith('\\');
}

function createMarkdown(): MarkdownIt {
  const md = new (load<typeof MarkdownItConstructor>('markdown-it'))('default', { html: false, linkify: true, breaks: true, typographer: false });
  md.validateLink = linkAllowed;
  // Headings moved down to h3-h6.
  md.core.ruler.push('shift_headings', (state) => {
    for (const token of state.tokens) {
      if (token.type === 'heading_open' || token.type === 'heading_close') {
        token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + FIRST_HEADING - 1)}`;
      }
    }
  });
  // An image is shown as a link to it, worded by its alt text.
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    const words = self.renderInlineAsText(token.children ?? [], options, env).trim() || 'Picture';
    return `<a href="${md.utils.escapeHtml(src)}">${md.utils.escapeHtml(words)}</a>`;
  };
  return md;
}

// Both libraries are loaded when text is first rendered, not at start: together they are about a
// fifth of a second of every start otherwise (like exceljs for the exports).
const load = <T>(name: string): T => createRequire(import.meta.url)(name) as T;
let markdown: MarkdownIt | undefined;
let sanitizer: typeof sanitizeHtml | undefined;
const md = (): MarkdownIt => (markdown ??= createMarkdown());
type Token = ReturnType<MarkdownIt['parse']>[number];

/** GOV.UK Frontend's classes for what Markdown makes, added after everything else is removed. */
const CLASSES: Record<string, string> = {
  p: 'govuk-body',
  a: 'govuk-link',
  ul: 'govuk-list govuk-list--bullet',
  ol: 'govuk-list govuk-list--number',
  h3: 'govuk-heading-m',
  h4: 'govuk-heading-s',
  h5: 'govuk-heading-s',
  h6: 'govuk-heading-s',
  blockquote: 'govuk-inset-text',
  hr: 'govuk-section-break govuk-section-break--m govuk-section-break--visible',
  table: 'govuk-table',
  thead: 'govuk-table__head',
  tbody: 'govuk-table__body',
  tr: 'govuk-table__row',
  th: 'govuk-table__header',
  td: 'govuk-table__cell',
};

export const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 's', 'a', 'ul', 'ol', 'li', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'code', 'pre', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

const withClass = (tagName: string, attribs: Record<string, string> = {}) => ({ tagName, attribs: CLASSES[tagName] ? { ...attribs, class: CLASSES[tagName] } : attribs });

/** The allow list: anything not named here is removed (its text kept, except in script, style and the like). */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  // Classes only on the tags we style, and only ours (a code block's language class is dropped).
  allowedAttributes: { ...Object.fromEntries(Object.keys(CLASSES).map((tag) => [tag, ['class']])), a: ['href', 'rel', 'class'], ol: ['start', 'class'] },
  allowedClasses: Object.fromEntries(Object.entries(CLASSES).map(([tag, cls]) => [tag, cls.split(' ')])),
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'svg', 'math', 'iframe', 'object', 'template', 'xmp'],
  transformTags: {
    ...Object.fromEntries(Object.keys(CLASSES).map((tag) => [tag, (_tagName: string, attribs: Record<string, string>) => withClass(tag, attribs)])),
    a: (_tagName, attribs) => withClass('a', { ...(attribs.href !== undefined ? { href: attribs.href } : {}), rel: 'nofollow ugc noopener' }),
  },
};

/** Applies the allow list to HTML: what the renderer does after markdown-it, usable alone. */
export function sanitizeRichHtml(html: string): string {
  sanitizer ??= load<typeof sanitizeHtml>('sanitize-html');
  return sanitizer(html, SANITIZE_OPTIONS);
}

/** Stored Markdown as safe HTML for a page. Empty or missing text gives ''. */
export function renderRichText(source: string | null | undefined): string {
  if (!source?.trim()) return '';
  return sanitizeRichHtml(md().render(source));
}

type Block = { text: string; kind: 'block' | 'first-item' | 'item' | 'row' };

/**
 * Stored Markdown as plain text for the text part of an email: links written out as
 * "words (address)", with paths made whole from baseUrl; lists, quotes and table rows kept.
 */
export function markdownToText(source: string | null | undefined, options: { baseUrl?: string } = {}): string {
  if (!source?.trim()) return '';
  const address = (href: string) => {
    if (!options.baseUrl || HAS_SCHEME.test(href)) return href;
    try {
      return new URL(href, options.baseUrl).toString();
    } catch {
      return href;
    }
  };
  const blocks: Block[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  let quote = 0;
  let line = '';
  let row: string[] = [];
  let cell: string | null = null;
  let firstItem = false;

  const push = (text: string, kind: Block['kind'] = 'block') => {
    const quoted = text.replace(/\s+$/, '').split('\n').map((l) => `${'> '.repeat(quote)}${l}`).join('\n');
    if (text.trim()) blocks.push({ text: quoted, kind });
  };
  const finish = (kind: Block['kind'] = 'block') => {
    push(line, kind);
    line = '';
  };

  for (const token of md().parse(source, {})) {
    switch (token.type) {
      case 'heading_close':
      case 'paragraph_close':
        // A paragraph inside a list item ends with the item.
        if (!lists.length) finish();
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        if (lists.length) finish('item');
        else firstItem = true;
        lists.push({ ordered: token.type === 'ordered_list_open', n: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists.at(-1)!;
        line = `${'  '.repeat(lists.length - 1)}${list.ordered ? `${list.n++}.` : '-'} `;
        break;
      }
      case 'list_item_close':
        finish(firstItem ? 'first-item' : 'item');
        firstItem = false;
        break;
      case 'blockquote_open':
        quote++;
        break;
      case 'blockquote_close':
        quote--;
        break;
      case 'hr':
        push('---');
        break;
      case 'code_block':
      case 'fence':
        push(token.content);
        break;
      case 'tr_open':
        row = [];
        break;
      case 'th_open':
      case 'td_open':
        cell = '';
        break;
      case 'th_close':
      case 'td_close':
        row.push((cell ?? '').trim());
        cell = null;
        break;
      case 'tr_close':
        push(row.join(' | '), 'row');
        break;
      case 'inline': {
        const text = inlineText(token.children ?? [], address);
        if (cell !== null) cell += text;
        else line += text;
        break;
      }
    }
  }
  // A blank line between blocks; list items and table rows stay together.
  return blocks
    .map((b, i) => (i === 0 ? '' : together(blocks[i - 1]!, b) ? '\n' : '\n\n') + b.text)
    .join('')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

function together(before: Block, block: Block): boolean {
  return (block.kind === 'item' && (before.kind === 'item' || before.kind === 'first-item')) || (block.kind === 'row' && before.kind === 'row');
}

function inlineText(children: Token[], address: (href: string) => string): string {
  let out = '';
  const links: string[] = [];
  let linkStart = 0;
  for (const t of children) {
    switch (t.type) {
      case 'text':
      case 'code_inline':
        out += t.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'link_open':
        links.push(address(String(t.attrGet('href') ?? '')));
        linkStart = out.length;
        break;
      case 'link_close': {
        const href = links.pop() ?? '';
        const words = out.slice(linkStart);
        // "words (address)", unless the words are the address.
        if (href && words !== href && `mailto:${words}` !== href && words !== href.replace(/^https?:\/\//, '')) out += ` (${href})`;
        break;
      }
      case 'image': {
        const src = address(String(t.attrGet('src') ?? ''));
        const words = inlineText(t.children ?? [], address).trim() || 'Picture';
        out += src ? `${words} (${src})` : words;
        break;
      }
    }
  }
  return out;
}
