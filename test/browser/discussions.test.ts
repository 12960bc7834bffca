/// <reference lib="dom" />
// Every discussions page in real Chromium without JavaScript, each checked by axe (WCAG 2.2 A and
// AA), with one h1 and a unique title: the list, a space, a thread with a poll, nested and quoted
// replies and a hidden post, every form (and one with its errors), the moderators' pages, search.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { assign } from '../../src/features/participants/service.ts';
import { acceptedParticipant, checkPage, newContext, signInAs, startSite, visit, type Site } from './support.ts';
import { addPoll } from '../../src/features/discussions/polls.ts';
import { moderatePost, openSpace, readablePost, readableSpace, readableThread, reply, reportPost, startThread, viewerOf } from '../../src/features/discussions/service.ts';

describe('discussions pages (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  it('passes axe on every page, without JavaScript', async () => {
    const db = site.data.db;
    const { person: admin } = await upsertPerson(db, { email: 'disc-admin@example.org', name: 'Disc Admin', role: 'admin' }, systemClock);
    const programmeId = (await findProgramme(db))!.id;
    const project = (await db.selectFrom('projects').select('id').where('programme_id', '=', programmeId).orderBy('position').executeTakeFirstOrThrow()).id;
    const amyId = await acceptedParticipant(site, admin.id, 'Amy Archer', 'amy.disc@example.org');
    const boId = await acceptedParticipant(site, admin.id, 'Bo Baker', 'bo.disc@example.org');
    await assign(db, admin.id, { projectId: project, subgroupId: null }, [amyId, boId], systemClock);
    const ctx = { clock: systemClock, baseUrl: site.baseUrl, secret: site.config.sessionSecret };
    const adminV = (await viewerOf(db, admin.id))!;
    const amy = (await viewerOf(db, amyId))!;
    const bo = (await viewerOf(db, boId))!;
    const space = await openSpace(db, adminV, programmeId, { name: 'Project talk', description: 'Talk here.', audience: [{ kind: 'project', id: project }] }, systemClock);
    assert.ok(space.ok);
    const started = await startThread(db, ctx, amy, (await readableSpace(db, amy, programmeId, space.id, systemClock))!, { title: 'Where shall we meet?', body: 'Somewhere **accessible**.', key: null });
    assert.ok(started.ok);
    const t = () => readableThread(db, bo, programmeId, started.threadId, systemClock).then((a) => a!);
    const first = await reply(db, ctx, bo, await t(), { body: 'The library.', parentId: null, quoteOf: null, key: null });
    assert.ok(first.ok);
    await reply(db, ctx, amy, (await readableThread(db, amy, programmeId, started.threadId, systemClock))!, { body: 'Good idea @Bo Baker', parentId: first.postId, quoteOf: first.postId, key: null });
    const rude = await reply(db, ctx, bo, await t(), { body: 'Something rude', parentId: null, quoteOf: null, key: null });
    assert.ok(rude.ok);
    const rudeAccess = (await readablePost(db, adminV, programmeId, rude.postId, systemClock))!;
    await reportPost(db, amy, { ...(await readablePost(db, amy, programmeId, rude.postId, systemClock))! }, 'Rude', systemClock);
    const threadAccess = (await readableThread(db, adminV, programmeId, started.threadId, systemClock))!;
    await addPoll(db, adminV, threadAccess, { kind: 'agreement', question: 'Meet at the library?', options: [], closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), hideResults: false }, systemClock);
    const other = await startThread(db, ctx, amy, (await readableSpace(db, amy, programmeId, space.id, systemClock))!, { title: 'Reported one', body: 'Nothing here', key: null });
    assert.ok(other.ok);

    const adminC = await newContext(site, false);
    const amyC = await newContext(site, false);
    try {
      const a = await signInAs(site, admin.id, adminC);
      const m = await signInAs(site, amyId, amyC);
      const base = site.baseUrl;
      for (const url of ['/discussions', `/discussions/spaces/${space.id}`, `/discussions/threads/${started.threadId}`, `/discussions/threads/${started.threadId}/reply?to=${first.postId}&quote=1`, `/discussions/posts/${first.postId}/report`, '/discussions/search?q=library', '/discussions/guidelines', `/discussions/spaces/${space.id}/threads/new`]) {
        await visit(m, `${base}${url}`);
        await checkPage(m);
      }
      // A form with its errors.
      await visit(m, `${base}/discussions/spaces/${space.id}/threads/new`);
      await m.locator('button[value="post"]').click();
      await m.waitForLoadState();
      assert.match(await m.locator('.govuk-error-summary').innerText(), /Enter a title/);
      await checkPage(m);
      await moderatePost(db, adminV, rudeAccess, 'hide', 'Breaks the guidelines', systemClock);
      for (const url of ['/discussions/moderation', `/discussions/spaces/new`, `/discussions/spaces/${space.id}/edit`, `/discussions/spaces/${space.id}/suspend`, `/discussions/threads/${started.threadId}`, `/discussions/threads/${started.threadId}/close`, `/discussions/threads/${other.threadId}/poll`, `/discussions/posts/${first.postId}/moderate`, `/discussions/posts/${first.postId}/history`]) {
        await visit(a, `${base}${url}`);
        await checkPage(a);
      }
      await visit(m, `${base}/discussions/threads/${started.threadId}`);
      await checkPage(m);
      assert.match(await m.locator('main').innerText(), /This post was hidden by a moderator/);
    } finally {
      await adminC.close();
      await amyC.close();
    }
  });
});
