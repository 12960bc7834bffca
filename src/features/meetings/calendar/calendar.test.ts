// Calendars and invitations, on both engines. Every .ics (the email's calendar part from the
// outbox, the download, the feed) is read with ical.js, an independent RFC 5545 parser: METHOD,
// a UID stable across updates, SEQUENCE raised on a change, start and end equal to the stored
// UTC instants, the meeting page and /join in the description, and never the raw join link.
// Then: invitations once each (a job re-run invites nobody twice), updates, invitations and
// cancellations as the audience changes, answering from the email (only the POST answers), the
// download and the feed only for invitees, feed links renewed and turned off, hostile input.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { runDueJobs } from '../../../platform/jobs/runner.ts';
import { readSetting } from '../../../platform/settings.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { meetings as meetingsFeature } from '../feature.ts';
import { rsvp } from '../service.ts';
import { JOIN_URL, meetingFormBody, type FormBody } from '../test-support.ts';
import { answerToken } from './answer-token.ts';
import { calendarJobHandlers, calendarPersonalData } from './part.ts';


type Parsed = { method: string; events: { uid: string; sequence: number; start: string; end: string; summary: string; description: string; url: string; status: string; organizer: string; organizerName: string }[] };

function parseIcs(text: string): Parsed {
  const cal = new ICAL.Component(ICAL.parse(text));
  const events = cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      summary: e.summary,
      description: e.description,
      url: String(v.getFirstPropertyValue('url')),
      status: String(v.getFirstPropertyValue('status')),
      organizer: String(v.getFirstPropertyValue('organizer')),
      organizerName: String(v.getFirstProperty('organizer')?.getParameter('cn')),
    };
  });
  return { method: String(cal.getFirstPropertyValue('method')), events };
}

