// Describing an imported draft's pictures in the app, and importing a new version from Word, on
// both engines, with documents made here by the docx library (no checked-in binaries). A picture
// without a description is described on its section's page (while a consultation runs on the
// version), the count falls and markup in a description stays text; a Word document imported as
// the next version keeps the comments of the sections whose headings match (exactly, or but for
// case and spaces), lists those no longer in it, is checked before it is made, and a missing,
// unreadable, too-large or tampered file gets its message.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Document, HeadingLevel, ImageRun, Packer, Paragraph } from 'docx';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { DOCX_MAX_BYTES, NO_ALT_NOTE } from '../import.ts';
import { picturesToDescribe, withDescriptions } from '../pictures.ts';
import { matchImport } from './service.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const picture = (description?: string) =>
  new Paragraph({ children: [new ImageRun({ type: 'png', data: PNG, transformation: { width: 10, height: 10 }, ...(description ? { altText: { title: description, description, name: 'picture' } } : {}) })] });
const heading = (text: string) => new Paragraph({ text, heading: HeadingLevel.HEADING_1 });
const docx = (children: Paragraph[]) => Packer.toBuffer(new Document({ sections: [{ children }] }));
const NOTE = NO_ALT_NOTE.replace(/[.[\]]/g, '\\$&');

