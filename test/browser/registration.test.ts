/// <reference lib="dom" />
// The registration journey by keyboard alone, and the programme team's accept → sub-group flow,
// in real Chromium with axe-core on every page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('registration in Chromium', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(() => site.close());

  it('registers interest by keyboard alone, each page accessible', async () => {
    const context = await newContext(site);
    const page = await context.newPage();
    await visit(page, `${site.baseUrl}/register`);
    await tabTo(page, 'a.govuk-button--start');
    await pressAndLoad(page);
    await checkPage(page);

    const typeInto = async (selector: string, text: string) => {
      await tabTo(page, selector);
      await page.keyboard.type(text);
    };
    const submit = async () => {
      await tabTo(page, 'main button.govuk-button');
      const status = await pressAndLoad(page);
      await checkPage(page);
      return status;
    };

    // An error first, to check the error summary is accessible too.
    assert.equal(await submit(), 400);
    await typeInto('#fullName', 'Morgan Keyes');
    await submit();
    await typeInto('#email', 'morgan.keyes@example.org');
    await submit();
    // The names people use find their organisation too (issue 8 #11).
    await tabTo(page, '#organisationId');
    await page.keyboard.type('UCLH');
    await page.locator('.autocomplete__option').first().waitFor();
    assert.equal(await page.locator('.autocomplete__option').first().innerText(), 'University College London Hospitals NHS Foundation Trust');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('guys');
    await page.locator('.autocomplete__option', { hasText: "Guy's and St Thomas'" }).first().waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    // Someone who picks an organisation, changes their mind, clears the box and types their own
    // is not trapped: what is sent is what the box shows (issue 8 #12).
    await tabTo(page, '#organisationId');
    await page.keyboard.type('Airedale');
    await page.locator('.autocomplete__option').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await typeInto('#organisationOther', 'Hillside Imaging Ltd');
    await submit();
    assert.match(page.url(), /\/register\/nation$/, 'the typed organisation is taken, with no "not both" error');
    await visit(page, `${site.baseUrl}/register/workplace`);
    await page.fill('#organisationOther', '');
    // The organisation list is a type-ahead field: type, arrow down to the match, Enter picks it.
    await tabTo(page, '#organisationId');
    await page.keyboard.type('Airedale');
    await page.locator('.autocomplete__option').first().waitFor();
    await checkPage(page);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#organisationId').inputValue(), 'Airedale NHS Foundation Trust');
    await submit();
    assert.match(page.url(), /\/register\/service$/, 'a listed organisation skips nation and region');
    await tabTo(page, '#serviceType');
    await page.keyboard.press('Space');
    await submit();
    await typeInto('#jobTitle', 'Imaging support worker');
    await submit();
    await tabTo(page, '#roleGroup');
    await page.keyboard.press('Space');
    await submit();
    await submit(); // band is optional
    await tabTo(page, '#aims');
    await page.keyboard.press('Space');
    await submit();
    await submit(); // adjustments are optional
    await tabTo(page, '#consent');
    await page.keyboard.press('Space');
    await submit();
    assert.match(page.url(), /\/register\/check-answers$/);
    assert.match(await page.locator('main').innerText(), /Airedale NHS Foundation Trust/);
    // A Change link, by keyboard: the answer is saved and the journey comes back here.
    await tabTo(page, 'a[href="/register/job?change=1"]');
    await pressAndLoad(page);
    await checkPage(page);
    await tabTo(page, '#jobTitle');
    await page.keyboard.press('End');
    await page.keyboard.type(' (lead)');
    await submit();
    assert.match(page.url(), /\/register\/check-answers$/);
    assert.match(await page.locator('main').innerText(), /Imaging support worker \(lead\)/);
    await submit();
    assert.match(page.url(), /\/register\/confirmation$/);
    assert.match(await page.locator('.govuk-panel').innerText(), /Check your email/);
    assert.doesNotMatch(await page.locator('main').innerText(), /REG-/, 'the reference is only in the email');

    // The link in the confirmation email, and one that is not recognised.
    const mail = await site.data.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'morgan.keyes@example.org').executeTakeFirstOrThrow();
    const link = /http\S+\/register\/confirm\/[A-Za-z0-9_-]+/.exec(mail.text_body)?.[0];
    assert.ok(link, 'the email has a confirmation link');
    // Opening the link shows a button; pressing it (by keyboard) confirms.
    await visit(page, link);
    assert.equal(await page.locator('h1').innerText(), 'Confirm your email address');
    await page.locator('main button').focus();
    assert.equal(await pressAndLoad(page), 200);
    await checkPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Email address confirmed');
    assert.match(await page.locator('.govuk-panel').innerText(), /REG-/);
    await visit(page, `${site.baseUrl}/register/confirm/not-a-real-token-at-all-xx`, 400);
    assert.equal(await page.locator('h1').innerText(), 'Confirmation link not recognised');
    await context.close();
  });

  it('shows an accessible closed page once the deadline has passed', async () => {
    const db = site.data.db;
    const before = await db.selectFrom('programmes').select(['id', 'registration_opens_on', 'registration_closes_on']).executeTakeFirstOrThrow();
    const context = await newContext(site);
    try {
      await db.updateTable('programmes').set({ registration_opens_on: '2020-01-01', registration_closes_on: '2020-01-31' }).where('id', '=', before.id).execute();
      site.app.sharedCache.clear();
      const page = await context.newPage();
      await visit(page, `${site.baseUrl}/register`);
      assert.equal(await page.locator('h1').innerText(), 'Registration has closed');
      assert.equal(await page.locator('a.govuk-button--start').count(), 0, 'no start button');
    } finally {
      await db.updateTable('programmes').set({ registration_opens_on: before.registration_opens_on, registration_closes_on: before.registration_closes_on }).where('id', '=', before.id).execute();
      site.app.sharedCache.clear();
      await context.close();
    }
  });

  it('registers interest with JavaScript switched off, each page accessible', async () => {
    const context = await newContext(site, false);
    const page = await context.newPage();
    await visit(page, `${site.baseUrl}/register/name`);
    const next = async () => {
      await page.locator('main button.govuk-button').focus();
      const status = await pressAndLoad(page);
      await checkPage(page);
      return status;
    };
    await page.fill('#fullName', 'Rowan Ash');
    await next();
    await page.fill('#email', 'rowan.ash@example.org');
    await next();
    // Without JavaScript the organisation list is a plain select; an unlisted workplace is typed.
    assert.equal(await page.locator('select#organisationId').count(), 1);
    await page.fill('#organisationOther', 'Hillside Diagnostics Ltd');
    await next();
    await page.check('input[name="nation"][value="England"]');
    await next();
    await page.check('input[name="region"][value="Midlands"]');
    await next();
    await page.check('input[name="serviceType"][value="other"]');
    assert.equal(await next(), 400, 'other needs its text');
    await page.check('input[name="serviceType"][value="other"]');
    await page.fill('#serviceOther', 'Community diagnostics');
    await next();
    await page.fill('#jobTitle', 'Healthcare assistant');
    await next();
    await page.check('input[name="roleGroup"][value="csw"]');
    await next();
    await next();
    await next();
    await next();
    await page.check('input[name="consent"]');
    await next();
    assert.match(page.url(), /\/register\/check-answers$/);
    await next();
    assert.match(page.url(), /\/register\/confirmation$/);
    await context.close();
  });

  it('takes the programme team from a registration to a sub-group, each page accessible', async () => {
    const { person } = await upsertPerson(site.data.db, { email: 'admin@example.org', name: 'Alex Morgan', role: 'admin' }, systemClock);
    const context = await newContext(site);
    const page = await signInAs(site, person.id, context);

    for (const path of ['/admin/registrations', '/admin/dashboard', '/admin/review', '/admin/registration-window', '/admin/projects']) await visit(page, `${site.baseUrl}${path}`);
    await visit(page, `${site.baseUrl}/admin/registrations?q=morgan`);
    await page.locator('main a', { hasText: 'Morgan Keyes' }).focus();
    await pressAndLoad(page);
    await checkPage(page);
    await page.locator('main button', { hasText: 'Accept' }).focus();
    await pressAndLoad(page);
    await checkPage(page);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Registration accepted/);
    await visit(page, `${site.baseUrl}/admin/registrations/${new URL(page.url()).pathname.split('/').pop()}/decline`);

    await visit(page, `${site.baseUrl}/admin/projects`);
    await page.locator('main a', { hasText: 'Roles, responsibilities and safe delegation' }).focus();
    await pressAndLoad(page);
    await checkPage(page);
    await page.locator('summary', { hasText: 'Create a sub-group' }).press('Enter');
    await page.locator('#name').fill('Safe delegation resources');
    await page.locator('main button', { hasText: 'Create sub-group' }).focus();
    await pressAndLoad(page);
    await checkPage(page);
    await page.locator('label', { hasText: 'Morgan Keyes' }).click();
    await page.locator('label', { hasText: 'Sub-group: Safe delegation resources' }).click();
    await page.locator('main button', { hasText: 'Add selected participants' }).focus();
    await pressAndLoad(page);
    await checkPage(page);
    await page.locator('main a', { hasText: 'Safe delegation resources' }).first().focus();
    await pressAndLoad(page);
    await checkPage(page);
    assert.match(await page.locator('main').innerText(), /Morgan Keyes/);
    await context.close();
  });

  it('the participant’s own pages are accessible', async () => {
    const person = await site.data.db.selectFrom('people').select('id').where('email_normalised', '=', 'morgan.keyes@example.org').executeTakeFirstOrThrow();
    const context = await newContext(site);
    const page = await signInAs(site, person.id, context);
    assert.match(await page.locator('main').innerText(), /Safe delegation resources/);
    await visit(page, `${site.baseUrl}/my/details`);
    await page.locator('#fullName').fill('');
    await page.locator('main button', { hasText: 'Save your details' }).focus();
    assert.equal(await pressAndLoad(page), 400);
    await checkPage(page);
    await visit(page, `${site.baseUrl}/my/withdraw`);
    await page.locator('main button', { hasText: 'Yes, withdraw' }).focus();
    await pressAndLoad(page);
    await checkPage(page);
    assert.match(page.url(), /\/withdrawn$/);
    await context.close();
  });
});
