import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../../test/helpers/app.ts';
import { importFromSource } from './import.ts';

const eml = (id: string, from: string, body: string) => ['Message-ID: <' + id + '@example.org>', `From: ${from}`, 'Subject: SUPPORT WORKFORCE', 'Date: Mon, 03 Jun 2024 09:00:00 +0100', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');

// Each test builds its own app and database and imports its own messages: none relies on another.
describe('the needs-review queue', () => {
  let t: TestApp;
  let dir: string;
  let robinId: number;
  let robinItem: number;
  let caseyItem: number;
  const itemOf = async (messageId: string) => (await t.data.db.selectFrom('mail_imports').select('id').where('message_id', '=', `<${messageId}@example.org>`).executeTakeFirstOrThrow()).id;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
    dir = mkdtempSync(join(tmpdir(), 'coproduce-review-'));
    writeFileSync(join(dir, 'robin.eml'), eml('robin', 'Robin <robin@example.org>', 'Hi, I would like to join. I am a <b>CSW</b> at Leeds, x-ray.'));
    writeFileSync(join(dir, 'casey.eml'), eml('casey', 'casey.shared@example.org', 'Name: Casey Lin\nJob title: AP\n\nSent from a shared mailbox'));
    const summary = await importFromSource(dir, { db: t.data.db, clock: t.clock, baseUrl: t.config.baseUrl });
    assert.equal(summary.needsReview, 2);
    const id = async (email: string) => (await t.data.db.selectFrom('registrations').select('id').where('email_normalised', '=', email).executeTakeFirstOrThrow()).id;
    robinId = await id('robin@example.org');
    assert.ok(await id('casey.shared@example.org'));
    robinItem = await itemOf('robin');
    caseyItem = await itemOf('casey');
  });
  afterEach(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists each email with its reference, sender, subject, date and problem', async () => {
    const admin = await t.signedIn('admin');
    const queue = await admin.get('/admin/review');
    assert.equal(queue.statusCode, 200);
    assert.equal(h1(queue.body), 'Emails to review');
    assert.match(queue.body, /<title>Emails to review/);
    const robin = await t.data.db.selectFrom('registrations').select('reference').where('id', '=', robinId).executeTakeFirstOrThrow();
    assert.match(queue.body, new RegExp(`href="/admin/review/message/${robinItem}">Review<span class="govuk-visually-hidden"> the email from robin@example.org, ${robin.reference}, message ${robinItem}`));
    assert.match(queue.body, new RegExp(`<td class="govuk-table__cell">${robin.reference}</td>`));
    assert.match(queue.body, /robin@example.org/);
    assert.match(queue.body, /SUPPORT WORKFORCE/);
    assert.match(queue.body, /3 June 2024|03\/06\/2024|3 Jun 2024/);
    assert.match(queue.body, /Could not read the name, where they work, the job title/);
    assert.match(queue.body, /2 emails waiting/);
  });

  it('shows the original, escaped, beside a form filled in with what was read', async () => {
    const admin = await t.signedIn('admin');
    const page = await admin.get(`/admin/review/message/${robinItem}`);
    assert.equal(page.statusCode, 200);
    assert.match(h1(page.body), /Review the email from robin@example.org/);
    assert.match(page.body, /<pre[^>]*>Hi, I would like to join. I am a &lt;b&gt;CSW&lt;\/b&gt; at Leeds, x-ray.<\/pre>/);
    assert.doesNotMatch(page.body, /<b>CSW<\/b>/);
    const input = (body: string, name: string) => new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(body)?.[0] ?? '';
    assert.match(input(page.body, 'email'), /value="robin@example.org"/);
    assert.match(input(page.body, 'fullName'), /value="Robin"/, 'prefilled with the sender’s name');
    // The registration page's link by registration opens the same message.
    const byRegistration = await admin.get(`/admin/review/${robinId}`);
    assert.equal(byRegistration.statusCode, 302);
    assert.equal(byRegistration.headers.location, `/admin/review/message/${robinItem}`);
    const casey = await admin.get(`/admin/review/message/${caseyItem}`);
    assert.match(input(casey.body, 'fullName'), /value="Casey Lin"/);
    assert.match(input(casey.body, 'jobTitle'), /value="AP"/);
    assert.match(casey.body, /Could not read where they work/);
    const list = await admin.get('/admin/registrations?status=needs_review');
    assert.match(list.body, /by email/i);
  });

  it('refuses what the web form would refuse, keeping what was typed', async () => {
    const admin = await t.signedIn('admin');
    const bad = await admin.submit(`/admin/review/message/${robinItem}`, { fullName: '', email: 'not-an-email', organisationOther: 'Leeds clinic', serviceType: 'other', jobTitle: 'Typed title' }, `/admin/review/message/${robinItem}`);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<title>Error: Review the email from robin@example.org/);
    assert.match(bad.body, /There is a problem/);
    assert.match(bad.body, /Enter their full name/, "the errors speak to the team, not the registrant");
    assert.doesNotMatch(bad.body, /Enter your full name/);
    assert.match(bad.body, /href="#email"/);
    assert.match(bad.body, /Select the nation they work in/);
    assert.match(bad.body, /Enter the type of service they work in/);
    assert.match(bad.body, /value="Typed title"/);
    assert.match(bad.body, /value="Leeds clinic"/);
    const r = await t.data.db.selectFrom('registrations').select('status').where('id', '=', robinId).executeTakeFirstOrThrow();
    assert.equal(r.status, 'needs_review');
  });

  it('completes the registration, sends the confirmation email and leaves the queue', async () => {
    const admin = await t.signedIn('admin');
    const org = await t.data.db.selectFrom('organisations').selectAll().where('name', '=', 'Leeds Teaching Hospitals NHS Trust').executeTakeFirstOrThrow();
    const ok = await admin.submit(`/admin/review/message/${robinItem}`, { fullName: 'Robin Hart', email: 'robin@example.org', organisationId: String(org.id), serviceType: 'diagnostic', jobTitle: 'Clinical support worker', roleGroup: 'csw' }, `/admin/review/message/${robinItem}`);
    assert.equal(ok.statusCode, 302);
    const r = await t.data.db.selectFrom('registrations').selectAll().where('id', '=', robinId).executeTakeFirstOrThrow();
    assert.equal(ok.headers.location, `/admin/review?done=${r.reference}`);
    assert.equal(r.status, 'unconfirmed');
    assert.equal(r.channel, 'email');
    assert.equal(r.full_name, 'Robin Hart');
    assert.equal(r.organisation_id, org.id);
    assert.equal(r.region, org.region);
    assert.equal(r.role_group, 'csw');
    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'robin@example.org').execute();
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.text_body, /\/register\/confirm\//);
    const row = await t.data.db.selectFrom('mail_imports').selectAll().where('registration_id', '=', robinId).executeTakeFirstOrThrow();
    assert.equal(row.outcome, 'registered');
    assert.match(row.original_text, /I would like to join/, 'the original is kept');
    const audit = await t.data.db.selectFrom('audit_events').selectAll().where('action', '=', 'registration.complete').where('record_id', '=', String(robinId)).execute();
    assert.equal(audit.length, 1);

    const queue = await admin.get(ok.headers.location as string);
    assert.match(queue.body, new RegExp(`Registration ${r.reference} completed`));
    assert.doesNotMatch(queue.body, /robin@example.org/);
    assert.equal((await admin.get(`/admin/review/${robinId}`)).statusCode, 404);
    assert.equal((await admin.get(`/admin/review/message/${robinItem}`)).statusCode, 404);
  });

  it('completes one under a corrected email address without making a second registration', async () => {
    const admin = await t.signedIn('admin');
    const ok = await admin.submit(`/admin/review/message/${caseyItem}`, { fullName: 'Casey Lin', email: 'casey.lin@example.org', organisationOther: 'Example Clinic', nation: 'Scotland', serviceType: 'radiotherapy', jobTitle: 'Assistant practitioner' }, `/admin/review/message/${caseyItem}`);
    assert.equal(ok.statusCode, 302);
    const rows = await t.data.db.selectFrom('registrations').selectAll().where('full_name', '=', 'Casey Lin').execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.email, 'casey.lin@example.org');
    assert.equal(rows[0]!.status, 'unconfirmed');
    assert.equal(rows[0]!.nation, 'Scotland');
    assert.equal((await t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'casey.lin@example.org').execute()).length, 1);
    const queue = await admin.get('/admin/review');
    assert.doesNotMatch(queue.body, /casey/);
    assert.match(queue.body, /1 email waiting/, 'only Robin’s is left');
  });

  it('refuses an address another registration already has', async () => {
    writeFileSync(join(dir, 'sam.eml'), eml('sam', 'sam@example.org', 'Please register me'));
    await importFromSource(dir, { db: t.data.db, clock: t.clock, baseUrl: t.config.baseUrl });
    const sam = await itemOf('sam');
    const admin = await t.signedIn('admin');
    const clash = await admin.submit(`/admin/review/message/${sam}`, { fullName: 'Sam Fox', email: 'robin@example.org', organisationOther: 'Example Clinic', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'CSW' }, `/admin/review/message/${sam}`);
    assert.equal(clash.statusCode, 400);
    assert.match(clash.body, /already has this email address/);
  });

  it('answers 404 for a registration that is not waiting, and is for admins only', async () => {
    const admin = await t.signedIn('admin');
    assert.equal((await admin.get('/admin/review/999999')).statusCode, 404);
    assert.equal((await admin.get('/admin/review/not-a-number')).statusCode, 404);
    const participant = await t.signedIn('participant');
    assert.equal((await participant.get('/admin/review')).statusCode, 403);
    assert.equal((await participant.get(`/admin/review/${robinId}`)).statusCode, 403);
    assert.equal((await participant.get(`/admin/review/message/${robinItem}`)).statusCode, 403);
    assert.equal((await admin.get('/admin/review/message/999999')).statusCode, 404);
  });
});

