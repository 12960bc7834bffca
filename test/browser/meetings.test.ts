/// <reference lib="dom" />
// Meetings in real Chromium, axe-core (WCAG 2.2 A and AA) on every page: an admin schedules a
// meeting for one participant (with JavaScript off: the form needs none), the participant finds it
// in "Your meetings" and answers by keyboard; a second participant answers with JavaScript off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { acceptedParticipant, checkPage, consoleErrors, newContext, press, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('meetings in Chromium', () => {
  let site: Site;
  let adminId: number;
  const people: Record<string, number> = {};
  let meetingId = 0;
  const year = String(new Date().getUTCFullYear() + 1);

  before(async () => {
    site = await startSite();
    const db = site.data.db;
    adminId = (await findPersonByEmail(db, 'admin@example.org'))!.id;
    for (const [name, email] of [['Riley Hughes', 'riley.hughes@example.org'], ['Sam Okafor', 'sam.okafor@example.org']] as const) {
      people[email] = await acceptedParticipant(site, adminId, name, email);
    }
  });
  after(() => site.close());

  it('schedules a meeting without JavaScript, refusing the skipped hour first', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/meetings`);
    assert.equal(await press(page, 'button', 'Schedule a meeting'), 200);
    await checkPage(page);
    await page.fill('#title', 'Steering group');
    await page.fill('#purpose', 'Agree the **plan**.');
    await page.fill('#agenda1Title', 'Welcome');
    await page.fill('#date-day', '28');
    await page.fill('#date-month', '3');
    await page.fill('#date-year', '2027'); // the last Sunday in March 2027: 01:00 to 01:59 does not exist
    await page.fill('#startTime', '01:30');
    await page.fill('#endTime', '03:00');
    await page.fill('#joinUrl', 'https://teams.example.org/meet/42');
    await page.fill('#capacity', '1');
    await page.check('input[name="audience"][value="people"]');
    await page.fill('#audiencePeople', 'riley.hughes@example.org\nsam.okafor@example.org');
    assert.equal(await press(page, 'button', 'Save'), 400);
    await checkPage(page);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /does not exist in the UK/);
    await page.fill('#date-day', '15');
    await page.fill('#date-month', '6');
    await page.fill('#date-year', year);
    await page.fill('#startTime', '10:00');
    await page.fill('#endTime', '11:00');
    assert.equal(await press(page, 'button', 'Save'), 200);
    await checkPage(page);
    meetingId = Number(/\/meetings\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
    assert.match(await page.locator('main').innerText(), /10:00am to 11:00am \(UK time\)/);
    await visit(page, `${site.baseUrl}/meetings/${meetingId}/cancel`);
    await visit(page, `${site.baseUrl}/meetings/${meetingId}/edit`);
    await context.close();
  });

  it('the participant finds it in Your meetings and answers by keyboard', async () => {
    const context = await newContext(site, true);
    const page = await signInAs(site, people['riley.hughes@example.org']!, context);
    const errors = consoleErrors(page);
    await visit(page, `${site.baseUrl}/my/meetings`);
    assert.equal(await press(page, 'link', 'Steering group'), 200);
    await checkPage(page);
    const main = await page.locator('main').innerText();
    assert.match(main, /The link to join will appear here 30 minutes before the meeting starts/);
    assert.match(main, /1 of 1 place left/);
    await tabTo(page, 'input[name="response"]');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('input[name="response"][value="yes"]').isChecked(), true);
    await tabTo(page, 'button.govuk-button:not(.govuk-button--secondary)');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /You have a place at this meeting/);
    assert.match(await page.locator('#places-left').innerText(), /0 of 1 place left/);
    await visit(page, `${site.baseUrl}/my`);
    assert.match(await page.locator('main').innerText(), /Your next meetings/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('a second participant answers with JavaScript off and joins the waiting list', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, people['sam.okafor@example.org']!, context);
    await visit(page, `${site.baseUrl}/meetings/${meetingId}`);
    await page.check('input[name="response"][value="yes"]');
    assert.equal(await press(page, 'button', 'Save your answer'), 200);
    await checkPage(page);
    assert.match(await page.locator('main').innerText(), /on the waiting list/);
    assert.match(await page.locator('main').innerText(), /You are number 1 on the waiting list/);
    await context.close();
  });
});
