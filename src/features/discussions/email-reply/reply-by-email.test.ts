// Reply by email on both engines: the signed Reply-To on notification emails, a reply taken in
// from an .eml file and from an .mbox, quoted text stripped (Outlook, Gmail, Apple Mail), taken in
// once however often the mailbox is read, every refusal with the email that says why, automatic
// mail and forged addresses refused silently, HTML and script in a reply kept inert.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import type { TestClient } from '../../../../test/helpers/app.ts';
import { formKey } from '../../../../test/helpers/app.ts';
import { errorSummary, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { assign } from '../../participants/service.ts';
import { importFromSource } from '../../registration/email-import/import.ts';
import { discussionsPersonalData } from '../personal-data.ts';
import { readReplyAddress, replyAddress } from './address.ts';

const CRLF = '\r\n';
function message(id: string, headers: Record<string, string>, body: string): string {
  const head = [`Message-ID: <${id}@mail.example.org>`, 'Date: Tue, 01 Dec 2026 10:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return [...head, '', body.replace(/\r?\n/g, CRLF)].join(CRLF);
}
const mbox = (messages: string[]) => messages.map((m) => `From someone@example.org Tue Dec  1 10:00:00 2026\n${m.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`).join('\n');

describe(`reply by email on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone;
  let amyC: TestClient, boC: TestClient;
  let folder: string;
  let spaceId: number, threadId: number;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, errorSummary(res.body).join(' | ') || res.body.slice(0, 300));
  const keyOf = formKey;
  const mailbox = () => f.t.config.replyMailbox;
  const secret = () => f.t.config.sessionSecret;
  const posts = () => db().selectFrom('discussion_posts').select(['id', 'author_id', 'body', 'thread_id']).where('thread_id', '=', threadId).orderBy('id').execute();
  const mailTo = (address: string) => db().selectFrom('outbox').select(['subject', 'text_body', 'html_body', 'headers']).where('to_address', '=', address).orderBy('id').execute();
  const importFile = async (name: string, content: string) => {
    const file = join(folder, name);
    writeFileSync(file, content);
    return importFromSource(file, { db: db(), clock: f.t.clock, baseUrl: f.t.config.baseUrl, replies: { mailbox: mailbox(), secret: secret() } });
  };
  const amyReplyTo = () => replyAddress(mailbox(), secret(), { personId: amy.personId, threadId });
  const fromAmy = (id: string, body: string, extra: Record<string, string> = {}) =>
    message(id, { From: `Amy Archer <${amy.email}>`, To: `Coproduce <${amyReplyTo()}>`, Subject: 'Re: Bo Baker replied to you in “Where shall we meet?”', ...extra }, body);

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    await assign(db(), f.admin.personId, { projectId: f.projects[0]!.id, subgroupId: null }, [amy.personId, bo.personId], f.t.clock);
    [amyC, boC] = [await f.signInAs(amy.personId), await f.signInAs(bo.personId)];
    ok(await f.admin.submit('/discussions/spaces/new', { name: 'Project A talk', description: 'For the project', audience: 'projects', audienceProjects: String(f.projects[0]!.id) }, '/discussions/spaces/new'));
    spaceId = (await db().selectFrom('discussion_spaces').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    const form = `/discussions/spaces/${spaceId}/threads/new`;
    ok(await amyC.submit(form, { title: 'Where shall we meet?', body: 'Somewhere with step-free access.', key: await keyOf(amyC, form), action: 'post' }, form));
    threadId = (await db().selectFrom('discussion_threads').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    const page = `/discussions/threads/${threadId}`;
    ok(await boC.submit(`${page}/replies`, { body: 'The library has a lift.', key: await keyOf(boC, page), action: 'post' }, page));
    folder = mkdtempSync(join(tmpdir(), 'coproduce-replies-'));
  });
  afterEach(async () => {
    rmSync(folder, { recursive: true, force: true });
    await f.t.close();
  });

  it('signs the reply address on the notification email, lower case, and knows a forged one', async () => {
    const mail = (await mailTo(amy.email)).find((m) => /replied to you/.test(m.subject));
    assert.ok(mail, 'Amy is told at once that Bo replied to her');
    const headers = JSON.parse(mail.headers ?? '{}') as Record<string, string>;
    assert.equal(headers['Reply-To'], amyReplyTo());
    assert.equal(headers['Reply-To'], headers['Reply-To']!.toLowerCase());
    assert.match(mail.text_body, /You can also reply to this email/);
    assert.deepEqual(readReplyAddress(amyReplyTo().toUpperCase(), mailbox(), secret()), { personId: amy.personId, threadId });
    const [local, domain] = amyReplyTo().split('@');
    // Another person's id with Amy's signature, or a signature one letter off, is forged.
    assert.equal(readReplyAddress(`${local!.replace(`r.${amy.personId.toString(36)}.`, `r.${bo.personId.toString(36)}.`)}@${domain}`, mailbox(), secret()), 'forged');
    assert.equal(readReplyAddress(`${local!.slice(0, -1)}${local!.endsWith('0') ? '1' : '0'}@${domain}`, mailbox(), secret()), 'forged');
    assert.equal(readReplyAddress(`someone@${domain}`, mailbox(), secret()), null);
    assert.equal(readReplyAddress(`${local}@elsewhere.example`, mailbox(), secret()), null);
  });

  it('posts a reply from an .eml file once, whatever the re-imports, without the quoted message (Outlook)', async () => {
    const outlook = fromAmy('outlook-1', [
      'Yes, the library works for me. @Bo Baker can you book it?',
      '',
      'Amy',
      '',
      '________________________________',
      'From: Coproduce <no-reply@coproduce.invalid>',
      'Sent: 01 December 2026 09:12',
      'To: Amy Archer <amy.archer@example.org>',
      'Subject: Bo Baker replied to you in “Where shall we meet?”',
      '',
      'Bo Baker replied to your post in “Where shall we meet?”:',
    ].join('\n'));
    const first = await importFile('outlook.eml', outlook);
    assert.equal(first.posted, 1);
    assert.equal(first.created, 0, 'a reply is never read as a registration');
    const again = await importFile('outlook.eml', outlook);
    assert.equal(again.posted, 0);
    assert.equal(again.alreadyImported, 1);
    const all = await posts();
    assert.equal(all.length, 3);
    assert.equal(all[2]!.author_id, amy.personId);
    assert.equal(all[2]!.body, 'Yes, the library works for me. @Bo Baker can you book it?\n\nAmy');
    // The reply is a reply like any other: Bo, mentioned, is told (at once, with his own reply address).
    const boMail = (await mailTo(bo.email)).find((m) => /mentioned you/.test(m.subject));
    assert.ok(boMail);
    assert.equal((JSON.parse(boMail.headers ?? '{}') as Record<string, string>)['Reply-To'], replyAddress(mailbox(), secret(), { personId: bo.personId, threadId }));
    const recorded = await db().selectFrom('discussion_mail_replies').selectAll().execute();
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.outcome, 'posted');
    assert.equal(recorded[0]!.post_id, all[2]!.id);
    // The person's export names their emailed replies; erasure removes the record.
    const exported = await discussionsPersonalData.exportPerson(db(), amy.personId);
    assert.equal(exported.discussion_mail_replies!.length, 1);
    await discussionsPersonalData.erasePerson(db() as never, amy.personId, f.t.clock);
    assert.equal((await db().selectFrom('discussion_mail_replies').selectAll().execute()).length, 0);
  });

  it('never posts the notification itself when a mail program quotes it with no marker it is known by', async () => {
    // The notification Amy got (Bo's words, her own links), pasted under her reply as-is, as a
    // mail program in another language or set to quote without a header would.
    const notification = (await mailTo(amy.email)).find((m) => /replied to you/.test(m.subject))!;
    assert.match(notification.text_body, /Hello,/);
    const sent = fromAmy('unmarked-1', `Hello, agreed.\n\nAmy\n\n${notification.text_body}`);
    assert.equal((await importFile('unmarked.eml', sent)).posted, 1);
    const posted = (await posts()).at(-1)!;
    assert.equal(posted.body, 'Hello, agreed.\n\nAmy');
    assert.doesNotMatch(posted.body, /library has a lift|unsubscribe|http/i);
  });

  it('posts replies from an .mbox, stripping Gmail and Apple Mail quotes, signatures and "Sent from my iPhone"', async () => {
    const gmail = fromAmy('gmail-1', [
      'Thursday suits me.',
      '',
      'On Tue, 1 Dec 2026 at 09:12, Coproduce <',
      `${amyReplyTo()}> wrote:`,
      '',
      '> Bo Baker replied to your post in “Where shall we meet?”:',
      '> “The library has a lift.”',
    ].join('\n'));
    const apple = fromAmy('apple-1', [
      'And I can bring the hearing loop.',
      '',
      'Sent from my iPhone',
      '',
      'On 1 Dec 2026, at 09:12, Coproduce <no-reply@coproduce.invalid> wrote:',
      '',
      '> Bo Baker replied to your post',
    ].join('\n'));
    const signed = fromAmy('sig-1', ['See you there.', '', '-- ', 'Amy Archer', 'Imaging assistant'].join('\n'));
    const original = fromAmy('orig-1', ['Agreed.', '', '-----Original Message-----', 'From: Coproduce', 'Sent: Tuesday', '', 'Bo Baker replied'].join('\n'));
    const summary = await importFile('replies.mbox', mbox([gmail, apple, signed, original]));
    assert.equal(summary.posted, 4);
    assert.deepEqual((await posts()).slice(2).map((p) => p.body), ['Thursday suits me.', 'And I can bring the hearing loop.', 'See you there.', 'Agreed.']);
    assert.equal((await importFile('replies.mbox', mbox([gmail, apple, signed, original]))).alreadyImported, 4);
    assert.equal((await posts()).length, 6);
  });

  it('keeps HTML and script in an emailed reply inert', async () => {
    const xss = fromAmy('xss-1', '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))');
    assert.equal((await importFile('xss.eml', xss)).posted, 1);
    const page = (await boC.get(`/discussions/threads/${threadId}`)).body;
    assert.doesNotMatch(page, /<script>alert\(1\)/);
    assert.doesNotMatch(page, /<img src=x/i);
    assert.doesNotMatch(page, /href="javascript:/i);
    const boMail = (await mailTo(bo.email)).at(-1)!;
    assert.doesNotMatch(boMail.html_body ?? '', /<script>|<img src=x/i);
  });

  it('refuses, with an email saying why: another sender, an empty reply, a locked thread, an archived space, a suspended or removed person', async () => {
    const refusals = async (to: string) => (await mailTo(to)).filter((m) => m.subject === 'Your reply was not posted');
    // From another address than the person the token names: refused, the sender told.
    const spoof = message('spoof-1', { From: 'mallory@example.net', To: amyReplyTo(), Subject: 'Re: hello' }, 'I am Amy, honest.');
    assert.equal((await importFile('spoof.eml', spoof)).refused, 1);
    assert.match((await refusals('mallory@example.net'))[0]!.text_body, /came from a different email address/);
    assert.doesNotMatch((await refusals('mallory@example.net'))[0]!.text_body, /Where shall we meet/, 'the thread is not named to a stranger');
    // Nothing left once the quote is taken out.
    assert.equal((await importFile('empty.eml', fromAmy('empty-1', '> The library has a lift.\n\n-- \nAmy'))).refused, 1);
    assert.match((await refusals(amy.email)).at(-1)!.text_body, /nothing left to post/);
    // Locked.
    await db().updateTable('discussion_threads').set({ locked_at: f.t.clock().toISOString() }).where('id', '=', threadId).execute();
    assert.equal((await importFile('locked.eml', fromAmy('locked-1', 'Still here'))).refused, 1);
    assert.match((await refusals(amy.email)).at(-1)!.text_body, /locked or closed/);
    await db().updateTable('discussion_threads').set({ locked_at: null }).where('id', '=', threadId).execute();
    // Suspended in the space.
    await db().insertInto('discussion_suspensions').values({ space_id: spaceId, person_id: amy.personId, until: '2099-01-01T00:00:00.000Z', note: 'cool off', created_by: f.admin.personId, created_at: f.t.clock().toISOString() }).execute();
    assert.equal((await importFile('suspended.eml', fromAmy('susp-1', 'Let me speak'))).refused, 1);
    assert.match((await refusals(amy.email)).at(-1)!.text_body, /cannot post in this discussion space until 1 January 2099 at .* \(UK time\)/);
    await db().deleteFrom('discussion_suspensions').execute();
    // Archived.
    await db().updateTable('discussion_spaces').set({ archived_at: f.t.clock().toISOString() }).where('id', '=', spaceId).execute();
    assert.equal((await importFile('archived.eml', fromAmy('arch-1', 'Hello?'))).refused, 1);
    assert.match((await refusals(amy.email)).at(-1)!.text_body, /archived/);
    await db().updateTable('discussion_spaces').set({ archived_at: null }).where('id', '=', spaceId).execute();
    // No longer in the project the space is for.
    await db().deleteFrom('audience_targets').where('item_kind', '=', 'discussion-space').where('item_id', '=', spaceId).execute();
    assert.equal((await importFile('gone.eml', fromAmy('gone-1', 'Anyone?'))).refused, 1);
    assert.match((await refusals(amy.email)).at(-1)!.text_body, /can no longer take part/);
    assert.equal((await posts()).length, 2, 'nothing was posted');
    // Each refusal was emailed once: reading the mailbox again sends no second one.
    const before = (await refusals(amy.email)).length;
    assert.equal((await importFile('gone.eml', fromAmy('gone-1', 'Anyone?'))).alreadyImported, 1);
    assert.equal((await refusals(amy.email)).length, before);
    const reasons = (await db().selectFrom('discussion_mail_replies').select('reason').orderBy('id').execute()).map((r) => r.reason);
    assert.deepEqual(reasons, ['not_their_address', 'empty', 'locked', 'suspended', 'archived', 'no_access']);
  });

  it('refuses forged addresses and automatic answers without writing back, and leaves other mail to the registration import', async () => {
    const [local, domain] = amyReplyTo().split('@');
    const forged = message('forged-1', { From: `Amy Archer <${amy.email}>`, To: `${local!.slice(0, -2)}00@${domain}`, Subject: 'Re: x' }, 'Let me in');
    const away = fromAmy('away-1', 'I am out of the office until Monday.', { 'Auto-Submitted': 'auto-replied' });
    const registration = message('reg-1', { From: 'Jo Bloggs <jo.bloggs@example.org>', To: mailbox(), Subject: 'SUPPORT WORKFORCE' }, 'Name: Jo Bloggs\nWhere I work: Airedale NHS Foundation Trust\nType of service: Diagnostic imaging\nJob title: Imaging assistant');
    const summary = await importFile('mixed.mbox', mbox([forged, away, registration]));
    assert.equal(summary.refused, 2);
    assert.equal(summary.posted, 0);
    assert.equal(summary.created + summary.needsReview, 1, 'the registration is read as before');
    assert.equal((await mailTo(amy.email)).filter((m) => m.subject === 'Your reply was not posted').length, 0);
    assert.deepEqual((await db().selectFrom('discussion_mail_replies').select('reason').orderBy('id').execute()).map((r) => r.reason), ['forged', 'automatic']);
  });

  it('answers hostile messages with a refusal or a failure, never a crash', async () => {
    const noThread = replyAddress(mailbox(), secret(), { personId: amy.personId, threadId: 999_999 });
    const noPerson = replyAddress(mailbox(), secret(), { personId: 999_999, threadId });
    const messages = [
      message('h-1', { From: amy.email, To: noThread, Subject: 'Re: x' }, 'A thread that is not there'),
      message('h-2', { From: amy.email, To: noPerson, Subject: 'Re: x' }, 'A person who is not there'),
      message('h-3', { To: amyReplyTo(), Subject: 'Re: x' }, 'No From at all'),
      message('h-4', { From: amy.email, To: amyReplyTo(), Subject: 'Re: x' }, `Nul\u0000 bytes and a long body ${'x'.repeat(25_000)}`),
      message('h-5', { From: `"${'A'.repeat(5000)}" <${amy.email}>`, To: `${amyReplyTo()}, ${'b'.repeat(3000)}@example.org`, Subject: `Re: ${'\u202e'.repeat(50)}` }, '\u0000\u0001'),
    ];
    const summary = await importFile('hostile.mbox', mbox(messages));
    assert.equal(summary.read, 5);
    assert.equal(summary.refused, 5, JSON.stringify(summary) + JSON.stringify(await db().selectFrom('discussion_mail_replies').select('reason').execute()));
    assert.equal(summary.failed, 0);
    assert.deepEqual((await db().selectFrom('discussion_mail_replies').select('reason').orderBy('id').execute()).map((r) => r.reason), ['no_access', 'no_person', 'not_their_address', 'too_long', 'empty']);
    assert.equal((await posts()).length, 2);
  });
});
