/// <reference lib="dom" />
// A message sent on a colleague's behalf, completed from the review queue in real Chromium by
// keyboard without JavaScript, with the sender as the colleague's contact; then the registration's
// page and its edit page. axe-core (WCAG 2.2 A and AA) on every page, the error page too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFromSource } from '../../src/features/registration/email-import/import.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('a registration sent on someone’s behalf, in Chromium', () => {
  let site: Site;
  let adminId: number;
  before(async () => {
    site = await startSite();
    adminId = (await findPersonByEmail(site.data.db, 'admin@example.org'))!.id;
    // A manager writes for her colleague, who has no work email, in sentences: it waits for review.
    const dir = mkdtempSync(join(tmpdir(), 'coproduce-behalf-browser-'));
    try {
      const body = 'Hello,\r\n\r\nPlease register my colleague Lewis Grant, who has no work email yet. He is a clinical support worker in our CT department at Barnsley Hospital NHS Foundation Trust.\r\n\r\nBest wishes,\r\nPriya Shah';
      writeFileSync(join(dir, 'behalf.eml'), ['Message-ID: <behalf-browser@example.org>', 'From: Priya Shah <priya.shah@example.org>', 'Subject: SUPPORT WORKFORCE', 'Date: Mon, 03 Jun 2024 09:00:00 +0100', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n'));
      const summary = await importFromSource(dir, { db: site.data.db, clock: systemClock, baseUrl: site.baseUrl });
      assert.equal(summary.needsReview, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  after(() => site.close());

  it('is completed by keyboard without JavaScript with the sender as contact, and shows who registered them', async () => {
    const item = await site.data.db.selectFrom('mail_imports').select('id').where('from_address', '=', 'priya.shah@example.org').where('outcome', '=', 'needs_review').executeTakeFirstOrThrow();
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/review/message/${item.id}`);
    assert.match(await page.locator('main').innerText(), /How should we contact them\?/);

    // Sent without choosing how to reach them: the error, on an accessible page.
    await page.locator('#fullName').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Lewis Grant');
    await tabTo(page, 'main button.govuk-button', 200);
    assert.equal(await pressAndLoad(page), 400);
    await checkPage(page);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose how the programme team should contact them/);

    await page.locator('#contactBy-2').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('input[name="contactBy"]:checked').inputValue(), 'contact');
    assert.equal(await page.locator('#contactEmail').inputValue(), 'priya.shah@example.org');
    await page.locator('#organisationId').selectOption({ label: 'Barnsley Hospital NHS Foundation Trust' });
    await page.locator('#organisationOther').fill('');
    await page.locator('#serviceType').selectOption('diagnostic');
    await page.locator('#jobTitle').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Clinical support worker');
    await tabTo(page, 'main button.govuk-button', 200);
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    assert.match(await page.locator('main').innerText(), /Registration REG-[A-Z0-9-]+ completed/);

    const lewis = await site.data.db.selectFrom('registrations').selectAll().where('full_name', '=', 'Lewis Grant').executeTakeFirstOrThrow();
    assert.deepEqual([lewis.email, lewis.contact_email], [null, 'priya.shah@example.org']);
    await visit(page, `${site.baseUrl}/admin/registrations/${lewis.id}`);
    assert.match(await page.locator('main').innerText(), /Registered by Priya Shah \(priya\.shah@example\.org\) on their behalf/);
    await visit(page, `${site.baseUrl}/admin/registrations/${lewis.id}/edit`);
    assert.match(await page.locator('main').innerText(), /Their own email address \(optional\)/);
    await context.close();
  });
});