describe('the needs-review queue, one item per message', () => {
  let t: TestApp;
  let dir: string;
  const itemOf = async (messageId: string) => (await t.data.db.selectFrom('mail_imports').select('id').where('message_id', '=', `<${messageId}@example.org>`).executeTakeFirstOrThrow()).id;
  const reply = (id: string, from: string, body: string) =>
    eml(id, from, `${body}\r\n\r\n-----Original Message-----\r\nFrom: Programme Team <news@example.org>\r\nSent: 01 June 2024 09:00\r\nTo: Everyone <list@example.org>\r\nSubject: SUPPORT WORKFORCE newsletter\r\n\r\nName: Programme Team\r\nWorkplace: Example Trust\r\nJob title: Newsletter`).replace('Subject: SUPPORT WORKFORCE', 'Subject: RE: SUPPORT WORKFORCE newsletter');
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
    dir = mkdtempSync(join(tmpdir(), 'coproduce-review-items-'));
    writeFileSync(join(dir, 'r1.eml'), reply('r1', 'Ada Lamb <ada.lamb@example.org>', 'Yes please, count me in!'));
    writeFileSync(join(dir, 'r2.eml'), reply('r2', 'Ben Cole <ben.cole@example.org>', 'Me too please.'));
    writeFileSync(join(dir, 'r3.eml'), reply('r3', 'Cai Moss <cai.moss@example.org>', 'Interested!'));
    // Uncertain: it does not say where Sam works.
    writeFileSync(join(dir, 'behalf.eml'), eml('behalf', 'Morgan Reed <morgan.reed@example.org>', 'Please register my colleague Sam Fox who has no work email.\r\n\r\nName: Sam Fox\r\nJob title: Assistant practitioner'));
    writeFileSync(join(dir, 'poison.eml'), ['Message-ID: <poison@example.org>', 'From: Pat Poison <pat.poison@example.org>', 'Subject: SUPPORT WORKFORCE', 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="b0"\r\n\r\n${Array.from({ length: 2000 }, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`).join('')}`].join('\r\n'));
    const summary = await importFromSource(dir, { db: t.data.db, clock: t.clock, baseUrl: t.config.baseUrl });
    assert.deepEqual([summary.needsReview, summary.failed], [4, 1]);
  });
  afterEach(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists three replies to one newsletter as three items, each opening its own message', async () => {
    const admin = await t.signedIn('admin');
    const queue = await admin.get('/admin/review');
    const links = [...queue.body.matchAll(/href="(\/admin\/review\/message\/\d+)"/g)].map((m) => m[1]!);
    assert.equal(links.length, 4);
    assert.equal(new Set(links).size, 4, 'no two rows open the same item');
    for (const [id, sender] of [['r1', 'ada.lamb@example.org'], ['r2', 'ben.cole@example.org'], ['r3', 'cai.moss@example.org']] as const) {
      const page = await admin.get(`/admin/review/message/${await itemOf(id)}`);
      assert.equal(page.statusCode, 200);
      assert.match(h1(page.body), new RegExp(`Review the email from ${sender}`));
    }
  });

  it('shows messages that could not be read in their own section, with the reason and no form', async () => {
    const admin = await t.signedIn('admin');
    const queue = await admin.get('/admin/review');
    const section = queue.body.slice(queue.body.indexOf('<h2 class="govuk-heading-m" id="failed">Could not be read</h2>'));
    assert.ok(section.length > 0 && queue.body.includes('id="failed"'));
    assert.match(section, /1 message could not be read/);
    assert.match(section, /Pat Poison &lt;pat.poison@example.org&gt;/);
    assert.match(section, /Could not be read: /);
    assert.doesNotMatch(section, /<form|href="\/admin\/review\/message/);
    assert.equal((await admin.get(`/admin/review/message/${await itemOf('poison')}`)).statusCode, 404);
  });

  it('completes a message sent on someone’s behalf only as a new registration of the person, with their own address', async () => {
    const admin = await t.signedIn('admin');
    const item = await itemOf('behalf');
    const page = await admin.get(`/admin/review/message/${item}`);
    assert.match(page.body, /sent on someone else’s behalf by morgan.reed@example.org/);
    assert.match(page.body, /name="fullName"[^>]*value="Sam Fox"|value="Sam Fox"[^>]*name="fullName"/);
    assert.doesNotMatch(page.body, /name="email"[^>]*value="morgan.reed@example.org"/, 'never prefilled with the sender’s address');
    const form = { fullName: 'Sam Fox', contactBy: 'own', organisationOther: 'Example Clinic', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'Assistant practitioner' };
    const url = `/admin/review/message/${item}`;
    const asSender = await admin.submit(url, { ...form, email: 'morgan.reed@example.org' }, url);
    assert.equal(asSender.statusCode, 400);
    assert.match(asSender.body, /the person who sent the email on their behalf/);
    // An address that already has a registration: refused, and that registration is not changed.
    const ada = await t.data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', 'ada.lamb@example.org').executeTakeFirstOrThrow();
    const taken = await admin.submit(url, { ...form, email: 'ada.lamb@example.org' }, url);
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /already has this email address/);
    assert.deepEqual(await t.data.db.selectFrom('registrations').selectAll().where('id', '=', ada.id).executeTakeFirstOrThrow(), ada);
    const ok = await admin.submit(url, { ...form, email: 'sam.fox@example.org' }, url);
    assert.equal(ok.statusCode, 302);
    const sam = await t.data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', 'sam.fox@example.org').executeTakeFirstOrThrow();
    assert.equal(sam.full_name, 'Sam Fox');
    assert.equal(sam.status, 'unconfirmed');
    assert.deepEqual([sam.contact_name, sam.contact_email], ['Morgan Reed', 'morgan.reed@example.org'], 'who registered them stays on record');
    const row = await t.data.db.selectFrom('mail_imports').selectAll().where('id', '=', item).executeTakeFirstOrThrow();
    assert.deepEqual([row.outcome, row.registration_id], ['registered', sam.id]);
    assert.equal((await t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'sam.fox@example.org').execute()).length, 1);
    assert.equal((await t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'morgan.reed@example.org').execute()).length, 0);
    assert.equal((await admin.get(url)).statusCode, 404, 'done, it leaves the queue');
  });

  it('asks how to reach someone sent on their behalf, and says what is missing', async () => {
    const admin = await t.signedIn('admin');
    const url = `/admin/review/message/${await itemOf('behalf')}`;
    const page = await admin.get(url);
    assert.match(page.body, /How should we contact them\?/);
    assert.match(page.body, /<input[^>]*name="contactEmail"[^>]*value="morgan.reed@example.org"/, 'the sender is offered as their contact');
    assert.match(page.body, /<input[^>]*name="contactName"[^>]*value="Morgan Reed"/);
    assert.doesNotMatch(page.body, /<input[^>]*name="contactBy"[^>]*checked/, 'no choice is made for the team');
    const form = { fullName: 'Sam Fox', organisationOther: 'Example Clinic', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'Assistant practitioner' };
    const none = await admin.submit(url, form, url);
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /href="#contactBy">Choose how the programme team should contact them/);
    assert.match(none.body, /value="Example Clinic"/, 'what was typed is kept');
    const noContact = await admin.submit(url, { ...form, contactBy: 'contact', contactEmail: 'not an address' }, url);
    assert.equal(noContact.statusCode, 400);
    assert.match(noContact.body, /Enter their contact’s email address in the correct format/);
    const noOwn = await admin.submit(url, { ...form, contactBy: 'own', email: '' }, url);
    assert.equal(noOwn.statusCode, 400);
    assert.match(noOwn.body, /Enter their email address/);
    assert.equal((await t.data.db.selectFrom('registrations').select('id').where('full_name', '=', 'Sam Fox').execute()).length, 0);
  });

  it('completes one sent on someone’s behalf with the sender as their contact: no address of their own, the confirmation to the contact', async () => {
    const admin = await t.signedIn('admin');
    const item = await itemOf('behalf');
    const url = `/admin/review/message/${item}`;
    const ok = await admin.submit(url, { fullName: 'Sam Fox', contactBy: 'contact', contactName: 'Morgan Reed', contactEmail: 'morgan.reed@example.org', email: 'ignored@example.org', organisationOther: 'Example Clinic', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'Assistant practitioner' }, url);
    assert.equal(ok.statusCode, 302);
    const [sam, ...more] = await t.data.db.selectFrom('registrations').selectAll().where('full_name', '=', 'Sam Fox').execute();
    assert.equal(more.length, 0);
    assert.deepEqual([sam!.email, sam!.contact_name, sam!.contact_email, sam!.status, sam!.channel], [null, 'Morgan Reed', 'morgan.reed@example.org', 'unconfirmed', 'email']);
    assert.equal(ok.headers.location, `/admin/review?done=${sam!.reference}`);
    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'morgan.reed@example.org').execute();
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.text_body, /You registered Sam Fox for the radiography support workforce programme, on their behalf/);
    assert.equal((await t.data.db.selectFrom('outbox').select('id').where('to_address', '=', 'ignored@example.org').execute()).length, 0);
    assert.equal(await t.data.db.selectFrom('registrations').select('id').where('email_normalised', '=', 'morgan.reed@example.org').executeTakeFirst(), undefined, 'the sender is not registered');
    const row = await t.data.db.selectFrom('mail_imports').selectAll().where('id', '=', item).executeTakeFirstOrThrow();
    assert.deepEqual([row.outcome, row.registration_id], ['registered', sam!.id]);
    const audit = await t.data.db.selectFrom('audit_events').select('summary').where('action', '=', 'registration.complete').execute();
    assert.deepEqual(audit.map((a) => a.summary), [`Registered ${sam!.reference} from an email sent on their behalf`]);
    assert.equal((await admin.get(url)).statusCode, 404, 'done, it leaves the queue');
  });

  it('never registers twice someone their contact has already registered', async () => {
    const clear = mkdtempSync(join(tmpdir(), 'coproduce-review-clear-'));
    try {
      writeFileSync(join(clear, 'clear.eml'), eml('behalf-clear', 'Morgan Reed <morgan.reed@example.org>', 'Please register my colleague Sam Fox who has no work email.\r\n\r\nName: Sam Fox\r\nWorkplace: Example Clinic\r\nJob title: Assistant practitioner'));
      assert.equal((await importFromSource(clear, { db: t.data.db, clock: t.clock, baseUrl: t.config.baseUrl })).created, 1);
    } finally {
      rmSync(clear, { recursive: true, force: true });
    }
    const [sam] = await t.data.db.selectFrom('registrations').selectAll().where('full_name', '=', 'Sam Fox').execute();
    const admin = await t.signedIn('admin');
    const url = `/admin/review/message/${await itemOf('behalf')}`;
    const refused = await admin.submit(url, { fullName: 'Sam Fox', contactBy: 'contact', contactEmail: 'morgan.reed@example.org', organisationOther: 'Example Clinic', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'AP' }, url);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, new RegExp(`Registration ${sam!.reference} is already Sam Fox, registered by this contact`));
    assert.match(refused.body, /href="#contactEmail"/);
    assert.deepEqual(await t.data.db.selectFrom('registrations').selectAll().where('full_name', '=', 'Sam Fox').execute(), [sam]);
    assert.equal((await admin.get(url)).statusCode, 200, 'still waiting for review');
  });
});
