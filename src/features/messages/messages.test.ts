// Messages to an audience, over HTTP and through the service, on both engines: an admin writes,
// previews (who is left out, and why, counted), sends; the job tells each person once however
// often it runs; leads write only to the groups they lead; recipients read it, others get 404.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { TestClient } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { makeLead } from '../../platform/audience/access.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { runDueJobs } from '../../platform/jobs/runner.ts';
import { sendDigests } from '../../platform/notify/digest.ts';
import { setPreferences } from '../../platform/notify/notify.ts';
import { assign, createSubgroup } from '../participants/service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { withdrawParticipant } from '../registration/service.ts';
import { deliverMessage, messageJobHandlers } from './service.ts';
import { messagesPersonalData } from './personal-data/personal-data.ts';
import { stopLead } from '../../platform/audience/access.ts';

describe(`messages on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone, dee: Someone;
  const db = () => f.t.data.db;
  const ctx = () => ({ clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret });
  const handlers = () => messageJobHandlers(ctx());
  const outbox = () => db().selectFrom('outbox').select(['to_address', 'subject', 'text_body', 'html_body']).where('subject', 'not like', '%confirm%').where('subject', 'not like', '%registration%').where('subject', 'not like', '%accepted%').orderBy('id').execute();
  const messageMail = async (subject: string) => (await outbox()).filter((m) => m.subject === subject);
  const messages = () => db().selectFrom('messages').selectAll().orderBy('id').execute();
  const write = (client: TestClient, form: Record<string, string | string[]>) => client.submit('/messages/write', { action: 'continue', ...form }, '/messages/write');

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    dee = await f.register('Dee Dunn');
    await withdrawParticipant(db(), cy.personId, f.t.clock);
    await inTransaction(db(), (tx) => setPreferences(tx, dee.personId, { 'messages.team': 'off' }, f.t.clock));
  });
  afterEach(() => f.t.close());

  it('writes, previews with the counts, sends once however often the job runs, and keeps the record', async () => {
    const form = {
      subject: 'Welcome to the programme',
      body: 'Dear ((name)),\n\nThank you for joining. **See you soon.**\n\n<script>alert("x")</script>',
      audience: 'people',
      audiencePeople: [amy.email, bo.email, cy.email, dee.email].join('\n'),
    };
    const saved = await write(f.admin, form);
    assert.equal(saved.statusCode, 302, saved.body.slice(0, 500));
    const [draft] = await messages();
    assert.equal(saved.headers.location, `/messages/${draft!.id}/preview#main-content`);
    assert.equal(draft!.status, 'draft');

    const preview = await f.admin.get(`/messages/${draft!.id}/preview`);
    assert.equal(preview.statusCode, 200);
    const text = mainText(preview.body);
    assert.match(text, /This will reach 2 people\./);
    assert.match(text, /1 left out because they have withdrawn/);
    assert.match(text, /1 left out because they turned these emails off/);
    assert.match(text, /This is how it looks for Amy Archer/);
    assert.match(text, /Dear Amy Archer,/);
    assert.match(preview.body, /<strong>See you soon\.<\/strong>/);
    assert.doesNotMatch(preview.body, /<script>alert/);
    assert.match(preview.body, /&lt;script&gt;alert/);
    assert.equal((await messageMail(form.subject)).length, 0, 'nothing is sent before Send');

    const sent = await f.admin.submit(`/messages/${draft!.id}/send`, {}, `/messages/${draft!.id}/preview`);
    assert.equal(sent.statusCode, 302);
    assert.equal(sent.headers.location, `/admin/messages/${draft!.id}`);
    assert.match((await f.admin.get(sent.headers.location!)).body, /Your message is being sent to 2 people\./);
    const again = await f.admin.submit(`/messages/${draft!.id}/send`, {}, '/messages');
    assert.equal(again.headers.location, `/messages/${draft!.id}`, 'a second press sends nothing more');
    assert.equal((await db().selectFrom('jobs').select('id').where('kind', '=', 'messages.send').execute()).length, 1);

    assert.equal((await runDueJobs(db(), f.t.clock, handlers())).ran, 1);
    await deliverMessage(db(), ctx(), draft!.id); // a run repeated after it finished
    await runDueJobs(db(), f.t.clock, handlers());
    const mail = await messageMail(form.subject);
    assert.deepEqual(mail.map((m) => m.to_address).sort(), [amy.email, bo.email].sort(), 'each reached person once; the withdrawn and the turned-off are left out');
    const amys = mail.find((m) => m.to_address === amy.email)!;
    assert.match(amys.text_body, /Dear Amy Archer,/);
    assert.match(amys.text_body, new RegExp(`${f.t.config.baseUrl}/messages/${draft!.id}`));
    assert.doesNotMatch(amys.html_body ?? '', /<script/);
    assert.match(amys.html_body ?? '', /&lt;script&gt;/);
    assert.doesNotMatch(amys.text_body, /\(\(name\)\)/);

    const [after] = await messages();
    assert.equal(after!.status, 'sent');
    assert.deepEqual([after!.reached, after!.left_withdrawn, after!.left_off], [2, 1, 1]);
    const record = mainText((await f.admin.get(`/admin/messages/${draft!.id}`)).body);
    assert.match(record, /Amy Archer amy\.archer@example\.org Emailed/);
    assert.match(record, /Cy Carter cy\.carter@example\.org Left out: has withdrawn/);
    assert.match(record, /Dee Dunn dee\.dunn@example\.org Left out: turned these emails off/);
    const list = mainText((await f.admin.get('/admin/messages')).body);
    assert.match(list, /Welcome to the programme Test admin Amy Archer; Bo Baker; Cy Carter; Dee Dunn 2 1 withdrawn, 1 turned off/);
    const audit = await db().selectFrom('audit_events').select('summary').where('action', '=', 'message.send').execute();
    assert.deepEqual(audit.map((a) => a.summary), ['Sent the message “Welcome to the programme” to 2 people']);

    // A recipient reads it; someone it was not for gets "not found".
    const amyClient = await f.signInAs(amy.personId);
    const page = await amyClient.get(`/messages/${draft!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(mainText(page.body), /Welcome to the programme .* Dear Amy Archer,/);
    const eve = await f.register('Eve Evans');
    assert.equal((await (await f.signInAs(eve.personId)).get(`/messages/${draft!.id}`)).statusCode, 404);
    assert.equal((await amyClient.get('/messages/99999')).statusCode, 404);
  });

  it('puts it in the digest of someone who chose a daily summary', async () => {
    await inTransaction(db(), (tx) => setPreferences(tx, bo.personId, { 'messages.team': 'daily' }, f.t.clock));
    await write(f.admin, { subject: 'Meeting notes', body: 'Hello ((name)), the notes are ready.', audience: 'people', audiencePeople: `${amy.email}\n${bo.email}` });
    const [m] = await messages();
    await f.admin.submit(`/messages/${m!.id}/send`, {}, `/messages/${m!.id}/preview`);
    await runDueJobs(db(), f.t.clock, handlers());
    assert.deepEqual((await messageMail('Meeting notes')).map((x) => x.to_address), [amy.email]);
    f.t.clock.advance(24 * 3_600_000);
    assert.equal((await sendDigests(db(), ctx(), 'daily')).sent, 1);
    const digest = (await outbox()).filter((x) => x.to_address === bo.email).at(-1)!;
    assert.match(digest.text_body, /Meeting notes/);
    assert.match(digest.text_body, new RegExp(`/messages/${m!.id}`));
  });

  it('lets a lead message only the groups they lead, saying so otherwise', async () => {
    const [projectId, otherProjectId] = f.projects.map((p) => p.id) as [number, number];
    const mine = await createSubgroup(db(), f.admin.personId, projectId, { name: 'Delegation', description: '' }, f.t.clock);
    const theirs = await createSubgroup(db(), f.admin.personId, otherProjectId, { name: 'Imaging', description: '' }, f.t.clock);
    if (!mine.ok || !theirs.ok) throw new Error('sub-groups');
    await assign(db(), f.admin.personId, { projectId, subgroupId: mine.id }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: otherProjectId, subgroupId: theirs.id }, [dee.personId], f.t.clock);
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: mine.id }, amy.personId, f.t.clock)).ok);
    const lead = await f.signInAs(amy.personId);

    const page = await lead.get('/messages/write');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Delegation/);
    assert.doesNotMatch(page.body, /Imaging/, 'the picker offers only their own groups');
    assert.doesNotMatch(page.body, /Everyone in the programme/);

    const refused = await write(lead, { subject: 'Hello', body: 'Hi all', audience: 'subgroups', audienceSubgroups: String(theirs.id) });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(errorSummary(refused.body), [['You can send messages only to the projects and sub-groups you lead. Choose one of those', '#audience']]);
    const programme = await write(lead, { subject: 'Hello', body: 'Hi all', audience: 'programme' });
    assert.equal(programme.statusCode, 400);
    assert.equal((await messages()).length, 0, 'nothing saved');

    const ok = await write(lead, { subject: 'Our next meeting', body: 'Hi ((name))', audience: 'subgroups', audienceSubgroups: String(mine.id) });
    assert.equal(ok.statusCode, 302);
    const [m] = await messages();
    assert.match(mainText((await lead.get(`/messages/${m!.id}/preview`)).body), /This will reach 2 people\./);
    const sent = await lead.submit(`/messages/${m!.id}/send`, {}, `/messages/${m!.id}/preview`);
    assert.equal(sent.headers.location, `/messages/${m!.id}`);
    assert.equal((await lead.get(`/admin/messages/${m!.id}`)).statusCode, 403, 'the record is for admins');
    assert.equal((await lead.get(`/messages/${m!.id}`)).statusCode, 200);

    // Someone who leads nothing cannot write messages at all; the admin pages are closed to them.
    const bob = await f.signInAs(bo.personId);
    const no = await bob.get('/messages/write');
    assert.equal(no.statusCode, 403);
    assert.match(mainText(no.body), /You do not lead a project or sub-group/);
    assert.equal((await bob.get('/admin/messages')).statusCode, 403);
    assert.equal((await bob.get(`/admin/messages/${m!.id}`)).statusCode, 403);
    assert.equal((await (await f.signInAs(bo.personId)).get(`/messages/${m!.id}/preview`)).statusCode, 404, 'another person’s draft pages are not found');
  });

  it('gives hostile input clear errors and saves nothing', async () => {
    const tries: [Record<string, string | string[]>, number, [string, string][]][] = [
      [{ body: 'Hello', audience: 'programme' }, 400, [['Enter a subject', '#subject']]],
      [{ subject: 'Hi', body: 'x'.repeat(20_001), audience: 'programme' }, 400, [['Message must be 20,000 characters or fewer', '#body']]],
      [{ subject: 'Hi', body: '', audience: 'programme' }, 400, [['Enter your message', '#body']]],
      [{ subject: 'Line\nbreak', body: 'Hi', audience: 'programme' }, 400, [['Subject must be on one line', '#subject']]],
      [{ subject: 'Hi', body: 'Hi', audience: 'subgroups', audienceSubgroups: '99999' }, 400, [['Choose sub-groups from the list', '#audienceSubgroups']]],
      [{ subject: 'Hi', body: 'Hi', audience: 'projects', audienceProjects: ['abc', '1'] }, 400, [['Choose projects from the list', '#audienceProjects']]],
      [{ subject: 'Hi', body: 'Hi' }, 400, [['Choose who this is for', '#audience']]],
      [{ subject: 'Hi', body: 'Hi', audience: 'people', audiencePeople: 'nobody@example.org' }, 400, [['No one has an account with the email address nobody@example.org', '#audiencePeople']]],
      [{ subject: ['a', 'b'], body: 'Hi', audience: 'programme' }, 400, [['Enter a subject', '#subject']]],
    ];
    for (const [form, status, errors] of tries) {
      const res = await write(f.admin, form);
      assert.equal(res.statusCode, status, JSON.stringify(form).slice(0, 200));
      assert.deepEqual(errorSummary(res.body), errors, JSON.stringify(form).slice(0, 200));
    }
    const long = await write(f.admin, { subject: 'Hi', body: 'y'.repeat(20_001), audience: 'programme' });
    assert.ok(long.body.includes('y'.repeat(20_001)), 'what was typed is all kept');
    assert.equal((await messages()).length, 0);
    assert.equal((await f.admin.get('/messages/abc/preview')).statusCode, 404);
    assert.equal((await f.admin.submit('/messages/99999/send', {}, '/messages')).statusCode, 404);
    assert.equal((await f.admin.submit('/messages/write', { action: 'continue', subject: 'x', body: 'y', registrations: 'no spaces allowed' }, '/messages')).statusCode, 400);
  });

  it('messages the people behind the filtered registrations list, counting those with no account', async () => {
    await f.register('Fay Unaccepted', { accept: false });
    const list = await f.admin.get('/admin/registrations?status=accepted');
    assert.match(list.body, /href="\/messages\/write\?from=registrations&amp;status=accepted"/);
    const all = await f.admin.get('/messages/write?from=registrations');
    assert.match(all.body, /name="registrations" value=""/);
    const saved = await f.admin.submit('/messages/write', { action: 'continue', subject: 'To everyone registered', body: 'Hello ((name))', registrations: '' }, '/messages/write');
    assert.equal(saved.statusCode, 302);
    const [m] = await messages();
    assert.equal(m!.source, 'registrations');
    const text = mainText((await f.admin.get(`/messages/${m!.id}/preview`)).body);
    assert.match(text, /This will reach 2 people\./); // Amy and Bo; Cy withdrew, Dee turned it off
    assert.match(text, /1 left out because they have withdrawn/);
    assert.match(text, /1 left out because they turned these emails off/);
    assert.match(text, /1 registration left out because the person has no account yet/);

    const accepted = await f.admin.get('/messages/write?from=registrations&status=accepted&bogus=1');
    assert.match(accepted.body, /name="registrations" value="\?status=accepted"/);
  });

  it('saves a template, starts from it and deletes it', async () => {
    const saved = await f.admin.submit('/messages/write', { action: 'template', templateName: 'Welcome', subject: 'Welcome, everyone', body: 'Dear ((name)), welcome.', audience: 'programme' }, '/messages/write');
    assert.equal(saved.statusCode, 200);
    assert.match(saved.body, /Template “Welcome” saved\./);
    assert.match(saved.body, /value="Welcome, everyone"/, 'the form stays as it was');
    const twice = await f.admin.submit('/messages/write', { action: 'template', templateName: 'welcome', subject: 'x', body: 'y' }, '/messages/write');
    assert.deepEqual(errorSummary(twice.body), [['There is already a template with that name. Choose a different name', '#templateName']]);
    const unnamed = await f.admin.submit('/messages/write', { action: 'template', subject: 'x', body: 'y' }, '/messages/write');
    assert.deepEqual(errorSummary(unnamed.body), [['Enter a name for the template', '#templateName']]);
    const [t] = await db().selectFrom('message_templates').selectAll().execute();
    const list = await f.admin.get('/messages/templates');
    assert.match(mainText(list.body), /Welcome Welcome, everyone Test admin/);
    const start = await f.admin.get(`/messages/write?template=${t!.id}`);
    assert.match(start.body, /value="Welcome, everyone"/);
    assert.match(start.body, /Dear \(\(name\)\), welcome\./);
    assert.equal((await f.admin.get('/messages/write?template=99999')).statusCode, 404);
    const del = await f.admin.submit(`/messages/templates/${t!.id}/delete`, {}, '/messages/templates');
    assert.equal(del.headers.location, '/messages/templates');
    assert.equal((await db().selectFrom('message_templates').select('id').execute()).length, 0);
    assert.equal((await f.admin.submit(`/messages/templates/${t!.id}/delete`, {}, '/messages/templates')).statusCode, 404);
  });

  it('changes a draft from the check page, and refuses a sent message’s change and a lead’s send once they no longer lead', async () => {
    await write(f.admin, { subject: 'First words', body: 'Hello', audience: 'people', audiencePeople: amy.email });
    const [m] = await messages();
    const edit = await f.admin.get(`/messages/${m!.id}/edit`);
    assert.match(edit.body, /value="First words"/);
    assert.match(edit.body, new RegExp(amy.email.replace(/\./g, '\\.')), 'the audience is kept in the picker');
    const changed = await f.admin.submit(`/messages/${m!.id}/edit`, { action: 'continue', subject: 'Better words', body: 'Hello again', audience: 'people', audiencePeople: `${amy.email}\n${bo.email}` }, `/messages/${m!.id}/edit`);
    assert.equal(changed.headers.location, `/messages/${m!.id}/preview#main-content`);
    const preview = mainText((await f.admin.get(`/messages/${m!.id}/preview`)).body);
    assert.match(preview, /Better words/);
    assert.match(preview, /This will reach 2 people\./);
    await f.admin.submit(`/messages/${m!.id}/send`, {}, `/messages/${m!.id}/preview`);
    assert.equal((await f.admin.get(`/messages/${m!.id}/edit`)).headers.location, `/messages/${m!.id}`);
    const late = await f.admin.submit(`/messages/${m!.id}/edit`, { action: 'continue', subject: 'Sneaky', body: 'x', audience: 'programme' }, '/messages');
    assert.equal(late.statusCode, 302);
    assert.equal((await messages())[0]!.subject, 'Better words', 'a sent message is never changed');

    // A lead writes a draft, then stops leading: the send is refused, saying why.
    const [projectId] = f.projects.map((p) => p.id) as [number];
    const g = await createSubgroup(db(), f.admin.personId, projectId, { name: 'Delegation', description: '' }, f.t.clock);
    if (!g.ok) throw new Error('sub-group');
    await assign(db(), f.admin.personId, { projectId, subgroupId: g.id }, [amy.personId, bo.personId], f.t.clock);
    await makeLead(db(), { kind: 'subgroup', id: g.id }, amy.personId, f.t.clock);
    const lead = await f.signInAs(amy.personId);
    await write(lead, { subject: 'From the lead', body: 'Hi', audience: 'subgroups', audienceSubgroups: String(g.id) });
    const draft = (await messages()).at(-1)!;
    await stopLead(db(), { kind: 'subgroup', id: g.id }, amy.personId);
    const refused = await lead.submit(`/messages/${draft.id}/send`, {}, `/messages/${draft.id}/preview`);
    assert.equal(refused.headers.location, `/messages/${draft.id}/preview`);
    assert.match((await lead.get(`/messages/${draft.id}/preview`)).body, /You can no longer send to this audience/);
    assert.equal((await messages()).at(-1)!.status, 'draft');
    assert.equal((await db().selectFrom('jobs').select('id').where('kind', '=', 'messages.send').execute()).length, 1, 'only the admin’s message was scheduled');
  });

  it('exports and erases a person’s messages data', async () => {
    await write(f.admin, { subject: 'For the record', body: 'Hi ((name))', audience: 'people', audiencePeople: `${amy.email}\n${bo.email}` });
    const [m] = await messages();
    await f.admin.submit(`/messages/${m!.id}/send`, {}, `/messages/${m!.id}/preview`);
    await runDueJobs(db(), f.t.clock, handlers());
    await f.admin.submit('/messages/write', { action: 'template', templateName: 'Mine', subject: 's', body: 'b' }, '/messages/write');
    const amys = await messagesPersonalData.exportPerson(db(), amy.personId);
    assert.deepEqual(amys.message_recipients!.map((r) => [r.subject, r.delivery]), [['For the record', 'immediately']]);
    const admins = await messagesPersonalData.exportPerson(db(), f.admin.personId);
    assert.deepEqual(admins.messages_written!.map((r) => r.subject), ['For the record']);
    assert.deepEqual(admins.message_templates!.map((r) => r.name), ['Mine']);
    await inTransaction(db(), (tx) => messagesPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    await inTransaction(db(), (tx) => messagesPersonalData.erasePerson(tx, f.admin.personId, f.t.clock));
    assert.deepEqual((await messagesPersonalData.exportPerson(db(), amy.personId)).message_recipients, []);
    assert.deepEqual(await messagesPersonalData.exportPerson(db(), f.admin.personId), { message_recipients: [], messages_written: [], message_templates: [] });
    const [kept] = await messages();
    assert.equal(kept!.author_id, null, 'the record keeps the message without its author');
    assert.equal((await messagesPersonalData.exportPerson(db(), bo.personId)).message_recipients!.length, 1, 'another recipient is unchanged');
  });

  it('erasing the author of a draft removes the draft and who it was for', async () => {
    await write(f.admin, { subject: 'Never sent', body: 'Hi ((name))', audience: 'people', audiencePeople: amy.email });
    const [draft] = await messages();
    const targets = () => db().selectFrom('audience_targets').select('target_id').where('item_kind', '=', 'message').where('item_id', '=', draft!.id).execute();
    assert.equal((await targets()).length, 1);
    await inTransaction(db(), (tx) => messagesPersonalData.erasePerson(tx, f.admin.personId, f.t.clock));
    assert.deepEqual(await messages(), []);
    assert.deepEqual(await targets(), []);
  });

  it('tells each person once when two runs of the job deliver the same message at the same time', async () => {
    const people = [amy, bo, cy, dee];
    for (let i = 0; i < 6; i++) people.push(await f.register(`Extra Person ${String.fromCharCode(97 + i)}`));
    await write(f.admin, { subject: 'Two at once', body: 'Hi ((name))', audience: 'people', audiencePeople: people.map((p) => p.email).join('\n') });
    const [m] = await messages();
    await f.admin.submit(`/messages/${m!.id}/send`, {}, `/messages/${m!.id}/preview`);
    await Promise.all([deliverMessage(db(), ctx(), m!.id), deliverMessage(db(), ctx(), m!.id), runDueJobs(db(), f.t.clock, handlers())]);
    const mail = await messageMail('Two at once');
    assert.equal(mail.length, 8, 'everyone but the withdrawn and the turned-off, once each');
    assert.equal(new Set(mail.map((x) => x.to_address)).size, 8);
    const rows = await db().selectFrom('notifications').select('person_id').where('kind', '=', 'messages.team').execute();
    assert.equal(rows.length, 10, 'one notification row each, the left-out included');
    assert.deepEqual([(await messages())[0]!.reached, (await messages())[0]!.left_withdrawn, (await messages())[0]!.left_off], [8, 1, 1]);
  });
});
