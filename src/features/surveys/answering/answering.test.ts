// Sending and answering surveys over HTTP, on both engines: who may see a survey (404 for anyone
// else, never a draft), before open and after close refused with a message, identified and
// anonymous responses (an anonymous one with no person and no time, only a respondents row), one
// response each, save and return across two devices, hidden answers discarded on save and submit,
// the open link (one per browser), reminders to non-respondents by the injected clock, closing
// clearing drafts, hostile input answered 4xx, and typed markup inert on the copy of answers.
import { questionDef as q } from '../templates.ts';
import { sendFormBody } from './test-support.ts';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { runDueJobs } from '../../../platform/jobs/runner.ts';
import { createSurvey } from '../service.ts';
import type { SurveyDefinition } from '../definition.ts';
import { surveyJobHandlers } from './notices.ts';
import { surveysPersonalData } from '../personal-data.ts';
import { seedDemoSurveyResponses } from './demo.ts';
import { seedDemoSurveys } from '../demo.ts';


/** Two pages; c is shown only if a is "yes" and b includes "x" (two conditions on one question); e only if a is "no". */
const DEF: SurveyDefinition = {
  title: 'Team survey',
  intro: 'Tell us what you think.',
  sections: [
    {
      title: 'About you',
      intro: '',
      questions: [
        q('a', 'single', 'Do you supervise?', { required: true, choices: [{ key: 'yes', label: 'Yes' }, { key: 'no', label: 'No' }] }),
        q('b', 'multiple', 'Topics', { choices: [{ key: 'x', label: 'Safety' }, { key: 'y', label: 'Careers' }] }),
        q('c', 'short_text', 'Which safety topic?', { conditions: [{ question: 'a', operator: 'equals', option: 'yes' }, { question: 'b', operator: 'includes', option: 'x' }] }),
      ],
    },
    { title: 'Anything else', intro: '', questions: [q('d', 'long_text', 'Anything else?'), q('e', 'number', 'Hours a week', { conditions: [{ question: 'a', operator: 'equals', option: 'no' }] })] },
  ],
};

