// Someone registered on their behalf (a manager for a colleague with no work email), as the
// programme team sees and handles them: the contact shown, merging with the contact refused,
// acceptance without an address of their own, and their own address added later.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { confirmFromEmail } from '../../../../test/helpers/registrations.ts';
import { declineRegistration, submitRegistration } from '../service.ts';
import { register, seededApp, someone, type Seeded } from './test-factory.ts';

describe('a registration made on someone’s behalf, for the programme team', () => {
  let s: Seeded;
  beforeEach(async () => {
    s = await seededApp();
  });
  afterEach(() => s.t.close());

  const db = () => s.t.data.db;
  const reg = (id: number) => db().selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const mailTo = (email: string) => db().selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('id').execute();
  const page = (id: number, path = '') => `/admin/registrations/${id}${path}`;

  /** Sam Fox, registered by their manager Morgan Reed, as the email import does. */
  async function samByMorgan() {
    const { registration } = await submitRegistration(
      db(),
      { ...someone({ fullName: 'Sam Fox', email: null, consent: false }), contact: { name: 'Morgan Reed', email: 'morgan.reed@example.org' } },
      { programmeId: s.programmeId, channel: 'email', baseUrl: s.t.config.baseUrl, clock: s.t.clock },
    );
    return registration;
  }

  it('shows who registered them, on their page and in the list, and finds them by the contact’s name', async () => {
    const sam = await samByMorgan();
    const shown = await s.admin.get(page(sam.id));
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /Registered by Morgan Reed \(morgan.reed@example.org\) on their behalf/);
    assert.match(shown.body, /None of their own: emails about them go to their contact/);
    assert.match(shown.body, /accepting emails their contact and gives them no account yet/);
    const list = await s.admin.get('/admin/registrations');
    assert.match(list.body, /Sam Fox<\/a>.*Registered by Morgan Reed \(morgan.reed@example.org\) on their behalf/s);
    const found = await s.admin.get('/admin/registrations?q=morgan+reed');
    assert.match(found.body, new RegExp(`href="/admin/registrations/${sam.id}">Sam Fox`));
  });

  it('exports the contact beside them, and nothing in those columns for anyone else', async () => {
    const sam = await samByMorgan();
    await register(s, { fullName: 'Ola Own', email: 'ola.own@example.org' });
    const csv = (await s.admin.get('/admin/registrations/export.csv')).body;
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    const header = lines[0]!.split(',');
    const at = (name: string) => header.indexOf(name);
    assert.ok(at('Registered on their behalf by') > 0 && at('Contact email') > 0);
    const samLine = lines.find((l) => l.startsWith(sam.reference))!.split(',');
    assert.equal(samLine[at('Registered on their behalf by')], 'Morgan Reed');
    assert.equal(samLine[at('Contact email')], 'morgan.reed@example.org');
    assert.equal(samLine[at('Email')], '');
    const olaLine = lines.find((l) => l.includes('Ola Own'))!.split(',');
    assert.equal(olaLine[at('Registered on their behalf by')], '');
    assert.equal(olaLine[at('Contact email')], '');
  });

  it('speaks to the contact on the confirmation page, and asks for the registrant’s consent', async () => {
    const sam = await samByMorgan();
    const [mail] = await mailTo('morgan.reed@example.org');
    const path = /\/register\/confirm\/[A-Za-z0-9_-]+/.exec(mail!.text_body)![0];
    const c = s.t.client();
    const shown = await c.get(path);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /<h1[^>]*>Confirm you registered Sam Fox<\/h1>/);
    assert.match(shown.body, /Sam Fox agrees that the programme team can keep their details/);
    assert.doesNotMatch(shown.body, /confirm this is your email address/);
    const missing = await c.submit(path, {}, path);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /<h1[^>]*>Confirm you registered Sam Fox<\/h1>/);
    assert.match(missing.body, /Their consent/);
    assert.equal((await c.submit(path, { consent: 'yes' }, path)).statusCode, 200);
    const now = await reg(sam.id);
    assert.ok(now.email_confirmed_at && now.consent_at);
  });

  it('refuses to merge them with the contact who registered them, either way round, saying why', async () => {
    const sam = await samByMorgan();
    const morgan = await register(s, { fullName: 'Morgan Reed', email: 'morgan.reed@example.org' });
    for (const [from, other] of [[sam, morgan], [morgan, sam]] as const) {
      const refused = await s.admin.submit(page(from.id, '/merge'), { reference: other.reference }, page(from.id, '/merge'));
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, new RegExp(`Sam Fox \\(${sam.reference}\\) was registered on their behalf by Morgan Reed \\(${morgan.reference}\\): they are two people, so they cannot be merged`));
      const direct = await s.admin.submit(page(from.id, `/merge/${other.id}`), {}, page(from.id, '/merge'));
      assert.equal(direct.statusCode, 400);
    }
    assert.deepEqual(await reg(sam.id), sam);
    assert.equal((await reg(morgan.id)).email, 'morgan.reed@example.org');
  });

  it('accepts someone with no address of their own without an account, and tells their contact', async () => {
    const sam = await samByMorgan();
    await confirmFromEmail(db(), 'morgan.reed@example.org', s.t.clock);
    assert.equal((await reg(sam.id)).status, 'new', 'the contact confirmed it, and gave consent');
    const accepted = await s.admin.submit(page(sam.id, '/accept'), {}, page(sam.id));
    assert.equal(accepted.statusCode, 302);
    const after = await reg(sam.id);
    assert.deepEqual([after.status, after.person_id], ['accepted', null]);
    const mail = (await mailTo('morgan.reed@example.org')).at(-1)!;
    assert.equal(mail.subject, 'Sam Fox has been accepted into the radiography support workforce programme');
    assert.match(mail.text_body, /^Hello Morgan Reed,/);
    assert.match(mail.text_body, /they need an email address of their own/);
    assert.doesNotMatch(mail.text_body, /sign-in\//, 'no sign-in link: there is no account to sign in to');
    assert.equal(await db().selectFrom('people').select('id').where('name', '=', 'Sam Fox').executeTakeFirst(), undefined);
  });

  it('declining with a message writes to the contact, about them', async () => {
    const sam = await samByMorgan();
    await declineRegistration(db(), sam.id, { actorId: s.admin.personId, baseUrl: s.t.config.baseUrl, clock: s.t.clock }, 'We are full this year.');
    const mail = (await mailTo('morgan.reed@example.org')).at(-1)!;
    assert.equal(mail.subject, 'Sam Fox’s registration of interest');
    assert.match(mail.text_body, /We are full this year\.\n\nThis is about Sam Fox, whom you registered on their behalf\. Their reference is /);
  });

  it('lets the team add their own address later: then theirs is an ordinary registration, and if accepted they get their account', async () => {
    const sam = await samByMorgan();
    await confirmFromEmail(db(), 'morgan.reed@example.org', s.t.clock);
    await s.admin.submit(page(sam.id, '/accept'), {}, page(sam.id));
    const other = await register(s, { email: 'someone.else@example.org' });
    const edit = page(sam.id, '/edit');
    const form = await s.admin.get(edit);
    assert.match(form.body, /Their own email address \(optional\)/);
    assert.match(form.body, /Registered by Morgan Reed \(morgan.reed@example.org\) on their behalf\. Add their own address when they have one/);
    const answers = { fullName: 'Sam Fox', organisationName: 'Example Community Hospital', nation: 'England', region: 'North West', serviceType: 'diagnostic', jobTitle: 'Imaging assistant', aims: '3' };
    // Blank keeps them reached through their contact.
    assert.equal((await s.admin.submit(edit, { ...answers, email: '', jobTitle: 'Senior imaging assistant' }, edit)).statusCode, 302);
    assert.deepEqual([(await reg(sam.id)).email, (await reg(sam.id)).job_title], [null, 'Senior imaging assistant']);
    answers.jobTitle = 'Senior imaging assistant';
    const asContact = await s.admin.submit(edit, { ...answers, email: 'Morgan.Reed@example.org' }, edit);
    assert.equal(asContact.statusCode, 400);
    assert.match(asContact.body, /morgan.reed@example.org is the address of their contact, who registered them on their behalf/);
    const taken = await s.admin.submit(edit, { ...answers, email: other.email! }, edit);
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, new RegExp(`Another registration in this programme, ${other.reference}, already has this email address`));
    const mailsToMorgan = (await mailTo('morgan.reed@example.org')).length;

    const ok = await s.admin.submit(edit, { ...answers, email: 'sam.fox@example.org' }, edit);
    assert.equal(ok.statusCode, 302);
    const now = await reg(sam.id);
    assert.deepEqual([now.email, now.email_normalised, now.contact_email, now.status], ['sam.fox@example.org', 'sam.fox@example.org', 'morgan.reed@example.org', 'accepted']);
    const person = await db().selectFrom('people').selectAll().where('email_normalised', '=', 'sam.fox@example.org').executeTakeFirstOrThrow();
    assert.deepEqual([person.id, person.role, person.name], [now.person_id, 'participant', 'Sam Fox']);
    const welcome = await mailTo('sam.fox@example.org');
    assert.equal(welcome.length, 1);
    assert.equal(welcome[0]!.subject, 'Welcome to the radiography support workforce programme');
    assert.match(welcome[0]!.text_body, /\/sign-in\//);
    const history = await db().selectFrom('registration_events').select('detail').where('registration_id', '=', sam.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.match(history.detail, /email address: none of their own → “sam.fox@example.org” \(emails now go to them, not their contact\); participant account active and welcome email sent to the new address$/);
    // From now on, emails about them go to them.
    await s.admin.submit(page(sam.id, '/decline'), { message: 'Sorry, the project has closed.' }, page(sam.id, '/decline'));
    assert.equal((await mailTo('sam.fox@example.org')).length, 2);
    assert.equal((await mailTo('morgan.reed@example.org')).length, mailsToMorgan);
    // An address, once given, is not taken away.
    const blank = await s.admin.submit(edit, { ...answers, email: '' }, edit);
    assert.equal(blank.statusCode, 400);
  });
});
