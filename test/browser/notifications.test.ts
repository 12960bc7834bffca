/// <reference lib="dom" />
// The notification settings page and the unsubscribe link in real Chromium, by keyboard alone,
// with and without JavaScript, each page checked by axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { declareNotificationKinds } from '../../src/platform/notify/kinds.ts';
import { unsubscribeToken } from '../../src/platform/notify/unsubscribe.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

declareNotificationKinds(
  { kind: 'browser.news', label: 'When something new is posted for you', defaultDelivery: 'immediately' },
  { kind: 'browser.reply', label: 'When someone replies to you', defaultDelivery: 'daily' },
  { kind: 'browser.moved', label: 'When a meeting you are invited to moves', defaultDelivery: 'immediately', essential: true },
);

describe('notification settings in Chromium', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(() => site.close());

  const choice = async (personId: number, kind: string) =>
    (await site.data.db.selectFrom('notification_preferences').select('delivery').where('person_id', '=', personId).where('kind', '=', kind).executeTakeFirst())?.delivery;

  for (const javaScriptEnabled of [true, false]) {
    it(`are chosen by keyboard from the account page ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
      const { person } = await upsertPerson(site.data.db, { email: `keyboard-${javaScriptEnabled}@example.org`, name: 'Kit Example', role: 'participant' }, systemClock);
      const context = await newContext(site, javaScriptEnabled);
      const page = await signInAs(site, person.id, context);
      await visit(page, `${site.baseUrl}/account`);
      await tabTo(page, 'a[href="/account/notifications"]');
      await pressAndLoad(page);
      await checkPage(page);
      // "When something new is posted": from "Straight away" to "In a weekly summary" with the arrow keys.
      await tabTo(page, 'input[name="browser.news"]:checked');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).value), 'weekly');
      await tabTo(page, 'main button');
      await pressAndLoad(page);
      assert.match(page.url(), /\/account\/notifications\?saved=1$/);
      await checkPage(page);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /saved/);
      assert.equal(await choice(person.id, 'browser.news'), 'weekly');
      assert.equal(await page.locator('input[name="browser.news"][value="weekly"]').isChecked(), true);
      await context.close();
    });
  }

  it('lets a signed-out person stop one kind from the email link, by keyboard', async () => {
    const { person } = await upsertPerson(site.data.db, { email: 'unsubscribe@example.org', name: 'Una Example', role: 'participant' }, systemClock);
    const context = await newContext(site, false);
    const page = await context.newPage();
    await visit(page, `${site.baseUrl}/unsubscribe/${unsubscribeToken('wrong-secret-wrong-secret-wrong-secret', { personId: person.id, kind: 'browser.reply' })}`, 404);
    await visit(page, `${site.baseUrl}/unsubscribe/${unsubscribeToken(site.config.sessionSecret, { personId: person.id, kind: 'browser.reply' })}`);
    await tabTo(page, 'main button');
    await pressAndLoad(page);
    await checkPage(page);
    assert.equal(await page.locator('h1').innerText(), 'You will not get these emails');
    assert.equal(await choice(person.id, 'browser.reply'), 'off');
    await context.close();
  });
});

