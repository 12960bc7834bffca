/// <reference lib="dom" />
// Every consultations page in real Chromium without JavaScript, each checked by axe (WCAG 2.2 A
// and AA) with one h1 and a title of its own; then the journey by keyboard alone: read the draft,
// comment on a section, and see the team's response; the team's report and publishing; then,
// signed out, the library searched by keyboard, the published version with its report, printable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { acceptedParticipant, checkPage, newContext, press, pressAndLoad, signInAs, tabTo, visit, type Site, startSite } from './support.ts';
import { seedDemoConsultations } from '../../src/features/consultations/demo.ts';
import { commentForTeam, respond } from '../../src/features/consultations/service.ts';
import { editSection, newVersion } from '../../src/features/consultations/versions/service.ts';
import { seedDemoDiscussions } from '../../src/features/discussions/demo.ts';
import { Document, HeadingLevel, ImageRun, Packer, Paragraph } from 'docx';

describe('consultations pages (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  it('passes axe on every page without JavaScript, and a participant comments by keyboard and sees the response', async () => {
    const db = site.data.db;
    const { person: admin } = await upsertPerson(db, { email: 'cons-admin@example.org', name: 'Cons Admin', role: 'admin' }, systemClock);
    const programmeId = (await findProgramme(db))!.id;
    const amyId = await acceptedParticipant(site, admin.id, 'Amy Archer', 'amy.cons@example.org');
    const boId = await acceptedParticipant(site, admin.id, 'Bo Baker', 'bo.cons@example.org');
    const id = (await seedDemoConsultations(db, { programmeId, adminId: admin.id, commenters: [boId, boId, boId], clock: systemClock }))!;
    const c = await db.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const sections = await db.selectFrom('consultation_sections').selectAll().where('version_id', '=', c.version_id).orderBy('position').execute();
    const [firstComment] = await db.selectFrom('consultation_comments').selectAll().where('consultation_id', '=', id).orderBy('id').execute();

    const adminC = await newContext(site, false);
    const amyC = await newContext(site, false);
    try {
      const a = await signInAs(site, admin.id, adminC);
      const m = await signInAs(site, amyId, amyC);
      const base = site.baseUrl;
      for (const url of ['/admin/consultations', '/admin/consultations/drafts/new', '/admin/consultations/drafts/import', `/admin/consultations/drafts/${c.draft_id}`, `/admin/consultations/drafts/${c.draft_id}/consult`, `/admin/consultations/${id}/triage`, `/admin/consultations/${id}/edit`, `/admin/consultations/${id}/comments/${firstComment!.id}`, `/consultations/${id}`]) {
        await visit(a, `${base}${url}`);
      }
      // A second version, its section form and the comparison.
      assert.ok((await newVersion(db, { id: admin.id, role: 'admin' }, programmeId, c.draft_id, 'Clearer steps', systemClock)).ok);
      const v2 = await db.selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').select('s.id').where('v.draft_id', '=', c.draft_id).where('v.number', '=', 2).orderBy('s.position').execute();
      assert.ok((await editSection(db, programmeId, c.draft_id, v2[0]!.id, { heading: 'Choose the task well', body: 'Pick work someone can finish.' })).ok);
      for (const url of [`/admin/consultations/drafts/${c.draft_id}`, `/admin/consultations/drafts/${c.draft_id}/sections/${v2[0]!.id}/edit`, `/admin/consultations/drafts/${c.draft_id}/sections/new`, `/admin/consultations/drafts/${c.draft_id}/compare`, `/admin/consultations/${id}/comments/${firstComment!.id}`]) {
        await visit(a, `${base}${url}`);
      }
      // Adjusting the split, and a new version from Word: the pages and their errors.
      assert.ok((await editSection(db, programmeId, c.draft_id, v2[1]!.id, { heading: 'Choose the person', body: 'Ask, do not assume.\n\n## Support\n\nCheck what support they need.' })).ok);
      await visit(a, `${base}/admin/consultations/drafts/${c.draft_id}/sections/${v2[1]!.id}/split`);
      await press(a, 'button', 'Split the section');
      assert.ok(await a.locator('.govuk-error-summary').isVisible(), 'splitting with no place chosen is refused with an error summary');
      await checkPage(a);
      await visit(a, `${base}/admin/consultations/drafts/${c.draft_id}/versions/import`);
      await press(a, 'button', 'Check the new version');
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Choose a Word document/);
      await checkPage(a);
      // Forms with their errors.
      await visit(a, `${base}/admin/consultations/drafts/${c.draft_id}/consult`);
      await press(a, 'button', 'Set up the consultation');
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Enter the date the consultation opens/);
      await visit(a, `${base}/admin/consultations/${id}/edit`);
      await a.locator('#opens-day').fill('1');
      await press(a, 'button', 'Save the changes');
      assert.match(await a.locator('.govuk-error-summary').innerText(), /opening date cannot change/);
      await visit(a, `${base}/admin/consultations/drafts/import`);
      await press(a, 'button', 'Import the draft');
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Choose a Word document/);
      // A Word document with a picture that has no description: imported, then described by keyboard.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
      const word = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph({ text: 'Hand over', heading: HeadingLevel.HEADING_1 }), new Paragraph({ text: 'Share the rota.' }), new Paragraph({ children: [new ImageRun({ type: 'png', data: png, transformation: { width: 10, height: 10 } })] })] }] }));
      await a.locator('#title').fill('Handover sheet');
      await a.locator('#summary').fill('What to hand over at the end of a shift.');
      await a.locator('#file').setInputFiles({ name: 'handover.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: word });
      await press(a, 'button', 'Import the draft');
      assert.match(await a.locator('main').innerText(), /1 picture has no description/);
      await tabTo(a, 'main a[href$="/pictures"]', 200);
      await pressAndLoad(a);
      await checkPage(a);
      await press(a, 'button', 'Save the description');
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Describe/);
      await a.locator('#picture-1').focus();
      await a.keyboard.type('A blank square');
      await press(a, 'button', 'Save the description');
      assert.doesNotMatch(await a.locator('main').innerText(), /no description/, 'the warning is gone once it is described');

      for (const url of ['/consultations', `/consultations/${id}`, `/consultations/${id}/sections/${sections[0]!.id}/comments`, `/consultations/${id}/general/comments`, `/consultations/${id}/comment`, `/consultations/${id}/comments/${firstComment!.id}/reply`, '/my/comments', '/my']) {
        await visit(m, `${base}${url}`);
      }
      // By keyboard: the section's link, the textarea, the choice, the button.
      await visit(m, `${base}/consultations/${id}`);
      await tabTo(m, `a[href="/consultations/${id}/sections/${sections[2]!.id}/comment"]`, 200);
      await pressAndLoad(m);
      await checkPage(m);
      await press(m, 'button', 'Send your comment');
      assert.match(await m.locator('.govuk-error-summary').innerText(), /Enter your comment/);
      await m.locator('#body').focus();
      await m.keyboard.type('Say who signs off the outcome.');
      // A radio group is one tab stop; the arrow keys choose within it.
      await tabTo(m, 'input[name="publication"]');
      await m.keyboard.press('ArrowDown');
      assert.equal(await m.locator('#publication-2').isChecked(), true);
      await press(m, 'button', 'Send your comment');
      assert.match(await m.locator('main').innerText(), /Thank you: your comment has been sent to the team/);
      assert.match(await m.locator(`#section-${sections[2]!.id}`).innerText(), /Say who signs off the outcome\./);

      const mine = (await db.selectFrom('consultation_comments').select('id').where('person_id', '=', amyId).executeTakeFirstOrThrow()).id;
      assert.ok(await commentForTeam(db, id, mine));
      assert.ok(await respond(db, { id: admin.id, role: 'admin' }, id, mine, { status: 'accepted', response: 'Added: the lead signs off.' }, { clock: systemClock, baseUrl: base, secret: site.config.sessionSecret }));
      await visit(m, `${base}/my/comments`);
      assert.match(await m.locator('main').innerText(), /Added: the lead signs off\./);
      await visit(m, `${base}/consultations/${id}`);
      assert.match(await m.locator(`#section-${sections[2]!.id}`).innerText(), /Accepted\s+Added: the lead signs off\./);

      // The team's report, then publishing to the library (by keyboard, the error first).
      await visit(a, `${base}/admin/consultations/${id}/report`);
      assert.match(await a.locator('main').innerText(), /Comments by section/);
      await visit(a, `${base}/admin/consultations/drafts/${c.draft_id}/publish`);
      await press(a, 'button', /Publish version/);
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Choose at least one programme aim/);
      await tabTo(a, 'input[name="aims"]');
      await a.keyboard.press('Space');
      await press(a, 'button', /Publish version/);
      assert.match(await a.locator('main').innerText(), /Published to the library/);
      const outputUrl = new URL(a.url()).pathname;

      // The team cites a discussion's summary as evidence, by keyboard: the error first, then a choice.
      await seedDemoDiscussions(db, { programmeId, adminId: admin.id, authors: [amyId, boId], clock: systemClock });
      await visit(a, `${base}/admin/library/${outputUrl.split('/').pop()}/evidence`);
      await press(a, 'button', 'Cite the selected summaries');
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Choose at least one summary to cite/);
      await tabTo(a, 'input[name="threads"]');
      await a.keyboard.press('Space');
      await press(a, 'button', 'Cite the selected summaries');
      assert.match(await a.locator('main').innerText(), /Stop citing/);

      // Anyone, signed out: the library, searched by keyboard; the output with its report; the printable page.
      const anyone = await newContext(site, false);
      try {
        const p = await anyone.newPage();
        await visit(p, `${base}/library`);
        await p.locator('#q').focus();
        await p.keyboard.type('delegation');
        await press(p, 'button', 'Search');
        assert.match(await p.locator('main').innerText(), /1 output found/);
        await tabTo(p, `main a[href="${outputUrl}"]`);
        await pressAndLoad(p);
        await checkPage(p);
        const text = await p.locator('main').innerText();
        assert.match(text, /The consultation report/);
        assert.match(text, /Added: the lead signs off\./, 'the response the commenter saw, in the published report');
        assert.match(text, /What participants agreed/, 'the cited summary, on the public page');
        await visit(p, `${base}${outputUrl}/print`);
        await p.emulateMedia({ media: 'print' });
        assert.equal(await p.locator('.govuk-header').isVisible(), false, 'the print stylesheet leaves the header off');
        assert.equal(await p.locator('main h1').isVisible(), true);
        await visit(p, `${base}/library?q=nothing-like-this`);
      } finally {
        await anyone.close();
      }
    } finally {
      await adminC.close();
      await amyC.close();
    }
  });
});
