// Survey results over HTTP, on both engines, against a known set of 20 responses put in directly:
// counts and percentages; suppression in every view (a small cell and the second cell its total
// would give away); cross-tabs by attribute and by another answer; a filter leaving too few;
// matrix, ranking, number and date summaries; free-text coding; shared pages' access; exports
// (CSV parsed, XLSX read with exceljs, no person columns and no submission order when anonymous);
// hostile input; markup and formulas in answers inert.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../../../test/helpers/csv.ts';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { setAudience } from '../../../platform/audience/access.ts';
import { shownBarChartSvg } from '../../../platform/views/bar-chart.ts';
import { errorSummary, mainText, setUp, type Fixture } from '../../participants/test-fixture.ts';
import type { QuestionDef, SurveyDefinition } from '../definition.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { surveysPersonalData } from '../personal-data.ts';
import { createSurvey, newVersion, publishVersion } from '../service.ts';
import type { Answers } from '../visibility.ts';
import { insertResponses, type TestResponse } from './test-responses.ts';

const opts = (...keys: string[]) => keys.map((k) => ({ key: k, label: k === 'img' ? 'Imaging' : k === 'rad' ? 'Radiotherapy' : k.charAt(0).toUpperCase() + k.slice(1) }));
const question = (key: string, type: QuestionDef['type'], title: string, extra: Partial<QuestionDef> = {}): QuestionDef => ({ key, type, title, help: '', required: false, other: false, min: null, max: null, choices: [], rows: [], showIf: 'all', conditions: [], ...extra });
const DEF: SurveyDefinition = {
  title: 'Staff survey',
  intro: '',
  sections: [
    {
      title: 'About you',
      intro: '',
      questions: [
        question('service', 'single', 'Your service', { choices: opts('img', 'rad'), other: true }),
        question('topics', 'multiple', 'Topics', { choices: opts('safety', 'delegation', 'careers') }),
        question('agree', 'matrix', 'How far do you agree?', { rows: [{ key: 'time', label: 'I have time to learn' }, { key: 'sup', label: 'I have a supervisor' }], choices: opts('disagree', 'neutral', 'agree') }),
      ],
    },
    {
      title: 'More',
      intro: '',
      questions: [
        question('order', 'ranking', 'Order these', { choices: opts('pay', 'training', 'hours') }),
        question('hours', 'number', 'Hours a month', { min: 0, max: 100 }),
        question('start', 'date', 'When did you start?'),
        question('comments', 'long_text', 'Anything else'),
      ],
    },
  ],
};
const XSS = '<script>alert("x")</script>';
const FORMULA = '=HYPERLINK("https://evil.example","click")';
const DATES = ['2020-01-15', '2021-03-02', '2022-07-09', '2023-01-01', '2023-11-30', '2024-06-30'];
const TEXTS = ['More time to learn', 'Travel is costly', XSS, FORMULA, 'Time and money', 'A supervisor'];

/** Response i of 20 (see the expected counts in the tests). */
function answersOf(i: number): TestResponse {
  const a: Answers = {};
  a.service = i < 12 ? { choices: ['img'] } : i < 17 ? { choices: ['rad'] } : { other: 'Education' };
  const topics = [...(i < 10 ? ['safety'] : []), ...(i >= 10 && i <= 12 ? ['delegation'] : []), ...(i >= 10 && i <= 17 ? ['careers'] : [])];
  if (topics.length) a.topics = { choices: topics };
  a.agree = { rows: { time: i < 14 ? 'agree' : i < 17 ? 'neutral' : 'disagree', sup: i < 5 ? 'agree' : 'neutral' } };
  a.order = { ranks: i < 10 ? { training: 1, hours: 2, pay: 3 } : { pay: 1, training: 2, hours: 3 } };
  if (i < 19) a.hours = { number: i + 1 };
  if (i < 6) a.start = { date: DATES[i]! };
  if (i < 6) a.comments = { text: TEXTS[i]! };
  return { answers: a, attributes: { role_group: i < 10 ? 'Radiographer' : i < 17 ? 'Support worker' : 'Assistant practitioner', nation: i < 17 ? 'England' : 'Wales' } };
}

/** A table's rows (th and td text) by its id. */
function table(html: string, id: string): string[][] {
  const t = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0];
  assert.ok(t, `table ${id}`);
  const body = /<tbody[\s\S]*?<\/tbody>/.exec(t)![0];
  return [...body.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((r) => [...r[0].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()));
}

