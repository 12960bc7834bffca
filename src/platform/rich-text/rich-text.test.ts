// The rich-text renderer: a corpus of XSS payloads renders inert (checked by reading the output's
// tags and attributes, and by the allow list being a fixed point), the formatting people use
// survives, headings never reach h1 or h2, the plain-text rendering for email, the Nunjucks filter,
// and the shared field with its no-JavaScript "Preview" button.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import nunjucks from 'nunjucks';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { configureEnvironment, VIEW_PATHS } from '../views/environment.ts';
import { ALLOWED_TAGS, markdownToText, renderRichText, sanitizeRichHtml } from './rich-text.ts';
import { richTextTestRoutes, TEST_FORM_PATH } from './test-form.ts';

const ALLOWED_ATTRIBUTES = new Set(['href', 'rel', 'class', 'start']);

/** Named and numeric character references, as a browser would read them in an attribute. */
function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&(colon|tab|newline|quot|amp|lt|gt|apos);/gi, (_, name: string) => ({ colon: ':', tab: '\t', newline: '\n', quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" })[name.toLowerCase()]!);
}

/** The scheme a browser would follow for an href (whitespace and control characters ignored, as browsers do). */
function schemeOf(href: string): string | null {
  const cleaned = decodeEntities(href).replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  if (cleaned.startsWith('//') || cleaned.startsWith('\\')) return 'protocol-relative';
  return /^([a-z][a-z0-9+.-]*):/.exec(cleaned)?.[1] ?? null;
}

/**
 * Reads the output as a browser's tokenizer would see its tags: every "<" must open a complete,
 * allowed tag whose attributes are allowed, double-quoted and hold no "<", ">" or quote, and whose
 * link is http, https, mailto or a path here. Text between tags cannot hold a raw "<" at all.
 */
function assertInert(html: string, what: string): void {
  assert.equal(sanitizeRichHtml(html), html, `${what}: the allow list changes nothing more (a fixed point)`);
  const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*="[^"<>]*")*)\s*\/?>/y;
  const ATTR = /\s+([a-z][a-z-]*)="([^"<>]*)"/g;
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) {
    TAG.lastIndex = i;
    const m = TAG.exec(html);
    assert.ok(m, `${what}: a "<" that does not open a well-formed tag at ${i}: ${html.slice(i, i + 40)}`);
    const [, closing, tag, attributes] = m;
    assert.ok(ALLOWED_TAGS.includes(tag!), `${what}: <${tag}> is not allowed`);
    if (closing) assert.equal(attributes, '', `${what}: attributes on a closing tag`);
    for (const [, name, value] of attributes!.matchAll(ATTR)) {
      assert.ok(ALLOWED_ATTRIBUTES.has(name!), `${what}: attribute ${name} on <${tag}>`);
      assert.ok(!/^on/i.test(name!), `${what}: event handler ${name}`);
      if (name === 'href') {
        assert.equal(tag, 'a');
        const scheme = schemeOf(value!);
        assert.ok(scheme === null || ['http', 'https', 'mailto'].includes(scheme), `${what}: a ${scheme} link: ${value}`);
      }
      if (name === 'rel') assert.equal(value, 'nofollow ugc noopener');
      if (name === 'class') assert.match(value!, /^govuk-[a-z0-9_-]+( govuk-[a-z0-9_-]+)*$/);
      if (name === 'start') assert.match(value!, /^\d+$/);
    }
    if (tag === 'a' && !closing) assert.match(attributes!, /rel="nofollow ugc noopener"/, `${what}: a link without rel`);
  }
  assert.ok(!/<(script|style|svg|math|iframe|object|embed|form|img|input|base|meta|link)/i.test(html), `${what}: a forbidden element`);
}

