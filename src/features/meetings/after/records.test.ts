// After the meeting, over HTTP and through the service, on both engines: who may reach each page
// (organisers only; non-invitees never see minutes), attendance prefilled from Join and "yes" and
// corrected, the review window (comments refused once it closes, one approval each), publishing
// telling the audience, actions with "Your actions", the overdue list and the reminder job (moved
// with the due date, gone when done), the export (CSV and XLSX), personal data, hostile input,
// and Markdown in the minutes rendered inert.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { TestClient } from '../../../../test/helpers/app.ts';
import { parseCsv } from '../../../../test/helpers/csv.ts';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { makeLead } from '../../../platform/audience/access.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { runDueJobs } from '../../../platform/jobs/runner.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { seedDemoMeetingRecords } from './demo.ts';
import { afterPart } from './part.ts';
import { assign } from '../../participants/service.ts';
import { cancel, scheduleMeeting } from '../service.ts';
import { publishMinutes, recordsJobHandlers, reminderAt } from './service.ts';

describe(`after the meeting on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  let meetingId: number;
  const db = () => f.t.data.db;
  const ctx = () => ({ clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const notes = (kind: string) => db().selectFrom('notifications').select(['person_id', 'url']).where('kind', '=', kind).orderBy('person_id').execute();
  const jobs = () => db().selectFrom('jobs').select(['key', 'run_at', 'status', 'payload']).where('kind', '=', 'meetings.action-due').execute();
  const handlers = () => recordsJobHandlers(ctx());
  const page = (c: TestClient, url: string) => c.get(url);
  const duringMeeting = '2026-07-01T09:15:00Z';
  const afterMeeting = '2026-07-01T11:00:00Z';

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    const res = await f.admin.submit('/meetings/new', {
      action: 'publish', title: 'Steering group', purpose: 'Agree the plan.', 'date-day': '1', 'date-month': '7', 'date-year': '2026', startTime: '10:00', endTime: '11:30',
      joinUrl: 'https://teams.example.org/meet/123', joiningNotes: '', capacity: '', agenda1Title: 'Welcome', agenda2Title: 'Budget', audience: 'people', audiencePeople: [amy.email, bo.email].join('\n'),
    }, '/meetings/new');
    assert.equal(res.statusCode, 302, errorSummary(res.body).join());
    meetingId = Number(/\/meetings\/(\d+)/.exec(res.headers.location!)![1]);
  });
  afterEach(() => f.t.close());

  /** Amy presses Join during the meeting, Bo says yes; then the meeting ends. */
  async function heldMeeting(): Promise<{ amyC: TestClient; boC: TestClient; cyC: TestClient }> {
    const boC = await f.signInAs(bo.personId);
    await boC.submit(`/meetings/${meetingId}/rsvp`, { response: 'yes' }, `/meetings/${meetingId}`);
    f.t.clock.set(duringMeeting);
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(`/meetings/${meetingId}/join`)).statusCode, 302);
    f.t.clock.set(afterMeeting);
    f.admin = Object.assign(await f.signInAs(f.admin.personId), { personId: f.admin.personId });
    return { amyC: await f.signInAs(amy.personId), boC: await f.signInAs(bo.personId), cyC: await f.signInAs(cy.personId) };
  }

  const addAction = (over: Record<string, string> = {}) =>
    f.admin.submit(`/meetings/${meetingId}/actions`, { what: 'Send the budget', owner: String(amy.personId), 'due-day': '10', 'due-month': '7', 'due-year': '2026', note: '', ...over }, `/meetings/${meetingId}/minutes`);

  it('lets only organisers reach attendance, minutes and exports, and only from the start', async () => {
    const early = await f.admin.get(`/meetings/${meetingId}/attendance`);
    assert.equal(early.statusCode, 302, 'before the start: back to the meeting');
    assert.match((await f.admin.get(early.headers.location!)).body, /once the meeting has started/);
    const { amyC, cyC } = await heldMeeting();
    for (const url of ['attendance', 'minutes', 'export.csv', 'export.xlsx', 'actions/1']) {
      assert.equal((await amyC.get(`/meetings/${meetingId}/${url}`)).statusCode, 404, `an invitee who does not organise: ${url}`);
      assert.equal((await cyC.get(`/meetings/${meetingId}/${url}`)).statusCode, 404, `a non-invitee: ${url}`);
    }
    for (const url of ['attendance', 'minutes', 'minutes/review', 'minutes/publish', 'decisions', 'actions']) {
      const r = await amyC.submit(`/meetings/${meetingId}/${url}`, { body: "x" }, `/meetings/${meetingId}`); assert.equal(r.statusCode, 404, `POST ${url} ${mainText(r.body)}`);
    }
    assert.equal((await amyC.get('/meetings/actions/overdue')).statusCode, 403, 'someone who organises nothing');
    assert.equal((await f.admin.get(`/meetings/${meetingId}/attendance`)).statusCode, 200);
    const section = mainText((await f.admin.get(`/meetings/${meetingId}`)).body);
    assert.match(section, /Attendance : not recorded yet/);
    assert.match(section, /Download the invitees, their answers and attendance: CSV or Excel/);
    assert.doesNotMatch(mainText((await amyC.get(`/meetings/${meetingId}`)).body), /Download the invitees/);
  });

  it('prefills attendance from Join and from yes, and keeps what the organiser corrects', async () => {
    await heldMeeting();
    const sheet = await f.admin.get(`/meetings/${meetingId}/attendance`);
    const checked = (html: string, personId: number) => new RegExp(`value="${personId}" checked`).test(html);
    assert.ok(checked(sheet.body, amy.personId) && checked(sheet.body, bo.personId), 'both ticked');
    assert.match(mainText(sheet.body), /Amy Archer Prefilled from Join/);
    assert.match(mainText(sheet.body), /Bo Baker Prefilled from their answer \(yes\)/);
    assert.doesNotMatch(mainText(sheet.body), /Cy Carter/);
    const saved = await f.admin.submit(`/meetings/${meetingId}/attendance`, { attended: [String(amy.personId), String(cy.personId), 'junk'] }, `/meetings/${meetingId}/attendance`);
    assert.equal(saved.statusCode, 302);
    const again = await f.admin.get(saved.headers.location!);
    assert.match(mainText(again.body), /Attendance saved: 1 person attended/);
    assert.ok(checked(again.body, amy.personId));
    assert.ok(!checked(again.body, bo.personId), 'Bo corrected to absent: "yes" no longer ticks the box');
    assert.match(mainText(again.body), /Bo Baker Recorded by the organiser/);
    assert.match(mainText(again.body), /Recorded by Test admin on 1 July 2026 at 12:00pm \(UK time\)/);
    const rows = await db().selectFrom('meeting_attendance').select(['person_id', 'attended', 'recorded_by']).orderBy('person_id').execute();
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ person_id: amy.personId, attended: 1, recorded_by: f.admin.personId }, { person_id: bo.personId, attended: 0, recorded_by: f.admin.personId }], 'a non-invitee ticked is ignored');
  });

  it('sends draft minutes for comment to attendees until a set time, then publishes them to the audience', async () => {
    let { amyC, boC, cyC } = await heldMeeting();
    await f.admin.submit(`/meetings/${meetingId}/attendance`, { attended: String(amy.personId) }, `/meetings/${meetingId}/attendance`);
    const hostile = 'We agreed the **budget**.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>';
    const preview = await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'preview', body: hostile }, `/meetings/${meetingId}/minutes`);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Preview of minutes/);
    assert.equal(await db().selectFrom('meeting_minutes').select('meeting_id').executeTakeFirst(), undefined, 'a preview saves nothing');
    assert.equal((await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'save', body: hostile }, `/meetings/${meetingId}/minutes`)).statusCode, 302);
    assert.doesNotMatch(mainText((await boC.get(`/meetings/${meetingId}`)).body), /budget/, 'a draft is not shown to invitees');
    // Closing time in the past, then not a time: refused with messages.
    const past = await f.admin.submit(`/meetings/${meetingId}/minutes/review`, { 'until-day': '1', 'until-month': '7', 'until-year': '2026', untilTime: '09:00' }, `/meetings/${meetingId}/minutes`);
    assert.equal(past.statusCode, 400);
    assert.deepEqual(errorSummary(past.body), [['The date comments close must be in the future', '#until-day']]);
    const bad = await f.admin.submit(`/meetings/${meetingId}/minutes/review`, { 'until-day': '31', 'until-month': '2', 'until-year': '2026', untilTime: '25:00' }, `/meetings/${meetingId}/minutes`);
    assert.deepEqual(errorSummary(bad.body), [['Enter a real date comments close, for example 21 6 2027', '#until-day'], ['Enter the time in the 24-hour clock, for example 17:00', '#untilTime']]);
    const sent = await f.admin.submit(`/meetings/${meetingId}/minutes/review`, { 'until-day': '3', 'until-month': '7', 'until-year': '2026', untilTime: '17:00' }, `/meetings/${meetingId}/minutes`);
    assert.equal(sent.statusCode, 302);
    assert.match(mainText((await f.admin.get(sent.headers.location!)).body), /Draft minutes sent for comment to 1 person\..*Out for comment.*until 3 July 2026 at 5:00pm \(UK time\)/);
    assert.deepEqual((await notes('meetings.minutes-review')).map((n) => n.person_id), [amy.personId], 'only those marked as attended are asked');
    // Amy sees the draft, rendered and sanitised; Bo (not asked) and Cy (not invited) do not.
    const amyPage = await amyC.get(`/meetings/${meetingId}`);
    assert.match(mainText(amyPage.body), /Draft minutes.*until 3 July 2026 at 5:00pm \(UK time\)/);
    assert.match(amyPage.body, /<strong>budget<\/strong>/);
    assert.doesNotMatch(amyPage.body, /<script>alert|href="javascript|<img[^>]*onerror/);
    assert.doesNotMatch(mainText((await boC.get(`/meetings/${meetingId}`)).body), /budget/);
    assert.equal((await cyC.get(`/meetings/${meetingId}`)).statusCode, 404);
    assert.equal((await boC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: 'Me too' }, `/meetings/${meetingId}`)).statusCode, 404, 'not asked: not found');
    assert.equal((await cyC.submit(`/meetings/${meetingId}/minutes/approve`, {}, '/my')).statusCode, 404);
    // Comments and one approval each.
    const empty = await amyC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: '  ' }, `/meetings/${meetingId}`);
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [['Enter your comment', '#comment']]);
    assert.equal((empty.body.match(/<h1/g) ?? []).length, 1);
    // A comment too long: the error beside the text typed, which is kept to shorten and send again.
    const long = `Item 3 needs more. ${'x'.repeat(5_000)}`;
    const tooLong = await amyC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: long }, `/meetings/${meetingId}`);
    assert.equal(tooLong.statusCode, 400);
    assert.deepEqual(errorSummary(tooLong.body), [['Your comment must be 5000 characters or fewer', '#comment']]);
    assert.match(tooLong.body, /Item 3 needs more\. x{5000}<\/textarea>/);
    assert.match(tooLong.body, /<title>Error: Comment on the draft minutes: Steering group/);
    assert.equal((await boC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: '' }, `/meetings/${meetingId}`)).statusCode, 404, 'not asked: not found, even with a bad comment');
    const amyToken = await amyC.csrfToken(`/meetings/${meetingId}`);
    for (const body of [{ comment: ['a', 'b'] }, { comment: '\u0000' }, {}] as Record<string, string | string[]>[]) {
      const res = await amyC.post(`/meetings/${meetingId}/minutes/comments`, body, amyToken);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(errorSummary(res.body).length, 1, JSON.stringify(body));
    }
    assert.equal((await db().selectFrom('meeting_minutes_comments').select('id').execute()).length, 0, 'no bad comment saved');
    await amyC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: 'Item 2: <b>add</b> the date' }, `/meetings/${meetingId}`);
    const approved = await amyC.submit(`/meetings/${meetingId}/minutes/approve`, {}, `/meetings/${meetingId}`);
    assert.match(mainText((await amyC.get(approved.headers.location!)).body), /you have approved these minutes/);
    const twice = await amyC.post(`/meetings/${meetingId}/minutes/approve`, {}, await amyC.csrfToken(`/meetings/${meetingId}`));
    assert.match(mainText((await amyC.get(twice.headers.location!)).body), /You have already approved these minutes/);
    assert.equal((await db().selectFrom('meeting_minutes_approvals').select('person_id').execute()).length, 1);
    const organiserView = await f.admin.get(`/meetings/${meetingId}/minutes`);
    assert.match(mainText(organiserView.body), /Approved by 1: Amy Archer\..*Amy Archer ?, 1 July 2026 at 12:00pm \(UK time\) Item 2: <b>add<\/b> the date/);
    assert.doesNotMatch(organiserView.body, /<b>add<\/b>/, 'a comment is shown as text');
    // The window closes: comments refused, the draft no longer shown to Amy.
    f.t.clock.set('2026-07-03T16:00:00Z');
    // Signed in again: sessions do not last days.
    [amyC, boC, cyC] = [await f.signInAs(amy.personId), await f.signInAs(bo.personId), await f.signInAs(cy.personId)];
    f.admin = Object.assign(await f.signInAs(f.admin.personId), { personId: f.admin.personId });
    const late = await amyC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: 'Late' }, `/meetings/${meetingId}`);
    assert.match((await amyC.get(late.headers.location!)).body, /Comments on these minutes have closed, so nothing was saved/);
    const lateEmpty = await amyC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: '' }, `/meetings/${meetingId}`);
    assert.equal(lateEmpty.statusCode, 302, 'closed: said so, rather than asking for a comment that cannot be sent');
    assert.match((await amyC.get(lateEmpty.headers.location!)).body, /Comments on these minutes have closed/);
    assert.equal((await db().selectFrom('meeting_minutes_comments').select('id').execute()).length, 1);
    assert.doesNotMatch(mainText((await amyC.get(`/meetings/${meetingId}`)).body), /budget/);
    // Publishing tells everyone the meeting is for, and shows the minutes to invitees.
    const published = await f.admin.submit(`/meetings/${meetingId}/minutes/publish`, {}, `/meetings/${meetingId}/minutes`);
    assert.match(mainText((await f.admin.get(published.headers.location!)).body), /Minutes published\. We have told 2 people\./);
    const told = await notes('meetings.minutes');
    assert.deepEqual(told.map((n) => n.person_id), [amy.personId, bo.personId].sort((a, b) => a - b));
    assert.ok(told.every((n) => n.url === `/meetings/${meetingId}#minutes`), 'the digest line links to the meeting');
    const mail = await db().selectFrom('outbox').select(['to_address', 'subject']).where('subject', '=', 'Minutes of “Steering group”').execute();
    assert.equal(mail.length, 2);
    const boPage = await boC.get(`/meetings/${meetingId}`);
    assert.match(boPage.body, /<strong>budget<\/strong>/);
    assert.doesNotMatch(boPage.body, /<script>alert|href="javascript|<img[^>]*onerror/);
    assert.equal((await cyC.get(`/meetings/${meetingId}`)).statusCode, 404, 'non-invitees never see minutes');
    const again = await f.admin.submit(`/meetings/${meetingId}/minutes/publish`, {}, `/meetings/${meetingId}/minutes`);
    assert.match((await f.admin.get(again.headers.location!)).body, /already published/);
  });

  it('asks those the attendance sheet ticks: before it is saved, who pressed Join or said yes; once saved, only those ticked', async () => {
    await heldMeeting(); // Amy pressed Join without answering; Bo said yes.
    await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'save', body: 'Notes' }, `/meetings/${meetingId}/minutes`);
    const send = () => f.admin.submit(`/meetings/${meetingId}/minutes/review`, { 'until-day': '3', 'until-month': '7', 'until-year': '2026', untilTime: '17:00' }, `/meetings/${meetingId}/minutes`);
    assert.equal((await send()).statusCode, 302);
    assert.deepEqual((await db().selectFrom('meeting_minutes_reviewers').select('person_id').orderBy('person_id').execute()).map((r) => r.person_id), [amy.personId, bo.personId].sort((a, b) => a - b), 'Join and yes, as the sheet prefills');
    // Saved with nobody ticked: Bo's "yes" no longer counts, so nobody is asked and the draft stays with the organisers.
    await f.admin.submit(`/meetings/${meetingId}/attendance`, {}, `/meetings/${meetingId}/attendance`);
    const none = await send();
    assert.equal(none.statusCode, 400);
    assert.deepEqual(errorSummary(none.body), [['Nobody is ticked as attended on the attendance page, so there is nobody to send the draft to. Record the attendance first', '#until-day']]);
    assert.equal((await db().selectFrom('meeting_minutes_reviewers').select('person_id').execute()).length, 2, 'the earlier request stands, nothing changed');
    // Both approve; the attendance is corrected to Amy alone and the draft sent again: only Amy's approval stands.
    for (const who of [amy, bo]) assert.equal((await (await f.signInAs(who.personId)).submit(`/meetings/${meetingId}/minutes/approve`, {}, `/meetings/${meetingId}`)).statusCode, 302);
    await f.admin.submit(`/meetings/${meetingId}/attendance`, { attended: String(amy.personId) }, `/meetings/${meetingId}/attendance`);
    assert.equal((await send()).statusCode, 302);
    assert.deepEqual((await db().selectFrom('meeting_minutes_approvals').select('person_id').execute()).map((r) => r.person_id), [amy.personId]);
    assert.match(mainText((await f.admin.get(`/meetings/${meetingId}/minutes`)).body), /Approved by 1: Amy Archer\./);
  });

  it('publishes once, telling each person once, when Publish is pressed several times at once', async () => {
    await heldMeeting();
    await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'save', body: 'Notes' }, `/meetings/${meetingId}/minutes`);
    const organiser = { id: f.admin.personId, role: 'admin' as const };
    const results = await Promise.all([1, 2, 3].map(() => publishMinutes(db(), organiser, f.programmeId, meetingId, ctx())));
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, false, true]);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason)), ['published', 'published']);
    assert.deepEqual((await notes('meetings.minutes')).map((n) => n.person_id), [amy.personId, bo.personId].sort((a, b) => a - b));
  });

  it('keeps decisions and actions, shows owners their own actions, and lists overdue ones for organisers', async () => {
    const { amyC, boC } = await heldMeeting();
    assert.equal((await f.admin.submit(`/meetings/${meetingId}/decisions`, { decision: 'Adopt the plan', agendaItem: '2' }, `/meetings/${meetingId}/minutes`)).statusCode, 302);
    const noItem = await f.admin.submit(`/meetings/${meetingId}/decisions`, { decision: 'X', agendaItem: '9' }, `/meetings/${meetingId}/minutes`);
    assert.deepEqual(errorSummary(noItem.body), [['Choose an agenda item from the list, or none', '#agendaItem']]);
    const added = await addAction(); assert.equal(added.statusCode, 302, errorSummary(added.body).join());
    assert.equal((await addAction({ what: 'Book the room', owner: String(bo.personId), 'due-day': '20', 'due-month': '6' })).statusCode, 302, 'due before the meeting: overdue at once');
    const notInvitee = await addAction({ owner: String(cy.personId) });
    assert.equal(notInvitee.statusCode, 400);
    assert.deepEqual(errorSummary(notInvitee.body), [['Choose someone invited to the meeting', '#owner']]);
    const missing = await addAction({ what: '', owner: '', 'due-day': '31', 'due-month': '2' });
    assert.deepEqual(errorSummary(missing.body), [['Enter what is to be done', '#what'], ['Choose who will do it', '#owner'], ['Enter a real due date, for example 21 6 2027', '#due-day']]);
    const minutes = mainText((await f.admin.get(`/meetings/${meetingId}/minutes`)).body);
    assert.match(minutes, /Adopt the plan \(agenda item 2: Budget\)/);
    assert.match(minutes, /Book the room Bo Baker 20 June 2026 Overdue/);
    assert.match(minutes, /Send the budget Amy Archer 10 July 2026 Open/);
    // Your actions: only her own.
    const mine = mainText((await amyC.get('/my/actions')).body);
    assert.match(mine, /Send the budget Steering group 10 July 2026 Open/);
    assert.doesNotMatch(mine, /Book the room/);
    const [send, book] = await db().selectFrom('meeting_actions').select(['id', 'what']).orderBy('id').execute();
    assert.equal((await boC.submit(`/my/actions/${send!.id}`, { status: 'done' }, '/my/actions')).statusCode, 404, 'someone else’s action');
    assert.equal((await db().selectFrom('meeting_actions').select('status').where('id', '=', send!.id).executeTakeFirstOrThrow()).status, 'open');
    assert.match(mainText((await boC.get('/my/actions')).body), /Book the room Steering group 20 June 2026 Overdue/);
    // Overdue: the admin sees Bo's; a facilitator who leads nothing cannot ask.
    const overdue = mainText((await f.admin.get('/meetings/actions/overdue')).body);
    assert.match(overdue, /1 overdue Action Who Due Meeting Book the room Bo Baker 20 June 2026 Steering group/);
    const facilitator = await f.t.signedIn('facilitator');
    assert.equal((await facilitator.get('/meetings/actions/overdue')).statusCode, 403);
    // Bo marks it done: off the overdue list; reopens it: back.
    const done = await boC.submit(`/my/actions/${book!.id}`, { status: 'done' }, '/my/actions');
    assert.match(mainText((await boC.get(done.headers.location!)).body), /Action marked as done\..*Book the room Steering group 20 June 2026 Done Reopen/);
    assert.match(mainText((await f.admin.get('/meetings/actions/overdue')).body), /No actions are overdue/);
    await boC.submit(`/my/actions/${book!.id}`, { status: 'open' }, '/my/actions');
    assert.match(mainText((await f.admin.get('/meetings/actions/overdue')).body), /Book the room/);
    // Published minutes show decisions and actions with their owners.
    await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'save', body: 'Notes' }, `/meetings/${meetingId}/minutes`);
    await f.admin.submit(`/meetings/${meetingId}/minutes/publish`, {}, `/meetings/${meetingId}/minutes`);
    const seen = mainText((await boC.get(`/meetings/${meetingId}`)).body);
    assert.match(seen, /Decisions Adopt the plan \(agenda item 2: Budget\)/);
    assert.match(seen, /Send the budget Amy Archer 10 July 2026 Open/);
    // Removing a decision and an action: organisers have the button, invitees do not.
    const d = await db().selectFrom('meeting_decisions').select('id').executeTakeFirstOrThrow();
    const removeButton = new RegExp(`action="/meetings/${meetingId}/decisions/${d.id}/delete"`);
    assert.match((await f.admin.get(`/meetings/${meetingId}/minutes`)).body, removeButton);
    assert.doesNotMatch((await boC.get(`/meetings/${meetingId}`)).body, removeButton);
    assert.equal((await f.admin.submit(`/meetings/${meetingId}/decisions/${d.id}/delete`, {}, `/meetings/${meetingId}/minutes`)).statusCode, 302);
    assert.equal((await f.admin.submit(`/meetings/${meetingId}/actions/${book!.id}/delete`, {}, `/meetings/${meetingId}/minutes`)).statusCode, 302);
    assert.equal((await db().selectFrom('meeting_actions').select('id').execute()).length, 1);
    assert.equal((await f.admin.submit(`/meetings/${meetingId}/actions/${book!.id}/delete`, {}, `/meetings/${meetingId}/minutes`)).statusCode, 404);
  });

  it('lists for a lead only the overdue actions of the meetings they manage', async () => {
    const projectId = f.projects[0]!.id;
    await assign(db(), f.admin.personId, { projectId, subgroupId: null }, [amy.personId], f.t.clock);
    const lead = await f.t.signedIn('facilitator');
    assert.ok((await makeLead(db(), { kind: 'project', id: projectId }, lead.personId, f.t.clock)).ok);
    const theirs = await scheduleMeeting(db(), { id: lead.personId, role: 'facilitator' }, f.programmeId, {
      title: 'Project meeting', purpose: 'Plan', startsAt: '2026-07-01T12:00:00Z', endsAt: '2026-07-01T13:00:00Z', joinUrl: 'https://meet.example.org/p', joiningNotes: '', capacity: null, agenda: [], audience: [{ kind: 'project', id: projectId }], publish: true,
    }, f.t.clock);
    assert.ok(theirs.ok);
    await heldMeeting();
    f.t.clock.set('2026-07-01T14:00:00Z');
    const leadC = Object.assign(await f.signInAs(lead.personId), { personId: lead.personId });
    f.admin = Object.assign(await f.signInAs(f.admin.personId), { personId: f.admin.personId });
    const mine = await leadC.submit(`/meetings/${theirs.id}/actions`, { what: 'Project task', owner: String(amy.personId), 'due-day': '30', 'due-month': '6', 'due-year': '2026' }, `/meetings/${theirs.id}/minutes`);
    assert.equal(mine.statusCode, 302, errorSummary(mine.body).join());
    assert.equal((await addAction({ what: 'Admin task', owner: String(bo.personId), 'due-day': '29', 'due-month': '6' })).statusCode, 302);
    assert.equal((await leadC.get(`/meetings/${meetingId}/minutes`)).statusCode, 404, 'the admin’s meeting is not the lead’s to manage');
    const leadList = mainText((await leadC.get('/meetings/actions/overdue')).body);
    assert.match(leadList, /1 overdue.*Project task Amy Archer 30 June 2026 Project meeting/);
    assert.doesNotMatch(leadList, /Admin task/);
    assert.match(mainText((await f.admin.get('/meetings/actions/overdue')).body), /2 overdue.*Admin task.*Project task/);
    // A cancelled meeting has no attendance, minutes or actions to record.
    await scheduleMeeting(db(), { id: f.admin.personId, role: 'admin' }, f.programmeId, { title: 'Called off', purpose: 'x', startsAt: '2026-07-02T12:00:00Z', endsAt: '2026-07-02T13:00:00Z', joinUrl: 'https://meet.example.org/c', joiningNotes: '', capacity: null, agenda: [], audience: [{ kind: 'person', id: amy.personId }], publish: true }, f.t.clock);
    const called = (await db().selectFrom('meetings').select('id').where('title', '=', 'Called off').executeTakeFirstOrThrow()).id;
    assert.ok((await cancel(db(), { id: f.admin.personId, role: 'admin' }, f.programmeId, called, ctx())).ok);
    f.t.clock.set('2026-07-02T14:00:00Z');
    f.admin = Object.assign(await f.signInAs(f.admin.personId), { personId: f.admin.personId });
    const refused = await f.admin.get(`/meetings/${called}/attendance`);
    assert.equal(refused.statusCode, 302);
    assert.match((await f.admin.get(refused.headers.location!)).body, /This meeting was cancelled, so it has no attendance, minutes or actions/);
  });

  it('reminds an action’s owner at 9am London time the day before it is due, moved with the due date and gone when done', async () => {
    await heldMeeting();
    await addAction();
    const action = await db().selectFrom('meeting_actions').select('id').executeTakeFirstOrThrow();
    assert.equal(reminderAt('2026-07-10')?.toISOString(), '2026-07-09T08:00:00.000Z', '9am BST');
    assert.equal(reminderAt('2026-12-10')?.toISOString(), '2026-12-09T09:00:00.000Z', '9am GMT');
    let [job] = await jobs();
    assert.equal(new Date(job!.run_at).toISOString(), '2026-07-09T08:00:00.000Z');
    // Changing the due date moves the one job.
    const changed = await f.admin.submit(`/meetings/${meetingId}/actions/${action.id}`, { what: 'Send the budget', owner: String(amy.personId), 'due-day': '15', 'due-month': '7', 'due-year': '2026', status: 'open', note: 'By email' }, `/meetings/${meetingId}/actions/${action.id}`);
    assert.equal(changed.statusCode, 302);
    const all = await jobs();
    assert.equal(all.length, 1);
    assert.equal(new Date(all[0]!.run_at).toISOString(), '2026-07-14T08:00:00.000Z');
    // Nothing runs before its time; at its time, Amy is told once (a second run sends nothing).
    f.t.clock.set('2026-07-14T07:59:00Z');
    assert.equal((await runDueJobs(db(), f.t.clock, handlers())).ran, 0);
    f.t.clock.set('2026-07-14T08:00:00Z');
    assert.equal((await runDueJobs(db(), f.t.clock, handlers())).ran, 1);
    assert.deepEqual((await notes('meetings.action-due')).map((n) => n.person_id), [amy.personId]);
    await handlers()['meetings.action-due']!({ actionId: action.id }, { id: 0, kind: 'meetings.action-due', key: null, attempt: 1, runAt: '', db: db(), clock: f.t.clock });
    assert.equal((await notes('meetings.action-due')).length, 1, 'a job run twice reminds once');
    // Done: the reminder goes; reopened with a later date: it comes back.
    f.t.clock.set(afterMeeting);
    await f.admin.submit(`/meetings/${meetingId}/actions/${action.id}`, { what: 'Send the budget', owner: String(amy.personId), 'due-day': '20', 'due-month': '7', 'due-year': '2026', status: 'open', note: '' }, `/meetings/${meetingId}/actions/${action.id}`);
    assert.equal((await jobs()).length, 1);
    const amyC = await f.signInAs(amy.personId);
    await amyC.submit(`/my/actions/${action.id}`, { status: 'done' }, '/my/actions');
    assert.deepEqual(await jobs(), [], 'none for a done action');
    await amyC.submit(`/my/actions/${action.id}`, { status: 'open' }, '/my/actions');
    [job] = await jobs();
    assert.equal(new Date(job!.run_at).toISOString(), '2026-07-19T08:00:00.000Z');
    // Withdrawing stops the reminders of the open actions they own; the action stays.
    await inTransaction(db(), (tx) => afterPart.onWithdraw!(tx, amy.personId, f.t.clock));
    assert.deepEqual(await jobs(), []);
    await amyC.submit(`/my/actions/${action.id}`, { status: 'done' }, '/my/actions');
    await amyC.submit(`/my/actions/${action.id}`, { status: 'open' }, '/my/actions');
    assert.equal((await jobs()).length, 1);
    // Removing the action removes its reminder.
    await f.admin.submit(`/meetings/${meetingId}/actions/${action.id}/delete`, {}, `/meetings/${meetingId}/minutes`);
    assert.deepEqual(await jobs(), []);
  });

  it('sends no reminder from a run that the due date has overtaken: moved later while it waited, or run on the day itself', async () => {
    await heldMeeting();
    await addAction();
    const action = await db().selectFrom('meeting_actions').select('id').executeTakeFirstOrThrow();
    const run = () => handlers()['meetings.action-due']!({ actionId: action.id }, { id: 0, kind: 'meetings.action-due', key: null, attempt: 1, runAt: '', db: db(), clock: f.t.clock });
    // A run already under way when the organiser moved the due date to 30 July reads the new date: not tomorrow, so nothing.
    await db().updateTable('meeting_actions').set({ due_date: '2026-07-30' }).where('id', '=', action.id).execute();
    f.t.clock.set('2026-07-09T08:00:00Z');
    await run();
    assert.equal((await notes('meetings.action-due')).length, 0, 'not "due tomorrow" three weeks early');
    // A run so late that the due date has come: "due tomorrow" would be wrong (it is on the overdue list instead).
    f.t.clock.set('2026-07-30T10:00:00Z');
    await run();
    assert.equal((await notes('meetings.action-due')).length, 0, 'not on the day itself');
    // At its time, it reminds.
    f.t.clock.set('2026-07-29T08:00:00Z');
    await run();
    assert.deepEqual((await notes('meetings.action-due')).map((n) => n.person_id), [amy.personId]);
  });

  it('reminds at once an action due tomorrow that is added after 9am today, and never one due today', async () => {
    await heldMeeting(); // 1 July 2026, 12:00 in London
    await addAction({ 'due-day': '2', 'due-month': '7', 'due-year': '2026' });
    await addAction({ what: 'Book the room', 'due-day': '1', 'due-month': '7', 'due-year': '2026' });
    const [job, ...others] = await jobs();
    assert.equal(others.length, 0, 'none for the action due today');
    assert.equal(new Date(job!.run_at).toISOString(), new Date(afterMeeting).toISOString(), 'due tomorrow: now, as 9am has passed');
    assert.equal((await runDueJobs(db(), f.t.clock, handlers())).ran, 1);
    const mail = await db().selectFrom('outbox').select(['subject']).where('to_address', '=', amy.email).where('subject', 'like', '%due tomorrow%').execute();
    assert.deepEqual(mail.map((m) => m.subject), ['Your action from “Steering group” is due tomorrow']);
  });

  it('refuses by name a due date or closing date in a year London time cannot place, never a 500', async () => {
    await heldMeeting();
    for (const year of ['0100', '1500', '1846', '2101', '9999']) {
      const res = await addAction({ 'due-year': year });
      assert.equal(res.statusCode, 400, year);
      assert.deepEqual(errorSummary(res.body), [['Enter a due date in the years 2000 to 2100', '#due-day']], year);
      assert.match(res.body, new RegExp(`name="due-year"[^>]*value="${year}"`), 'what was typed is kept');
    }
    assert.equal((await db().selectFrom('meeting_actions').select('id').execute()).length, 0, 'nothing saved');
    assert.equal(reminderAt('1500-06-01'), null, 'a date London time cannot place has no reminder');
    await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'save', body: 'Notes' }, `/meetings/${meetingId}/minutes`);
    const review = await f.admin.submit(`/meetings/${meetingId}/minutes/review`, { 'until-day': '1', 'until-month': '7', 'until-year': '1500', untilTime: '09:00' }, `/meetings/${meetingId}/minutes`);
    assert.equal(review.statusCode, 400);
    assert.deepEqual(errorSummary(review.body), [['Enter a date comments close in the years 2000 to 2100', '#until-day']]);
    assert.equal((await db().selectFrom('meeting_minutes').select('status').executeTakeFirstOrThrow()).status, 'draft');
  });

  it('exports invitees, their answers and attendance as CSV and XLSX', async () => {
    await heldMeeting();
    await f.admin.submit(`/meetings/${meetingId}/attendance`, { attended: String(amy.personId) }, `/meetings/${meetingId}/attendance`);
    const csv = await f.admin.get(`/meetings/${meetingId}/export.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.equal(csv.headers['content-disposition'], `attachment; filename="meeting-${meetingId}-attendance-2026-07-01.csv"`);
    const rows = parseCsv(csv.body.replace(/^\uFEFF/, ''));
    assert.deepEqual(rows, [
      ['Name', 'Email', 'Answer', 'Place', 'Place on the waiting list', 'First joined (UK time)', 'Attended'],
      ['Amy Archer', amy.email, 'No answer', '', '', '1 July 2026 10:15', 'Yes'],
      ['Bo Baker', bo.email, 'Yes', 'Has a place', '', '', 'No'],
    ]);
    const xlsx = await f.admin.get(`/meetings/${meetingId}/export.xlsx`);
    assert.equal(xlsx.statusCode, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Attendance')!;
    const cells: string[][] = [];
    sheet.eachRow((row) => cells.push(Array.from((row.values as unknown[]).slice(1), (v) => (v === null || v === undefined ? '' : String(v)))));
    assert.deepEqual(cells.map((r) => [...r, ...Array(7 - r.length).fill('')]), rows);
    // Each download is in the audit log: who took the list of names and addresses, of which meeting.
    const audit = await db().selectFrom('audit_events').select(['actor_id', 'action', 'record_id']).where('action', 'like', 'meeting.export.%').orderBy('id').execute();
    assert.deepEqual(audit.map((a) => ({ ...a })), [
      { actor_id: f.admin.personId, action: 'meeting.export.csv', record_id: String(meetingId) },
      { actor_id: f.admin.personId, action: 'meeting.export.xlsx', record_id: String(meetingId) },
    ]);
  });

  it('exports each waiting person’s place in the queue, 1 next, whatever gaps the stored positions have', async () => {
    await heldMeeting();
    // Places freed earlier left gaps: Bo is at stored position 9 and Amy at 5, so Amy is next, then Bo.
    await db().updateTable('meeting_responses').set({ response: 'yes', place: 'waiting', waiting_position: 9 }).where('meeting_id', '=', meetingId).where('person_id', '=', bo.personId).execute();
    await db().updateTable('meeting_responses').set({ response: 'yes', place: 'waiting', waiting_position: 5 }).where('meeting_id', '=', meetingId).where('person_id', '=', amy.personId).execute();
    const rows = parseCsv((await f.admin.get(`/meetings/${meetingId}/export.csv`)).body.replace(/^\uFEFF/, ''));
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[3], r[4]]), [['Amy Archer', 'Waiting list', '1'], ['Bo Baker', 'Waiting list', '2']]);
  });

  it('exports and erases a person’s records, keeping their actions without an owner', async () => {
    const { amyC } = await heldMeeting();
    await f.admin.submit(`/meetings/${meetingId}/attendance`, { attended: String(amy.personId) }, `/meetings/${meetingId}/attendance`);
    await f.admin.submit(`/meetings/${meetingId}/minutes`, { action: 'save', body: 'Notes' }, `/meetings/${meetingId}/minutes`);
    await f.admin.submit(`/meetings/${meetingId}/minutes/review`, { 'until-day': '3', 'until-month': '7', 'until-year': '2026', untilTime: '17:00' }, `/meetings/${meetingId}/minutes`);
    await amyC.submit(`/meetings/${meetingId}/minutes/comments`, { comment: 'Fine by me' }, `/meetings/${meetingId}`);
    await amyC.submit(`/meetings/${meetingId}/minutes/approve`, {}, `/meetings/${meetingId}`);
    await addAction();
    const data = afterPart.personalData!;
    const out = await data.exportPerson(db(), amy.personId);
    assert.deepEqual(out.meeting_attendance!.map((r) => [r.meeting_id, r.attended]), [[meetingId, 1]]);
    assert.deepEqual(out.meeting_minutes_comments!.map((r) => r.body), ['Fine by me']);
    assert.equal(out.meeting_minutes_approvals!.length, 1);
    assert.deepEqual(out.meeting_actions_owned!.map((r) => r.what), ['Send the budget']);
    assert.equal((await jobs()).length, 1);
    await inTransaction(db(), (tx) => data.erasePerson(tx, amy.personId, f.t.clock));
    const after = await data.exportPerson(db(), amy.personId);
    for (const [table, rows] of Object.entries(after)) assert.deepEqual(rows, [], table);
    assert.deepEqual(await jobs(), [], 'the reminder of an action they owned is gone');
    const kept = await db().selectFrom('meeting_actions').select(['what', 'owner_id']).execute();
    assert.deepEqual(kept.map((r) => ({ ...r })), [{ what: 'Send the budget', owner_id: null }]);
    assert.match(mainText((await f.admin.get(`/meetings/${meetingId}/minutes`)).body), /Send the budget \(owner removed\)/);
    // What the organiser's name is on is in their export, and comes off when they are erased.
    const organiser = await data.exportPerson(db(), f.admin.personId);
    assert.deepEqual(organiser.meeting_attendance_recorded!.map((r) => r.meeting_id), [meetingId]);
    assert.deepEqual(organiser.meeting_minutes_last_saved!.map((r) => r.meeting_id), [meetingId]);
    assert.deepEqual(organiser.meeting_actions_set!.map((r) => r.what), ['Send the budget']);
    await inTransaction(db(), (tx) => data.erasePerson(tx, f.admin.personId, f.t.clock));
    assert.deepEqual((await db().selectFrom('meeting_attendance').select('recorded_by').execute()).map((r) => r.recorded_by), [null]);
    for (const [table, rows] of Object.entries(await data.exportPerson(db(), f.admin.personId))) assert.deepEqual(rows, [], table);
  });

  it('seeds the demo records of a past meeting: attendance, published minutes, two decisions, three actions', async () => {
    const { boC } = await heldMeeting();
    f.t.clock.set('2026-07-11T09:00:00Z');
    assert.equal(await seedDemoMeetingRecords(db(), f.t.clock, meetingId, f.admin.personId), 3);
    f.admin = Object.assign(await f.signInAs(f.admin.personId), { personId: f.admin.personId });
    const seen = mainText((await (await f.signInAs(bo.personId)).get(`/meetings/${meetingId}`)).body);
    assert.match(seen, /Minutes The programme team welcomed everyone/);
    assert.match(seen, /Decisions Meetings are held online.*\(agenda item 2: Budget\) Each project reports back/);
    assert.match(seen, /Send everyone the slides and the recording Amy Archer 8 July 2026 Overdue/);
    assert.match(seen, /Set up the sub-groups’ first meetings All three booked\. Bo Baker 6 July 2026 Done/);
    assert.match(mainText((await f.admin.get('/meetings/actions/overdue')).body), /1 overdue.*Send everyone the slides/);
    assert.equal((await jobs()).length, 1, 'a reminder for the open action not yet due');
    assert.equal((await db().selectFrom('meeting_attendance').select('person_id').where('attended', '=', 1).execute()).length, 2);
    assert.equal((await notes('meetings.minutes')).length, 0, 'the demo tells nobody');
    void boC;
  });

  it('answers a hostile address or body with a 4xx, never a 500', async () => {
    const { amyC } = await heldMeeting();
    for (const url of ['/meetings/abc/attendance', '/meetings/0/minutes', '/meetings/99999999999/export.csv', `/meetings/${meetingId}/actions/abc`, `/meetings/${meetingId}/actions/99999`, '/meetings/-1/export.xlsx']) {
      const res = await f.admin.get(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
    }
    const token = await f.admin.csrfToken(`/meetings/${meetingId}/minutes`);
    const posts: [string, Record<string, string | string[]>][] = [
      [`/meetings/${meetingId}/attendance`, { attended: [['x'] as unknown as string, '1e9', '-1'].flat() }],
      [`/meetings/${meetingId}/minutes`, { body: ['a', 'b'] }],
      [`/meetings/${meetingId}/minutes`, { body: 'x'.repeat(30_000) }],
      [`/meetings/${meetingId}/minutes/review`, { 'until-day': ['1', '2'], untilTime: ['x', 'y'] }],
      [`/meetings/${meetingId}/decisions`, { decision: ['a', 'b'], agendaItem: ['1', '2'] }],
      [`/meetings/${meetingId}/actions`, { what: 'x', owner: '99999999999', 'due-day': '99', 'due-month': '99', 'due-year': '99999' }],
      [`/meetings/${meetingId}/actions/1`, { status: ['open', 'done'] }],
      [`/meetings/${meetingId}/decisions/abc/delete`, {}],
    ];
    for (const [url, body] of posts) {
      const res = await f.admin.post(url, body, token);
      assert.ok(res.statusCode < 500 && res.statusCode !== 200 || res.statusCode === 200, `${url}: ${res.statusCode}`);
      assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
    }
    const long = await f.admin.post(`/meetings/${meetingId}/minutes`, { body: 'x'.repeat(30_000) }, token);
    assert.equal(long.statusCode, 400);
    assert.deepEqual(errorSummary(long.body), [['The minutes must be 20000 characters or fewer', '#body']]);
    const mine = await amyC.csrfToken('/my/actions');
    for (const body of [{ status: 'maybe' }, { status: ['done', 'open'] }, {}] as Record<string, string | string[]>[]) {
      const res = await amyC.post('/my/actions/1', body, mine);
      assert.ok(res.statusCode === 302 || res.statusCode === 404, String(res.statusCode));
    }
    assert.equal((await amyC.post('/my/actions/abc', { status: 'done' }, mine)).statusCode, 404);
    assert.equal((await page(amyC, '/my/actions')).statusCode, 200);
  });
});
