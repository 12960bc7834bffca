// Changing a consultation after it is set up, on both engines with the injected clock: the form
// shows what is stored; dates, audience, questions and visibility change, and the notices follow
// the new dates; changes that make no sense once people have taken part are refused with the
// reason (the opening date once open, an answered question reworded or removed, comments written
// for the team made readable by everyone); the team only; hostile bodies answered.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { consultForm, draftInConsultation } from './test-drafts.ts';

describe(`changing a consultation on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let amy: Someone, bo: Someone;
  let id: number;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);
  const form = (over: Record<string, string | string[]> = {}) => consultForm([amy.email], { commentsVisible: 'team', question1: 'Is anything missing?', question2: 'What is unclear?', ...over });
  const edit = (body: Record<string, string | string[]>) => admin.submit(`/admin/consultations/${id}/edit`, body, `/admin/consultations/${id}/edit`);

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-05-20T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    ({ id } = await draftInConsultation(admin, { title: 'Edited one', text: '# One\n\nText one.' }, form()));
  });
  afterEach(() => f.t.close());

  it('shows what is stored and changes dates, audience, questions and visibility before it opens', async () => {
    const page = await admin.get(`/admin/consultations/${id}/edit`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="closes-day"[^>]*value="30"/);
    assert.match(page.body, /value="What is unclear\?"/);
    assert.match(page.body, new RegExp(amy.email.replace('.', '\\.')));
    ok(await edit(form({ audiencePeople: `${amy.email}\n${bo.email}`, 'opens-day': '3', 'closes-day': '10', 'closes-month': '7', commentsVisible: 'participants', question2: '', question3: 'Anything else?' })));
    const c = await db().selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(c.opens_at, '2026-06-02T23:00:00.000Z');
    assert.equal(c.closes_at, '2026-07-10T23:00:00.000Z');
    assert.equal(c.comments_visible, 'participants');
    const qs = await db().selectFrom('consultation_questions').select(['position', 'text']).where('consultation_id', '=', id).orderBy('position').execute();
    assert.deepEqual(qs.map((q) => [q.position, q.text]), [[1, 'Is anything missing?'], [3, 'Anything else?']]);
    const boC = await f.signInAs(bo.personId);
    assert.equal((await boC.get(`/consultations/${id}`)).statusCode, 200, 'Bo is in the audience now');
    // The notices follow the new dates.
    const jobs = await db().selectFrom('jobs').select(['kind', 'run_at']).where('kind', 'like', 'consultations.%').where('status', '=', 'pending').orderBy('kind').execute();
    assert.deepEqual(jobs.map((j) => [j.kind, new Date(j.run_at).toISOString()]), [['consultations.closing', '2026-07-07T23:00:00.000Z'], ['consultations.opened', '2026-06-02T23:00:00.000Z']]);
    const audit = await db().selectFrom('audit_events').select('action').where('action', '=', 'consultation.edit').execute();
    assert.equal(audit.length, 1);
  });

  it('refuses what makes no sense once people have taken part, saying why and keeping what was typed', async () => {
    f.t.clock.set('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    const q1 = await db().selectFrom('consultation_questions').select('id').where('position', '=', 1).executeTakeFirstOrThrow();
    ok(await amyC.submit(`/consultations/${id}/questions/${q1.id}/answer`, { body: 'A glossary.', publication: 'named' }, `/consultations/${id}/questions/${q1.id}/answer`));
    admin = await f.signInAs(f.admin.personId);
    let res = await edit(form({ 'opens-day': '5' }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['The consultation has opened, so its opening date cannot change', '#opens-day']]);
    res = await edit(form({ question1: 'Is anything missing or wrong?' }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['Question 1 has answers, so it cannot be reworded or removed: add a new question instead', '#question1']]);
    assert.match(res.body, /value="Is anything missing or wrong\?"/, 'what was typed is kept');
    res = await edit(form({ question1: '' }));
    assert.equal(res.statusCode, 400);
    res = await edit(form({ commentsVisible: 'participants' }));
    assert.deepEqual(errorSummary(res.body), [['People have commented for the team alone, so their comments cannot be made readable by everyone', '#commentsVisible']]);
    res = await edit(form({ 'closes-day': '1', 'closes-month': '6' }));
    assert.equal(res.statusCode, 400);
    assert.match(mainText(res.body), /closing date must be in the future/);
    // What still makes sense: a later close, an unanswered question reworded.
    ok(await edit(form({ 'closes-day': '15', 'closes-month': '7', question2: 'What is hard to follow?' })));
    const qs = await db().selectFrom('consultation_questions').select('text').where('consultation_id', '=', id).orderBy('position').execute();
    assert.deepEqual(qs.map((q) => q.text), ['Is anything missing?', 'What is hard to follow?']);
  });

  it('is for the team only, and answers hostile input with 4xx, never a 500', async () => {
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(`/admin/consultations/${id}/edit`)).statusCode, 403);
    assert.equal((await admin.get('/admin/consultations/99999/edit')).statusCode, 404);
    for (const body of [{}, { 'opens-day': ['1', '2'] }, { commentsVisible: 'everyone' }, { question1: 'x'.repeat(5000) }, form({ audience: 'nonsense' })]) {
      const res = await edit(body as Record<string, string | string[]>);
      assert.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 80));
    }
  });
});
