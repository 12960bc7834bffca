// Each comment keeps its text rendered and sanitised beside it (migration 037), so the draft page
// does not render every comment on every view: written with the comment, refreshed by a redaction
// and a response, inert for hostile text, and a row with no stored HTML (written some other way)
// is still shown rendered. Both engines.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { mainText, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { ok, openForAmyAndBo } from './test-drafts.ts';

describe(`stored comment HTML on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let amy: Someone, bo: Someone;
  let id: number;
  const db = () => f.t.data.db;
  const stored = (commentId: number) => db().selectFrom('consultation_comments').select(['body_html', 'redacted_html', 'response_html']).where('id', '=', commentId).executeTakeFirstOrThrow();

  beforeEach(async () => {
    ({ f, admin, amy, bo, id } = await openForAmyAndBo({ title: 'Stored', text: '# One\n\nText one.' }));
  });
  afterEach(() => f.t.close());

  it('stores the rendered text with the comment, and a redaction and a response refresh theirs', async () => {
    const amyC = await f.signInAs(amy.personId);
    const path = `/consultations/${id}/comment`;
    ok(await amyC.submit(path, { body: 'Ask **Dan Smith** first <script>alert(1)</script> [x](javascript:alert(2))', publication: 'named' }, path));
    const c = await db().selectFrom('consultation_comments').select('id').executeTakeFirstOrThrow();
    let html = await stored(c.id);
    assert.match(html.body_html!, /<strong>Dan Smith<\/strong>/);
    assert.doesNotMatch(html.body_html!, /<script|href="javascript:/, 'stored already sanitised');
    assert.equal(html.redacted_html, null);
    assert.equal(html.response_html, null);

    const at = `/admin/consultations/${id}/comments/${c.id}`;
    ok(await admin.submit(`${at}/redact`, { redacted: 'Ask **[a manager]** first', reason: 'Names a third party' }, at));
    ok(await admin.submit(at, { status: 'noted', response: 'We will say *who* to ask.' }, at));
    html = await stored(c.id);
    assert.match(html.redacted_html!, /<strong>\[a manager\]<\/strong>/);
    assert.match(html.response_html!, /<em>who<\/em>/);

    const boPage = (await (await f.signInAs(bo.personId)).get(`/consultations/${id}`)).body;
    assert.match(boPage, /<strong>\[a manager\]<\/strong>/, 'others read the redacted text');
    assert.doesNotMatch(boPage, /Dan Smith/);
    assert.match(boPage, /<em>who<\/em>/);
    assert.match((await amyC.get(`/consultations/${id}`)).body, /<strong>Dan Smith<\/strong>/, 'the commenter reads their own words');
    // A second redaction replaces the first one's HTML.
    ok(await admin.submit(`${at}/redact`, { redacted: 'Ask first', reason: 'Shorter' }, at));
    assert.doesNotMatch((await stored(c.id)).redacted_html!, /a manager/);
    assert.doesNotMatch(mainText((await (await f.signInAs(bo.personId)).get(`/consultations/${id}`)).body), /a manager/);
  });

  it('renders a comment that has no stored HTML when the page is read', async () => {
    await db()
      .insertInto('consultation_comments')
      .values({ consultation_id: id, person_id: amy.personId, version_id: null, section_key: null, question_id: null, parent_id: null, body: 'Written **elsewhere** <img src=x onerror=alert(1)>', publication: 'named', status: 'noted', response: 'A _reply_', created_at: '2026-06-02T08:00:00Z' })
      .execute();
    const page = (await (await f.signInAs(bo.personId)).get(`/consultations/${id}`)).body;
    assert.match(page, /Written <strong>elsewhere<\/strong>/);
    assert.match(page, /A <em>reply<\/em>/);
    assert.doesNotMatch(page, /<img src=x/);
  });
});
