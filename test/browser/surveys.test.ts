/// <reference lib="dom" />
// The surveys journey in real Chromium, by keyboard, every page checked by axe (checkPage): an
// admin makes a survey of two sections (a choice question, and a question shown only for one of
// its answers), sends it to the programme, a participant answers it with JavaScript on, another
// with it off, and the admin sees both in the results.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { acceptedParticipant, checkPage, newContext, press, signInAs, startSite, visit, type Site } from './support.ts';

/** Focuses a field and types into it, as a keyboard user would. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).focus();
  await page.keyboard.type(text);
}

/** Focuses a radio or checkbox and presses Space. */
async function tick(page: Page, selector: string): Promise<void> {
  await page.locator(selector).focus();
  await page.keyboard.press('Space');
}

describe('surveys: build, send, answer and read the results (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  it('goes from an empty survey to its results by keyboard, with and without JavaScript', async () => {
    const db = site.data.db;
    const { person: admin } = await upsertPerson(db, { email: 'journey-admin@example.org', name: 'Journey Admin', role: 'admin' }, systemClock);
    const amyId = await acceptedParticipant(site, admin.id, 'Amy Archer', 'amy.journey@example.org');
    const benId = await acceptedParticipant(site, admin.id, 'Ben Boyd', 'ben.journey@example.org');
    const adminC = await newContext(site, true);
    const amyC = await newContext(site, true);
    const benC = await newContext(site, false);
    try {
      const a = await signInAs(site, admin.id, adminC);
      const base = site.baseUrl;
      await visit(a, `${base}/admin/surveys/new`);
      await typeInto(a, '#title', 'Supervision check');
      await press(a, 'button', 'Save and continue');
      const surveyPath = new URL(a.url()).pathname.match(/^\/admin\/surveys\/\d+/)![0];

      // Section 1: a single-choice question.
      await press(a, 'button', 'Add a question to section 1');
      await tick(a, 'input[name="type"][value="single"]');
      await press(a, 'button', 'Continue');
      await typeInto(a, '#title', 'Do you supervise anyone?');
      await tick(a, 'input[name="required"][value="yes"]');
      await typeInto(a, '#choices', 'Yes\nNo');
      await press(a, 'button', 'Save question');

      // Section 2, with a question shown only to those who supervise.
      await press(a, 'button', 'Add a section');
      await typeInto(a, '#title', 'Your supervision');
      await press(a, 'button', /Save/);
      await visit(a, `${base}${surveyPath}`);
      await press(a, 'button', 'Add a question to section 2');
      await tick(a, 'input[name="type"][value="long_text"]');
      await press(a, 'button', 'Continue');
      await typeInto(a, '#title', 'How do you make time for it?');
      await tick(a, 'input[name="required"][value="no"]');
      await press(a, 'button', 'Save question');
      await visit(a, `${base}${surveyPath}`);
      await press(a, 'link', /When to show it\W+question 2/);
      await a.locator('#c1-question').selectOption({ label: '1. Do you supervise anyone?' });
      await a.locator('#c1-operator').selectOption('equals');
      await a.locator('#c1-option').selectOption({ label: 'Yes' });
      await press(a, 'button', 'Save conditions');
      assert.match(await a.locator('main').innerText(), /How do you make time for it\?/);

      // Send it to the programme, closing in a week.
      await press(a, 'button', 'Send the survey');
      await tick(a, 'input[name="reach"][value="audience"]');
      await tick(a, 'input[name="audience"][value="programme"]');
      const now = new Date();
      const close = new Date(now.getTime() + 7 * 86_400_000);
      await typeInto(a, 'input[name="opens-day"]', String(now.getUTCDate()));
      await typeInto(a, 'input[name="opens-month"]', String(now.getUTCMonth() + 1));
      await typeInto(a, 'input[name="opens-year"]', String(now.getUTCFullYear()));
      await typeInto(a, '#opensTime', '00:00');
      await typeInto(a, 'input[name="closes-day"]', String(close.getUTCDate()));
      await typeInto(a, 'input[name="closes-month"]', String(close.getUTCMonth() + 1));
      await typeInto(a, 'input[name="closes-year"]', String(close.getUTCFullYear()));
      await typeInto(a, '#closesTime', '17:00');
      await tick(a, 'input[name="anonymous"][value="no"]');
      await tick(a, 'input[name="editable"][value="no"]');
      await press(a, 'button', /Save|Send/);
      assert.doesNotMatch(await a.locator('main').innerText(), /There is a problem/);
      const surveyId = Number(surveyPath.split('/').pop());

      // Amy answers with JavaScript on: yes, so the second question is asked.
      const m = await signInAs(site, amyId, amyC);
      await visit(m, `${base}/surveys/${surveyId}`);
      await press(m, 'button', /Start/);
      await tick(m, 'input[type="radio"] >> nth=0');
      await press(m, 'button', 'Save and continue');
      await typeInto(m, 'textarea', 'An hour every Friday');
      await press(m, 'button', 'Save and continue');
      assert.match(await m.locator('main').innerText(), /An hour every Friday/);
      await press(m, 'button', 'Send my answers');
      assert.match(await m.locator('main').innerText(), /sent|submitted|Thank you/i);

      // Ben answers without JavaScript: no, so the second question is not asked.
      const b = await signInAs(site, benId, benC);
      await visit(b, `${base}/surveys/${surveyId}`);
      await press(b, 'button', /Start/);
      await tick(b, 'input[type="radio"] >> nth=1');
      await press(b, 'button', 'Save and continue');
      assert.doesNotMatch(await b.locator('main').innerText(), /How do you make time for it/);
      await press(b, 'button', 'Send my answers');

      // The admin sees two responses (the threshold hides the counts of so few, but not the total).
      await visit(a, `${base}${surveyPath}/results`);
      await checkPage(a);
      assert.match(await a.locator('main').innerText(), /2 responses|Responses\s*2/);
      // Its printable summary, reached by keyboard, passes axe too.
      await press(a, 'link', 'Printable summary');
      assert.match(a.url(), /\/results\/print$/);
    } finally {
      await adminC.close();
      await amyC.close();
      await benC.close();
    }
  });
});
