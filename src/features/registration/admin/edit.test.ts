import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { h1 } from '../../../../test/helpers/app.ts';
import { acceptRegistration, confirmRegistrationEmail, withdrawParticipant } from '../service.ts';
import { formFields, register, seededApp, type Seeded } from './test-factory.ts';

describe('the programme team edits a registration', () => {
  let s: Seeded;
  beforeEach(async () => {
    s = await seededApp();
  });
  afterEach(() => s.t.close());

  const db = () => s.t.data.db;
  const reg = (id: number) => db().selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const aims = async (id: number) => (await db().selectFrom('registration_aims').select('aim_number').where('registration_id', '=', id).orderBy('aim_number').execute()).map((a) => a.aim_number);
  const events = (id: number) => db().selectFrom('registration_events').selectAll().where('registration_id', '=', id).orderBy('id').execute();
  const audits = (id: number) => db().selectFrom('audit_events').selectAll().where('action', '=', 'registration.edit').where('record_id', '=', String(id)).execute();
  const edit = (id: number) => `/admin/registrations/${id}/edit`;
  /** The edit form as it stands, with these answers changed. */
  async function formWith(id: number, changes: Record<string, string | string[]>) {
    const page = await s.admin.get(edit(id));
    assert.equal(page.statusCode, 200);
    const fields = formFields(page.body.slice(page.body.indexOf(`<form method="post" action="${edit(id)}"`)), 'post').filter(([k]) => k !== '_csrf' && !(k in changes));
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of fields) out[k] = k in out ? [...([] as string[]).concat(out[k]!), v] : v;
    // formFields reads inputs and selects; the one textarea is read here.
    const adjustments = /<textarea[^>]*name="adjustments"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.body)?.[1] ?? '';
    out.adjustments = adjustments.replace(/&amp;/g, '&');
    return { ...out, ...changes };
  }
  const accept = (id: number) => acceptRegistration(db(), id, { actorId: s.admin.personId, baseUrl: s.t.config.baseUrl, clock: s.t.clock }, 'Consent given on a call');

  it('changes every answer, keeps the old values in the history, and audits it', async () => {
    const r = await register(s, { fullName: 'Alex Morgan', email: 'alex.morgan@example.org', organisationName: 'Example Community Hospital', nation: 'England', region: 'North West', jobTitle: 'Imaging assistant', roleGroup: 'csw', afcBand: '2', aims: [3], participation: ['surveys'] }, { confirm: true });
    const page = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.match(page.body, new RegExp(`href="/admin/registrations/${r.id}/edit">Edit details`));
    const form = await s.admin.get(edit(r.id));
    assert.equal(h1(form.body), 'Edit Alex Morgan’s details');
    assert.match(form.body, /value="alex.morgan@example.org"/);

    const org = await db().selectFrom('organisations').selectAll().where('nation', '=', 'Wales').orderBy('id').executeTakeFirstOrThrow();
    const saved = await s.admin.submit(
      edit(r.id),
      await formWith(r.id, {
        fullName: 'Alex Morgan-Hughes',
        email: 'alex.hughes@example.org',
        organisationId: String(org.id),
        organisationName: '',
        nation: '',
        region: '',
        department: 'CT',
        serviceType: 'other',
        serviceOther: 'Mobile screening',
        jobTitle: 'Senior imaging assistant',
        roleGroup: 'senior-csw',
        afcBand: '3',
        aims: ['1', '3', '4'],
        participation: ['meetings', 'surveys'],
        adjustments: 'Large print',
      }),
      edit(r.id),
    );
    assert.equal(saved.statusCode, 302);
    assert.equal(saved.headers.location, `/admin/registrations/${r.id}`);
    const after = await reg(r.id);
    assert.equal(after.full_name, 'Alex Morgan-Hughes');
    assert.equal(after.email, 'alex.hughes@example.org');
    assert.equal(after.email_normalised, 'alex.hughes@example.org');
    assert.equal(after.organisation_id, org.id);
    assert.equal(after.organisation_name, org.name);
    assert.equal(after.nation, 'Wales');
    assert.equal(after.region, null);
    assert.equal(after.department, 'CT');
    assert.equal(after.service_type, 'other');
    assert.equal(after.service_other, 'Mobile screening');
    assert.equal(after.job_title, 'Senior imaging assistant');
    assert.equal(after.role_group, 'senior-csw');
    assert.equal(after.afc_band, '3');
    assert.equal(after.participation, 'meetings,surveys');
    assert.equal(after.adjustments, 'Large print');
    assert.equal(after.status, 'new');
    assert.match(after.search_text, /alex morgan-hughes/);
    assert.deepEqual(await aims(r.id), [1, 3, 4]);
    const line = (await events(r.id)).at(-1)!;
    assert.equal(line.action, 'edited');
    assert.equal(line.actor_id, s.admin.personId);
    for (const part of ['name: “Alex Morgan” → “Alex Morgan-Hughes”', 'email address: “alex.morgan@example.org” → “alex.hughes@example.org”', `workplace: “Example Community Hospital” → “${org.name}”`, 'job title: “Imaging assistant” → “Senior imaging assistant”', 'pay band: “Band 2” → “Band 3”', 'aims: 3 → 1, 3, 4']) {
      assert.ok(line.detail.includes(part), `${part} in ${line.detail}`);
    }
    const audit = await audits(r.id);
    assert.equal(audit.length, 1);
    assert.match(audit[0]!.summary, new RegExp(`^Edited ${r.reference}: name, email address, workplace`));
    // The success message, once, on the registration's page.
    const shown = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.match(shown.body, /Registration updated: name, email address, workplace/);
    assert.match(shown.body, /name: “Alex Morgan” → “Alex Morgan-Hughes”/);
    assert.doesNotMatch((await s.admin.get(`/admin/registrations/${r.id}`)).body, /Registration updated/);

    // Saving again unchanged writes nothing.
    const count = (await events(r.id)).length;
    const again = await s.admin.submit(edit(r.id), await formWith(r.id, {}), edit(r.id));
    assert.equal(again.statusCode, 302);
    assert.equal((await events(r.id)).length, count, (await events(r.id)).at(-1)!.detail);
    assert.equal((await audits(r.id)).length, 1);
    assert.match((await s.admin.get(`/admin/registrations/${r.id}`)).body, /Nothing was changed\./);
  });

  it('refuses an email another registration has, naming its reference, and saves nothing', async () => {
    const other = await register(s, { email: 'jo.bloggs@example.org' });
    const r = await register(s, { fullName: 'Jo Bloggs', email: 'jo.b@example.org' });
    const res = await s.admin.submit(edit(r.id), await formWith(r.id, { email: 'JO.BLOGGS@example.org', jobTitle: 'Changed too' }), edit(r.id));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: /);
    assert.ok(res.body.includes(`<a href="#email">Another registration in this programme, ${other.reference}, already has this email address.`));
    assert.match(res.body, /value="JO.BLOGGS@example.org"/);
    assert.match(res.body, /value="Changed too"/);
    assert.equal((await reg(r.id)).email, 'jo.b@example.org');
    assert.notEqual((await reg(r.id)).job_title, 'Changed too');
    assert.equal((await audits(r.id)).length, 0);
  });

  it('shows every problem with the values as typed, and saves nothing', async () => {
    const r = await register(s, { fullName: 'Kim Lee' });
    const before = await reg(r.id);
    const res = await s.admin.submit(edit(r.id), await formWith(r.id, { fullName: '', email: 'not an email', organisationId: '', organisationName: 'Somewhere new', nation: '', roleGroup: 'other', roleOther: '', jobTitle: 'Typed title' }), edit(r.id));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /govuk-error-summary/);
    for (const href of ['#fullName', '#email', '#nation', '#roleOther']) assert.ok(res.body.includes(`<a href="${href}">`), href);
    assert.match(res.body, /value="Somewhere new"/);
    assert.match(res.body, /value="Typed title"/);
    assert.match(res.body, /value="not an email"/);
    assert.deepEqual(await reg(r.id), before);
  });

  it('renames the account with the registration, and refuses to change the email it signs in with', async () => {
    const r = await register(s, { fullName: 'Pat Quinn', email: 'pat.quinn@example.org' }, { confirm: true });
    assert.deepEqual(await accept(r.id), { ok: true });
    const personId = (await reg(r.id)).person_id!;
    const form = await s.admin.get(edit(r.id));
    assert.doesNotMatch(form.body, /name="email"/);
    assert.match(form.body, /cannot be changed here because they have an account and sign in with it/);

    const renamed = await s.admin.submit(edit(r.id), await formWith(r.id, { fullName: 'Patricia Quinn' }), edit(r.id));
    assert.equal(renamed.statusCode, 302);
    const person = await db().selectFrom('people').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
    assert.equal(person.name, 'Patricia Quinn');
    assert.equal((await reg(r.id)).full_name, 'Patricia Quinn');

    const refused = await s.admin.submit(edit(r.id), await formWith(r.id, { email: 'pat.new@example.org', jobTitle: 'Not saved' }), edit(r.id));
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Patricia Quinn has an account and signs in with pat.quinn@example.org, so their email address cannot be changed here/);
    assert.equal((await reg(r.id)).email, 'pat.quinn@example.org');
    assert.notEqual((await reg(r.id)).job_title, 'Not saved');
  });

  it('sends the confirmation email to the new address of an unconfirmed registration', async () => {
    const r = await register(s, { email: 'typo@exmaple.org' });
    const res = await s.admin.submit(edit(r.id), await formWith(r.id, { email: 'sam.fixed@example.org' }), edit(r.id));
    assert.equal(res.statusCode, 302);
    const mail = await db().selectFrom('outbox').selectAll().where('to_address', '=', 'sam.fixed@example.org').execute();
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.subject, new RegExp(r.reference));
    const token = /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(mail[0]!.text_body)![1]!;
    assert.equal((await confirmRegistrationEmail(db(), token, s.t.clock, { consent: true })).ok, true);
    assert.equal((await reg(r.id)).status, 'new');
  });

  it('does not edit a withdrawn registration, and sends one waiting for review to the review queue', async () => {
    const r = await register(s, { fullName: 'Wyn Evans' }, { confirm: true });
    await accept(r.id);
    await withdrawParticipant(db(), (await reg(r.id)).person_id!, s.t.clock);
    const page = await s.admin.get(`/admin/registrations/${r.id}`);
    assert.doesNotMatch(page.body, /\/edit">Edit details/);
    const get = await s.admin.get(edit(r.id));
    assert.equal(get.statusCode, 409);
    assert.match(get.body, /Wyn Evans has withdrawn from the programme, so their registration cannot be edited/);
    const before = await reg(r.id);
    const post = await s.admin.submit(edit(r.id), { fullName: 'Changed', email: before.email!, jobTitle: 'x', organisationName: 'x', nation: 'Wales' }, `/admin/registrations/${r.id}`);
    assert.equal(post.statusCode, 409);
    assert.deepEqual(await reg(r.id), before);

    const review = await register(s, { fullName: '' }, { needsReview: true });
    const redirected = await s.admin.get(edit(review.id));
    assert.equal(redirected.statusCode, 302);
    assert.equal(redirected.headers.location, `/admin/review/${review.id}`);
    assert.equal((await s.admin.get('/admin/registrations/999999/edit')).statusCode, 404);
    assert.equal((await s.admin.get('/admin/registrations/abc/edit')).statusCode, 404);
  });

  it('is for admins only', async () => {
    const r = await register(s);
    const participant = await s.t.signedIn('participant');
    assert.equal((await participant.get(edit(r.id))).statusCode, 403);
  });
});
