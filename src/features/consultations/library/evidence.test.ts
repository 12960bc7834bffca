// Discussion summaries cited as evidence by the library's outputs, on both engines: the team cites
// closed discussions' summaries (found by space or by words) and stops citing them, each in the
// audit log; a thread that is not closed, or does not exist, is refused with a clear message; the
// public page shows "What participants agreed" (the summary rendered safely, the discussion's
// title, its space, the day it closed) and never the posts nor who wrote them; the link to the
// thread only for people who may see its space; a thread reopened shows nothing (the team's page
// says it is no longer closed), a thread deleted breaks nothing; the demo output cites the demo's
// closed discussion.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import type { TestClient } from '../../../../test/helpers/app.ts';
import { formKey } from '../../../../test/helpers/app.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import type { PersonalData } from '../../../platform/feature.ts';
import { assign } from '../../participants/service.ts';
import { consultations as feature } from '../feature.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { seedDemoDiscussions } from '../../discussions/demo.ts';
import { seedDemoLibrary } from './demo.ts';

const XSS = 'We agreed to meet **monthly**. <script>alert("summary")</script><img src=x onerror="alert(1)"> [link](javascript:alert(2))';

describe(`evidence from discussions in the library on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  let admin: TestClient, amyC: TestClient, cyC: TestClient;
  let outputId: number, spaceId: number, closedId: number, openId: number;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);
  const lastId = async (table: 'discussion_spaces' | 'discussion_threads') => (await db().selectFrom(table).select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  const keyOf = formKey;
  const startThread = async (client: TestClient, title: string, body: string) => {
    const form = `/discussions/spaces/${spaceId}/threads/new`;
    ok(await client.submit(form, { title, body, key: await keyOf(client, form), action: 'post' }, form));
    return lastId('discussion_threads');
  };
  const evidence = () => `/admin/library/${outputId}/evidence`;
  const cite = (threads: string | string[], client: TestClient = admin) => client.submit(evidence(), { threads }, evidence());
  const publicText = async (client: TestClient = f.t.client()) => {
    const page = await client.get(`/library/${outputId}`);
    assert.equal(page.statusCode, 200);
    return page;
  };
  const cited = () => db().selectFrom('library_evidence').select(['thread_id', 'position', 'cited_by']).where('output_id', '=', outputId).orderBy('position').execute();

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-06-03T23:00:00Z');
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    await assign(db(), f.admin.personId, { projectId: f.projects[0]!.id, subgroupId: null }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: f.projects[1]!.id, subgroupId: null }, [cy.personId], f.t.clock);
    [admin, amyC, cyC] = [await f.signInAs(f.admin.personId), await f.signInAs(amy.personId), await f.signInAs(cy.personId)];
    // A project A space: Amy opens a discussion, Bo replies, the admin closes it with a summary.
    ok(await admin.submit('/discussions/spaces/new', { name: 'Project A talk', description: 'For the project', audience: 'projects', audienceProjects: String(f.projects[0]!.id) }, '/discussions/spaces/new'));
    spaceId = await lastId('discussion_spaces');
    closedId = await startThread(amyC, 'How often should we meet?', 'Amy’s own words: every fortnight suits me.');
    const boC = await f.signInAs(bo.personId);
    const page = `/discussions/threads/${closedId}`;
    ok(await boC.submit(`${page}/replies`, { body: 'Bo’s reply: monthly for shift workers.', key: await keyOf(boC, page), action: 'post' }, page));
    f.t.clock.set('2026-06-03T23:30:00Z'); // 12:30am on 4 June in London: closed on 4 June there
    ok(await admin.submit(`${page}/close`, { summary: XSS }, `${page}/close`));
    openId = await startThread(amyC, 'Still talking', 'Nothing agreed yet.');
    // A published output.
    const draft = await admin.submit('/admin/consultations/drafts/new', { title: 'Meeting guide', summary: 'How we meet.', aims: 'Shared leadership', text: '# Meetings\n\nOnce a month.' }, '/admin/consultations/drafts/new');
    ok(draft);
    const draftId = Number(/\/drafts\/(\d+)$/.exec(draft.headers.location as string)![1]);
    const aim = await db().selectFrom('aims').select('id').where('programme_id', '=', f.programmeId).orderBy('number').executeTakeFirstOrThrow();
    const published = await admin.submit(`/admin/consultations/drafts/${draftId}/publish`, { aims: String(aim.id), consultation: '' }, `/admin/consultations/drafts/${draftId}/publish`);
    ok(published);
    outputId = Number(/\/library\/(\d+)$/.exec(published.headers.location as string)![1]);
  });
  afterEach(() => f.t.close());

  it('cites a closed discussion’s summary: the public page shows what was agreed, never the posts or who wrote them', async () => {
    assert.match(mainText((await admin.get(`/admin/consultations/drafts/${(await db().selectFrom('library_outputs').select('draft_id').executeTakeFirstOrThrow()).draft_id}/publish`)).body), /Choose the discussion summaries this output cites/);
    const team = mainText((await admin.get(evidence())).body);
    assert.match(team, /This output cites no discussion yet/);
    assert.match(team, /Project A talk How often should we meet\? Closed 4 June 2026: We agreed to meet monthly/, 'offered by space, with the day it closed in London');
    assert.doesNotMatch(team, /Still talking/, 'an open discussion is not offered');

    ok(await cite(String(closedId)));
    ok(await cite(String(closedId))); // a second click cites it once
    assert.deepEqual((await cited()).map((c) => ({ ...c })), [{ thread_id: closedId, position: 1, cited_by: f.admin.personId }]);
    assert.match(mainText((await admin.get(evidence())).body), /Cited now How often should we meet\? In Project A talk, closed on 4 June 2026 Stop citing/);

    const page = await publicText();
    const text = mainText(page.body);
    assert.match(text, /What participants agreed .* How often should we meet\? In Project A talk, closed on 4 June 2026 We agreed to meet monthly ?\./);
    assert.match(page.body, /<strong>monthly<\/strong>/, 'the summary is rich text');
    assert.doesNotMatch(text, /Amy’s own words|Bo’s reply|Amy Archer|Bo Baker/, 'no posts, no posters');
    assert.doesNotMatch(page.body, /<script>alert|<img|href="javascript/i, 'the summary’s markup is inert');
    assert.match(page.body, /&lt;script&gt;alert/, 'shown as the text it is');
    assert.doesNotMatch(page.body, /\/discussions\/threads\//, 'the public is not given a link it could not open');
    assert.doesNotMatch(text, /Change the evidence/);
    assert.match(mainText((await f.t.client().get(`/library/${outputId}/print`)).body), /What participants agreed/);

    const audit = await db().selectFrom('audit_events').select(['action', 'record_type', 'record_id', 'summary']).where('action', 'like', 'consultation.library.%').execute();
    assert.deepEqual(audit.map((a) => [a.action, a.record_type, a.record_id]), [['consultation.library.cite', 'library_output', String(outputId)]]);
    assert.match(audit[0]!.summary, /How often should we meet\?/);
  });

  it('links the discussion only for people who may see its space', async () => {
    ok(await cite(String(closedId)));
    const link = `/discussions/threads/${closedId}#summary`;
    assert.ok((await publicText(amyC)).body.includes(`href="${link}"`), 'a member of the space');
    assert.ok((await publicText(admin)).body.includes(`href="${link}"`), 'an admin');
    assert.match(mainText((await publicText(admin)).body), /Change the evidence from discussions/);
    const cyPage = await publicText(cyC);
    assert.doesNotMatch(cyPage.body, /\/discussions\/threads\//, 'someone in another project');
    assert.match(mainText(cyPage.body), /We agreed to meet monthly/, 'still reads the summary');
    assert.doesNotMatch(mainText(cyPage.body), /Change the evidence/);
  });

  it('refuses a discussion that is not closed, or not there, with a clear message, and keeps the page to the team', async () => {
    const refused = async (threads: string | string[] | undefined, message: string) => {
      const res = await admin.submit(evidence(), threads === undefined ? {} : { threads }, evidence());
      assert.equal(res.statusCode, 400, message);
      assert.deepEqual(errorSummary(res.body), [[message, '#threads']]);
      assert.match(res.body, /id="threads-error"/, 'the inline message beside the choices');
    };
    await refused(undefined, 'Choose at least one summary to cite');
    await refused(String(openId), '“Still talking” is not closed with a summary any more, so it cannot be cited');
    await refused([String(closedId), '99999999'], 'Discussion 99999999 does not exist any more, so it cannot be cited');
    for (const bad of ['x', '-1', "1' or 1=1", '1.5']) await refused(bad, 'Choose summaries from the list');
    assert.deepEqual(await cited(), [], 'nothing cited: a refusal cites none of the lot');
    // Nothing left to offer (the one closed summary is cited): the error summary's link still has its target.
    ok(await cite(String(closedId)));
    assert.match((await admin.get(evidence())).body, /Stop citing<span class="govuk-visually-hidden"> How often should we meet\?<\/span>/, 'each button says which');
    const none = await cite(String(openId));
    assert.equal(none.statusCode, 400);
    assert.deepEqual(errorSummary(none.body), [['“Still talking” is not closed with a summary any more, so it cannot be cited', '#threads']]);
    assert.match(none.body, /id="threads"/, 'the link’s target');
    assert.match(none.body, /id="threads-error"/);
    ok(await admin.submit(`${evidence()}/remove`, { thread: String(closedId) }, evidence()));
    // The search keeps to the words, any case; a typed % is a percent sign.
    assert.match(mainText((await admin.get(`${evidence()}?q=MONTHLY`)).body), /How often should we meet\?/);
    assert.match(mainText((await admin.get(`${evidence()}?q=%25`)).body), /No closed discussion’s summary matches “%”/);
    assert.equal((await admin.get(`${evidence()}?q=${'x'.repeat(5000)}`)).statusCode, 200);
    // Only the team.
    assert.equal((await amyC.get(evidence())).statusCode, 403);
    assert.equal((await cite(String(closedId), amyC)).statusCode, 403);
    assert.equal((await f.t.client().get(evidence())).statusCode, 302, 'signed out: asked to sign in');
    for (const bad of ['0', '99999999', 'x']) assert.ok([400, 404].includes((await admin.get(`/admin/library/${bad}/evidence`)).statusCode), bad);
    assert.equal((await admin.submit('/admin/library/99999999/evidence', { threads: String(closedId) }, evidence())).statusCode, 404);
    assert.deepEqual(await cited(), []);
  });

  it('offers a full list of summaries not yet cited, however many are cited already', async () => {
    // 200 more closed in the same space, each later than the first: the list's limit is 200.
    const bulk = Array.from({ length: 200 }, (_, i) => ({ space_id: spaceId, title: `Bulk ${i}`, author_id: amy.personId, closed_at: `2026-06-05T09:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60)).padStart(2, '0')}Z`, summary: `Agreed ${i}.`, closed_by: f.admin.personId, created_at: '2026-06-04T09:00:00Z', last_post_at: '2026-06-04T09:00:00Z' }));
    await db().insertInto('discussion_threads').values(bulk).execute();
    const newest = (await db().selectFrom('discussion_threads').select('id').where('title', '=', 'Bulk 199').executeTakeFirstOrThrow()).id;
    ok(await cite(String(newest)));
    const offered = [...(await admin.get(evidence())).body.matchAll(/name="threads" type="checkbox" value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.equal(offered.length, 200, 'the limit counts only summaries that can still be cited');
    assert.ok(!offered.includes(newest) && offered.includes(closedId), 'the cited one left out, the oldest still offered');
  });

  it('stops citing a summary, in the audit log', async () => {
    ok(await cite(String(closedId)));
    ok(await admin.submit(`${evidence()}/remove`, { thread: String(closedId) }, evidence()));
    ok(await admin.submit(`${evidence()}/remove`, { thread: String(closedId) }, evidence())); // a second click
    assert.deepEqual(await cited(), []);
    assert.doesNotMatch(mainText((await publicText()).body), /What participants agreed/);
    assert.equal((await admin.submit(`${evidence()}/remove`, { thread: 'x' }, evidence())).statusCode, 400);
    const audit = await db().selectFrom('audit_events').select('action').where('action', 'like', 'consultation.library.%').orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['consultation.library.cite', 'consultation.library.uncite']);
  });

  it('keeps the evidence when the person who cited it is erased, without their name', async () => {
    ok(await cite(String(closedId)));
    await inTransaction(db(), (tx) => (feature.personalData as PersonalData).erasePerson(tx, f.admin.personId, f.t.clock));
    assert.deepEqual((await cited()).map((c) => ({ ...c })), [{ thread_id: closedId, position: 1, cited_by: null }]);
  });

  it('shows nothing for a discussion reopened or deleted, and says so to the team', async () => {
    ok(await cite(String(closedId)));
    // Reopened (its summary kept or taken away): nothing shown.
    await db().updateTable('discussion_threads').set({ closed_at: null }).where('id', '=', closedId).execute();
    assert.doesNotMatch(mainText((await publicText()).body), /What participants agreed|We agreed to meet/);
    assert.match(mainText((await admin.get(evidence())).body), /Cited now How often should we meet\? No longer closed/);
    await db().updateTable('discussion_threads').set({ closed_at: '2026-06-04T09:00:00.000Z', summary: '' }).where('id', '=', closedId).execute();
    assert.doesNotMatch(mainText((await publicText()).body), /What participants agreed/, 'closed without a summary');
    // Closed again: shown again.
    await db().updateTable('discussion_threads').set({ summary: 'Monthly after all.' }).where('id', '=', closedId).execute();
    assert.match(mainText((await publicText()).body), /What participants agreed .* Monthly after all\./);
    // Deleted: nothing breaks; the team can stop citing it.
    await db().deleteFrom('discussion_reads').where('thread_id', '=', closedId).execute();
    await db().deleteFrom('discussion_follows').where('target_kind', '=', 'thread').where('target_id', '=', closedId).execute();
    await db().deleteFrom('discussion_posts').where('thread_id', '=', closedId).execute();
    await db().deleteFrom('discussion_threads').where('id', '=', closedId).execute();
    assert.doesNotMatch(mainText((await publicText()).body), /What participants agreed/);
    assert.match(mainText((await admin.get(evidence())).body), new RegExp(`Cited now Discussion ${closedId} No longer exists`));
    ok(await admin.submit(`${evidence()}/remove`, { thread: String(closedId) }, evidence()));
    assert.deepEqual(await cited(), []);
  });
});

describe(`the demo output's evidence on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
  });
  afterEach(() => f.t.close());

  it('cites the demo discussion closed with a summary', async () => {
    const people = [await f.register('Amy Archer'), await f.register('Bo Baker')];
    await assign(f.t.data.db, f.admin.personId, { projectId: f.projects[0]!.id, subgroupId: null }, people.map((p) => p.personId), f.t.clock);
    await seedDemoDiscussions(f.t.data.db, { programmeId: f.programmeId, adminId: f.admin.personId, authors: people.map((p) => p.personId), clock: f.t.clock });
    const id = await seedDemoLibrary(f.t.data.db, { programmeId: f.programmeId, adminId: f.admin.personId, commenters: people.map((p) => p.personId), clock: f.t.clock });
    const text = mainText((await f.t.client().get(`/library/${id}`)).body);
    assert.match(text, /What participants agreed .* How often should we meet online\? In Programme lounge, closed on .* We agreed to meet monthly ?, alternating/);
    assert.doesNotMatch(text, /Every two weeks is better for keeping momentum/, 'not the posts');
  });
});
