/// <reference lib="dom" />
// Editing and merging registrations in real Chromium, by keyboard, with axe-core (WCAG 2.2 A and
// AA) on every page, including the pages that show errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { confirmFromEmail, details } from '../helpers/registrations.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { submitRegistration, type RegistrationDetails } from '../../src/features/registration/service.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('editing and merging registrations in Chromium', () => {
  let site: Site;
  let adminId: number;
  const ids: Record<string, { id: number; reference: string }> = {};

  before(async () => {
    site = await startSite();
    const programme = (await findProgramme(site.data.db))!;
    const people: [string, Partial<RegistrationDetails> & { email: string }][] = [
      ['ines', { fullName: 'Ines Carter', email: 'ines.carter@example.org', jobTitle: 'Imaging assistant', aims: [1] }],
      ['twin', { fullName: 'Ines Carter-Bell', email: 'ines.cb@example.org', jobTitle: 'Senior imaging assistant', aims: [2] }],
    ];
    for (const [key, d] of people) {
      const { registration } = await submitRegistration(site.data.db, details(d), { programmeId: programme.id, channel: 'web', baseUrl: site.baseUrl, clock: systemClock });
      await confirmFromEmail(site.data.db, d.email, systemClock);
      ids[key] = { id: registration.id, reference: registration.reference };
    }
    adminId = (await findPersonByEmail(site.data.db, 'admin@example.org'))!.id;
  });
  after(() => site.close());

  /** Tabs to a link or button by its text and presses Enter. */
  async function follow(page: Page, selector: string, expectedStatus = 200): Promise<void> {
    await page.locator('main').first().focus().catch(() => undefined);
    await tabTo(page, selector, 200);
    assert.equal(await pressAndLoad(page), expectedStatus);
    await checkPage(page);
  }

  it('edits a registration by keyboard: errors shown and fixed, then saved', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/registrations/${ids.ines!.id}`);
    await follow(page, 'a[href$="/edit"]');
    assert.equal(await page.locator('h1').innerText(), 'Edit Ines Carter’s details');

    // Clear the job title: the error summary shows, the typed name is kept.
    await page.locator('#fullName').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Ines Carter-Bell');
    await tabTo(page, '#jobTitle', 200);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await tabTo(page, 'main button.govuk-button', 200);
    assert.equal(await pressAndLoad(page), 400);
    await checkPage(page);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter your job title/);
    assert.equal(await page.locator('#fullName').inputValue(), 'Ines Carter-Bell');

    await page.locator('#jobTitle').focus();
    await page.keyboard.type('Assistant practitioner');
    await tabTo(page, 'main button.govuk-button', 200);
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /Registration updated: name, job title/);
    assert.match(await page.locator('main').innerText(), /job title: “Imaging assistant” → “Assistant practitioner”/);
    await context.close();
  });

  it('merges two registrations by keyboard, without JavaScript', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/registrations/${ids.ines!.id}`);
    await follow(page, 'a[href$="/merge"]');

    // A reference that does not exist first: the error, then the right one.
    await page.locator('#reference').focus();
    await page.keyboard.type('REG-2222-2222');
    assert.equal(await pressAndLoad(page), 400);
    await checkPage(page);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /There is no registration with that reference/);
    await page.locator('#reference').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(ids.twin!.reference);
    assert.equal(await pressAndLoad(page), 200);
    assert.match(page.url(), /\/merge\/\d+$/);
    await checkPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Check the two registrations and choose what to keep');

    // The other registration's email wins: choose it with the arrow keys.
    await page.locator('#email').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('input[name="email"]:checked').inputValue(), 'other');
    await tabTo(page, 'main button.govuk-button--warning', 200);
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    assert.match(await page.locator('.govuk-notification-banner--success').innerText(), new RegExp(`${ids.twin!.reference} was merged into this registration`));
    assert.match(await page.locator('main').innerText(), /ines\.cb@example\.org/);
    await visit(page, `${site.baseUrl}/admin/registrations/${ids.twin!.id}`, 404);
    await context.close();
  });
});
