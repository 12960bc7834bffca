// The participant's own pages: their groups, correcting their details, and withdrawing.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { h1, TestClient } from '../../../test/helpers/app.ts';
import { cookieName } from '../../platform/http/cookies.ts';
import { acceptRegistration, declineRegistration, sendProgrammeMail, withdrawParticipant } from '../registration/service.ts';
import { assign, createSubgroup } from './service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from './test-fixture.ts';

describe('the participant’s own pages', () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone, dee: Someone;
  let groupA: number, groupB: number;

  const db = () => f.t.data.db;
  const outboxTo = async (email: string) => db().selectFrom('outbox').select(['subject', 'status']).where('to_address', '=', email).orderBy('id').execute();

  // Each test gets its own database with these people and groups, so none depends on another.
  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    dee = await f.register('Dee Dunn', { roleGroup: 'other', roleOther: 'Imaging porter' });
    const [project, otherProject] = [f.projects[0]!, f.projects[1]!];
    const a = await createSubgroup(db(), f.admin.personId, project.id, { name: 'Delegation resources', description: 'Writes the delegation checklist' }, f.t.clock);
    const b = await createSubgroup(db(), f.admin.personId, project.id, { name: 'Radiotherapy guidance', description: '' }, f.t.clock);
    assert.ok(a.ok && b.ok);
    groupA = a.id;
    groupB = b.id;
    await assign(db(), f.admin.personId, { projectId: project.id, subgroupId: groupA }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: project.id, subgroupId: groupB }, [cy.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: otherProject.id, subgroupId: null }, [amy.personId], f.t.clock);
  });
  afterEach(() => f.t.close());

  it('shows a participant the programme, their projects and sub-groups, with fellow members’ names only', async () => {
    const client = await f.signInAs(amy.personId);
    const res = await client.get('/my');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Your programme');
    const text = mainText(res.body);
    assert.match(text, /taking part in the radiography support workforce programme, run by the Society of Radiographers/);
    assert.match(text, new RegExp(`Project: ${f.projects[0]!.name} Meetings of ${f.projects[0]!.name} Sub-group: Delegation resources Writes the delegation checklist Meetings of Delegation resources Members \\(2\\): Amy Archer \\(you\\) Bo Baker`));
    assert.match(text, new RegExp(`Project: ${f.projects[1]!.name} Meetings of ${f.projects[1]!.name} You are not in a sub-group of this project yet`));
    assert.match(text, /Correct your details/);
    assert.match(text, /Withdraw from the programme/);
    // Names, never email addresses; and nothing of the sub-group Amy is not in.
    assert.doesNotMatch(res.body, /bo\.baker@example\.org|cy\.carter@example\.org|@example\.org/);
    assert.doesNotMatch(text, /Radiotherapy guidance|Cy Carter/);
  });

  it('never shows a participant another sub-group’s members', async () => {
    const cyClient = await f.signInAs(cy.personId);
    const text = mainText((await cyClient.get('/my')).body);
    assert.match(text, /Sub-group: Radiotherapy guidance Meetings of Radiotherapy guidance Members \(1\): Cy Carter \(you\)/);
    assert.doesNotMatch(text, /Amy Archer|Bo Baker|Delegation resources/);
    assert.equal((await cyClient.get(`/admin/subgroups/${groupA}`)).statusCode, 403);
    assert.equal((await cyClient.get(`/admin/projects/${f.projects[0]!.id}`)).statusCode, 403);

    const deeClient = await f.signInAs(dee.personId);
    const deeText = mainText((await deeClient.get('/my')).body);
    assert.match(deeText, /Nothing here yet When the programme team adds you to a project or sub-group, it will show here/, 'the home’s empty state');
    assert.doesNotMatch(deeText, /Amy Archer|Cy Carter|Sub-group:/);
  });

  it('is only for participants, and works for one without a registration', async () => {
    assert.equal((await new TestClient(f.t.app).get('/my')).statusCode, 302);
    for (const role of ['admin', 'facilitator', 'observer'] as const) {
      const c = await f.t.signedIn(role);
      for (const url of ['/my', '/my/details', '/my/withdraw']) assert.equal((await c.get(url)).statusCode, 403, `${role} ${url}`);
    }
    const noRegistration = await f.t.signedIn('participant');
    const text = mainText((await noRegistration.get('/my')).body);
    assert.match(text, /We do not have a registration of interest for you/);
    assert.doesNotMatch(text, /Correct your details/);
    assert.equal((await noRegistration.get('/my/details')).headers.location, '/my');
  });

  it('lets a participant correct their details, with clear errors, and records it in the history', async () => {
    const client = await f.signInAs(dee.personId);
    const form = await client.get('/my/details');
    assert.equal(form.statusCode, 200);
    assert.equal(h1(form.body), 'Correct your details');
    assert.match(mainText(form.body), /Your email address is dee\.dunn@example\.org\. You cannot change it here because it is how you sign in/);
    assert.match(form.body, /value="Imaging porter"/);
    assert.match(form.body, /name="roleGroup" type="radio" value="other" checked/);
    assert.doesNotMatch(form.body, /name="email"/, 'no email field');

    const bad = await client.submit('/my/details', { fullName: ' ', organisationName: '', jobTitle: 'j'.repeat(201), roleGroup: 'king', afcBand: '99', adjustments: 'a'.repeat(1001) }, '/my/details');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummary(bad.body), [
      ['Enter your full name', '#fullName'],
      ['Choose where you work from the list, or enter its name if it is not listed', '#organisationId'],
      ['Select the type of service you work in', '#serviceType'],
      ['Job title must be 200 characters or fewer', '#jobTitle'],
      ['Select your role from the list', '#roleGroup'],
      ['Select your pay band, or leave this question blank', '#afcBand'],
      ['Adjustments must be 1000 characters or fewer', '#adjustments'],
    ]);
    assert.match(bad.body, new RegExp(`value="${'j'.repeat(201)}"`), 'what was typed is kept');
    const other = await client.submit('/my/details', { fullName: 'Dee Dunn', organisationName: 'Westgate Hospital', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'Porter', roleGroup: 'other', roleOther: '' }, '/my/details');
    assert.deepEqual(errorSummary(other.body), [['Enter your role', '#roleOther']]);
    const noNation = await client.submit('/my/details', { fullName: 'Dee Dunn', organisationName: 'Westgate Hospital', serviceType: 'diagnostic', jobTitle: 'Porter' }, '/my/details');
    assert.deepEqual(errorSummary(noNation.body), [['Select the nation you work in', '#nation']], 'a workplace off the list needs its nation');
    const registration = () => db().selectFrom('registrations').selectAll().where('id', '=', dee.registrationId).executeTakeFirstOrThrow();
    assert.equal((await registration()).full_name, 'Dee Dunn', 'nothing saved from a form with errors');

    const ok = await client.submit(
      '/my/details',
      { fullName: 'Dee Dunn-Evans', organisationName: 'Westgate Hospital', nation: 'England', region: 'North West', serviceType: 'diagnostic', department: 'CT', jobTitle: 'Assistant practitioner', roleGroup: 'ap', roleOther: 'ignored', afcBand: '4', aims: ['3', '5'], participation: 'surveys', adjustments: 'Captions in meetings', email: 'someone.else@example.org' },
      '/my/details',
    );
    assert.equal(ok.headers.location, '/my?saved=1');
    assert.match((await client.get(ok.headers.location!)).body, /Your details have been saved\./);
    const r = await registration();
    assert.equal(r.full_name, 'Dee Dunn-Evans');
    assert.equal(r.organisation_name, 'Westgate Hospital');
    assert.equal(r.organisation_id, null);
    assert.equal(r.department, 'CT');
    assert.equal(r.job_title, 'Assistant practitioner');
    assert.equal(r.role_group, 'ap');
    assert.equal(r.role_other, null);
    assert.equal(r.afc_band, '4');
    assert.equal(r.adjustments, 'Captions in meetings');
    assert.equal(r.email, 'dee.dunn@example.org', 'the email address is not changed');
    assert.match(r.search_text, /dee dunn-evans/);
    const person = await db().selectFrom('people').select(['name', 'email']).where('id', '=', dee.personId).executeTakeFirstOrThrow();
    assert.deepEqual({ ...person }, { name: 'Dee Dunn-Evans', email: 'dee.dunn@example.org' });

    const events = await db().selectFrom('registration_events').select(['action', 'detail', 'actor_id']).where('registration_id', '=', dee.registrationId).where('action', '=', 'corrected').execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.actor_id, dee.personId);
    // The history keeps the old values beside the new, in words.
    assert.equal(
      events[0]!.detail,
      'Details corrected by the participant: name: “Dee Dunn” → “Dee Dunn-Evans”; workplace: “Example Community Hospital” → “Westgate Hospital”; department: “X-ray” → “CT”; job title: “Imaging assistant” → “Assistant practitioner”; role: “Other” → “Assistant practitioner (AP)”; role: “Imaging porter” → “”; pay band: “Band 2” → “Band 4”; adjustments: “” → “Captions in meetings”',
    );
    // A workplace chosen from the list brings its own nation and region (issue 8 #6).
    const org = await db().insertInto('organisations').values({ ods_code: 'ZZ1', name: 'Example Valleys Health Board', nation: 'Wales', region_code: null, region: null, kind: 'Health board', active: 1 }).returningAll().executeTakeFirstOrThrow();
    const moved = await client.submit('/my/details', { fullName: 'Dee Dunn-Evans', organisationId: String(org.id), nation: 'England', region: 'North West', serviceType: 'radiotherapy', department: 'CT', jobTitle: 'Assistant practitioner', roleGroup: 'ap', afcBand: '4', aims: '1', participation: ['surveys', 'meetings'], adjustments: 'Captions in meetings' }, '/my/details');
    assert.equal(moved.headers.location, '/my?saved=1');
    const afterMove = await registration();
    assert.deepEqual([afterMove.organisation_id, afterMove.organisation_name, afterMove.nation, afterMove.region, afterMove.service_type, afterMove.participation], [org.id, org.name, 'Wales', null, 'radiotherapy', 'surveys,meetings']);
    assert.deepEqual((await db().selectFrom('registration_aims').select('aim_number').where('registration_id', '=', dee.registrationId).execute()).map((a) => a.aim_number), [1]);
    // Back to the first correction, for the checks that follow.
    await client.submit('/my/details', { fullName: 'Dee Dunn-Evans', organisationName: 'Westgate Hospital', nation: 'England', region: 'North West', serviceType: 'diagnostic', department: 'CT', jobTitle: 'Assistant practitioner', roleGroup: 'ap', afcBand: '4', aims: ['3', '5'], participation: 'surveys', adjustments: 'Captions in meetings' }, '/my/details');
    const history = await f.admin.get(`/admin/registrations/${dee.registrationId}`);
    assert.match(history.body, /Details corrected by the participant: name: “Dee Dunn” → “Dee Dunn-Evans”/);

    // Saving with no change says so and adds nothing to the history.
    const same = await client.submit('/my/details', { fullName: 'Dee Dunn-Evans', organisationName: 'Westgate Hospital', nation: 'England', region: 'North West', serviceType: 'diagnostic', department: 'CT', jobTitle: 'Assistant practitioner', roleGroup: 'ap', afcBand: '4', aims: ['5', '3'], participation: 'surveys', adjustments: 'Captions in meetings' }, '/my/details');
    assert.equal(same.headers.location, '/my?saved=none');
    assert.equal((await db().selectFrom('registration_events').select('id').where('registration_id', '=', dee.registrationId).where('action', '=', 'corrected').execute()).length, 3);
  });

  it('withdraws after a confirmation step: out of groups, signed out, and no more programme email', async () => {
    const client = await f.signInAs(bo.personId);
    const confirm = await client.get('/my/withdraw');
    assert.equal(confirm.statusCode, 200);
    assert.equal(h1(confirm.body), 'Are you sure you want to withdraw from the programme?');
    const text = mainText(confirm.body);
    assert.match(text, /stop sending you emails about the programme/);
    assert.match(text, /taken out of all your projects and sub-groups/);
    assert.match(text, /signed out/);
    assert.match(text, /keeps a record that you registered and that you withdrew/);
    // Nothing happens until the button is pressed.
    assert.equal((await db().selectFrom('registrations').select('status').where('id', '=', bo.registrationId).executeTakeFirstOrThrow()).status, 'accepted');

    const sessionCookie = cookieName('session', f.t.config);
    const res = await client.submit('/my/withdraw', {}, '/my/withdraw');
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/withdrawn');
    const cleared = (res.cookies as { name: string; value: string }[]).find((c) => c.name === sessionCookie);
    assert.equal(cleared?.value, '', 'the session cookie is cleared');
    assert.equal(client.cookies.has(sessionCookie), false);
    const done = await client.get('/withdrawn');
    assert.equal(done.statusCode, 200);
    assert.equal(h1(done.body), 'You have withdrawn from the programme');
    assert.equal((await client.get('/my')).headers.location, '/sign-in?next=%2Fmy', 'signed out');
    assert.equal((await db().selectFrom('sessions').select('id').where('person_id', '=', bo.personId).execute()).length, 0, 'signed out on every device');

    const r = await db().selectFrom('registrations').select(['status']).where('id', '=', bo.registrationId).executeTakeFirstOrThrow();
    assert.equal(r.status, 'withdrawn');
    assert.equal((await db().selectFrom('subgroup_members').select('person_id').where('person_id', '=', bo.personId).execute()).length, 0);
    assert.equal((await db().selectFrom('project_members').select('person_id').where('person_id', '=', bo.personId).execute()).length, 0);
    const history = await db().selectFrom('registration_events').select('detail').where('registration_id', '=', bo.registrationId).where('action', '=', 'withdrawn').execute();
    assert.deepEqual(history.map((h) => h.detail), ['Withdrew from the programme']);

    // Other members no longer see them.
    const amyClient = await f.signInAs(amy.personId);
    const amyText = mainText((await amyClient.get('/my')).body);
    assert.match(amyText, /Members \(1\): Amy Archer \(you\)/);
    assert.doesNotMatch(amyText, /Bo Baker/);

    // No programme email reaches them any more, whichever way it is tried.
    const mailBefore = await outboxTo(bo.email);
    const ctx = { actorId: f.admin.personId, baseUrl: f.t.config.baseUrl, clock: f.t.clock };
    assert.deepEqual(await acceptRegistration(db(), bo.registrationId, ctx), { ok: false, reason: 'withdrawn' });
    assert.deepEqual(await declineRegistration(db(), bo.registrationId, ctx, 'A message for you'), { ok: false, reason: 'withdrawn' });
    const viaPage = await f.admin.submit(`/admin/registrations/${bo.registrationId}/decline`, { message: 'Sorry' }, `/admin/projects/${f.projects[0]!.id}`);
    assert.ok(viaPage.statusCode < 500, 'the registrations page refuses it without an error');
    assert.equal(await sendProgrammeMail(db(), { to: bo.email, subject: 'Next meeting', text: 'Hello' }, f.t.clock), false);
    assert.equal(await sendProgrammeMail(db(), { to: 'BO.BAKER@example.org', subject: 'Next meeting', text: 'Hello' }, f.t.clock), false, 'whatever the case of the address');
    assert.deepEqual(await outboxTo(bo.email), mailBefore);
    assert.equal((await outboxTo(bo.email)).filter((m) => m.status === 'pending').length, 0, 'mail queued before withdrawing is dropped');

    // And the programme team cannot put them back in a group.
    const refused = await assign(db(), f.admin.personId, { projectId: f.projects[0]!.id, subgroupId: groupA }, [bo.personId], f.t.clock);
    assert.deepEqual(refused, { added: 0, refused: [{ id: bo.personId, name: 'Bo Baker' }] });
  });

  it('lets someone who withdrew sign in again, and tells them they have withdrawn', async () => {
    // Current behaviour: withdrawing does not disable the account. The sign-in email is not
    // programme email, so it is still sent; once in, they see that they withdrew and nothing else.
    await withdrawParticipant(db(), bo.personId, f.t.clock);
    const visitor = new TestClient(f.t.app);
    const asked = await visitor.submit('/sign-in', { email: bo.email });
    assert.equal(asked.headers.location, '/sign-in/check-email');
    const mail = await db().selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', bo.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(mail.subject, 'Your Coproduce sign-in link');
    const link = /http\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0];
    const signedIn = await visitor.submit(new URL(link).pathname, {});
    assert.equal(signedIn.headers.location, '/my');
    const my = await visitor.get('/my');
    assert.equal(my.statusCode, 200);
    const text = mainText(my.body);
    assert.match(text, /You withdrew from the radiography support workforce programme on/);
    assert.match(text, /register your interest again/);
    assert.doesNotMatch(text, /Correct your details|Withdraw from the programme|Amy Archer/);
    assert.equal((await visitor.get('/my/details')).headers.location, '/my');
    assert.equal((await visitor.get('/my/withdraw')).headers.location, '/my');
    const post = await visitor.submit('/my/details', { fullName: 'Changed', organisationName: 'X', jobTitle: 'Y' }, '/account');
    assert.equal(post.headers.location, '/my');
    assert.equal((await db().selectFrom('registrations').select('full_name').where('id', '=', bo.registrationId).executeTakeFirstOrThrow()).full_name, 'Bo Baker');
  });

  it('shows the withdrawn page to anyone', async () => {
    const res = await new TestClient(f.t.app).get('/withdrawn');
    assert.equal(res.statusCode, 200);
    assert.match(mainText(res.body), /we will not send you any more emails about the radiography support workforce programme/);
  });
});
