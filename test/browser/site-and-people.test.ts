/// <reference lib="dom" />
// The site's own pages and the people pages in real Chromium: the HTML as sent passes the checks
// the Nu Html Checker makes that axe does not (no aria-label on an element without a role that
// takes one, one h1, unique ids), nothing overflows at 320px (wide tables scroll in their own
// region), admin list pages use the width of a large screen, and the people pages work by
// keyboard alone without JavaScript.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, type Site } from './support.ts';

/** Elements whose (implicit) role may not be named, so aria-label on them without a role is an error. */
const GENERIC = ['div', 'span', 'p', 'b', 'i', 'u', 's', 'em', 'strong', 'small', 'code', 'pre', 'abbr', 'sub', 'sup', 'caption', 'legend', 'label', 'dd', 'dt', 'ins', 'del'];

/** The HTML exactly as sent, parsed by the browser's own parser, checked for validation errors of these kinds. */
async function validateAsSent(page: Page, html: string): Promise<string[]> {
  return page.evaluate(
    ({ html, generic }) => {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      const problems: string[] = [];
      for (const el of doc.querySelectorAll('[aria-label]')) {
        if (generic.includes(el.localName) && !el.hasAttribute('role')) problems.push(`aria-label on a <${el.localName}> without a role: ${el.outerHTML.slice(0, 120)}`);
      }
      const h1s = doc.querySelectorAll('h1').length;
      if (h1s !== 1) problems.push(`${h1s} h1 elements`);
      const seen = new Map<string, number>();
      for (const el of doc.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
      for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" used ${n} times`);
      for (const el of doc.querySelectorAll('[aria-labelledby], [aria-describedby], [aria-controls]')) {
        for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls']) {
          for (const ref of (el.getAttribute(attr) ?? '').split(/\s+/).filter(Boolean)) if (!doc.getElementById(ref)) problems.push(`${attr}="${ref}" names no element`);
        }
      }
      return problems;
    },
    { html, generic: GENERIC },
  );
}

/** Visits a page, runs axe, and checks the HTML the server sent. */
async function visitAndValidate(page: Page, url: string, status = 200): Promise<void> {
  const response = await page.goto(url);
  assert.equal(response?.status(), status, `GET ${url}`);
  await checkPage(page);
  const problems = await validateAsSent(page, await response!.text());
  assert.deepEqual(problems, [], `HTML as sent from ${url}`);
}

async function overflow(page: Page): Promise<{ page: number; viewport: number; tablesOutsideScroll: number }> {
  return page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
    tablesOutsideScroll: [...document.querySelectorAll('main table')].filter((t) => !t.closest('.coproduce-table-scroll')).length,
  }));
}

describe('site pages and people administration in Chromium', () => {
  let site: Site;
  let adminId: number;
  before(async () => {
    site = await startSite();
    adminId = (await findPersonByEmail(site.data.db, 'admin@example.org'))!.id;
  });
  after(() => site.close());

  it('the HTML as sent validates (aria-label only where a role takes it, one h1, unique ids) on public and admin pages', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);
    const facilitator = (await findPersonByEmail(site.data.db, 'facilitator@example.org'))!.id;
    for (const path of ['/', '/privacy', '/accessibility', '/cookies', '/contact', '/register', '/admin', '/admin/programme', '/admin/people', `/admin/people/${facilitator}`, '/admin/audit', '/admin/mail']) {
      await visitAndValidate(page, `${site.baseUrl}${path}`);
    }
    const anonymous = await (await newContext(site)).newPage();
    await visitAndValidate(anonymous, `${site.baseUrl}/sign-in`);
    await visitAndValidate(anonymous, `${site.baseUrl}/no-such-page`, 404);
    await context.close();
  });

  it('nothing overflows at 320px: wide tables scroll inside their own region', async () => {
    const context = await site.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await signInAs(site, adminId, context);
    for (const path of ['/cookies', '/contact', '/privacy', '/admin/people', `/admin/people/${adminId}`, '/admin/audit', '/admin/mail']) {
      await page.goto(`${site.baseUrl}${path}`);
      await checkPage(page);
      const o = await overflow(page);
      assert.ok(o.page <= o.viewport, `${path} is ${o.page}px wide in a ${o.viewport}px window`);
      assert.equal(o.tablesOutsideScroll, 0, `${path}: every table scrolls in its own region`);
    }
    await context.close();
  });

  it('admin list pages use the width of a 1280px screen', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await signInAs(site, adminId, context);
    for (const path of ['/admin/people', '/admin/audit', '/admin/mail']) {
      await page.goto(`${site.baseUrl}${path}`);
      const width = await page.evaluate(() => document.querySelector('main')!.getBoundingClientRect().width);
      assert.ok(width >= 1150, `${path}: main is ${width}px wide`);
    }
    await context.close();
  });

  it('previews and saves the home page’s content by keyboard alone, without JavaScript', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visitAndValidate(page, `${site.baseUrl}/admin/programme`);
    await page.locator('#why').fill('Because the people who do the work know it best.');
    await page.locator('#why').focus();
    await tabTo(page, 'button[value="preview"]');
    await pressAndLoad(page);
    await checkPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Preview of the home page');
    assert.match(await page.locator('.coproduce-preview').innerText(), /Because the people who do the work know it best\./);
    await tabTo(page, 'button[value="save"]');
    await pressAndLoad(page);
    await checkPage(page);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Home page saved/);
    await page.goto(`${site.baseUrl}/`);
    assert.match(await page.locator('main').innerText(), /Because the people who do the work know it best\./);
    await context.close();
  });

  it('searches people, changes a role and deactivates by keyboard alone, without JavaScript', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await page.goto(`${site.baseUrl}/admin/people`);
    await checkPage(page);
    await tabTo(page, '#q');
    await page.keyboard.type('observer@');
    await pressAndLoad(page);
    assert.match(page.url(), /\/admin\/people\?q=observer%40$/);
    await checkPage(page);
    await tabTo(page, 'main table a');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Chris Taylor');
    await pressAndLoad(page);
    await checkPage(page);

    // Radios: Tab reaches the chosen one, the arrow keys choose another (observer → participant → facilitator).
    await tabTo(page, 'input[name="role"]:checked');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).value), 'facilitator');
    await tabTo(page, 'form[action$="/role"] button');
    await pressAndLoad(page);
    await checkPage(page);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Role changed/);
    assert.match(await page.locator('.govuk-summary-list').innerText(), /Facilitator/);

    await tabTo(page, 'form[action$="/deactivate"] button');
    await pressAndLoad(page);
    await checkPage(page);
    assert.match(await page.locator('.govuk-summary-list').innerText(), /Deactivated: cannot sign in/);
    await tabTo(page, 'form[action$="/reactivate"] button');
    await pressAndLoad(page);
    assert.match(await page.locator('.govuk-summary-list').innerText(), /Active: can sign in/);

    // The only active admin is told why they cannot deactivate themselves.
    await page.goto(`${site.baseUrl}/admin/people/${adminId}`);
    await tabTo(page, 'form[action$="/deactivate"] button');
    assert.equal(await pressAndLoad(page), 409);
    await checkPage(page);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /only active admin/);
    await context.close();
  });
});
