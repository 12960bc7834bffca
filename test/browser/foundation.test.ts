/// <reference lib="dom" />
// The platform's pages in real Chromium: public pages, the sign-in journey by keyboard alone
// (with and without JavaScript), the admin area and every error page, each checked by axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkPage, consoleErrors, newContext, openNewestMailTo, pressAndLoad, startSite, tabTo, visit, type Site } from './support.ts';

describe('platform pages in Chromium', () => {
  let site: Site;
  before(async () => {
    site = await startSite({
      routes: (app) =>
        app.get('/__test/boom', () => {
          throw new Error('secret internals');
        }),
    });
  });
  after(() => site.close());

  it('public pages are accessible and load with no console or CSP errors', async () => {
    const context = await newContext(site);
    const page = await context.newPage();
    const errors = consoleErrors(page);
    for (const path of ['/', '/privacy', '/accessibility', '/cookies', '/contact', '/sign-in']) await visit(page, `${site.baseUrl}${path}`);
    assert.deepEqual(errors, []);
    await visit(page, `${site.baseUrl}/`);
    assert.equal(await page.evaluate(() => document.body.classList.contains('js-enabled')), true, 'the enhancement script ran');
    await context.close();
  });

  async function signInByKeyboard(javaScriptEnabled: boolean) {
    const context = await newContext(site, javaScriptEnabled);
    const page = await context.newPage();
    await visit(page, `${site.baseUrl}/`);
    // The header's "Sign in" link, reached and followed by keyboard.
    await tabTo(page, 'a[href="/sign-in"]');
    await pressAndLoad(page);
    assert.match(page.url(), /\/sign-in$/);
    await checkPage(page);

    // Submitting empty shows the error summary, which is itself accessible.
    await tabTo(page, '#email');
    assert.equal(await pressAndLoad(page), 400);
    assert.match(await page.title(), /^Error: /);
    await checkPage(page);

    await tabTo(page, '#email');
    await page.keyboard.type('admin@example.org');
    await pressAndLoad(page);
    assert.match(page.url(), /\/sign-in\/check-email$/);
    await checkPage(page);

    await openNewestMailTo(page, site.baseUrl, 'admin@example.org');
    await tabTo(page, '[data-testid="mail-text"] a');
    await pressAndLoad(page);
    assert.match(page.url(), /\/sign-in\/[A-Za-z0-9_-]+$/);
    await checkPage(page);
    await tabTo(page, 'main button[type="submit"]');
    await pressAndLoad(page);
    assert.match(page.url(), /\/admin$/);
    await checkPage(page);
    assert.equal(await page.locator('h1').textContent(), 'Admin');
    return { context, page };
  }

  it('signs in by keyboard alone', async () => {
    const { context, page } = await signInByKeyboard(true);
    // Sign out from the header, by keyboard.
    await tabTo(page, 'header button[type="submit"]');
    await pressAndLoad(page);
    assert.match(page.url(), /\/signed-out$/);
    await checkPage(page);
    await context.close();
  });

  it('signs in with JavaScript switched off', async () => {
    const { context } = await signInByKeyboard(false);
    await context.close();
  });

  it('the admin area, audit log and add-person form are accessible', async () => {
    const { context, page } = await signInByKeyboard(true);
    for (const path of ['/admin/people', '/admin/mail', '/admin/dashboard', '/account', '/facilitate', '/reports']) await visit(page, `${site.baseUrl}${path}`);
    await visit(page, `${site.baseUrl}/admin/people/new`);
    await page.locator('button', { hasText: 'Add person' }).focus();
    assert.equal(await pressAndLoad(page), 400);
    assert.match(await page.title(), /^Error: /);
    await checkPage(page);
    await page.fill('#name', 'Riley Shaw');
    await page.fill('#email', 'riley.shaw@example.org');
    await page.check('input[name="role"][value="facilitator"]');
    await page.locator('button', { hasText: 'Add person' }).focus();
    await pressAndLoad(page);
    assert.match(page.url(), /\/admin\/people\?added=1$/);
    await checkPage(page);
    await visit(page, `${site.baseUrl}/admin/audit`);
    assert.match(await page.locator('main').textContent() ?? '', /Added Riley Shaw as facilitator/);
    await context.close();
  });

  it('every error page is accessible and reveals nothing', async () => {
    const context = await newContext(site);
    const page = await context.newPage();
    await visit(page, `${site.baseUrl}/no-such-page`, 404);
    await visit(page, `${site.baseUrl}/__test/boom`, 500);
    assert.doesNotMatch(await page.content(), /secret internals/);
    await visit(page, `${site.baseUrl}/sign-in/expired-or-made-up-token-value`, 400);

    // 403: a form sent with a stale token.
    await visit(page, `${site.baseUrl}/sign-in`);
    await page.evaluate(() => ((document.querySelector('input[name="_csrf"]') as HTMLInputElement).value = 'stale'));
    await page.fill('#email', 'someone@example.org');
    await page.locator('main button').focus();
    assert.equal(await pressAndLoad(page), 403);
    assert.equal(await page.locator('h1').textContent(), 'You do not have permission to do that');
    await checkPage(page);

    // 429: too many sign-in requests.
    // Six requests for one address inside ten minutes.
    let status = 0;
    for (let i = 0; i < 7 && status !== 429; i++) {
      await page.goto(`${site.baseUrl}/sign-in`);
      await page.fill('#email', 'flood@example.org');
      await page.locator('main button').focus();
      status = await pressAndLoad(page);
    }
    assert.equal(status, 429);
    await checkPage(page);
    await context.close();
  });
});