describe(`meeting calendars on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  const db = () => f.t.data.db;
  const ctx = () => ({ clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret, mailFrom: f.t.config.mailFrom });
  const base = () => f.t.config.baseUrl;
  /** The mail since the test's people were registered (their registration emails are not this test's). */
  let firstMail = 0;
  const outbox = () => db().selectFrom('outbox').select(['to_address', 'subject', 'text_body', 'html_body', 'calendar_event']).where('id', '>', firstMail).orderBy('id').execute();
  const form = (over: FormBody = {}) => meetingFormBody([amy.email, bo.email], over);
  const schedule = async (over: Record<string, string | string[]> = {}) => {
    const res = await f.admin.submit('/meetings/new', form(over), '/meetings/new');
    assert.equal(res.statusCode, 302, errorSummary(res.body).join());
    return (await db().selectFrom('meetings').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow());
  };
  const change = async (id: number, over: Record<string, string | string[]>) => {
    const res = await f.admin.submit(`/meetings/${id}/edit`, form(over), `/meetings/${id}/edit`);
    assert.equal(res.statusCode, 302, errorSummary(res.body).join());
  };
  const meeting = (id: number) => db().selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const runJobs = async () => {
    const jobs = await meetingsFeature.jobs!({ config: f.t.config, db: db(), clock: f.t.clock, notify: ctx() });
    return runDueJobs(db(), f.t.clock, jobs.handlers ?? {});
  };
  /** The calendar part of each email after `from`, parsed. */
  const mailSince = async (from: number) =>
    (await outbox()).slice(from).map((m) => {
      const c = m.calendar_event ? (JSON.parse(m.calendar_event) as { method: string; content: string }) : null;
      return { ...m, calendar: c, ics: c ? parseIcs(c.content) : null };
    });
  const iso = (v: string) => new Date(v).toISOString();

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    firstMail = Number((await db().selectFrom('outbox').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0);
  });
  afterEach(() => f.t.close());

  it('invites each invitee once with an iCalendar REQUEST, updates them on a move, follows the audience, and cancels', async () => {
    const m = await schedule();
    assert.equal((await outbox()).length, 0, 'publishing writes no email itself: the job does');
    await runJobs();
    let mail = await mailSince(0);
    assert.deepEqual(mail.map((x) => x.to_address).sort(), [amy.email, bo.email].sort());
    for (const x of mail) {
      assert.equal(x.subject, 'Invitation: “Steering group”');
      assert.equal(x.calendar!.method, 'REQUEST');
      const ics = x.ics!;
      assert.equal(ics.method, 'REQUEST');
      assert.equal(ics.events.length, 1);
      const e = ics.events[0]!;
      assert.equal(e.uid, m.uid);
      assert.equal(e.sequence, m.sequence);
      assert.equal(e.start, iso(m.starts_at));
      assert.equal(e.start, '2026-07-01T09:00:00.000Z');
      assert.equal(e.end, '2026-07-01T10:30:00.000Z');
      assert.equal(e.summary, 'Steering group');
      assert.equal(e.status, 'CONFIRMED');
      assert.equal(e.url, `${base()}/meetings/${m.id}`);
      assert.equal(e.organizer, `mailto:${/<(.+)>/.exec(f.t.config.mailFrom)?.[1] ?? f.t.config.mailFrom}`, 'the programme’s mailbox');
      assert.equal(e.organizerName, (await readSetting(db(), 'mail_signature'))!.split('\n')[0], 'under the programme’s name');
      assert.ok(e.description.includes(`${base()}/meetings/${m.id}\n`) || e.description.includes(`${base()}/meetings/${m.id}`), e.description);
      assert.ok(e.description.includes(`${base()}/meetings/${m.id}/join`));
      assert.match(e.description, /Agree the plan\./, 'the purpose as plain text');
      assert.ok(!x.calendar!.content.includes(JOIN_URL) && !x.text_body.includes(JOIN_URL) && !(x.html_body ?? '').includes(JOIN_URL), 'never the raw join link');
      assert.match(x.text_body, /Wednesday 1 July 2026, 10:00am to 11:30am \(UK time\)/);
      assert.match(x.text_body, /Yes, I am coming:\n.*\/meetings\/\d+\/answer\//);
      assert.match(x.text_body, /Accepting or declining it there does not tell us whether you are coming: use the links above\./, 'a calendar’s own answer reaches nobody here');
    }
    const invites = await db().selectFrom('meeting_invitations').selectAll().where('meeting_id', '=', m.id).execute();
    assert.equal(invites.length, 2);

    // A re-run of the job (or a second instance running it) invites nobody twice.
    await calendarJobHandlers(ctx())['meetings.invite']!({ meetingId: m.id }, { id: 0, kind: 'meetings.invite', key: null, attempt: 1, runAt: '', db: db(), clock: f.t.clock });
    assert.equal((await outbox()).length, 2);

    // Moved: an update with the same UID and a higher SEQUENCE, to exactly those invited.
    await change(m.id, { startTime: '14:00', endTime: '15:00' });
    const moved = await meeting(m.id);
    assert.ok(moved.sequence > m.sequence);
    mail = await mailSince(2);
    assert.deepEqual(mail.map((x) => x.to_address).sort(), [amy.email, bo.email].sort());
    for (const x of mail) {
      assert.equal(x.subject, '“Steering group” has moved');
      assert.match(x.text_body, /It is now on Wednesday 1 July 2026, 2:00pm to 3:00pm \(UK time\)/);
      const e = x.ics!.events[0]!;
      assert.equal(x.ics!.method, 'REQUEST');
      assert.equal(e.uid, m.uid, 'the UID is stable');
      assert.equal(e.sequence, moved.sequence);
      assert.equal(e.start, '2026-07-01T13:00:00.000Z');
      assert.equal(e.end, '2026-07-01T14:00:00.000Z');
    }

    // The audience changes: Cy is invited, Bo is sent a cancellation, Amy hears nothing.
    await change(m.id, { startTime: '14:00', endTime: '15:00', audiencePeople: [amy.email, cy.email].join('\n') });
    mail = await mailSince(4);
    const byTo = new Map(mail.map((x) => [x.to_address, x]));
    assert.deepEqual([...byTo.keys()].sort(), [bo.email, cy.email].sort());
    assert.equal(byTo.get(cy.email)!.ics!.method, 'REQUEST');
    assert.equal(byTo.get(cy.email)!.subject, 'Invitation: “Steering group”');
    assert.equal(byTo.get(bo.email)!.ics!.method, 'CANCEL');
    assert.equal(byTo.get(bo.email)!.ics!.events[0]!.status, 'CANCELLED');
    assert.equal(byTo.get(bo.email)!.ics!.events[0]!.uid, m.uid);

    // Cancelled: METHOD:CANCEL with the raised SEQUENCE to everyone invited (Amy and Cy), not Bo again.
    const res = await f.admin.submit(`/meetings/${m.id}/cancel`, {}, `/meetings/${m.id}/cancel`);
    assert.equal(res.statusCode, 302);
    const cancelled = await meeting(m.id);
    mail = await mailSince(6);
    assert.deepEqual(mail.map((x) => x.to_address).sort(), [amy.email, cy.email].sort());
    for (const x of mail) {
      assert.equal(x.subject, '“Steering group” is cancelled');
      assert.equal(x.ics!.method, 'CANCEL');
      assert.equal(x.ics!.events[0]!.sequence, cancelled.sequence);
      assert.ok(cancelled.sequence > moved.sequence);
      assert.equal(x.ics!.events[0]!.status, 'CANCELLED');
    }
    assert.ok((await outbox()).every((x) => !x.text_body.includes(JOIN_URL) && !(x.calendar_event ?? '').includes(JOIN_URL)));
  });

  it('keeps each app’s own ORGANIZER when two apps with different mail-from run in one process', async () => {
    const m = await schedule();
    const mailbox = (from: string) => `mailto:${/<(.+)>/.exec(from)?.[1] ?? from}`;
    const ours = await meetingsFeature.jobs!({ config: f.t.config, db: db(), clock: f.t.clock, notify: ctx() });
    // Built after this test's app and its job handlers: a setting kept module-wide would be its.
    const other = await createTestApp({ env: { MAIL_FROM: 'Elsewhere <calendar@elsewhere.example>' } });
    try {
      await meetingsFeature.jobs!({ config: other.config, db: other.data.db, clock: other.clock, notify: { clock: other.clock, baseUrl: other.config.baseUrl, secret: other.config.sessionSecret } });
      assert.notEqual(mailbox(other.config.mailFrom), mailbox(f.t.config.mailFrom));
      await runDueJobs(db(), f.t.clock, ours.handlers ?? {});
      const mail = await mailSince(0);
      assert.equal(mail.length, 2);
      for (const x of mail) assert.equal(x.ics!.events[0]!.organizer, mailbox(f.t.config.mailFrom), 'the invitation is from this app’s mailbox');
      const download = await f.admin.get(`/meetings/${m.id}/calendar.ics`);
      assert.equal(parseIcs(download.body).events[0]!.organizer, mailbox(f.t.config.mailFrom), 'so is the download');
      await change(m.id, { startTime: '14:00', endTime: '15:00' });
      for (const x of (await mailSince(2)).filter((y) => y.ics)) assert.equal(x.ics!.events[0]!.organizer, mailbox(f.t.config.mailFrom), 'and the update');
    } finally {
      await other.close();
    }
  });

  it('invites each person once when two runs of the job race, and sends a change of details as an update', async () => {
    const m = await schedule();
    const run = () => calendarJobHandlers(ctx())['meetings.invite']!({ meetingId: m.id }, { id: 0, kind: 'meetings.invite', key: null, attempt: 1, runAt: '', db: db(), clock: f.t.clock });
    await Promise.all([run(), run(), run()]);
    assert.deepEqual((await outbox()).map((x) => x.to_address).sort(), [amy.email, bo.email].sort());
    await change(m.id, { purpose: 'Agree the **budget**.' });
    const changed = await meeting(m.id);
    assert.ok(changed.sequence > m.sequence, 'a change a calendar shows raises the SEQUENCE');
    const mail = await mailSince(2);
    assert.deepEqual(mail.map((x) => x.to_address).sort(), [amy.email, bo.email].sort());
    for (const x of mail) {
      assert.equal(x.subject, '“Steering group” has changed');
      assert.match(x.text_body, /The time is the same/);
      assert.equal(x.ics!.method, 'REQUEST');
      assert.equal(x.ics!.events[0]!.uid, m.uid);
      assert.equal(x.ics!.events[0]!.sequence, changed.sequence);
      assert.match(x.ics!.events[0]!.description, /Agree the budget\./);
    }
  });

  it('sends the invitation as preferences say: the calendar part only with an email sent at once', async () => {
    const bob = await f.signInAs(bo.personId);
    const saved = await bob.submit('/account/notifications', { 'meetings.invited': 'daily' }, '/account/notifications');
    assert.equal(saved.statusCode, 302);
    await schedule();
    await runJobs();
    const mail = await mailSince(0);
    assert.deepEqual(mail.map((x) => x.to_address), [amy.email]);
    const rows = await db().selectFrom('notifications').select(['person_id', 'delivery']).where('kind', '=', 'meetings.invited').orderBy('person_id').execute();
    assert.deepEqual(rows.map((r) => r.delivery).sort(), ['daily', 'immediately']);
  });

  it('answers from the email: the link shows one button, only the POST answers, and a wrong link does not work', async () => {
    const m = await schedule({ capacity: '1' });
    await runJobs();
    const link = (to: string, text: string) => {
      const body = (mail.find((x) => x.to_address === to)!).text_body;
      return new URL(new RegExp(`${text}:\\n(\\S+)`).exec(body)![1]!).pathname;
    };
    const mail = await outbox();
    const amyYes = link(amy.email, 'Yes, I am coming');
    const boYes = link(bo.email, 'Yes, I am coming');
    const anon = f.t.client();
    const page = await anon.get(amyYes);
    assert.equal(page.statusCode, 200);
    assert.match(mainText(page.body), /Steering group/);
    assert.match(mainText(page.body), /\(UK time\)/);
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0];
    assert.equal((main(page.body).match(/<button/g) ?? []).length, 1, 'one button');
    assert.match(page.body, /Yes, I am coming/);
    assert.equal((await db().selectFrom('meeting_responses').select('person_id').execute()).length, 0, 'following the link answers nothing');
    const yes = await anon.post(amyYes, {});
    assert.equal(yes.statusCode, 200);
    assert.match(mainText(yes.body), /Your answer is saved.*You have a place at this meeting/);
    const boAnswer = await anon.post(boYes, {});
    assert.match(mainText(boAnswer.body), /on the waiting list/);
    const maybe = await anon.post(link(amy.email, 'Maybe'), {});
    assert.match(mainText(maybe.body), /might come/);
    const rows = await db().selectFrom('meeting_responses').select(['person_id', 'response', 'place']).orderBy('person_id').execute();
    assert.deepEqual(rows.map((r) => ({ ...r })).sort((a, b) => a.person_id - b.person_id), [
      { person_id: amy.personId, response: 'maybe', place: null },
      { person_id: bo.personId, response: 'yes', place: 'attending' },
    ].sort((a, b) => a.person_id - b.person_id), 'Bo moved up when Amy gave up her place');

    // Tampered, for another meeting, a changed answer: "this link does not work", never a 500.
    const other = await schedule({ title: 'Other' });
    const token = amyYes.split('/').at(-1)!;
    const [payload, sig] = token.split('.') as [string, string];
    const changedAnswer = `${Buffer.from(`${amy.personId}:${m.id}:no`).toString('base64url')}.${sig}`;
    const otherPerson = `${Buffer.from(`${cy.personId}:${m.id}:yes`).toString('base64url')}.${sig}`;
    for (const url of [`/meetings/${other.id}/answer/${token}`, `/meetings/${m.id}/answer/${changedAnswer}`, `/meetings/${m.id}/answer/${otherPerson}`, `/meetings/${m.id}/answer/${payload}.${sig.slice(0, -2)}xx`, `/meetings/${m.id}/answer/${'a'.repeat(190)}`, `/meetings/${m.id}/answer/%00%ff`, `/meetings/${m.id}/answer/a.b.c`]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = method === 'GET' ? await anon.get(url) : await anon.post(url, {});
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.statusCode}`);
        // (A control character is turned away before the route, by the platform's input boundary.)
        assert.match(mainText(res.body), url.includes('%00') ? /Page not found|This link does not work/ : /This link does not work/, url);
      }
    }
    // A correctly signed link for someone not invited does not work either.
    const cyLink = `/meetings/${m.id}/answer/${answerToken(f.t.config.sessionSecret, { personId: cy.personId, meetingId: m.id, answer: 'yes' })}`;
    assert.equal((await anon.get(cyLink)).statusCode, 404);
    for (const url of [`/meetings/abc/answer/${token}`, `/meetings/0/answer/${token}`, `/meetings/1/answer/${'x'.repeat(400)}`]) {
      const res = await anon.get(url);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
    }

    // A cancelled meeting says so, on the page and on the POST, and saves nothing.
    await f.admin.submit(`/meetings/${m.id}/cancel`, {}, `/meetings/${m.id}/cancel`);
    assert.match(mainText((await anon.get(amyYes)).body), /This meeting is cancelled/);
    assert.doesNotMatch(main((await anon.get(amyYes)).body), /<button/);
    const late = await anon.post(amyYes, {});
    assert.equal(late.statusCode, 200);
    assert.match(mainText(late.body), /This meeting is cancelled.*your answer was not saved/);
    assert.equal((await db().selectFrom('meeting_responses').select('response').where('person_id', '=', amy.personId).executeTakeFirstOrThrow()).response, 'maybe');

    // After the end: the page and the POST say it has ended, and nothing is saved.
    const otherNo = `/meetings/${other.id}/answer/${answerToken(f.t.config.sessionSecret, { personId: amy.personId, meetingId: other.id, answer: 'no' })}`;
    f.t.clock.set('2026-07-01T10:30:00Z');
    assert.match(mainText((await anon.get(otherNo)).body), /This meeting has ended, so it is too late to answer/);
    const ended = await anon.post(otherNo, {});
    assert.match(mainText(ended.body), /This meeting has ended.*your answer was not saved/);
    assert.equal((await db().selectFrom('meeting_responses').select('person_id').where('meeting_id', '=', other.id).execute()).length, 0);
  });

  it('gives the .ics download and the page’s calendar links to invitees only, never for a draft', async () => {
    const m = await schedule();
    const draft = await schedule({ action: 'draft', title: 'Draft one' });
    const amyC = await f.signInAs(amy.personId);
    const cyC = await f.signInAs(cy.personId);
    const dl = await amyC.get(`/meetings/${m.id}/calendar.ics`);
    assert.equal(dl.statusCode, 200);
    assert.match(String(dl.headers['content-type']), /^text\/calendar; charset=utf-8/);
    assert.match(String(dl.headers['cache-control']), /private/);
    const ics = parseIcs(dl.body);
    assert.equal(ics.method, 'PUBLISH');
    assert.equal(ics.events[0]!.uid, m.uid);
    assert.equal(ics.events[0]!.start, iso(m.starts_at));
    assert.equal(ics.events[0]!.end, iso(m.ends_at));
    assert.ok(ics.events[0]!.description.includes(`${base()}/meetings/${m.id}/join`));
    assert.ok(!dl.body.includes(JOIN_URL));
    assert.equal((await cyC.get(`/meetings/${m.id}/calendar.ics`)).statusCode, 404, 'a non-invitee');
    assert.equal((await amyC.get(`/meetings/${draft.id}/calendar.ics`)).statusCode, 404, 'a draft, for an invitee');
    assert.equal((await f.admin.get(`/meetings/${draft.id}/calendar.ics`)).statusCode, 404, 'a draft, for its organiser');
    assert.equal((await f.t.client().get(`/meetings/${m.id}/calendar.ics`)).statusCode === 200, false, 'not signed in');
    for (const url of ['/meetings/abc/calendar.ics', '/meetings/0/calendar.ics', '/meetings/99999999999/calendar.ics', '/meetings/-1/calendar.ics']) {
      const res = await amyC.get(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
    }

    const page = await amyC.get(`/meetings/${m.id}`);
    const hrefs = [...page.body.matchAll(/href="([^"]+)"/g)].map((x) => x[1]!.replace(/&amp;/g, '&'));
    const outlook = new URL(hrefs.find((h) => h.startsWith('https://outlook.office.com/calendar/0/deeplink/compose'))!);
    assert.equal(outlook.searchParams.get('subject'), 'Steering group');
    assert.equal(outlook.searchParams.get('startdt'), '2026-07-01T09:00:00Z');
    assert.equal(outlook.searchParams.get('enddt'), '2026-07-01T10:30:00Z');
    assert.equal(outlook.searchParams.get('location'), `${base()}/meetings/${m.id}/join`);
    assert.ok(outlook.searchParams.get('body')!.includes(`${base()}/meetings/${m.id}`));
    const google = new URL(hrefs.find((h) => h.startsWith('https://calendar.google.com/calendar/render'))!);
    assert.equal(google.searchParams.get('action'), 'TEMPLATE');
    assert.equal(google.searchParams.get('text'), 'Steering group');
    assert.equal(google.searchParams.get('dates'), '20260701T090000Z/20260701T103000Z');
    assert.ok(google.searchParams.get('details')!.includes(`${base()}/meetings/${m.id}/join`));
    assert.ok(hrefs.includes(`/meetings/${m.id}/calendar.ics`));
    assert.ok(hrefs.includes('/help/calendar') && hrefs.includes('/account/calendar'));
    assert.ok(!page.body.includes(JOIN_URL));
    assert.doesNotMatch((await f.admin.get(`/meetings/${draft.id}`)).body, /Add to Outlook/, 'a draft has no calendar links');

    const help = await f.t.client().get('/help/calendar');
    assert.equal(help.statusCode, 200);
    assert.match(mainText(help.body), /Outlook on the web.*Google Calendar.*Apple Calendar.*every few hours.*Keep the link private/s);
    assert.match(mainText(help.body), /accepting or declining in your calendar does not tell us/);
  });

  it('gives each person a private feed of their own meetings, renewable and revocable', async () => {
    const m = await schedule();
    const cyOnly = await schedule({ title: 'Cy only', audiencePeople: cy.email });
    await schedule({ action: 'draft', title: 'Draft one' });
    const old = await schedule({ title: 'Long ago', 'date-day': '20', 'date-month': '3' });
    const gone = await schedule({ title: 'Cancelled one', 'date-day': '2' });
    await runJobs();
    await f.admin.submit(`/meetings/${gone.id}/cancel`, {}, `/meetings/${gone.id}/cancel`);
    const fresh = await schedule({ title: 'Just published' });
    const amyC = await f.signInAs(amy.personId);
    const account = await amyC.get('/account');
    assert.match(account.body, /href="\/account\/calendar"/);
    const off = await amyC.get('/account/calendar');
    assert.equal(off.statusCode, 200);
    assert.match(mainText(off.body), /Your feed is off/);
    const made = await amyC.submit('/account/calendar/new', {}, '/account/calendar');
    assert.equal(made.statusCode, 200);
    const feedUrl = /value="(http[^"]+\.ics)"/.exec(made.body)![1]!;
    assert.match(feedUrl, new RegExp(`^${base()}/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
    assert.match(made.body, /href="\/help\/calendar"/);
    const stored = await db().selectFrom('calendar_feeds').select('token_hash').executeTakeFirstOrThrow();
    assert.ok(!feedUrl.includes(stored.token_hash), 'only a hash is stored');

    // Months later: the meeting "Long ago" ended more than 90 days before.
    f.t.clock.set('2026-06-25T12:00:00Z');
    const anon = f.t.client();
    const feed = await anon.get(new URL(feedUrl).pathname);
    assert.equal(feed.statusCode, 200);
    assert.match(String(feed.headers['content-type']), /^text\/calendar; charset=utf-8/);
    assert.match(String(feed.headers['cache-control']), /^private/);
    const ics = parseIcs(feed.body);
    assert.equal(ics.method, 'PUBLISH');
    assert.deepEqual(ics.events.map((e) => e.summary).sort(), ['Cancelled one', 'Just published', 'Steering group']);
    const mine = ics.events.find((e) => e.uid === m.uid)!;
    assert.equal(mine.start, iso(m.starts_at));
    assert.equal(mine.end, iso(m.ends_at));
    assert.equal(mine.status, 'CONFIRMED');
    assert.equal(ics.events.find((e) => e.summary === 'Cancelled one')!.status, 'CANCELLED');
    assert.ok(!feed.body.includes(JOIN_URL));
    assert.ok(!ics.events.some((e) => e.uid === cyOnly.uid || e.summary === 'Draft one' || e.uid === old.uid));
    // Within 90 days of its end, a past meeting is still there.
    f.t.clock.set('2026-04-10T12:00:00Z');
    assert.ok(parseIcs((await anon.get(new URL(feedUrl).pathname)).body).events.some((e) => e.uid === old.uid));

    // Someone in a meeting's audience has it in their feed at once, before the invitation job runs.
    assert.ok(parseIcs((await anon.get(new URL(feedUrl).pathname)).body).events.some((e) => e.uid === fresh.uid));
    // An admin may see every meeting, but their feed holds only those for them (here, by name).
    const adminEmail = (await db().selectFrom('people').select('email').where('id', '=', f.admin.personId).executeTakeFirstOrThrow()).email;
    const adminC = await f.signInAs(f.admin.personId);
    assert.equal((await adminC.submit('/meetings/new', form({ title: 'For the admin', 'date-month': '12', audiencePeople: adminEmail }), '/meetings/new')).statusCode, 302);
    const forAdmin = await db().selectFrom('meetings').select('uid').where('title', '=', 'For the admin').executeTakeFirstOrThrow();
    const adminFeed = await adminC.submit('/account/calendar/new', {}, '/account/calendar');
    const adminUrl = /value="(http[^"]+\.ics)"/.exec(adminFeed.body)![1]!;
    assert.deepEqual(parseIcs((await anon.get(new URL(adminUrl).pathname)).body).events.map((e) => e.uid), [forAdmin.uid]);

    // A new link: the old one stops at once; turning off stops the new one.
    const renewed = await (await f.signInAs(amy.personId)).submit('/account/calendar/new', {}, '/account/calendar');
    const newUrl = /value="(http[^"]+\.ics)"/.exec(renewed.body)![1]!;
    assert.notEqual(newUrl, feedUrl);
    const revoked = await anon.get(new URL(feedUrl).pathname);
    assert.equal(revoked.statusCode, 404);
    assert.equal(revoked.body, 'Not found', 'no detail');
    assert.equal((await anon.get(new URL(newUrl).pathname)).statusCode, 200);
    const amyAgain = await f.signInAs(amy.personId);
    assert.match(mainText((await amyAgain.get('/account/calendar')).body), /Your feed is on/);
    const turnedOff = await amyAgain.submit('/account/calendar/off', {}, '/account/calendar');
    assert.equal(turnedOff.statusCode, 302);
    assert.equal((await anon.get(new URL(newUrl).pathname)).statusCode, 404);
    assert.match(mainText((await amyAgain.get('/account/calendar')).body), /Your feed is off/);

    for (const url of ['/calendar/x.ics', `/calendar/${'a'.repeat(43)}.ics`, `/calendar/${'a'.repeat(300)}.ics`, '/calendar/%00.ics', '/calendar/..%2F..%2Fetc.ics', `/calendar/${'a'.repeat(43)}`]) {
      const res = await anon.get(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
    }
    assert.ok((await f.t.client().get('/account/calendar')).statusCode !== 200, 'the feed page needs signing in');
    const noCsrf = await amyAgain.post('/account/calendar/new', {});
    assert.equal(noCsrf.statusCode, 403, 'making a link needs the form’s CSRF token');
  });

  it('exports and erases a person’s invitations and feed', async () => {
    const m = await schedule();
    await runJobs();
    await (await f.signInAs(amy.personId)).submit('/account/calendar/new', {}, '/account/calendar');
    const out = await calendarPersonalData.exportPerson(db(), amy.personId);
    assert.deepEqual((out.meeting_invitations as { meeting_id: number; title: string }[]).map((r) => [r.meeting_id, r.title]), [[m.id, 'Steering group']]);
    assert.equal((out.calendar_feed as unknown[]).length, 1);
    await inTransaction(db(), (tx) => calendarPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    const after = await calendarPersonalData.exportPerson(db(), amy.personId);
    assert.deepEqual(after.meeting_invitations, []);
    assert.deepEqual(after.calendar_feed, []);
    assert.equal((await db().selectFrom('meeting_invitations').select('person_id').execute()).length, 1, 'Bo’s is kept');
    // rsvp still works for others after an erasure (nothing of theirs was touched).
    assert.ok((await rsvp(db(), { id: bo.personId, role: 'participant' }, f.programmeId, m.id, 'yes', ctx())).ok);
  });
});

