// Consultations, first slice, on both engines with the injected clock: a written draft split into
// sections, a consultation for an audience between two London dates, commenting by section, on the
// whole draft and on a guiding question (refused before it opens, after it closes, and on a
// section of another draft), visibility (team-only comments unseen by others), agree and reply,
// triage with responses the commenter sees, publication choice and redaction, the notifications
// (opening and closing-soon jobs, a response), personal data, and hostile input.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { runDueJobs } from '../../platform/jobs/runner.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import type { PersonalData } from '../../platform/feature.ts';
import { consultations as feature } from './feature.ts';
import { seedDemoConsultations } from './demo.ts';
import { consultationJobHandlers } from './service.ts';

const DRAFT = ['Intro text.', '', '# Why delegate', '', 'Because **shared** work.', '', '# How to delegate', '', '- Ask', '- Agree', '', '## Check in', '', 'Weekly.', '', '# After'].join('\n');

describe(`consultations on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);
  const site = () => ({ baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const run = () => runDueJobs(db(), f.t.clock, consultationJobHandlers(site()));
  const notes = (kind: string) => db().selectFrom('notifications').select(['person_id', 'item_id']).where('kind', '=', kind).orderBy('id').execute();
  const sections = async (draftId: number) =>
    db().selectFrom('consultation_sections as s').innerJoin('consultation_versions as v', 'v.id', 's.version_id').selectAll('s').where('v.draft_id', '=', draftId).orderBy('s.position').execute();
  const comments = () => db().selectFrom('consultation_comments').selectAll().orderBy('id').execute();

  async function writeDraft(title = 'Safe delegation', text = DRAFT): Promise<number> {
    const res = await admin.submit('/admin/consultations/drafts/new', { title, summary: 'A checklist.', aims: 'Shared leadership', text }, '/admin/consultations/drafts/new');
    ok(res);
    return Number(/\/drafts\/(\d+)$/.exec(res.headers.location as string)![1]);
  }
  async function consult(draftId: number, over: Record<string, string | string[]> = {}): Promise<number> {
    const res = await admin.submit(
      `/admin/consultations/drafts/${draftId}/consult`,
      { audience: 'people', audiencePeople: `${amy.email}\n${bo.email}`, 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '30', 'closes-month': '6', 'closes-year': '2026', commentsVisible: 'participants', question1: 'Is anything missing?', ...over },
      `/admin/consultations/drafts/${draftId}/consult`,
    );
    ok(res);
    return Number(/\/consultations\/(\d+)$/.exec(res.headers.location as string)![1]);
  }
  const commentOn = (client: Awaited<ReturnType<Fixture['signInAs']>>, path: string, form: Record<string, string | string[]>) => client.submit(path, form, path);

  // Sessions lapse after two idle hours: every move of the clock signs people in again.
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  const moveTo = async (at: string) => {
    f.t.clock.set(at);
    admin = await f.signInAs(f.admin.personId);
  };

  beforeEach(async () => {
    f = await setUp();
    await moveTo('2026-05-20T09:00:00Z');
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
  });
  afterEach(() => f.t.close());

  it('splits a written draft into numbered sections at its top headings, and the team can rename and merge them', async () => {
    const id = await writeDraft();
    let s = await sections(id);
    assert.deepEqual(s.map((x) => x.heading), ['Introduction', 'Why delegate', 'How to delegate', 'After']);
    assert.match(s[2]!.body, /## Check in/, 'a deeper heading stays in its section');
    assert.equal(new Set(s.map((x) => x.section_key)).size, 4, 'each section has its own key');
    const page = await admin.get(`/admin/consultations/drafts/${id}`);
    assert.match(mainText(page.body), /2\. Why delegate/);
    ok(await admin.submit(`/admin/consultations/drafts/${id}/sections/${s[1]!.id}/rename`, { heading: 'Why share work' }, `/admin/consultations/drafts/${id}`));
    ok(await admin.submit(`/admin/consultations/drafts/${id}/sections/${s[2]!.id}/merge`, {}, `/admin/consultations/drafts/${id}`));
    s = await sections(id);
    assert.deepEqual(s.map((x) => [x.position, x.heading]), [[1, 'Introduction'], [2, 'Why share work'], [3, 'How to delegate']]);
    assert.match(s[2]!.body, /## After/);
    // Last section: nothing to merge with; another draft's section: not found.
    await admin.submit(`/admin/consultations/drafts/${id}/sections/${s[2]!.id}/merge`, {}, `/admin/consultations/drafts/${id}`);
    assert.equal((await sections(id)).length, 3);
    const other = await writeDraft('Other');
    assert.equal((await admin.submit(`/admin/consultations/drafts/${other}/sections/${s[0]!.id}/merge`, {}, `/admin/consultations/drafts/${id}`)).statusCode, 404);
  });

  it('asks again, keeping what was typed, when the draft form is incomplete', async () => {
    const res = await admin.submit('/admin/consultations/drafts/new', { title: '', summary: 'Kept summary', text: '' }, '/admin/consultations/drafts/new');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body).map((e) => e[1]), ['#title', '#text']);
    assert.match(res.body, /Kept summary/);
  });

  it('shows the draft to its audience only, and takes comments only while it is open', async () => {
    const draftId = await writeDraft();
    const id = await consult(draftId);
    assert.match(mainText((await admin.get(`/admin/consultations/drafts/${draftId}`)).body), /Consultation from 1 June 2026 at 12:00am to 30 June 2026 at 11:59pm \(UK time\)/);
    const [s1] = await sections(draftId);
    let amyC = await f.signInAs(amy.personId);
    const cyC = await f.signInAs(cy.personId);
    assert.equal((await cyC.get(`/consultations/${id}`)).statusCode, 404, 'not in the audience');
    assert.equal((await cyC.get(`/consultations/${id}/sections/${s1!.id}/comment`)).statusCode, 404);
    assert.equal((await amyC.get('/admin/consultations')).statusCode, 403);
    // Before it opens: readable, no comment links, comments refused.
    let page = await amyC.get(`/consultations/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(mainText(page.body), /opens on 1 June 2026 at 12:00am \(UK time\)/);
    assert.doesNotMatch(page.body, /Comment on this section/);
    const path = `/consultations/${id}/sections/${s1!.id}/comment`;
    let res = await commentOn(amyC, path, { body: 'Too early', publication: 'named' });
    assert.equal(res.statusCode, 400);
    assert.match(mainText(res.body), /not open yet/);
    assert.match(res.body, /Too early/, 'what was typed is kept');
    // Open: every section has its link and count.
    await moveTo('2026-06-01T09:00:00Z');
    amyC = await f.signInAs(amy.personId);
    page = await amyC.get(`/consultations/${id}`);
    assert.equal((page.body.match(/Comment on this section/g) ?? []).length, 4);
    ok(await commentOn(amyC, path, { body: 'Say who checks.', publication: 'named' }));
    ok(await commentOn(amyC, `/consultations/${id}/comment`, { body: 'Good overall.', publication: 'anonymous' }));
    const [q] = await db().selectFrom('consultation_questions').selectAll().execute();
    ok(await commentOn(amyC, `/consultations/${id}/questions/${q!.id}/answer`, { body: 'A glossary.', publication: 'none' }));
    const rows = await comments();
    assert.deepEqual(rows.map((r) => [r.section_key !== null, r.question_id, r.publication]), [[true, null, 'named'], [false, null, 'anonymous'], [false, q!.id, 'none']]);
    assert.equal(rows[0]!.section_key, s1!.section_key);
    assert.match(mainText((await amyC.get(`/consultations/${id}`)).body), /1\. Introduction .* 1 comment/);
    // Closes at the end of 30 June, London time (23:00 UTC in summer).
    await moveTo('2026-06-30T22:59:00Z');
    amyC = await f.signInAs(amy.personId);
    ok(await commentOn(amyC, `/consultations/${id}/comment`, { body: 'Just in time.', publication: 'named' }));
    await moveTo('2026-06-30T23:00:00Z');
    amyC = await f.signInAs(amy.personId);
    res = await commentOn(amyC, `/consultations/${id}/comment`, { body: 'Too late', publication: 'named' });
    assert.equal(res.statusCode, 400);
    assert.match(mainText(res.body), /has closed/);
    assert.equal((await comments()).length, 4);
  });

  it('refuses a comment naming a section of another draft, or a question of another consultation', async () => {
    const a = await writeDraft('A');
    const b = await writeDraft('B');
    const idA = await consult(a);
    const idB = await consult(b);
    await moveTo('2026-06-02T09:00:00Z');
    const [sb] = await sections(b);
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(`/consultations/${idA}/sections/${sb!.id}/comment`)).statusCode, 404);
    const res = await amyC.submit(`/consultations/${idA}/sections/${sb!.id}/comment`, { body: 'Wrong', publication: 'named' }, `/consultations/${idA}`);
    assert.equal(res.statusCode, 404);
    const qB = await db().selectFrom('consultation_questions').select('id').where('consultation_id', '=', idB).executeTakeFirstOrThrow();
    assert.equal((await amyC.submit(`/consultations/${idA}/questions/${qB.id}/answer`, { body: 'Wrong', publication: 'named' }, `/consultations/${idA}`)).statusCode, 404);
    assert.equal((await comments()).length, 0);
  });

  it('shows others’ comments where visible (with names only when agreed), with agree and replies; team-only comments stay with the team', async () => {
    const draftId = await writeDraft();
    const open = await consult(draftId);
    const closed = await consult(draftId, { commentsVisible: 'team' });
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    const boC = await f.signInAs(bo.personId);
    ok(await commentOn(amyC, `/consultations/${open}/comment`, { body: 'Named comment', publication: 'named' }));
    ok(await commentOn(amyC, `/consultations/${open}/comment`, { body: 'Nameless comment', publication: 'anonymous' }));
    ok(await commentOn(amyC, `/consultations/${open}/comment`, { body: 'Private comment', publication: 'none' }));
    ok(await commentOn(amyC, `/consultations/${closed}/comment`, { body: 'Team only comment', publication: 'named' }));
    const text = mainText((await boC.get(`/consultations/${open}`)).body);
    assert.match(text, /Amy Archer ?, .* Named comment/);
    assert.match(text, /A participant ?, .* Nameless comment/);
    assert.doesNotMatch(text, /Private comment/, 'not to be published: others do not read it');
    assert.doesNotMatch(mainText((await boC.get(`/consultations/${closed}`)).body), /Team only comment/);
    assert.match(mainText((await amyC.get(`/consultations/${closed}`)).body), /You ?, .* Team only comment/);
    assert.match(mainText((await admin.get(`/consultations/${closed}`)).body), /Amy Archer ?, .* Team only comment/);
    const [named] = await comments();
    // Agree once; again takes it back.
    ok(await boC.submit(`/consultations/${open}/comments/${named!.id}/agree`, {}, `/consultations/${open}`));
    ok(await boC.submit(`/consultations/${open}/comments/${named!.id}/agree`, {}, `/consultations/${open}`));
    ok(await boC.submit(`/consultations/${open}/comments/${named!.id}/agree`, {}, `/consultations/${open}`));
    assert.equal((await db().selectFrom('consultation_agrees').selectAll().execute()).length, 1);
    assert.match(mainText((await amyC.get(`/consultations/${open}`)).body), /1 person agrees/);
    ok(await commentOn(boC, `/consultations/${open}/comments/${named!.id}/reply`, { body: 'I agree and add this', publication: 'named' }));
    assert.match(mainText((await amyC.get(`/consultations/${open}`)).body), /Bo Baker ?, .* I agree and add this/);
    // No agreeing or replying where comments are for the team, nor with a comment one cannot read.
    const teamOnly = (await comments()).find((c) => c.body === 'Team only comment')!;
    assert.equal((await boC.submit(`/consultations/${closed}/comments/${teamOnly.id}/agree`, {}, `/consultations/${closed}`)).statusCode, 404);
    assert.equal((await boC.get(`/consultations/${closed}/comments/${teamOnly.id}/reply`)).statusCode, 404);
    const priv = (await comments()).find((c) => c.body === 'Private comment')!;
    assert.equal((await boC.submit(`/consultations/${open}/comments/${priv.id}/agree`, {}, `/consultations/${open}`)).statusCode, 404);
  });

  it('triages comments with a response the commenter sees on the draft and on "Your comments", and is told of', async () => {
    const draftId = await writeDraft();
    const id = await consult(draftId);
    await moveTo('2026-06-02T09:00:00Z');
    const [s1, s2] = await sections(draftId);
    const amyC = await f.signInAs(amy.personId);
    ok(await commentOn(amyC, `/consultations/${id}/sections/${s1!.id}/comment`, { body: 'First', publication: 'named' }));
    ok(await commentOn(amyC, `/consultations/${id}/sections/${s2!.id}/comment`, { body: 'Second', publication: 'named' }));
    const [c1] = await comments();
    assert.equal((await amyC.get(`/admin/consultations/${id}/triage`)).statusCode, 403);
    let list = mainText((await admin.get(`/admin/consultations/${id}/triage?status=untriaged`)).body);
    assert.match(list, /First/);
    assert.match(list, /Second/);
    list = mainText((await admin.get(`/admin/consultations/${id}/triage?section=${s2!.section_key}`)).body);
    assert.doesNotMatch(list, /First/);
    const bad = await admin.submit(`/admin/consultations/${id}/comments/${c1!.id}`, { status: 'maybe', response: '' }, `/admin/consultations/${id}/comments/${c1!.id}`);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body).map((e) => e[1]), ['#status', '#response']);
    ok(await admin.submit(`/admin/consultations/${id}/comments/${c1!.id}`, { status: 'partly', response: 'We added who checks.' }, `/admin/consultations/${id}/comments/${c1!.id}`));
    assert.match(mainText((await admin.get(`/admin/consultations/${id}/triage?status=untriaged`)).body), /Second/);
    assert.doesNotMatch(mainText((await admin.get(`/admin/consultations/${id}/triage?status=untriaged`)).body), /First/);
    assert.match(mainText((await amyC.get(`/consultations/${id}`)).body), /First.*The team’s response: Partly accepted We added who checks\./);
    assert.match(mainText((await amyC.get('/my/comments')).body), /First.*Partly accepted.*We added who checks\./);
    assert.match(mainText((await (await f.signInAs(bo.personId)).get(`/consultations/${id}`)).body), /We added who checks\./, 'everyone reading the comment sees the response');
    assert.deepEqual((await notes('consultations.response')).map((n) => n.person_id), [amy.personId]);
  });

  it('redacts part of a comment: others read the redacted text, the team the original, the reason in the audit log', async () => {
    const draftId = await writeDraft();
    const id = await consult(draftId);
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    ok(await commentOn(amyC, `/consultations/${id}/comment`, { body: 'My manager Dan Smith is unkind', publication: 'named' }));
    const [c] = await comments();
    const bad = await admin.submit(`/admin/consultations/${id}/comments/${c!.id}/redact`, { redacted: 'x', reason: '' }, `/admin/consultations/${id}/comments/${c!.id}`);
    assert.equal(bad.statusCode, 400);
    ok(await admin.submit(`/admin/consultations/${id}/comments/${c!.id}/redact`, { redacted: 'My manager [removed] is unkind', reason: 'Names a third party' }, `/admin/consultations/${id}/comments/${c!.id}`));
    const boText = mainText((await (await f.signInAs(bo.personId)).get(`/consultations/${id}`)).body);
    assert.match(boText, /My manager \[removed\] is unkind/);
    assert.doesNotMatch(boText, /Dan Smith/);
    assert.match(mainText((await admin.get(`/admin/consultations/${id}/comments/${c!.id}`)).body), /Dan Smith/);
    const audit = await db().selectFrom('audit_events').select(['action', 'summary']).where('action', '=', 'consultation.redact').execute();
    assert.equal(audit.length, 1);
    assert.match(audit[0]!.summary, /Names a third party/);
  });

  it('tells the audience when it opens and 3 days before it closes, by jobs on the clock', async () => {
    const id = await consult(await writeDraft());
    await run();
    assert.deepEqual(await notes('consultations.opened'), [], 'not before it opens');
    await moveTo('2026-05-31T23:00:00Z');
    await run();
    assert.deepEqual((await notes('consultations.opened')).map((n) => n.person_id).sort(), [amy.personId, bo.personId].sort());
    await moveTo('2026-06-27T22:59:00Z');
    await run();
    assert.deepEqual(await notes('consultations.closing'), []);
    await moveTo('2026-06-27T23:00:00Z');
    await run();
    assert.deepEqual((await notes('consultations.closing')).map((n) => n.item_id), [id, id]);
  });

  it('exports and erases a person’s comments and agreements', async () => {
    const id = await consult(await writeDraft());
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    const boC = await f.signInAs(bo.personId);
    ok(await commentOn(amyC, `/consultations/${id}/comment`, { body: 'Mine', publication: 'named' }));
    const [c] = await comments();
    ok(await boC.submit(`/consultations/${id}/comments/${c!.id}/agree`, {}, `/consultations/${id}`));
    const pd: PersonalData = feature.personalData;
    const out = await pd.exportPerson(db(), amy.personId);
    assert.deepEqual(out.consultation_comments!.map((r) => r.body), ['Mine']);
    assert.equal((await pd.exportPerson(db(), bo.personId)).consultation_agrees!.length, 1);
    await inTransaction(db(), (tx) => pd.erasePerson(tx, amy.personId, f.t.clock));
    assert.equal((await comments()).length, 0);
  });

  it('keeps XSS payloads in comments inert', async () => {
    const id = await consult(await writeDraft());
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    ok(await commentOn(amyC, `/consultations/${id}/comment`, { body: '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))', publication: 'named' }));
    const page = (await (await f.signInAs(bo.personId)).get(`/consultations/${id}`)).body;
    assert.doesNotMatch(page, /<script>alert|<img src=x|href="javascript:/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('answers hostile addresses and bodies with 4xx, never 500, and a fuzz of comment submissions never fails', async () => {
    const draftId = await writeDraft();
    const id = await consult(draftId);
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    for (const path of [`/consultations/abc`, `/consultations/0`, `/consultations/99999999999`, `/consultations/${id}/sections/x/comment`, `/admin/consultations/drafts/-1`, `/admin/consultations/${id}/triage?status[]=x&section=%00`]) {
      const res = await admin.get(path);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500 || res.statusCode === 200, `${path}: ${res.statusCode}`);
      assert.notEqual(res.statusCode, 500);
    }
    const token = await amyC.csrfToken(`/consultations/${id}/comment`);
    const junk = ['', ' ', '\u0000', 'x'.repeat(6000), '<svg onload=alert(1)>', '\uD800', '🙂'.repeat(50), 'a\r\nb', '%00', '[]'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 40; i++) {
      const form: Record<string, string | string[]> = {};
      if (rnd(4)) form.body = rnd(3) ? junk[rnd(junk.length)]! : [junk[rnd(junk.length)]!, 'b'];
      if (rnd(4)) form.publication = ['named', 'anonymous', 'none', 'all', ''][rnd(5)]!;
      if (rnd(5) === 0) form[`extra${rnd(100)}`] = junk[rnd(junk.length)]!;
      const res = await amyC.post(`/consultations/${id}/comment`, form, token);
      assert.ok([302, 400].includes(res.statusCode), `${JSON.stringify(form).slice(0, 100)}: ${res.statusCode}`);
    }
    const json = await amyC.request({ method: 'POST', url: `/consultations/${id}/comment`, payload: '{"body":{"a":1}}', headers: { 'content-type': 'application/json' } });
    assert.equal(json.statusCode, 415);
    const multipartHere = await amyC.request({ method: 'POST', url: `/consultations/${id}/comment`, payload: '--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nhi\r\n--x--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    assert.equal(multipartHere.statusCode, 415, 'multipart is read only by the import route');
    const badConsult = await admin.submit(`/admin/consultations/drafts/${draftId}/consult`, { audience: 'nonsense', 'opens-day': '31', 'opens-month': '2', 'opens-year': '2026', 'closes-day': 'x', commentsVisible: ['a', 'b'] }, `/admin/consultations/drafts/${draftId}/consult`);
    assert.equal(badConsult.statusCode, 400);
    assert.deepEqual(errorSummary(badConsult.body).map((e) => e[1]), ['#opens-day', '#closes-day', '#commentsVisible', '#audience']);
  });

  it('seeds the demo consultation: six sections, open, with comments and responses the page shows', async () => {
    const mailBefore = (await db().selectFrom('outbox').selectAll().execute()).length;
    const id = await seedDemoConsultations(db(), { programmeId: f.programmeId, adminId: f.admin.personId, commenters: [amy.personId, bo.personId, cy.personId], clock: f.t.clock });
    assert.ok(id);
    const boC = await f.signInAs(bo.personId);
    const text = mainText((await boC.get(`/consultations/${id}`)).body);
    assert.match(text, /Safe delegation checklist/);
    assert.match(text, /6\. Afterwards/);
    assert.match(text, /Amy Archer ?, .*Accepted Thank you/);
    assert.doesNotMatch(text, /shared drive/, 'a comment not to be published stays with the team and its writer');
    assert.match(mainText((await (await f.signInAs(amy.personId)).get('/my/comments')).body), /Accepted/);
    assert.equal((await db().selectFrom('outbox').selectAll().execute()).length, mailBefore, 'demo data sends no mail');
  });

  it('answers hostile bodies on the team’s forms with their messages, never a 500', async () => {
    const draftId = await writeDraft();
    const id = await consult(draftId);
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    ok(await commentOn(amyC, `/consultations/${id}/comment`, { body: 'A comment', publication: 'named' }));
    const [c] = await comments();
    const [s1] = await sections(draftId);
    const from = `/admin/consultations/${id}/comments/${c!.id}`;
    for (const [url, body] of [
      [from, { status: ['accepted', 'noted'], response: ['a', 'b'] }],
      [from, { status: 'accepted', response: 'x'.repeat(6000) }],
      [`${from}/redact`, { redacted: ['a'], reason: '\u0000' }],
      [`/admin/consultations/drafts/${draftId}/sections/${s1!.id}/rename`, { heading: ['a', 'b'] }],
      [`/admin/consultations/drafts/${draftId}/sections/${s1!.id}/rename`, { heading: 'line\nbreak' }],
      ['/admin/consultations/drafts/new', { title: 'x'.repeat(500), summary: ['a', 'b'], text: '\uD800', projects: ['1', 'x', '-3', '99999999999'] }],
      [`/admin/consultations/drafts/${draftId}/consult`, { audience: 'projects', audienceProjects: ['999999'], 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '1', 'closes-month': '5', 'closes-year': '2026', commentsVisible: 'team', question1: 'a\nb' }],
    ] as const) {
      const res = await admin.submit(url, body as Record<string, string | string[]>, from);
      assert.ok(res.statusCode === 400 || res.statusCode === 302, `${url}: ${res.statusCode}`);
      if (res.statusCode === 400) assert.ok(errorSummary(res.body).length > 0, `${url}: a message`);
    }
    assert.equal((await comments())[0]!.status, null, 'nothing saved from a bad response');
    assert.equal((await db().selectFrom('consultations').selectAll().execute()).length, 1);
    // Another consultation's comment through this one's address: not found.
    const other = await consult(await writeDraft('Other'));
    assert.equal((await admin.get(`/admin/consultations/${other}/comments/${c!.id}`)).statusCode, 404);
    assert.equal((await admin.submit(`/admin/consultations/${other}/comments/${c!.id}`, { status: 'noted', response: 'r' }, from)).statusCode, 404);
  });

  it('lists open consultations in the person’s home', async () => {
    const id = await consult(await writeDraft());
    await moveTo('2026-06-02T09:00:00Z');
    const amyC = await f.signInAs(amy.personId);
    const home = mainText((await amyC.get('/my')).body);
    assert.match(home, /Drafts to comment on Safe delegation ?: open until 30 June 2026 at 11:59pm \(UK time\)/);
    assert.match((await amyC.get('/my')).body, new RegExp(`href="/consultations/${id}"`));
    assert.doesNotMatch(mainText((await (await f.signInAs(cy.personId)).get('/my')).body), /Drafts to comment on/);
  });
});
