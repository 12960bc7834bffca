/// <reference lib="dom" />
// The participant's home (/my) and the admin's section sub-navigation in real Chromium, by
// keyboard alone, with and without JavaScript, every page checked by axe-core (WCAG 2.2 A and AA).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assign, createSubgroup } from '../../src/features/participants/service.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { acceptedParticipant, checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('the participant’s home and the admin sections in Chromium', () => {
  let site: Site;
  let adminId: number;
  let projectId: number;
  let groupId: number;
  let programmeId: number;

  before(async () => {
    site = await startSite();
    const db = site.data.db;
    programmeId = (await findProgramme(db))!.id;
    adminId = (await findPersonByEmail(db, 'admin@example.org'))!.id;
    projectId = (await db.selectFrom('projects').select('id').where('programme_id', '=', programmeId).orderBy('position').executeTakeFirstOrThrow()).id;
    const made = await createSubgroup(db, adminId, projectId, { name: 'Safe delegation checklist', description: 'What a support worker may be asked to do.' }, systemClock);
    if (!made.ok) throw new Error(made.message);
    groupId = made.id;
  });
  after(() => site.close());

  const participant = (email: string) => acceptedParticipant(site, adminId, 'Riley Hughes', email);

  for (const javaScriptEnabled of [true, false]) {
    const js = javaScriptEnabled ? 'with' : 'without';
    it(`shows an empty home, then the person’s groups and what is new, by keyboard ${js} JavaScript`, async () => {
      const personId = await participant(`riley-${javaScriptEnabled}@example.org`);
      const context = await newContext(site, javaScriptEnabled);
      const page = await signInAs(site, personId, context);
      await visit(page, `${site.baseUrl}/account`);
      // The menu's "Your programme" link, reached by keyboard.
      await tabTo(page, 'nav a[href="/my"]');
      await pressAndLoad(page);
      assert.match(page.url(), /\/my$/);
      await checkPage(page);
      assert.equal(await page.locator('h1').innerText(), 'Your programme');
      assert.match(await page.locator('main').innerText(), /Nothing here yet/);
      assert.equal(await page.locator('nav a[href="/my"]').getAttribute('aria-current'), 'page');
      // The empty state points to the email settings.
      await tabTo(page, 'main a[href="/account/notifications"]');
      await pressAndLoad(page);
      await checkPage(page);
      assert.equal(await page.locator('h1').innerText(), 'Emails you get');

      // The team adds them to a sub-group: they are told, and their home shows it.
      await assign(site.data.db, adminId, { projectId, subgroupId: groupId }, [personId], systemClock, { clock: systemClock, baseUrl: site.baseUrl, secret: site.config.sessionSecret });
      await visit(page, `${site.baseUrl}/my`);
      await checkPage(page);
      const headings = await page.locator('main h2').allInnerTexts();
      assert.deepEqual(headings, ['Your projects and sub-groups', 'What is new for you', 'Your details']);
      const main = await page.locator('main').innerText();
      assert.match(main, /Sub-group: Safe delegation checklist/);
      assert.match(main, /Riley Hughes \(you\)/);
      assert.doesNotMatch(main, /Nothing here yet/);
      const news = 'main .govuk-list--spaced a[href="/my"]';
      assert.match(await page.locator(news).innerText(), /^You were added to the sub-group “Safe delegation checklist” in /);
      await tabTo(page, news);
      assert.equal(await pressAndLoad(page), 200);
      assert.match(page.url(), /\/my$/);
      await context.close();
    });
  }

  it('lets an admin move through a section’s sub-navigation by keyboard, without JavaScript', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin`);
    await checkPage(page);
    // Taking part shows once a feature puts an item in it (messages does).
    const row = (await page.locator('.govuk-service-navigation a').allInnerTexts()).filter((t) => t !== 'Taking part');
    assert.deepEqual(row, ['Programme', 'People', 'Reports', 'Settings', 'Account']);
    assert.equal(await page.locator('nav[aria-label="Programme"] a[aria-current="page"]').innerText(), 'Overview');
    await tabTo(page, 'nav[aria-label="Programme"] a[href="/admin/projects"]');
    await pressAndLoad(page);
    await checkPage(page);
    assert.equal(await page.locator('nav[aria-label="Programme"] a[aria-current="page"]').innerText(), 'Projects and sub-groups');
    // Another section from the top row, then its sub-navigation.
    await tabTo(page, '.govuk-service-navigation a[href="/admin/audit"]');
    await pressAndLoad(page);
    await checkPage(page);
    assert.equal(await page.locator('.govuk-service-navigation a[aria-current="true"]').innerText(), 'Settings');
    await tabTo(page, 'nav[aria-label="Settings"] a[href="/admin/jobs"]');
    await pressAndLoad(page);
    await checkPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Scheduled jobs');
    await context.close();
  });
});
