// Discussions on both engines: access by membership on every route, list, search result and
// digest; posting, replies (nesting, quoting), mentions, double submits, edits with history,
// deleting; leads' pin, lock, close and archive; moderation with the audit log; notifications by
// preference (the digest with the injected clock); search; hostile input.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { makeLead } from '../../platform/audience/access.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { setPreferences } from '../../platform/notify/notify.ts';
import { sendDigests } from '../../platform/notify/digest.ts';
import type { TestClient } from '../../../test/helpers/app.ts';
import { formKey } from '../../../test/helpers/app.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { assign, createSubgroup, removeFromProject } from '../participants/service.ts';
import { discussionsPersonalData } from './personal-data.ts';
import { seedDemoDiscussions } from './demo.ts';
import { readableThread, reply, viewerOf } from './service.ts';

describe(`discussions on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  let amyC: TestClient, boC: TestClient, cyC: TestClient;
  let projectA: number, projectB: number;
  const db = () => f.t.data.db;
  const ctx = () => ({ clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, errorSummary(res.body).join(' | ') || res.body.slice(0, 300));
  const notes = (kind?: string) => {
    let qb = db().selectFrom('notifications').select(['person_id', 'kind', 'delivery', 'item_id']).where('kind', 'like', 'discussions.%');
    if (kind) qb = qb.where('kind', '=', kind);
    return qb.orderBy('id').execute();
  };
  const posts = () => db().selectFrom('discussion_posts').selectAll().orderBy('id').execute();
  const lastSpace = async () => (await db().selectFrom('discussion_spaces').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  const lastThread = async () => (await db().selectFrom('discussion_threads').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  const lastPost = async () => (await db().selectFrom('discussion_posts').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  const openSpace = async (client: TestClient, projectId: number, name = 'Project A talk') => {
    ok(await client.submit('/discussions/spaces/new', { name, description: 'For the project', audience: 'projects', audienceProjects: String(projectId) }, '/discussions/spaces/new'));
    return lastSpace();
  };
  const keyOf = formKey;
  const startThread = async (client: TestClient, spaceId: number, title: string, body: string) => {
    const form = `/discussions/spaces/${spaceId}/threads/new`;
    ok(await client.submit(form, { title, body, key: await keyOf(client, form), action: 'post' }, form));
    return lastThread();
  };
  const replyTo = async (client: TestClient, threadId: number, body: string, extra: Record<string, string> = {}) => {
    const page = `/discussions/threads/${threadId}`;
    const res = await client.submit(`${page}/replies`, { body, key: await keyOf(client, page), action: 'post', ...extra }, page);
    ok(res);
    return { res, id: await lastPost() };
  };

  beforeEach(async () => {
    f = await setUp();
    [projectA, projectB] = [f.projects[0]!.id, f.projects[1]!.id];
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    await assign(db(), f.admin.personId, { projectId: projectA, subgroupId: null }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: projectB, subgroupId: null }, [cy.personId], f.t.clock);
    [amyC, boC, cyC] = [await f.signInAs(amy.personId), await f.signInAs(bo.personId), await f.signInAs(cy.personId)];
  });
  afterEach(() => f.t.close());

  it('shows a project space only to its members, on every route, list and search', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Where shall we meet?', 'Somewhere with step-free access, say the library.');
    const postId = await lastPost();
    assert.match(mainText((await amyC.get('/discussions')).body), /Project A talk/);
    assert.match(mainText((await boC.get('/discussions')).body), /Project A talk 1 1 unread/);
    assert.doesNotMatch(mainText((await cyC.get('/discussions')).body), /Project A talk/);
    for (const url of [`/discussions/spaces/${spaceId}`, `/discussions/spaces/${spaceId}/threads/new`, `/discussions/threads/${threadId}`, `/discussions/threads/${threadId}/reply?to=${postId}`, `/discussions/posts/${postId}/report`, `/discussions/posts/${postId}/edit`, `/discussions/posts/${postId}/history`, `/discussions/posts/${postId}/moderate`]) {
      assert.equal((await cyC.get(url)).statusCode, 404, url);
    }
    const token = await cyC.csrfToken('/discussions');
    for (const [url, body] of [
      [`/discussions/threads/${threadId}/replies`, { body: 'let me in' }],
      [`/discussions/spaces/${spaceId}/threads/new`, { title: 'x', body: 'y' }],
      [`/discussions/posts/${postId}/report`, { reason: 'nosy' }],
      [`/discussions/threads/${threadId}/follow`, { on: '1' }],
      [`/discussions/spaces/${spaceId}/follow`, { on: '1' }],
    ] as const) {
      assert.equal((await cyC.post(url, body, token)).statusCode, 404, url);
    }
    assert.equal((await posts()).length, 1, 'nothing posted by a non-member');
    assert.match(mainText((await boC.get('/discussions/search?q=library')).body), /1 post found Where shall we meet\?/);
    assert.match(mainText((await cyC.get('/discussions/search?q=library')).body), /No posts found/);
    assert.match(mainText((await boC.get('/my')).body), /New in your discussions Project A talk ?: 1 discussion with new posts/);
    assert.doesNotMatch(mainText((await cyC.get('/my')).body), /Project A talk/);
    // Reading the thread clears the unread mark.
    await boC.get(`/discussions/threads/${threadId}`);
    assert.match(mainText((await boC.get('/discussions')).body), /Project A talk 1 0/);
    assert.doesNotMatch(mainText((await boC.get('/my')).body), /New in your discussions/);
    // A member who leaves the project no longer reads it.
    await removeFromProject(db(), f.admin.personId, projectA, bo.personId, f.t.clock);
    assert.equal((await boC.get(`/discussions/threads/${threadId}`)).statusCode, 404);
  });

  it('never shows a private space to a lead of another space: not through quoting, replying, the poll, the moderators\' pages or a lead\'s forms', async () => {
    f.t.clock.set('2026-03-02T10:00:00Z');
    const spaceA = await openSpace(f.admin, projectA);
    const threadA = await startThread(amyC, spaceA, 'Where shall we meet?', 'Somewhere with step-free access, say the library.');
    const postA = await lastPost();
    const poll = `/discussions/threads/${threadA}/poll`;
    ok(await f.admin.submit(poll, { question: 'Secret ballot?', kind: 'agreement', 'closes-day': '5', 'closes-month': '3', 'closes-year': '2026' }, poll));
    ok(await boC.submit(`/discussions/posts/${postA}/report`, { reason: 'Reported in A' }, `/discussions/posts/${postA}/report`));
    // Cy leads a sub-group of project B and runs its space: a moderator, but not of A.
    const group = await createSubgroup(db(), f.admin.personId, projectB, { name: 'B group', description: '' }, f.t.clock);
    assert.ok(group.ok);
    await assign(db(), f.admin.personId, { projectId: projectB, subgroupId: group.id }, [cy.personId], f.t.clock);
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: group.id }, cy.personId, f.t.clock)).ok);
    ok(await cyC.submit('/discussions/spaces/new', { name: 'Project B talk', audience: 'subgroups', audienceSubgroups: String(group.id) }, '/discussions/spaces/new'));
    const spaceB = await lastSpace();
    const threadB = await startThread(cyC, spaceB, 'Our plans', 'Plans for B.');
    const secret = /step-free|Secret ballot|Reported in A|Where shall we meet/;

    assert.equal((await cyC.get(`/discussions/threads/${threadB}/reply?to=${postA}&quote=1`)).statusCode, 404, 'quoting a post of A from a thread of B');
    const token = await cyC.csrfToken(`/discussions/threads/${threadB}`);
    for (const extra of [{ quoteOf: String(postA) }, { parentId: String(postA) }, { parentId: String(postA), quoteOf: String(postA) }] as Record<string, string>[]) {
      const res = await cyC.post(`/discussions/threads/${threadB}/replies`, { body: 'Quoting A', key: `abcdefgh-${Object.keys(extra).join('')}`, action: 'post', ...extra }, token);
      assert.equal(res.statusCode, 400, JSON.stringify(extra));
      assert.doesNotMatch(res.body, secret);
      // The preview of such a reply does not show it either.
      assert.doesNotMatch((await cyC.post(`/discussions/threads/${threadB}/replies`, { body: 'Quoting A', action: 'preview', ...extra }, token)).body, secret);
    }
    assert.equal((await posts()).filter((p) => p.body === 'Quoting A').length, 0);

    for (const url of [poll, `/discussions/threads/${threadA}/close`, `/discussions/spaces/${spaceA}/edit`, `/discussions/spaces/${spaceA}/suspend`, `/discussions/moderation?space=${spaceA}`]) {
      assert.equal((await cyC.get(url)).statusCode, 404, url);
    }
    for (const [url, body] of [
      [`/discussions/threads/${threadA}/vote`, { choice: 'agree', reason: '' }],
      [`/discussions/threads/${threadA}/flags`, { what: 'lock' }],
      [`/discussions/threads/${threadA}/close`, { summary: 'Closed by B' }],
      [poll, { question: 'Another?', kind: 'agreement', 'closes-day': '5', 'closes-month': '3', 'closes-year': '2026' }],
      [`/discussions/posts/${postA}/moderate`, { action: 'hide', note: 'From B' }],
      [`/discussions/posts/${postA}/edit`, { body: 'Changed by B' }],
      [`/discussions/posts/${postA}/delete`, {}],
      [`/discussions/spaces/${spaceA}/archive`, { on: '1' }],
      [`/discussions/spaces/${spaceA}/edit`, { name: 'Renamed by B', description: '' }],
      [`/discussions/spaces/${spaceA}/suspend`, { email: amy.email, 'until-day': '9', 'until-month': '3', 'until-year': '2026', note: 'x' }],
    ] as const) {
      const res = await cyC.post(url, body, token);
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, secret, url);
    }
    const moderation = await cyC.get('/discussions/moderation');
    assert.equal(moderation.statusCode, 200);
    assert.doesNotMatch(moderation.body, secret);
    const [a] = await db().selectFrom('discussion_spaces').selectAll().where('id', '=', spaceA).execute();
    assert.deepEqual([a!.name, a!.archived_at], ['Project A talk', null]);
    const [t] = await db().selectFrom('discussion_threads').selectAll().where('id', '=', threadA).execute();
    assert.deepEqual([t!.locked_at, t!.closed_at], [null, null]);
    assert.deepEqual((await posts()).find((p) => p.id === postA)!.status, 'visible');
    assert.equal((await db().selectFrom('discussion_poll_votes').selectAll().execute()).length, 0);
    assert.equal((await db().selectFrom('discussion_suspensions').selectAll().execute()).length, 0);
  });

  it('lets a project lead open spaces only for their own projects, and manage only those', async () => {
    const fac = await f.t.signedIn('facilitator');
    assert.equal((await fac.get('/discussions/spaces/new')).statusCode, 403, 'leads nothing yet');
    assert.ok((await makeLead(db(), { kind: 'project', id: projectA }, fac.personId, f.t.clock)).ok);
    const spaceId = await openSpace(fac, projectA);
    const res = await fac.submit('/discussions/spaces/new', { name: 'Other', audience: 'projects', audienceProjects: String(projectB) }, '/discussions/spaces/new');
    assert.equal(res.statusCode, 403, 'a project they do not lead');
    assert.deepEqual(errorSummary(res.body), [['You can open spaces only for the projects and sub-groups you lead. Choose one of those', '#audience']]);
    const adminSpace = await openSpace(f.admin, projectB, 'Project B talk');
    assert.equal((await fac.get(`/discussions/spaces/${adminSpace}`)).statusCode, 404);
    ok(await fac.submit(`/discussions/spaces/${spaceId}/edit`, { name: 'Renamed <b>space</b>', description: '' }, `/discussions/spaces/${spaceId}/edit`));
    assert.match((await amyC.get('/discussions')).body, /Renamed &lt;b&gt;space&lt;\/b&gt;/);
    assert.equal((await amyC.get(`/discussions/spaces/${spaceId}/edit`)).statusCode, 404, 'a member does not manage it');
    const actions = (await db().selectFrom('audit_events').select('action').where('action', 'like', 'discussions.%').orderBy('id').execute()).map((r) => r.action);
    assert.deepEqual(actions, ['discussions.space.open', 'discussions.space.open', 'discussions.space.rename']);
  });

  it('lets a participant who leads a sub-group open and run a space for it, seen by its members only', async () => {
    const group = await createSubgroup(db(), f.admin.personId, projectA, { name: 'Guidance', description: '' }, f.t.clock);
    assert.ok(group.ok);
    await assign(db(), f.admin.personId, { projectId: projectA, subgroupId: group.id }, [amy.personId], f.t.clock);
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: group.id }, amy.personId, f.t.clock)).ok);
    ok(await amyC.submit('/discussions/spaces/new', { name: 'Guidance group', audience: 'subgroups', audienceSubgroups: String(group.id) }, '/discussions/spaces/new'));
    const spaceId = await lastSpace();
    const threadId = await startThread(amyC, spaceId, 'Our checklist', 'Draft attached');
    assert.equal((await boC.get(`/discussions/spaces/${spaceId}`)).statusCode, 404, 'in the project but not the sub-group');
    ok(await amyC.submit(`/discussions/threads/${threadId}/flags`, { what: 'pin' }, `/discussions/threads/${threadId}`));
    assert.equal((await boC.get('/discussions/spaces/new')).statusCode, 403, 'a member who leads nothing opens nothing');
  });

  it('posts threads and replies with nesting, quoting, inert HTML and one post per double submit', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, '<script>alert(1)</script> plans', 'Opening <img src=x onerror=alert(1)> **bold**');
    const opening = await lastPost();
    const page = `/discussions/threads/${threadId}`;
    const key = await keyOf(boC, page);
    const form = { body: 'Agreed <script>alert(2)</script>', key, action: 'post', parentId: String(opening) };
    ok(await boC.submit(`${page}/replies`, form, page));
    ok(await boC.submit(`${page}/replies`, form, page));
    assert.equal((await posts()).length, 2, 'the same form twice: one reply');
    const boReply = await lastPost();
    // A reply to a nested reply joins the same top-level post; a quote shows the quoted text and author.
    const { id: nested } = await replyTo(amyC, threadId, 'Replying to Bo', { parentId: String(boReply) });
    const { id: deeper } = await replyTo(boC, threadId, 'And again', { parentId: String(nested), quoteOf: String(nested) });
    const rows = await posts();
    assert.equal(rows.find((p) => p.id === nested)!.parent_id, boReply);
    assert.equal(rows.find((p) => p.id === deeper)!.parent_id, boReply, 'one level of nesting only');
    const html = (await amyC.get(page)).body;
    assert.doesNotMatch(html, /<script>alert|<img src=x/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; plans/);
    assert.match(html, /<strong>bold<\/strong>/);
    assert.match(html, /<blockquote[^>]*><p class="govuk-body-s">Amy Archer wrote:<\/p><p class="govuk-body">Replying to Bo<\/p>/);
    // Bo's reply told Amy (a reply to her post), the quote reply too; nobody is told of their own post.
    const told = await notes();
    assert.ok(told.every((n) => n.person_id !== bo.personId || n.item_id !== boReply));
    assert.ok(told.some((n) => n.person_id === amy.personId && n.kind === 'discussions.reply-to-you' && n.item_id === boReply));
    // Empty and oversized posts: messages, nothing lost.
    const empty = await boC.submit(`${page}/replies`, { body: '   ', key: await keyOf(boC, page) }, page);
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [['Write your reply', '#body']]);
    const long = 'x'.repeat(20_001);
    const big = await boC.submit(`${page}/replies`, { body: long, key: await keyOf(boC, page) }, page);
    assert.equal(big.statusCode, 400);
    assert.ok(big.body.includes(long), 'what was typed is kept');
    const noTitle = await amyC.submit(`/discussions/spaces/${spaceId}/threads/new`, { title: '', body: 'text' }, `/discussions/spaces/${spaceId}/threads/new`);
    assert.deepEqual(errorSummary(noTitle.body), [['Enter a title for the discussion', '#title']]);
  });

  it('tells people they mention who can see the space, and the author who could not be told', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const form = `/discussions/spaces/${spaceId}/threads/new`;
    const res = await amyC.submit(form, { title: 'Hello', body: 'Hi @Bo Baker and @Cy Carter, and @Nobody.', key: await keyOf(amyC, form), action: 'post' }, form);
    ok(res);
    const told = await notes('discussions.mention');
    assert.deepEqual(told.map((n) => n.person_id), [bo.personId]);
    const page = await amyC.get(res.headers.location as string);
    assert.match(mainText(page.body), /Cy Carter cannot see this space, so we did not tell them about your mention/);
    const mail = await db().selectFrom('outbox').select(['to_address', 'subject']).where('subject', 'like', '%mentioned you%').execute();
    assert.deepEqual(mail.map((m) => m.to_address), [bo.email]);
  });

  it('keeps earlier versions of an edited post for moderators, and shows deleted posts as deleted', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Draft', 'First words');
    const { id } = await replyTo(boC, threadId, 'Original reply');
    assert.equal((await amyC.get(`/discussions/posts/${id}/edit`)).statusCode, 404, 'not her post');
    ok(await boC.submit(`/discussions/posts/${id}/edit`, { body: 'Changed reply' }, `/discussions/posts/${id}/edit`));
    const html = mainText((await amyC.get(`/discussions/threads/${threadId}`)).body);
    assert.match(html, /Edited/);
    assert.match(html, /Changed reply/);
    assert.doesNotMatch(html, /Original reply/);
    assert.equal((await amyC.get(`/discussions/posts/${id}/history`)).statusCode, 404, 'members do not read the history');
    assert.match(mainText((await f.admin.get(`/discussions/posts/${id}/history`)).body), /Original reply/);
    ok(await boC.submit(`/discussions/posts/${id}/delete`, {}, `/discussions/threads/${threadId}`));
    const after = mainText((await amyC.get(`/discussions/threads/${threadId}`)).body);
    assert.match(after, /This post was deleted by its author/);
    assert.doesNotMatch(after, /Changed reply/);
    assert.match(mainText((await boC.get('/discussions/search?q=changed')).body), /No posts found/);
  });

  it('refuses replies to a locked thread and posts in an archived space, saying why', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Topic', 'Body');
    ok(await f.admin.submit(`/discussions/threads/${threadId}/flags`, { what: 'lock' }, `/discussions/threads/${threadId}`));
    const page = `/discussions/threads/${threadId}`;
    assert.match(mainText((await boC.get(page)).body), /This discussion is locked/);
    const res = await boC.submit(`${page}/replies`, { body: 'Too late', key: 'abcdefgh-1' }, page);
    assert.equal(res.statusCode, 403);
    assert.deepEqual(errorSummary(res.body), [['This discussion is locked, so no more replies can be added', '#body']]);
    assert.ok(res.body.includes('Too late'), 'what was typed is kept');
    ok(await f.admin.submit(`/discussions/threads/${threadId}/flags`, { what: 'unlock' }, page));
    ok(await f.admin.submit(`/discussions/spaces/${spaceId}/archive`, { on: '1' }, `/discussions/spaces/${spaceId}`));
    assert.match(mainText((await boC.get(`/discussions/spaces/${spaceId}`)).body), /This space was archived on .* \(UK time\)\. You can read it, but nothing more can be posted/);
    assert.equal((await boC.get(`/discussions/spaces/${spaceId}/threads/new`)).statusCode, 403);
    assert.equal((await boC.submit(`${page}/replies`, { body: 'Still?', key: 'abcdefgh-2' }, page)).statusCode, 403);
    assert.equal((await posts()).length, 1);
  });

  it('pins, and closes a thread with a summary listed in the space', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const first = await startThread(amyC, spaceId, 'Older', 'one');
    await startThread(amyC, spaceId, 'Newer', 'two');
    ok(await f.admin.submit(`/discussions/threads/${first}/flags`, { what: 'pin' }, `/discussions/threads/${first}`));
    assert.match(mainText((await boC.get(`/discussions/spaces/${spaceId}`)).body), /Older Pinned .* Newer/);
    ok(await f.admin.submit(`/discussions/threads/${first}/close`, { summary: 'We agreed on the **library**.' }, `/discussions/threads/${first}/close`));
    assert.match(mainText((await boC.get(`/discussions/spaces/${spaceId}`)).body), /What was agreed Older Closed .* We agreed on the library/);
    assert.equal((await boC.get(`/discussions/threads/${first}/close`)).statusCode, 404, 'members do not close');
    // Sent again (a second click): the summary stands, closed once in the log.
    const again = await f.admin.post(`/discussions/threads/${first}/close`, { summary: 'Something else' }, await f.admin.csrfToken(`/discussions/threads/${first}`));
    assert.equal(again.statusCode, 302);
    assert.equal((await db().selectFrom('discussion_threads').select('summary').where('id', '=', first).executeTakeFirstOrThrow()).summary, 'We agreed on the **library**.');
    assert.equal((await db().selectFrom('audit_events').select('id').where('action', '=', 'discussions.thread.close').execute()).length, 1);
    assert.equal((await boC.submit(`/discussions/threads/${first}/replies`, { body: 'x', key: 'abcdefgh-3' }, `/discussions/threads/${first}`)).statusCode, 403);
  });

  it('moderates: a report, the queue, hiding with a note, suspension, all in the audit log', async () => {
    const fac = await f.t.signedIn('facilitator');
    await makeLead(db(), { kind: 'project', id: projectA }, fac.personId, f.t.clock);
    const spaceId = await openSpace(fac, projectA);
    const threadId = await startThread(amyC, spaceId, 'Topic', 'Fine post');
    const { id } = await replyTo(boC, threadId, 'A rude reply');
    const noReason = await amyC.submit(`/discussions/posts/${id}/report`, { reason: '' }, `/discussions/posts/${id}/report`);
    assert.deepEqual(errorSummary(noReason.body), [['Say why you are reporting this post', '#reason']]);
    ok(await amyC.submit(`/discussions/posts/${id}/report`, { reason: 'It is rude' }, `/discussions/posts/${id}/report`));
    // A double click: still one report in the queue and the log.
    ok(await amyC.submit(`/discussions/posts/${id}/report`, { reason: 'It is rude' }, `/discussions/posts/${id}/report`));
    assert.equal((await db().selectFrom('discussion_reports').select('id').where('post_id', '=', id).execute()).length, 1);
    assert.equal((await db().selectFrom('audit_events').select('id').where('action', '=', 'discussions.post.report').execute()).length, 1);
    assert.equal((await amyC.get('/discussions/moderation')).statusCode, 404, 'a member has no queue');
    assert.match(mainText((await fac.get('/discussions/moderation')).body), /Project A talk: Topic .*It is rude/);
    assert.match(mainText((await f.admin.get('/discussions/moderation')).body), /It is rude/);
    assert.match(mainText((await fac.get(`/discussions/moderation?space=${spaceId}`)).body), /Reported posts in Project A talk .*It is rude/);
    const elsewhere = await openSpace(f.admin, projectB, 'Project B talk');
    assert.doesNotMatch(mainText((await f.admin.get(`/discussions/moderation?space=${elsewhere}`)).body), /It is rude/, 'one space’s queue');
    assert.equal((await fac.get(`/discussions/moderation?space=${elsewhere}`)).statusCode, 404, 'not a space they moderate');
    const otherFac = await f.t.signedIn('facilitator');
    await makeLead(db(), { kind: 'project', id: projectB }, otherFac.personId, f.t.clock);
    assert.doesNotMatch(mainText((await otherFac.get('/discussions/moderation')).body), /It is rude/, 'another project’s lead does not see it');
    const noNote = await fac.submit(`/discussions/posts/${id}/moderate`, { action: 'hide', note: '' }, `/discussions/posts/${id}/moderate`);
    assert.deepEqual(errorSummary(noNote.body), [['Write a note saying why', '#note']]);
    ok(await fac.submit(`/discussions/posts/${id}/moderate`, { action: 'hide', note: 'Breaks the guidelines' }, `/discussions/posts/${id}/moderate`));
    const seenByAmy = mainText((await amyC.get(`/discussions/threads/${threadId}`)).body);
    assert.match(seenByAmy, /This post was hidden by a moderator/);
    assert.doesNotMatch(seenByAmy, /A rude reply/);
    assert.match(mainText((await fac.get(`/discussions/threads/${threadId}`)).body), /Hidden by a moderator .* Breaks the guidelines A rude reply/);
    assert.doesNotMatch(mainText((await fac.get('/discussions/moderation')).body), /It is rude/, 'the report is dealt with');
    assert.match(mainText((await amyC.get('/discussions/search?q=rude')).body), /No posts found/);
    ok(await f.admin.submit(`/discussions/posts/${id}/moderate`, { action: 'restore', note: 'On reflection, fine' }, `/discussions/posts/${id}/moderate`));
    assert.match(mainText((await amyC.get(`/discussions/threads/${threadId}`)).body), /A rude reply/);
    ok(await fac.submit(`/discussions/posts/${id}/moderate`, { action: 'hide', note: 'Hidden again' }, `/discussions/posts/${id}/moderate`));
    // Suspension until a date: Bo cannot post, then can again after it.
    f.t.clock.set('2026-03-02T10:00:00Z');
    const bad = await fac.submit(`/discussions/spaces/${spaceId}/suspend`, { email: bo.email, 'until-day': '31', 'until-month': '2', 'until-year': '2026', note: 'Cooling off' }, `/discussions/spaces/${spaceId}/suspend`);
    assert.deepEqual(errorSummary(bad.body), [['The date must be a real date', '#until-day']]);
    const past = await fac.submit(`/discussions/spaces/${spaceId}/suspend`, { email: bo.email, 'until-day': '1', 'until-month': '3', 'until-year': '2026', note: 'Cooling off' }, `/discussions/spaces/${spaceId}/suspend`);
    assert.deepEqual(errorSummary(past.body), [['The date must be today or in the future', '#until-day']]);
    const stranger = await fac.submit(`/discussions/spaces/${spaceId}/suspend`, { email: cy.email, 'until-day': '9', 'until-month': '3', 'until-year': '2026', note: 'x' }, `/discussions/spaces/${spaceId}/suspend`);
    assert.deepEqual(errorSummary(stranger.body), [['No one who can see this space has that email address', '#email']]);
    ok(await fac.submit(`/discussions/spaces/${spaceId}/suspend`, { email: bo.email, 'until-day': '9', 'until-month': '3', 'until-year': '2026', note: 'Cooling off' }, `/discussions/spaces/${spaceId}/suspend`));
    const page = `/discussions/threads/${threadId}`;
    const refused = await boC.submit(`${page}/replies`, { body: 'Let me', key: 'abcdefgh-4' }, page);
    assert.equal(refused.statusCode, 403);
    assert.match(mainText(refused.body), /a moderator has suspended you/);
    f.t.clock.set('2026-03-10T00:00:01Z');
    await replyTo(boC, threadId, 'Back again');
    const actions = (await db().selectFrom('audit_events').select('action').where('action', 'like', 'discussions.%').orderBy('id').execute()).map((r) => r.action);
    assert.deepEqual(actions, ['discussions.space.open', 'discussions.post.report', 'discussions.space.open', 'discussions.post.hide', 'discussions.post.restore', 'discussions.post.hide', 'discussions.member.suspend']);
  });

  it('notifies by each person’s choice, and a digest lists only posts they can still see', async () => {
    f.t.clock.set('2026-03-02T09:00:00Z');
    const spaceId = await openSpace(f.admin, projectA);
    ok(await boC.submit(`/discussions/spaces/${spaceId}/follow`, { on: '1' }, `/discussions/spaces/${spaceId}`));
    await inTransaction(db(), (tx) => setPreferences(tx, amy.personId, { 'discussions.reply-to-you': 'daily' }, f.t.clock));
    await inTransaction(db(), (tx) => setPreferences(tx, bo.personId, { 'discussions.thread': 'off' }, f.t.clock));
    const threadId = await startThread(amyC, spaceId, 'Digest me', 'Opening');
    assert.deepEqual((await notes()).map((n) => [n.person_id, n.kind, n.delivery]), [[bo.personId, 'discussions.thread', 'off']]);
    await replyTo(boC, threadId, 'A reply for the digest');
    const firstReply = await lastPost();
    assert.deepEqual((await notes('discussions.reply-to-you')).map((n) => [n.person_id, n.delivery]), [[amy.personId, 'daily']]);
    // Amy leaves the project before her digest: the post is left out, so no email is sent.
    await removeFromProject(db(), f.admin.personId, projectA, amy.personId, f.t.clock);
    f.t.clock.set('2026-03-03T07:00:00Z');
    await sendDigests(db(), ctx(), 'daily');
    const digests = await db().selectFrom('outbox').select(['to_address', 'text_body']).where('subject', 'like', '%summary%').execute();
    assert.ok(!digests.some((d) => d.to_address === amy.email), 'nothing she can no longer see');
    // Back in the project, a new reply goes in the next day's digest.
    await assign(db(), f.admin.personId, { projectId: projectA, subgroupId: null }, [amy.personId], f.t.clock);
    await replyTo(boC, threadId, 'Second reply', { parentId: String(firstReply) });
    const { id: third } = await replyTo(boC, threadId, 'Third reply, hidden later', { quoteOf: String(await lastPost()) });
    await f.admin.submit(`/discussions/posts/${third}/moderate`, { action: 'hide', note: 'no' }, `/discussions/posts/${third}/moderate`);
    f.t.clock.set('2026-03-04T07:00:00Z');
    await sendDigests(db(), ctx(), 'daily');
    const next = await db().selectFrom('outbox').select(['to_address', 'text_body']).where('to_address', '=', amy.email).execute();
    const digest = next.find((m) => /Digest me/.test(m.text_body));
    assert.ok(digest, 'a digest for Amy');
    assert.equal((digest!.text_body.match(/Reply in “Digest me”/g) ?? []).length, 1, 'the hidden post is left out');
  });

  it('pages a long thread 50 top-level posts a page, linkably, and marks what is new since the last visit', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Long one', 'Start');
    const bob = (await viewerOf(db(), bo.personId))!;
    for (let i = 1; i <= 55; i++) {
      const access = (await readableThread(db(), bob, f.programmeId, threadId, f.t.clock))!;
      const made = await reply(db(), ctx(), bob, access, { body: `Reply number ${i}.`, parentId: null, quoteOf: null, key: null });
      assert.ok(made.ok);
    }
    const first = mainText((await amyC.get(`/discussions/threads/${threadId}`)).body);
    assert.match(first, /Reply number 49\./);
    assert.doesNotMatch(first, /Reply number 50\./);
    const second = await amyC.get(`/discussions/threads/${threadId}?page=2`);
    assert.match(second.body, /<title>Long one \(page 2 of 2\)/);
    assert.match(mainText(second.body), /Reply number 50\..*Reply number 55\./);
    assert.equal((await amyC.get(`/discussions/threads/${threadId}?page=3`)).statusCode, 404);
    // Amy has now read both pages: one more reply is the only one marked new.
    const access = (await readableThread(db(), bob, f.programmeId, threadId, f.t.clock))!;
    await reply(db(), ctx(), bob, access, { body: 'The newest reply.', parentId: null, quoteOf: null, key: null });
    const again = mainText((await amyC.get(`/discussions/threads/${threadId}?page=2`)).body);
    assert.equal((again.match(/ New /g) ?? []).length, 1);
    assert.match(again, /New The newest reply\./);
    assert.match((await amyC.get('/discussions/search?q=newest')).body, /href="\/discussions\/threads\/\d+\?page=2#post-\d+"/, 'a search result links to its page');
    // A reply posted from page 2's form lands back on page 2.
    const res = await replyTo(amyC, threadId, 'From Amy');
    assert.match(String(res.res.headers.location), /\?page=2#post-\d+$/);
  });

  it('opens a space for chosen people; observers read public spaces only and never post', async () => {
    ok(await f.admin.submit('/discussions/spaces/new', { name: 'Advisers', audience: 'people', audiencePeople: `${cy.email}\n${amy.email}` }, '/discussions/spaces/new'));
    const spaceId = await lastSpace();
    assert.match(mainText((await cyC.get('/discussions')).body), /Advisers/);
    assert.doesNotMatch(mainText((await boC.get('/discussions')).body), /Advisers/);
    await startThread(cyC, spaceId, 'Hello advisers', 'Hi');
    const observer = await f.t.signedIn('observer');
    assert.equal((await observer.get(`/discussions/spaces/${spaceId}`)).statusCode, 404);
    const unknown = await f.admin.submit('/discussions/spaces/new', { name: 'X', audience: 'people', audiencePeople: 'nobody@example.org' }, '/discussions/spaces/new');
    assert.deepEqual(errorSummary(unknown.body), [['No one has an account with the email address nobody@example.org', '#audiencePeople']]);
  });

  it('runs a quick poll with results hidden until it closes, one vote each, changeable while open', async () => {
    f.t.clock.set('2026-03-02T10:00:00Z');
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Meet monthly?', 'Shall we?');
    const form = `/discussions/threads/${threadId}/poll`;
    assert.equal((await amyC.get(form)).statusCode, 404, 'members do not add polls');
    const few = await f.admin.submit(form, { question: 'Which day?', kind: 'options', options: 'Tuesday', 'closes-day': '5', 'closes-month': '3', 'closes-year': '2026' }, form);
    assert.deepEqual(errorSummary(few.body), [['Enter between 2 and 10 options, one on each line', '#options']]);
    const unreal = await f.admin.submit(form, { question: 'Agree?', kind: 'agreement', 'closes-day': '30', 'closes-month': '2', 'closes-year': '2026' }, form);
    assert.deepEqual(errorSummary(unreal.body), [['The closing date must be a real date', '#closes-day']]);
    const past = await f.admin.submit(form, { question: 'Agree?', kind: 'agreement', 'closes-day': '1', 'closes-month': '3', 'closes-year': '2026' }, form);
    assert.deepEqual(errorSummary(past.body), [['The closing date must be today or in the future', '#closes-day']]);
    const pollBody = { question: 'Shall we meet monthly?', kind: 'agreement', 'closes-day': '5', 'closes-month': '3', 'closes-year': '2026', hideResults: '1' };
    // A double click, the second at the same moment as the first: one poll, and both are done.
    const token = await f.admin.csrfToken(form);
    const both = await Promise.all([f.admin.post(form, pollBody, token), f.admin.post(form, pollBody, token)]);
    assert.deepEqual(both.map((r) => r.statusCode), [302, 302]);
    ok(await f.admin.submit(form, pollBody, form));
    assert.equal((await db().selectFrom('discussion_polls').select('id').where('thread_id', '=', threadId).execute()).length, 1);
    const another = await f.admin.submit(form, { ...pollBody, question: 'Or weekly?' }, form);
    assert.deepEqual(errorSummary(another.body), [['This discussion already has a poll', '#question']]);
    const page = `/discussions/threads/${threadId}`;
    ok(await amyC.submit(`${page}/vote`, { choice: 'agree', reason: 'Suits <b>shift</b> workers' }, page));
    ok(await boC.submit(`${page}/vote`, { choice: 'agree', reason: '' }, page));
    ok(await boC.submit(`${page}/vote`, { choice: 'disagree', reason: 'Too slow' }, page));
    const open = mainText((await amyC.get(page)).body);
    assert.match(open, /Poll: Shall we meet monthly\? Closes at the end of 5 March 2026 \(UK time\)\. The results are hidden until it closes\. You voted: Agree\./);
    assert.doesNotMatch(open, /Results/);
    const bad = await amyC.submit(`${page}/vote`, { choice: 'maybe' }, page);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body), [['Choose one of the answers', '#choice']]);
    const none = await amyC.submit(`${page}/vote`, {}, page);
    assert.deepEqual(errorSummary(none.body), [['Choose your answer', '#choice']]);
    assert.equal((await cyC.post(`${page}/vote`, { choice: 'agree' }, await cyC.csrfToken('/discussions'))).statusCode, 404);
    f.t.clock.set('2026-03-06T00:00:00Z');
    const closed = await amyC.get(page);
    assert.match(mainText(closed.body), /Closed at the end of 5 March 2026 \(UK time\)\..*Results: 2 votes Answer Votes Agree 1 Abstain 0 Disagree 1 Reasons given Amy Archer \(Agree\): Suits <b>shift<\/b> workers Bo Baker \(Disagree\): Too slow/);
    assert.doesNotMatch(closed.body, /<b>shift/);
    const late = await boC.submit(`${page}/vote`, { choice: 'agree' }, page);
    assert.equal(late.statusCode, 403);
    assert.deepEqual(errorSummary(late.body), [['This poll has closed', '#choice']]);
    const exported = await discussionsPersonalData.exportPerson(db(), bo.personId);
    assert.deepEqual((exported.discussion_poll_votes ?? []).map((v) => v.choice), ['disagree']);
  });

  it('answers a hostile address, query or body with a 4xx, never a 500', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Topic', 'Body');
    for (const url of ['/discussions/spaces/abc', '/discussions/spaces/0', '/discussions/spaces/99999999999', '/discussions/threads/-1', '/discussions/posts/1.5/edit', `/discussions/threads/${threadId}?page=999`, `/discussions/threads/${threadId}/reply?to=999999`]) {
      const res = await amyC.get(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
    }
    for (const url of [`/discussions/threads/${threadId}?page=abc`, `/discussions/search?q=${encodeURIComponent('"NEAR( * OR AND -')}`, '/discussions/search?q=a&q=b', `/discussions/search?q=${'x'.repeat(5000)}`]) {
      const res = await amyC.get(url);
      assert.equal(res.statusCode, 200, url);
    }
    const page = `/discussions/threads/${threadId}`;
    const bodies: Record<string, string | string[]>[] = [{ body: ['a', 'b'] }, { body: 'ok', parentId: 'zzz', key: '<x>' }, { body: 'ok', quoteOf: '99999999999999' }, { body: 'ok\u0000' }];
    for (const body of bodies) {
      const res = await amyC.submit(`${page}/replies`, body, page);
      assert.ok(res.statusCode < 500, JSON.stringify(body));
    }
    const token = await amyC.csrfToken(page);
    assert.equal((await amyC.post(`${page}/follow`, { on: 'maybe' }, token)).statusCode, 400);
    assert.equal((await f.admin.post(`${page}/flags`, { what: 'explode' }, await f.admin.csrfToken(page))).statusCode, 400);
    const res = await f.admin.submit('/discussions/spaces/new', { name: ['a', 'b'], audience: 'nonsense' }, '/discussions/spaces/new');
    assert.equal(res.statusCode, 400);
    assert.ok(errorSummary(res.body).length >= 1);
  });

  it('exports and erases a person’s discussion data, keeping their posts without their name', async () => {
    const spaceId = await openSpace(f.admin, projectA);
    const threadId = await startThread(amyC, spaceId, 'Mine', 'My words');
    await replyTo(boC, threadId, 'Bo words');
    const exported = await discussionsPersonalData.exportPerson(db(), amy.personId);
    assert.deepEqual((exported.discussion_posts ?? []).map((p) => p.body), ['My words']);
    assert.equal((exported.discussion_follows ?? []).length, 1);
    await inTransaction(db(), (tx) => discussionsPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    const after = await discussionsPersonalData.exportPerson(db(), amy.personId);
    assert.ok(Object.values(after).every((rows) => rows.length === 0));
    assert.match(mainText((await boC.get(`/discussions/threads/${threadId}`)).body), /Former participant .* My words/);
  });

  it('seeds demo spaces, threads and a closed summary', async () => {
    const made = await seedDemoDiscussions(db(), { programmeId: f.programmeId, adminId: f.admin.personId, authors: [amy.personId, bo.personId], clock: f.t.clock });
    assert.ok(made.spaces >= 2);
    const closed = await db().selectFrom('discussion_threads').select('summary').where('closed_at', 'is not', null).execute();
    assert.equal(closed.length, 1);
    assert.match(mainText((await amyC.get('/discussions')).body), /Programme lounge/);
    assert.equal((await notes()).length, 0, 'demo data tells nobody');
  });
});
