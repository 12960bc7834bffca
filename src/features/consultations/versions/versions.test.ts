// Versions of a draft on both engines: a new version copies every section with its key; its
// sections change, go or come; comments stay on the section that keeps their key, and those whose
// section went are listed apart; a version a consultation runs on never changes; two versions
// compare word by word.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';

describe(`consultation draft versions on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);
  const moveTo = async (at: string) => {
    f.t.clock.set(at);
    admin = await f.signInAs(f.admin.personId);
  };
  const sectionsOf = (draftId: number, n: number) =>
    db().selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').selectAll('s').where('v.draft_id', '=', draftId).where('v.number', '=', n).orderBy('s.position').execute();

  beforeEach(async () => {
    f = await setUp();
    await moveTo('2026-05-20T09:00:00Z');
    amy = await f.register('Amy Archer');
  });
  afterEach(() => f.t.close());

  it('keeps comments with their sections across versions, and compares versions word by word', async () => {
    let res = await admin.submit('/admin/consultations/drafts/new', { title: 'Checklist', summary: 'S', text: '# Ask first\n\nAsk the person before you hand over the task.\n\n# Check in\n\nCheck in often.\n\n# Thank them\n\nSay thanks.' }, '/admin/consultations/drafts/new');
    ok(res);
    const draftId = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
    res = await admin.submit(`/admin/consultations/drafts/${draftId}/consult`, { audience: 'people', audiencePeople: amy.email, 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '30', 'closes-month': '6', 'closes-year': '2026', commentsVisible: 'participants' }, `/admin/consultations/drafts/${draftId}/consult`);
    ok(res);
    const consultationId = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
    await moveTo('2026-06-02T09:00:00Z');
    const v1 = await sectionsOf(draftId, 1);
    const amyC = await f.signInAs(amy.personId);
    for (const [i, body] of [[0, 'Say how to ask.'], [1, 'How often is often?']] as const) {
      const path = `/consultations/${consultationId}/sections/${v1[i]!.id}/comment`;
      ok(await amyC.submit(path, { body, publication: 'named' }, path));
    }
    // Version 1 is under consultation: it cannot change.
    const draftPage = `/admin/consultations/drafts/${draftId}`;
    res = await admin.submit(`${draftPage}/sections/${v1[0]!.id}/edit`, { heading: 'Changed', body: 'x' }, `${draftPage}/sections/${v1[0]!.id}/edit`);
    assert.equal(res.statusCode, 400);
    assert.match(errorSummary(res.body)[0]![0], /A consultation runs on this version/);
    // Version 2 copies every section with its key.
    ok(await admin.submit(`${draftPage}/versions`, { changelog: 'After the consultation' }, draftPage));
    let v2 = await sectionsOf(draftId, 2);
    assert.deepEqual(v2.map((s) => s.section_key), v1.map((s) => s.section_key));
    assert.notDeepEqual(v2.map((s) => s.id), v1.map((s) => s.id));
    // Change section 1, remove section 2, add one.
    ok(await admin.submit(`${draftPage}/sections/${v2[0]!.id}/edit`, { heading: 'Ask first', body: 'Ask the person, and listen, before you hand over the task.' }, `${draftPage}/sections/${v2[0]!.id}/edit`));
    ok(await admin.submit(`${draftPage}/sections/${v2[1]!.id}/remove`, {}, draftPage));
    ok(await admin.submit(`${draftPage}/sections/new`, { heading: 'Afterwards', body: 'Ask what went well.' }, `${draftPage}/sections/new`));
    v2 = await sectionsOf(draftId, 2);
    assert.deepEqual(v2.map((s) => [s.position, s.heading]), [[1, 'Ask first'], [2, 'Thank them'], [3, 'Afterwards']]);
    assert.equal(v2[0]!.section_key, v1[0]!.section_key, 'a changed section keeps its key');
    assert.ok(!v1.some((s) => s.section_key === v2[2]!.section_key), 'a new section has a new key');
    // An old version's section cannot be changed any more.
    res = await admin.submit(`${draftPage}/sections/${v1[2]!.id}/edit`, { heading: 'Old', body: '' }, draftPage);
    assert.equal(res.statusCode, 404, 'the draft page shows only the latest version, so an old section is not found there');
    const text = mainText((await admin.get(draftPage)).body);
    assert.match(text, /1\. Ask first .*1 comment on this section: Comment \d+ \(on version 1, not triaged\): Say how to ask\./);
    assert.match(text, /Comments on sections no longer in this version Comment \d+ \(on version 1\): How often is often\?/);
    assert.match(text, /Version 2, .*: After the consultation/);
    // The consultation still shows the version it runs on.
    assert.match(mainText((await amyC.get(`/consultations/${consultationId}`)).body), /2\. Check in Check in often\./);
    // Compare: words added and removed, sections added and removed.
    const cmp = await admin.get(`${draftPage}/compare?from=1&to=2`);
    assert.equal(cmp.statusCode, 200);
    assert.match(cmp.body, /<ins class="coproduce-diff-added"><span class="govuk-visually-hidden">\[added: <\/span>, and listen,/);
    assert.match(mainText(cmp.body), /\[removed: Check in \] Removed \[removed: Check in often\. \]/);
    assert.match(mainText(cmp.body), /3\. \[added: Afterwards \] New section/);
    assert.match(mainText(cmp.body), /2\. Thank them No change/);
    assert.equal((await admin.get(`${draftPage}/compare?from=1&to=9`)).statusCode, 404);
    assert.equal((await admin.get(`${draftPage}/compare?from=x&to[]=2`)).statusCode, 200, 'an unreadable choice falls back to the latest two');
    assert.equal((await amyC.get(`${draftPage}/compare`)).statusCode, 403);
    // The change a comment caused: a section of a later version, which the commenter then sees.
    const [first] = await db().selectFrom('consultation_comments').select('id').orderBy('id').execute();
    const respondPage = `/admin/consultations/${consultationId}/comments/${first!.id}`;
    assert.match(mainText((await admin.get(respondPage)).body), /The change it caused .*Version 2, section 1: Ask first/);
    assert.equal((await admin.submit(`${respondPage}/change`, { section: String(v1[0]!.id) }, respondPage)).statusCode, 404, 'not a later version');
    assert.equal((await admin.submit(`${respondPage}/change`, { section: 'abc' }, respondPage)).statusCode, 404);
    ok(await admin.submit(`${respondPage}/change`, { section: String(v2[0]!.id) }, respondPage));
    const mine = mainText((await (await f.signInAs(amy.personId)).get('/my/comments')).body);
    assert.match(mine, /What changed because of your comment: version 2, section 1, Ask first Ask the person, and listen, before you hand over the task\./);
    const audit = await db().selectFrom('audit_events').select('action').where('action', '=', 'consultation.change-link').execute();
    assert.equal(audit.length, 1);
  });

  it('asks again when a section or version form is incomplete', async () => {
    const res = await admin.submit('/admin/consultations/drafts/new', { title: 'T', summary: 'S', text: '# One\n\nText' }, '/admin/consultations/drafts/new');
    const draftId = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
    const page = `/admin/consultations/drafts/${draftId}`;
    const bad = await admin.submit(`${page}/sections/new`, { heading: '', body: ['a', 'b'] }, page);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body).map((e) => e[1]), ['#heading', '#body']);
    ok(await admin.submit(`${page}/versions`, { changelog: '' }, page));
    assert.equal((await db().selectFrom('consultation_versions').selectAll().execute()).length, 1, 'no version without a changelog');
    assert.equal((await admin.submit('/admin/consultations/drafts/999/versions', { changelog: 'x' }, page)).statusCode, 404);
  });
});
