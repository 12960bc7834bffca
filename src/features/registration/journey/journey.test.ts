import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp, type TestClient } from '../../../../test/helpers/app.ts';
import { hashToken } from '../../../platform/auth/tokens.ts';
import { cookieName } from '../../../platform/http/cookies.ts';
import { STEPS } from './steps.ts';
import { details } from '../../../../test/helpers/registrations.ts';
import { findProgramme } from '../../programme/service.ts';
import { submitRegistration } from '../service.ts';

type Form = Record<string, string | string[]>;

/** A valid answer for every step (an unlisted organisation in England, so every step applies). */
const VALID: Record<string, Form> = {
  name: { fullName: 'Alex Rivers' },
  email: { email: 'alex.rivers@example.org' },
  workplace: { organisationId: '', organisationOther: 'Riverside Imaging Ltd', department: 'CT' },
  nation: { nation: 'England' },
  region: { region: 'South West' },
  service: { serviceType: 'diagnostic' },
  job: { jobTitle: 'Imaging support worker' },
  role: { roleGroup: 'csw' },
  band: { afcBand: '3' },
  interests: { aims: ['3', '5'], participation: ['surveys', 'meetings'] },
  adjustments: { adjustments: '' },
  consent: { consent: 'yes' },
};

/** Answers every question page in turn, through HTTP like a browser without JavaScript. */
async function answerAll(c: TestClient, answers: Partial<Record<string, Form>> = {}) {
  const defaults = VALID;
  let path = '/register/name';
  for (let i = 0; i < 20 && path.startsWith('/register/') && path !== '/register/check-answers'; i++) {
    const slug = path.split('/')[2]!.split('?')[0]!;
    const res = await c.submit(path, answers[slug] ?? defaults[slug]!, path);
    assert.equal(res.statusCode, 302, `${slug}: ${h1(res.body)} ${/govuk-error-message[^>]*>([\s\S]*?)<\/p>/.exec(res.body)?.[1] ?? ''}`);
    path = res.headers.location as string;
  }
  assert.equal(path, '/register/check-answers');
}

/** Answers every question page, then sends the answers from Check your answers. */
export async function walkJourney(c: TestClient, answers: Partial<Record<string, Form>> = {}) {
  await answerAll(c, answers);
  return c.submit('/register/check-answers', {}, '/register/check-answers');
}

