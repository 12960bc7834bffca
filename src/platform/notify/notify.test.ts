// notify(), preferences, digests and unsubscribing, on both engines, with a clock the tests move.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { upsertPerson, setProgrammeMailStopped } from '../auth/people.ts';
import { inTransaction } from '../db/database.ts';
import { declareNotificationKinds } from './kinds.ts';
import { declareItemVisibility, lastPeriod, sendDigests } from './digest.ts';
import { notify, notifyMany, setPreferences, type NotifyContext } from './notify.ts';
import { unsubscribeToken } from './unsubscribe.ts';

declareNotificationKinds(
  { kind: 'test.news', label: 'When something new is posted for you', defaultDelivery: 'immediately' },
  { kind: 'test.reply', label: 'When someone replies to you', defaultDelivery: 'daily' },
  { kind: 'test.moved', label: 'When a meeting you are invited to moves', defaultDelivery: 'immediately', essential: true },
);
// Items of kind 'test-secret' are visible only while their id is in this set.
const visibleSecrets = new Set<number>();
declareItemVisibility('test-secret', async (_db, _person, ids) => new Set(ids.filter((id) => visibleSecrets.has(id))));

let t: TestApp;
let ctx: NotifyContext;
beforeEach(async () => {
  t = await createTestApp();
  ctx = { clock: t.clock, baseUrl: t.config.baseUrl, secret: t.config.sessionSecret };
  visibleSecrets.clear();
});
afterEach(() => t.close());

