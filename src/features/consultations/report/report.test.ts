// The consultation report on both engines: counts by section, by response and by role group (the
// role group from the commenter's registration) with small numbers suppressed; every comment with
// its response, names only where the commenter agreed, redacted text where redacted; the public
// reading leaves out comments marked "not at all"; the team's page and the CSV / Excel downloads;
// participants refused; a hostile address answered.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { consultationReport } from './report.ts';

const DRAFT = ['Intro text.', '', '# Why delegate', '', 'Because shared work.', '', '# How to delegate', '', 'Ask first.'].join('\n');

describe(`consultation report on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let csws: Someone[], edu: Someone;
  let id: number;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; headers: Record<string, unknown> }) => assert.equal(res.statusCode, 302);

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-05-20T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    csws = [];
    for (const n of ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay']) csws.push(await f.register(`${n} Support`, { roleGroup: 'csw' }));
    edu = await f.register('Gil Educator', { roleGroup: 'educator' });
    let res = await admin.submit('/admin/consultations/drafts/new', { title: 'Safe delegation', summary: 'A checklist.', aims: 'Shared leadership', text: DRAFT }, '/admin/consultations/drafts/new');
    ok(res);
    const draftId = Number(/\/drafts\/(\d+)$/.exec(res.headers.location as string)![1]);
    res = await admin.submit(
      `/admin/consultations/drafts/${draftId}/consult`,
      { audience: 'programme', 'opens-day': '1', 'opens-month': '6', 'opens-year': '2026', 'closes-day': '30', 'closes-month': '6', 'closes-year': '2026', commentsVisible: 'participants', question1: 'Is anything missing?' },
      `/admin/consultations/drafts/${draftId}/consult`,
    );
    ok(res);
    id = Number(/\/consultations\/(\d+)$/.exec(res.headers.location as string)![1]);
    f.t.clock.set('2026-06-02T09:00:00Z');
    const sections = await db().selectFrom('consultation_sections').select(['id', 'position']).orderBy('position').execute();
    const say = async (who: Someone, path: string, body: string, publication: string) => {
      const c = await f.signInAs(who.personId);
      ok(await c.submit(path, { body, publication }, path));
    };
    // Six support workers comment on section 2; the educator, alone in the group, on section 1 and the whole draft.
    for (const [i, who] of csws.entries()) await say(who, `/consultations/${id}/sections/${sections[1]!.id}/comment`, `Point ${i + 1} from a CSW.`, i === 0 ? 'named' : i === 1 ? 'none' : 'anonymous');
    await say(edu, `/consultations/${id}/sections/${sections[0]!.id}/comment`, 'An educator says: name the supervisor.', 'named');
    await say(edu, `/consultations/${id}/comment`, 'Private thought <script>alert(1)</script>.', 'none');
    admin = await f.signInAs(f.admin.personId);
    const first = await db().selectFrom('consultation_comments').select('id').orderBy('id').executeTakeFirstOrThrow();
    ok(await admin.submit(`/admin/consultations/${id}/comments/${first.id}`, { status: 'accepted', response: 'We added a line on checking.' }, `/admin/consultations/${id}/comments/${first.id}`));
    ok(await admin.submit(`/admin/consultations/${id}/comments/${first.id}/redact`, { redacted: 'Point 1 from a [removed].', reason: 'Names a ward' }, `/admin/consultations/${id}/comments/${first.id}`));
  });
  afterEach(() => f.t.close());

  const consultation = () => db().selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('counts by section, response and role group, hiding small numbers', async () => {
    const r = await consultationReport(db(), await consultation(), 'team');
    assert.equal(r.commentCount, 8);
    const lines = (l: typeof r.bySection) => l.lines.map((x) => [x.label, x.text]);
    assert.deepEqual(lines(r.bySection), [['1. Introduction', 'fewer than 5'], ['2. Why delegate', '6'], ['3. How to delegate', 'fewer than 5'], ['The whole draft', 'fewer than 5'], ['Question: Is anything missing?', 'fewer than 5']]);
    assert.equal(r.bySection.total.text, '8');
    assert.deepEqual(lines(r.byStatus), [['Accepted', 'fewer than 5'], ['Partly accepted', 'fewer than 5'], ['Not accepted', 'fewer than 5'], ['Noted', 'fewer than 5'], ['Out of scope', 'fewer than 5'], ['Not triaged yet', '7']]);
    // People, not comments: six support workers and one educator. The educator's 1 is hidden, and
    // so is the 6, which with the total of 7 would give the educator away.
    assert.deepEqual(lines(r.byRole), [['Clinical support worker (CSW)', 'fewer than 5'], ['Educator or practice educator', 'fewer than 5']]);
    assert.equal(r.byRole.total.text, '7');
  });

  it('lists every comment with its response, named only where agreed, redacted where redacted; the public reading leaves out "not at all"', async () => {
    const team = await consultationReport(db(), await consultation(), 'team');
    const first = team.comments[0]!;
    assert.equal(first.body, 'Point 1 from a [removed].');
    assert.equal(first.author, 'Ann Support');
    assert.equal(first.statusLabel, 'Accepted');
    assert.equal(first.response, 'We added a line on checking.');
    assert.equal(team.comments[1]!.author, null, 'asked not to be published: no name');
    assert.equal(team.comments[2]!.author, null, 'anonymous: no name');
    assert.deepEqual(team.comments.filter((c) => c.publication === 'none').length, 2);
    const pub = await consultationReport(db(), await consultation(), 'public');
    assert.equal(pub.commentCount, 6);
    assert.ok(pub.comments.every((c) => c.publication !== 'none'));
    assert.ok(!pub.comments.some((c) => /Private thought|Point 2 from/.test(c.body)));
    assert.equal(pub.bySection.total.text, '6', 'the public counts are of the comments it shows');
  });

  it('shows the team the report page and its downloads; participants are refused', async () => {
    const page = await admin.get(`/admin/consultations/${id}/report`);
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /Consultation report/);
    assert.match(text, /Comments by section/);
    assert.match(text, /not for publication/);
    assert.match(text, /Ann Support/);
    assert.doesNotMatch(text, /Ben Support|Fay Support/, 'names only where agreed');
    assert.doesNotMatch(page.body, /<script>alert/, 'comment text is inert');
    assert.match((await admin.get(`/admin/consultations/${id}/triage`)).body, new RegExp(`/admin/consultations/${id}/report`));

    const csv = await admin.get(`/admin/consultations/${id}/report.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="consultation-report-\d+-2026-06-02\.csv"/);
    const lines = csv.body.trim().split(/\r?\n/);
    assert.equal(lines.length, 9, 'a header and eight comments');
    assert.match(lines[1]!, /Point 1 from a \[removed\]\.,Ann Support,.*Accepted,We added a line on checking\./);
    assert.doesNotMatch(csv.body, /Ben Support/);

    const xlsx = await admin.get(`/admin/consultations/${id}/report.xlsx`);
    assert.equal(xlsx.statusCode, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Comments')!;
    assert.equal(sheet.rowCount, 9);
    assert.equal(String(sheet.getRow(2).getCell(4).value), 'Ann Support');
    assert.equal(String(sheet.getRow(3).getCell(4).value), 'Not published');
    const audits = await db().selectFrom('audit_events').select('action').where('action', 'like', 'consultation.report.%').execute();
    assert.deepEqual(audits.map((a) => a.action).sort(), ['consultation.report.csv', 'consultation.report.xlsx']);

    const part = await f.signInAs(csws[2]!.personId);
    for (const path of ['report', 'report.csv', 'report.xlsx']) assert.equal((await part.get(`/admin/consultations/${id}/${path}`)).statusCode, 403);
  });

  it('answers a hostile address with not found, never an error', async () => {
    for (const bad of ['0', '-1', '99999999', '1e3', "1'or'1", '%00', 'x'.repeat(300)]) {
      const res = await admin.get(`/admin/consultations/${bad}/report`);
      assert.ok([400, 404].includes(res.statusCode), `${bad}: ${res.statusCode}`);
    }
  });
});
