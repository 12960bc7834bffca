// Answers checked against their questions, on both engines: a number out of range, an option that
// is not the question's (one of another survey's, or made up), a required question left out, and
// a question its conditions hide, each refused with a clear message (or, for the hidden one,
// dropped) and nothing of it saved; a fuzz of random fields, values and lengths against the
// answering routes (never a 5xx, nothing invalid stored); and anonymity: after anonymous
// responses no person link in the response tables, the survey's audit events or the request log.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { TestClient } from '../../../../test/helpers/app.ts';
import { buildApp } from '../../../app.ts';
import { loadConfig } from '../../../config.ts';
import { issueSignInLink } from '../../../platform/auth/sign-in.ts';
import { buildAssets } from '../../../platform/http/assets.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { setPreferences } from '../../../platform/notify/notify.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { createSurvey } from '../service.ts';
import type { SurveyDefinition } from '../definition.ts';
import { questionDef as q } from '../templates.ts';
import { sendFormBody } from './test-support.ts';

const DEF: SurveyDefinition = {
  title: 'Checks',
  intro: '',
  sections: [
    {
      title: 'One',
      intro: '',
      questions: [
        q('a', 'single', 'Do you supervise?', { required: true, choices: [{ key: 'yes', label: 'Yes' }, { key: 'no', label: 'No' }] }),
        q('b', 'multiple', 'Topics', { choices: [{ key: 'x', label: 'Safety' }, { key: 'y', label: 'Careers' }] }),
        q('n', 'number', 'Hours a week', { min: 0, max: 40 }),
        q('c', 'short_text', 'Which topic?', { conditions: [{ question: 'a', operator: 'equals', option: 'yes' }] }),
      ],
    },
    { title: 'Two', intro: '', questions: [q('d', 'long_text', 'Anything else?')] },
  ],
};
const OTHER_DEF: SurveyDefinition = { title: 'Other', intro: '', sections: [{ title: 'S', intro: '', questions: [q('a', 'single', 'Colour', { choices: [{ key: 'red', label: 'Red' }, { key: 'blue', label: 'Blue' }] })] }] };

