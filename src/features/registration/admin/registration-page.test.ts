import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { h1 } from '../../../../test/helpers/app.ts';
import { upsertPerson } from '../../../platform/auth/people.ts';
import { withdrawParticipant } from '../service.ts';
import { register, seededApp, type Seeded } from './test-factory.ts';

describe('a registration, for the programme team', () => {
  let s: Seeded;
  beforeEach(async () => {
    s = await seededApp();
  });
  afterEach(() => s.t.close());

  const db = () => s.t.data.db;
  const mailTo = (email: string) => db().selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('id').execute();
  const reg = (id: number) => db().selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const history = (id: number) => db().selectFrom('registration_events').selectAll().where('registration_id', '=', id).orderBy('id').execute();

  it('shows every detail in words, with its status, history and notes', async () => {
    const r = await register(
      s,
      { fullName: 'Priya Shah', email: 'priya.shah@example.org', organisationName: 'Example Trust', department: 'Radiotherapy unit', nation: 'England', region: 'South West', serviceType: 'radiotherapy', jobTitle: 'Assistant practitioner', roleGroup: 'ap', afcBand: '4', aims: [2, 6], participation: ['meetings', 'commenting'], adjustments: 'Captions in meetings' },
      { at: '2026-03-02T09:30:00Z', confirm: true },
    );
    const page = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.equal(page.statusCode, 200);
    assert.equal(h1(page.body), 'Priya Shah');
    assert.match(page.body, new RegExp(`<title>Priya Shah \\(${r.reference}\\) – `));
    for (const text of [
      r.reference,
      'govuk-tag--blue">\\s*New',
      'Web form',
      'Yes, ',
      'priya.shah@example.org',
      'Example Trust',
      'Radiotherapy unit',
      'South West',
      'Radiotherapy \\(therapeutic radiography\\)',
      'Assistant practitioner \\(AP\\)',
      'Band 4',
      'Aim 2: ',
      'Aim 6: ',
      'Captions in meetings',
      'Given ',
    ]) {
      assert.match(page.body, new RegExp(text), text);
    }
    // Participation methods and aims by their titles from the programme's own tables.
    const methods = await db().selectFrom('participation_methods').select(['key', 'title']).execute();
    for (const key of ['meetings', 'commenting']) assert.ok(page.body.includes(methods.find((m) => m.key === key)!.title), key);
    const aim2 = await db().selectFrom('aims').select('title').where('number', '=', 2).executeTakeFirstOrThrow();
    assert.ok(page.body.includes(`Aim 2: ${aim2.title}`));
    // History: made on the web, then confirmed.
    assert.match(page.body, /Registered by the web form/);
    assert.match(page.body, /Email address confirmed/);
    assert.match(page.body, /No notes yet/);

    const tooLong = await s.admin.submit(`/admin/registrations/${r.id}/notes`, { body: 'x'.repeat(2001) }, `/admin/registrations/${r.id}`);
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /<a href="#body">Note must be 2,000 characters or fewer<\/a>/);
    assert.ok(tooLong.body.includes('x'.repeat(2001)), 'the note as typed is kept');
    const empty = await s.admin.submit(`/admin/registrations/${r.id}/notes`, { body: '   ' }, `/admin/registrations/${r.id}`);
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter a note/);

    const added = await s.admin.submit(`/admin/registrations/${r.id}/notes`, { body: 'Phoned; <b>keen</b> on sub-group 2.' }, `/admin/registrations/${r.id}`);
    assert.equal(added.statusCode, 302);
    assert.equal(added.headers.location, `/admin/registrations/${r.id}?done=note#notes`);
    const withNote = await s.admin.get(`/admin/registrations/${r.id}?done=note`);
    assert.match(withNote.body, /Note added\./);
    assert.match(withNote.body, /Phoned; &lt;b&gt;keen&lt;\/b&gt; on sub-group 2\./);
    assert.match(withNote.body, /Test admin, /);
    assert.equal((await db().selectFrom('audit_events').selectAll().where('action', '=', 'registration.note').where('record_id', '=', String(r.id)).execute()).length, 1);

    // A note keeps its line breaks, and stays text.
    await s.admin.submit(`/admin/registrations/${r.id}/notes`, { body: 'Called twice:\r\n- Monday, no answer\n- <i>Tuesday</i>, keen' }, `/admin/registrations/${r.id}`);
    const lines = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.match(lines.body, /Called twice:<br \/>\n- Monday, no answer<br \/>\n- &lt;i&gt;Tuesday&lt;\/i&gt;, keen/);
  });

  it('says whether an email registration has confirmed, and links one needing review to its review page', async () => {
    const byEmail = await register(s, { fullName: 'Owen Price', afcBand: null, aims: [], participation: [] }, { channel: 'email' });
    const page = await s.admin.get(`/admin/registrations/${byEmail.id}`);
    assert.match(page.body, /<dd class="govuk-summary-list__value">\s*Email\s*<\/dd>/);
    assert.match(page.body, /No, not yet/);
    assert.match(page.body, /None chosen/);
    assert.doesNotMatch(page.body, /Complete this registration/);

    const review = await register(s, { fullName: 'Unclear Sender' }, { needsReview: true });
    const reviewPage = await s.admin.get(`/admin/registrations/${review.id}`);
    assert.match(reviewPage.body, new RegExp(`<a class="govuk-link" href="/admin/review/${review.id}">Complete this registration</a>`));
    assert.doesNotMatch(reviewPage.body, /action="\/admin\/registrations\/\d+\/accept"/);
    const refused = await s.admin.submit(`/admin/registrations/${review.id}/accept`, {}, `/admin/registrations/${byEmail.id}`);
    assert.equal(refused.headers.location, `/admin/registrations/${review.id}?refused=accept`);
    assert.match((await s.admin.get(refused.headers.location as string)).body, /That could not be done: it came by email and needs completing first, so it cannot be accepted yet\./);
    assert.equal((await reg(review.id)).status, 'needs_review');
  });

  it('accepts: participant account, welcome email with a sign-in link, history and audit', async () => {
    const r = await register(s, { fullName: 'Ann Abbott', email: 'ann.abbott@example.org' }, { confirm: true });
    const page = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.match(page.body, /action="\/admin\/registrations\/\d+\/accept"/);
    const pokes = s.t.pokes.count;
    const res = await s.admin.submit(`/admin/registrations/${r.id}/accept`, {}, `/admin/registrations/${r.id}`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, `/admin/registrations/${r.id}?done=accept`);
    assert.ok(s.t.pokes.count > pokes);

    const after = await reg(r.id);
    assert.equal(after.status, 'accepted');
    const person = await db().selectFrom('people').selectAll().where('id', '=', after.person_id!).executeTakeFirstOrThrow();
    assert.equal(person.role, 'participant');
    assert.equal(person.email, 'ann.abbott@example.org');
    const welcome = (await mailTo('ann.abbott@example.org')).at(-1)!;
    assert.match(welcome.subject, /Welcome/);
    assert.match(welcome.text_body, new RegExp(`${s.t.config.baseUrl}/sign-in/`));
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'registration.accept').where('record_id', '=', String(r.id)).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_id, s.admin.personId);
    const events = await history(r.id);
    assert.equal(events.at(-1)!.action, 'accepted');
    assert.equal(events.at(-1)!.actor_id, s.admin.personId);

    const shown = await s.admin.get(res.headers.location as string);
    assert.match(shown.body, /Registration accepted\./);
    assert.match(shown.body, /govuk-tag--green">\s*Accepted/);
    assert.match(shown.body, /Accepted; participant account active and welcome email sent/);
    assert.match(shown.body, /Test admin/);
  });

  it('accepts an unconfirmed registration only with the team’s reason, which the history keeps', async () => {
    const r = await register(s, { fullName: 'Uma Unconfirmed' });
    const url = `/admin/registrations/${r.id}/accept`;
    const ask = await s.admin.submit(url, {}, `/admin/registrations/${r.id}`);
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /Accept Uma Unconfirmed with a reason\?/);
    assert.match(ask.body, /has not confirmed their email address/);
    assert.equal((await reg(r.id)).status, 'unconfirmed', 'nothing changes until a reason is given');
    const empty = await s.admin.submit(url, { confirm: 'yes', reason: '  ' }, `/admin/registrations/${r.id}`);
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /href="#reason">Say why you are accepting them now/);
    const done = await s.admin.submit(url, { confirm: 'yes', reason: 'Consent given on a call on 3 June' }, `/admin/registrations/${r.id}`);
    assert.equal(done.headers.location, `/admin/registrations/${r.id}?done=accept`);
    const after = await reg(r.id);
    assert.equal(after.status, 'accepted');
    assert.ok(after.consent_at, 'the reason stands as the record of consent');
    const page = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.match(page.body, /Accepted without a confirmed email address, because: Consent given on a call on 3 June/);
  });

  it('keeps an existing admin an admin when accepting their registration', async () => {
    await upsertPerson(db(), { email: 'lead@example.org', name: 'Programme Lead', role: 'admin' }, s.t.clock);
    const r = await register(s, { email: 'lead@example.org', fullName: 'Programme Lead' }, { confirm: true });
    await s.admin.submit(`/admin/registrations/${r.id}/accept`, {}, `/admin/registrations/${r.id}`);
    assert.equal((await reg(r.id)).status, 'accepted');
    assert.equal((await db().selectFrom('people').select('role').where('email_normalised', '=', 'lead@example.org').executeTakeFirstOrThrow()).role, 'admin');
  });

  it('waitlists, with history and audit', async () => {
    const r = await register(s, {}, { confirm: true });
    const mails = (await mailTo(r.email!)).length;
    const res = await s.admin.submit(`/admin/registrations/${r.id}/waitlist`, {}, `/admin/registrations/${r.id}`);
    assert.equal(res.headers.location, `/admin/registrations/${r.id}?done=waitlist`);
    assert.equal((await reg(r.id)).status, 'waitlisted');
    assert.equal((await mailTo(r.email!)).length, mails, 'no email');
    assert.equal((await history(r.id)).at(-1)!.action, 'waitlisted');
    assert.equal((await db().selectFrom('audit_events').selectAll().where('action', '=', 'registration.waitlist').where('record_id', '=', String(r.id)).execute()).length, 1);
    const page = await s.admin.get(res.headers.location as string);
    assert.match(page.body, /Registration waitlisted\./);
    assert.doesNotMatch(page.body, /action="\/admin\/registrations\/\d+\/waitlist"/);
  });

  it('declines after a confirmation page: without a message no email, with one the message is emailed', async () => {
    const quiet = await register(s, { fullName: 'Quiet Quinn' }, { confirm: true });
    const form = await s.admin.get(`/admin/registrations/${quiet.id}/decline`);
    assert.equal(form.statusCode, 200);
    assert.equal(h1(form.body), 'Decline Quiet Quinn’s registration');
    assert.match(form.body, /<textarea class="govuk-textarea" id="message" name="message"/);
    const before = (await mailTo(quiet.email!)).length;
    const res = await s.admin.submit(`/admin/registrations/${quiet.id}/decline`, { message: '   ' }, `/admin/registrations/${quiet.id}/decline`);
    assert.equal(res.headers.location, `/admin/registrations/${quiet.id}?done=decline`);
    assert.equal((await reg(quiet.id)).status, 'declined');
    assert.equal((await mailTo(quiet.email!)).length, before, 'no email without a message');
    assert.equal((await history(quiet.id)).at(-1)!.detail, 'Declined');

    const told = await register(s, { fullName: 'Told Taylor' }, { confirm: true });
    const tooLong = await s.admin.submit(`/admin/registrations/${told.id}/decline`, { message: 'y'.repeat(2001) }, `/admin/registrations/${told.id}/decline`);
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /Message must be 2,000 characters or fewer/);
    assert.ok(tooLong.body.includes('y'.repeat(2001)));
    assert.equal((await reg(told.id)).status, 'new');
    await s.admin.submit(`/admin/registrations/${told.id}/decline`, { message: 'The groups are full this round. Thank you.' }, `/admin/registrations/${told.id}/decline`);
    assert.equal((await reg(told.id)).status, 'declined');
    const mail = (await mailTo(told.email!)).at(-1)!;
    assert.match(mail.text_body, /The groups are full this round\. Thank you\./);
    assert.match(mail.text_body, new RegExp(told.reference));
    assert.equal((await history(told.id)).at(-1)!.detail, 'Declined with a message to the person');
    assert.match((await s.admin.get(`/admin/registrations/${told.id}?done=decline`)).body, /Registration declined\./);
  });

  it('explains clearly why a withdrawn registration cannot be changed', async () => {
    const r = await register(s, { fullName: 'Wren Walker' }, { confirm: true });
    await s.admin.submit(`/admin/registrations/${r.id}/accept`, {}, `/admin/registrations/${r.id}`);
    await withdrawParticipant(db(), (await reg(r.id)).person_id!, s.t.clock);
    const page = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.match(page.body, /Wren Walker has withdrawn from the programme, so this registration cannot be changed/);
    assert.doesNotMatch(page.body, /action="\/admin\/registrations\/\d+\/(accept|waitlist)"/);
    for (const action of ['accept', 'waitlist', 'decline']) {
      const res = await s.admin.submit(`/admin/registrations/${r.id}/${action}`, {}, `/admin/registrations/${r.id}`);
      assert.equal(res.headers.location, `/admin/registrations/${r.id}?refused=${action}`);
    }
    assert.equal((await s.admin.get(`/admin/registrations/${r.id}/decline`)).headers.location, `/admin/registrations/${r.id}?refused=decline`);
    const refused = await s.admin.get(`/admin/registrations/${r.id}?refused=waitlist`);
    assert.match(refused.body, /That could not be done: Wren Walker has withdrawn from the programme, so their registration cannot be waitlisted\./);
    assert.equal((await reg(r.id)).status, 'withdrawn');
    // Text in the address is never shown: only the action's name is read.
    const forged = await s.admin.get(`/admin/registrations/${r.id}?refused=Call%20us%20on%20000`);
    assert.doesNotMatch(forged.body, /Call us/);
  });

  it('answers 404 for a registration that does not exist', async () => {
    for (const path of ['/admin/registrations/999999', '/admin/registrations/abc', '/admin/registrations/0', '/admin/registrations/99999999999', '/admin/registrations/999999/decline']) {
      const res = await s.admin.get(path);
      assert.equal(res.statusCode, 404, path);
      assert.equal(h1(res.body), 'Page not found');
    }
    for (const action of ['accept', 'waitlist', 'decline', 'notes']) {
      assert.equal((await s.admin.submit(`/admin/registrations/999999/${action}`, { body: 'x' }, '/admin/registrations')).statusCode, 404, action);
    }
  });
});
