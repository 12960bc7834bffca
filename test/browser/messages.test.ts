/// <reference lib="dom" />
// Messages in real Chromium, by keyboard, with and without JavaScript, axe-core (WCAG 2.2 A and
// AA) on every page: an admin writes a message to a sub-group, previews the text beneath the
// field, continues to the check page with its counts, sends it, and reads the record; the job
// delivers it and a member reads it at /messages/:id; the templates page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deliverMessage } from '../../src/features/messages/service.ts';
import { assign, createSubgroup } from '../../src/features/participants/service.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { acceptedParticipant, checkPage, consoleErrors, newContext, press, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('messages in Chromium', () => {
  let site: Site;
  let adminId: number;
  let groupId: number;
  let rileyId: number;

  before(async () => {
    site = await startSite();
    const db = site.data.db;
    const programme = (await findProgramme(db))!;
    adminId = (await findPersonByEmail(db, 'admin@example.org'))!.id;
    const [project] = await db.selectFrom('projects').select(['id']).where('programme_id', '=', programme.id).orderBy('position').execute();
    const made = await createSubgroup(db, adminId, project!.id, { name: 'Safe delegation checklist', description: '' }, systemClock);
    if (!made.ok) throw new Error(made.message);
    groupId = made.id;
    rileyId = await acceptedParticipant(site, adminId, 'Riley Hughes', 'riley.hughes@example.org');
    await assign(db, adminId, { projectId: project!.id, subgroupId: groupId }, [rileyId], systemClock);
  });
  after(() => site.close());


  for (const javaScript of [false, true]) {
    it(`writes, previews and sends a message by keyboard ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
      const context = await newContext(site, javaScript);
      const page = await signInAs(site, adminId, context);
      const errors = consoleErrors(page);
      const subject = `Our first meeting (${javaScript ? 'with' : 'without'} JavaScript)`;

      await visit(page, `${site.baseUrl}/admin/messages`);
      assert.equal(await press(page, 'button', 'Write a message'), 200);
      assert.equal(await page.locator('h1').innerText(), 'Write a message');

      await tabTo(page, 'input#subject');
      await page.keyboard.insertText(subject);
      await tabTo(page, 'textarea#body');
      await page.keyboard.insertText('Dear ((name)),\n\nWe meet on **Thursday**.\n\n<script>document.title="hacked"</script>');
      // Preview posts the form and shows the text rendered beneath the field.
      await tabTo(page, 'button[value="preview"]');
      assert.equal(await pressAndLoad(page), 200);
      await checkPage(page);
      assert.equal(await page.locator('#body-preview strong').innerText(), 'Thursday');
      assert.match(await page.locator('#body-preview').innerText(), /<script>/, 'HTML shown as typed');
      assert.equal(await page.locator('input#subject').inputValue(), subject, 'the subject is kept');

      // Who it is for: the sub-group, chosen with the keyboard.
      // Tab reaches the radios once; the arrow keys move along them (and choose), as in any radio group.
      await tabTo(page, 'input[name="audience"]');
      for (let i = 0; i < 4 && !(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value === 'subgroups')); i++) await page.keyboard.press('ArrowDown');
      assert.equal(await page.locator('input[name="audience"][value="subgroups"]').isChecked(), true);
      await tabTo(page, `input[name="audienceSubgroups"][value="${groupId}"]`);
      await page.keyboard.press('Space');
      await tabTo(page, 'button[value="continue"]');
      assert.equal(await pressAndLoad(page), 200);
      await checkPage(page);
      assert.match(new URL(page.url()).pathname, /^\/messages\/\d+\/preview$/);
      assert.equal(await page.locator('h1').innerText(), 'Check your message before sending it');
      const main = await page.locator('main').innerText();
      assert.match(main, /This will reach 1 person\./);
      assert.match(main, /This is how it looks for Riley Hughes/);
      assert.match(await page.locator('#rendered').innerText(), /Dear Riley Hughes,/);
      assert.doesNotMatch(await page.title(), /hacked/);
      const id = Number(/\/messages\/(\d+)\/preview/.exec(new URL(page.url()).pathname)![1]);

      assert.equal(await press(page, 'button', /^Send to 1 person/), 200);
      assert.equal(new URL(page.url()).pathname, `/admin/messages/${id}`);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your message is being sent to 1 person\./);

      await deliverMessage(site.data.db, { clock: systemClock, baseUrl: site.baseUrl, secret: site.config.sessionSecret }, id);
      await visit(page, `${site.baseUrl}/admin/messages/${id}`);
      assert.match(await page.locator('main').innerText(), /Riley Hughes\s+riley\.hughes@example\.org\s+Emailed/);
      await visit(page, `${site.baseUrl}/admin/messages`);
      assert.match(await page.locator('main table').innerText(), new RegExp(subject.replace(/[()]/g, '\\$&')));

      // The member reads it on the site.
      const riley = await signInAs(site, rileyId, await newContext(site, javaScript));
      await visit(riley, `${site.baseUrl}/messages/${id}`);
      assert.match(await riley.locator('#message-body').innerText(), /Dear Riley Hughes,/);
      assert.doesNotMatch(await riley.title(), /hacked/);
      await riley.context().close();

      await visit(page, `${site.baseUrl}/messages/templates`);
      await visit(page, `${site.baseUrl}/messages`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  it('shows the form again with its errors, axe-clean, when nothing is filled in', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/messages/write`);
    await tabTo(page, 'button[value="continue"]');
    assert.equal(await pressAndLoad(page), 400);
    await checkPage(page);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a subject[\s\S]*Enter your message[\s\S]*Choose who this is for/);
    await context.close();
  });
});
