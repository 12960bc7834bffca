/// <reference lib="dom" />
// Meeting calendars in real Chromium, axe-core (WCAG 2.2 A and AA) on every page: an invitee
// answers from the invitation email's link without signing in and without JavaScript (the page
// has one button), finds the calendar links on the meeting's page, gets their feed link from the
// account page by keyboard, and reads the help page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { answerUrl } from '../../src/features/meetings/calendar/answer-token.ts';
import { scheduleMeeting } from '../../src/features/meetings/service.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { systemClock } from '../../src/platform/time.ts';
import { acceptedParticipant, checkPage, newContext, press, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('meeting calendars in Chromium', () => {
  let site: Site;
  let personId = 0;
  let meetingId = 0;

  before(async () => {
    site = await startSite();
    const db = site.data.db;
    const adminId = (await findPersonByEmail(db, 'admin@example.org'))!.id;
    personId = await acceptedParticipant(site, adminId, 'Cal Endar', 'cal.endar@example.org');
    const year = new Date().getUTCFullYear() + 1;
    const saved = await scheduleMeeting(db, { id: adminId, role: 'admin' }, (await findProgramme(db))!.id, {
      title: 'Steering group', purpose: 'Agree the **plan**.', startsAt: `${year}-07-01T09:00:00.000Z`, endsAt: `${year}-07-01T10:30:00.000Z`,
      joinUrl: 'https://teams.example.org/meet/123', joiningNotes: 'Captions are on.', capacity: null, agenda: [], audience: [{ kind: 'person', id: personId }], publish: true,
    }, systemClock);
    assert.ok(saved.ok);
    meetingId = saved.id;
  });
  after(() => site.close());

  it('answers from the email link without JavaScript, by keyboard, with one button', async () => {
    const context = await newContext(site, false);
    const page = await context.newPage();
    await visit(page, answerUrl(site.baseUrl, site.config.sessionSecret, { personId, meetingId, answer: 'yes' }));
    assert.equal(await page.locator('main button').count(), 1);
    await tabTo(page, 'main button');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    assert.match(await page.locator('main').innerText(), /You have a place at this meeting/);
    await visit(page, answerUrl(site.baseUrl, 'another-secret-another-secret-another', { personId, meetingId, answer: 'yes' }), 404);
    await context.close();
  });

  it('offers the calendar links on the meeting page and the feed from the account, by keyboard', async () => {
    for (const javaScriptEnabled of [false, true]) {
      const context = await newContext(site, javaScriptEnabled);
      const page = await signInAs(site, personId, context);
      await visit(page, `${site.baseUrl}/meetings/${meetingId}`);
      assert.equal(await page.getByRole('link', { name: /Add to Outlook/ }).count(), 1);
      assert.equal(await page.getByRole('link', { name: /Add to Google Calendar/ }).count(), 1);
      assert.equal(await page.getByRole('link', { name: /Download for your calendar/ }).count(), 1);
      await visit(page, `${site.baseUrl}/account`);
      await tabTo(page, 'a[href="/account/calendar"]');
      await pressAndLoad(page);
      await checkPage(page);
      assert.equal(await press(page, 'button', javaScriptEnabled ? 'Get a new link' : 'Get your calendar link'), 200);
      const url = await page.locator('#feedUrl').inputValue();
      assert.match(url, /\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
      const feed = await context.request.get(url);
      assert.equal(feed.status(), 200);
      assert.match(await feed.text(), /BEGIN:VEVENT/);
      await visit(page, `${site.baseUrl}/help/calendar`);
      await context.close();
    }
  });
});
