/// <reference lib="dom" />
// After a meeting, in real Chromium with axe-core (WCAG 2.2 A and AA) on every page: the organiser
// records attendance, writes the minutes, a decision and an action and publishes them, all by
// keyboard; the action's owner reads the minutes on the meeting's page and marks the action done
// in "Your actions", with JavaScript off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scheduleMeeting } from '../../src/features/meetings/service.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { acceptedParticipant, checkPage, consoleErrors, newContext, press, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('after a meeting in Chromium', () => {
  let site: Site;
  let adminId = 0;
  let ownerId = 0;
  let meetingId = 0;
  const dueYear = String(new Date().getUTCFullYear() + 1);

  before(async () => {
    site = await startSite();
    const db = site.data.db;
    adminId = (await findPersonByEmail(db, 'admin@example.org'))!.id;
    ownerId = await acceptedParticipant(site, adminId, 'Ola Owner', 'ola.owner@example.org');
    // A meeting that ended an hour ago, scheduled the day before it.
    const ended = Date.now() - 3_600_000;
    const scheduledAt = () => new Date(ended - 26 * 3_600_000);
    const made = await scheduleMeeting(db, { id: adminId, role: 'admin' }, (await findProgramme(db))!.id, {
      title: 'Delegation workshop', purpose: 'Agree the checklist.', startsAt: new Date(ended - 3_600_000).toISOString(), endsAt: new Date(ended).toISOString(),
      joinUrl: 'https://teams.example.org/meet/7', joiningNotes: '', capacity: null, agenda: [{ title: 'The checklist', leadName: null, minutes: null }], audience: [{ kind: 'person', id: ownerId }], publish: true,
    }, scheduledAt);
    assert.ok(made.ok);
    meetingId = made.id;
  });
  after(() => site.close());

  it('the organiser records attendance, minutes, a decision and an action, and publishes them, by keyboard', async () => {
    const context = await newContext(site, true);
    const page = await signInAs(site, adminId, context);
    const errors = consoleErrors(page);
    await visit(page, `${site.baseUrl}/meetings/${meetingId}`);
    assert.equal(await press(page, 'link', 'Attendance'), 200);
    await tabTo(page, 'input[type="checkbox"]');
    await page.keyboard.press('Space');
    await tabTo(page, 'main form button.govuk-button');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);

    await visit(page, `${site.baseUrl}/meetings/${meetingId}`);
    assert.equal(await press(page, 'link', 'Minutes, decisions and actions'), 200);
    await tabTo(page, '#body');
    await page.keyboard.type('We went through the **checklist** line by line.');
    await tabTo(page, 'button[value="save"]');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);

    await tabTo(page, '#decision');
    await page.keyboard.type('Use the checklist in every department.');
    await tabTo(page, 'form[action$="/decisions"] button');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);

    await tabTo(page, '#what');
    await page.keyboard.type('Send the checklist to the team');
    await tabTo(page, '#owner');
    await page.keyboard.press('ArrowDown'); // the one invitee
    await tabTo(page, '#due-day');
    await page.keyboard.type('15');
    await page.keyboard.press('Tab');
    await page.keyboard.type('6');
    await page.keyboard.press('Tab');
    await page.keyboard.type(dueYear);
    await tabTo(page, 'form[action$="/actions"] button');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    const minutesPage = await page.locator('main').innerText();
    assert.match(minutesPage, /Use the checklist in every department/);
    assert.match(minutesPage, /Send the checklist to the team/);

    assert.equal(await press(page, 'button', 'Publish the minutes'), 200);
    assert.match(await page.locator('main').innerText(), /Minutes published\. We have told 1 person/);
    assert.match(await page.locator('#minutes-state').innerText(), /Published/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('the owner reads them and marks the action done, with JavaScript off', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, ownerId, context);
    await visit(page, `${site.baseUrl}/meetings/${meetingId}`);
    const meeting = await page.locator('main').innerText();
    assert.match(meeting, /We went through the checklist line by line/);
    assert.match(meeting, /Use the checklist in every department/);
    await visit(page, `${site.baseUrl}/my/actions`);
    assert.match(await page.locator('main').innerText(), /Send the checklist to the team/);
    assert.equal(await press(page, 'button', /Mark as done/), 200);
    assert.match(await page.locator('main').innerText(), /0 open, 1 done/);
    await context.close();
  });
});