// script, event handlers, javascript:/vbscript:/data: URLs, SVG and MathML, style, broken and
// nested tags, comments, and Markdown's own link, image, reference and autolink forms.
const PAYLOADS: string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">click</text></a></svg>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src=javascript:alert(1)>',
  '<form action=javascript:alert(1)><button>Go</button></form>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="https://example.org" target="_blank" onclick="alert(1)" style="position:fixed">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java&#x09;script:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](javascript&colon;alert(1))',
  '[click](<javascript:alert(1)>)',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](data:image/png;base64,iVBORw0KGgo=)',
  '[click](file:///etc/passwd)',
  '[click](//evil.example/path)',
  '[click](\\\\evil.example\\share)',
  '[click](https://example.org "title\\" onmouseover=\\"alert(1)")',
  '[x][ref]\n\n[ref]: javascript:alert(1)',
  '[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>',
  '![x](javascript:alert(1))',
  '![x" onerror="alert(1)](https://example.org/x.png)',
  '![x](https://example.org/x.png" onerror="alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '[![x](https://example.org/x.png)](javascript:alert(1))',
  '[<img src=x onerror=alert(1)>](https://example.org)',
  '<javascript:alert(1)>',
  '<https://example.org/" onclick="alert(1)>',
  'https://example.org/"><script>alert(1)</script>',
  'www.example.org/<svg/onload=alert(1)>',
  'javascript:alert(1)',
  'mailto:someone@example.org?body=<script>alert(1)</script>',
  '<<script>script>alert(1)<</script>/script>',
  '<scr<script>ipt>alert(1)</script>',
  '<img src="x',
  '<div onmouseover="alert(1)"',
  '"><script>alert(1)</script>',
  '</textarea><script>alert(1)</script>',
  '<!--<script>alert(1)</script>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel=stylesheet href=javascript:alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<template><script>alert(1)</script></template>',
  '<video><source onerror="alert(1)"></video>',
  '<x onclick=alert(1)>custom</x>',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '    <script>alert(1)</script>',
  '*<img src=x onerror=alert(1)>*',
  '# <script>alert(1)</script>',
  '> <iframe src=//evil.example>',
  '| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |',
  '1. <svg onload=alert(1)>\n2. [x](vbscript:x)',
  '\u0000<script>alert(1)</script>',
  '<scr\u0000ipt>alert(1)</scr\u0000ipt>',
  '[a](https://example.org)<!--',
  `${'['.repeat(5000)}x${']'.repeat(5000)}(javascript:alert(1))`,
  `${'> '.repeat(500)}<script>alert(1)</script>`,
];

describe('the rich-text renderer', () => {
  it(`renders each of ${PAYLOADS.length} XSS payloads inert, as Markdown and as raw HTML given to the allow list`, () => {
    assert.ok(PAYLOADS.length >= 40);
    for (const payload of PAYLOADS) {
      const what = JSON.stringify(payload.slice(0, 80));
      assertInert(renderRichText(payload), `rendered ${what}`);
      assertInert(sanitizeRichHtml(payload), `sanitised ${what}`);
    }
  });

  it('shows raw HTML as the text that was typed', () => {
    assert.equal(renderRichText('<b>bold</b> & <script>x</script>'), '<p class="govuk-body">&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p>\n');
  });

  it('the inertness check catches what it must (it is not a test that cannot fail)', () => {
    for (const bad of ['<script>alert(1)</script>', '<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>', '<p onclick="x">y</p>', '<p style="color:red">y</p>', '<a href="https://example.org">no rel</a>', '<svg></svg>']) {
      assert.throws(() => assertInert(bad, bad), assert.AssertionError, bad);
    }
  });

  it('keeps the formatting people use, with GOV.UK styles', () => {
    const html = renderRichText('Hello **team** and *you*,\nsee [the agenda](https://example.org/agenda) or /meetings/3.\n\n- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n`code`\n\n~~gone~~');
    assert.match(html, /<p class="govuk-body">Hello <strong>team<\/strong> and <em>you<\/em>,<br \/>\nsee <a href="https:\/\/example.org\/agenda" rel="nofollow ugc noopener" class="govuk-link">the agenda<\/a>/);
    assert.match(html, /<ul class="govuk-list govuk-list--bullet">\n<li>one<\/li>/);
    assert.match(html, /<ol start="3" class="govuk-list govuk-list--number">/);
    assert.match(html, /<blockquote class="govuk-inset-text">/);
    assert.match(html, /<code>code<\/code>/);
    assert.match(html, /<s>gone<\/s>/);
    assert.match(renderRichText('[a page here](/meetings/3)'), /href="\/meetings\/3"/);
    assert.match(renderRichText('Write to team@example.org or see https://example.org'), /<a href="mailto:team@example.org" rel="nofollow ugc noopener" class="govuk-link">team@example.org<\/a>.*<a href="https:\/\/example.org"/);
    assertInert(html, 'formatting');
  });

  it('starts headings at h3, so text never adds an h1 or h2 to a page', () => {
    const html = renderRichText('# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six\n\nTitle\n=====\n\nSub\n---');
    assert.deepEqual([...html.matchAll(/<(h\d)/g)].map((m) => m[1]), ['h3', 'h4', 'h5', 'h6', 'h6', 'h3', 'h4']);
    assert.match(html, /<h3 class="govuk-heading-m">One<\/h3>/);
  });

  it('shows a picture as a link to it, since pages show no pictures from elsewhere', () => {
    assert.equal(renderRichText('![The team at the away day](https://example.org/team.jpg)'), '<p class="govuk-body"><a href="https://example.org/team.jpg" rel="nofollow ugc noopener" class="govuk-link">The team at the away day</a></p>\n');
    assert.match(renderRichText('![](https://example.org/x.png)'), />Picture<\/a>/);
  });

  it('gives nothing for empty text', () => {
    for (const empty of ['', '   \n ', null, undefined]) {
      assert.equal(renderRichText(empty), '');
      assert.equal(markdownToText(empty), '');
    }
  });

  it('renders plain text for email: links written out, paths made whole, lists and quotes kept', () => {
    const text = markdownToText('# Next meeting\n\nSee **the agenda** [here](/meetings/3) and [the notes](https://example.org/notes).\nWrite to team@example.org.\n\n- Bring a pen\n- Read [this](https://example.org/read)\n\n1. Arrive\n2. Sign in\n\n> Be kind\n\n![Map](https://example.org/map.png)\n\n<script>not html</script>', { baseUrl: 'https://coproduce.example.org' });
    assert.equal(text, [
      'Next meeting',
      '',
      'See the agenda here (https://coproduce.example.org/meetings/3) and the notes (https://example.org/notes).\nWrite to team@example.org.',
      '',
      '- Bring a pen\n- Read this (https://example.org/read)',
      '',
      '1. Arrive\n2. Sign in',
      '',
      '> Be kind',
      '',
      'Map (https://example.org/map.png)',
      '',
      '<script>not html</script>',
    ].join('\n'));
    assert.equal(markdownToText('[x](javascript:alert(1))'), '[x](javascript:alert(1))', 'a refused link stays as typed');
  });

  it('is a Nunjucks filter that renders safely without escaping twice', () => {
    const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEW_PATHS), { autoescape: true });
    configureEnvironment(env);
    const out = env.renderString('<div>{{ body | richText }}</div>', { body: '**Hi** <img src=x onerror=alert(1)> [x](javascript:alert(1))' });
    assert.equal(out, '<div><p class="govuk-body"><strong>Hi</strong> &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))</p>\n</div>');
    assert.equal(env.renderString('{{ body | richText }}', { body: null }), '');
  });
});

