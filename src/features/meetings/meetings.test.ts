// Meetings, over HTTP and through the service, on both engines: London time across the clock
// changes, bad input saving nothing, who sees what (drafts, non-invitees, the join link's window),
// leads scheduling only for their groups, answers with places and the waiting list (under a race),
// moving and cancelling telling invitees, and a cancelled meeting staying as it is.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { TestClient } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { makeLead } from '../../platform/audience/access.ts';
import { assign, createSubgroup } from '../participants/service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { cancel, meetingJobHandlers, rsvp } from './service.ts';
import { runDueJobs } from '../../platform/jobs/runner.ts';
import { meetingsPersonalData } from './personal-data.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { meetingFormBody, type FormBody } from './test-support.ts';
import { calendarJobHandlers } from './calendar/part.ts';

describe(`meetings on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  const db = () => f.t.data.db;
  const ctx = () => ({ clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const meetings = () => db().selectFrom('meetings').selectAll().orderBy('id').execute();
  const outbox = () => db().selectFrom('outbox').select(['to_address', 'subject', 'text_body']).orderBy('id').execute();
  const form = (over: FormBody = {}) => meetingFormBody([amy.email, bo.email], { agenda1Lead: 'Amy Archer', agenda1Minutes: '10', agenda3Title: 'Next steps', ...over });
  const schedule = (client: TestClient, over: Record<string, string | string[]> = {}) => client.submit('/meetings/new', form(over), '/meetings/new');
  const lastMeeting = async () => (await meetings()).at(-1)!;

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
  });
  afterEach(() => f.t.close());

  it('stores London times in UTC across the clock changes, and shows them in UK time', async () => {
    const summer = await schedule(f.admin);
    assert.equal(summer.statusCode, 302, errorSummary(summer.body).join());
    const s = await lastMeeting();
    assert.equal(new Date(s.starts_at).toISOString(), '2026-07-01T09:00:00.000Z');
    assert.equal(new Date(s.ends_at).toISOString(), '2026-07-01T10:30:00.000Z');
    assert.equal(summer.headers.location, `/meetings/${s.id}`);
    await schedule(f.admin, { 'date-day': '1', 'date-month': '12' });
    const w = await lastMeeting();
    assert.equal(new Date(w.starts_at).toISOString(), '2026-12-01T10:00:00.000Z');
    const page = await (await f.signInAs(amy.personId)).get(`/meetings/${s.id}`);
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /Wednesday 1 July 2026, 10:00am to 11:30am \(UK time\)/);
    assert.match(text, /Welcome \(led by Amy Archer\), 10 minutes/);
    assert.match(text, /Next steps/);
    assert.match(page.body, /<strong>plan<\/strong>/);
    const agenda = await db().selectFrom('meeting_agenda_items').select(['position', 'title']).where('meeting_id', '=', s.id).orderBy('position').execute();
    assert.deepEqual(agenda.map((a) => ({ ...a })), [{ position: 1, title: 'Welcome' }, { position: 2, title: 'Next steps' }], 'blank rows are ignored, the order kept');
  });

  it('refuses the skipped and repeated hours, end before start, the past, a link that is not https and a bad capacity, saving nothing', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ 'date-day': '29', 'date-month': '3', startTime: '01:30', endTime: '03:00' }, '#startTime', 'The start time 01:30 on that day does not exist in the UK: the clocks go forward from 1am to 2am that night. Choose another time'],
      [{ 'date-day': '25', 'date-month': '10', startTime: '01:15', endTime: '03:00' }, '#startTime', 'The start time 01:15 on that day happens twice in the UK: the clocks go back from 2am to 1am that night. Choose a time outside 1am to 2am'],
      [{ startTime: '11:00', endTime: '10:00' }, '#endTime', 'The end time must be after the start time'],
      [{ 'date-day': '1', 'date-month': '3' }, '#date-day', 'The meeting must start in the future'],
      [{ 'date-day': '31', 'date-month': '2' }, '#date-day', 'Enter a real date, for example 21 6 2027'],
      [{ joinUrl: 'http://teams.example.org/x' }, '#joinUrl', 'Enter the link to join as a full web address starting https://, for example https://teams.microsoft.com/...'],
      [{ joinUrl: 'javascript:alert(1)' }, '#joinUrl', 'Enter the link to join as a full web address starting https://, for example https://teams.microsoft.com/...'],
      [{ capacity: '0' }, '#capacity', 'Enter at least 1 place, or leave it blank for no limit'],
      [{ capacity: 'ten' }, '#capacity', 'Enter the number of places as a whole number, or leave it blank for no limit'],
      [{ startTime: '25:00' }, '#startTime', 'Enter the start time in the 24-hour clock, for example 14:30'],
      [{ agenda2Lead: 'Bo' }, '#agenda2Title', 'Enter agenda item 2, or clear its other boxes'],
    ];
    for (const [over, href, text] of cases) {
      const res = await schedule(f.admin, over);
      assert.equal(res.statusCode, 400, `${JSON.stringify(over)}: ${res.statusCode}`);
      assert.deepEqual(errorSummary(res.body), [[text, href]], JSON.stringify(over));
    }
    const junk = await f.admin.submit('/meetings/new', { action: 'publish', title: ['a', 'b'], startTime: ['x'] }, '/meetings/new');
    assert.equal(junk.statusCode, 400);
    assert.equal((await meetings()).length, 0);
    // The spring change's 02:30 exists (BST): 01:30Z; the autumn's 02:00 is after it (GMT).
    assert.equal((await schedule(f.admin, { 'date-day': '29', 'date-month': '3', startTime: '02:30', endTime: '03:00' })).statusCode, 302);
    assert.equal(new Date((await lastMeeting()).starts_at).toISOString(), '2026-03-29T01:30:00.000Z');
  });

  it('shows drafts only to organisers, the page only to invitees, and the join link only from 30 minutes before until the end', async () => {
    await schedule(f.admin, { action: 'draft' });
    const m = await lastMeeting();
    assert.equal(m.status, 'draft');
    let amyC = await f.signInAs(amy.personId);
    const cyC = await f.signInAs(cy.personId);
    assert.equal((await amyC.get(`/meetings/${m.id}`)).statusCode, 404, 'a draft is not shown to invitees');
    assert.doesNotMatch((await amyC.get('/my/meetings')).body, /Steering group/);
    assert.match((await f.admin.get('/meetings')).body, /Steering group/);
    assert.doesNotMatch((await f.admin.get(`/meetings/${m.id}`)).body, /teams\.example\.org/, 'not even the organiser’s view of the page holds the link before it opens');
    // Publish it from the edit form.
    assert.equal((await f.admin.submit(`/meetings/${m.id}/edit`, form(), `/meetings/${m.id}/edit`)).statusCode, 302);
    assert.equal((await lastMeeting()).status, 'published');
    assert.match((await amyC.get('/my/meetings')).body, /Steering group/);
    assert.match((await amyC.get('/my')).body, /Your next meetings/);
    assert.equal((await cyC.get(`/meetings/${m.id}`)).statusCode, 404, 'a non-invitee gets not found');
    assert.doesNotMatch((await cyC.get('/my/meetings')).body, /Steering group/);
    assert.equal((await cyC.get(`/meetings/${m.id}/join`)).statusCode, 404);

    const link = 'https://teams.example.org/meet/123';
    f.t.clock.set('2026-07-01T08:29:00Z'); // 31 minutes before (signed in again: months have passed)
    amyC = await f.signInAs(amy.personId);
    let page = await amyC.get(`/meetings/${m.id}`);
    assert.doesNotMatch(page.body, /teams\.example\.org/);
    assert.match(mainText(page.body), /The link to join will appear here 30 minutes before the meeting starts/);
    const early = await amyC.get(`/meetings/${m.id}/join`);
    assert.equal(early.headers.location, `/meetings/${m.id}`, 'too early: back to the page');
    f.t.clock.set('2026-07-01T08:30:00Z');
    page = await amyC.get(`/meetings/${m.id}`);
    assert.doesNotMatch(page.body, /teams\.example\.org/, 'the link itself is never in the page: Join goes through the site');
    assert.match(page.body, new RegExp(`href="/meetings/${m.id}/join"`));
    const joined = await amyC.get(`/meetings/${m.id}/join`);
    assert.equal(joined.statusCode, 302);
    assert.equal(joined.headers.location, link);
    const r = await db().selectFrom('meeting_responses').selectAll().where('person_id', '=', amy.personId).executeTakeFirstOrThrow();
    assert.ok(r.first_joined_at, 'the press is recorded');
    f.t.clock.set('2026-07-01T10:30:00Z'); // the end
    amyC = await f.signInAs(amy.personId);
    page = await amyC.get(`/meetings/${m.id}`);
    assert.doesNotMatch(page.body, new RegExp(`/meetings/${m.id}/join`));
    assert.match(mainText(page.body), /This meeting has ended/);
    assert.equal((await amyC.get(`/meetings/${m.id}/join`)).headers.location, `/meetings/${m.id}`);
    assert.match((await amyC.get('/my/meetings')).body, /Past/);
  });

  it('lets a lead schedule only for the groups they lead', async () => {
    const [projectId, otherProjectId] = f.projects.map((p) => p.id) as [number, number];
    const mine = await createSubgroup(db(), f.admin.personId, projectId, { name: 'Delegation', description: '' }, f.t.clock);
    const theirs = await createSubgroup(db(), f.admin.personId, otherProjectId, { name: 'Imaging', description: '' }, f.t.clock);
    if (!mine.ok || !theirs.ok) throw new Error('sub-groups');
    await assign(db(), f.admin.personId, { projectId, subgroupId: mine.id }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: otherProjectId, subgroupId: theirs.id }, [cy.personId], f.t.clock);
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: mine.id }, amy.personId, f.t.clock)).ok);
    const lead = await f.signInAs(amy.personId);
    const refused = await schedule(lead, { audience: 'subgroups', audienceSubgroups: String(theirs.id) });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(errorSummary(refused.body), [['You can schedule meetings only for the projects and sub-groups you lead. Choose one of those', '#audience']]);
    assert.equal((await schedule(lead, { audience: 'programme' })).statusCode, 400, 'a lead is not offered the whole programme');
    assert.equal((await meetings()).length, 0);
    const ok = await schedule(lead, { audience: 'subgroups', audienceSubgroups: String(mine.id) });
    assert.equal(ok.statusCode, 302);
    const m = await lastMeeting();
    assert.match((await lead.get('/meetings')).body, /Steering group/);
    assert.equal((await (await f.signInAs(bo.personId)).get(`/meetings/${m.id}`)).statusCode, 200);
    assert.equal((await (await f.signInAs(cy.personId)).get(`/meetings/${m.id}`)).statusCode, 404);
    // Someone who leads nothing cannot schedule.
    assert.equal((await (await f.signInAs(bo.personId)).get('/meetings/new')).statusCode, 403);
    // An admin's meeting for chosen people is not the lead's to change.
    await schedule(f.admin);
    assert.equal((await lead.get(`/meetings/${(await lastMeeting()).id}/edit`)).statusCode, 404);
  });

  it('gives exactly one person the last place when many answer at once', async () => {
    const people: Someone[] = [];
    for (let i = 0; i < 20; i++) people.push(await f.register(`Racer ${String.fromCharCode(97 + i)}`));
    await schedule(f.admin, { capacity: '1', audiencePeople: people.map((p) => p.email).join('\n') });
    const m = await lastMeeting();
    const results = await Promise.all(people.map((p) => rsvp(db(), { id: p.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx())));
    const places = results.map((r) => (r.ok ? r.place : r.reason));
    assert.equal(places.filter((p) => p === 'attending').length, 1, places.join());
    assert.equal(places.filter((p) => p === 'waiting').length, 19);
    const rows = await db().selectFrom('meeting_responses').select(['place', 'waiting_position']).where('meeting_id', '=', m.id).execute();
    assert.equal(rows.filter((r) => r.place === 'attending').length, 1);
    assert.deepEqual(rows.filter((r) => r.place === 'waiting').map((r) => r.waiting_position).sort((a, b) => a! - b!), Array.from({ length: 19 }, (_, i) => i + 1), 'each waiting position once');
  });

  it('shows the join link from the time the organiser chose before the start, and says so', async () => {
    await schedule(f.admin, { joinOpensMinutes: '10' });
    const m = await lastMeeting();
    assert.equal(m.join_opens_minutes, 10);
    assert.match((await f.admin.get(`/meetings/${m.id}/edit`)).body, /id="joinOpensMinutes" name="joinOpensMinutes" type="text" value="10"/);
    f.t.clock.set('2026-07-01T08:45:00Z'); // 15 minutes before
    const amyC = await f.signInAs(amy.personId);
    assert.match(mainText((await amyC.get(`/meetings/${m.id}`)).body), /The link to join will appear here 10 minutes before the meeting starts/);
    assert.equal((await amyC.get(`/meetings/${m.id}/join`)).headers.location, `/meetings/${m.id}`);
    f.t.clock.set('2026-07-01T08:50:00Z');
    assert.equal((await amyC.get(`/meetings/${m.id}/join`)).headers.location, 'https://teams.example.org/meet/123');
  });

  it('lets only people with a place join a meeting with a limit on places (the waiting list waits)', async () => {
    await schedule(f.admin, { capacity: '1', audiencePeople: [amy.email, bo.email, cy.email].join('\n') });
    const m = await lastMeeting();
    const answer = async (personId: number, response: string) => (await f.signInAs(personId)).submit(`/meetings/${m.id}/rsvp`, { response }, `/meetings/${m.id}`);
    await answer(amy.personId, 'yes');
    await answer(bo.personId, 'yes');
    f.t.clock.set('2026-07-01T08:45:00Z'); // the link is open
    const [amyC, boC, cyC] = [await f.signInAs(amy.personId), await f.signInAs(bo.personId), await f.signInAs(cy.personId)];
    assert.equal((await amyC.get(`/meetings/${m.id}/join`)).headers.location, 'https://teams.example.org/meet/123');
    for (const [c, words] of [[boC, /You are on the waiting list: we will tell you if a place comes up/], [cyC, /Only people with a place can join this meeting\./]] as const) {
      const page = await c.get(`/meetings/${m.id}`);
      assert.doesNotMatch(page.body, new RegExp(`href="/meetings/${m.id}/join"`));
      assert.match(mainText(page.body), words);
      const refused = await c.get(`/meetings/${m.id}/join`);
      assert.equal(refused.headers.location, `/meetings/${m.id}`, 'back to the page, not to the call');
    }
    const joins = await db().selectFrom('meeting_responses').select('person_id').where('meeting_id', '=', m.id).where('first_joined_at', 'is not', null).execute();
    assert.deepEqual(joins.map((r) => r.person_id), [amy.personId], 'a refused press is not recorded as joining');
    // The organiser joins whatever the places.
    assert.equal((await (await f.signInAs(f.admin.personId)).get(`/meetings/${m.id}/join`)).headers.location, 'https://teams.example.org/meet/123');
  });

  it('moves the first on the waiting list up when a place is freed, and tells them', async () => {
    await schedule(f.admin, { capacity: '1', audiencePeople: [amy.email, bo.email, cy.email].join('\n') });
    const m = await lastMeeting();
    const amyC = await f.signInAs(amy.personId);
    const boC = await f.signInAs(bo.personId);
    const cyC = await f.signInAs(cy.personId);
    const answer = (c: TestClient, response: string) => c.submit(`/meetings/${m.id}/rsvp`, { response }, `/meetings/${m.id}`);
    assert.match(mainText((await amyC.get(`/meetings/${m.id}`)).body), /1 of 1 place left/);
    await answer(amyC, 'yes');
    assert.match(mainText((await amyC.get(`/meetings/${m.id}`)).body), /You have a place at this meeting\..*0 of 1 place left/);
    await answer(boC, 'yes');
    await answer(cyC, 'yes');
    let boPage = mainText((await boC.get(`/meetings/${m.id}`)).body);
    assert.match(boPage, /You are number 1 on the waiting list/);
    assert.match(mainText((await cyC.get(`/meetings/${m.id}`)).body), /You are number 2 on the waiting list/);
    assert.match(boPage, /0 of 1 place left\. 2 on the waiting list/);
    const before = (await outbox()).length;
    // A "yes" again keeps the place held; "maybe" gives it up to Bo.
    await answer(amyC, 'yes');
    await answer(amyC, 'maybe');
    boPage = mainText((await boC.get(`/meetings/${m.id}`)).body);
    assert.match(boPage, /You have a place\./);
    assert.match(mainText((await cyC.get(`/meetings/${m.id}`)).body), /You are number 1 on the waiting list/);
    const mail = (await outbox()).slice(before);
    assert.deepEqual(mail.map((x) => [x.to_address, x.subject]), [[bo.email, 'You have a place at “Steering group”']]);
    const note = await db().selectFrom('notifications').select(['kind', 'person_id']).where('kind', '=', 'meetings.place').execute();
    assert.deepEqual(note.map((n) => ({ ...n })), [{ kind: 'meetings.place', person_id: bo.personId }]);
    // Capacity cannot go below those attending (Bo); raising it lets Cy in.
    const low = await f.admin.submit(`/meetings/${m.id}/edit`, form({ capacity: '1', audiencePeople: [amy.email, bo.email, cy.email].join('\n'), title: 'Renamed' }), `/meetings/${m.id}/edit`);
    assert.equal(low.statusCode, 302);
    await answer(amyC, 'yes'); // Amy now waits behind Cy
    assert.match(mainText((await amyC.get(`/meetings/${m.id}`)).body), /You are number 2 on the waiting list/);
    const raised = await f.admin.submit(`/meetings/${m.id}/edit`, form({ capacity: '2', audiencePeople: [amy.email, bo.email, cy.email].join('\n') }), `/meetings/${m.id}/edit`);
    assert.equal(raised.statusCode, 302);
    assert.match(mainText((await cyC.get(`/meetings/${m.id}`)).body), /You have a place\./);
    await answer(amyC, 'no');
    const bad = await amyC.submit(`/meetings/${m.id}/rsvp`, { response: 'perhaps' }, `/meetings/${m.id}`);
    assert.equal(bad.statusCode, 302);
    assert.match((await amyC.get(bad.headers.location!)).body, /Choose whether you are coming/);
  });

  it('refuses capacity below the number attending', async () => {
    await schedule(f.admin, { capacity: '5' });
    const m = await lastMeeting();
    await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx());
    await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx());
    const res = await f.admin.submit(`/meetings/${m.id}/edit`, form({ capacity: '1', title: 'Changed' }), `/meetings/${m.id}/edit`);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['The number of places cannot be fewer than the people who already have one', '#capacity']]);
    assert.equal((await lastMeeting()).title, 'Steering group', 'nothing changed');
  });

  it('tells invitees when a published meeting moves or is cancelled, and refuses to change a cancelled meeting', async () => {
    await schedule(f.admin);
    const m = await lastMeeting();
    // A change that keeps the time is announced too (the calendar part sends what each invitee
    // needs: here their invitations, the invitations job not having run yet).
    await f.admin.submit(`/meetings/${m.id}/edit`, form({ title: 'Steering group' , purpose: 'New purpose' }), `/meetings/${m.id}/edit`);
    const before = (await outbox()).length;
    const moved = await f.admin.submit(`/meetings/${m.id}/edit`, form({ startTime: '14:00', endTime: '15:00' }), `/meetings/${m.id}/edit`);
    assert.equal(moved.statusCode, 302);
    assert.match((await f.admin.get(moved.headers.location!)).body, /We have told 2 invitees about the new time/);
    let mail = (await outbox()).slice(before);
    assert.deepEqual(mail.map((x) => x.to_address).sort(), [amy.email, bo.email].sort());
    assert.match(mail[0]!.text_body, /It is now on Wednesday 1 July 2026, 2:00pm to 3:00pm \(UK time\)/);
    assert.equal((await lastMeeting()).sequence, 2, 'the calendar sequence is raised by the new purpose, then by the move');
    const confirm = await f.admin.get(`/meetings/${m.id}/cancel`);
    assert.match(mainText(confirm.body), /Everyone invited will be told/);
    const cancelled = await f.admin.submit(`/meetings/${m.id}/cancel`, {}, `/meetings/${m.id}/cancel`);
    assert.equal(cancelled.statusCode, 302);
    mail = (await outbox()).slice(before + 2);
    assert.deepEqual(mail.map((x) => x.subject), ['“Steering group” is cancelled', '“Steering group” is cancelled']);
    const after = await lastMeeting();
    assert.equal(after.status, 'cancelled');
    assert.equal(after.sequence, 3);
    const kinds = await db().selectFrom('notifications').select('kind').where('kind', '=', 'meetings.changed').execute();
    assert.equal(kinds.length, 4);
    // Changing it now is refused, and nothing changes.
    const edit = await f.admin.get(`/meetings/${m.id}/edit`);
    assert.equal(edit.statusCode, 302);
    assert.match((await f.admin.get(edit.headers.location!)).body, /This meeting has been cancelled, so it cannot be changed/);
    const post = await f.admin.submit(`/meetings/${m.id}/edit`, form({ title: 'Back again' }), `/meetings/${m.id}`);
    assert.equal(post.statusCode, 302);
    assert.equal((await lastMeeting()).title, 'Steering group');
    const amyC = await f.signInAs(amy.personId);
    const page = await amyC.get(`/meetings/${m.id}`);
    assert.match(mainText(page.body), /This meeting is cancelled/);
    const answer = await amyC.submit(`/meetings/${m.id}/rsvp`, { response: 'yes' }, `/meetings/${m.id}`);
    assert.match((await amyC.get(answer.headers.location!)).body, /cancelled, so your answer was not saved/);
    assert.equal((await db().selectFrom('meeting_responses').select('person_id').execute()).length, 0);
  });

  it('exports a person’s answers and erases them', async () => {
    await schedule(f.admin, { capacity: '3' });
    const m = await lastMeeting();
    await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, m.id, 'maybe', ctx());
    const out = await meetingsPersonalData.exportPerson(db(), amy.personId);
    assert.deepEqual(out.meeting_responses!.map((r) => [r.meeting_id, r.title, r.response]), [[m.id, 'Steering group', 'maybe']]);
    assert.equal((await meetingsPersonalData.exportPerson(db(), f.admin.personId)).meetings_created!.length, 1);
    await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    assert.deepEqual((await meetingsPersonalData.exportPerson(db(), amy.personId)).meeting_responses, []);
  });

  it('gives the place of a person whose answers are erased to the first on the waiting list, by a job', async () => {
    await schedule(f.admin, { capacity: '1' });
    const m = await lastMeeting();
    await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx());
    await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx());
    await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    assert.equal((await runDueJobs(db(), f.t.clock, meetingJobHandlers(ctx()))).ran, 1);
    const bos = await db().selectFrom('meeting_responses').select(['place']).where('person_id', '=', bo.personId).executeTakeFirstOrThrow();
    assert.equal(bos.place, 'attending');
    assert.equal((await db().selectFrom('notifications').select('id').where('kind', '=', 'meetings.place').where('person_id', '=', bo.personId).execute()).length, 1);
  });

  it('refuses to cancel a meeting that has ended, telling nobody', async () => {
    await schedule(f.admin);
    const m = await lastMeeting();
    f.t.clock.set(new Date(Date.parse(m.ends_at) + 60_000));
    const admin = await f.signInAs(f.admin.personId);
    const mails = (await outbox()).length;
    assert.doesNotMatch((await admin.get(`/meetings/${m.id}`)).body, /href="\/meetings\/\d+\/cancel"/, 'no Cancel link on its page');
    const page = await admin.get(`/meetings/${m.id}/cancel`);
    assert.equal(page.statusCode, 302);
    assert.match((await admin.get(page.headers.location!)).body, /This meeting has ended, so it cannot be cancelled/);
    // The page was open before it ended: its form, posted now, is refused too.
    const posted = await admin.submit(`/meetings/${m.id}/cancel`, {}, `/meetings/${m.id}/edit`);
    assert.equal(posted.statusCode, 302);
    assert.match((await admin.get(posted.headers.location!)).body, /This meeting has ended, so it cannot be cancelled/);
    assert.deepEqual(await cancel(db(), { id: f.admin.personId, role: 'admin' }, f.programmeId, m.id, ctx()), { ok: false, reason: 'ended' });
    assert.equal((await lastMeeting()).status, 'published');
    assert.equal((await outbox()).length, mails, 'nobody is told');
  });

  it('tells nobody when a meeting that has ended is put right (its title, who it was for)', async () => {
    await schedule(f.admin);
    const m = await lastMeeting();
    const before = (await outbox()).length;
    await runDueJobs(db(), f.t.clock, calendarJobHandlers({ ...ctx(), mailFrom: f.t.config.mailFrom }));
    assert.equal((await outbox()).length, before + 2, 'Amy and Bo were invited');
    f.t.clock.set(new Date(Date.parse(m.ends_at) + 60_000));
    const admin = await f.signInAs(f.admin.personId);
    const mails = (await outbox()).length;
    const res = await admin.submit(`/meetings/${m.id}/edit`, form({ title: 'Steering group (June)', audiencePeople: amy.email }), `/meetings/${m.id}/edit`);
    assert.equal(res.statusCode, 302, errorSummary(res.body).join());
    assert.equal((await lastMeeting()).title, 'Steering group (June)');
    assert.equal((await outbox()).length, mails, 'no update, and no “no longer invited” to Bo');
  });

  it('moves nobody up at a meeting that has ended when a place there is freed by an erasure', async () => {
    await schedule(f.admin, { capacity: '1' });
    const m = await lastMeeting();
    await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx());
    await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx());
    f.t.clock.set(new Date(Date.parse(m.ends_at) + 86_400_000));
    await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    // The fill-places job runs (with the meeting's reminders, due long since and sent to nobody).
    await runDueJobs(db(), f.t.clock, meetingJobHandlers(ctx()));
    assert.equal((await db().selectFrom('jobs').select('id').where('kind', '=', 'meetings.fill-places').execute()).length, 0, 'the job ran (a finished job is deleted)');
    const bos = await db().selectFrom('meeting_responses').select(['place']).where('person_id', '=', bo.personId).executeTakeFirstOrThrow();
    assert.equal(bos.place, 'waiting', 'a place at a meeting that is over is no use to anyone');
    assert.equal((await db().selectFrom('notifications').select('id').where('kind', '=', 'meetings.place').where('person_id', '=', bo.personId).execute()).length, 0, 'nobody is told of one');
  });

  it('answers a hostile address or body with a 4xx, never a 500', async () => {
    for (const url of ['/meetings/abc', '/meetings/0', '/meetings/99999999999', '/meetings/1/join', '/meetings/-1/edit']) {
      const res = await f.admin.get(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
    }
    await schedule(f.admin);
    const m = await lastMeeting();
    const amyC = await f.signInAs(amy.personId);
    const res = await amyC.submit(`/meetings/${m.id}/rsvp`, { response: ['yes', 'no'] }, `/meetings/${m.id}`);
    assert.equal(res.statusCode, 302);
    assert.equal((await db().selectFrom('meeting_responses').select('person_id').execute()).length, 0, 'two answers at once: nothing saved');
    assert.equal((await amyC.get(`/meetings/${m.id}/edit`)).statusCode, 404, 'an invitee who does not organise it cannot change it: not found');
  });
});
