// The Word import, with documents made here by the docx library (no checked-in binaries):
// headings become numbered sections (at the top level present), lists and tables are kept,
// pictures keep their description or are flagged, and scripts, script links and external pictures
// come out inert. Through the page (multipart upload, both engines): a draft is made; a file too
// large, not a .docx, or missing gets its message, with what was typed kept.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Document, ExternalHyperlink, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { errorSummary, mainText, setUp, type Fixture } from '../participants/test-fixture.ts';
import { DOCX_MAX_BYTES, importDocx, NO_ALT_NOTE, splitMarkdown } from './import.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const picture = (description?: string) =>
  new Paragraph({ children: [new ImageRun({ type: 'png', data: PNG, transformation: { width: 10, height: 10 }, ...(description ? { altText: { title: description, description, name: 'picture' } } : {}) })] });

function checklist(): Document {
  return new Document({
    sections: [
      {
        children: [
          new Paragraph('Read this first.'),
          new Paragraph({ text: 'Before you delegate', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: 'Know the task', bullet: { level: 0 } }),
          new Paragraph({ text: 'Know the person', bullet: { level: 0 } }),
          picture('A flow chart of the steps'),
          picture(),
          new Paragraph({ text: 'Timing', heading: HeadingLevel.HEADING_2 }),
          new Table({ rows: [new TableRow({ children: [new TableCell({ children: [new Paragraph('Week 1')] }), new TableCell({ children: [new Paragraph('Agree the task')] })] })] }),
          new Paragraph({ text: 'While it is done', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun('<script>alert(1)</script> and <img src=x onerror=alert(2)>')] }),
          new Paragraph({ children: [new ExternalHyperlink({ link: 'javascript:alert(3)', children: [new TextRun('a script link')] })] }),
          new Paragraph({ children: [new ExternalHyperlink({ link: 'https://example.org/guide', children: [new TextRun('the guide')] })] }),
          new Paragraph({ text: 'Afterwards', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Say thank you.'),
        ],
      },
    ],
  });
}

/** A docx whose picture is linked from another site rather than embedded (Word's "Link to file"). */
async function withExternalPicture(): Promise<Buffer> {
  const base = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph({ text: 'Pictures', heading: HeadingLevel.HEADING_1 }), picture('Logo')] }] }));
  const JSZip = (await import('jszip')).default;
  const zip = await JSZip.loadAsync(base);
  const relsPath = 'word/_rels/document.xml.rels';
  const rels = await zip.file(relsPath)!.async('string');
  // Point the picture's relationship at another site, as a linked picture is.
  zip.file(relsPath, rels.replace(/Target="media\/[^"]+"/, 'Target="https://tracker.example.com/pixel.png" TargetMode="External"'));
  return Buffer.from(await zip.generateAsync({ type: 'nodebuffer' }));
}

describe('the Word import', () => {
  it('splits at the top heading level, keeps lists and tables, and describes or flags pictures', async () => {
    const r = await importDocx(await Packer.toBuffer(checklist()));
    assert.ok(r.ok);
    assert.deepEqual(r.sections.map((s) => s.heading), ['Introduction', 'Before you delegate', 'While it is done', 'Afterwards']);
    const [, before, during] = r.sections;
    assert.match(before!.body, /<ul class="govuk-list govuk-list--bullet"><li>Know the task<\/li><li>Know the person<\/li><\/ul>/);
    assert.match(before!.body, /\[Picture: A flow chart of the steps\]/);
    assert.ok(before!.body.includes(NO_ALT_NOTE.replace(/\[/g, '[')));
    assert.equal(before!.picturesWithoutAlt, 1);
    assert.equal(r.picturesWithoutAlt, 1);
    assert.equal(r.pictures, 2);
    assert.match(before!.body, /<h4 class="govuk-heading-s">Timing<\/h4>/, 'a deeper heading stays inside, below the section heading (h3)');
    assert.match(before!.body, /<table class="govuk-table">.*Week 1.*Agree the task.*<\/table>/s);
    assert.doesNotMatch(during!.body, /<script|<img|javascript:/i);
    assert.match(during!.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'typed markup is text');
    assert.match(during!.body, /<a rel="nofollow ugc noopener" class="govuk-link">a script link<\/a>/, 'the script link loses its address');
    assert.match(during!.body, /href="https:\/\/example\.org\/guide"/);
  });

  it('never fetches or shows an external picture', async () => {
    const r = await importDocx(await withExternalPicture());
    assert.ok(r.ok);
    assert.doesNotMatch(r.sections[0]!.body, /tracker\.example\.com|<img/);
    assert.match(r.sections[0]!.body, /\[Picture: Logo\]/);
  });

  it('takes the h2s as sections when a document has no h1, and refuses what is not a .docx, empty or too large', async () => {
    const h2 = await importDocx(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph({ text: 'One', heading: HeadingLevel.HEADING_2 }), new Paragraph('a'), new Paragraph({ text: 'Two', heading: HeadingLevel.HEADING_2 }), new Paragraph('b')] }] })));
    assert.ok(h2.ok);
    assert.deepEqual(h2.sections.map((s) => s.heading), ['One', 'Two']);
    assert.deepEqual(await importDocx(Buffer.from('plain text, not a document')), { ok: false, reason: 'not_docx' });
    assert.deepEqual(await importDocx(Buffer.from('PK\u0003\u0004 but not really a zip')), { ok: false, reason: 'not_docx' });
    assert.deepEqual(await importDocx(await Packer.toBuffer(new Document({ sections: [{ children: [] }] }))), { ok: false, reason: 'empty' });
    assert.deepEqual(await importDocx(Buffer.alloc(DOCX_MAX_BYTES + 1, 0x50)), { ok: false, reason: 'too_large' });
  });

  it('splits Markdown at its top heading level, ignoring headings in code blocks', () => {
    const s = splitMarkdown('Intro\n\n## One\n\ntext\n\n```\n## not a heading\n```\n\n## Two\n\n### Deeper\n\nmore');
    assert.deepEqual(s.map((x) => x.heading), ['Introduction', 'One', 'Two']);
    assert.match(s[1]!.body, /## not a heading/);
    assert.match(s[2]!.body, /^## Deeper/m, 'one level below the section heading');
  });
});

