/// <reference lib="dom" />
// The @mention type-ahead in real Chromium, by keyboard only, each page checked by axe (WCAG 2.2
// A and AA, also with the list open): typing "@Am" lists the people who can see the space,
// the arrow keys move, Enter puts the name in, Escape closes; the post mentions that person (the
// notification and its email). Nobody who cannot see the space is offered. A name goes in at the
// caret mid-text; Tab still moves on; an input method's keys are left to it; a name with markup
// stays text; a failing lookup shows no list. Without JavaScript,
// the field is a plain textarea, as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { assign } from '../../src/features/participants/service.ts';
import { SPACE_KIND, openSpace, viewerOf } from '../../src/features/discussions/service.ts';
import { audienceOf, setAudience, type AudienceTarget } from '../../src/platform/audience/access.ts';
import { acceptedParticipant, checkPage, consoleErrors, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('@mention type-ahead (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  const options = (page: Page) => page.locator('#body-mentions [role="option"]');
  const status = (page: Page) => page.locator('#body-mentions + [role="status"]');
  const value = (page: Page) => page.locator('#body').inputValue();

  it('lists, chooses and inserts a name by keyboard, and the person is told they were mentioned', async () => {
    const db = site.data.db;
    const { person: admin } = await upsertPerson(db, { email: 'mention-admin@example.org', name: 'Mention Admin', role: 'admin' }, systemClock);
    const programmeId = (await findProgramme(db))!.id;
    const [projectA, projectB] = (await db.selectFrom('projects').select('id').where('programme_id', '=', programmeId).orderBy('position').execute()).map((p) => p.id);
    const amyId = await acceptedParticipant(site, admin.id, 'Amy Author', 'amy.mention@example.org');
    const amaraId = await acceptedParticipant(site, admin.id, 'Amara Okafor', 'amara.mention@example.org');
    const ambroseId = await acceptedParticipant(site, admin.id, 'Ambrose Hill', 'ambrose.mention@example.org');
    const amosId = await acceptedParticipant(site, admin.id, 'Amos Elsewhere', 'amos.mention@example.org');
    await assign(db, admin.id, { projectId: projectA!, subgroupId: null }, [amyId, amaraId, ambroseId], systemClock);
    await assign(db, admin.id, { projectId: projectB!, subgroupId: null }, [amosId], systemClock);
    const space = await openSpace(db, (await viewerOf(db, admin.id))!, programmeId, { name: 'Mentions talk', description: '', audience: [{ kind: 'project', id: projectA! }] }, systemClock);
    assert.ok(space.ok);

    const context = await newContext(site, true);
    try {
      const page = await signInAs(site, amyId, context);
      const errors = consoleErrors(page);
      await visit(page, `${site.baseUrl}/discussions/spaces/${space.id}/threads/new`);
      await tabTo(page, '#title');
      await page.keyboard.type('Room for Thursday');
      await tabTo(page, '#body');
      const body = page.locator('#body');
      assert.equal(await body.getAttribute('aria-autocomplete'), 'list');
      assert.equal(await body.getAttribute('aria-controls'), 'body-mentions');

      // "@Am": the two people of the project whose names start so; not Amy herself, not Amos (project B).
      await page.keyboard.type('Hello @Am');
      await options(page).first().waitFor();
      assert.deepEqual(await options(page).allInnerTexts(), ['Amara Okafor', 'Ambrose Hill']);
      assert.equal(await status(page).innerText(), '2 people found');
      assert.equal(await body.getAttribute('aria-activedescendant'), null, 'nothing chosen until an arrow key');
      await checkPage(page);
      // Escape closes the list and leaves the text as typed.
      await page.keyboard.press('Escape');
      await page.locator('#body-mentions').waitFor({ state: 'hidden' });
      assert.equal(await value(page), 'Hello @Am');

      // Typing again opens it again; Down, Down, Up comes back to the first; Enter puts it in.
      await page.keyboard.press('Backspace');
      await page.keyboard.type('m');
      await options(page).first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await body.getAttribute('aria-activedescendant'), 'body-mentions-1');
      assert.equal(await options(page).nth(1).getAttribute('aria-selected'), 'true');
      await page.keyboard.press('ArrowUp');
      assert.equal(await body.getAttribute('aria-activedescendant'), 'body-mentions-0');
      await checkPage(page);
      await page.keyboard.press('Enter');
      assert.equal(await value(page), 'Hello @Amara Okafor ');
      await page.locator('#body-mentions').waitFor({ state: 'hidden' });
      assert.equal(await body.getAttribute('aria-activedescendant'), null);
      // Going on typing after the name opens no list; Enter is a new line again.
      await page.keyboard.type('about the room.');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(400);
      assert.equal(await options(page).count(), 0);
      assert.equal(await value(page), 'Hello @Amara Okafor about the room.\n');

      // Post it, by keyboard.
      await tabTo(page, 'button[value="post"]');
      assert.equal(await pressAndLoad(page), 200);
      await checkPage(page);
      assert.match(page.url(), /\/discussions\/threads\/\d+/);
      const told = await db.selectFrom('notifications').select(['person_id', 'kind']).where('kind', '=', 'discussions.mention').execute();
      assert.deepEqual(told.map((n) => n.person_id), [amaraId]);
      const mail = await db.selectFrom('outbox').select('subject').where('to_address', '=', 'amara.mention@example.org').where('subject', 'like', '%mentioned you%').execute();
      assert.deepEqual(mail.map((m) => m.subject), ['Amy Author mentioned you in “Room for Thursday”']);

      // The reply form on the thread page: nobody who cannot see the space, said so; a click inserts too.
      await tabTo(page, '#body');
      await page.keyboard.type('@Amo');
      await status(page).filter({ hasText: 'No people found' }).waitFor();
      assert.equal(await options(page).count(), 0);
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('mb');
      await options(page).first().waitFor();
      assert.deepEqual(await options(page).allInnerTexts(), ['Ambrose Hill']);
      assert.equal(await status(page).innerText(), '1 person found');
      await options(page).first().click();
      assert.equal(await value(page), '@Ambrose Hill ');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'body', 'focus stays in the field');
      assert.deepEqual(errors, [], 'no script or CSP errors');
    } finally {
      await context.close();
    }
  });

  it('inserts in the middle of the text, lets Tab and input methods be, shows a name with markup as text, and stays quiet when the lookup fails', async () => {
    const db = site.data.db;
    const space = await db.selectFrom('discussion_spaces').select('id').where('name', '=', 'Mentions talk').executeTakeFirstOrThrow();
    const amy = await db.selectFrom('people').select('id').where('email', '=', 'amy.mention@example.org').executeTakeFirstOrThrow();
    // Someone whose name is markup, chosen by name for the space as well as its project.
    const { person: marked } = await upsertPerson(db, { email: 'amx.mention@example.org', name: 'Amxss <img src=x onerror="window.__xss=1">', role: 'participant' }, systemClock);
    const audience = await audienceOf(db, SPACE_KIND, space.id);
    await setAudience(db, SPACE_KIND, space.id, [...audience.map((a) => ({ kind: a.kind, id: a.id }) as AudienceTarget), { kind: 'person', id: marked.id }]);
    const context = await newContext(site, true);
    try {
      const page = await signInAs(site, amy.id, context);
      const errors = consoleErrors(page);
      await visit(page, `${site.baseUrl}/discussions/spaces/${space.id}/threads/new`);
      await tabTo(page, '#body');
      const body = page.locator('#body');
      const focused = () => page.evaluate(() => document.activeElement?.id ?? '');

      // In the middle of the text: what follows the caret stays, the caret goes after the name.
      await page.keyboard.type('Dear , see you');
      await page.evaluate(() => (document.getElementById('body') as HTMLTextAreaElement).setSelectionRange(5, 5));
      await page.keyboard.type('@Amb');
      await options(page).first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      assert.equal(await value(page), 'Dear @Ambrose Hill , see you');
      assert.equal(await page.evaluate(() => (document.getElementById('body') as HTMLTextAreaElement).selectionStart), 'Dear @Ambrose Hill '.length);

      // Tab with the list open but nothing chosen closes it and moves on; so does Tab with no list.
      await page.keyboard.press('End');
      await page.keyboard.type(' @Ama');
      await options(page).first().waitFor();
      await page.keyboard.press('Tab');
      assert.notEqual(await focused(), 'body', 'Tab leaves the field');
      await page.locator('#body-mentions').waitFor({ state: 'hidden' });
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focused(), 'body');
      await page.keyboard.press('Tab');
      assert.notEqual(await focused(), 'body', 'Tab leaves the field when no list is open');
      await page.keyboard.press('Shift+Tab');

      // An input method's Enter (composing) is its own: nothing is put in, the key is not taken.
      await page.keyboard.press('End');
      await page.keyboard.press('Backspace');
      await options(page).first().waitFor();
      await page.keyboard.press('ArrowDown');
      const taken = await page.evaluate(() => {
        const event = new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true });
        document.getElementById('body')!.dispatchEvent(event);
        return event.defaultPrevented;
      });
      assert.equal(taken, false);
      assert.equal(await value(page), 'Dear @Ambrose Hill , see you @Am');
      assert.ok(await options(page).count() > 0, 'the list is still there');
      await page.keyboard.press('Escape');

      // A name with markup is shown as text: no element made from it, nothing run.
      await page.keyboard.type('x');
      await options(page).first().waitFor();
      assert.deepEqual(await options(page).allInnerTexts(), ['Amxss <img src=x onerror="window.__xss=1">']);
      assert.equal(await page.locator('#body-mentions img').count(), 0);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      assert.equal(await value(page), 'Dear @Ambrose Hill , see you @Amxss <img src=x onerror="window.__xss=1"> ');
      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
      assert.deepEqual(errors, [], 'no script or CSP errors');

      // The lookup failing (a server error, then no network): no list and no "No people found",
      // a word that names cannot be listed, and the typing goes on as without JavaScript.
      await page.route('**/people?*', (route) => route.fulfill({ status: 500, contentType: 'text/html', body: '<p>Sorry</p>' }));
      await page.keyboard.type('and @Amb');
      await status(page).filter({ hasText: 'Names cannot be listed just now' }).waitFor();
      assert.equal(await options(page).count(), 0);
      await page.unroute('**/people?*');
      await page.route('**/people?*', (route) => route.abort());
      await page.keyboard.type('r');
      await page.waitForTimeout(400);
      assert.equal(await options(page).count(), 0);
      assert.doesNotMatch(await status(page).innerText(), /No people found/);
      await page.keyboard.type('ose Hill');
      assert.match(await value(page), /and @Ambrose Hill$/);
      assert.equal(await body.getAttribute('aria-activedescendant'), null);
    } finally {
      await context.close();
    }
  });

  it('leaves the field a plain textarea without JavaScript', async () => {
    const db = site.data.db;
    const space = await db.selectFrom('discussion_spaces').select('id').where('name', '=', 'Mentions talk').executeTakeFirstOrThrow();
    const amy = await db.selectFrom('people').select('id').where('email', '=', 'amy.mention@example.org').executeTakeFirstOrThrow();
    const context = await newContext(site, false);
    try {
      const page = await signInAs(site, amy.id, context);
      await visit(page, `${site.baseUrl}/discussions/spaces/${space.id}/threads/new`);
      assert.equal(await page.locator('#body').getAttribute('aria-autocomplete'), null);
      assert.equal(await page.locator('[role="listbox"]').count(), 0);
      assert.match(await page.locator('#body-hint').innerText(), /write @ and their full name.*With JavaScript on, a list of names appears/s);
    } finally {
      await context.close();
    }
  });
});
