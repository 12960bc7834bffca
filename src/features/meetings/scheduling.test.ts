// The meetings core beyond a single meeting, on both engines, with the injected clock: publishing
// at a set time (by a job), series (weekly across the clock change, monthly on the same weekday,
// changed or cancelled one by one or for the rest of the series), reminders 24 hours and 1 hour
// before (never to people who said no, moved with the meeting, gone when it is cancelled),
// meetings past midnight, and a withdrawn person dropped from future meetings. Bad input each
// gets its message and saves nothing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { maySee } from '../../platform/audience/access.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { runDueJobs } from '../../platform/jobs/runner.ts';
import { setPreferences } from '../../platform/notify/notify.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { meetingsPersonalData } from './personal-data.ts';
import { seedDemoSeries } from './demo-series.ts';
import { nthDate } from './series.ts';
import { meetingFormBody, type FormBody } from './test-support.ts';
import { calendarJobHandlers } from './calendar/part.ts';
import { withdrawParticipant } from '../registration/service.ts';
import { ask } from './adjustments/service.ts';
import { dropFromFutureMeetings, meetingJobHandlers, rsvp } from './service.ts';

describe(`meetings: publishing, series, reminders on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  const db = () => f.t.data.db;
  const ctx = () => ({ clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const meetings = () => db().selectFrom('meetings').selectAll().orderBy('starts_at').orderBy('id').execute();
  const jobs = (kind: string) => db().selectFrom('jobs').select(['key', 'run_at', 'payload', 'status']).where('kind', '=', kind).where('status', '=', 'pending').orderBy('run_at').execute();
  const reminders = () => db().selectFrom('notifications').select(['person_id', 'delivery', 'item_id']).where('kind', '=', 'meetings.reminder').orderBy('id').execute();
  const run = () => runDueJobs(db(), f.t.clock, meetingJobHandlers(ctx()));
  const iso = (s: string) => new Date(s).toISOString();
  const form = (over: FormBody = {}) => meetingFormBody([amy.email, bo.email, cy.email], { action: 'save', publishWhen: 'now', purpose: 'Agree the plan.', joiningNotes: '', ...over });
  const schedule = (over: Record<string, string | string[]> = {}) => f.admin.submit('/meetings/new', form(over), '/meetings/new');
  const edit = (id: number, over: Record<string, string | string[]> = {}) => f.admin.submit(`/meetings/${id}/edit`, form(over), `/meetings/${id}/edit`);
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, errorSummary(res.body).join(' | '));

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
  });
  afterEach(() => f.t.close());

  describe('publishing at a set time', () => {
    const at = { publishWhen: 'at', 'publishAt-day': '1', 'publishAt-month': '6', 'publishAt-year': '2026', publishAtTime: '09:00' };

    it('refuses to publish a draft whose start has gone by, keeping it a draft', async () => {
      ok(await schedule({ publishWhen: 'draft' }));
      const [m] = await meetings();
      f.t.clock.set(new Date(Date.parse(m!.starts_at) + 60_000));
      const admin = await f.signInAs(f.admin.personId);
      const res = await admin.submit(`/meetings/${m!.id}/edit`, form({ publishWhen: 'now' }), `/meetings/${m!.id}/edit`);
      assert.equal(res.statusCode, 400);
      assert.deepEqual(errorSummary(res.body).map((e) => e[0]), ['The meeting must start in the future']);
      assert.equal((await meetings())[0]!.status, 'draft');
      assert.deepEqual(await jobs('meetings.invite'), [], 'nobody is to be invited');
    });

    it('keeps the meeting a draft until its time, then a job publishes it and schedules its reminders', async () => {
      ok(await schedule(at));
      const [m] = await meetings();
      assert.equal(m!.status, 'draft');
      assert.equal(iso(m!.publish_at!), '2026-06-01T08:00:00.000Z', '9am London in summer is 8am UTC');
      const amyC = await f.signInAs(amy.personId);
      assert.equal((await amyC.get(`/meetings/${m!.id}`)).statusCode, 404, 'only organisers see it');
      assert.match(mainText((await f.admin.get('/meetings')).body), /Will be published on Monday 1 June 2026 at 9:00am \(UK time\)/);
      assert.match(mainText((await f.admin.get(`/meetings/${m!.id}`)).body), /Will be published on Monday 1 June 2026 at 9:00am \(UK time\)/);
      // The edit page keeps the choice; a new time replaces the job.
      const page = await f.admin.get(`/meetings/${m!.id}/edit`);
      assert.match(page.body, /value="at" checked/);
      ok(await edit(m!.id, { ...at, 'publishAt-day': '2' }));
      let pending = await jobs('meetings.publish');
      assert.deepEqual(pending.map((j) => iso(j.run_at)), ['2026-06-02T08:00:00.000Z'], 'one job, at the new time');
      assert.deepEqual(await jobs('meetings.reminder'), [], 'no reminders for a draft');
      f.t.clock.set('2026-06-01T08:30:00Z');
      await run();
      assert.equal((await meetings())[0]!.status, 'draft', 'not yet');
      f.t.clock.set('2026-06-02T08:00:00Z');
      await run();
      assert.equal((await meetings())[0]!.status, 'published');
      // Signed in again: the session from March has expired by June.
      assert.equal((await (await f.signInAs(amy.personId)).get(`/meetings/${m!.id}`)).statusCode, 200);
      pending = await jobs('meetings.reminder');
      assert.deepEqual(pending.map((j) => iso(j.run_at)), ['2026-06-30T09:00:00.000Z', '2026-07-01T08:00:00.000Z']);
    });

    it('does nothing at the set time for a draft published by hand, moved to another time, or cancelled', async () => {
      ok(await schedule(at));
      ok(await schedule({ ...at, title: 'Second' }));
      ok(await schedule({ ...at, title: 'Third' }));
      const [a, b, c] = await meetings();
      // a: published by hand; b: saved as a plain draft; c: cancelled.
      ok(await edit(a!.id, { publishWhen: 'now' }));
      ok(await edit(b!.id, { publishWhen: 'draft', title: 'Second' }));
      ok(await f.admin.submit(`/meetings/${c!.id}/cancel`, {}, `/meetings/${c!.id}/cancel`));
      assert.deepEqual(await jobs('meetings.publish'), [], 'each change took its publishing job away');
      assert.equal((await meetings()).find((m) => m.id === b!.id)!.publish_at, null);
      // A job left behind (as if it had already been claimed) finds nothing to publish.
      await inTransaction(db(), async (tx) => {
        const { scheduleJob } = await import('../../platform/jobs/jobs.ts');
        await scheduleJob(tx, 'meetings.publish', new Date('2026-06-01T08:00:00Z'), { meetingId: b!.id, publishAt: '2026-06-01T08:00:00.000Z' }, null, { clock: f.t.clock });
      });
      f.t.clock.set('2026-06-01T08:00:00Z');
      await run();
      const after = await meetings();
      assert.deepEqual(after.map((m) => [m.title, m.status]), [['Steering group', 'published'], ['Second', 'draft'], ['Third', 'cancelled']]);
    });

    it('refuses a publishing time in the past, after the start, or missing, saving nothing', async () => {
      const cases: [Record<string, string>, string, string][] = [
        [{ ...at, 'publishAt-month': '3', 'publishAt-day': '1' }, '#publishAt-day', 'The time to publish the meeting must be in the future'],
        [{ ...at, 'publishAt-month': '7', 'publishAt-day': '1', publishAtTime: '10:00' }, '#publishAt-day', 'The time to publish the meeting must be before it starts'],
        [{ ...at, 'publishAt-day': '', 'publishAt-month': '', 'publishAt-year': '' }, '#publishAt-day', 'Enter the date to publish the meeting'],
        [{ ...at, publishAtTime: '9 o’clock' }, '#publishAtTime', 'Enter the time to publish it in the 24-hour clock, for example 09:00'],
        [{ ...at, 'publishAt-day': '31', 'publishAt-month': '6' }, '#publishAt-day', 'Enter a real date to publish it, for example 14 6 2027'],
        [{ publishWhen: 'sometime' }, '#publishWhen', 'Choose when invitees can see the meeting'],
      ];
      for (const [over, href, text] of cases) {
        const res = await schedule(over);
        assert.equal(res.statusCode, 400, JSON.stringify(over));
        assert.deepEqual(errorSummary(res.body), [[text, href]], JSON.stringify(over));
      }
      assert.equal((await meetings()).length, 0);
      assert.deepEqual(await jobs('meetings.publish'), []);
    });
  });

  describe('series', () => {
    it('makes a weekly series that keeps 10:00 London across the October clock change, each meeting its own', async () => {
      const res = await schedule({ 'date-day': '13', 'date-month': '10', startTime: '10:00', endTime: '11:00', repeat: 'weekly', repeatCount: '4', capacity: '5' });
      ok(res);
      const all = await meetings();
      assert.deepEqual(all.map((m) => iso(m.starts_at)), ['2026-10-13T09:00:00.000Z', '2026-10-20T09:00:00.000Z', '2026-10-27T10:00:00.000Z', '2026-11-03T10:00:00.000Z']);
      assert.equal(new Set(all.map((m) => m.series_id)).size, 1);
      assert.notEqual(all[0]!.series_id, null);
      assert.equal(new Set(all.map((m) => m.uid)).size, 4, 'each meeting its own calendar entry');
      assert.ok(all.every((m) => m.status === 'published' && m.capacity === 5));
      const series = await db().selectFrom('meeting_series').selectAll().execute();
      assert.deepEqual(series.map((s) => [s.frequency, s.count]), [['weekly', 4]]);
      const agendas = await db().selectFrom('meeting_agenda_items').select(['meeting_id', 'title']).execute();
      assert.equal(agendas.filter((a) => a.title === 'Welcome').length, 4);
      const amyC = await f.signInAs(amy.personId);
      const third = mainText((await amyC.get(`/meetings/${all[2]!.id}`)).body);
      assert.match(third, /Tuesday 27 October 2026, 10:00am to 11:00am \(UK time\)/);
      assert.match(third, /Part of a series: meeting 3 of 4/);
      assert.doesNotMatch(third, /The meetings of this series/, 'the list of the others is for organisers');
      const organiser = await f.admin.get(`/meetings/${all[2]!.id}`);
      assert.match(mainText(organiser.body), /The meetings of this series/);
      for (const other of [all[0]!, all[1]!, all[3]!]) assert.match(organiser.body, new RegExp(`href="/meetings/${other.id}"`));
      assert.equal((await jobs('meetings.reminder')).length, 8, 'two reminders for each');
      // One changed alone leaves the others as they were.
      ok(await edit(all[1]!.id, { 'date-day': '20', 'date-month': '10', startTime: '15:00', endTime: '16:00', title: 'Moved one', capacity: '5' }));
      const after = await meetings();
      assert.deepEqual(after.map((m) => m.title), ['Steering group', 'Moved one', 'Steering group', 'Steering group']);
    });

    it('repeats monthly on the same weekday of the month, the fifth becoming the last', () => {
      assert.deepEqual([0, 1, 2].map((n) => nthDate('2026-12-08', 'monthly', n)), ['2026-12-08', '2027-01-12', '2027-02-09'], 'the second Tuesday');
      assert.deepEqual([0, 1, 2].map((n) => nthDate('2026-12-29', 'monthly', n)), ['2026-12-29', '2027-01-26', '2027-02-23'], 'the fifth (last) Tuesday');
      assert.deepEqual([0, 1].map((n) => nthDate('2026-12-22', 'monthly', n)), ['2026-12-22', '2027-01-26'], 'the fourth Tuesday');
      assert.deepEqual([1, 2].map((n) => nthDate('2026-12-08', 'fortnightly', n)), ['2026-12-22', '2027-01-05']);
    });

    it('schedules a monthly series through the form', async () => {
      ok(await schedule({ 'date-day': '8', 'date-month': '12', repeat: 'monthly', repeatCount: '3' }));
      assert.deepEqual((await meetings()).map((m) => iso(m.starts_at)), ['2026-12-08T10:00:00.000Z', '2027-01-12T10:00:00.000Z', '2027-02-09T10:00:00.000Z']);
    });

    it('refuses a bad number of meetings, or a date in the series whose time the clocks skip, saving nothing', async () => {
      const cases: [Record<string, string | string[]>, string, string][] = [
        [{ repeat: 'weekly', repeatCount: '0' }, '#repeatCount', 'A series has from 2 to 24 meetings'],
        [{ repeat: 'weekly', repeatCount: '1' }, '#repeatCount', 'A series has from 2 to 24 meetings'],
        [{ repeat: 'weekly', repeatCount: '25' }, '#repeatCount', 'A series has from 2 to 24 meetings'],
        [{ repeat: 'weekly', repeatCount: 'six' }, '#repeatCount', 'Enter how many meetings as a whole number, from 2 to 24'],
        [{ repeat: 'weekly', repeatCount: '' }, '#repeatCount', 'Enter how many meetings there are in the series, from 2 to 24'],
        [{ repeat: 'daily', repeatCount: '3' }, '#repeat', 'Choose whether the meeting repeats'],
        [{ repeat: ['weekly', 'monthly'], repeatCount: '3' }, '#repeat', 'Choose whether the meeting repeats'],
        // Sundays from 14 March 2027 at 01:30: the 28th is the spring change, when 01:30 never happens.
        [{ 'date-day': '14', 'date-month': '3', 'date-year': '2027', startTime: '01:30', endTime: '03:00', repeat: 'weekly', repeatCount: '3' }, '#startTime', 'The times do not exist or happen twice on Sunday 28 March 2027, when the clocks change in the UK. Choose other times, or fewer meetings'],
      ];
      for (const [over, href, text] of cases) {
        const res = await schedule(over);
        assert.equal(res.statusCode, 400, JSON.stringify(over));
        assert.deepEqual(errorSummary(res.body), [[text, href]], JSON.stringify(over));
      }
      assert.equal((await meetings()).length, 0);
      assert.equal((await db().selectFrom('meeting_series').select('id').execute()).length, 0);
      // Two of the same Sundays are fine.
      ok(await schedule({ 'date-day': '14', 'date-month': '3', 'date-year': '2027', startTime: '01:30', endTime: '03:00', repeat: 'weekly', repeatCount: '2' }));
    });

    it('changes this meeting and the rest of the series (not the cancelled, not the earlier), each told, or refuses it all', async () => {
      ok(await schedule({ 'date-day': '13', 'date-month': '10', startTime: '10:00', endTime: '11:00', repeat: 'weekly', repeatCount: '4', capacity: '3' }));
      const [one, two, three, four] = await meetings();
      ok(await f.admin.submit(`/meetings/${three!.id}/cancel`, {}, `/meetings/${three!.id}/cancel`));
      // The edit page offers the rest of the series (one later meeting left: four).
      const page = await f.admin.get(`/meetings/${two!.id}/edit`);
      assert.match(mainText(page.body), /This meeting and the rest of the series/);
      assert.match(mainText(page.body), /The 1 later meeting not cancelled/);
      assert.doesNotMatch(page.body, /name="repeat"/, 'a series is made only on scheduling');
      // Refused: four has 2 people attending, more than the new capacity.
      await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, four!.id, 'yes', ctx());
      await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, four!.id, 'yes', ctx());
      const refused = await edit(two!.id, { scope: 'rest', 'date-day': '20', 'date-month': '10', startTime: '14:00', endTime: '15:00', title: 'Renamed', capacity: '1' });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(errorSummary(refused.body), [['The number of places cannot be fewer than the people who already have one at the meeting on Tuesday 3 November 2026', '#capacity']]);
      assert.deepEqual((await meetings()).map((m) => m.title), ['Steering group', 'Steering group', 'Steering group', 'Steering group'], 'nothing changed');
      const mailBefore = (await db().selectFrom('outbox').select('id').execute()).length;
      ok(await edit(two!.id, { scope: 'rest', 'date-day': '20', 'date-month': '10', startTime: '14:00', endTime: '15:00', title: 'Renamed', capacity: '3', agenda1Title: 'New agenda' }));
      const after = await meetings();
      const byId = new Map(after.map((m) => [m.id, m]));
      assert.equal(byId.get(one!.id)!.title, 'Steering group', 'an earlier meeting is left alone');
      assert.equal(byId.get(three!.id)!.title, 'Steering group', 'a cancelled one is left alone');
      assert.equal(byId.get(three!.id)!.status, 'cancelled');
      assert.deepEqual([two, four].map((m) => [byId.get(m!.id)!.title, iso(byId.get(m!.id)!.starts_at)]), [['Renamed', '2026-10-20T13:00:00.000Z'], ['Renamed', '2026-11-03T14:00:00.000Z']], '14:00 London on each one’s own date, across the change');
      assert.ok([two, four].every((m) => byId.get(m!.id)!.sequence > m!.sequence), 'each one’s calendar sequence raised');
      const agenda = await db().selectFrom('meeting_agenda_items').select('title').where('meeting_id', '=', four!.id).execute();
      assert.deepEqual(agenda.map((a) => a.title), ['New agenda']);
      assert.ok((await db().selectFrom('outbox').select('id').execute()).length > mailBefore, 'invitees told of each move');
      const fourReminders = (await jobs('meetings.reminder')).filter((j) => JSON.parse(j.payload).meetingId === four!.id);
      assert.deepEqual(fourReminders.map((j) => iso(j.run_at)), ['2026-11-02T14:00:00.000Z', '2026-11-03T13:00:00.000Z'], 'reminders moved with it');
    });

    it('cancels this meeting and the rest of the series, and refuses to change a cancelled one', async () => {
      ok(await schedule({ 'date-day': '13', 'date-month': '10', startTime: '10:00', endTime: '11:00', repeat: 'fortnightly', repeatCount: '3' }));
      const [one, two, three] = await meetings();
      const confirm = await f.admin.get(`/meetings/${two!.id}/cancel`);
      assert.match(mainText(confirm.body), /This meeting and the rest of the series/);
      const bad = await f.admin.submit(`/meetings/${two!.id}/cancel`, { scope: 'everything' }, `/meetings/${two!.id}/cancel`);
      assert.equal(bad.headers.location, `/meetings/${two!.id}/cancel`);
      assert.match((await f.admin.get(bad.headers.location!)).body, /Choose whether to cancel this meeting only or the rest of the series too/);
      assert.deepEqual((await meetings()).map((m) => m.status), ['published', 'published', 'published'], 'nothing cancelled');
      const res = await f.admin.submit(`/meetings/${two!.id}/cancel`, { scope: 'rest' }, `/meetings/${two!.id}/cancel`);
      assert.equal(res.statusCode, 302);
      assert.match((await f.admin.get(res.headers.location!)).body, /2 meetings of the series cancelled/);
      assert.deepEqual((await meetings()).map((m) => [m.id, m.status]), [[one!.id, 'published'], [two!.id, 'cancelled'], [three!.id, 'cancelled']]);
      const left = (await jobs('meetings.reminder')).map((j) => JSON.parse(j.payload).meetingId);
      assert.deepEqual([...new Set(left)], [one!.id], 'no reminders for the cancelled ones');
      const edit3 = await f.admin.submit(`/meetings/${three!.id}/edit`, form({ scope: 'rest', title: 'Back' }), `/meetings/${three!.id}`);
      assert.equal(edit3.statusCode, 302);
      assert.match((await f.admin.get(edit3.headers.location!)).body, /This meeting has been cancelled, so it cannot be changed/);
      assert.equal((await meetings())[2]!.title, 'Steering group');
    });

    it('exports the series a person made, and erases their name from it', async () => {
      ok(await schedule({ repeat: 'weekly', repeatCount: '2' }));
      const out = await meetingsPersonalData.exportPerson(db(), f.admin.personId);
      assert.deepEqual(out.meeting_series_created!.map((s) => [s.frequency, s.count]), [['weekly', 2]]);
      await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, f.admin.personId, f.t.clock));
      assert.deepEqual((await db().selectFrom('meeting_series').select('created_by').execute()).map((s) => s.created_by), [null]);
    });
  });

  describe('reminders', () => {
    it('reminds 24 hours and 1 hour before, never those who said no, with waiting-list wording, through preferences', async () => {
      ok(await schedule({ capacity: '1' }));
      const [m] = await meetings();
      assert.deepEqual((await jobs('meetings.reminder')).map((j) => iso(j.run_at)), ['2026-06-30T09:00:00.000Z', '2026-07-01T08:00:00.000Z']);
      await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, m!.id, 'no', ctx());
      await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, m!.id, 'yes', ctx());
      await rsvp(db(), { id: cy.personId, role: 'participant' }, f.programmeId, m!.id, 'yes', ctx());
      f.t.clock.set('2026-06-30T08:59:00Z');
      await run();
      assert.deepEqual(await reminders(), [], 'not before its time');
      f.t.clock.set('2026-06-30T09:00:00Z');
      await run();
      assert.deepEqual((await reminders()).map((r) => r.person_id).sort((a, b) => a - b), [bo.personId, cy.personId].sort((a, b) => a - b));
      const mail = await db().selectFrom('outbox').select(['to_address', 'subject', 'text_body']).where('subject', 'like', 'Reminder:%').execute();
      const boMail = mail.find((x) => x.to_address === bo.email)!;
      assert.equal(boMail.subject, 'Reminder: “Steering group” is tomorrow');
      assert.match(boMail.text_body, /Wednesday 1 July 2026, 10:00am to 11:30am \(UK time\)/);
      assert.match(boMail.text_body, new RegExp(`${f.t.config.baseUrl}/meetings/${m!.id}`));
      assert.match(mail.find((x) => x.to_address === cy.email)!.text_body, /You are on the waiting list/);
      assert.doesNotMatch(boMail.text_body, /waiting list/);
      // The same reminder run again (its instance died after sending) reminds nobody twice.
      const { scheduleJob } = await import('../../platform/jobs/jobs.ts');
      await inTransaction(db(), (tx) => scheduleJob(tx, 'meetings.reminder', f.t.clock(), { meetingId: m!.id, startsAt: m!.starts_at, hours: 24 }, null, { clock: f.t.clock }));
      await run();
      assert.equal((await reminders()).length, 2);
      assert.deepEqual((await meetingsPersonalData.exportPerson(db(), bo.personId)).meeting_reminders_sent!.map((r) => r.hours), [24], 'a person’s reminders are in their export');
      await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, cy.personId, f.t.clock));
      assert.deepEqual(await db().selectFrom('meeting_reminders_sent').select('person_id').where('person_id', '=', cy.personId).execute(), [], 'and erased with them');
      // Bo now wants a daily summary: the hour-before reminder is held for it, not mailed.
      await inTransaction(db(), (tx) => setPreferences(tx, bo.personId, { 'meetings.reminder': 'daily' }, f.t.clock));
      f.t.clock.set('2026-07-01T08:00:00Z');
      await run();
      const second = (await reminders()).slice(2).sort((a, b) => a.person_id - b.person_id);
      assert.deepEqual(second.map((r) => [r.person_id, r.delivery]), [[bo.personId, 'daily'], [cy.personId, 'immediately']].sort((a, b) => (a[0] as number) - (b[0] as number)), 'Cy, erased, had no answer left: reminded as any invitee');
      const hourMail = await db().selectFrom('outbox').select('to_address').where('subject', '=', 'Reminder: “Steering group” is in 1 hour').execute();
      assert.deepEqual(hourMail.map((x) => x.to_address), [cy.email]);
    });

    it('moves the reminders when the meeting moves, skips a time already past, and sends none after a cancellation', async () => {
      ok(await schedule());
      const [m] = await meetings();
      const oldJobs = await jobs('meetings.reminder');
      ok(await edit(m!.id, { startTime: '14:00', endTime: '15:00' }));
      assert.deepEqual((await jobs('meetings.reminder')).map((j) => iso(j.run_at)), ['2026-06-30T13:00:00.000Z', '2026-07-01T12:00:00.000Z']);
      // A reminder made for the old start (as if claimed before the move) does nothing.
      const { scheduleJob } = await import('../../platform/jobs/jobs.ts');
      await inTransaction(db(), (tx) => scheduleJob(tx, 'meetings.reminder', new Date('2026-06-30T09:00:00Z'), JSON.parse(oldJobs[0]!.payload), null, { clock: f.t.clock }));
      f.t.clock.set('2026-06-30T09:00:00Z');
      await run();
      assert.deepEqual(await reminders(), []);
      // Less than a day ahead: only the hour-before reminder (signed in again: March's session has expired).
      f.t.clock.set('2026-07-01T10:00:00Z');
      f.admin = Object.assign(await f.signInAs(f.admin.personId), { personId: f.admin.personId });
      ok(await schedule({ 'date-day': '1', 'date-month': '7', startTime: '20:00', endTime: '21:00', title: 'Evening' }));
      const evening = (await meetings()).find((x) => x.title === 'Evening')!;
      assert.deepEqual((await jobs('meetings.reminder')).filter((j) => JSON.parse(j.payload).meetingId === evening.id).map((j) => iso(j.run_at)), ['2026-07-01T18:00:00.000Z']);
      ok(await f.admin.submit(`/meetings/${m!.id}/cancel`, {}, `/meetings/${m!.id}/cancel`));
      assert.deepEqual((await jobs('meetings.reminder')).filter((j) => JSON.parse(j.payload).meetingId === m!.id), []);
      f.t.clock.set('2026-07-01T12:00:00Z');
      await run();
      assert.deepEqual((await reminders()).filter((r) => r.item_id === m!.id), [], 'none after the cancellation');
    });
  });

  describe('meetings past midnight', () => {
    it('runs from 23:00 to 00:30 the next day, shown with both days, and its edit page keeps the end date', async () => {
      ok(await schedule({ 'date-day': '3', 'date-month': '12', 'date-year': '2027', startTime: '23:00', endTime: '00:30', 'endDate-day': '4', 'endDate-month': '12', 'endDate-year': '2027' }));
      const [m] = await meetings();
      assert.deepEqual([iso(m!.starts_at), iso(m!.ends_at)], ['2027-12-03T23:00:00.000Z', '2027-12-04T00:30:00.000Z']);
      const amyC = await f.signInAs(amy.personId);
      assert.match(mainText((await amyC.get(`/meetings/${m!.id}`)).body), /Friday 3 December 2027, 11:00pm to Saturday 4 December 2027, 12:30am \(UK time\)/);
      const page = await f.admin.get(`/meetings/${m!.id}/edit`);
      assert.match(page.body, /name="endDate-day"[^>]*value="4"/);
    });

    it('refuses an end date before the start, an end not after the start, and an end time the clocks skip on the end date', async () => {
      const night = { 'date-day': '3', 'date-month': '12', 'date-year': '2027', startTime: '23:00', endTime: '00:30' };
      const cases: [Record<string, string>, string, string][] = [
        [{ ...night, 'endDate-day': '2', 'endDate-month': '12', 'endDate-year': '2027' }, '#endDate-day', 'The end date must be the same as the date of the meeting or later'],
        [night, '#endTime', 'The end time must be after the start time'],
        [{ ...night, 'endDate-day': '32', 'endDate-month': '12', 'endDate-year': '2027' }, '#endDate-day', 'Enter a real end date, for example 22 6 2027'],
        [{ ...night, 'endDate-day': 'x', 'endDate-month': '12', 'endDate-year': '2027' }, '#endDate-day', 'Enter the end date as numbers, for example 22 6 2027, or leave it blank if the meeting ends on the same day'],
        [{ 'date-day': '27', 'date-month': '3', 'date-year': '2027', startTime: '23:00', endTime: '01:30', 'endDate-day': '28', 'endDate-month': '3', 'endDate-year': '2027' }, '#endTime', 'The end time 01:30 on the end date does not exist in the UK: the clocks go forward from 1am to 2am that night. Choose another time'],
      ];
      for (const [over, href, text] of cases) {
        const res = await schedule(over);
        assert.equal(res.statusCode, 400, JSON.stringify(over));
        assert.deepEqual(errorSummary(res.body), [[text, href]], JSON.stringify(over));
      }
      assert.equal((await meetings()).length, 0);
    });
  });

  it('answers hostile values in the new fields with a 400 and a message, never a 500, saving nothing', async () => {
    const bodies: Record<string, string | string[]>[] = [
      { publishWhen: ['now', 'draft'] },
      { publishWhen: 'at', 'publishAt-day': ['1', '2'], 'publishAt-month': '6', 'publishAt-year': '2026', publishAtTime: '09:00' },
      { publishWhen: 'at', 'publishAt-day': '1', 'publishAt-month': '6', 'publishAt-year': '2026', publishAtTime: ['09:00', '10:00'] },
      { repeat: 'weekly', repeatCount: ['2', '3'] },
      { repeat: 'weekly', repeatCount: '99999999999999999999' },
      { 'endDate-day': ['1', '2'], 'endDate-month': '7', 'endDate-year': '2026' },
    ];
    for (const over of bodies) {
      const res = await schedule(over);
      assert.equal(res.statusCode, 400, JSON.stringify(over));
      assert.equal(errorSummary(res.body).length, 1, JSON.stringify(over));
    }
    // A box of the date or the places posted twice: the form's own words, not the schema library's.
    const twice: [Record<string, string[]>, string][] = [
      [{ 'date-day': ['1', '2'] }, 'Enter the date as numbers, for example 21 6 2027'],
      [{ capacity: ['1', '2'] }, 'Enter the number of places as a whole number, or leave it blank for no limit'],
    ];
    for (const [over, text] of twice) {
      const res = await schedule(over);
      assert.equal(res.statusCode, 400, JSON.stringify(over));
      assert.deepEqual(errorSummary(res.body).map((e) => e[0]), [text]);
      assert.ok(res.body.includes(`<span class="govuk-visually-hidden">Error:</span> ${text}`), 'and beside the field');
    }
    // How long before the start the link shows: a whole number of minutes, at most 4 hours.
    for (const [value, text] of [['-5', 'Enter how many minutes before the start to show the link, as a whole number, for example 30'], ['241', 'Show the link at most 240 minutes (4 hours) before the start'], ['ten', 'Enter how many minutes before the start to show the link, as a whole number, for example 30']] as const) {
      const res = await schedule({ joinOpensMinutes: value });
      assert.equal(res.statusCode, 400, value);
      assert.deepEqual(errorSummary(res.body), [[text, '#joinOpensMinutes']]);
    }
    const twiceMinutes = await schedule({ joinOpensMinutes: ['10', '20'] });
    assert.deepEqual(errorSummary(twiceMinutes.body).map((e) => e[0]), ['Enter how many minutes before the start to show the link, as a whole number, for example 30']);
    // The join link written into the notes or the purpose would reach every invitee at once, and their calendars.
    const link = 'https://teams.example.org/meet/123';
    const leaked = await schedule({ joiningNotes: `Join here: ${link}`, purpose: `See ${link}` });
    assert.equal(leaked.statusCode, 400);
    assert.deepEqual(errorSummary(leaked.body), [
      ['Take the link to join out of the purpose: it goes in “Link to join”, which invitees see only shortly before the start', '#purpose'],
      ['Take the link to join out of the joining notes: it goes in “Link to join”, which invitees see only shortly before the start', '#joiningNotes'],
    ]);
    assert.equal((await meetings()).length, 0);
    ok(await schedule({ repeat: 'weekly', repeatCount: '2' }));
    const [first] = await meetings();
    const res = await edit(first!.id, { scope: 'all of them', title: 'Renamed' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(errorSummary(res.body), [['Choose whether the change is for this meeting only or for the rest of the series too', '#scope']]);
    assert.deepEqual((await meetings()).map((m) => m.title), ['Steering group', 'Steering group']);
  });

  describe('demo data', () => {
    it('seeds a monthly steering group of six on the second Tuesday, and a drop-in to be published at a set time', async () => {
      const made = await seedDemoSeries(db(), f.admin.personId, f.programmeId, [{ kind: 'programme', id: f.programmeId }], f.t.clock);
      const all = await meetings();
      const series = all.filter((m) => made.seriesIds.includes(m.id));
      assert.equal(series.length, 6);
      assert.ok(series.every((m) => m.status === 'published' && m.series_id === series[0]!.series_id));
      assert.deepEqual(series.slice(0, 2).map((m) => iso(m.starts_at)), ['2026-04-14T09:00:00.000Z', '2026-05-12T09:00:00.000Z'], 'the second Tuesdays of April and May, 10am London');
      const dropIn = all.find((m) => m.id === made.scheduledId)!;
      assert.equal(dropIn.status, 'draft');
      assert.equal(iso(dropIn.publish_at!), '2026-03-24T09:00:00.000Z');
    });
  });

  describe('a withdrawn participant', () => {
    it('is dropped from meetings not yet ended (their place going to the waiting list), keeping past answers', async () => {
      ok(await schedule({ 'date-day': '20', 'date-month': '3', title: 'Soon', capacity: '' }));
      ok(await schedule({ capacity: '1' }));
      const [soon, later] = await meetings();
      await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, soon!.id, 'yes', ctx());
      await rsvp(db(), { id: amy.personId, role: 'participant' }, f.programmeId, later!.id, 'yes', ctx());
      await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, later!.id, 'yes', ctx());
      f.t.clock.set('2026-04-01T12:00:00Z');
      await inTransaction(db(), (tx) => dropFromFutureMeetings(tx, amy.personId, f.t.clock));
      const amys = await db().selectFrom('meeting_responses').select(['meeting_id', 'response']).where('person_id', '=', amy.personId).execute();
      assert.deepEqual(amys.map((r) => ({ ...r })), [{ meeting_id: soon!.id, response: 'yes' }], 'the past meeting keeps her answer');
      await run();
      const bos = await db().selectFrom('meeting_responses').select('place').where('person_id', '=', bo.personId).where('meeting_id', '=', later!.id).executeTakeFirstOrThrow();
      assert.equal(bos.place, 'attending', 'the freed place went to Bo');
    });

    it('is dropped when they withdraw from the programme: answers and adjustment requests for meetings to come go, past ones stay', async () => {
      ok(await schedule({ 'date-day': '20', 'date-month': '3', title: 'Soon' }));
      ok(await schedule({ capacity: '1' }));
      const [soon, later] = await meetings();
      const amyV = { id: amy.personId, role: 'participant' as const };
      for (const m of [soon!, later!]) {
        await rsvp(db(), amyV, f.programmeId, m.id, 'yes', ctx());
        assert.equal((await ask(db(), amyV, f.programmeId, m.id, { needs: ['captions'], details: '' }, f.t.clock)).ok, true);
      }
      await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, later!.id, 'yes', ctx());
      f.t.clock.set('2026-04-01T12:00:00Z');
      await withdrawParticipant(db(), amy.personId, f.t.clock);
      const answers = await db().selectFrom('meeting_responses').select('meeting_id').where('person_id', '=', amy.personId).execute();
      assert.deepEqual(answers.map((r) => r.meeting_id), [soon!.id]);
      const requests = await db().selectFrom('meeting_adjustments').select('meeting_id').where('person_id', '=', amy.personId).execute();
      assert.deepEqual(requests.map((r) => r.meeting_id), [soon!.id]);
      await run();
      const bos = await db().selectFrom('meeting_responses').select('place').where('person_id', '=', bo.personId).where('meeting_id', '=', later!.id).executeTakeFirstOrThrow();
      assert.equal(bos.place, 'attending', 'her place went to Bo');
    });

    it('is taken off meetings to come that chose them by name, and told nothing more of them', async () => {
      ok(await schedule({ 'date-day': '20', 'date-month': '3', title: 'Soon' }));
      ok(await schedule());
      const [soon, later] = await meetings();
      await runDueJobs(db(), f.t.clock, calendarJobHandlers({ ...ctx(), mailFrom: f.t.config.mailFrom }));
      const byName = (id: number) => db().selectFrom('audience_targets').select('target_id').where('item_kind', '=', 'meeting').where('item_id', '=', id).where('target_kind', '=', 'person').orderBy('target_id').execute();
      f.t.clock.set('2026-04-01T12:00:00Z');
      await withdrawParticipant(db(), amy.personId, f.t.clock);
      assert.deepEqual((await byName(later!.id)).map((r) => r.target_id), [bo.personId, cy.personId].sort((a, b) => a - b));
      assert.deepEqual((await byName(soon!.id)).map((r) => r.target_id), [amy.personId, bo.personId, cy.personId].sort((a, b) => a - b), 'a meeting gone by keeps who it was for');
      assert.equal(await maySee(db(), { id: amy.personId, role: 'participant' }, 'meeting', later!.id), false, 'the meeting to come is no longer for her');
      // The meeting moves: Bo and Cy are told; Amy, who withdrew, is sent nothing (not even that she is no longer invited).
      const before = Number((await db().selectFrom('outbox').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0);
      const admin = await f.signInAs(f.admin.personId);
      ok(await admin.submit(`/meetings/${later!.id}/edit`, form({ startTime: '14:00', endTime: '15:00', audiencePeople: [bo.email, cy.email].join('\n') }), `/meetings/${later!.id}/edit`));
      const mail = await db().selectFrom('outbox').select('to_address').where('id', '>', before).execute();
      assert.deepEqual(mail.map((m) => m.to_address).sort(), [bo.email, cy.email].sort());
    });
  });
});