describe('the rich-text field, with its Preview button', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ routes: richTextTestRoutes });
  });
  afterEach(() => t.close());

  it('shows the field with help on formatting and a Preview button that posts the form', async () => {
    const res = await t.client().get(TEST_FORM_PATH);
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Write a note');
    assert.match(res.body, /<textarea class="govuk-textarea" id="body" name="body" rows="8" aria-describedby="body-hint">/);
    assert.match(res.body, /Say what happened\. You can use Markdown to format it\./);
    assert.match(res.body, /<summary class="govuk-details__summary">\s*<span class="govuk-details__summary-text">\s*Help with formatting/);
    assert.match(res.body, /<button type="submit" value="preview" name="action" class="govuk-button govuk-button--secondary[^"]*" data-module="govuk-button">\s*Preview<span class="govuk-visually-hidden"> your note<\/span>/);
    assert.match(res.body, /<form method="post" action="\/test-only\/rich-text#body-preview"/);
    assert.doesNotMatch(res.body, /id="body-preview"/, 'no preview until asked');
  });

  it('previews what was typed, rendered and inert, keeps it in the field, and saves nothing', async () => {
    const c = t.client();
    const typed = `## Minutes\n\nWe agreed **three** things.\n\n${'Long text. '.repeat(300)}\n\n<script>alert(1)</script> [x](javascript:alert(1))`;
    const res = await c.submit(TEST_FORM_PATH, { body: typed, action: 'preview' }, TEST_FORM_PATH);
    assert.equal(res.statusCode, 200);
    const preview = /<div class="govuk-inset-text" id="body-preview">([\s\S]*?)<p class="govuk-body-s govuk-!-margin-bottom-0">This is not saved yet\.<\/p>/.exec(res.body)?.[1];
    assert.ok(preview, 'the preview is shown');
    assert.match(preview, /<h2 class="govuk-heading-s">Preview of your note<\/h2>/);
    const rendered = preview.replace(/^\s*<h2[^>]*>[^<]*<\/h2>\s*/, '').trim();
    assert.match(rendered, /^<h4 class="govuk-heading-s">Minutes<\/h4>\n<p class="govuk-body">We agreed <strong>three<\/strong> things\.<\/p>/);
    assertInert(rendered, 'the preview');
    // The field holds exactly what was typed, escaped, long as it is.
    const escaped = typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    assert.ok(res.body.includes(`>${escaped}</textarea>`), 'the typed text is kept in the field');
    assert.doesNotMatch((await c.get(TEST_FORM_PATH)).body, /id="saved"/, 'nothing saved');
  });

  it('says when there is nothing to preview', async () => {
    const res = await t.client().submit(TEST_FORM_PATH, { body: '  ', action: 'preview' }, TEST_FORM_PATH);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /There is nothing to preview yet\./);
  });

  it('saves with the other button, and the page shows the saved text through the filter', async () => {
    const c = t.client();
    const bad = await c.submit(TEST_FORM_PATH, { body: '', action: 'save' }, TEST_FORM_PATH);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter your note/);
    const res = await c.submit(TEST_FORM_PATH, { body: 'Saved *note* <svg onload=alert(1)>', action: 'save' }, TEST_FORM_PATH);
    assert.equal(res.statusCode, 302);
    const page = (await c.get(TEST_FORM_PATH)).body;
    const saved = /<div class="govuk-inset-text" id="saved">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '';
    assert.equal(saved, '<p class="govuk-body">Saved <em>note</em> &lt;svg onload=alert(1)&gt;</p>\n');
  });
});