describe('register your interest (web)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
  });
  afterEach(() => t.close());

  const registrations = () => t.data.db.selectFrom('registrations').selectAll().orderBy('id').execute();

  it('shows a start page with the deadline and a start button', async () => {
    const res = await t.client().get('/register');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Register your interest');
    assert.match(res.body, /Start now/);
    assert.match(res.body, /until the end of <strong>21 April 2026<\/strong> \(43 days left\)/);
  });

  it('takes a registration from the first question to "check your email", the reference only in the email', async () => {
    const c = t.client();
    const done = await walkJourney(c);
    assert.equal(done.headers.location, '/register/confirmation');
    const page = await c.get('/register/confirmation');
    assert.match(page.body, /Check your email/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(String(page.headers['set-cookie']), /Max-Age=0|Expires=Thu, 01 Jan 1970/, 'the draft cookie ends with the journey');
    const [r] = await registrations();
    assert.ok(r);
    assert.ok(!page.body.includes(r.reference), 'the page never shows a reference');
    assert.equal(r.status, 'unconfirmed');
    assert.equal(r.channel, 'web');
    assert.equal(r.full_name, 'Alex Rivers');
    assert.equal(r.organisation_name, 'Riverside Imaging Ltd');
    assert.equal(r.nation, 'England');
    assert.equal(r.region, 'South West');
    assert.equal(r.afc_band, '3');
    assert.equal(r.participation, 'surveys,meetings');
    assert.ok(r.consent_at);
    const aims = await t.data.db.selectFrom('registration_aims').select('aim_number').where('registration_id', '=', r.id).orderBy('aim_number').execute();
    assert.deepEqual(aims.map((a) => a.aim_number), [3, 5]);
    assert.equal((await t.data.db.selectFrom('registration_drafts').selectAll().execute()).filter((d) => d.answers.includes('Alex Rivers')).length, 0, 'the draft answers are gone');

    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'alex.rivers@example.org').executeTakeFirstOrThrow();
    assert.ok(mail.text_body.includes(r.reference));
    const link = /\/register\/confirm\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0];
    // Opening the link (as a mail scanner would) only shows a button.
    const opened = await t.client().get(link);
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /Confirm my email address/);
    assert.equal((await registrations())[0]!.status, 'unconfirmed', 'a plain visit confirms nothing');
    const confirmed = await t.client().submit(link, {}, link);
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Email address confirmed/);
    assert.ok(confirmed.body.includes(r.reference));
    assert.equal((await registrations())[0]!.status, 'new');
    assert.equal((await t.client().get('/register/confirm/not-a-real-token-at-all-xx')).statusCode, 400);
  });

  it('derives nation and region from a listed organisation and skips those questions', async () => {
    const org = await t.data.db.selectFrom('organisations').selectAll().where('region', '=', 'North West').executeTakeFirstOrThrow();
    const c = t.client();
    const seen: string[] = [];
    let path = '/register/name';
    const forms: Record<string, Form> = {
      name: { fullName: 'Nia Okafor' },
      email: { email: 'nia@example.org' },
      workplace: { organisationId: String(org.id), organisationOther: '', department: '' },
      service: { serviceType: 'other', serviceOther: 'Breast screening' },
      job: { jobTitle: 'Assistant practitioner' },
      role: { roleGroup: 'other', roleOther: 'Trainee AP' },
      band: { afcBand: '' },
      interests: {},
      adjustments: { adjustments: 'Captions in meetings' },
      consent: { consent: 'yes' },
    };
    while (path !== '/register/check-answers') {
      const slug = path.split('/')[2]!;
      seen.push(slug);
      const res = await c.submit(path, forms[slug]!, path);
      assert.equal(res.statusCode, 302, slug);
      path = res.headers.location as string;
    }
    assert.ok(!seen.includes('nation') && !seen.includes('region'));
    const check = await c.get('/register/check-answers');
    assert.ok(check.body.includes(org.name.replace(/'/g, '&#39;')));
    assert.match(check.body, /England, North West/);
    await c.submit('/register/check-answers', {}, '/register/check-answers');
    const r = await t.data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', 'nia@example.org').executeTakeFirstOrThrow();
    assert.equal(r.organisation_id, org.id);
    assert.equal(r.nation, 'England');
    assert.equal(r.region, 'North West');
    assert.equal(r.service_other, 'Breast screening');
    assert.equal(r.role_other, 'Trainee AP');
    assert.equal(r.afc_band, null);
    assert.equal(r.adjustments, 'Captions in meetings');
  });

  it('lets the pay band be declined, and offers no change link for consent', async () => {
    const c = t.client();
    await answerAll(c, { band: { afcBand: '' } });
    const band = await c.get('/register/band');
    assert.match(band.body, /I would rather not say/);
    const check = (await c.get('/register/check-answers')).body;
    assert.match(check, /Pay band[\s\S]*?Not given/);
    assert.doesNotMatch(check, /href="\/register\/consent\?change=1"/);
    assert.match(check, /href="\/register\/band\?change=1"/);
  });

  it('asks someone who registered by email for their consent on the confirmation page', async () => {
    const programme = (await findProgramme(t.data.db))!;
    await submitRegistration(t.data.db, details({ email: 'emailed.in@example.org', consent: false }), { programmeId: programme.id, channel: 'email', baseUrl: t.config.baseUrl, clock: t.clock });
    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'emailed.in@example.org').executeTakeFirstOrThrow();
    assert.match(mail.text_body, /privacy notice/i);
    const link = /\/register\/confirm\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0];
    const page = await t.client().get(link);
    assert.match(page.body, /name="consent"/);
    assert.match(page.body, /href="\/privacy"/);
    const c = t.client();
    const without = await c.submit(link, {}, link);
    assert.equal(without.statusCode, 400);
    assert.match(without.body, /href="#consent">Tick the box to agree/);
    const row = () => t.data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', 'emailed.in@example.org').executeTakeFirstOrThrow();
    assert.equal((await row()).status, 'unconfirmed');
    const withConsent = await c.submit(link, { consent: 'yes' }, link);
    assert.equal(withConsent.statusCode, 200);
    assert.match(withConsent.body, /Email address confirmed/);
    const r = await row();
    assert.equal(r.status, 'new');
    assert.ok(r.consent_at);
  });

  it('changes nothing for a known email until its owner confirms, and says the same as for a new one', async () => {
    await walkJourney(t.client());
    const fresh = t.client();
    await walkJourney(fresh, { email: { email: 'someone.new@example.org' } });
    const freshPage = (await fresh.get('/register/confirmation')).body;

    const c = t.client();
    await walkJourney(c, { name: { fullName: 'A Stranger' }, email: { email: 'ALEX.RIVERS@example.org' }, job: { jobTitle: 'Senior imaging support worker' } });
    const page = (await c.get('/register/confirmation')).body;
    const [original] = (await registrations()).filter((r) => r.email_normalised === 'alex.rivers@example.org');
    assert.ok(original);
    assert.equal(original.job_title, 'Imaging support worker', 'the stranger changed nothing');
    assert.equal(original.full_name, 'Alex Rivers');
    assert.ok(!page.includes(original.reference), 'another person’s reference is never shown');
    // The page for a known email and for a new one differ only in the address typed.
    assert.equal(page.replace(/ALEX\.RIVERS@example\.org/g, 'X').replace(/name="_csrf" value="[^"]*"/g, ''), freshPage.replace(/someone\.new@example\.org/g, 'X').replace(/name="_csrf" value="[^"]*"/g, ''));

    const mail = (await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'alex.rivers@example.org').orderBy('id', 'desc').execute())[0]!;
    const link = /\/register\/confirm-change\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0];
    assert.match((await t.client().get(link)).body, /Confirm the change/);
    const done = await t.client().submit(link, {}, link);
    assert.match(done.body, /Registration updated/);
    const rows = (await registrations()).filter((r) => r.email_normalised === 'alex.rivers@example.org');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.job_title, 'Senior imaging support worker');
  });

  it('shows GOV.UK errors and keeps what was typed', async () => {
    const c = t.client();
    const empty = await c.submit('/register/name', { fullName: '   ' }, '/register/name');
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /There is a problem/);
    assert.match(empty.body, /href="#fullName">Enter your full name/);
    await c.submit('/register/name', { fullName: 'Sam' }, '/register/name');
    const bad = await c.submit('/register/email', { email: 'sam at example' }, '/register/email');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter an email address in the correct format/);
    assert.match(bad.body, /value="sam at example"/);
    const long = await c.submit('/register/email', { email: `${'x'.repeat(250)}@example.org` }, '/register/email');
    assert.match(long.body, /254 characters or fewer/);
    await c.submit('/register/email', { email: 'sam@example.org' }, '/register/email');
    const neither = await c.submit('/register/workplace', { organisationId: '', organisationOther: '' }, '/register/workplace');
    assert.match(neither.body, /Choose your organisation from the list, or enter its name/);
    const unknownOrg = await c.submit('/register/workplace', { organisationId: '999999' }, '/register/workplace');
    assert.match(unknownOrg.body, /Choose your organisation from the list/);
    await c.submit('/register/workplace', { organisationOther: 'Somewhere' }, '/register/workplace');
    assert.match((await c.submit('/register/nation', {}, '/register/nation')).body, /Select the nation you work in/);
    await c.submit('/register/nation', { nation: 'Wales' }, '/register/nation');
    const other = await c.submit('/register/service', { serviceType: 'other' }, '/register/service');
    assert.match(other.body, /Enter the type of service you work in/);
    assert.equal((await c.get('/register/consent')).headers.location, '/register/service', 'cannot skip ahead');
  });

  it('shows a clear GOV.UK error on every question page, and saves nothing wrong', async () => {
    const c = t.client();
    const before = (await registrations()).length;
    const org = await t.data.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow();
    const wrong: [string, Form, RegExp, string][] = [
      ['name', { fullName: 'Bell\u0007' }, /Full name contains characters we cannot read/, 'fullName'],
      ['name', { fullName: 'x'.repeat(201) }, /Full name must be 200 characters or fewer/, 'fullName'],
      ['name', { fullName: ['Two', 'Names'] }, /Enter your full name/, 'fullName'],
      ['email', { email: '' }, /Enter your email address/, 'email'],
      ['email', { email: 'a@b@example.org' }, /Enter an email address in the correct format/, 'email'],
      ['workplace', { organisationId: '', organisationOther: 'x'.repeat(201) }, /Organisation name must be 200 characters or fewer/, 'organisationOther'],
      ['workplace', { organisationId: String(org.id), organisationOther: 'Also this' }, /not both/, 'organisationOther'],
      ['workplace', { organisationOther: 'Clinic', department: 'y'.repeat(201) }, /Department or site must be 200 characters or fewer/, 'department'],
      ['nation', { nation: 'Atlantis' }, /Select the nation you work in/, 'nation'],
      ['region', {}, /Select the NHS England region you work in/, 'region'],
      ['region', { region: 'Wessex' }, /Select the NHS England region you work in/, 'region'],
      ['service', {}, /Select the type of service you work in/, 'serviceType'],
      ['service', { serviceType: 'other', serviceOther: '  ' }, /Enter the type of service you work in/, 'serviceOther'],
      ['job', { jobTitle: '' }, /Enter your job title/, 'jobTitle'],
      ['job', { jobTitle: 'j'.repeat(201) }, /Job title must be 200 characters or fewer/, 'jobTitle'],
      ['role', {}, /Select the option that best describes your role/, 'roleGroup'],
      ['role', { roleGroup: 'other' }, /Enter your role/, 'roleOther'],
      ['band', { afcBand: '10' }, /Select your pay band, or leave this question blank/, 'afcBand'],
      ['interests', { aims: ['99'] }, /Select aims from the list/, 'aims'],
      ['interests', { participation: ['carrier pigeon'] }, /Select ways to take part from the list/, 'participation'],
      ['adjustments', { adjustments: 'a'.repeat(1001) }, /Adjustments must be 1000 characters or fewer/, 'adjustments'],
      ['consent', {}, /Tick the box to agree, or you cannot register/, 'consent'],
    ];
    for (const step of STEPS) {
      for (const [slug, form, message, field] of wrong.filter(([s]) => s === step.slug)) {
        const res = await c.submit(`/register/${slug}`, form, `/register/${slug}`);
        assert.equal(res.statusCode, 400, `${slug} ${JSON.stringify(form).slice(0, 60)}`);
        assert.match(res.body, /<title>Error: /, slug);
        assert.match(res.body, /There is a problem/, slug);
        assert.match(res.body, new RegExp(`href="#${field}"`), `${slug}: the summary links to ${field}`);
        assert.match(res.body, message, slug);
        assert.match(res.body, /govuk-back-link/, slug);
      }
      assert.ok(wrong.some(([s]) => s === step.slug), `a wrong answer is tried on ${step.slug}`);
      const ok = await c.submit(`/register/${step.slug}`, VALID[step.slug]!, `/register/${step.slug}`);
      assert.equal(ok.statusCode, 302, step.slug);
    }
    const check = await c.get('/register/check-answers');
    assert.equal(check.statusCode, 200);
    assert.doesNotMatch(check.body, /Bell|xxxxx|Atlantis|Wessex|carrier/);
    assert.equal((await registrations()).length, before, 'nothing is registered until the answers are sent');
  });

  it('keeps answers under an HttpOnly, SameSite=Lax cookie, and forgets them after 24 hours', async () => {
    const started = t.clock();
    try {
      const c = t.client();
      const name = cookieName('registration', t.config);
      const res = await c.submit('/register/name', { fullName: 'Kit Moss' }, '/register/name');
      const header = [res.headers['set-cookie']].flat().find((h) => h?.startsWith(`${name}=`));
      assert.ok(header, 'the draft cookie is set');
      assert.match(header, /HttpOnly/i);
      assert.match(header, /SameSite=Lax/i);
      assert.match(header, /Path=\//);
      if (t.config.secureCookies) assert.match(header, /Secure/);
      const token = c.cookies.get(name)!;
      const draft = await t.data.db.selectFrom('registration_drafts').selectAll().where('id', '=', hashToken(token)).executeTakeFirstOrThrow();
      assert.match(draft.answers, /Kit Moss/, 'kept under the hash of the token, never the token itself');
      assert.equal((await t.data.db.selectFrom('registration_drafts').select('id').where('id', '=', token).execute()).length, 0);

      t.clock.advance(23 * 3600_000);
      const kept = await c.get('/register/email');
      assert.equal(kept.statusCode, 200, 'still there after 23 hours');
      t.clock.advance(3600_000 + 1000);
      const gone = await c.get('/register/email');
      assert.equal(gone.statusCode, 302);
      assert.equal(gone.headers.location, '/register/name', 'a day-old draft is forgotten');
      assert.doesNotMatch((await c.get('/register/name')).body, /Kit Moss/);
    } finally {
      t.clock.set(started);
    }
  });

  it('does not save answers to a question that does not apply', async () => {
    const c = t.client();
    await c.submit('/register/name', { fullName: 'Ola Nowak' }, '/register/name');
    const token = await c.csrfToken('/register/email');
    const res = await c.post('/register/region', { region: 'London' }, token);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/register/email');
    const draft = await t.data.db.selectFrom('registration_drafts').select('answers').where('id', '=', hashToken(c.cookies.get(cookieName('registration', t.config))!)).executeTakeFirstOrThrow();
    assert.doesNotMatch(draft.answers, /London/);
  });

  it('limits how often one address can send answers', async () => {
    const c = t.client();
    const token = await c.csrfToken('/register/name');
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await c.post('/register/check-answers', {}, token)).statusCode);
    assert.deepEqual(new Set(statuses.slice(0, 60)), new Set([302]), 'an empty draft is sent back to the first question');
    assert.equal(statuses[60], 429, 'the 61st send in 10 minutes is refused');
    const page = await c.post('/register/check-answers', {}, token);
    assert.match(page.body, /you have tried too many times/);
    // Another address is not affected.
    assert.equal((await t.client().get('/register')).statusCode, 200);
  });

  it('returns to Check your answers after a change, asking any question the change brings in', async () => {
    const c = t.client();
    const org = await t.data.db.selectFrom('organisations').selectAll().executeTakeFirstOrThrow();
    const res = await (async () => {
      let path = '/register/name';
      const forms: Record<string, Form> = {
        name: { fullName: 'Lee Park' }, email: { email: 'lee@example.org' }, workplace: { organisationId: String(org.id) },
        service: { serviceType: 'both' }, job: { jobTitle: 'CSW' }, role: { roleGroup: 'csw' }, band: {}, interests: {}, adjustments: {}, consent: { consent: 'yes' },
      };
      while (path !== '/register/check-answers') {
        const r = await c.submit(path, forms[path.split('/')[2]!]!, path);
        path = r.headers.location as string;
      }
      return c.get(path);
    })();
    assert.match(res.body, /href="\/register\/job\?change=1"/);
    const changed = await c.submit('/register/job?change=1', { jobTitle: 'Senior CSW' }, '/register/job?change=1');
    assert.equal(changed.headers.location, '/register/check-answers');
    // Moving to an unlisted organisation brings in the nation question, then back to check.
    const moved = await c.submit('/register/workplace?change=1', { organisationId: '', organisationOther: 'Private clinic' }, '/register/workplace?change=1');
    assert.equal(moved.headers.location, '/register/nation?change=1');
    const nation = await c.submit('/register/nation?change=1', { nation: 'Scotland' }, '/register/nation?change=1');
    assert.equal(nation.headers.location, '/register/check-answers');
    const check = await c.get('/register/check-answers');
    assert.match(check.body, /Senior CSW/);
    assert.match(check.body, /Private clinic/);
    assert.match(check.body, /Scotland/);
  });
});

