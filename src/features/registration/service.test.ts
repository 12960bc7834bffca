import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestDatabase, type TestData } from '../../../test/helpers/database.ts';
import { testClock } from '../../../test/helpers/clock.ts';
import { upsertPerson } from '../../platform/auth/people.ts';
import { seedDemoProgramme } from '../programme/seed.ts';
import { findProgramme } from '../programme/service.ts';
import {
  acceptRegistration,
  CONFIRM_DAYS,
  confirmPendingChange,
  confirmRegistrationEmail,
  declineRegistration,
  registrationAims,
  registrationHistory,
  submitRegistration,
  waitlistRegistration,
  withdrawParticipant,
} from './service.ts';
import { confirmFromEmail, details } from '../../../test/helpers/registrations.ts';
import type { RegistrationDetails } from './service.ts';

const clock = testClock('2026-05-01T09:00:00Z');
const BASE = 'http://localhost:3000';

describe('registration rules', () => {
  let data: TestData;
  let programmeId: number;
  beforeEach(async () => {
    data = await createTestDatabase();
    await seedDemoProgramme(data.db, clock);
    programmeId = (await findProgramme(data.db))!.id;
  });
  afterEach(() => data.close());

  const submit = (d: Partial<RegistrationDetails> = {}) => submitRegistration(data.db, details(d), { programmeId, channel: 'web', baseUrl: BASE, clock });
  /** Registered, and the address confirmed by its owner: ready to be accepted. */
  const confirmed = async (d: Partial<RegistrationDetails> = {}) => {
    const result = await submit(d);
    await confirmFromEmail(data.db, result.registration.email!, clock);
    return result;
  };
  const outboxTo = (email: string) => data.db.selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('id').execute();

  it('creates an unconfirmed registration with a reference and a confirmation email', async () => {
    const { registration, updated } = await submit();
    assert.equal(updated, false);
    assert.equal(registration.status, 'unconfirmed');
    assert.match(registration.reference, /^REG-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    assert.deepEqual(await registrationAims(data.db, registration.id), [3, 5]);
    const [mail] = await outboxTo('robin.ellis@example.org');
    assert.ok(mail);
    assert.match(mail.text_body, new RegExp(registration.reference));
    const token = /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
    const confirmed = await confirmRegistrationEmail(data.db, token, clock);
    assert.ok(confirmed.ok);
    assert.equal(confirmed.registration.status, 'new');
    assert.deepEqual(await confirmRegistrationEmail(data.db, 'not-a-token', clock), { ok: false, reason: 'unknown' });
  });

  it('changes nothing when someone registers again with a known email, until the address’s owner confirms', async () => {
    await confirmed();
    const again = await submit({ email: 'Robin.Ellis@EXAMPLE.org', fullName: 'Someone Else', jobTitle: 'Senior imaging assistant', aims: [1] });
    assert.equal(again.outcome, 'pending');
    const read = () => data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', 'robin.ellis@example.org').execute();
    let rows = await read();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.job_title, 'Imaging assistant', 'nothing changed yet');
    assert.equal(rows[0]!.full_name, 'Robin Ellis');
    assert.deepEqual(await registrationAims(data.db, rows[0]!.id), [3, 5]);
    // The email goes to the address held, and says nothing of the new details.
    const mail = (await outboxTo('robin.ellis@example.org')).at(-1)!;
    assert.match(mail.subject, /Confirm the change to your registration/);
    assert.doesNotMatch(mail.text_body, /Someone Else|Senior imaging assistant/);
    const token = /\/register\/confirm-change\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;

    const applied = await confirmPendingChange(data.db, token, clock);
    assert.ok(applied.ok);
    rows = await read();
    assert.equal(rows[0]!.job_title, 'Senior imaging assistant');
    assert.equal(rows[0]!.full_name, 'Someone Else');
    assert.equal(rows[0]!.status, 'new', 'status set by confirmation is kept');
    assert.equal(rows[0]!.pending_details, null);
    assert.deepEqual(await registrationAims(data.db, rows[0]!.id), [1]);
    const history = await registrationHistory(data.db, rows[0]!.id);
    assert.deepEqual(history.map((h) => h.action), ['created', 'confirmed', 'change-requested', 'changed']);
    assert.match(history.at(-1)!.detail, /name: “Robin Ellis” → “Someone Else”/, 'the old values are kept in the history');
    assert.match(history.at(-1)!.detail, /job title: “Imaging assistant” → “Senior imaging assistant”/);
    assert.deepEqual(await confirmPendingChange(data.db, token, clock), { ok: false, reason: 'unknown' }, 'a change link works once');
  });

  it('lets a pending change and an unused confirmation link expire', async () => {
    const { registration } = await submit({ email: 'late@example.org' });
    const confirmMail = (await outboxTo('late@example.org'))[0]!;
    const confirmToken = /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(confirmMail.text_body)![1]!;
    await submit({ email: 'late@example.org', jobTitle: 'Changed' });
    const changeMail = (await outboxTo('late@example.org')).at(-1)!;
    const changeToken = /\/register\/confirm-change\/([A-Za-z0-9_-]+)/.exec(changeMail.text_body)![1]!;
    const later = testClock(new Date(clock().getTime() + CONFIRM_DAYS * 86_400_000 + 1000).toISOString());
    assert.deepEqual(await confirmPendingChange(data.db, changeToken, later), { ok: false, reason: 'expired' });
    assert.deepEqual(await confirmRegistrationEmail(data.db, confirmToken, later), { ok: false, reason: 'expired' });
    const row = await data.db.selectFrom('registrations').selectAll().where('id', '=', registration.id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'unconfirmed');
    assert.equal(row.job_title, 'Imaging assistant');
  });

  it('accepts: a participant account, a welcome email with a sign-in link, history and audit', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead@example.org', name: 'Lead', role: 'admin' }, clock)).person;
    const { registration } = await confirmed({ email: 'kim@example.org', fullName: 'Kim Rowe' });
    const result = await acceptRegistration(data.db, registration.id, { actorId: admin.id, baseUrl: BASE, clock });
    assert.deepEqual(result, { ok: true });
    const after = await data.db.selectFrom('registrations').selectAll().where('id', '=', registration.id).executeTakeFirstOrThrow();
    assert.equal(after.status, 'accepted');
    const person = await data.db.selectFrom('people').selectAll().where('id', '=', after.person_id!).executeTakeFirstOrThrow();
    assert.equal(person.role, 'participant');
    const mails = await outboxTo('kim@example.org');
    assert.match(mails.at(-1)!.text_body, /\/sign-in\/[A-Za-z0-9_-]+/);
    const audit = await data.db.selectFrom('audit_events').selectAll().where('action', '=', 'registration.accept').execute();
    assert.equal(audit.length, 1);
  });

  it('accepts only a confirmed registration with consent, unless the team records why', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead5@example.org', name: 'Lead Five', role: 'admin' }, clock)).person;
    const ctx = { actorId: admin.id, baseUrl: BASE, clock };
    const unconfirmed = (await submit({ email: 'not.yet@example.org' })).registration;
    assert.deepEqual(await acceptRegistration(data.db, unconfirmed.id, ctx), { ok: false, reason: 'unconfirmed' });
    const byEmail = (await submitRegistration(data.db, details({ email: 'by.email@example.org', consent: false }), { programmeId, channel: 'email', baseUrl: BASE, clock })).registration;
    const mail = (await outboxTo('by.email@example.org'))[0]!;
    assert.match(mail.text_body, /agree that the programme team can keep your details/);
    assert.match(mail.text_body, /\/privacy/);
    const token = /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
    assert.deepEqual(await confirmRegistrationEmail(data.db, token, clock), { ok: false, reason: 'consent_needed' }, 'confirming by email asks for consent');
    const row = () => data.db.selectFrom('registrations').selectAll().where('id', '=', byEmail.id).executeTakeFirstOrThrow();
    assert.equal((await row()).consent_at, null);
    assert.ok((await confirmRegistrationEmail(data.db, token, clock, { consent: true })).ok);
    assert.ok((await row()).consent_at);
    assert.deepEqual(await acceptRegistration(data.db, byEmail.id, ctx), { ok: true });

    assert.deepEqual(await acceptRegistration(data.db, unconfirmed.id, ctx, 'Consent given on a call on 1 May'), { ok: true });
    const history = await registrationHistory(data.db, unconfirmed.id);
    assert.match(history.at(-1)!.detail, /without a confirmed email address, because: Consent given on a call on 1 May/);
  });

  it('sends one welcome email when Accept is pressed twice at once, and registers a double-clicked submit once', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead6@example.org', name: 'Lead Six', role: 'admin' }, clock)).person;
    const ctx = { actorId: admin.id, baseUrl: BASE, clock };
    const r = (await confirmed({ email: 'twice@example.org' })).registration;
    const results = await Promise.all([acceptRegistration(data.db, r.id, ctx), acceptRegistration(data.db, r.id, ctx), acceptRegistration(data.db, r.id, ctx)]);
    assert.deepEqual(results, [{ ok: true }, { ok: true }, { ok: true }]);
    assert.equal((await outboxTo('twice@example.org')).filter((m) => m.subject.startsWith('Welcome')).length, 1);
    const same = await Promise.all([submit({ email: 'double@example.org' }), submit({ email: 'double@example.org' })]);
    assert.equal(same.filter((x) => x.outcome === 'created').length, 1);
    assert.equal((await data.db.selectFrom('registrations').select('id').where('email_normalised', '=', 'double@example.org').execute()).length, 1);
  });

  it('a declined participant keeps no participant access', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead7@example.org', name: 'Lead Seven', role: 'admin' }, clock)).person;
    const ctx = { actorId: admin.id, baseUrl: BASE, clock };
    const r = (await confirmed({ email: 'declined.later@example.org' })).registration;
    await acceptRegistration(data.db, r.id, ctx);
    const personId = (await data.db.selectFrom('registrations').select('person_id').where('id', '=', r.id).executeTakeFirstOrThrow()).person_id!;
    await declineRegistration(data.db, r.id, ctx, null);
    const person = await data.db.selectFrom('people').select(['status', 'role']).where('id', '=', personId).executeTakeFirstOrThrow();
    assert.deepEqual({ ...person }, { status: 'disabled', role: 'participant' });
    // Accepting again turns the account back on.
    await acceptRegistration(data.db, r.id, ctx);
    assert.equal((await data.db.selectFrom('people').select('status').where('id', '=', personId).executeTakeFirstOrThrow()).status, 'active');
  });

  it('keeps an admin an admin when their registration is accepted', async () => {
    const admin = (await upsertPerson(data.db, { email: 'boss@example.org', name: 'Boss', role: 'admin' }, clock)).person;
    const { registration } = await confirmed({ email: 'boss@example.org', fullName: 'Boss' });
    await acceptRegistration(data.db, registration.id, { actorId: admin.id, baseUrl: BASE, clock });
    const person = await data.db.selectFrom('people').select('role').where('id', '=', admin.id).executeTakeFirstOrThrow();
    assert.equal(person.role, 'admin');
  });

  it('waitlists, and declines with an optional message emailed only when given', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead2@example.org', name: 'Lead Two', role: 'admin' }, clock)).person;
    const ctx = { actorId: admin.id, baseUrl: BASE, clock };
    const a = (await submit({ email: 'a@example.org' })).registration;
    const b = (await submit({ email: 'b@example.org' })).registration;
    assert.deepEqual(await waitlistRegistration(data.db, a.id, ctx), { ok: true });
    const before = (await outboxTo('a@example.org')).length;
    await declineRegistration(data.db, a.id, ctx, null);
    assert.equal((await outboxTo('a@example.org')).length, before, 'no message, no email');
    await declineRegistration(data.db, b.id, ctx, 'Thank you; the groups are full.');
    assert.match((await outboxTo('b@example.org')).at(-1)!.text_body, /groups are full/);
  });

  it('takes someone out of their groups when their accepted registration is waitlisted', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead4@example.org', name: 'Lead Four', role: 'admin' }, clock)).person;
    const ctx = { actorId: admin.id, baseUrl: BASE, clock };
    const r = (await confirmed({ email: 'grouped@example.org' })).registration;
    await acceptRegistration(data.db, r.id, ctx);
    const personId = (await data.db.selectFrom('registrations').select('person_id').where('id', '=', r.id).executeTakeFirstOrThrow()).person_id!;
    const project = await data.db.selectFrom('projects').select('id').executeTakeFirstOrThrow();
    await data.db.insertInto('project_members').values({ project_id: project.id, person_id: personId, created_at: clock().toISOString() }).execute();
    await waitlistRegistration(data.db, r.id, ctx);
    assert.equal((await data.db.selectFrom('project_members').selectAll().where('person_id', '=', personId).execute()).length, 0);
  });

  it('after withdrawing, no programme email is queued and actions are refused', async () => {
    const admin = (await upsertPerson(data.db, { email: 'lead3@example.org', name: 'Lead Three', role: 'admin' }, clock)).person;
    const ctx = { actorId: admin.id, baseUrl: BASE, clock };
    const r = (await confirmed({ email: 'leaving@example.org' })).registration;
    await acceptRegistration(data.db, r.id, ctx);
    const personId = (await data.db.selectFrom('registrations').select('person_id').where('id', '=', r.id).executeTakeFirstOrThrow()).person_id!;
    await withdrawParticipant(data.db, personId, clock);
    const count = (await outboxTo('leaving@example.org')).length;
    const refused = await declineRegistration(data.db, r.id, ctx, 'Message');
    assert.equal(refused.ok, false);
    assert.equal((await outboxTo('leaving@example.org')).length, count);
    const status = await data.db.selectFrom('registrations').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
    assert.equal(status.status, 'withdrawn');
  });
});