describe(`surveys: sending and answering on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  const db = () => f.t.data.db;
  const ctx = () => ({ baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const run = () => runDueJobs(db(), f.t.clock, surveyJobHandlers(ctx()));
  const survey = (id: number) => db().selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const make = async (def = DEF) => {
    const made = await createSurvey(db(), f.admin.personId, f.programmeId, structuredClone(def), f.t.clock);
    assert.ok(made.ok);
    return made.id;
  };
  const sendForm = (over: Record<string, string> = {}) => sendFormBody([amy.email, bo.email], over);
  const send = async (id: number, over: Record<string, string> = {}) => {
    const res = await f.admin.submit(`/admin/surveys/${id}/send`, sendForm(over), `/admin/surveys/${id}/send`);
    return res;
  };
  const sent = async (over: Record<string, string> = {}, def = DEF) => {
    const id = await make(def);
    const res = await send(id, over);
    assert.ok([200, 302].includes(res.statusCode), errorSummary(res.body).join());
    return id;
  };
  const answerPage = (c: Awaited<ReturnType<Fixture['signInAs']>>, base: string, n: number, form: Record<string, string | string[]>) => c.submit(`${base}/pages/${n}`, form, base);
  /** Starts, answers both pages and reaches the check page. */
  const fillIn = async (c: Awaited<ReturnType<Fixture['signInAs']>>, base: string, d = 'All good') => {
    assert.equal((await c.submit(`${base}/start`, {}, base)).statusCode, 302);
    assert.equal((await answerPage(c, base, 1, { 'q-a': 'yes', 'q-b': 'x', 'q-c': 'Handover' })).headers.location, `${base}/pages/2`);
    assert.equal((await answerPage(c, base, 2, { 'q-d': d })).headers.location, `${base}/check`);
  };
  const submitFrom = (c: Awaited<ReturnType<Fixture['signInAs']>>, base: string) => c.submit(`${base}/check`, {}, `${base}/check`);

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
  });
  afterEach(() => f.t.close());

  it('is seen only by its audience: others get 404 on every page, and an unsent survey is seen by no one', async () => {
    const draftId = await make();
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(`/surveys/${draftId}`)).statusCode, 404, 'not sent yet');
    const id = await sent();
    const cyC = await f.signInAs(cy.personId);
    for (const url of [`/surveys/${id}`, `/surveys/${id}/pages/1`, `/surveys/${id}/check`, `/surveys/${id}/answers`]) assert.equal((await cyC.get(url)).statusCode, 404, url);
    assert.equal((await cyC.post(`/surveys/${id}/start`, {}, await cyC.csrfToken('/my'))).statusCode, 404);
    assert.equal((await cyC.post(`/surveys/${id}/pages/1`, { 'q-a': 'yes' }, await cyC.csrfToken('/my'))).statusCode, 404);
    assert.equal((await cyC.post(`/surveys/${id}/check`, {}, await cyC.csrfToken('/my'))).statusCode, 404);
    const anon = await f.t.client().get(`/surveys/${id}`);
    assert.equal(anon.statusCode, 302);
    const start = await amyC.get(`/surveys/${id}`);
    assert.equal(start.statusCode, 200);
    assert.match(mainText(start.body), /This survey is not anonymous/);
    assert.match(mainText((await amyC.get('/surveys')).body), /Team survey ?: closes on Friday 20 March 2026 at 5:00pm \(UK time\)/);
    assert.doesNotMatch(mainText((await cyC.get('/surveys')).body), /Team survey/);
    assert.match(mainText((await amyC.get('/my')).body), /Surveys for you to answer/);
    assert.match(mainText((await f.admin.get('/admin/surveys')).body), /Open, closes 20 March 2026 at 5:00pm \(UK time\)/);
    assert.match(mainText((await f.admin.get(`/admin/surveys/${id}`)).body), /Sending Who it is for The audience chosen .* Closes 20 March 2026 at 5:00pm \(UK time\)/);
  });

  it('refuses before it opens and after it closes, with a message', async () => {
    const id = await sent({ 'opens-day': '12' });
    assert.equal((await survey(id)).status, 'draft');
    const amyC = await f.signInAs(amy.personId);
    const early = await amyC.get(`/surveys/${id}`);
    assert.equal(early.statusCode, 403);
    assert.match(mainText(early.body), /This survey is not open yet It opens on Thursday 12 March 2026 at 12:00pm \(UK time\)/);
    assert.doesNotMatch(mainText((await amyC.get('/surveys')).body), /Team survey/);
    f.t.clock.set('2026-03-12T12:00:00Z');
    await run();
    assert.equal((await survey(id)).status, 'open');
    const amyLater = await f.signInAs(amy.personId);
    assert.equal((await amyLater.get(`/surveys/${id}`)).statusCode, 200);
    await amyLater.submit(`/surveys/${id}/start`, {}, `/surveys/${id}`);
    f.t.clock.set('2026-03-20T17:00:00Z');
    const amyC2 = await f.signInAs(amy.personId);
    // Past its time the survey is refused at once, before the close job runs.
    const late = await amyC2.get(`/surveys/${id}/pages/1`);
    assert.equal(late.statusCode, 403);
    assert.match(mainText(late.body), /This survey has closed/);
    await run();
    assert.equal((await survey(id)).status, 'closed');
    assert.equal((await amyC2.post(`/surveys/${id}/check`, {}, await amyC2.csrfToken('/my'))).statusCode, 403);
  });

  it('takes an identified response once: the copy is kept, a second one is refused', async () => {
    const id = await sent();
    const amyC = await f.signInAs(amy.personId);
    const base = `/surveys/${id}`;
    await fillIn(amyC, base);
    const check = mainText((await amyC.get(`${base}/check`)).body);
    assert.match(check, /1\. Do you supervise\? Yes/);
    assert.match(check, /3\. Which safety topic\? Handover/);
    const done = await submitFrom(amyC, base);
    assert.equal(done.headers.location, `${base}/answers`);
    const response = await db().selectFrom('survey_responses').selectAll().where('survey_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(response.person_id, amy.personId);
    assert.ok(response.submitted_at);
    assert.equal(response.version_id, (await survey(id)).live_version_id);
    assert.equal((await db().selectFrom('survey_drafts').select('id').where('survey_id', '=', id).execute()).length, 0);
    assert.equal((await db().selectFrom('survey_answers').select('question_id').where('response_id', '=', response.id).execute()).length, 4);
    assert.match(mainText((await amyC.get(`${base}/answers`)).body), /Your answers .*Which safety topic\? Handover/);
    const again = await submitFrom(amyC, base);
    assert.equal(again.statusCode, 403);
    assert.match(mainText(again.body), /You have already answered this survey/);
    assert.equal((await amyC.post(`${base}/start`, {}, await amyC.csrfToken(base))).statusCode, 403);
    assert.equal((await db().selectFrom('survey_responses').select('id').where('survey_id', '=', id).execute()).length, 1);
  });

  it('lets an identified response be changed until close when the survey allows', async () => {
    const id = await sent({ editable: 'yes' });
    const amyC = await f.signInAs(amy.personId);
    const base = `/surveys/${id}`;
    await fillIn(amyC, base);
    await submitFrom(amyC, base);
    assert.equal((await amyC.submit(`${base}/change`, {}, `${base}/answers`)).headers.location, `${base}/check`);
    await answerPage(amyC, base, 2, { 'q-d': 'Changed my mind' });
    await submitFrom(amyC, base);
    const rows = await db().selectFrom('survey_responses').select('id').where('survey_id', '=', id).execute();
    assert.equal(rows.length, 1);
    assert.match(mainText((await amyC.get(`${base}/answers`)).body), /Changed my mind/);
  });

  it('takes an anonymous response with no person and no time, with a respondents row, and refuses a second', async () => {
    const id = await sent({ anonymous: 'yes', editable: 'yes' });
    assert.equal(Number((await survey(id)).editable_until_close), 0, 'never editable when anonymous');
    const amyC = await f.signInAs(amy.personId);
    const base = `/surveys/${id}`;
    assert.match(mainText((await amyC.get(base)).body), /This survey is anonymous\. Your answers are not linked to you/);
    await fillIn(amyC, base);
    const done = await submitFrom(amyC, base);
    assert.equal(done.statusCode, 200);
    assert.match(mainText(done.body), /Your answers have been sent .*A copy of your answers .*Handover/);
    const response = await db().selectFrom('survey_responses').selectAll().where('survey_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(response.person_id, null);
    assert.equal(response.submitted_at, null);
    assert.equal(response.updated_at, null);
    assert.equal(Number(response.anonymous), 1);
    assert.match(response.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    assert.deepEqual((await db().selectFrom('survey_respondents').selectAll().where('survey_id', '=', id).execute()).map((r) => ({ ...r })), [{ survey_id: id, person_id: amy.personId }]);
    // A second, from another device too: the respondents row stops it.
    const amy2 = await f.signInAs(amy.personId);
    assert.equal((await amy2.get(base)).statusCode, 200);
    assert.match(mainText((await amy2.get(base)).body), /You have already answered this survey/);
    assert.equal((await amy2.post(`${base}/start`, {}, await amy2.csrfToken(base))).statusCode, 403);
    assert.equal((await amyC.get(`${base}/answers`)).statusCode, 404, 'nothing links the response to her');
    assert.equal((await db().selectFrom('survey_responses').select('id').where('survey_id', '=', id).execute()).length, 1);
    // The anonymity cannot change now.
    const change = await send(id, { anonymous: 'no' });
    assert.equal(Number((await survey(id)).anonymous), 1);
    assert.ok([200, 302].includes(change.statusCode));
    const relink = await send(id, { reach: 'link' });
    assert.equal(relink.statusCode, 400);
    assert.deepEqual(errorSummary(relink.body), [['How people reach the survey cannot change once it is open: close it and send a copy instead', '#reach']]);
    assert.equal((await survey(id)).open_link_hash, null);
  });

  it('saves and returns across two devices', async () => {
    const id = await sent();
    const base = `/surveys/${id}`;
    const laptop = await f.signInAs(amy.personId);
    await laptop.submit(`${base}/start`, {}, base);
    const later = await answerPage(laptop, base, 1, { 'q-a': 'no', action: 'later' });
    assert.equal(later.headers.location, base);
    const reached = async () => Number((await db().selectFrom('survey_drafts').select('reached_section').where('survey_id', '=', id).where('person_id', '=', amy.personId).executeTakeFirstOrThrow()).reached_section);
    assert.equal(await reached(), 1, 'stopped on page 1');
    const phone = await f.signInAs(amy.personId);
    assert.match(mainText((await phone.get(base)).body), /Continue where you left off/);
    const page = await phone.get(`${base}/pages/1`);
    assert.match(page.body, /value="no" checked/);
    assert.equal((await answerPage(phone, base, 1, { 'q-a': 'no' })).headers.location, `${base}/pages/2`);
    assert.match((await phone.get(`${base}/pages/2`)).body, /Hours a week/);
    const draft = await db().selectFrom('survey_drafts').selectAll().where('survey_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(draft.person_id, amy.personId);
    assert.equal(await reached(), 2, 'moved on to page 2');
    await answerPage(phone, base, 2, { 'q-e': '3' });
    assert.equal(await reached(), 2);
    assert.match(mainText((await laptop.get(`${base}/check`)).body), /Hours a week 3/);
    // Someone else's draft is never shown: Bo starts with nothing filled in.
    const boC = await f.signInAs(bo.personId);
    await boC.submit(`${base}/start`, {}, base);
    assert.doesNotMatch((await boC.get(`${base}/pages/1`)).body, /checked/);
  });

  it('shows errors without losing what was typed', async () => {
    const id = await sent();
    const base = `/surveys/${id}`;
    const c = await f.signInAs(amy.personId);
    await c.submit(`${base}/start`, {}, base);
    const bad = await answerPage(c, base, 1, { 'q-b': 'x' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body), [['Select an answer for “Do you supervise?”', '#q-a']]);
    assert.match(bad.body, /value="x" checked/);
  });

  it('discards answers hidden by a change, on save and on submit (two conditions on one question)', async () => {
    const id = await sent();
    const base = `/surveys/${id}`;
    const c = await f.signInAs(amy.personId);
    await c.submit(`${base}/start`, {}, base);
    // Without script, a question shown by answers on its own page is asked before moving on.
    const more = await answerPage(c, base, 1, { 'q-a': 'yes', 'q-b': 'x' });
    assert.equal(more.statusCode, 200);
    assert.match(more.body, /name="q-c"/);
    assert.match(mainText(more.body), /We have added a question to this page/);
    await answerPage(c, base, 1, { 'q-a': 'yes', 'q-b': 'x', 'q-c': 'Handover' });
    const draftAnswers = async () => JSON.parse((await db().selectFrom('survey_drafts').select('answers').where('survey_id', '=', id).executeTakeFirstOrThrow()).answers);
    assert.equal((await draftAnswers()).c.text, 'Handover');
    // One of c's two conditions stops holding: c is hidden, and its answer goes from the draft.
    await answerPage(c, base, 1, { 'q-a': 'yes', 'q-b': 'y', 'q-c': 'Handover' });
    assert.deepEqual(Object.keys(await draftAnswers()).sort(), ['a', 'b']);
    // A draft holding a hidden answer (written before a change, say) is pruned again at submit.
    await db().updateTable('survey_drafts').set({ answers: JSON.stringify({ a: { choices: ['no'] }, b: { choices: ['x'] }, c: { text: 'Hidden' }, e: { number: 4 } }) }).where('survey_id', '=', id).execute();
    assert.doesNotMatch(mainText((await c.get(`${base}/check`)).body), /Hidden/);
    await submitFrom(c, base);
    const response = await db().selectFrom('survey_responses').select('id').where('survey_id', '=', id).executeTakeFirstOrThrow();
    const answers = await db().selectFrom('survey_answers').select(['value_text', 'value_number']).where('response_id', '=', response.id).execute();
    assert.ok(!answers.some((a) => a.value_text === 'Hidden'));
    assert.ok(answers.some((a) => Number(a.value_number) === 4));
  });

  it('answers on an open link: a cookie token per browser, one response per browser, a honeypot', async () => {
    const id = await make();
    const res = await send(id, { reach: 'link', audience: '', audiencePeople: '' });
    assert.equal(res.statusCode, 200);
    const link = /\/surveys\/link\/([A-Za-z0-9_-]{43})/.exec(res.body)![1]!;
    assert.equal((await survey(id)).open_link_hash?.length, 64);
    assert.ok(!(await survey(id)).open_link_hash!.includes(link));
    const base = `/surveys/link/${link}`;
    const browser = f.t.client();
    assert.equal((await browser.get(base)).statusCode, 200);
    assert.equal(browser.cookies.size > 0, true);
    await fillIn(browser, base);
    const draft = await db().selectFrom('survey_drafts').selectAll().where('survey_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(draft.person_id, null);
    assert.equal(draft.token_hash?.length, 64);
    const token = await browser.csrfToken(`${base}/check`);
    const done = await browser.post(`${base}/check`, {}, token);
    assert.equal(done.statusCode, 200);
    assert.match(mainText(done.body), /A copy of your answers/);
    assert.equal((await browser.post(`${base}/check`, {}, token)).statusCode, 403);
    assert.match(mainText((await browser.get(base)).body), /You have already answered this survey/);
    // Another browser answers once too; a bot filling the hidden field makes nothing.
    const other = f.t.client();
    await other.get(base);
    const bot = await other.submit(`${base}/start`, { website: 'spam' }, base);
    assert.equal(bot.headers.location, base);
    assert.equal((await db().selectFrom('survey_drafts').select('id').where('survey_id', '=', id).execute()).length, 0);
    await fillIn(other, base);
    await submitFrom(other, base);
    assert.equal((await db().selectFrom('survey_responses').select('id').where('survey_id', '=', id).execute()).length, 2);
    // A made-up or old link is a 404; signed-in audience routes do not serve a link survey.
    assert.equal((await f.t.client().get(`/surveys/link/${'A'.repeat(43)}`)).statusCode, 404);
    assert.equal((await (await f.signInAs(amy.personId)).get(`/surveys/${id}`)).statusCode, 404);
    const again = await f.admin.submit(`/admin/surveys/${id}/link`, {}, `/admin/surveys/${id}`);
    assert.equal(again.statusCode, 200);
    assert.equal((await f.t.client().get(base)).statusCode, 404, 'the old link stops working');
  });

  it('invites the audience, and reminds only those who have not responded, by the clock', async () => {
    const id = await sent();
    const told = (kind: string) => db().selectFrom('notifications').select('person_id').where('kind', '=', kind).where('item_id', '=', id).orderBy('person_id').execute();
    await run();
    assert.deepEqual((await told('surveys.invited')).map((r) => r.person_id), [amy.personId, bo.personId].sort((x, y) => x - y));
    const amyC = await f.signInAs(amy.personId);
    await fillIn(amyC, `/surveys/${id}`);
    await submitFrom(amyC, `/surveys/${id}`);
    // Cy added while it is open is invited; Amy and Bo are not invited again.
    const widened = await send(id, { audiencePeople: [amy.email, bo.email, cy.email].join('\n') });
    assert.equal(widened.statusCode, 302, errorSummary(widened.body).join());
    await run();
    assert.deepEqual((await told('surveys.invited')).map((r) => r.person_id), [amy.personId, bo.personId, cy.personId].sort((x, y) => x - y));
    // And taken out again: reminders go to the audience as it is then.
    assert.equal((await send(id)).statusCode, 302);
    f.t.clock.set('2026-03-15T16:00:00Z');
    await run();
    assert.deepEqual((await told('surveys.reminder')).map((r) => r.person_id), [bo.personId]);
    await run();
    assert.equal((await told('surveys.reminder')).length, 1, 'a run again reminds nobody twice');
    f.t.clock.set('2026-03-18T17:00:00Z');
    await run();
    assert.deepEqual((await told('surveys.closing-soon')).map((r) => r.person_id), [bo.personId]);
  });

  it('clears drafts at close, keeping only the page reached', async () => {
    const id = await sent();
    const amyC = await f.signInAs(amy.personId);
    await amyC.submit(`/surveys/${id}/start`, {}, `/surveys/${id}`);
    await answerPage(amyC, `/surveys/${id}`, 1, { 'q-a': 'yes', 'q-b': 'x', 'q-c': 'Secret' });
    f.t.clock.set('2026-03-20T17:00:00Z');
    await run();
    const drafts = await db().selectFrom('survey_drafts').selectAll().where('survey_id', '=', id).execute();
    assert.equal(drafts.length, 1);
    assert.deepEqual([drafts[0]!.person_id, drafts[0]!.token_hash, drafts[0]!.answers, Number(drafts[0]!.reached_section)], [null, null, '{}', 2]);
    assert.equal((await survey(id)).status, 'closed');
  });

  it('refuses bad sending settings with messages, keeping what was typed', async () => {
    const id = await make();
    const res = await send(id, { reach: '', 'closes-day': '40', anonymous: '', audiencePeople: 'nobody@example.org' });
    assert.equal(res.statusCode, 400, res.body.slice(0, 3000));
    const errs = errorSummary(res.body).map((e) => e[0]);
    assert.ok(errs.includes('Choose how people will reach the survey'), errs.join());
    assert.ok(errs.includes('Enter a real date and time for when it closes'), errs.join());
    assert.ok(errs.includes('Choose whether the answers are anonymous'), errs.join());
    assert.match(res.body, /value="40"/);
    const before = await send(id, { 'closes-day': '9' });
    assert.equal(before.statusCode, 400);
    assert.deepEqual(errorSummary(before.body), [['The closing date and time must be after it opens', '#closes']]);
    assert.equal((await survey(id)).opens_at, null);
  });

  it('answers a hostile address or body with 4xx, never 500', async () => {
    const id = await sent();
    const amyC = await f.signInAs(amy.personId);
    const token = await amyC.csrfToken('/my');
    for (const url of [`/surveys/x`, `/surveys/${id}/pages/0`, `/surveys/${id}/pages/99999`, `/surveys/99999999999`, `/surveys/link/short`, `/surveys/link/${'%00'.repeat(20)}`]) {
      const res = await amyC.get(url);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
    }
    await amyC.submit(`/surveys/${id}/start`, {}, `/surveys/${id}`);
    const bodies: Record<string, string | string[]>[] = [{ 'q-a': ['yes', 'no'] }, { 'q-a': 'nope' }, { 'q-a': 'yes', 'q-b': ['x', 'zz'] }, { 'q-a': 'yes', 'q-c': 'x'.repeat(6000) }, { action: ['a', 'b'] }];
    for (const body of bodies) {
      const res = await amyC.post(`/surveys/${id}/pages/1`, body, token);
      assert.ok(res.statusCode < 500, JSON.stringify(body).slice(0, 80));
    }
    const raw = await amyC.request({ method: 'POST', url: `/surveys/${id}/pages/1`, payload: '{"q-a":', headers: { 'content-type': 'application/json' } });
    assert.ok(raw.statusCode >= 400 && raw.statusCode < 500, String(raw.statusCode));
    const adminBad = await f.admin.post(`/admin/surveys/${id}/send`, { reach: ['a', 'b'], 'opens-day': ['1', '2'] }, await f.admin.csrfToken(`/admin/surveys/${id}`));
    assert.equal(adminBad.statusCode, 400);
    assert.ok((await db().selectFrom('survey_drafts').select('answers').where('survey_id', '=', id).executeTakeFirstOrThrow()).answers.length < 1000);
  });

  it('keeps typed markup inert on the copy of answers', async () => {
    const id = await sent();
    const base = `/surveys/${id}`;
    const c = await f.signInAs(amy.personId);
    await fillIn(c, base, '<script>alert(1)</script><img src=x onerror=alert(2)>');
    await submitFrom(c, base);
    const copy = await c.get(`${base}/answers`);
    assert.doesNotMatch(copy.body, /<script>alert|<img src=x/);
    assert.match(copy.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('exports and erases a respondent’s drafts, responses and notices', async () => {
    const id = await sent();
    await run();
    const c = await f.signInAs(amy.personId);
    await fillIn(c, `/surveys/${id}`);
    await submitFrom(c, `/surveys/${id}`);
    const exported = (await surveysPersonalData.exportPerson(db(), amy.personId)) as Record<string, unknown[]>;
    assert.equal(exported.survey_responses!.length, 1);
    assert.equal(exported.survey_notices!.length, 1);
    await inTransaction(db(), (tx) => surveysPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    assert.equal((await db().selectFrom('survey_notices').select('person_id').where('person_id', '=', amy.personId).execute()).length, 0);
    assert.equal((await db().selectFrom('survey_responses').select('id').where('person_id', '=', amy.personId).execute()).length, 0);
  });

  it('deletes the unsent answers of someone who withdraws', async () => {
    const id = await sent();
    const c = await f.signInAs(amy.personId);
    await c.submit(`/surveys/${id}/start`, {}, `/surveys/${id}`);
    const { surveys } = await import('../feature.ts');
    await inTransaction(db(), (tx) => surveys.onWithdraw(tx, amy.personId));
    assert.equal((await db().selectFrom('survey_drafts').select('id').where('survey_id', '=', id).execute()).length, 0);
  });

  it('seeds the demo responses: an open identified survey and an anonymous one', async () => {
    const { surveyId } = await seedDemoSurveys(db(), f.programmeId, f.admin.personId, f.t.clock);
    const seeded = await seedDemoSurveyResponses(db(), f.programmeId, f.admin.personId, surveyId, f.t.clock);
    const identified = await survey(seeded.identifiedId);
    const anonymous = await survey(seeded.anonymousId);
    assert.equal(identified.status, 'open');
    assert.equal(anonymous.status, 'open');
    const count = async (sid: number) => (await db().selectFrom('survey_responses').select('id').where('survey_id', '=', sid).execute()).length;
    assert.ok((await count(seeded.identifiedId)) >= 3);
    assert.ok((await count(seeded.anonymousId)) >= 3);
    assert.equal((await db().selectFrom('survey_responses').select('id').where('survey_id', '=', seeded.anonymousId).where('person_id', 'is not', null).execute()).length, 0);
  });
});
