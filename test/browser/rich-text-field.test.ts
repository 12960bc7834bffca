/// <reference lib="dom" />
// The shared rich-text field in Chromium, by keyboard, with and without JavaScript: help on
// formatting opens, "Preview" posts the form and shows the text rendered beneath the field (and
// keeps it in the field), "Save note" saves; axe-core finds nothing on any of those pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { richTextTestRoutes, TEST_FORM_PATH } from '../../src/platform/rich-text/test-form.ts';
import { checkPage, consoleErrors, newContext, pressAndLoad, startSite, tabTo, visit, type Site } from './support.ts';

describe('the rich-text field in Chromium', () => {
  let site: Site;
  before(async () => {
    site = await startSite({ routes: richTextTestRoutes });
  });
  after(() => site.close());

  for (const javaScript of [false, true]) {
    it(`previews and saves by keyboard ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
      const context = await newContext(site, javaScript);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await visit(page, `${site.baseUrl}${TEST_FORM_PATH}`);

      // Help with formatting opens from the keyboard (a <details>, so no script is needed).
      await tabTo(page, 'summary');
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('details').getAttribute('open'), '');
      await checkPage(page);

      await tabTo(page, 'textarea#body');
      const typed = '# Minutes\n\nWe agreed **three** things:\n\n- one\n- two\n\n<img src=x onerror="document.title=\'hacked\'">';
      await page.keyboard.insertText(typed);
      await tabTo(page, 'button[value="preview"]');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.replace(/\s+/g, ' ').trim()), 'Preview your note');
      assert.equal(await pressAndLoad(page), 200);
      assert.equal(new URL(page.url()).hash, '#body-preview');
      await checkPage(page);
      const preview = page.locator('#body-preview');
      assert.equal(await preview.locator('h2').innerText(), 'Preview of your note');
      assert.equal(await preview.locator('h3').innerText(), 'Minutes');
      assert.equal(await preview.locator('strong').innerText(), 'three');
      assert.equal(await preview.locator('li').count(), 2);
      assert.equal(await preview.locator('img').count(), 0);
      assert.match(await preview.innerText(), /<img src=x onerror=/, 'HTML shown as typed');
      assert.equal(await page.locator('textarea#body').inputValue(), typed, 'what was typed is kept');
      assert.doesNotMatch(await page.title(), /hacked/);

      await tabTo(page, 'button[value="save"]');
      assert.equal(await pressAndLoad(page), 200);
      await checkPage(page);
      assert.equal(await page.locator('#saved h3').innerText(), 'Minutes');
      assert.doesNotMatch(await page.title(), /hacked/);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});