describe('describing pictures in a section’s text', () => {
  const body = `<p class="govuk-body">Ask the person first.</p><p class="govuk-body"><strong>${NO_ALT_NOTE}</strong></p><p class="govuk-body"><strong>[Picture: A chart]</strong> Then agree.</p><p class="govuk-body"><strong>${NO_ALT_NOTE}</strong></p>`;

  it('names each picture without a description by the words around it', () => {
    assert.deepEqual(picturesToDescribe({ body, body_format: 'html' }), [
      { number: 1, before: 'Ask the person first.', after: '(a picture) Then agree. (a picture)' },
      { number: 2, before: 'Ask the person first. (a picture) (a picture) Then agree.', after: '' },
    ]);
    assert.deepEqual(picturesToDescribe({ body: NO_ALT_NOTE, body_format: 'markdown' }), [], 'a written section has no imported pictures');
  });

  it('puts each description where its note was, as text', () => {
    const out = withDescriptions(body, ['Steps <b>one</b> & two', '"><script>alert(1)</script>']);
    assert.doesNotMatch(out, new RegExp(NOTE));
    assert.match(out, /<strong>\[Picture: Steps &lt;b&gt;one&lt;\/b&gt; &amp; two\]<\/strong>/);
    assert.match(out, /<strong>\[Picture: "&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;\]<\/strong>/);
    assert.doesNotMatch(out, /<script|<b>/);
    assert.throws(() => withDescriptions(body, ['only one']));
  });

  it('matches imported sections by heading, exactly first and then but for case and spaces', () => {
    const current = [
      { section_key: 'k1', position: 1, heading: 'Ask first' },
      { section_key: 'k2', position: 2, heading: 'Check in' },
      { section_key: 'k3', position: 3, heading: 'ask first' },
      { section_key: 'k4', position: 4, heading: 'Thank them' },
    ];
    const s = (h: string) => ({ heading: h, body: '<p>x</p>', picturesWithoutAlt: 0 });
    const m = matchImport(current, [s('ASK  first'), s('ask first'), s('Ask first'), s('New'), s('Thank them')]);
    // "ask first" and "Ask first" take their exact matches first, so "ASK  first" finds none left.
    assert.deepEqual(m.sections.map((x) => x.section_key.length > 2 ? 'new' : x.section_key), ['new', 'k3', 'k1', 'new', 'k4']);
    assert.deepEqual(m.gone.map((g) => g.section_key), ['k2']);
    const loose = matchImport(current.slice(0, 2), [s('  check   IN ')]);
    assert.deepEqual(loose.kept, [{ position: 1, heading: '  check   IN ', was: 'Check in' }]);
  });
});

describe(`pictures and Word versions through the pages on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);
  const sectionsOf = (draftId: number, n: number) =>
    db().selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').selectAll('s').where('v.draft_id', '=', draftId).where('v.number', '=', n).orderBy('s.position').execute();

  /** Posts a form as a browser does (multipart/form-data), with the CSRF token of the page at `from`. */
  async function multipart(url: string, from: string, fields: Record<string, string>, file?: { name: string; data: Buffer }) {
    const form = new FormData();
    form.set('_csrf', await admin.csrfToken(from));
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.set('file', new Blob([new Uint8Array(file.data)]), file.name);
    const req = new Request('http://localhost/', { method: 'POST', body: form });
    return admin.request({ method: 'POST', url, payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } });
  }
  const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-05-20T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    amy = await f.register('Amy Archer');
  });
  afterEach(() => f.t.close());

  it('describes pictures while a consultation runs, and imports a new version keeping matched sections’ comments', async () => {
    const first = await docx([heading('Ask first'), new Paragraph('Ask the person before you hand over the task.'), picture(), new Paragraph('Then agree a date.'), heading('Check in'), new Paragraph('Check in often.'), heading('Thank them'), new Paragraph('Say thanks.')]);
    let res = await multipart('/admin/consultations/drafts/import', '/admin/consultations/drafts/import', { title: 'Checklist', summary: 'S' }, { name: 'checklist.docx', data: first });
    ok(res);
    const draftId = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
    const draftPage = `/admin/consultations/drafts/${draftId}`;
    const v1 = await sectionsOf(draftId, 1);
    assert.equal(v1[0]!.pictures_without_alt, 1);
    const picturesPage = `${draftPage}/sections/${v1[0]!.id}/pictures`;
    assert.match((await admin.get(draftPage)).body, new RegExp(`1 picture has no description\\. Add one, so that people who cannot see it know what it shows: <a class="govuk-link" href="${picturesPage}">Describe the picture in section 1</a>`));

    // A consultation runs on version 1, and Amy comments on two of its sections.
    res = await admin.submit(`${draftPage}/consult`, { audience: 'people', audiencePeople: amy.email, 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '30', 'closes-month': '6', 'closes-year': '2026', commentsVisible: 'participants' }, `${draftPage}/consult`);
    ok(res);
    const consultationId = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
    f.t.clock.set('2026-06-02T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    const amyC = await f.signInAs(amy.personId);
    for (const [i, body] of [[0, 'Say how to ask.'], [1, 'How often is often?']] as const) {
      const path = `/consultations/${consultationId}/sections/${v1[i]!.id}/comment`;
      ok(await amyC.submit(path, { body, publication: 'named' }, path));
    }

    // The pictures page: where the picture is, and a clear message for an empty or over-long description.
    let page = await admin.get(picturesPage);
    assert.equal(page.statusCode, 200);
    assert.match(mainText(page.body), /Picture 1 of 1 After “Ask the person before you hand over the task\.”, before “Then agree a date\.”\. Describe this picture/);
    assert.match(page.body, new RegExp(`<img class="coproduce-picture" src="data:image/png;base64,${PNG.toString('base64').replace(/[+/]/g, '\\$&')}" alt="Picture 1 as it is in the Word document, not yet described">`), 'the picture itself, from the Word file kept at import');
    res = await admin.submit(picturesPage, { count: '1', 'picture-1': '  ' }, picturesPage);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['Describe picture 1', '#picture-1']]);
    res = await admin.submit(picturesPage, { count: '1', 'picture-1': 'x'.repeat(301) }, picturesPage);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['The description of picture 1 must be 300 characters or fewer', '#picture-1']]);
    res = await admin.submit(picturesPage, { count: '2', 'picture-1': 'a', 'picture-2': 'b' }, picturesPage);
    assert.equal(res.statusCode, 409, 'a page showing other pictures than the section has');
    assert.equal((await sectionsOf(draftId, 1))[0]!.pictures_without_alt, 1, 'nothing saved');
    // Saved, with markup kept as text, though a consultation runs on the version.
    ok(await admin.submit(picturesPage, { count: '1', 'picture-1': 'A chart "><script>alert(1)</script><img src=x onerror=alert(2)>' }, picturesPage));
    const described = (await sectionsOf(draftId, 1))[0]!;
    assert.equal(described.pictures_without_alt, 0);
    assert.doesNotMatch(described.body, new RegExp(NOTE));
    assert.match(described.body, /\[Picture: A chart "&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;\]/);
    const reading = await amyC.get(`/consultations/${consultationId}`);
    assert.match(mainText(reading.body), /\[Picture: A chart "><script>alert\(1\)<\/script><img src=x onerror=alert\(2\)>\]/, 'the participant reads the description');
    assert.doesNotMatch(reading.body, /<script>alert|<img src=x/);
    assert.doesNotMatch((await admin.get(draftPage)).body, /picture has no description/);
    assert.match(mainText((await admin.get(picturesPage)).body), /Every picture in this section has a description/);
    assert.equal((await db().selectFrom('audit_events').select('action').where('action', '=', 'consultation.picture-description').execute()).length, 1);

    // A new version from Word: "ask  FIRST" matches but for case and spaces, "Thank them" exactly, "Check in" is gone.
    const importPage = `${draftPage}/versions/import`;
    assert.equal((await admin.get(importPage)).statusCode, 200);
    const second = await docx([heading('ask  FIRST'), new Paragraph('Ask the person, and listen.'), picture(), heading('Thank them'), new Paragraph('Say thanks.'), heading('Afterwards'), new Paragraph('Ask what went well.')]);
    const check = await multipart(importPage, importPage, {}, { name: 'checklist v2.docx', data: second });
    assert.equal(check.statusCode, 200, errorSummary(check.body).join(' | '));
    const text = mainText(check.body);
    assert.match(text, /Kept: 2 sections The same sections as before, with the document’s text: 1 comment stays with them\. 1\. ask FIRST \(was “Ask first”\) 2\. Thank them New: 1 section 3\. Afterwards No longer in the document: 1 section .* 2\. Check in \(1 comment\)/);
    assert.match(text, /1 picture has no description/);
    assert.equal((await db().selectFrom('consultation_versions').selectAll().where('draft_id', '=', draftId).execute()).length, 1, 'nothing made by the check');
    const confirm = { document: hidden(check.body, 'document'), fileName: hidden(check.body, 'fileName'), basedOn: hidden(check.body, 'basedOn') };
    assert.equal(confirm.fileName, 'checklist v2.docx');
    res = await multipart(importPage, importPage, { ...confirm, changelog: '' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['Say what changed in this version, for the changelog', '#changelog']]);
    ok(await multipart(importPage, importPage, { ...confirm, changelog: 'Rewritten after the consultation' }));
    const v2 = await sectionsOf(draftId, 2);
    assert.deepEqual(v2.map((s) => [s.position, s.heading, s.pictures_without_alt]), [[1, 'ask FIRST', 1], [2, 'Thank them', 0], [3, 'Afterwards', 0]]);
    assert.equal(v2[0]!.section_key, v1[0]!.section_key);
    assert.equal(v2[1]!.section_key, v1[2]!.section_key);
    assert.ok(!v1.some((s) => s.section_key === v2[2]!.section_key), 'a new section has a new key');
    const version = await db().selectFrom('consultation_versions').selectAll().where('draft_id', '=', draftId).where('number', '=', 2).executeTakeFirstOrThrow();
    assert.deepEqual([version.source, version.source_name, version.changelog], ['word', 'checklist v2.docx', 'Rewritten after the consultation']);
    page = await admin.get(draftPage);
    const shown = mainText(page.body);
    assert.match(shown, /Version 2 imported, in 3 sections\. 1 picture has no description/);
    assert.match(shown, /1\. ask FIRST .*1 comment on this section: Comment \d+ \(on version 1, not triaged\): Say how to ask\./);
    assert.match(shown, /Comments on sections no longer in this version Comment \d+ \(on version 1\): How often is often\?/);
    assert.match(page.body, new RegExp(`${draftPage}/sections/${v2[0]!.id}/pictures`), 'the new version’s picture can be described');
    // Version 3, a copy of version 2, shows its picture from version 2's file; once the pictures no longer match the file's, only its place.
    ok(await admin.submit(`${draftPage}/versions`, { changelog: 'Copy' }, draftPage));
    const v3 = await sectionsOf(draftId, 3);
    const v3Pictures = `${draftPage}/sections/${v3[0]!.id}/pictures`;
    assert.match((await admin.get(v3Pictures)).body, /<img class="coproduce-picture" src="data:image\/png;base64,/);
    await db().updateTable('consultation_sections').set({ body: '<p class="govuk-body"><strong>[Picture: another]</strong></p>' }).where('id', '=', v3[1]!.id).execute();
    page = await admin.get(v3Pictures);
    assert.doesNotMatch(page.body, /<img class="coproduce-picture"/);
    assert.match(mainText(page.body), /This picture cannot be shown here: open the Word document to see it\. After “Ask the person, and listen\.”, at its end\./);
    // The same check sent again after version 2 was made: shown again against version 2, nothing made.
    res = await multipart(importPage, importPage, { ...confirm, changelog: 'Again' });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(errorSummary(res.body), [['The draft has had a new version since this check: look at the check below again', '#check']]);
    assert.match(mainText(res.body), /Check version 4 before it is made Matched to version 3 .*Kept: 3 sections/);
    assert.equal((await db().selectFrom('consultation_versions').selectAll().where('draft_id', '=', draftId).execute()).length, 3);
    // The consultation still shows version 1, now with its picture described.
    assert.match(mainText((await amyC.get(`/consultations/${consultationId}`)).body), /2\. Check in Check in often\./);
  });

  it('refuses a missing, unreadable, too-large or tampered file with a clear message, and anyone but the team', async () => {
    const res0 = await admin.submit('/admin/consultations/drafts/new', { title: 'T', summary: 'S', text: '# One\n\nText' }, '/admin/consultations/drafts/new');
    const draftId = Number(/(\d+)$/.exec(res0.headers.location as string)![1]);
    const importPage = `/admin/consultations/drafts/${draftId}/versions/import`;
    let res = await multipart(importPage, importPage, {});
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['Choose a Word document (.docx) to import', '#file']]);
    res = await multipart(importPage, importPage, {}, { name: 'notes.txt', data: Buffer.from('hello') });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['The file must be a Word document (.docx) that opens in Word', '#file']]);
    res = await multipart(importPage, importPage, {}, { name: 'big.docx', data: Buffer.alloc(DOCX_MAX_BYTES + 10, 0x50) });
    assert.equal(res.statusCode, 413);
    assert.deepEqual(errorSummary(res.body), [['The file must be smaller than 5 MB', '#file']]);
    res = await multipart(importPage, importPage, {}, { name: 'empty.docx', data: await docx([]) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['The Word document has no text in it', '#file']]);
    for (const document of ['not base64!', Buffer.from('hello').toString('base64')]) {
      res = await multipart(importPage, importPage, { document, fileName: 'x.docx', basedOn: '1', changelog: 'x' });
      assert.equal(res.statusCode, 400, document);
      assert.deepEqual(errorSummary(res.body), [['The file must be a Word document (.docx) that opens in Word', '#file']]);
    }
    assert.equal((await db().selectFrom('consultation_versions').selectAll().execute()).length, 1);
    const section = (await sectionsOf(draftId, 1))[0]!;
    assert.match(mainText((await admin.get(`/admin/consultations/drafts/${draftId}/sections/${section.id}/pictures`)).body), /Every picture in this section has a description/, 'a written section has none to describe');
    assert.equal((await admin.get(`/admin/consultations/drafts/999/sections/${section.id}/pictures`)).statusCode, 404);
    assert.equal((await admin.get('/admin/consultations/drafts/999/versions/import')).statusCode, 404);
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(importPage)).statusCode, 403);
    assert.equal((await amyC.get(`/admin/consultations/drafts/${draftId}/sections/${section.id}/pictures`)).statusCode, 403);
  });
});
