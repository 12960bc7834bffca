// The library of outputs on both engines: the team publishes a draft's latest version with the
// aims it serves and a consultation's report; anyone reads it at /library without signing in,
// searches it (title, summary, text; LIKE wildcards taken literally) and filters it by aim; the
// output's page has its history, the public report (no "not at all" comments, names only where
// agreed), the printable page and the original Word file (stored at import, sent as an
// attachment); publishing again moves it on to the new version; hostile input answered.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import type { PersonalData } from '../../../platform/feature.ts';
import { consultations as feature } from '../feature.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { seedDemoLibrary } from './demo.ts';

const DRAFT = ['Intro text.', '', '# Why delegate', '', 'Because shared work matters.', '', '# How to delegate', '', 'Ask first.'].join('\n');

describe(`library of outputs on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let amy: Someone, bo: Someone;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);
  const aims = () => db().selectFrom('aims').select(['id', 'number', 'title']).where('programme_id', '=', f.programmeId).orderBy('number').execute();

  async function writeDraft(title: string, text = DRAFT, summary = 'A checklist.'): Promise<number> {
    const res = await admin.submit('/admin/consultations/drafts/new', { title, summary, aims: 'Shared leadership', text }, '/admin/consultations/drafts/new');
    ok(res);
    return Number(/\/drafts\/(\d+)$/.exec(res.headers.location as string)![1]);
  }
  async function importDraft(title: string): Promise<number> {
    const data = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph({ text: 'Start', heading: HeadingLevel.HEADING_1 }), new Paragraph('Imported words here.')] }] }));
    const form = new FormData();
    form.set('_csrf', await admin.csrfToken('/admin/consultations/drafts/import'));
    form.append('title', title);
    form.append('summary', 'From Word.');
    form.set('file', new Blob([new Uint8Array(data)]), 'Checklist "final".docx');
    const req = new Request('http://localhost/', { method: 'POST', body: form });
    const res = await admin.request({ method: 'POST', url: '/admin/consultations/drafts/import', payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } });
    ok(res);
    return Number(/\/drafts\/(\d+)$/.exec(res.headers.location as string)![1]);
  }
  async function consult(draftId: number): Promise<number> {
    const res = await admin.submit(
      `/admin/consultations/drafts/${draftId}/consult`,
      { audience: 'people', audiencePeople: `${amy.email}\n${bo.email}`, 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '30', 'closes-month': '6', 'closes-year': '2026', commentsVisible: 'participants' },
      `/admin/consultations/drafts/${draftId}/consult`,
    );
    ok(res);
    return Number(/\/consultations\/(\d+)$/.exec(res.headers.location as string)![1]);
  }
  const publish = async (draftId: number, form: Record<string, string | string[]>) => admin.submit(`/admin/consultations/drafts/${draftId}/publish`, form, `/admin/consultations/drafts/${draftId}/publish`);

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-05-20T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
  });
  afterEach(() => f.t.close());

  it('publishes the final version with its aims and public report, readable without signing in', async () => {
    const [aim1, aim2] = await aims();
    assert.ok(aim1 && aim2, 'the demo programme has aims');
    const draftId = await writeDraft('Safe delegation');
    const id = await consult(draftId);
    f.t.clock.set('2026-06-02T09:00:00Z');
    const sections = await db().selectFrom('consultation_sections').select(['id']).orderBy('position').execute();
    for (const [who, body, publication] of [[amy, 'Name the supervisor.', 'named'], [bo, 'Keep this private.', 'none']] as const) {
      const c = await f.signInAs(who.personId);
      const path = `/consultations/${id}/sections/${sections[1]!.id}/comment`;
      ok(await c.submit(path, { body, publication }, path));
    }
    f.t.clock.set('2026-07-02T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    // Nothing chosen: asked again.
    const none = await publish(draftId, { consultation: String(id) });
    assert.equal(none.statusCode, 400);
    assert.deepEqual(errorSummary(none.body), [['Choose at least one programme aim this output serves', '#aims']]);
    const res = await publish(draftId, { aims: [String(aim2.id)], consultation: String(id) });
    ok(res);
    const outPath = res.headers.location as string;
    assert.match(outPath, /^\/library\/\d+$/);

    const anyone = f.t.client();
    const page = await anyone.get(outPath);
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /Safe delegation/);
    assert.match(text, new RegExp(aim2.title));
    assert.match(text, /2\. Why delegate/);
    assert.match(text, /Version 1/);
    assert.match(text, /The consultation report/);
    assert.match(text, /Name the supervisor\./);
    assert.match(text, /Amy Archer/);
    assert.doesNotMatch(text, /Keep this private|Bo Baker/, 'a "not at all" comment stays out of the public report');
    assert.doesNotMatch(text, /original Word document/, 'a written draft has no original file');
    const print = await anyone.get(`${outPath}/print`);
    assert.equal(print.statusCode, 200);
    assert.match(print.body, /coproduce-no-print/);
    assert.match(mainText(print.body), /Why delegate/);

    // The library lists it; searched and filtered.
    await writeDraft('Induction pack', '# Welcome\n\nYour first week.', 'For new starters: 100% practical.');
    const other = (await db().selectFrom('consultation_drafts').select('id').where('title', '=', 'Induction pack').executeTakeFirstOrThrow()).id;
    ok(await publish(other, { aims: [String(aim1.id)], consultation: '' }));
    const list = async (query = '') => mainText((await anyone.get(`/library${query}`)).body);
    assert.match(await list(), /2 outputs.*Induction pack.*Safe delegation/);
    assert.match(await list('?q=SHARED+work'), /1 output found.*Safe delegation/, 'words in the text, any case');
    assert.doesNotMatch(await list('?q=SHARED+work'), /found.*Induction pack/);
    assert.match(await list('?q=starters'), /Induction pack/, 'words in the summary');
    assert.match(await list('?q=%25'), /Induction pack/, 'a typed % is a percent sign');
    assert.doesNotMatch(await list('?q=%25'), /found.*Safe delegation/);
    assert.match(await list(`?aim=${aim2.id}`), /1 output found.*Safe delegation/);
    assert.match(await list(`?aim=${aim1.id}&q=delegate`), /Nothing in the library matches/);
    assert.match(await list('?aim=99999&q='), /2 outputs/, 'an unknown aim is no filter');
  });

  it('offers the original Word file as an attachment, and moves on to a new version when published again', async () => {
    const [aim1] = await aims();
    const draftId = await importDraft('From Word');
    const res = await publish(draftId, { aims: String(aim1!.id), consultation: '' });
    ok(res);
    const outPath = res.headers.location as string;
    const anyone = f.t.client();
    assert.match((await anyone.get(outPath)).body, /original Word document/);
    const file = await anyone.get(`${outPath}/original`);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.equal(file.headers['content-disposition'], 'attachment; filename="Checklist-final.docx"');
    assert.equal(file.rawPayload.subarray(0, 2).toString(), 'PK', 'the .docx as uploaded');
    // A new version: once published again the library shows it, with the history.
    ok(await admin.submit(`/admin/consultations/drafts/${draftId}/versions`, { changelog: 'Tightened the wording' }, `/admin/consultations/drafts/${draftId}`));
    assert.match(mainText((await anyone.get(outPath)).body), /version 1/, 'still the published version until published again');
    ok(await publish(draftId, { aims: String(aim1!.id), consultation: '' }));
    const text = mainText((await anyone.get(outPath)).body);
    assert.match(text, /version 2/);
    assert.match(text, /Version 2.*Tightened the wording.*Version 1/);
    assert.equal((await anyone.get(`${outPath}/original`)).statusCode, 404, 'version 2 was not imported from Word');
    // Taken out: gone from the public.
    ok(await admin.submit(`/admin/consultations/drafts/${draftId}/withdraw`, {}, `/admin/consultations/drafts/${draftId}/publish`));
    assert.equal((await anyone.get(outPath)).statusCode, 404);
  });

  it('keeps the output when the person who published it is erased, without their name', async () => {
    const [aim1] = await aims();
    const draftId = await writeDraft('Kept');
    ok(await publish(draftId, { aims: String(aim1!.id), consultation: '' }));
    const pd = feature.personalData as PersonalData;
    await inTransaction(db(), (tx) => pd.erasePerson(tx, f.admin.personId, f.t.clock));
    const rows = await db().selectFrom('library_outputs').select(['draft_id', 'published_by']).execute();
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ draft_id: draftId, published_by: null }]);
  });

  it('keeps publishing to the team and answers hostile input without an error', async () => {
    const draftId = await writeDraft('Team only');
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(`/admin/consultations/drafts/${draftId}/publish`)).statusCode, 403);
    const [aim1] = await aims();
    const other = await writeDraft('Other');
    const otherConsultation = await consult(other);
    const wrong = await publish(draftId, { aims: String(aim1!.id), consultation: String(otherConsultation) });
    assert.equal(wrong.statusCode, 400, 'a consultation on another draft');
    for (const body of [{ aims: ['x', '-1'], consultation: '' } as Record<string, string | string[]>, { aims: String(aim1!.id), consultation: "1' or 1=1" }, { aims: 'a'.repeat(5000) }]) {
      const r = await publish(draftId, body);
      assert.equal(r.statusCode, 400, JSON.stringify(body).slice(0, 60));
    }
    const anyone = f.t.client();
    for (const bad of ['0', '-1', '99999999', 'x', '%00']) {
      for (const tail of ['', '/print', '/original']) assert.ok([400, 404].includes((await anyone.get(`/library/${bad}${tail}`)).statusCode));
    }
    for (const q of ['?q=' + '%'.repeat(3), '?q=' + 'x'.repeat(5000), '?aim=1&aim=2', '?q[]=a', '?q=%27%3B--']) assert.equal((await anyone.get(`/library${q}`)).statusCode, 200, q);
    assert.equal((await db().selectFrom('library_outputs').selectAll().execute()).length, 0);
  });
});

describe(`the demo library on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
  });
  afterEach(() => f.t.close());

  it('seeds a published output with two versions and its consultation report', async () => {
    const amy = await f.register('Amy Archer');
    const bo = await f.register('Bo Baker');
    const id = await seedDemoLibrary(f.t.data.db, { programmeId: f.programmeId, adminId: f.admin.personId, commenters: [amy.personId, bo.personId], clock: f.t.clock });
    const page = await f.t.client().get(`/library/${id}`);
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /Welcome guide for new support workers/);
    assert.match(text, /version 2/);
    assert.match(text, /where the lockers are/);
    assert.match(text, /Added to "Your first day"\./);
    assert.match(text, /Amy Archer/);
    assert.doesNotMatch(text, /Bo Baker/, 'anonymous');
  });
});
