// The survey builder over HTTP, on both engines: admins only; every question type saved and
// previewed (the preview storing nothing); conditions refused on later questions and by reorders;
// duplicate, templates and save as a template; versions locking once a response exists (a row
// put in directly: answering is the next slice); hostile input 4xx; typed markup inert; and the
// feature's personal data exported and erased.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { errorSummary, mainText, setUp, type Fixture } from '../participants/test-fixture.ts';
import { surveysPersonalData } from './personal-data.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { seedDemoSurveys } from './demo.ts';

describe(`survey builder on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  const db = () => f.t.data.db;
  const surveys = () => db().selectFrom('surveys').selectAll().orderBy('id').execute();
  const questions = (versionId: number) => db().selectFrom('survey_questions').selectAll().where('version_id', '=', versionId).orderBy('section_id').orderBy('position').execute();
  const create = async (title = 'Staff survey') => {
    const res = await f.admin.submit('/admin/surveys/new', { title, intro: 'Tell us **what** you think.' }, '/admin/surveys/new');
    assert.equal(res.statusCode, 302, errorSummary(res.body).join());
    return (await surveys()).at(-1)!;
  };
  const addQuestion = async (id: number, type: string, form: Record<string, string | string[]>, section = 1) => {
    const url = `/admin/surveys/${id}/sections/${section}/questions/new/${type}`;
    const res = await f.admin.submit(url, { required: 'no', ...form }, url);
    assert.equal(res.statusCode, 302, `${type}: ${errorSummary(res.body).join()}`);
  };
  const keyOf = async (versionId: number, title: string) => (await questions(versionId)).find((q) => q.title === title)!.key;

  beforeEach(async () => {
    f = await setUp();
  });
  afterEach(() => f.t.close());

  it('is for admins only: others are refused, signed-out people sent to sign in', async () => {
    const s = await create();
    const amy = await f.register('Amy Archer');
    const amyC = await f.signInAs(amy.personId);
    for (const url of ['/admin/surveys', `/admin/surveys/${s.id}`, `/admin/surveys/${s.id}/preview`, '/admin/surveys/new']) {
      assert.equal((await amyC.get(url)).statusCode, 403, url);
      const anon = await f.t.client().get(url);
      assert.equal(anon.statusCode, 302, url);
      assert.match(String(anon.headers.location), /sign-in/);
    }
    const res = await amyC.post(`/admin/surveys/${s.id}/duplicate`, {}, await amyC.csrfToken('/my'));
    assert.equal(res.statusCode, 403);
    assert.equal((await surveys()).length, 1);
    assert.match((await f.admin.get('/admin/surveys')).body, /Staff survey/);
  });

  it('saves every question type, shows them on the survey page and in the preview, which stores nothing', async () => {
    const s = await create();
    const v = s.live_version_id!;
    await addQuestion(s.id, 'short_text', { title: 'Your job title', help: 'As on your badge', required: 'yes' });
    await addQuestion(s.id, 'long_text', { title: 'Anything else' });
    await addQuestion(s.id, 'single', { title: 'Your service', choices: 'Imaging\nRadiotherapy', other: 'yes' });
    await addQuestion(s.id, 'multiple', { title: 'Topics', choices: 'Safety\nDelegation\nCareers', other: 'yes' });
    await addQuestion(s.id, 'rating', { title: 'How satisfied are you?', choices: 'Very unhappy\nUnhappy\nHappy\nVery happy' });
    await addQuestion(s.id, 'matrix', { title: 'How far do you agree?', rows: 'I have time to learn\nI have a supervisor', choices: 'Disagree\nNeutral\nAgree' });
    await addQuestion(s.id, 'number', { title: 'Hours of learning a month', min: '0', max: '40' });
    await addQuestion(s.id, 'date', { title: 'When did you start?' });
    await addQuestion(s.id, 'ranking', { title: 'Order these', choices: 'Pay\nTraining\nHours' });
    const qs = await questions(v);
    assert.deepEqual(qs.map((q) => q.type), ['short_text', 'long_text', 'single', 'multiple', 'rating', 'matrix', 'number', 'date', 'ranking']);
    const number = qs.find((q) => q.type === 'number')!;
    assert.deepEqual([Number(number.min_value), Number(number.max_value)], [0, 40]);
    assert.equal(Number(qs.find((q) => q.type === 'multiple')!.has_other), 1);
    const matrix = qs.find((q) => q.type === 'matrix')!;
    const options = await db().selectFrom('survey_options').select(['kind', 'label']).where('question_id', '=', matrix.id).orderBy('kind').orderBy('position').execute();
    assert.deepEqual(options.map((o) => `${o.kind}:${o.label}`), ['choice:Disagree', 'choice:Neutral', 'choice:Agree', 'row:I have time to learn', 'row:I have a supervisor']);
    const page = mainText((await f.admin.get(`/admin/surveys/${s.id}`)).body);
    assert.match(page, /1\. Your job title Short text, required/);
    assert.match(page, /Topics Multiple choice, optional: Safety, Delegation, Careers, Other/);

    const preview = await f.admin.get(`/admin/surveys/${s.id}/preview`);
    assert.equal(preview.statusCode, 200);
    const body = preview.body;
    assert.match(body, /This is a preview/);
    for (const label of ['1. Your job title', '2. Anything else (optional)', 'Other, please say', 'Very unhappy', 'I have a supervisor', 'From 0 to 40', 'Month', 'Choose a position']) assert.ok(body.includes(label), label);
    const key = (t: string) => qs.find((q) => q.title === t)!.key;
    const opt = async (t: string, label: string, kind = 'choice') => (await db().selectFrom('survey_options').select('key').where('question_id', '=', qs.find((q) => q.title === t)!.id).where('kind', '=', kind as 'choice').where('label', '=', label).executeTakeFirstOrThrow()).key;
    const form: Record<string, string | string[]> = { answers: '{}', page: '1', action: 'continue', [`q-${key('Your job title')}`]: '' };
    const missing = await f.admin.submit(`/admin/surveys/${s.id}/preview`, { ...form, [`q-${key('Hours of learning a month')}`]: '41' }, `/admin/surveys/${s.id}/preview`);
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(errorSummary(missing.body).map((e) => e[0]), ['Enter an answer to “Your job title”', 'Enter a number from 0 to 40']);
    assert.match(missing.body, /value="41"/, 'what was typed is shown again');
    const answered = await f.admin.submit(
      `/admin/surveys/${s.id}/preview`,
      {
        ...form,
        [`q-${key('Your job title')}`]: 'Assistant practitioner',
        [`q-${key('Your service')}`]: '_other',
        [`q-${key('Your service')}-other`]: 'Education',
        [`q-${key('Topics')}`]: [await opt('Topics', 'Careers'), await opt('Topics', 'Safety')],
        [`q-${key('How far do you agree?')}-${await opt('How far do you agree?', 'I have time to learn', 'row')}`]: await opt('How far do you agree?', 'Agree'),
        [`q-${key('Hours of learning a month')}`]: '12',
        [`q-${key('When did you start?')}-day`]: '3',
        [`q-${key('When did you start?')}-month`]: '2',
        [`q-${key('When did you start?')}-year`]: '2024',
        [`q-${key('Order these')}-${await opt('Order these', 'Pay')}`]: '3',
        [`q-${key('Order these')}-${await opt('Order these', 'Training')}`]: '1',
        [`q-${key('Order these')}-${await opt('Order these', 'Hours')}`]: '2',
      },
      `/admin/surveys/${s.id}/preview`,
    );
    assert.equal(answered.statusCode, 200, errorSummary(answered.body).join());
    const check = mainText(answered.body);
    assert.match(check, /Check your answers/);
    for (const text of ['Assistant practitioner', 'Other: Education', 'Safety Careers', 'I have time to learn: Agree', '3 February 2024', '1. Training 2. Hours 3. Pay', '12']) assert.ok(check.includes(text), text);
    assert.equal((await db().selectFrom('survey_responses').select('id').execute()).length, 0, 'a preview stores nothing');
    assert.equal((await db().selectFrom('survey_drafts').select('id').execute()).length, 0);
  });

  it('applies conditions in the preview page by page, and drops the answers they hide', async () => {
    const s = await create();
    const v = s.live_version_id!;
    await addQuestion(s.id, 'single', { title: 'Do you supervise?', choices: 'Yes\nNo', required: 'yes' });
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/sections/new`, { title: 'Supervision' }, `/admin/surveys/${s.id}/sections/new`)).statusCode, 302);
    await addQuestion(s.id, 'long_text', { title: 'How do you supervise?' }, 2);
    const a = await keyOf(v, 'Do you supervise?');
    const b = await keyOf(v, 'How do you supervise?');
    const yes = (await db().selectFrom('survey_options').select('key').where('label', '=', 'Yes').executeTakeFirstOrThrow()).key;
    const url = `/admin/surveys/${s.id}/questions/${b}/conditions`;
    const saved = await f.admin.submit(url, { showIf: 'all', 'c1-question': a, 'c1-operator': 'equals', 'c1-option': `${a}:${yes}` }, url);
    assert.equal(saved.statusCode, 302, errorSummary(saved.body).join());
    assert.match(mainText((await f.admin.get(`/admin/surveys/${s.id}`)).body), /Shown if question 1 is “Yes”/);
    const p = `/admin/surveys/${s.id}/preview`;
    const no = await f.admin.submit(p, { answers: '{}', page: '1', action: 'continue', [`q-${a}`]: (await db().selectFrom('survey_options').select('key').where('label', '=', 'No').executeTakeFirstOrThrow()).key }, p);
    assert.match(mainText(no.body), /Check your answers/, 'section 2 has nothing to ask: skipped');
    assert.doesNotMatch(mainText(no.body), /How do you supervise/);
    const y = await f.admin.submit(p, { answers: '{}', page: '1', action: 'continue', [`q-${a}`]: yes }, p);
    assert.match(mainText(y.body), /How do you supervise\?/);
    const carried = JSON.stringify({ [a]: { choices: ['zzz'] }, [b]: { text: 'Weekly' } });
    const tampered = await f.admin.submit(p, { answers: carried, page: '2', action: 'continue', [`q-${b}`]: 'Weekly' }, p);
    assert.match(mainText(tampered.body), /Supervision|Do you supervise/, 'a carried answer that fails its question is dropped, so the page it hid is not reached');
    assert.doesNotMatch(mainText(tampered.body), /Weekly/);
  });

  it('refuses a condition on a later question and a reorder that breaks one, naming the questions, and keeps what was chosen', async () => {
    const s = await create();
    const v = s.live_version_id!;
    await addQuestion(s.id, 'single', { title: 'First', choices: 'Yes\nNo' });
    await addQuestion(s.id, 'short_text', { title: 'Second' });
    const [first, second] = [await keyOf(v, 'First'), await keyOf(v, 'Second')];
    const later = `/admin/surveys/${s.id}/questions/${first}/conditions`;
    const res = await f.admin.submit(later, { 'c1-question': second, 'c1-operator': 'answered' }, later);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body).map((e) => e[0]), ['Question 1 (“First”) shows depending on question 2 (“Second”), which comes after it. A question can only depend on an earlier one']);
    const cond = `/admin/surveys/${s.id}/questions/${second}/conditions`;
    const partial = await f.admin.submit(cond, { 'c1-question': first, 'c1-operator': 'equals' }, cond);
    assert.deepEqual(errorSummary(partial.body), [['Choose the answer condition 1 compares with', '#c1-option']]);
    assert.match(partial.body, new RegExp(`<option value="${first}" selected>`), 'the choice made is kept');
    assert.equal((await f.admin.submit(cond, { 'c1-question': first, 'c1-operator': 'answered' }, cond)).statusCode, 302);
    const move = await f.admin.submit(`/admin/surveys/${s.id}/questions/${second}/move`, { direction: 'up' }, `/admin/surveys/${s.id}`);
    assert.equal(move.statusCode, 400);
    assert.deepEqual(errorSummary(move.body).map((e) => e[0]), ['Question 1 (“Second”) shows depending on question 2 (“First”), which comes after it. A question can only depend on an earlier one']);
    const del = await f.admin.submit(`/admin/surveys/${s.id}/questions/${first}/delete`, {}, `/admin/surveys/${s.id}`);
    assert.equal(del.statusCode, 400);
    assert.match(errorSummary(del.body)[0]![0], /Question 2 \(“Second”\) shows depending on question 1 \(“First”\)/);
    assert.deepEqual((await questions(v)).map((q) => q.title), ['First', 'Second'], 'nothing moved or deleted');
    const conditions = await db().selectFrom('survey_conditions').selectAll().execute();
    assert.equal(conditions.length, 1);
    assert.match(mainText((await f.admin.get(`/admin/surveys/${s.id}/questions/${second}/delete`)).body), /Delete question 2\? “Second” and its conditions will be deleted/);
    // Sections: a move that would put Second's page before First's is refused too.
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/sections/new`, { title: 'Later' }, `/admin/surveys/${s.id}`)).statusCode, 302);
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/questions/${second}/move`, { direction: 'down' }, `/admin/surveys/${s.id}`)).statusCode, 302, 'Second moves into section 2');
    const section = await f.admin.submit(`/admin/surveys/${s.id}/sections/2/move`, { direction: 'up' }, `/admin/surveys/${s.id}`);
    assert.equal(section.statusCode, 400);
    assert.match(errorSummary(section.body)[0]![0], /Question 1 \(“Second”\) shows depending on question 2 \(“First”\), which comes after it/);
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/sections/1/delete`, {}, `/admin/surveys/${s.id}`)).statusCode, 400, 'a section with questions is not deleted');
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/questions/${second}/move`, { direction: 'up' }, `/admin/surveys/${s.id}`)).statusCode, 302, 'back to section 1');
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/sections/2/delete`, {}, `/admin/surveys/${s.id}`)).statusCode, 302, 'an empty one is');
    assert.equal((await db().selectFrom('survey_sections').select('id').where('version_id', '=', v).execute()).length, 1);
    // A reorder that breaks nothing works.
    await addQuestion(s.id, 'short_text', { title: 'Third' });
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/questions/${await keyOf(v, 'Third')}/move`, { direction: 'up' }, `/admin/surveys/${s.id}`)).statusCode, 302);
    assert.deepEqual((await questions(v)).map((q) => q.title), ['First', 'Third', 'Second']);
  });

  it('duplicates a survey as a new draft with no responses, and starts surveys from shipped and saved templates', async () => {
    const s = await create();
    await addQuestion(s.id, 'single', { title: 'Role', choices: 'A\nB' });
    await db().insertInto('survey_responses').values({ id: randomUUID(), survey_id: s.id, version_id: s.live_version_id!, anonymous: 0, person_id: null, submitted_at: null, updated_at: null, role_group: null, service: null, nation: null, region: null, band: null }).execute();
    const dup = await f.admin.submit(`/admin/surveys/${s.id}/duplicate`, {}, `/admin/surveys/${s.id}`);
    assert.equal(dup.statusCode, 302);
    const copy = (await surveys()).at(-1)!;
    assert.notEqual(copy.id, s.id);
    assert.equal(copy.title, 'Staff survey (copy)');
    assert.equal(copy.status, 'draft');
    assert.deepEqual((await questions(copy.live_version_id!)).map((q) => q.title), ['Role']);
    assert.equal((await db().selectFrom('survey_responses').select('id').where('survey_id', '=', copy.id).execute()).length, 0);

    const list = await f.admin.get('/admin/surveys/templates');
    assert.match(mainText(list.body), /Training needs/);
    assert.match(mainText(list.body), /Event feedback/);
    const none = await f.admin.submit('/admin/surveys/templates', {}, '/admin/surveys/templates');
    assert.deepEqual(errorSummary(none.body), [['Select a template', '#template']]);
    assert.equal((await f.admin.submit('/admin/surveys/templates', { template: 'training-needs' }, '/admin/surveys/templates')).statusCode, 302);
    const training = (await surveys()).at(-1)!;
    assert.equal(training.title, 'Training needs of the support workforce');
    const tq = await questions(training.live_version_id!);
    assert.ok(tq.some((q) => q.key === 'protected_time') && tq.some((q) => q.type === 'matrix') && tq.some((q) => q.type === 'ranking'));
    assert.ok((await db().selectFrom('survey_conditions').select('id').where('question_id', 'in', tq.map((q) => q.id)).execute()).length >= 4, 'its conditions came too');

    const nameless = await f.admin.submit(`/admin/surveys/${training.id}/save-template`, { name: '' }, `/admin/surveys/${training.id}/save-template`);
    assert.deepEqual(errorSummary(nameless.body), [['Enter a name for the template', '#name']]);
    assert.equal((await f.admin.submit(`/admin/surveys/${training.id}/save-template`, { name: 'Our training survey' }, `/admin/surveys/${training.id}/save-template`)).statusCode, 302);
    const saved = await db().selectFrom('survey_templates').select('id').executeTakeFirstOrThrow();
    assert.match(mainText((await f.admin.get('/admin/surveys/templates')).body), /Our training survey/);
    assert.equal((await f.admin.submit('/admin/surveys/templates', { template: `saved-${saved.id}` }, '/admin/surveys/templates')).statusCode, 302);
    const fromSaved = (await surveys()).at(-1)!;
    assert.deepEqual((await questions(fromSaved.live_version_id!)).map((q) => q.key), tq.map((q) => q.key));
    // A saved template changed by hand into something the builder would refuse is not offered or used.
    await db().updateTable('survey_templates').set({ definition: '{"title":"x","sections":[]}' }).execute();
    assert.doesNotMatch(mainText((await f.admin.get('/admin/surveys/templates')).body), /Our training survey/);
    assert.equal((await f.admin.submit('/admin/surveys/templates', { template: `saved-${saved.id}` }, '/admin/surveys/templates')).statusCode, 400);
  });

  it('locks the questions once there is a response; “Change the questions” makes a new version, live when chosen', async () => {
    const s = await create();
    const v1 = s.live_version_id!;
    await addQuestion(s.id, 'short_text', { title: 'Question one' });
    await db().insertInto('survey_responses').values({ id: randomUUID(), survey_id: s.id, version_id: v1, anonymous: 1, person_id: null, submitted_at: null, updated_at: null, role_group: null, service: null, nation: null, region: null, band: null }).execute();
    const page = await f.admin.get(`/admin/surveys/${s.id}`);
    assert.match(mainText(page.body), /Version 1 has responses, so its questions are locked/);
    assert.doesNotMatch(page.body, /questions\/new/);
    const key = await keyOf(v1, 'Question one');
    const url = `/admin/surveys/${s.id}/questions/${key}`;
    const locked = await f.admin.submit(url, { title: 'Changed', required: 'no' }, url);
    assert.equal(locked.statusCode, 409);
    assert.match(errorSummary(locked.body)[0]![0], /These questions have responses, so they are locked/);
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/sections/1/questions/new/short_text`, { title: 'New', required: 'no' }, url)).statusCode, 409);
    assert.deepEqual((await questions(v1)).map((q) => q.title), ['Question one']);

    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/versions/new`, {}, `/admin/surveys/${s.id}`)).statusCode, 302);
    const versions = await db().selectFrom('survey_versions').selectAll().where('survey_id', '=', s.id).orderBy('number').execute();
    assert.deepEqual(versions.map((v) => v.number), [1, 2]);
    const v2 = versions[1]!.id;
    assert.equal((await f.admin.submit(url, { title: 'Question one, clearer', required: 'yes' }, url)).statusCode, 302);
    assert.deepEqual((await questions(v2)).map((q) => [q.title, q.key]), [['Question one, clearer', key]], 'the new version keeps the question’s key');
    assert.deepEqual((await questions(v1)).map((q) => q.title), ['Question one'], 'the answered version is unchanged');
    let text = mainText((await f.admin.get(`/admin/surveys/${s.id}`)).body);
    assert.match(text, /Live version Version 1 \(1 response\)/);
    assert.match(text, /Version 2 holds your changes and is not live yet/);
    assert.equal((await f.admin.submit(`/admin/surveys/${s.id}/versions/live`, {}, `/admin/surveys/${s.id}`)).statusCode, 302);
    text = mainText((await f.admin.get(`/admin/surveys/${s.id}`)).body);
    assert.match(text, /Live version Version 2 \(0 responses\)/);
    assert.equal((await surveys())[0]!.live_version_id, v2);
  });

  it('answers hostile addresses and bodies with a 4xx, never a 500, and shows typed markup as text', async () => {
    const s = await create('<script>alert(1)</script> survey');
    for (const url of ['/admin/surveys/abc', '/admin/surveys/0', '/admin/surveys/99999999999', `/admin/surveys/${s.id}/sections/99`, `/admin/surveys/${s.id}/sections/0/questions/new`, `/admin/surveys/${s.id}/questions/NOT-A-KEY`, `/admin/surveys/${s.id}/questions/zz`, `/admin/surveys/${s.id}/sections/1/questions/new/essay`, '/admin/surveys/999/preview']) {
      const res = await f.admin.get(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
    }
    const token = await f.admin.csrfToken(`/admin/surveys/${s.id}`);
    const posts: [string, Record<string, string | string[]>][] = [
      ['/admin/surveys/new', { title: ['a', 'b'], intro: ['x'] }],
      ['/admin/surveys/new', { title: 'x'.repeat(5000) }],
      ['/admin/surveys/new', { title: 'Bad\u0000byte' }],
      [`/admin/surveys/${s.id}/sections/1/questions/new`, { type: 'essay' }],
      [`/admin/surveys/${s.id}/sections/1/questions/new/single`, { title: 'Q', required: 'maybe', choices: 'one' }],
      [`/admin/surveys/${s.id}/sections/1/questions/new/number`, { title: 'Q', required: 'no', min: 'ten', max: '5' }],
      [`/admin/surveys/${s.id}/sections/1/questions/new/number`, { title: 'Q', required: 'no', min: '10', max: '5' }],
      [`/admin/surveys/${s.id}/sections/1/questions/new/matrix`, { title: 'Q', required: 'no', choices: 'a\nb', rows: '' }],
      [`/admin/surveys/${s.id}/preview`, { answers: '{"__proto__":1', page: '1e9', action: ['x', 'y'] }],
      [`/admin/surveys/${s.id}/sections/1/move`, { direction: 'sideways' }],
      [`/admin/surveys/${s.id}/questions/zz/move`, { direction: 'up' }],
      [`/admin/surveys/${s.id}/save-template`, { name: ['a', 'b'] }],
      ['/admin/surveys/templates', { template: ['training-needs', 'x'] }],
    ];
    for (const [url, body] of posts) {
      const res = await f.admin.post(url, body, token);
      assert.ok(res.statusCode < 500, `${url} ${JSON.stringify(body).slice(0, 60)}: ${res.statusCode}`);
    }
    const wrongType = await f.admin.post(`/admin/surveys/${s.id}/sections/1/questions/new/single`, { title: 'Q', required: 'no', choices: 'one' }, token);
    assert.deepEqual(errorSummary(wrongType.body), [['Enter at least 2 choices, one on each line', '#choices']]);
    assert.match(wrongType.body, />one<\/textarea>/, 'what was typed is kept');
    assert.equal((await surveys()).length, 1);
    assert.equal((await questions(s.live_version_id!)).length, 0, 'nothing saved');

    await addQuestion(s.id, 'single', { title: '<img src=x onerror=alert(1)>', help: '<b>bold</b>', choices: '<i>one</i>\ntwo' });
    for (const url of [`/admin/surveys/${s.id}`, `/admin/surveys/${s.id}/preview`, '/admin/surveys']) {
      const body = (await f.admin.get(url)).body;
      assert.doesNotMatch(body, /<script>alert|<img src=x|<b>bold|<i>one/, url);
      assert.match(body, /&lt;script&gt;|&lt;img/, url);
    }
  });

  it('exports and erases a person’s survey rows; an anonymous response stays and names no one', async () => {
    const s = await create();
    const amy = await f.register('Amy Archer');
    const ids = [randomUUID(), randomUUID()];
    const row = { survey_id: s.id, version_id: s.live_version_id!, updated_at: null, role_group: 'Assistant practitioner', service: null, nation: null, region: null, band: null };
    await db().insertInto('survey_responses').values([{ ...row, id: ids[0]!, anonymous: 0, person_id: amy.personId, submitted_at: f.t.clock().toISOString() }, { ...row, id: ids[1]!, anonymous: 1, person_id: null, submitted_at: null }]).execute();
    await db().insertInto('survey_respondents').values({ survey_id: s.id, person_id: amy.personId }).execute();
    await assert.rejects(db().insertInto('survey_responses').values({ ...row, id: randomUUID(), anonymous: 1, person_id: amy.personId, submitted_at: null }).execute(), 'an anonymous response cannot name a person');
    await assert.rejects(db().insertInto('survey_responses').values({ ...row, id: randomUUID(), anonymous: 1, person_id: null, submitted_at: f.t.clock().toISOString() }).execute(), 'nor carry a time');
    const exported = await surveysPersonalData.exportPerson(db(), amy.personId);
    assert.deepEqual(exported.survey_responses!.map((r) => r.id), [ids[0]]);
    assert.deepEqual(exported.surveys_responded!.map((r) => ({ ...r })), [{ survey_id: s.id }]);
    const adminExport = await surveysPersonalData.exportPerson(db(), f.admin.personId);
    assert.deepEqual(adminExport.surveys_made!.map((r) => r.title), ['Staff survey']);
    await inTransaction(db(), (tx) => surveysPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    await inTransaction(db(), (tx) => surveysPersonalData.erasePerson(tx, f.admin.personId, f.t.clock));
    assert.deepEqual((await db().selectFrom('survey_responses').select('id').execute()).map((r) => r.id), [ids[1]]);
    assert.equal((await db().selectFrom('survey_respondents').select('person_id').execute()).length, 0);
    assert.equal((await surveys())[0]!.created_by, null, 'the survey stays, without the name of who made it');
  });

  it('seeds the demo training-needs survey', async () => {
    const made = await inTransaction(db(), (tx) => seedDemoSurveys(tx, f.programmeId, f.admin.personId, f.t.clock));
    const s = (await surveys()).find((x) => x.id === made.surveyId)!;
    assert.equal(s.title, 'Training needs of the support workforce');
    assert.ok((await questions(s.live_version_id!)).length > 10);
  });
});
