// Splitting a section in two (issue 14, item 1: "the team can adjust the split"), the inverse of
// merging it with the next: at a sub-heading (which becomes the new heading) or at a paragraph
// (with a heading typed), Markdown and imported HTML, bad choices answered on the page with an
// error summary, refused while a consultation runs on the version, the numbering closing up, the
// first part keeping its stable key, and split then merge giving the text back. Both engines.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { sanitizeRichHtml } from '../../platform/rich-text/rich-text.ts';
import { findProgramme } from '../programme/service.ts';
import { errorSummary, mainText, setUp, type Fixture } from '../participants/test-fixture.ts';
import { createDraft } from './service.ts';
import { blocksOf } from './split.ts';

const DRAFT = ['# Why delegate', '', 'Because shared work.', '', '# How to delegate', '', '- Ask', '- Agree', '', 'Then hand over the task with **care** and a date.', '', '## Check in', '', 'Weekly.', '', '# After', '', 'Review.'].join('\n');

describe(`splitting a section on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let draftId: number;
  const db = () => f.t.data.db;
  const sections = () =>
    db().selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').select(['s.id', 's.section_key', 's.position', 's.heading', 's.body', 's.body_format']).where('v.draft_id', '=', draftId).orderBy('s.position').execute();
  const split = (sectionId: number, form: Record<string, string>) => admin.submit(`/admin/consultations/drafts/${draftId}/sections/${sectionId}/split`, form, `/admin/consultations/drafts/${draftId}/sections/${sectionId}/split`);
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-05-20T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    const res = await admin.submit('/admin/consultations/drafts/new', { title: 'Safe delegation', summary: 'S.', aims: 'A', text: DRAFT }, '/admin/consultations/drafts/new');
    ok(res);
    draftId = Number(/\/drafts\/(\d+)$/.exec(res.headers.location as string)![1]);
  });
  afterEach(() => f.t.close());

  it('splits at a sub-heading, which becomes the new heading; the numbering closes up; merging gives the text back', async () => {
    const before = await sections();
    const how = before[1]!;
    const draftPage = await admin.get(`/admin/consultations/drafts/${draftId}`);
    assert.match(draftPage.body, new RegExp(`href="/admin/consultations/drafts/${draftId}/sections/${how.id}/split">Split section 2 in two`), 'linked beside the merge');
    const page = await admin.get(`/admin/consultations/drafts/${draftId}/sections/${how.id}/split`);
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /Start a new section here/);
    assert.match(text, /The section starts: “Ask Agree”/);
    assert.match(text, /Then hand over the task with care and a date\./);
    assert.match(text, /Sub-heading: Check in/);
    assert.equal((page.body.match(/type="radio"/g) ?? []).length, 3, 'every block but the first: the paragraph, the sub-heading and the text under it');
    const blocks = blocksOf(how.body, 'markdown');
    const at = blocks.findIndex((b) => b.heading === 'Check in');

    const res = await split(how.id, { at: String(at), heading: '' });
    ok(res);
    const after = await sections();
    assert.deepEqual(after.map((s) => [s.position, s.heading]), [[1, 'Why delegate'], [2, 'How to delegate'], [3, 'Check in'], [4, 'After']]);
    assert.equal(after[1]!.id, how.id);
    assert.equal(after[1]!.section_key, how.section_key, 'the first part keeps its stable key (and so its comments)');
    assert.ok(!before.some((s) => s.section_key === after[2]!.section_key), 'the new section has a key of its own');
    assert.equal(after[1]!.body, '- Ask\n- Agree\n\nThen hand over the task with **care** and a date.');
    assert.equal(after[2]!.body, 'Weekly.');
    assert.match(res.headers.location as string, new RegExp(`#section-${after[2]!.id}$`));

    ok(await admin.submit(`/admin/consultations/drafts/${draftId}/sections/${how.id}/merge`, {}, `/admin/consultations/drafts/${draftId}`));
    const merged = await sections();
    assert.deepEqual(merged.map((s) => [s.position, s.heading, s.body]), before.map((s) => [s.position, s.heading, s.body]), 'split then merge gives back the original');
  });

  it('splits at a paragraph with the heading typed, and asks again for a bad choice', async () => {
    const how = (await sections())[1]!;
    let res = await split(how.id, { heading: 'Handing over' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body).map(([t]) => t), ['Choose where the new section starts']);
    assert.match(res.body, /href="#at"/);
    assert.match(res.body, /value="Handing over"/, 'what was typed is kept');
    for (const at of ['0', '99', '-1', 'x', '1.5']) assert.equal((await split(how.id, { at, heading: 'H' })).statusCode, 400, at);
    res = await split(how.id, { at: '1', heading: '' });
    assert.equal(res.statusCode, 400);
    assert.match(errorSummary(res.body)[0]![0], /Enter a heading for the new section/);
    assert.match(res.body, /href="#heading"/);
    assert.equal((await split(how.id, { at: '1', heading: 'x'.repeat(201) })).statusCode, 400, 'too long a heading');
    assert.equal((await sections()).length, 3, 'nothing changed');

    ok(await split(how.id, { at: '1', heading: 'Handing over' }));
    const after = await sections();
    assert.deepEqual(after.map((s) => [s.position, s.heading]), [[1, 'Why delegate'], [2, 'How to delegate'], [3, 'Handing over'], [4, 'After']]);
    assert.equal(after[1]!.body, '- Ask\n- Agree');
    assert.equal(after[2]!.body, 'Then hand over the task with **care** and a date.\n\n## Check in\n\nWeekly.');
    // A one-block section has nowhere to split.
    const page = await admin.get(`/admin/consultations/drafts/${draftId}/sections/${after[3]!.id}/split`);
    assert.match(mainText(page.body), /nowhere to split it/);
    assert.equal((await split(after[3]!.id, { at: '1', heading: 'H' })).statusCode, 400);
    assert.equal((await admin.get(`/admin/consultations/drafts/${draftId}/sections/999999/split`)).statusCode, 404);
  });

  it('splits imported HTML between its elements, and merging gives the same HTML back', async () => {
    const programme = (await findProgramme(db()))!;
    const one = sanitizeRichHtml('<p>First <strong>part</strong> &amp; more.</p><ul><li>One</li><li>Two</li></ul><h4>Fish &amp; chips</h4><p>Second part.</p><table><tbody><tr><td>Cell</td></tr></tbody></table>');
    draftId = await createDraft(db(), { id: f.admin.personId, role: 'admin' }, programme.id, { title: 'Imported', summary: 'S.', aims: '', projectIds: [] }, { sections: [{ heading: 'Only', body: one, picturesWithoutAlt: 0 }], format: 'html', source: 'word', sourceName: 'x.docx' }, f.t.clock);
    const [s] = await sections();
    const page = mainText((await admin.get(`/admin/consultations/drafts/${draftId}/sections/${s!.id}/split`)).body);
    assert.match(page, /One Two/);
    assert.match(page, /Sub-heading: Fish & chips/);
    assert.match(page, /Cell/);
    const at = blocksOf(s!.body, 'html').findIndex((b) => b.heading === 'Fish & chips');
    assert.equal(at, 2);
    ok(await split(s!.id, { at: String(at), heading: '' }));
    const after = await sections();
    assert.deepEqual(after.map((x) => [x.heading, x.body_format]), [['Only', 'html'], ['Fish & chips', 'html']]);
    assert.doesNotMatch(after[0]!.body, /Second part|<h4/);
    assert.match(after[1]!.body, /^<p[^>]*>Second part\.<\/p><table/);
    ok(await admin.submit(`/admin/consultations/drafts/${draftId}/sections/${s!.id}/merge`, {}, `/admin/consultations/drafts/${draftId}`));
    const merged = await sections();
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.body, one);
  });

  it('is refused while a consultation runs on the version', async () => {
    const bo = await f.register('Bo Baker');
    ok(await admin.submit(`/admin/consultations/drafts/${draftId}/consult`, { audience: 'people', audiencePeople: bo.email, 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '30', 'closes-month': '6', 'closes-year': '2026', commentsVisible: 'participants' }, `/admin/consultations/drafts/${draftId}/consult`));
    const how = (await sections())[1]!;
    // Posted from the draft page (the split page itself sends the team back).
    const res = await admin.submit(`/admin/consultations/drafts/${draftId}/sections/${how.id}/split`, { at: '1', heading: 'Handing over' }, `/admin/consultations/drafts/${draftId}`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, `/admin/consultations/drafts/${draftId}#section-${how.id}`);
    assert.match(mainText((await admin.get(res.headers.location as string)).body), /Not changed: A consultation runs on this version, so its sections cannot change\./);
    assert.equal((await sections()).length, 3);
    assert.equal((await admin.get(`/admin/consultations/drafts/${draftId}/sections/${how.id}/split`)).statusCode, 302, 'the page sends the team back too');
    assert.doesNotMatch((await admin.get(`/admin/consultations/drafts/${draftId}`)).body, /\/split"/, 'no split link on a locked version');
  });
});
