/// <reference lib="dom" />
// The discussion journey by keyboard in real Chromium, with JavaScript and once without: a
// participant starts a discussion, another replies mentioning her, she reports a post, a lead
// hides it; every page on the way passes axe (WCAG 2.2 A and AA) with one h1 and a unique title.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { assign } from '../../src/features/participants/service.ts';
import { openSpace, viewerOf } from '../../src/features/discussions/service.ts';
import { acceptedParticipant, checkPage, newContext, press, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

/** Types into a field reached by Tab, as a keyboard user does. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

describe('the discussion journey by keyboard (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  for (const javaScript of [true, false]) {
    it(`posts, replies with a mention, reports and hides, ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
      const db = site.data.db;
      const tag = javaScript ? 'js' : 'nojs';
      const { person: admin } = await upsertPerson(db, { email: `journey-admin-${tag}@example.org`, name: `Journey Admin ${tag}`, role: 'admin' }, systemClock);
      const programmeId = (await findProgramme(db))!.id;
      const project = (await db.selectFrom('projects').select('id').where('programme_id', '=', programmeId).orderBy('position').executeTakeFirstOrThrow()).id;
      const amyName = `Amy Keys ${tag === 'js' ? 'Jay' : 'Nojay'}`;
      const amyId = await acceptedParticipant(site, admin.id, amyName, `amy.${tag}@example.org`);
      const boId = await acceptedParticipant(site, admin.id, `Bo Keys ${tag}`, `bo.${tag}@example.org`);
      await assign(db, admin.id, { projectId: project, subgroupId: null }, [amyId, boId], systemClock);
      const space = await openSpace(db, (await viewerOf(db, admin.id))!, programmeId, { name: `Keyboard talk ${tag}`, description: 'Talk here.', audience: [{ kind: 'project', id: project }] }, systemClock);
      assert.ok(space.ok);
      const base = site.baseUrl;
      const contexts = await Promise.all([newContext(site, javaScript), newContext(site, javaScript), newContext(site, javaScript)]);
      try {
        const [amy, bo, lead] = [await signInAs(site, amyId, contexts[0]!), await signInAs(site, boId, contexts[1]!), await signInAs(site, admin.id, contexts[2]!)];

        // Amy starts a discussion.
        await visit(amy, `${base}/discussions/spaces/${space.id}`);
        await press(amy, 'button', 'Start a discussion'); // a link drawn as a button (role=button)
        await typeInto(amy, '#title', `Lunch plans ${tag}`);
        await typeInto(amy, '#body', 'Shall we eat **together** on Thursday?');
        assert.equal(await press(amy, 'button', 'Post the discussion'), 200);
        assert.match(amy.url(), /\/discussions\/threads\/\d+/);
        const threadUrl = amy.url().replace(/[#?].*$/, '');
        assert.match(await amy.locator('main').innerText(), /Shall we eat together on Thursday\?/);

        // Bo replies, mentioning her.
        await visit(bo, threadUrl);
        await typeInto(bo, '#body', `Yes please, @${amyName}!`);
        assert.equal(await press(bo, 'button', 'Post your reply'), 200);
        assert.match(await bo.locator('main').innerText(), new RegExp(`Yes please, @${amyName}!`));
        const mention = await db.selectFrom('notifications').select('kind').where('person_id', '=', amyId).where('kind', '=', 'discussions.mention').executeTakeFirst();
        assert.ok(mention, 'Amy is told she was mentioned');

        // Amy reports Bo's reply.
        await visit(amy, threadUrl);
        await press(amy, 'link', new RegExp(`Report the post by Bo Keys ${tag}`));
        await typeInto(amy, '#reason', 'Not very kind');
        assert.equal(await press(amy, 'button', 'Send the report'), 200);
        assert.match(await amy.locator('main').innerText(), /A moderator will look at the post/);

        // The lead hides it from the moderation queue.
        await visit(lead, `${base}/discussions/moderation`);
        assert.match(await lead.locator('main').innerText(), /Not very kind/);
        await visit(lead, threadUrl);
        await press(lead, 'link', new RegExp(`Hide the post by Bo Keys ${tag}`));
        await tabTo(lead, '#action');
        await lead.keyboard.press('Space');
        await typeInto(lead, '#note', 'Breaks the guidelines');
        assert.equal(await press(lead, 'button', 'Save'), 200);
        assert.match(await lead.locator('main').innerText(), /Post hidden/);

        await visit(bo, threadUrl);
        await checkPage(bo);
        assert.match(await bo.locator('main').innerText(), /This post was hidden by a moderator/);
      } finally {
        await Promise.all(contexts.map((c) => c.close()));
      }
    });
  }
});