describe('registration deadline (end of the day, London time)', () => {
  for (const [season, closesOn, lastSecond] of [
    ['summer (BST)', '2026-06-21', '2026-06-21T22:59:59Z'],
    ['winter (GMT)', '2026-12-21', '2026-12-21T23:59:59Z'],
  ] as const) {
    it(`in ${season}: open one second before midnight, closed one second after, with nothing saved`, async () => {
      const t = await createTestApp({ seed: true });
      try {
        await t.data.db.updateTable('programmes').set({ registration_opens_on: '2026-01-01', registration_closes_on: closesOn }).execute();
        t.clock.set(lastSecond);
        const c = t.client();
        assert.equal(h1((await c.get('/register')).body), 'Register your interest');
        const done = await walkJourney(c);
        assert.equal(done.headers.location, '/register/confirmation', 'accepted at 23:59:59 London time');
        assert.equal((await t.data.db.selectFrom('registrations').selectAll().execute()).length, 1);

        // A second person ready to send, and a third half-way through, when the clock strikes midnight.
        const ready = t.client();
        await answerAll(ready, { email: { email: 'ready@example.org' } });
        const readyToken = await ready.csrfToken('/register/check-answers');
        const late = t.client();
        await late.submit('/register/name', { fullName: 'Late Person' }, '/register/name');
        const token = await late.csrfToken('/register/email');
        const draftsBefore = await t.data.db.selectFrom('registration_drafts').select(['id', 'answers']).execute();
        t.clock.advance(2000); // one second after midnight
        for (const path of ['/register', ...STEPS.map((s) => `/register/${s.slug}`), '/register/check-answers']) {
          const page = await late.get(path);
          assert.equal(page.statusCode, 200, path);
          assert.equal(h1(page.body), 'Registration has closed', path);
        }
        for (const step of STEPS) {
          const post = await late.post(`/register/${step.slug}`, VALID[step.slug]!, token);
          assert.equal(post.statusCode, 410, step.slug);
          assert.equal(h1(post.body), 'Registration has closed', step.slug);
        }
        const submit = await late.post('/register/check-answers', {}, token);
        assert.equal(submit.statusCode, 410);
        assert.equal(h1(submit.body), 'Registration has closed');
        assert.match((await late.get('/register')).body, /closed at the end of/);
        const tooLate = await ready.post('/register/check-answers', {}, readyToken);
        assert.equal(tooLate.statusCode, 410, 'answers complete before midnight cannot be sent after it');
        assert.equal(h1(tooLate.body), 'Registration has closed');
        assert.equal((await t.data.db.selectFrom('registrations').selectAll().execute()).length, 1, 'nothing new stored');
        assert.deepEqual(await t.data.db.selectFrom('registration_drafts').select(['id', 'answers']).execute(), draftsBefore, 'no draft changed');
      } finally {
        await t.close();
      }
    });
  }
});
