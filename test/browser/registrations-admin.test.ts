/// <reference lib="dom" />
// The programme team's registrations list in real Chromium, by keyboard, with axe-core (WCAG 2.2
// A and AA) on every page: every filter, with and without JavaScript.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { confirmFromEmail, details } from '../helpers/registrations.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { submitRegistration, type RegistrationDetails } from '../../src/features/registration/service.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('registrations list in Chromium', () => {
  let site: Site;
  let adminId: number;

  before(async () => {
    site = await startSite();
    const programme = (await findProgramme(site.data.db))!;
    const people: [Partial<RegistrationDetails>, 'web' | 'email'][] = [
      [{ fullName: 'Ada Okafor', email: 'ada.okafor@example.org', roleGroup: 'csw', serviceType: 'diagnostic', nation: 'England', region: 'London', aims: [1] }, 'web'],
      [{ fullName: 'Bryn Lewis', email: 'bryn.lewis@example.org', roleGroup: 'ap', serviceType: 'radiotherapy', nation: 'Wales', region: null, aims: [2] }, 'email'],
      [{ fullName: 'Cara Doyle', email: 'cara.doyle@example.org', roleGroup: 'manager', serviceType: 'both', nation: 'England', region: 'Midlands', aims: [3] }, 'web'],
    ];
    for (const [d, channel] of people) {
      await submitRegistration(site.data.db, details(d), { programmeId: programme.id, channel, baseUrl: site.baseUrl, clock: systemClock });
      await confirmFromEmail(site.data.db, d.email!, systemClock);
    }
    // The seed creates admin@example.org.
    adminId = (await findPersonByEmail(site.data.db, 'admin@example.org'))!.id;
  });
  after(() => site.close());

  const names = (page: Page) => page.locator('#ids tbody tr td:nth-child(2) a').allInnerTexts();

  /** Chooses an option in a select by keyboard only: Tab to it, then arrow keys until it shows. */
  async function choose(page: Page, id: string, text: string | RegExp): Promise<void> {
    await page.locator('#q').focus();
    if (id !== 'q') await tabTo(page, `#${id}`);
    for (let i = 0; i < 20; i++) {
      const shown = await page.locator(`#${id}`).evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
      if (typeof text === 'string' ? shown.trim() === text : text.test(shown)) return;
      await page.keyboard.press('ArrowDown');
    }
    assert.fail(`could not choose ${String(text)} in #${id}`);
  }

  async function apply(page: Page): Promise<void> {
    await tabTo(page, 'button.govuk-button--secondary');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Apply filters');
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
  }

  const filters: [id: string, param: string, option: string | RegExp, value: string, expected: string[]][] = [
    ['status', 'status', 'New', 'new', ['Cara Doyle', 'Bryn Lewis', 'Ada Okafor']],
    ['roleGroup', 'roleGroup', 'Assistant practitioner (AP)', 'ap', ['Bryn Lewis']],
    ['service', 'service', 'Both diagnostic imaging and radiotherapy', 'both', ['Cara Doyle']],
    ['nation', 'nation', 'Wales', 'Wales', ['Bryn Lewis']],
    ['region', 'region', 'Midlands', 'Midlands', ['Cara Doyle']],
    ['aim', 'aim', /^Aim 1: /, '1', ['Ada Okafor']],
    ['channel', 'channel', 'Email', 'email', ['Bryn Lewis']],
  ];

  it('uses every filter by keyboard and keeps it chosen', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);
    for (const [id, param, option, value, expected] of filters) {
      await visit(page, `${site.baseUrl}/admin/registrations`);
      await choose(page, id, option);
      await apply(page);
      assert.equal(new URL(page.url()).searchParams.get(param), value, `${id} in the address`);
      assert.deepEqual(await names(page), expected, id);
      assert.equal(await page.locator(`#${id}`).inputValue(), value, `${id} still chosen`);
    }
    // Filters together, with the text search, then applied again unchanged: nothing is dropped.
    await visit(page, `${site.baseUrl}/admin/registrations`);
    await page.locator('#q').focus();
    await page.keyboard.type('doyle');
    await choose(page, 'nation', 'England');
    await choose(page, 'roleGroup', 'Manager or service lead');
    await apply(page);
    assert.deepEqual(await names(page), ['Cara Doyle']);
    const first = page.url();
    await page.locator('#q').focus();
    await apply(page);
    assert.equal(page.url(), first, 'applying again keeps every filter');
    await context.close();
  });

  it('filters without JavaScript', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/registrations?nation=England`);
    assert.equal(await page.locator('#nation').inputValue(), 'England', 'a filter in the address is shown as chosen');
    await choose(page, 'status', 'New');
    await choose(page, 'region', 'London');
    await apply(page);
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get('nation'), url.searchParams.get('status'), url.searchParams.get('region')], ['England', 'new', 'London']);
    assert.deepEqual(await names(page), ['Ada Okafor']);
    await context.close();
  });

  /** Tabs to a link or button in <main> by its text and presses Enter; checks the page it opens. */
  async function pressOn(page: Page, selector: string): Promise<number> {
    await tabTo(page, selector, 200);
    const status = await pressAndLoad(page);
    await checkPage(page);
    return status;
  }

  it('selects all on the page and declines them after a confirmation, with a message, without JavaScript', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/registrations?nation=England`);
    await pressOn(page, 'a[href$="select=page"]');
    assert.deepEqual(await page.locator('input[name="ids"]:checked').count(), 2, 'both ticked');
    await pressOn(page, 'button[value="decline"]');
    assert.equal(await page.locator('h1').innerText(), 'Decline 2 registrations?');
    assert.equal((await site.data.db.selectFrom('registrations').select('status').where('email', '=', 'ada.okafor@example.org').executeTakeFirstOrThrow()).status, 'new');
    await page.locator('#message').focus();
    await page.keyboard.type('Thank you for your interest: the places are full this round.');
    await pressOn(page, 'main form button');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /2 registrations declined/);
    const rows = await site.data.db.selectFrom('registrations').select(['full_name', 'status']).where('nation', '=', 'England').orderBy('full_name').execute();
    assert.deepEqual(rows.map((r) => r.status), ['declined', 'declined']);
    await context.close();
  });

  it('asks before accepting someone just declined, by keyboard', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);
    const ada = await site.data.db.selectFrom('registrations').select('id').where('email', '=', 'ada.okafor@example.org').executeTakeFirstOrThrow();
    await visit(page, `${site.baseUrl}/admin/registrations/${ada.id}`);
    await pressOn(page, 'main form[action$="/accept"] button');
    assert.equal(await page.locator('h1').innerText(), 'Accept Ada Okafor, who was declined?');
    await pressOn(page, 'main form button');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Registration accepted/);
    await context.close();
  });
});