async function person(name = 'Ada Example') {
  const { person } = await upsertPerson(t.data.db, { email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`, name, role: 'participant' }, t.clock);
  return person.id;
}
const item = (id: number, over: Partial<{ kind: string; title: string; group: string }> = {}) => ({ kind: over.kind ?? 'test-item', id, title: over.title ?? `Item ${id}`, url: `/items/${id}`, group: over.group ?? 'Project A' });
const message = { subject: 'Something new for you', greeting: 'Hello,', parts: ['There is something new.'] };
const send = (personId: number, kind: string, i = item(1)) => inTransaction(t.data.db, (tx) => notify(tx, ctx, personId, kind, i, message));
const outbox = () => t.data.db.selectFrom('outbox').selectAll().orderBy('id').execute();

describe(`notify() on ${TEST_ENGINE}`, () => {
  it('emails at once by default, with one-click unsubscribe for the kind and a link to the settings', async () => {
    const ada = await person();
    assert.equal(await send(ada, 'test.news'), 'immediately');
    const [mail] = await outbox();
    assert.equal(mail!.to_address, 'ada.example@example.org');
    const headers = JSON.parse(mail!.headers!) as Record<string, string>;
    assert.match(headers['List-Unsubscribe']!, /^<http:\/\/localhost:3000\/unsubscribe\/[\w-]+\.[\w-]+>$/);
    assert.equal(headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    assert.match(mail!.text_body, /http:\/\/localhost:3000\/account\/notifications/);
    assert.match(mail!.text_body, /Stop emails about this/);
  });

  it('carries a calendar invitation through to an email sent at once, and none without one', async () => {
    const ada = await person();
    const calendar = { method: 'REQUEST' as const, filename: 'invite.ics', content: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n' };
    await inTransaction(t.data.db, (tx) => notify(tx, ctx, ada, 'test.news', item(1), { ...message, calendar }));
    await send(ada, 'test.news', item(2));
    const [withIt, without] = await outbox();
    assert.deepEqual(JSON.parse(withIt!.calendar_event!), calendar);
    assert.equal(without!.calendar_event, null);
    // Kept for a digest: no email now, so no calendar part either (the digest line has none).
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'daily' }, t.clock));
    assert.equal(await inTransaction(t.data.db, (tx) => notify(tx, ctx, ada, 'test.news', item(3), { ...message, calendar })), 'daily');
    assert.equal((await outbox()).length, 2);
  });

  it('sets where replies go when the message says (an essential kind too), beside the unsubscribe headers', async () => {
    const ada = await person();
    await inTransaction(t.data.db, (tx) => notify(tx, ctx, ada, 'test.news', item(1), { ...message, replyTo: 'programme+t0k3n@example.org' }));
    await inTransaction(t.data.db, (tx) => notify(tx, ctx, ada, 'test.moved', item(2), { ...message, replyTo: 'programme+other@example.org' }));
    const [news, moved] = await outbox();
    const newsHeaders = JSON.parse(news!.headers!) as Record<string, string>;
    assert.equal(newsHeaders['Reply-To'], 'programme+t0k3n@example.org');
    assert.ok(newsHeaders['List-Unsubscribe']);
    assert.deepEqual(JSON.parse(moved!.headers!), { 'Reply-To': 'programme+other@example.org' });
  });

  it('honours each choice: daily and weekly wait for a digest, off only records it', async () => {
    const ada = await person();
    for (const [delivery, expected] of [['daily', 'daily'], ['weekly', 'weekly'], ['off', 'off'], ['immediately', 'immediately']] as const) {
      await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': delivery }, t.clock));
      assert.equal(await send(ada, 'test.news'), expected);
    }
    assert.equal((await outbox()).length, 1, 'only the "straight away" one was emailed');
    // Choosing "straight away" at the end takes the two still waiting out of their digests:
    // the choice is about mail from now on, so they are not emailed after all.
    const rows = await t.data.db.selectFrom('notifications').select('delivery').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => r.delivery), ['off', 'off', 'off', 'immediately']);
  });

  it('always sends essential mail, without an unsubscribe link, whatever was chosen', async () => {
    const ada = await person();
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.moved': 'off' }, t.clock));
    assert.equal(await send(ada, 'test.moved'), 'immediately');
    const [mail] = await outbox();
    assert.equal(mail!.headers, null);
    assert.doesNotMatch(mail!.text_body, /Stop emails/);
    assert.match(mail!.text_body, /account\/notifications/, 'still links to the settings');
  });

  it('sends a withdrawn person no programme mail at all, but still what is essential', async () => {
    const ada = await person();
    await setProgrammeMailStopped(t.data.db, ada, true, t.clock);
    assert.equal(await send(ada, 'test.news'), 'withheld');
    assert.equal(await send(ada, 'test.reply'), 'withheld');
    assert.equal((await outbox()).length, 0);
    assert.equal(await send(ada, 'test.moved'), 'immediately');
    assert.equal((await outbox()).length, 1);
  });

  it('refuses a kind nobody declared, and writes nothing', async () => {
    const ada = await person();
    await assert.rejects(send(ada, 'test.undeclared'), /never declared/);
    assert.equal((await t.data.db.selectFrom('notifications').select('id').execute()).length, 0);
  });

  it('tells many people at once (notifyMany) exactly as notify() would tell each, in one transaction', async () => {
    const [ada, bea, cal, dev, eve] = [await person('Ada Example'), await person('Bea Example'), await person('Cal Example'), await person('Dev Example'), await person('Eve Example')];
    await inTransaction(t.data.db, (tx) => setPreferences(tx, bea, { 'test.news': 'weekly' }, t.clock));
    await inTransaction(t.data.db, (tx) => setPreferences(tx, cal, { 'test.news': 'off', 'test.moved': 'off' }, t.clock));
    await setProgrammeMailStopped(t.data.db, dev, true, t.clock);
    const to = (personId: number, kind: string, subject = `For ${personId}`) => ({ personId, kind, message: { ...message, subject, replyTo: `programme+${personId}@example.org` } });
    const recipients = [to(ada, 'test.news'), to(bea, 'test.news'), to(cal, 'test.news'), to(dev, 'test.news'), to(999_999, 'test.news'), to(cal, 'test.moved'), to(eve, 'test.reply')];
    const outcomes = await inTransaction(t.data.db, (tx) => notifyMany(tx, ctx, item(7), recipients));
    assert.deepEqual(outcomes, ['immediately', 'weekly', 'off', 'withheld', 'no-such-person', 'immediately', 'daily']);
    const rows = await t.data.db.selectFrom('notifications').select(['person_id', 'kind', 'delivery', 'item_id', 'title']).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.person_id, r.kind, r.delivery, r.item_id]), [
      [ada, 'test.news', 'immediately', 7],
      [bea, 'test.news', 'weekly', 7],
      [cal, 'test.news', 'off', 7],
      [dev, 'test.news', 'withheld', 7],
      [cal, 'test.moved', 'immediately', 7],
      [eve, 'test.reply', 'daily', 7],
    ]);
    // Each email is that person's own: their address, subject, reply address and unsubscribe link; essential mail has none.
    const mail = await outbox();
    assert.deepEqual(mail.map((m) => [m.to_address, m.subject]), [['ada.example@example.org', `For ${ada}`], ['cal.example@example.org', `For ${cal}`]]);
    const adaHeaders = JSON.parse(mail[0]!.headers!) as Record<string, string>;
    assert.equal(adaHeaders['Reply-To'], `programme+${ada}@example.org`);
    assert.ok(adaHeaders['List-Unsubscribe']);
    assert.deepEqual(JSON.parse(mail[1]!.headers!), { 'Reply-To': `programme+${cal}@example.org` });
    assert.match(mail[0]!.text_body, /Stop emails about this/);
    assert.doesNotMatch(mail[1]!.text_body, /Stop emails/);

    // An undeclared kind anywhere in the batch writes nothing; so does a rolled-back change.
    await assert.rejects(inTransaction(t.data.db, (tx) => notifyMany(tx, ctx, item(8), [to(ada, 'test.news'), to(bea, 'test.undeclared')])), /never declared/);
    await assert.rejects(inTransaction(t.data.db, async (tx) => {
      await notifyMany(tx, ctx, item(9), [to(ada, 'test.news'), to(eve, 'test.news')]);
      throw new Error('the change failed');
    }));
    assert.equal((await t.data.db.selectFrom('notifications').select('id').execute()).length, 6);
    assert.equal((await outbox()).length, 2);
  });

  it('tells more people than one statement takes (notifyMany in slices of 500)', async () => {
    const now = t.clock().toISOString();
    const many = Array.from({ length: 1201 }, (_, i) => ({ email: `many${i}@example.org`, email_normalised: `many${i}@example.org`, name: `Many ${i}`, role: 'participant' as const, status: 'active' as const, created_at: now, updated_at: now, programme_mail_stopped_at: null }));
    const ids: number[] = [];
    for (let i = 0; i < many.length; i += 200) ids.push(...(await t.data.db.insertInto('people').values(many.slice(i, i + 200)).returning('id').execute()).map((r) => r.id));
    const outcomes = await inTransaction(t.data.db, (tx) => notifyMany(tx, ctx, item(1), ids.map((personId) => ({ personId, kind: 'test.news', message }))));
    assert.equal(outcomes.length, 1201);
    assert.ok(outcomes.every((o) => o === 'immediately'));
    assert.equal((await outbox()).length, 1201);
    assert.deepEqual(new Set((await t.data.db.selectFrom('notifications').select('person_id').execute()).map((r) => r.person_id)), new Set(ids));
  });

  it('tells nobody when the change it belongs to is rolled back', async () => {
    const ada = await person();
    await assert.rejects(inTransaction(t.data.db, async (tx) => {
      await notify(tx, ctx, ada, 'test.news', item(1), message);
      throw new Error('the change failed');
    }));
    assert.equal((await outbox()).length, 0);
    assert.equal((await t.data.db.selectFrom('notifications').select('id').execute()).length, 0);
  });
});

describe(`digests on ${TEST_ENGINE}`, () => {
  it('works out London days and Monday weeks across the clock changes', () => {
    // 00:30 on 1 July in London is 23:30 UTC on 30 June.
    const july = lastPeriod('daily', new Date('2026-07-01T23:30:00Z'));
    assert.deepEqual([july.first, july.start.toISOString(), july.end.toISOString()], ['2026-07-01', '2026-06-30T23:00:00.000Z', '2026-07-01T23:00:00.000Z']);
    const winter = lastPeriod('daily', new Date('2026-12-02T00:00:00Z'));
    assert.deepEqual([winter.first, winter.start.toISOString(), winter.end.toISOString()], ['2026-12-01', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z']);
    // Clocks went back on Sunday 25 October 2026: that week is 169 hours long.
    const week = lastPeriod('weekly', new Date('2026-10-26T09:00:00Z'));
    assert.deepEqual([week.first, week.last], ['2026-10-19', '2026-10-25']);
    assert.equal((week.end.getTime() - week.start.getTime()) / 3600000, 169);
  });

  it('sends one daily digest holding each item of the London day once, grouped by project and kind', async () => {
    const ada = await person();
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'daily' }, t.clock));
    // Summer: the London day of 1 July runs from 23:00 UTC on 30 June to 23:00 UTC on 1 July.
    t.clock.set('2026-06-30T22:59:59Z'); // still 30 June in London
    await send(ada, 'test.news', item(1, { title: 'Yesterday' }));
    t.clock.set('2026-06-30T23:00:00Z'); // the first second of 1 July
    await send(ada, 'test.news', item(2, { title: 'Agenda for the steering group' }));
    t.clock.set('2026-07-01T12:00:00Z');
    await send(ada, 'test.reply', item(3, { title: 'Your question about training', group: 'Project B' }));
    await send(ada, 'test.reply', item(3, { title: 'Your question about training', group: 'Project B' }));
    t.clock.set('2026-07-01T22:59:59Z'); // the last second of 1 July
    await send(ada, 'test.news', item(4, { title: 'Late news' }));
    t.clock.set('2026-07-01T23:00:00Z'); // 2 July: belongs to the next digest
    await send(ada, 'test.news', item(5, { title: 'Tomorrow' }));

    t.clock.set('2026-06-30T23:30:00Z'); // 00:30 on 1 July: the digest for 30 June
    assert.deepEqual(await sendDigests(t.data.db, ctx, 'daily'), { sent: 1, empty: 0, alreadySent: 0 });
    t.clock.set('2026-07-01T23:30:00Z'); // 00:30 on 2 July: the digest for 1 July
    assert.deepEqual(await sendDigests(t.data.db, ctx, 'daily'), { sent: 1, empty: 0, alreadySent: 0 });
    const [first, second] = await outbox();
    assert.match(first!.text_body, /Yesterday/);
    assert.doesNotMatch(first!.text_body, /Agenda/);
    assert.equal(second!.subject, 'Your daily summary: 3 updates');
    assert.match(second!.text_body, /on 1 July 2026 \(UK time\)/);
    for (const title of ['Agenda for the steering group', 'Your question about training \\(2 updates\\)', 'Late news']) assert.match(second!.text_body, new RegExp(title));
    assert.doesNotMatch(second!.text_body, /Tomorrow|Yesterday/);
    assert.equal(second!.text_body.match(/Your question about training/g)!.length, 1, 'each item once');
    assert.ok(second!.text_body.indexOf('PROJECT A') < second!.text_body.indexOf('PROJECT B'));
    assert.match(second!.text_body, /http:\/\/localhost:3000\/items\/2/);
    assert.match(JSON.parse(second!.headers!)['List-Unsubscribe'] as string, /unsubscribe/);

    // Run again (a retry, or a second instance): nothing more is sent.
    assert.deepEqual(await sendDigests(t.data.db, ctx, 'daily'), { sent: 0, empty: 0, alreadySent: 0 });
    assert.equal((await outbox()).length, 2);
  });

  it('sends a weekly digest for Monday to Sunday, London time', async () => {
    const ada = await person();
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'weekly' }, t.clock));
    t.clock.set('2026-11-29T23:59:59Z'); // Sunday 29 November, last second
    await send(ada, 'test.news', item(1, { title: 'Sunday night' }));
    t.clock.set('2026-11-30T00:00:00Z'); // Monday: next week
    await send(ada, 'test.news', item(2, { title: 'Monday morning' }));
    t.clock.set('2026-11-30T07:00:00Z');
    assert.equal((await sendDigests(t.data.db, ctx, 'weekly')).sent, 1);
    const [mail] = await outbox();
    assert.match(mail!.text_body, /week from Monday 23 November 2026 to Sunday 29 November 2026/);
    assert.match(mail!.text_body, /Sunday night/);
    assert.doesNotMatch(mail!.text_body, /Monday morning/);
  });

  it('holds only what the person may still see, and sends nothing when nothing is left', async () => {
    const ada = await person();
    const ben = await person('Ben Example');
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'daily' }, t.clock));
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ben, { 'test.news': 'daily' }, t.clock));
    visibleSecrets.add(7);
    await send(ada, 'test.news', item(7, { kind: 'test-secret', title: 'Still yours' }));
    await send(ada, 'test.news', item(8, { kind: 'test-secret', title: 'Taken away' }));
    await send(ben, 'test.news', item(8, { kind: 'test-secret', title: 'Taken away' }));
    t.clock.advance(24 * 3600_000);
    assert.deepEqual(await sendDigests(t.data.db, ctx, 'daily'), { sent: 1, empty: 1, alreadySent: 0 });
    const mails = await outbox();
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.to_address, 'ada.example@example.org');
    assert.match(mails[0]!.text_body, /Still yours/);
    assert.doesNotMatch(mails[0]!.text_body, /Taken away/);
  });

  it('sends no digest at all to people with nothing waiting', async () => {
    await person();
    t.clock.advance(24 * 3600_000);
    assert.deepEqual(await sendDigests(t.data.db, ctx, 'daily'), { sent: 0, empty: 0, alreadySent: 0 });
    assert.equal((await outbox()).length, 0);
  });

  it('leaves out what waits for a digest once the person turns the kind off', async () => {
    const ada = await person();
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'daily' }, t.clock));
    await send(ada, 'test.news', item(1));
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'off' }, t.clock));
    t.clock.advance(24 * 3600_000);
    assert.equal((await sendDigests(t.data.db, ctx, 'daily')).sent, 0);
  });
});

describe(`unsubscribing and the settings page on ${TEST_ENGINE}`, () => {
  const choiceOf = async (personId: number, kind: string) =>
    (await t.data.db.selectFrom('notification_preferences').select('delivery').where('person_id', '=', personId).where('kind', '=', kind).executeTakeFirst())?.delivery;

  it('works signed out: the link asks, the button stops that kind for that person only', async () => {
    const ada = await person();
    const token = unsubscribeToken(t.config.sessionSecret, { personId: ada, kind: 'test.news' });
    const c = t.client();
    const page = await c.get(`/unsubscribe/${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /emails when something new is posted for you/);
    assert.equal(await choiceOf(ada, 'test.news'), undefined, 'opening the link changes nothing');
    const done = await c.post(`/unsubscribe/${token}`, {});
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /You will not get these emails/);
    assert.equal(await choiceOf(ada, 'test.news'), 'off');
    assert.equal(await send(ada, 'test.news'), 'off');
  });

  it("takes a mail client's one-click POST (RFC 8058)", async () => {
    const ada = await person();
    const token = unsubscribeToken(t.config.sessionSecret, { personId: ada, kind: 'test.reply' });
    const res = await t.client().post(`/unsubscribe/${token}`, { 'List-Unsubscribe': 'One-Click' });
    assert.equal(res.statusCode, 200);
    assert.equal(await choiceOf(ada, 'test.reply'), 'off');
  });

  it('stops a whole digest from its own link', async () => {
    const ada = await person();
    await inTransaction(t.data.db, (tx) => setPreferences(tx, ada, { 'test.news': 'daily', 'test.reply': 'daily' }, t.clock));
    const token = unsubscribeToken(t.config.sessionSecret, { personId: ada, kind: 'digest:daily' });
    assert.equal((await t.client().post(`/unsubscribe/${token}`, {})).statusCode, 200);
    assert.equal(await choiceOf(ada, 'test.news'), 'off');
    assert.equal(await choiceOf(ada, 'test.reply'), 'off');
  });

  it('refuses a forged token, another person\u2019s, a changed kind and an essential kind', async () => {
    const ada = await person();
    const ben = await person('Ben Example');
    const token = unsubscribeToken(t.config.sessionSecret, { personId: ada, kind: 'test.news' });
    const [, sig] = token.split('.');
    const forBen = `${Buffer.from(`${ben}:test.news`).toString('base64url')}.${sig}`;
    const otherKind = `${Buffer.from(`${ada}:test.reply`).toString('base64url')}.${sig}`;
    const wrongSecret = unsubscribeToken('some-other-secret-that-is-long-enough!!', { personId: ben, kind: 'test.news' });
    const essential = unsubscribeToken(t.config.sessionSecret, { personId: ada, kind: 'test.moved' });
    for (const bad of [forBen, otherKind, wrongSecret, essential, `${token}x`, 'not-a-token-at-all']) {
      const res = await t.client().post(`/unsubscribe/${bad}`, {});
      assert.equal(res.statusCode, 404, bad);
      assert.match(res.body, /This unsubscribe link does not work/);
    }
    assert.equal(await choiceOf(ben, 'test.news'), undefined);
    assert.equal(await choiceOf(ada, 'test.reply'), undefined);
  });

  it('lists every kind on the settings page and saves choices; a bad value is explained, nothing saved', async () => {
    const c = await t.signedIn('participant');
    const page = await c.get('/account/notifications');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /When something new is posted for you/);
    assert.match(page.body, /Always sent[\s\S]*when a meeting you are invited to moves/);
    const saved = await c.submit('/account/notifications', { 'test.news': 'weekly', 'test.reply': 'off' }, '/account/notifications');
    assert.equal(saved.statusCode, 302);
    assert.equal(await choiceOf(c.personId, 'test.news'), 'weekly');
    assert.equal(await choiceOf(c.personId, 'test.reply'), 'off');
    const bad = await c.submit('/account/notifications', { 'test.news': 'hourly', 'test.reply': 'daily' }, '/account/notifications');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /There is a problem/);
    assert.equal(await choiceOf(c.personId, 'test.reply'), 'off', 'nothing saved from a form with an error');
    assert.equal((await t.client().get('/account/notifications')).statusCode, 302, 'signed out: sent to sign in');
  });
});