describe(`survey results on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  const db = () => f.t.data.db;
  let surveyId: number;
  let versionId: number;
  let ids: string[];
  const url = (rest = '') => `/admin/surveys/${surveyId}/results${rest}`;

  const makeSurvey = async (def: SurveyDefinition, anonymous: boolean) => {
    const made = await createSurvey(db(), f.admin.personId, f.programmeId, def, f.t.clock);
    assert.ok(made.ok);
    await db().updateTable('surveys').set({ anonymous: anonymous ? 1 : 0, status: 'open' }).where('id', '=', made.id).execute();
    const s = await db().selectFrom('surveys').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
    return { id: s.id, versionId: s.live_version_id! };
  };

  beforeEach(async () => {
    f = await setUp();
    const s = await makeSurvey(DEF, true);
    surveyId = s.id;
    versionId = s.versionId;
    ids = await insertResponses(db(), { id: surveyId, versionId, anonymous: true }, Array.from({ length: 20 }, (_, i) => answersOf(i)));
  });
  afterEach(() => f.t.close());

  it('counts each choice with percentages, hiding a small count and the one its total would give away', async () => {
    const res = await f.admin.get(url());
    assert.equal(res.statusCode, 200);
    // Imaging 12, Radiotherapy 5, Other 3: Other is under 5, and with the total 20 shown Radiotherapy would give it away.
    assert.deepEqual(table(res.body, 'q-service-table'), [
      ['Imaging', '12', '60%'],
      ['Radiotherapy', 'fewer than 5', ''],
      ['Other', 'fewer than 5', ''],
      ['Responses', '20', ''],
    ]);
    // Multiple choice: safety 10, delegation 3, careers 8, no answer 2; people tick several, so the total is the respondents.
    assert.deepEqual(table(res.body, 'q-topics-table'), [
      ['Safety', '10', '50%'],
      ['Delegation', 'fewer than 5', ''],
      ['Careers', '8', '40%'],
      ['No answer', 'fewer than 5', ''],
      ['Responses (people could choose more than one answer)', '20', ''],
    ]);
    // The chart shows the same, with no bar for hidden counts.
    assert.match(res.body, /<svg[^>]*aria-labelledby="chart-service-title"[\s\S]*?fewer than 5[\s\S]*?<\/svg>/);
    const text = mainText(res.body);
    assert.match(text, /Responses 20/);
    assert.doesNotMatch(text, /Response rate/, 'no audience, no rate');
    assert.match(text, /Where people stop No one has started the survey without sending it/);
    // The threshold is the survey's own.
    await db().updateTable('surveys').set({ suppression_threshold: 3 }).where('id', '=', surveyId).execute();
    assert.deepEqual(table((await f.admin.get(url())).body, 'q-service-table'), [
      ['Imaging', '12', '60%'],
      ['Radiotherapy', '5', '25%'],
      ['Other', '3', '15%'],
      ['Responses', '20', ''],
    ]);
  });

  it('shows a matrix as a stacked table, ranking as mean positions, numbers as median and range, dates as a range', async () => {
    const res = await f.admin.get(url());
    // Each row is its own line: time 3 / 3 / 14, supervisor 0 / 15 / 5 (0 alone would be given away, so 5 goes too).
    assert.deepEqual(table(res.body, 'q-agree-table'), [
      ['I have time to learn', 'fewer than 5', 'fewer than 5', '14', '20'],
      ['I have a supervisor', 'fewer than 5', '15', 'fewer than 5', '20'],
    ]);
    assert.deepEqual(table(res.body, 'q-order-table'), [
      ['Training', '1.5'],
      ['Pay', '2.0'],
      ['Hours', '2.5'],
    ]);
    const text = mainText(res.body);
    assert.match(text, /Hours a month Answered 19 Median 10 Range 1 to 19/);
    assert.match(text, /When did you start\? Answered 6 Range 15 January 2020 to 30 June 2024/);
    assert.match(text, /Anything else 6 people answered/);
  });

  it('cross-tabs by a respondent attribute and by the answer to another question, suppressed as one table', async () => {
    const byRole = await f.admin.get(url('?by=role_group'));
    assert.equal(byRole.statusCode, 200);
    // Groups: Radiographer (10), Support worker (7), and the 3 assistant practitioners as "Other or
    // not known": a role held by fewer than 5 respondents is never named.
    assert.match(byRole.body, /<th scope="col" class="govuk-table__header govuk-table__header--numeric">Other or not known<\/th>/);
    assert.ok(!byRole.body.includes('Assistant practitioner'));
    assert.deepEqual(table(byRole.body, 'q-service-table'), [
      ['Imaging', '10', 'fewer than 5', 'fewer than 5', '12'],
      // Its total (5) goes too: with Other's total hidden, 20 − 12 − 5 would give Other away.
      ['Radiotherapy', 'fewer than 5', '5', 'fewer than 5', 'fewer than 5'],
      ['Other', 'fewer than 5', 'fewer than 5', 'fewer than 5', 'fewer than 5'],
      // 7 goes too: 20 − 10 − 7 would give the 3 away.
      ['Responses', '10', 'fewer than 5', 'fewer than 5', '20'],
    ]);
    const byService = await f.admin.get(url('?by=q:service'));
    // Topics by service: Imaging (12), Radiotherapy (5), Other (3); a column's people are counted on their own.
    const rows = table(byService.body, 'q-topics-table');
    assert.deepEqual(rows[0], ['Safety', '10', 'fewer than 5', 'fewer than 5', '10']);
    assert.deepEqual(rows.at(-1), ['Responses', '12', 'fewer than 5', 'fewer than 5', '20'], 'the groups add up to 20: hiding 3 hides 5 too');
    assert.equal(rows[2]![2], '5', 'careers among Radiotherapy');
    // The question broken down by is shown whole.
    assert.equal(table(byService.body, 'q-service-table')[0]![1], '12');
  });

  it('filters by another answer and by version, and shows no breakdown when fewer than the threshold match', async () => {
    const careers = await f.admin.get(url('?answer=topics:careers'));
    assert.match(mainText(careers.body), /8 responses match/);
    // Among the 8: Imaging 2, Radiotherapy 5, Other 1.
    assert.deepEqual(table(careers.body, 'q-service-table'), [
      ['Imaging', 'fewer than 5', ''],
      ['Radiotherapy', '5', '63%'],
      ['Other', 'fewer than 5', ''],
      ['Responses', '8', ''],
    ]);
    const few = await f.admin.get(url(`?who=${encodeURIComponent('role_group:Assistant practitioner')}`));
    assert.equal(few.statusCode, 200);
    const text = mainText(few.body);
    assert.match(text, /Fewer than 5 responses match, which is too few to show a breakdown/);
    assert.doesNotMatch(few.body, /id="q-service-table"/);
    // A filter on a group the whole page hides is refused too, even with 5 or more in it: the whole
    // page hides Radiotherapy (5) so as not to give Other (3) away, and "5 responses match" would.
    for (const f2 of ['answer=service:rad', `who=${encodeURIComponent('role_group:Support worker')}`]) {
      const hidden = await f.admin.get(url(`?${f2}`));
      assert.match(mainText(hidden.body), /Fewer than 5 responses match, which is too few/, f2);
      assert.doesNotMatch(hidden.body, /id="q-topics-table"/, f2);
    }
    assert.match(mainText((await f.admin.get(url(`?who=${encodeURIComponent('role_group:Radiographer')}`))).body), /10 responses match/);
    // Version 2 (a copy made once version 1 had responses) with 2 responses of its own.
    assert.ok((await newVersion(db(), f.admin.personId, f.programmeId, surveyId, f.t.clock)).ok);
    assert.ok((await publishVersion(db(), f.admin.personId, f.programmeId, surveyId, f.t.clock)).ok);
    const v2 = (await db().selectFrom('surveys').select('live_version_id').where('id', '=', surveyId).executeTakeFirstOrThrow()).live_version_id!;
    await insertResponses(db(), { id: surveyId, versionId: v2, anonymous: true }, [answersOf(0), answersOf(1)]);
    const all = await f.admin.get(url());
    assert.match(mainText(all.body), /Responses 22 Version 2 2 responses Version 1 20 responses/);
    assert.equal(table(all.body, 'q-service-table')[0]![1], '14', 'one column per question key across versions');
    assert.match(mainText((await f.admin.get(url('?version=2'))).body), /Fewer than 5 responses match/);
    assert.equal(table((await f.admin.get(url('?version=1'))).body, 'q-service-table')[0]![1], '12');
    // The summary export follows the filter, suppressed the same way.
    const summary = parseCsv((await f.admin.get(`/admin/surveys/${surveyId}/results/summary.csv?version=1`)).body.slice(1));
    assert.deepEqual(summary[0], ['Question', 'Answer', 'Group', 'Count', 'Percentage']);
    assert.deepEqual(summary.find((r) => r[1] === 'Radiotherapy'), ['1. Your service', 'Radiotherapy', '', 'fewer than 5', '']);
    assert.deepEqual(summary.find((r) => r[1] === 'Imaging'), ['1. Your service', 'Imaging', '', '12', '60%']);
  });

  it('says where people stop, and the response rate against the audience', async () => {
    const amy = await f.register('Amy Archer');
    await setAudience(db(), 'survey', surveyId, [{ kind: 'programme', id: f.programmeId }]);
    const now = f.t.clock().toISOString();
    for (const [n, page] of [[1, 2], [2, 2], [3, 1]] as const) await db().insertInto('survey_drafts').values({ id: `d${n}`, survey_id: surveyId, version_id: versionId, person_id: n === 1 ? amy.personId : null, token_hash: null, answers: '{}', reached_section: page, updated_at: now }).execute();
    const text = mainText((await f.admin.get(url())).body);
    assert.match(text, /Where people stop .* Page 1 fewer than 5 Page 2 fewer than 5/);
    assert.match(text, /Response rate \d+% of \d+ (person|people) the survey was sent to/);
    // An open link reaches people without an account: no audience to be a rate of.
    await db().updateTable('surveys').set({ open_link_hash: 'hash' }).where('id', '=', surveyId).execute();
    assert.doesNotMatch(mainText((await f.admin.get(url())).body), /Response rate/);
  });

  it('lets the team code free text: a code book, several codes per answer, counts, a filter by code and an export', async () => {
    const coding = `/admin/surveys/${surveyId}/results/text/comments`;
    const page = await f.admin.get(coding);
    assert.equal(page.statusCode, 200);
    assert.match(mainText(page.body), /All answers \(6\)/);
    for (const label of ['Time', 'Money', 'Support']) assert.equal((await f.admin.submit(`${coding}/codes`, { label }, coding)).statusCode, 302);
    const twice = await f.admin.submit(`${coding}/codes`, { label: 'time' }, coding);
    assert.equal(twice.statusCode, 400);
    assert.deepEqual(errorSummary(twice.body), [['There is already a code with that name for this question', '#label']]);
    assert.match(twice.body, /value="time"/);
    const empty = await f.admin.submit(`${coding}/codes`, { label: '  ' }, coding);
    assert.deepEqual(errorSummary(empty.body).map((e) => e[0]), ['Enter the code']);
    const codes = await db().selectFrom('survey_codes').select(['id', 'label']).where('survey_id', '=', surveyId).orderBy('position').execute();
    const [time, money, support] = codes.map((c) => String(c.id));
    const answer = async (text: string) => (await db().selectFrom('survey_answers').select('response_id').where('value_text', '=', text).executeTakeFirstOrThrow()).response_id;
    const both = await answer('Time and money');
    const first = await answer('More time to learn');
    const travel = await answer('Travel is costly');
    const saved = await f.admin.submit(`${coding}/tags`, { answers: [both, first, travel, 'not-a-response'], [`codes-${both}`]: [time!, money!], [`codes-${first}`]: time!, [`codes-${travel}`]: [money!, '999999'], returnTo: `${coding}?page=1` }, coding);
    assert.equal(saved.statusCode, 302);
    assert.equal(saved.headers.location, `${coding}?page=1`);
    const after = await f.admin.get(coding);
    const book = /<table class="govuk-table">[\s\S]*?<\/table>/.exec(after.body)![0];
    assert.match(mainText(`<main>${book}</main>`), /Time : show its answers 2 .*Money : show its answers 2 .*Support : show its answers 0/);
    const onlyMoney = mainText((await f.admin.get(`${coding}?code=${money}`)).body);
    assert.match(onlyMoney, /Answers with the code “Money” \(2\)/);
    assert.ok(onlyMoney.includes('Time and money') && onlyMoney.includes('Travel is costly') && !onlyMoney.includes('More time to learn'));
    // Rename, then delete: the answers keep their other codes.
    assert.equal((await f.admin.submit(`${coding}/codes/${time}`, { [`label-${time}`]: 'Time to learn', action: 'rename' }, coding)).statusCode, 302);
    const clash = await f.admin.submit(`${coding}/codes/${time}`, { [`label-${time}`]: 'Money', action: 'rename' }, coding);
    assert.equal(clash.statusCode, 400);
    assert.deepEqual(errorSummary(clash.body), [['There is already a code with that name for this question', `#label-${time}`]]);
    assert.equal((await f.admin.submit(`${coding}/codes/${support}/delete`, {}, coding)).statusCode, 404, 'no such route');
    assert.equal((await f.admin.submit(`${coding}/codes/${support}`, { action: 'delete' }, coding)).statusCode, 302);
    // The results page shows the counts (exact for the team) and the answers' codes.
    const results = await f.admin.get(url());
    assert.deepEqual(table(results.body, 'q-comments-codes'), [['Time to learn', '2'], ['Money', '2']]);
    assert.match(mainText(results.body), /Time and money \(codes: Time to learn, Money\)/, "an answer's codes beside it");
    assert.doesNotMatch(mainText(results.body), /More time to learn \(codes: Money/);
    // The codes' export.
    const csv = parseCsv((await f.admin.get(`/admin/surveys/${surveyId}/results/codes.csv`)).body.slice(1));
    assert.deepEqual(csv[0], ['Question', 'Answer', 'Codes']);
    assert.deepEqual(csv.find((r) => r[1] === 'Time and money'), ['7. Anything else', 'Time and money', 'Time to learn; Money']);
    assert.equal(csv.find((r) => r[1]!.includes('HYPERLINK'))![1], `'${FORMULA}`, 'formulas defused');
    assert.equal(csv.length, 7 + 3, 'six comments and three Other texts');
    // The "Other, please say" texts of a choice question are coded the same way.
    const others = `/admin/surveys/${surveyId}/results/text/service`;
    const otherPage = await f.admin.get(others);
    assert.match(mainText(otherPage.body), /coding the “Other” answers 1\. Your service .*All answers \(3\)/);
    assert.equal((await f.admin.submit(`${others}/codes`, { label: 'Education' }, others)).statusCode, 302);
    const education = (await db().selectFrom('survey_codes').select('id').where('label', '=', 'Education').executeTakeFirstOrThrow()).id;
    const otherIds = (await db().selectFrom('survey_answers').select('response_id').where('item', '=', -1).execute()).map((r) => r.response_id);
    assert.equal((await f.admin.submit(`${others}/tags`, { answers: otherIds, ...Object.fromEntries(otherIds.map((id) => [`codes-${id}`, String(education)])) }, others)).statusCode, 302);
    const withOther = await f.admin.get(url());
    assert.deepEqual(table(withOther.body, 'q-service-codes'), [['Education', '3']]);
    assert.match(mainText(withOther.body), /What people wrote for “Other” Code the Other answers/);
    assert.equal(parseCsv((await f.admin.get(`/admin/surveys/${surveyId}/results/codes.csv`)).body.slice(1)).filter((r) => r[0] === '1. Your service (Other)' && r[2] === 'Education').length, 3);
    // Shared views suppress code counts like any count.
    await db().updateTable('surveys').set({ results_shared_with: 'public' }).where('id', '=', surveyId).execute();
    const shared = await f.t.client().get(`/surveys/${surveyId}/results`);
    assert.deepEqual(table(shared.body, 'q-comments-codes'), [['Time to learn', 'fewer than 5'], ['Money', 'fewer than 5']]);
  });

  it('shares results with the team only, the audience or the public, free text only when chosen', async () => {
    const amy = await f.register('Amy Archer');
    const bob = await f.register('Bob Baker');
    const amyC = await f.signInAs(amy.personId);
    const bobC = await f.signInAs(bob.personId);
    const anon = f.t.client();
    const shared = `/surveys/${surveyId}/results`;
    await setAudience(db(), 'survey', surveyId, [{ kind: 'person', id: amy.personId }]);
    for (const c of [amyC, bobC, anon]) assert.equal((await c.get(shared)).statusCode, 404, 'team only');
    assert.equal((await f.admin.get(shared)).statusCode, 200, 'the team sees what would be shared');

    const share = (form: Record<string, string>) => f.admin.submit(url('/sharing'), form, url());
    assert.equal((await share({ shared: 'audience' })).statusCode, 302);
    assert.equal((await amyC.get(shared)).statusCode, 200);
    assert.equal((await bobC.get(shared)).statusCode, 404, 'not in the audience');
    const signIn = await anon.get(shared);
    assert.equal(signIn.statusCode, 302, 'signed out: sign in first');
    assert.equal(signIn.headers.location, `/sign-in?next=${encodeURIComponent(shared)}`);

    assert.equal((await share({ shared: 'public' })).statusCode, 302);
    const page = await anon.get(shared);
    assert.equal(page.statusCode, 200);
    assert.deepEqual(table(page.body, 'q-service-table')[1], ['Radiotherapy', 'fewer than 5', ''], 'the same suppression');
    assert.ok(!page.body.includes('More time to learn'), 'no free text unless chosen');
    assert.doesNotMatch(page.body, /Code the answers|responses\.csv|name="shared"/, 'no team tools');
    assert.equal((await share({ shared: 'public', freeText: 'yes' })).statusCode, 302);
    const withText = await anon.get(shared);
    assert.ok(withText.body.includes('More time to learn'));
    assert.ok(withText.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;') && !withText.body.includes(XSS), 'markup in answers is inert');
    const survey = await db().selectFrom('surveys').select(['results_shared_with', 'results_free_text']).where('id', '=', surveyId).executeTakeFirstOrThrow();
    assert.deepEqual([survey.results_shared_with, Number(survey.results_free_text)], ['public', 1]);
    // A draft survey's results are never shared.
    await db().updateTable('surveys').set({ status: 'draft' }).where('id', '=', surveyId).execute();
    assert.equal((await anon.get(shared)).statusCode, 404);
    // Only admins change the sharing.
    assert.equal((await amyC.post(url('/sharing'), { shared: 'team' }, await amyC.csrfToken('/my'))).statusCode, 403);
    const bad = await share({ shared: 'everyone' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body), [['Choose who can see the results', '#shared']]);
  });

  it('exports an anonymous survey’s responses as CSV and XLSX with no person columns, not in submission order', async () => {
    const res = await f.admin.get(url('/responses.csv'));
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-disposition']), /survey-\d+-responses-.*\.csv/);
    const rows = parseCsv(res.body.slice(1));
    const head = rows[0]!;
    assert.ok(!head.includes('Name') && !head.includes('Email'));
    assert.deepEqual(head.slice(0, 6), ['Version', 'Role group', 'Service', 'Nation', 'Region', 'Band']);
    for (const h of ['1. Your service', '1. Your service: Other', '2. Topics: Safety', '2. Topics: Careers', '3. How far do you agree?: I have a supervisor', '4. Order these: Pay', '5. Hours a month', '6. When did you start?', '7. Anything else', '7. Anything else: codes']) assert.ok(head.includes(h), h);
    assert.equal(rows.length, 21);
    // Rows by the response's random id, never the order they came in.
    const sorted = [...ids].sort();
    assert.notDeepEqual(sorted, ids, 'the test ids are not in submission order already');
    const col = (h: string) => head.indexOf(h);
    const byId = new Map(ids.map((id, i) => [id, i]));
    const order = rows.slice(1).map((r) => r[col('5. Hours a month')]);
    assert.deepEqual(order, sorted.map((id) => { const i = byId.get(id)!; return i < 19 ? String(i + 1) : ''; }));
    const r0 = rows.slice(1)[sorted.indexOf(ids[12]!)]!;
    assert.equal(r0[col('1. Your service')], 'Radiotherapy');
    assert.equal(r0[col('2. Topics: Careers')], 'Yes');
    assert.equal(r0[col('2. Topics: Safety')], '');
    assert.equal(r0[col('4. Order these: Pay')], '1');
    assert.equal(r0[col('3. How far do you agree?: I have time to learn')], 'Agree');
    assert.equal(r0[col('Role group')], 'Support worker');
    const other = rows.slice(1)[sorted.indexOf(ids[18]!)]!;
    assert.equal(other[col('1. Your service: Other')], 'Education');
    assert.ok(rows.some((r) => r[col('7. Anything else')] === `'${FORMULA}`), 'formula defused');

    const xlsx = await f.admin.get(url('/responses.xlsx'));
    assert.equal(xlsx.statusCode, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Responses')!;
    assert.equal(sheet.rowCount, 21);
    assert.equal(sheet.getRow(1).getCell(1).value, 'Version');
    const xmlText = [...Array(21).keys()].map((i) => sheet.getRow(i + 1).getCell(col('7. Anything else') + 1).value);
    assert.ok(xmlText.includes(XSS), 'text kept as text');
    assert.ok(xmlText.includes(FORMULA) && !sheet.getRow(2).getCell(col('7. Anything else') + 1).formula);
  });

  it('leaves a question its condition hid blank in the exports, every later column in its place', async () => {
    const cond: SurveyDefinition = {
      title: 'Conditions',
      intro: '',
      sections: [
        {
          title: 'S',
          intro: '',
          questions: [
            question('sup', 'single', 'Do you supervise?', { choices: opts('yes', 'no') }),
            question('how', 'short_text', 'How?', { conditions: [{ question: 'sup', operator: 'equals', option: 'yes' }] }),
            question('hours', 'number', 'Hours'),
          ],
        },
      ],
    };
    const s = await makeSurvey(cond, false);
    await insertResponses(db(), { id: s.id, versionId: s.versionId, anonymous: false }, [
      { id: '00000000-0000-4000-8000-000000000001', answers: { sup: { choices: ['yes'] }, how: { text: 'Weekly' }, hours: { number: 3 } } },
      { id: '00000000-0000-4000-8000-000000000002', answers: { sup: { choices: ['no'] }, hours: { number: 7 } } },
    ]);
    const rows = parseCsv((await f.admin.get(`/admin/surveys/${s.id}/results/responses.csv`)).body.slice(1));
    const head = rows[0]!;
    const col = (h: string) => head.indexOf(h);
    assert.deepEqual([rows[1]![col('1. Do you supervise?')], rows[1]![col('2. How?')], rows[1]![col('3. Hours')]], ['Yes', 'Weekly', '3']);
    assert.deepEqual([rows[2]![col('1. Do you supervise?')], rows[2]![col('2. How?')], rows[2]![col('3. Hours')]], ['No', '', '7']);
    assert.ok(rows.every((r) => r.length === head.length), 'every row has every column');
    const xlsx = await f.admin.get(`/admin/surveys/${s.id}/results/responses.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Responses')!;
    const cell = (r: number, h: string) => sheet.getRow(r).getCell(col(h) + 1).value ?? '';
    assert.deepEqual([cell(3, '1. Do you supervise?'), cell(3, '2. How?'), String(cell(3, '3. Hours'))], ['No', '', '7']);
  });

  it('prints a summary with the same suppressed counts, without the forms, for the team and where shared', async () => {
    const page = await f.admin.get(url());
    assert.match(page.body, new RegExp(`href="/admin/surveys/${surveyId}/results/print"`));
    const print = await f.admin.get(url('/print'));
    assert.equal(print.statusCode, 200);
    assert.deepEqual(table(print.body, 'q-service-table'), table(page.body, 'q-service-table'));
    assert.deepEqual(table(print.body, 'q-topics-table'), table(page.body, 'q-topics-table'));
    const main = /<main[\s\S]*<\/main>/.exec(print.body)![0];
    assert.doesNotMatch(main, /<form|<select|Code the|responses\.csv/);
    assert.match(print.body, /<title>[^<]*\(printable\)/);
    assert.match(main, /coproduce-print-keep/);
    // A filtered print says what it is for, and suppresses the same.
    const filtered = await f.admin.get(url('/print?by=role_group'));
    assert.equal(filtered.statusCode, 200);
    assert.deepEqual(table(filtered.body, 'q-service-table'), table((await f.admin.get(url('?by=role_group'))).body, 'q-service-table'));
    assert.match(mainText(filtered.body), /Shown for: Role group/);
    // Shared: nothing while team-only, the same page once public.
    assert.equal((await f.t.client().get(`/surveys/${surveyId}/results/print`)).statusCode, 404);
    await db().updateTable('surveys').set({ results_shared_with: 'public' }).where('id', '=', surveyId).execute();
    const shared = await f.t.client().get(`/surveys/${surveyId}/results/print`);
    assert.equal(shared.statusCode, 200);
    assert.deepEqual(table(shared.body, 'q-service-table'), table(page.body, 'q-service-table'));
    assert.equal((await f.t.client().get(`/surveys/${surveyId}/results/print?by=%00`)).statusCode < 500, true);
  });

  it('exports an identified survey’s responses with the name and email', async () => {
    const amy = await f.register('Amy Archer');
    const s = await makeSurvey({ ...DEF, title: 'Named survey' }, false);
    await insertResponses(db(), { id: s.id, versionId: s.versionId, anonymous: false }, [{ ...answersOf(0), personId: amy.personId }]);
    const rows = parseCsv((await f.admin.get(`/admin/surveys/${s.id}/results/responses.csv`)).body.slice(1));
    assert.deepEqual(rows[0]!.slice(0, 3), ['Version', 'Name', 'Email']);
    assert.deepEqual(rows[1]!.slice(0, 3), ['1', 'Amy Archer', amy.email]);
    // The codes the team gave her answer go when she is erased (with her response); the anonymous survey's stay.
    await db().insertInto('survey_codes').values([{ survey_id: s.id, question_key: 'comments', position: 1, label: 'Time' }, { survey_id: surveyId, question_key: 'comments', position: 1, label: 'Time' }]).execute();
    const codeIds = (await db().selectFrom('survey_codes').select(['id', 'survey_id']).execute());
    const hers = (await db().selectFrom('survey_responses').select('id').where('person_id', '=', amy.personId).executeTakeFirstOrThrow()).id;
    await db().insertInto('survey_answer_codes').values([{ response_id: hers, code_id: codeIds.find((c) => c.survey_id === s.id)!.id }, { response_id: ids[0]!, code_id: codeIds.find((c) => c.survey_id === surveyId)!.id }]).execute();
    // Her export holds the code given to her answer.
    const exported = (await surveysPersonalData.exportPerson(db(), amy.personId)) as Record<string, unknown[]>;
    assert.deepEqual(exported.survey_answer_codes!.map((r) => ({ ...(r as object) })), [{ response_id: hers, question_key: 'comments', label: 'Time' }]);
    await inTransaction(db(), (tx) => surveysPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    assert.deepEqual((await db().selectFrom('survey_answer_codes').select('response_id').execute()).map((r) => r.response_id), [ids[0]]);
  });

  it('answers a hostile address or body with a 4xx page, never a 500, and keeps the results for admins', async () => {
    for (const u of [
      url('?version=abc&who=%3Cscript%3E&answer=topics:nope&by=zzz'),
      url('?who=role_group&answer=::::&by=q:comments'),
      url(`?by=q:${'x'.repeat(5000)}`),
      url('?version=99999999999999999999'),
    ]) {
      const res = await f.admin.get(u);
      assert.equal(res.statusCode, 200, u);
      assert.ok(!res.body.includes('<script>'), u);
    }
    for (const u of ['/admin/surveys/abc/results', '/admin/surveys/999999/results', url('/text/NOT-A-KEY'), url('/text/topics'), url('/text/missing'), url('/responses.pdf'), '/surveys/999999/results', '/surveys/abc/results', url('/text/comments?code=abc&page=-1')]) {
      const res = await f.admin.get(u);
      assert.ok(res.statusCode < 500, `${u}: ${res.statusCode}`);
      if (!u.includes('code=abc')) assert.equal(res.statusCode, 404, u);
    }
    const coding = url('/text/comments');
    const huge = await f.admin.submit(`${coding}/codes`, { label: 'x'.repeat(5000) }, coding);
    assert.equal(huge.statusCode, 400);
    assert.deepEqual(errorSummary(huge.body).map((e) => e[0]), ['Code must be 100 characters or fewer']);
    const listed = await f.admin.submit(`${coding}/codes`, { label: ['a', 'b'] }, coding);
    assert.ok(listed.statusCode === 400 || listed.statusCode === 302, String(listed.statusCode));
    assert.equal((await f.admin.submit(`${coding}/codes/999999`, { action: 'delete' }, coding)).statusCode, 404);
    const tags = await f.admin.submit(`${coding}/tags`, { answers: ['../../x', ids[0]!], [`codes-${ids[0]}`]: ['-1', 'abc'], returnTo: 'https://evil.example/' }, coding);
    assert.equal(tags.statusCode, 302);
    assert.equal(tags.headers.location, coding, 'never sent elsewhere');
    const amy = await f.register('Amy Archer');
    const amyC = await f.signInAs(amy.personId);
    for (const u of [url(), url('/responses.csv'), url('/summary.csv'), url('/codes.csv'), coding]) assert.equal((await amyC.get(u)).statusCode, 403, u);
    assert.equal((await amyC.post(`${coding}/codes`, { label: 'x' }, await amyC.csrfToken('/my'))).statusCode, 403);
  });

  it('draws hidden counts in a chart as text with no bar', () => {
    const svg = shownBarChartSvg('c', 'A <chart>', [{ label: 'Shown', value: 12, text: '12' }, { label: 'Small & hidden', value: null, text: 'fewer than 5' }]);
    assert.match(svg, /<title id="c-title">A &lt;chart&gt;<\/title>/);
    assert.match(svg, /Small &amp; hidden/);
    assert.match(svg, /width="0"[^>]*><\/rect><text[^>]*>fewer than 5<\/text>/);
  });
});