describe(`importing a Word document through the page on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
  });
  afterEach(() => f.t.close());

  /** Posts the import form as a browser does (multipart/form-data), with the page's CSRF token. */
  async function upload(fields: Record<string, string>, file?: { name: string; data: Buffer }, client = f.admin) {
    const form = new FormData();
    form.set('_csrf', await client.csrfToken('/admin/consultations/drafts/import'));
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.set('file', new Blob([new Uint8Array(file.data)]), file.name);
    const req = new Request('http://localhost/', { method: 'POST', body: form });
    const payload = Buffer.from(await req.arrayBuffer());
    return client.request({ method: 'POST', url: '/admin/consultations/drafts/import', payload, headers: { 'content-type': req.headers.get('content-type')! } });
  }

  it('makes a draft from the document, telling the team about pictures without a description', async () => {
    const res = await upload({ title: 'Safe delegation', summary: 'A checklist', projects: String(f.projects[0]!.id) }, { name: 'checklist.docx', data: await Packer.toBuffer(checklist()) });
    assert.equal(res.statusCode, 302, errorSummary(res.body).join(' | '));
    const page = await f.admin.get(res.headers.location as string);
    const text = mainText(page.body);
    assert.match(text, /Draft imported, in 4 sections\. 1 picture has no description/);
    assert.match(text, /2\. Before you delegate/);
    assert.match(text, /1 picture has no description\. Add one/);
    assert.match(text, /Imported from checklist\.docx/);
    assert.match(text, new RegExp(f.projects[0]!.name));
    assert.doesNotMatch(page.body, /<script>alert|javascript:alert/);
  });

  it('gives a clear message for a missing, unreadable or too-large file, keeping what was typed', async () => {
    let res = await upload({ title: 'Kept title', summary: 'S' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['Choose a Word document (.docx) to import', '#file']]);
    assert.match(res.body, /value="Kept title"/);
    res = await upload({ title: 'T', summary: 'S' }, { name: 'notes.txt', data: Buffer.from('hello') });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['The file must be a Word document (.docx) that opens in Word', '#file']]);
    res = await upload({ title: 'T', summary: 'S' }, { name: 'big.docx', data: Buffer.alloc(DOCX_MAX_BYTES + 10, 0x50) });
    assert.equal(res.statusCode, 413);
    assert.deepEqual(errorSummary(res.body), [['The file must be smaller than 5 MB', '#file']]);
    res = await upload({ title: '', summary: '' }, { name: 'c.docx', data: await Packer.toBuffer(checklist()) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body).map((e) => e[1]), ['#title', '#summary']);
    // Far too large for the body limit: the platform's 413 page, never a 500.
    res = await upload({ title: 'T', summary: 'S' }, { name: 'huge.docx', data: Buffer.alloc(DOCX_MAX_BYTES * 2, 0x50) });
    assert.equal(res.statusCode, 413);
    assert.equal((await f.t.data.db.selectFrom('consultation_drafts').selectAll().execute()).length, 0);
  });

  it('refuses the import to anyone but the team, and a multipart body without a CSRF token', async () => {
    const amy = await f.register('Amy Archer');
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get('/admin/consultations/drafts/import')).statusCode, 403);
    const form = new FormData();
    form.set('title', 'T');
    const req = new Request('http://localhost/', { method: 'POST', body: form });
    const res = await f.admin.request({ method: 'POST', url: '/admin/consultations/drafts/import', payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } });
    assert.equal(res.statusCode, 403);
    const broken = await f.admin.request({ method: 'POST', url: '/admin/consultations/drafts/import', payload: 'not multipart at all', headers: { 'content-type': 'multipart/form-data; boundary=zzz' } });
    assert.ok(broken.statusCode >= 400 && broken.statusCode < 500, String(broken.statusCode));
  });
});