describe(`surveys: answers checked against their questions on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone;
  const db = () => f.t.data.db;
  const sendForm = (anonymous: 'yes' | 'no') => sendFormBody([amy.email, bo.email], { anonymous });
  const sent = async (def: SurveyDefinition, anonymous: 'yes' | 'no' = 'no') => {
    const made = await createSurvey(db(), f.admin.personId, f.programmeId, structuredClone(def), f.t.clock);
    assert.ok(made.ok);
    const res = await f.admin.submit(`/admin/surveys/${made.id}/send`, sendForm(anonymous), `/admin/surveys/${made.id}/send`);
    assert.ok([200, 302].includes(res.statusCode), errorSummary(res.body).join());
    return made.id;
  };
  const draftAnswers = async (id: number) => {
    const row = await db().selectFrom('survey_drafts').select('answers').where('survey_id', '=', id).where('person_id', '=', amy.personId).executeTakeFirst();
    return row ? (JSON.parse(row.answers) as Record<string, unknown>) : null;
  };
  const responses = async (id: number) => (await db().selectFrom('survey_responses').select('id').where('survey_id', '=', id).execute()).length;

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set(new Date('2026-03-10T13:00:00Z'));
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
  });
  afterEach(() => f.t.close());

  it('refuses an answer its question does not allow, with a message, and saves none of it', async () => {
    const id = await sent(DEF);
    const otherId = await sent(OTHER_DEF);
    const base = `/surveys/${id}`;
    const c = await f.signInAs(amy.personId);
    assert.equal((await c.submit(`${base}/start`, {}, base)).statusCode, 302);
    const page = (form: Record<string, string | string[]>) => c.submit(`${base}/pages/1`, form, `${base}/pages/1`);

    const range = await page({ 'q-a': 'no', 'q-n': '41' });
    assert.equal(range.statusCode, 400);
    assert.match(errorSummary(range.body).map((e) => e[0]).join(), /40/);
    assert.match(range.body, /value="41"/, 'what was typed is kept');
    assert.equal((await page({ 'q-a': 'no', 'q-n': '-1' })).statusCode, 400);
    assert.equal((await page({ 'q-a': 'no', 'q-n': 'twelve' })).statusCode, 400);

    // The other survey's option keys and its option ids, and keys no survey has.
    const foreign = await db().selectFrom('survey_options').innerJoin('survey_questions as sq', 'sq.id', 'survey_options.question_id').innerJoin('survey_versions as v', 'v.id', 'sq.version_id').select(['survey_options.id', 'survey_options.key']).where('v.survey_id', '=', otherId).execute();
    for (const value of [...foreign.map((o) => o.key), ...foreign.map((o) => String(o.id)), 'maybe', '']) {
      const res = await page({ 'q-a': value });
      assert.equal(res.statusCode, 400, value);
      assert.ok(errorSummary(res.body).length > 0, value);
    }
    const badTopic = await page({ 'q-a': 'no', 'q-b': ['x', foreign[0]!.key] });
    assert.equal(badTopic.statusCode, 400);
    const missing = await page({ 'q-b': 'x' });
    assert.equal(missing.statusCode, 400);
    assert.match(errorSummary(missing.body).map((e) => e[0]).join(), /Select/);
    assert.deepEqual(await draftAnswers(id), {}, 'nothing saved by a refused page');

    // A hidden question's answer (c is asked only after "yes") is dropped, never saved.
    const hidden = await page({ 'q-a': 'no', 'q-c': 'tampered' });
    assert.equal(hidden.statusCode, 302);
    const saved = await draftAnswers(id);
    assert.deepEqual(Object.keys(saved ?? {}).sort(), ['a']);
    assert.ok(!JSON.stringify(saved).includes('tampered'));
    assert.equal(await responses(id), 0);
  });

  it('never answers 5xx to random fields, values and lengths, and stores nothing invalid', async () => {
    const id = await sent(DEF);
    const base = `/surveys/${id}`;
    const c = await f.signInAs(amy.personId);
    const token = await c.csrfToken(base);
    await c.post(`${base}/start`, {}, token);
    // A seeded generator, so a failure can be run again.
    let seed = 12345;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const FIELDS = ['q-a', 'q-b', 'q-n', 'q-c', 'q-d', 'q-zz', 'action', '_csrf', 'q-a-other', 'q-b[]', '__proto__', 'constructor'];
    const VALUES = ['yes', 'no', 'x', 'y', '12', '-5', '1e309', 'NaN', '<script>', '\u0000', '%00', '😀', 'continue', 'save', 'back', ''];
    const value = () => (rand(5) === 0 ? 'z'.repeat(rand(8000)) : VALUES[rand(VALUES.length)]!);
    for (let i = 0; i < 150; i++) {
      const form: Record<string, string | string[]> = {};
      for (let k = rand(6); k > 0; k--) {
        const name = FIELDS[rand(FIELDS.length)]!;
        form[name] = rand(3) === 0 ? [value(), value()] : value();
      }
      const url = [`${base}/pages/1`, `${base}/pages/2`, `${base}/pages/${rand(5)}`, `${base}/check`][rand(4)]!;
      const res = await c.post(url, form, token);
      assert.ok(res.statusCode < 500, `${url} ${JSON.stringify(form).slice(0, 200)}: ${res.statusCode}`);
    }
    const saved = (await draftAnswers(id)) as Record<string, { choices?: string[]; number?: number; text?: string }> | null;
    for (const [key, a] of Object.entries(saved ?? {})) {
      assert.ok(['a', 'b', 'n', 'c', 'd'].includes(key), key);
      if (key === 'a') assert.ok(a.choices?.length === 1 && ['yes', 'no'].includes(a.choices[0]!), JSON.stringify(a));
      if (key === 'b') assert.ok(a.choices!.every((x) => ['x', 'y'].includes(x)), JSON.stringify(a));
      if (key === 'n') assert.ok(Number.isFinite(a.number) && a.number! >= 0 && a.number! <= 40, JSON.stringify(a));
      if (key === 'c' || key === 'd') assert.ok(typeof a.text === 'string' && a.text.length <= 5000);
      if (key === 'c') assert.deepEqual(saved!.a!.choices, ['yes'], 'c only when a is yes');
    }
    // Whatever was submitted was a valid response (a is required), with answers of this survey's questions only.
    const rows = await db().selectFrom('survey_answers as sa').innerJoin('survey_responses as r', 'r.id', 'sa.response_id').innerJoin('survey_questions as sq', 'sq.id', 'sa.question_id').innerJoin('survey_versions as v', 'v.id', 'sq.version_id').select(['v.survey_id', 'sq.key', 'sa.value_number']).where('r.survey_id', '=', id).execute();
    for (const r of rows) {
      assert.equal(r.survey_id, id);
      if (r.key === 'n') assert.ok(r.value_number! >= 0 && r.value_number! <= 40);
    }
  });

  it('keeps no person link to anonymous answers: not in the response tables, the audit events or the request log', async () => {
    const id = await sent(DEF, 'yes');
    // The same database behind a second app whose request log is captured, as request-log.test.ts does.
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://localhost:3000' });
    const app = await buildApp({ config, data: f.t.data, clock: f.t.clock, assets: buildAssets(), pokeMailWorker: () => {} }, { logger: { level: 'info', stream } });
    await app.ready();
    try {
      const base = `/surveys/${id}`;
      for (const who of [amy, bo]) {
        const c = new TestClient(app);
        const link = await issueSignInLink(db(), who.personId, config.baseUrl, f.t.clock);
        assert.equal((await c.submit(new URL(link).pathname, {})).statusCode, 302);
        assert.equal((await c.submit(`${base}/start`, {}, base)).statusCode, 302);
        assert.equal((await c.submit(`${base}/pages/1`, { 'q-a': 'yes', 'q-c': `Topic of ${who.name}` }, `${base}/pages/1`)).statusCode, 302);
        assert.equal((await c.submit(`${base}/pages/2`, { 'q-d': 'Fine' }, `${base}/pages/2`)).statusCode, 302);
        const done = await c.submit(`${base}/check`, {}, `${base}/check`);
        assert.ok([200, 302].includes(done.statusCode), String(done.statusCode));
      }
    } finally {
      await app.close();
    }
    const rs = await db().selectFrom('survey_responses').selectAll().where('survey_id', '=', id).execute();
    assert.equal(rs.length, 2);
    for (const r of rs) {
      assert.equal(r.person_id, null);
      assert.equal(r.submitted_at, null);
      assert.equal(r.updated_at, null);
      assert.equal(Number(r.anonymous), 1);
    }
    // Only (survey, person) says who responded; nothing beside it ties a person to a response.
    assert.deepEqual((await db().selectFrom('survey_respondents').selectAll().where('survey_id', '=', id).execute()).map((r) => Object.keys(r).sort()), [['person_id', 'survey_id'], ['person_id', 'survey_id']]);
    const answers = await db().selectFrom('survey_answers').selectAll().where('response_id', 'in', rs.map((r) => r.id)).execute();
    assert.ok(answers.length > 0);
    for (const a of answers) assert.deepEqual(Object.keys(a).sort(), ['item', 'option_id', 'question_id', 'response_id', 'value_date', 'value_number', 'value_text']);
    assert.equal((await db().selectFrom('survey_drafts').select('id').where('survey_id', '=', id).execute()).length, 0, 'drafts gone once sent');
    // The survey's audit events: none by or about the respondents, none naming a response.
    const audit = await db().selectFrom('audit_events').selectAll().where('record_type', '=', 'survey').where('record_id', '=', String(id)).execute();
    const auditText = JSON.stringify(audit);
    for (const who of [amy, bo]) {
      assert.ok(!audit.some((e) => Number(e.actor_id) === who.personId), 'no event by a respondent');
      for (const s of [who.name, who.email]) assert.ok(!auditText.includes(s), s);
    }
    for (const r of rs) assert.ok(!auditText.includes(r.id), 'no response id in the audit');
    // The request log: route patterns and statuses, never a response id, a person's name or address.
    const log = lines.join('');
    assert.match(log, /"route":"\/surveys\/:id\/check"/);
    for (const secret of [...rs.map((r) => r.id), amy.name, amy.email, bo.name, bo.email, 'Topic of']) assert.ok(!log.includes(secret), `not in the log: ${secret}`);
    for (const who of [amy, bo]) assert.doesNotMatch(log, new RegExp(`"(person|personId|userId|user)":${who.personId}\\b`));
  });

  it('says on the send page how many people its invitation reaches and who is left out', async () => {
    const cy = await f.register('Cy Carter');
    const made = await createSurvey(db(), f.admin.personId, f.programmeId, structuredClone(DEF), f.t.clock);
    assert.ok(made.ok);
    assert.doesNotMatch(mainText((await f.admin.get(`/admin/surveys/${made.id}/send`)).body), /It is for/, 'nothing to count before an audience is chosen');
    const res = await f.admin.submit(`/admin/surveys/${made.id}/send`, { ...sendForm('no'), audiencePeople: [amy.email, bo.email, cy.email].join('\n') }, `/admin/surveys/${made.id}/send`);
    assert.ok([200, 302].includes(res.statusCode), errorSummary(res.body).join());
    await inTransaction(db(), (tx) => setPreferences(tx, bo.personId, { 'surveys.invited': 'off' }, f.t.clock));
    await db().updateTable('people').set({ programme_mail_stopped_at: '2026-03-10T13:00:00.000Z' }).where('id', '=', cy.personId).execute();
    const page = mainText((await f.admin.get(`/admin/surveys/${made.id}/send`)).body);
    assert.match(page, /It is for 3 people now\. Its invitation reaches 1 of them by email\./);
    assert.match(page, /2 are left out of the emails: 1 withdrawn from the programme, 1 turned these emails off/);
  });
});
