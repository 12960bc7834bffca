import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { testClock } from '../../../../test/helpers/clock.ts';
import { createTestDatabase, type TestData } from '../../../../test/helpers/database.ts';
import { seedDemoProgramme } from '../../programme/seed.ts';
import { seedOrganisations } from '../organisations.ts';
import { linkBase, maskEmail, progressBar, registeredText, summaryText } from './cli.ts';
import { loadConfig } from '../../../config.ts';
import { saveSetting } from '../../../platform/settings.ts';
import { importFromSource, ImportError, type Registered } from './import.ts';
import { openSource, parseImapUrl, SourceError, splitMbox } from './sources.ts';
import { details as registrationDetails } from '../../../../test/helpers/registrations.ts';
import { upsertPerson } from '../../../platform/auth/people.ts';
import { mergeRegistrations, planMerge, submitRegistration } from '../service.ts';

const CRLF = '\r\n';
/** A real RFC 5322 message: headers, blank line, body, CRLF line ends. */
function message(id: string | null, headers: Record<string, string>, body: string): string {
  const head = [...(id ? [`Message-ID: <${id}@example.org>`] : []), 'Date: Mon, 03 Jun 2024 09:00:00 +0100', 'MIME-Version: 1.0', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return [...head, '', body.replace(/\r?\n/g, CRLF)].join(CRLF);
}
const textPlain = (charset = 'utf-8', encoding?: string) => ({ 'Content-Type': `text/plain; charset=${charset}`, ...(encoding ? { 'Content-Transfer-Encoding': encoding } : {}) });

const plain = message('plain', { From: 'Jo Bloggs <jo.bloggs@example.org>', To: 'team@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain() },
  'Hello,\n\nName: Jo Bloggs\nWhere I work: Airedale NHS Foundation Trust\nType of service: Diagnostic imaging\nJob title: Imaging assistant\n\nThanks');
// HTML only, with the details in a table (mailparser's own conversion runs the cells together).
const html = message('html', { From: 'ana@example.org', Subject: 'Re: support workforce', 'Content-Type': 'text/html; charset=utf-8' },
  '<html><body><p>Hello,</p><table><tr><td><b>Name</b></td><td>Ana Silva</td></tr><tr><td>Workplace</td><td>Example Private Clinic</td></tr><tr><td>Service</td><td>Radiotherapy</td></tr><tr><td>Job title</td><td>Radiotherapy helper</td></tr></table></body></html>');
// "Siân Jones" in ISO-8859-1, quoted-printable, with a soft line break.
const qpLatin1 = message('qp-latin1', { From: 'sian@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain('iso-8859-1', 'quoted-printable') },
  'Name: Si=E2n Jones\nWorkplace: Betsi Cadwaladr University Health Board\nService: X-ray\nJob title: Senior clinical support worker with a long title that wraps =\nonto the next line');
// The same name in UTF-8, quoted-printable.
const qpUtf8 = message('qp-utf8', { From: 'sian.other@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain('utf-8', 'quoted-printable') },
  'Name: Si=C3=A2n Pryce\nTrust: leeds teaching hospitals\nService: MRI\nJob title: Assistant practitioner');
// Windows-1252: 0x92 is the curly apostrophe.
const cp1252 = message('cp1252', { From: 'rory@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain('windows-1252', 'quoted-printable') },
  'Full name - Rory O=92Brien\nOrganisation - Example Community Clinic\nType of service - University teaching\nRole - Practice educator');
const b64 = message('b64', { From: 'kai@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain('utf-8', 'base64') },
  Buffer.from('Kai Müller\nRoyal Example Hospital\nBoth\nAssistant practitioner\n\nBest wishes').toString('base64').replace(/(.{76})/g, `$1${CRLF}`));
const forwarded = message('fwd', { From: 'manager@example.org', Subject: 'Fwd: SUPPORT WORKFORCE', ...textPlain() },
  'FYI\n\n---------- Forwarded message ---------\nFrom: Lee Jones <lee.jones@example.org>\nDate: Mon, 3 Jun 2024\nSubject: SUPPORT WORKFORCE\n\nName: Lee Jones\nWorkplace: Example Trust\nService: CT\nJob title: CSW\n');
const unreadable = message('unreadable', { From: 'vague@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Please add me, I work in x-ray!');
const offTopic = message('offtopic', { From: 'news@example.org', Subject: 'Newsletter', ...textPlain() }, 'Name: Not Me\nWorkplace: X\nJob title: Y');
// No Message-ID; a body line starting "From " that the mbox writer quoted as ">From ".
const noId = message(null, { From: 'nid@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'From the imaging team:\nName: No Id\nWorkplace: Example Trust\nJob title: CSW');

function mbox(messages: string[]): string {
  return messages.map((m) => `From sender@example.org Mon Jun  3 09:00:00 2024\n${m.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`).join('\n');
}

/** A database of its own for each test: migrated, with the NHS organisations and the demo programme. */
async function seededDatabase(clock: ReturnType<typeof testClock>): Promise<TestData> {
  const data = await createTestDatabase();
  await seedOrganisations(data.db);
  await seedDemoProgramme(data.db, clock);
  return data;
}

describe('import-mail', () => {
  let data: TestData;
  let dir: string;
  const clock = testClock('2026-05-01T09:00:00Z');
  // Each test gets its own database; the message files are only read, never changed.
  beforeEach(async () => {
    data = await seededDatabase(clock);
  });
  afterEach(async () => {
    await data.close();
  });
  /** A folder of its own, outside the shared one, for a test's extra messages. */
  const ownFolder = (files: Record<string, string>) => {
    const folder = mkdtempSync(join(tmpdir(), 'coproduce-mail-own-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    folders.push(folder);
    return folder;
  };
  const folders: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coproduce-mail-'));
    mkdirSync(join(dir, 'folder/nested'), { recursive: true });
    writeFileSync(join(dir, 'folder/plain.eml'), plain);
    writeFileSync(join(dir, 'folder/html.eml'), html);
    writeFileSync(join(dir, 'folder/nested/qp-latin1.eml'), qpLatin1);
    writeFileSync(join(dir, 'folder/nested/qp-utf8.eml'), qpUtf8);
    writeFileSync(join(dir, 'folder/nested/cp1252.eml'), cp1252);
    writeFileSync(join(dir, 'folder/notes.txt'), 'not a message');
    writeFileSync(join(dir, 'box.mbox'), mbox([b64, forwarded, unreadable, offTopic, noId]));
  });
  after(() => {
    for (const folder of [dir, ...folders]) rmSync(folder, { recursive: true, force: true });
  });

  const deps = () => ({ db: data.db, clock, baseUrl: 'http://localhost:3000' });
  const reg = (email: string) => data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', email).executeTakeFirst();
  const outboxTo = (email: string) => data.db.selectFrom('outbox').selectAll().where('to_address', '=', email).execute();
  const importOf = (messageId: string) => data.db.selectFrom('mail_imports').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow();

  it('imports a folder of .eml files, nested too: plain, HTML-only and quoted-printable in three charsets', async () => {
    const progress: [number, number | null][] = [];
    const summary = await importFromSource(join(dir, 'folder'), { ...deps(), onProgress: (done, total) => progress.push([done, total]) });
    assert.deepEqual(summary, { keyword: 'SUPPORT WORKFORCE', read: 5, created: 5, updated: 0, needsReview: 0, alreadyImported: 0, notRelevant: 0, failed: 0, posted: 0, refused: 0 });
    assert.deepEqual(progress, [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);

    const jo = (await reg('jo.bloggs@example.org'))!;
    assert.equal(jo.channel, 'email');
    assert.equal(jo.status, 'unconfirmed');
    assert.equal(jo.consent_at, null, 'email registrants consent when they confirm');
    assert.equal(jo.full_name, 'Jo Bloggs');
    assert.equal(jo.organisation_name, 'Airedale NHS Foundation Trust');
    assert.ok(jo.organisation_id);
    assert.equal(jo.nation, 'England');
    assert.equal(jo.region, 'North East and Yorkshire');
    assert.equal(jo.service_type, 'diagnostic');
    assert.equal(jo.job_title, 'Imaging assistant');
    const [mail] = await outboxTo('jo.bloggs@example.org');
    assert.match(mail!.subject, new RegExp(jo.reference));
    assert.match(mail!.text_body, /\/register\/confirm\//);
    const row = await importOf('<plain@example.org>');
    assert.equal(row.outcome, 'registered');
    assert.equal(row.registration_id, jo.id);
    assert.equal(row.received_at, '2024-06-03T08:00:00.000Z');

    const ana = (await reg('ana@example.org'))!;
    assert.deepEqual([ana.full_name, ana.organisation_name, ana.service_type, ana.job_title, ana.nation, ana.organisation_id], ['Ana Silva', 'Example Private Clinic', 'radiotherapy', 'Radiotherapy helper', null, null]);
    assert.match((await importOf('<html@example.org>')).original_text, /Ana Silva/);

    const sian = (await reg('sian@example.org'))!;
    assert.equal(sian.full_name, 'Siân Jones');
    assert.equal(sian.job_title, 'Senior clinical support worker with a long title that wraps onto the next line');
    assert.equal(sian.nation, 'Wales');
    assert.equal(sian.region, null);
    const pryce = (await reg('sian.other@example.org'))!;
    assert.equal(pryce.full_name, 'Siân Pryce');
    assert.equal(pryce.organisation_name, 'Leeds Teaching Hospitals NHS Trust', 'matched loosely, stored by its proper name');
    const rory = (await reg('rory@example.org'))!;
    assert.equal(rory.full_name, 'Rory O’Brien');
    assert.equal(rory.service_type, 'education');
    assert.equal(rory.job_title, 'Practice educator');
  });

  it('imports an mbox: base64, forwarded, unreadable, off-topic, and one without a Message-ID', async () => {
    const summary = await importFromSource(join(dir, 'box.mbox'), deps());
    assert.deepEqual(summary, { keyword: 'SUPPORT WORKFORCE', read: 5, created: 3, updated: 0, needsReview: 1, alreadyImported: 0, notRelevant: 1, failed: 0, posted: 0, refused: 0 });
    const kai = (await reg('kai@example.org'))!;
    assert.equal(kai.full_name, 'Kai Müller');
    assert.equal(kai.service_type, 'both');

    const lee = (await reg('lee.jones@example.org'))!;
    assert.equal(lee.full_name, 'Lee Jones', 'the forwarded registration is the original sender’s');
    assert.equal((await outboxTo('lee.jones@example.org')).length, 1);
    assert.equal(await reg('manager@example.org'), undefined);
    assert.equal((await outboxTo('manager@example.org')).length, 0);

    const review = (await reg('vague@example.org'))!;
    assert.equal(review.status, 'needs_review');
    assert.equal(review.channel, 'email');
    const queued = await importOf('<unreadable@example.org>');
    assert.equal(queued.outcome, 'needs_review');
    assert.equal(queued.registration_id, review.id);
    assert.match(queued.original_text, /I work in x-ray/);
    assert.match(queued.problem!, /Could not read the name, where they work, the job title/);
    assert.equal((await outboxTo('vague@example.org')).length, 0, 'no confirmation until completed');

    assert.equal(await reg('news@example.org'), undefined);
    const off = await importOf('<offtopic@example.org>');
    assert.equal(off.outcome, 'not_relevant');
    assert.equal(off.registration_id, null);

    const nid = (await reg('nid@example.org'))!;
    assert.equal(nid.full_name, 'No Id');
    const keyed = await data.db.selectFrom('mail_imports').selectAll().where('registration_id', '=', nid.id).executeTakeFirstOrThrow();
    assert.match(keyed.message_id, /^sha256:[0-9a-f]{64}$/);
    assert.match(keyed.original_text, /^From the imaging team:/, 'the mbox ">From " quoting is undone');
  });

  it('adds nothing when the same messages are imported again', async () => {
    const count = async () => ({
      registrations: (await data.db.selectFrom('registrations').select('id').execute()).length,
      imports: (await data.db.selectFrom('mail_imports').select('id').execute()).length,
      outbox: (await data.db.selectFrom('outbox').select('id').execute()).length,
    });
    const first = await importFromSource(dir, deps());
    assert.deepEqual(first, { keyword: 'SUPPORT WORKFORCE', read: 10, created: 8, updated: 0, needsReview: 1, alreadyImported: 0, notRelevant: 1, failed: 0, posted: 0, refused: 0 });
    const before = await count();
    assert.deepEqual(before, { registrations: 9, imports: 10, outbox: 8 });
    const again = await importFromSource(dir, deps());
    assert.deepEqual(again, { keyword: 'SUPPORT WORKFORCE', read: 10, created: 0, updated: 0, needsReview: 0, alreadyImported: 10, notRelevant: 0, failed: 0, posted: 0, refused: 0 });
    assert.deepEqual(await count(), before);
  });

  it('a later readable email completes a registration waiting for review, and leaves the queue', async () => {
    assert.equal((await importFromSource(ownFolder({ 'a.eml': unreadable }), deps())).needsReview, 1);
    assert.equal((await reg('vague@example.org'))!.status, 'needs_review');
    const later = ownFolder({ 'a.eml': message('vague-2', { From: 'vague@example.org', Subject: 'RE: SUPPORT WORKFORCE', ...textPlain() }, 'Sorry, here you are:\nName: Val Ague\nTrust: Airedale\nJob title: CSW') });
    const summary = await importFromSource(later, deps());
    assert.equal(summary.updated, 1);
    const r = (await reg('vague@example.org'))!;
    assert.equal(r.status, 'unconfirmed');
    assert.equal(r.full_name, 'Val Ague');
    assert.equal(r.organisation_name, 'Airedale NHS Foundation Trust');
    assert.equal((await importOf('<unreadable@example.org>')).outcome, 'registered');
    assert.equal((await outboxTo('vague@example.org')).length, 1);
  });

  it('an unreadable email from someone already registered is queued without touching their details', async () => {
    assert.equal((await importFromSource(ownFolder({ 'plain.eml': plain }), deps())).created, 1);
    const more = ownFolder({
      'a.eml': message('jo-2', { From: 'jo.bloggs@example.org', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'I have moved job, can you update me?'),
      'b.eml': message('fwd-noaddr', { From: 'manager@example.org', Subject: 'Fwd: SUPPORT WORKFORCE', ...textPlain() }, '---------- Forwarded message ---------\nFrom: Pat Doe\nDate: today\n\nName: Pat Doe\nWorkplace: Example Trust\nJob title: CSW'),
    });
    const summary = await importFromSource(more, deps());
    assert.equal(summary.needsReview, 2);
    const jo = (await reg('jo.bloggs@example.org'))!;
    assert.equal(jo.status, 'unconfirmed');
    assert.equal(jo.job_title, 'Imaging assistant');
    assert.equal((await importOf('<jo-2@example.org>')).registration_id, jo.id);
    // Sent on Pat's behalf: the forwarder is not registered or emailed, and no registration is made
    // until a person checks it (the message waits in the queue on its own).
    assert.equal(await data.db.selectFrom('registrations').selectAll().where('full_name', '=', 'Pat Doe').executeTakeFirst(), undefined);
    const queued = await importOf('<fwd-noaddr@example.org>');
    assert.equal(queued.outcome, 'needs_review');
    assert.equal(queued.registration_id, null);
    assert.match(queued.problem!, /^Sent on behalf of “Pat Doe” by manager@example.org .*: nothing in it says it was sent on their behalf; check before registering$/);
    assert.equal(await reg('manager@example.org'), undefined);
    assert.equal((await outboxTo('manager@example.org')).length, 0);
  });

  it('splits mbox files only on separator lines and undoes ">From " quoting', () => {
    const parts = splitMbox(Buffer.from('From a@example.org Mon Jun  3 09:00:00 2024\nSubject: one\n\nFrom here on, text\n>From quoted\n>>From twice\n\nFrom b@example.org Mon Jun  3 09:00:00 2024\r\nSubject: two\r\n\r\nbody\r\n'));
    assert.equal(parts.length, 2);
    assert.equal(parts[0]!.toString(), 'Subject: one\n\nFrom here on, text\nFrom quoted\n>From twice');
    assert.equal(parts[1]!.toString(), 'Subject: two\r\n\r\nbody');
  });

  it('starts emailed links with the address the server last started at, unless BASE_URL is set', async () => {
    const fresh = await createTestDatabase();
    try {
      assert.equal(await linkBase(fresh.db, loadConfig({})), 'http://localhost:3000', 'nothing recorded: its own default');
      await saveSetting(fresh.db, 'base_url', 'http://localhost:8080', clock);
      assert.equal(await linkBase(fresh.db, loadConfig({})), 'http://localhost:8080', 'the running server’s port, not this shell’s default');
      assert.equal(await linkBase(fresh.db, loadConfig({ BASE_URL: 'https://coproduce.example.org' })), 'https://coproduce.example.org');
    } finally {
      await fresh.close();
    }
  });

  it('summarises and draws progress for the command line', () => {
    assert.equal(progressBar(1, 4, 8), '[##......] 1/4 (25%)');
    assert.equal(progressBar(0, 0, 4), '[####] 0/0 (100%)');
    const text = summaryText({ keyword: 'SUPPORT WORKFORCE', read: 3, created: 1, updated: 0, needsReview: 1, alreadyImported: 0, notRelevant: 1, failed: 0, posted: 0, refused: 0 });
    assert.match(text, /^Read 3 messages:/);
    assert.match(text, /1 need review by hand/);
    assert.match(text, /1 not relevant: no "SUPPORT WORKFORCE" in the subject/);
  });

  it('refuses a source it cannot read, with a clear message', async () => {
    await assert.rejects(importFromSource(join(dir, 'missing.eml'), deps()), (e: Error) => e instanceof SourceError && /no such file or folder/.test(e.message));
    await assert.rejects(openSource(join(dir, 'folder/notes.txt')), /give an \.eml file, an \.mbox file, a folder/);
  });

  it('says so when there is no programme', async () => {
    const empty = await createTestDatabase();
    try {
      await assert.rejects(importFromSource(join(dir, 'folder'), { ...deps(), db: empty.db }), (e: Error) => e instanceof ImportError && /no programme/.test(e.message));
    } finally {
      await empty.close();
    }
  });

  it('reads IMAP addresses, and gives a clear error when the server cannot be reached', async () => {
    assert.deepEqual(parseImapUrl('imaps://team%40example.org:p%40ss@mail.example.org/INBOX'), {
      host: 'mail.example.org', port: 993, secure: true, auth: { user: 'team@example.org', pass: 'p@ss' }, mailbox: 'INBOX',
    });
    assert.deepEqual(parseImapUrl('imap://team:pw@mail.example.org:1143/Registrations%202024'), {
      host: 'mail.example.org', port: 1143, secure: false, auth: { user: 'team', pass: 'pw' }, mailbox: 'Registrations 2024',
    });
    assert.equal(parseImapUrl('imaps://u:p@mail.example.org').mailbox, 'INBOX');
    assert.throws(() => parseImapUrl('imaps://mail.example.org/INBOX'), /needs a user and a host/);
    assert.throws(() => parseImapUrl('imaps://u:p@[bad/INBOX'), /not valid/);
    // A port that was free a moment ago, on this machine: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    await assert.rejects(
      importFromSource(`imap://user:secret@127.0.0.1:${port}/INBOX`, { ...deps(), imapTimeoutMs: 5000 }),
      (e: Error) => e instanceof SourceError && e.message.startsWith(`Could not connect to the IMAP server at 127.0.0.1:${port}: the connection was refused`) && !e.message.includes('secret'),
    );
  });
});

describe('import-mail, messages as people really send them', () => {
  let data: TestData;
  let dir: string;
  const clock = testClock('2026-05-01T09:00:00Z');
  let n = 0;
  /** Writes messages into a folder of their own and imports it. */
  const importMessages = async (messages: string[], extra: Partial<Parameters<typeof importFromSource>[1]> = {}) => {
    const folder = join(dir, `run-${++n}`);
    mkdirSync(folder);
    messages.forEach((m, i) => writeFileSync(join(folder, `${String(i).padStart(3, '0')}.eml`), m));
    return importFromSource(folder, { db: data.db, clock, baseUrl: 'http://localhost:3000', ...extra });
  };
  const reg = (email: string) => data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', email).executeTakeFirst();
  const outboxTo = (email: string) => data.db.selectFrom('outbox').selectAll().where('to_address', '=', email).execute();
  const importsOf = (messageId: string) => data.db.selectFrom('mail_imports').selectAll().where('message_id', '=', messageId).orderBy('id').execute();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'coproduce-mail-real-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  // Each test gets its own database: none relies on what another left.
  beforeEach(async () => {
    data = await seededDatabase(clock);
  });
  afterEach(async () => {
    await data.close();
  });

  it('registers unlabelled details with an opening sentence from the sender’s name and the organisations list, and reviews uncertain ones prefilled', async () => {
    const summary = await importMessages([
      message('unlabelled-1', { From: 'Nia Evans <nia.evans@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Hello,\n\nPlease register my interest.\n\nAiredale NHS Foundation Trust\nCT\nClinical support worker\n\nThanks'),
      message('unlabelled-2', { From: 'Omar Hale <omar.hale@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Please register my interest.\nAiredale NHS Foundation Trust\nNights 8-8\nCSW'),
    ]);
    assert.equal(summary.created, 1);
    assert.equal(summary.needsReview, 1);
    const nia = (await reg('nia.evans@example.org'))!;
    assert.deepEqual([nia.full_name, nia.organisation_name, nia.service_type, nia.job_title, nia.status], ['Nia Evans', 'Airedale NHS Foundation Trust', 'diagnostic', 'Clinical support worker', 'unconfirmed']);
    const omar = (await reg('omar.hale@example.org'))!;
    assert.equal(omar.status, 'needs_review');
    assert.equal(omar.full_name, 'Omar Hale', 'prefilled with the sender’s name, never the opening sentence');
    assert.match((await importsOf('<unlabelled-2@example.org>'))[0]!.problem!, /could not be recognised: “Nights 8-8”/);
  });

  it('keeps a message sent after registration closed for review, marked late, instead of registering it', async () => {
    const programme = await data.db.selectFrom('programmes').select('registration_closes_on').executeTakeFirstOrThrow();
    const afterClose = new Date(`${programme.registration_closes_on}T23:30:00Z`); // after the end of the London day in summer and winter
    const late = message('late-1', { From: 'Lou Late <lou.late@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Lou Late\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW').replace(/^Date: .*$/m, `Date: ${afterClose.toUTCString()}`);
    const onTime = message('late-2', { From: 'Tim Ely <tim.ely@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Tim Ely\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW').replace(/^Date: .*$/m, 'Date: Fri, 01 May 2026 08:00:00 +0000');
    const readLater = testClock(new Date(afterClose.getTime() + 86_400_000).toISOString());
    const summary = await importMessages([late, onTime], { clock: readLater });
    assert.equal(summary.needsReview, 1);
    assert.equal(summary.created, 1, 'a message sent on time is registered even when read after the close');
    assert.equal((await reg('lou.late@example.org'))!.status, 'needs_review');
    assert.match((await importsOf('<late-1@example.org>'))[0]!.problem!, /^Late: sent after registration closed at the end of /);
    assert.equal((await outboxTo('lou.late@example.org')).length, 0, 'no confirmation email');
    assert.equal((await reg('tim.ely@example.org'))!.status, 'unconfirmed');
  });

  it('knows organisations by the names people use for them', async () => {
    await importMessages([message('alias-1', { From: 'Jim Ames <jim.ames@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, "Name: Jim Ames\nWhere I work: St James's\nJob title: CSW")]);
    const jim = (await reg('jim.ames@example.org'))!;
    assert.deepEqual([jim.organisation_name, jim.nation, jim.region], ['Leeds Teaching Hospitals NHS Trust', 'England', 'North East and Yorkshire']);
  });

  it('two runs at once take each message in once, with one confirmation email each', async () => {
    const folder = join(dir, 'both-at-once');
    mkdirSync(folder);
    const people = ['Ada Twin', 'Bea Twin', 'Cal Twin', 'Dee Twin', 'Eli Twin'];
    people.forEach((name, i) => writeFileSync(join(folder, `${i}.eml`), message(`twin-${i}`, { From: `${name} <${name.toLowerCase().replace(' ', '.')}@example.org>`, Subject: 'SUPPORT WORKFORCE', ...textPlain() }, `Name: ${name}\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW`)));
    const runs = await Promise.all([1, 2].map(() => importFromSource(folder, { db: data.db, clock, baseUrl: 'http://localhost:3000' })));
    assert.equal(runs[0]!.created + runs[1]!.created, 5, JSON.stringify(runs));
    assert.equal(runs[0]!.alreadyImported + runs[1]!.alreadyImported, 5, JSON.stringify(runs));
    assert.equal(runs[0]!.failed + runs[1]!.failed, 0);
    for (const name of people) {
      const email = `${name.toLowerCase().replace(' ', '.')}@example.org`;
      assert.equal((await outboxTo(email)).length, 1, `one email to ${email}`);
      assert.equal((await data.db.selectFrom('registrations').select('id').where('email_normalised', '=', email).execute()).length, 1);
    }
  });

  it('takes three Outlook replies to one newsletter as three people, not forwards of the newsletter', async () => {
    const quoted = '\n\n-----Original Message-----\nFrom: Programme Team <news@example.org>\nSent: 01 June 2024 09:00\nTo: Everyone <list@example.org>\nSubject: SUPPORT WORKFORCE newsletter\n\nTo register, reply with your name, workplace and job title.\nName: Programme Team\nWorkplace: Example Trust\nJob title: Newsletter';
    const reply = (id: string, name: string, email: string) =>
      message(id, { From: `${name} <${email}>`, Subject: 'RE: SUPPORT WORKFORCE newsletter', ...textPlain() }, `Name: ${name}\nWorkplace: Airedale NHS Foundation Trust\nJob title: Assistant practitioner${quoted}`);
    const summary = await importMessages([reply('re-1', 'Ada Lamb', 'ada@example.org'), reply('re-2', 'Ben Cole', 'ben@example.org'), reply('re-3', 'Cai Moss', 'cai@example.org')]);
    assert.equal(summary.created, 3);
    for (const [email, name] of [['ada@example.org', 'Ada Lamb'], ['ben@example.org', 'Ben Cole'], ['cai@example.org', 'Cai Moss']] as const) {
      assert.equal((await reg(email))?.full_name, name);
      assert.equal((await outboxTo(email)).length, 1);
    }
    assert.equal(await reg('news@example.org'), undefined);
  });

  it('never attaches a message sent on someone’s behalf to the sender’s or the named person’s registration', async () => {
    await importMessages([
      message('mgr-own', { From: 'Morgan Reed <morgan@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Morgan Reed\nWorkplace: Airedale NHS Foundation Trust\nJob title: Imaging services manager'),
      message('sam-own', { From: 'Sam Fox <sam.fox@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Sam Fox\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW'),
    ]);
    const before = { morgan: (await reg('morgan@example.org'))!, sam: (await reg('sam.fox@example.org'))!, mail: (await data.db.selectFrom('outbox').select('id').execute()).length };
    const summary = await importMessages([
      message('behalf-1', { From: 'Morgan Reed <morgan@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Please register my colleague Sam Fox who has no work email.\n\nName: Sam Fox\nWorkplace: Leeds Teaching Hospitals NHS Trust\nJob title: Assistant practitioner'),
      message('behalf-2', { From: 'Morgan Reed <morgan@example.org>', Subject: 'Fwd: SUPPORT WORKFORCE', ...textPlain() }, '---------- Forwarded message ---------\nFrom: Sam Fox\nDate: today\n\nName: Sam Fox\nWorkplace: Leeds Teaching Hospitals NHS Trust\nJob title: AP'),
    ]);
    assert.equal(summary.needsReview, 2);
    assert.deepEqual(await reg('morgan@example.org'), before.morgan, 'the sender’s registration is untouched');
    assert.deepEqual(await reg('sam.fox@example.org'), before.sam, 'the named person’s registration is untouched');
    assert.equal((await data.db.selectFrom('outbox').select('id').execute()).length, before.mail, 'nobody is emailed');
    assert.equal((await data.db.selectFrom('registrations').select('id').where('full_name', '=', 'Sam Fox').execute()).length, 1);
    for (const id of ['<behalf-1@example.org>', '<behalf-2@example.org>']) {
      const [row] = await importsOf(id);
      assert.equal(row!.outcome, 'needs_review');
      assert.equal(row!.registration_id, null);
      assert.match(row!.problem!, /^Sent on behalf of “Sam Fox” by morgan@example.org.*; check before registering$/);
      assert.deepEqual(JSON.parse(row!.reading!).onBehalf, { name: 'Sam Fox', contact: 'morgan@example.org', contactName: 'Morgan Reed' });
    }
  });

  it('strips NUL and other control characters from everything it stores, and registers once however often it runs', async () => {
    const nul = message('nul', { From: 'Dee Nul <dee@example.org>', Subject: 'SUPPORT\u0000 WORKFORCE', ...textPlain() }, 'Name: Dee\u0000 Nul\u0007\nWorkplace: Airedale NHS Foundation Trust\u0000\nJob title: CSW\n\nBody with a NUL \u0000 here');
    const first = await importMessages([nul]);
    assert.equal(first.created, 1, 'read once the NULs are gone');
    const rows = await data.db.selectFrom('mail_imports').selectAll().where('from_address', '=', 'dee@example.org').execute();
    assert.equal(rows.length, 1);
    for (const v of [rows[0]!.subject, rows[0]!.original_text, rows[0]!.problem ?? '']) assert.doesNotMatch(v, /[\u0000-\u0008]/);
    assert.equal(rows[0]!.subject, 'SUPPORT WORKFORCE');
    assert.equal((await reg('dee@example.org'))!.full_name, 'Dee Nul');
    const again = await importMessages([nul]);
    assert.equal(again.alreadyImported, 1);
    assert.equal((await outboxTo('dee@example.org')).length, 1, 'never a second confirmation email');
  });

  it('records a message it cannot read as failed, with the reason, and goes on; a re-run passes it by', async () => {
    const depth = 2000;
    let nested = 'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n';
    for (let i = 0; i < depth; i++) nested += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
    nested += `--b${depth}\r\nContent-Type: text/plain\r\n\r\nName: Deep Nest\r\n`;
    for (let i = depth; i >= 0; i--) nested += `--b${i}--\r\n`;
    const poison = ['Message-ID: <nested@example.org>', 'From: Deep Nest <deep@example.org>', 'Subject: SUPPORT WORKFORCE', 'MIME-Version: 1.0', nested].join('\r\n');
    const after = message('after-poison', { From: 'Eve After <eve@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Eve After\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW');
    const summary = await importMessages([poison, after]);
    assert.equal(summary.failed, 1);
    assert.equal(summary.created, 1, 'the run goes on after it');
    const [row] = await importsOf('<nested@example.org>');
    assert.equal(row!.outcome, 'failed');
    assert.match(row!.problem!, /^Could not be read: .+/);
    assert.equal(row!.from_address, 'Deep Nest <deep@example.org>');
    assert.equal(await reg('deep@example.org'), undefined);
    const again = await importMessages([poison, after]);
    assert.deepEqual([again.failed, again.alreadyImported, again.created], [0, 2, 0]);
    assert.equal((await importsOf('<nested@example.org>')).length, 1);
    assert.equal((await outboxTo('eve@example.org')).length, 1);
  });

  it('imports a different message that reuses a Message-ID, flagged for review; the same message again is skipped', async () => {
    const original = message('reused', { From: 'Fay Ward <fay@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Fay Ward\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW');
    const different = message('reused', { From: 'Gil Hart <gil@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Gil Hart\nWorkplace: Airedale NHS Foundation Trust\nJob title: AP');
    assert.equal((await importMessages([original])).created, 1);
    // The same message read from another source (line ends and trailing spaces differ) is the same.
    const summary = await importMessages([original.replace(/\r\n/g, '\n').replace('Job title: CSW', 'Job title: CSW   '), different]);
    assert.deepEqual([summary.alreadyImported, summary.needsReview, summary.created], [1, 1, 0]);
    const rows = await importsOf('<reused@example.org>');
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0]!.content_hash, rows[1]!.content_hash);
    assert.match(rows[1]!.problem!, /reuses the Message-ID of an earlier, different message/);
    assert.equal(rows[1]!.outcome, 'needs_review');
    assert.equal((await reg('gil@example.org'))?.status, 'needs_review');
    assert.equal((await outboxTo('gil@example.org')).length, 0);
  });

  it('tells the operator who was registered, with which reference', async () => {
    const registered: Registered[] = [];
    await importMessages([message('hal', { From: 'Hal Ode <hal.ode@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Hal Ode\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW')], { onRegistered: (r) => registered.push(r) });
    const hal = (await reg('hal.ode@example.org'))!;
    assert.deepEqual(registered, [{ fullName: 'Hal Ode', email: 'hal.ode@example.org', reference: hal.reference, updated: false }]);
    assert.equal(maskEmail('hal.ode@example.org'), 'h***@example.org');
    assert.equal(maskEmail('nobody'), '***');
    assert.equal(registeredText(registered), `Registered:\n  ${hal.reference}  Hal Ode <h***@example.org>`);
    assert.equal(registeredText([{ fullName: 'Evil\r\nName', email: 'e@example.org', reference: 'X', updated: true }]), 'Registered:\n  X  Evil  Name <e***@example.org> (updated)');
  });
});

describe('import-mail, sent on someone’s behalf', () => {
  let data: TestData;
  let dir: string;
  const clock = testClock('2026-05-01T09:00:00Z');
  let n = 0;
  const importMessages = async (messages: string[], extra: Partial<Parameters<typeof importFromSource>[1]> = {}) => {
    const folder = join(dir, `run-${++n}`);
    mkdirSync(folder);
    messages.forEach((m, i) => writeFileSync(join(folder, `${String(i).padStart(3, '0')}.eml`), m));
    return importFromSource(folder, { db: data.db, clock, baseUrl: 'http://localhost:3000', ...extra });
  };
  const named = (fullName: string) => data.db.selectFrom('registrations').selectAll().where('full_name', '=', fullName).orderBy('id').execute();
  const reg = (email: string) => data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', email).executeTakeFirst();
  const outboxTo = (email: string) => data.db.selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('id').execute();
  const counts = async () => ({
    registrations: (await data.db.selectFrom('registrations').select('id').execute()).length,
    imports: (await data.db.selectFrom('mail_imports').select('id').execute()).length,
    outbox: (await data.db.selectFrom('outbox').select('id').execute()).length,
  });
  const forSam = (id: string, body = 'Name: Sam Fox\nWorkplace: Airedale NHS Foundation Trust\nService: CT\nJob title: Clinical support worker', from = 'Morgan Reed <morgan.reed@example.org>') =>
    message(id, { From: from, Subject: 'SUPPORT WORKFORCE', ...textPlain() }, `Hello,\n\nPlease register my colleague Sam Fox, who has no work email.\n\n${body}\n\nThanks,\nMorgan`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'coproduce-mail-behalf-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    data = await seededDatabase(clock);
  });
  afterEach(async () => {
    await data.close();
  });

  it('registers a colleague with no email as themselves, with the manager as their contact, and emails the manager', async () => {
    const registered: Registered[] = [];
    const summary = await importMessages([forSam('behalf-sam')], { onRegistered: (r) => registered.push(r) });
    assert.deepEqual([summary.created, summary.needsReview], [1, 0]);
    const [sam, ...others] = await named('Sam Fox');
    assert.equal(others.length, 0);
    assert.deepEqual(
      [sam!.email, sam!.email_normalised, sam!.contact_name, sam!.contact_email, sam!.channel, sam!.status, sam!.organisation_name, sam!.service_type, sam!.job_title],
      [null, null, 'Morgan Reed', 'morgan.reed@example.org', 'email', 'unconfirmed', 'Airedale NHS Foundation Trust', 'diagnostic', 'Clinical support worker'],
    );
    assert.equal(await reg('morgan.reed@example.org'), undefined, 'the manager is not registered');
    const mail = await outboxTo('morgan.reed@example.org');
    assert.equal(mail.length, 1, 'the confirmation goes to the manager');
    assert.equal(mail[0]!.subject, `Confirm you registered Sam Fox (${sam!.reference})`);
    assert.match(mail[0]!.text_body, /^Hello Morgan Reed,/);
    assert.match(mail[0]!.text_body, /You registered Sam Fox for the radiography support workforce programme, on their behalf/);
    assert.match(mail[0]!.text_body, /\/register\/confirm\//);
    const row = await data.db.selectFrom('mail_imports').selectAll().where('message_id', '=', '<behalf-sam@example.org>').executeTakeFirstOrThrow();
    assert.deepEqual([row.outcome, row.registration_id, row.problem], ['registered', sam!.id, null]);
    const history = await data.db.selectFrom('registration_events').select('detail').where('registration_id', '=', sam!.id).execute();
    assert.deepEqual(history.map((h) => h.detail), ['Registered by email on their behalf by Morgan Reed (morgan.reed@example.org)']);
    assert.deepEqual(registered, [{ fullName: 'Sam Fox', email: 'morgan.reed@example.org', reference: sam!.reference, updated: false, byContact: true }]);
    assert.equal(registeredText(registered), `Registered:\n  ${sam!.reference}  Sam Fox, through their contact <m***@example.org>`);
  });

  it('the manager then registering themselves gets a registration of their own, never merged with the colleague’s', async () => {
    await importMessages([forSam('behalf-sam')]);
    const [samBefore] = await named('Sam Fox');
    const own = await importMessages([message('morgan-own', { From: 'Morgan Reed <morgan.reed@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Morgan Reed\nWorkplace: Airedale NHS Foundation Trust\nJob title: Imaging services manager')]);
    assert.deepEqual([own.created, own.updated, own.needsReview], [1, 0, 0]);
    const morgan = (await reg('morgan.reed@example.org'))!;
    assert.equal(morgan.full_name, 'Morgan Reed');
    assert.equal(morgan.contact_email, null);
    assert.deepEqual(await named('Sam Fox'), [samBefore], 'the colleague’s registration is untouched');
    assert.equal((await outboxTo('morgan.reed@example.org')).length, 2, 'one email about each registration');
    // The same through the web form: the manager's address is known only as their own.
    const programme = await data.db.selectFrom('programmes').select('id').executeTakeFirstOrThrow();
    const again = await submitRegistration(data.db, registrationDetails({ email: 'morgan.reed@example.org', fullName: 'Morgan Reed' }), { programmeId: programme.id, channel: 'web', baseUrl: 'http://localhost:3000', clock });
    assert.deepEqual([again.outcome, again.registration.id], ['pending', morgan.id]);
    assert.deepEqual(await named('Sam Fox'), [samBefore]);
    // Never merged: refused either way round, and nothing changes.
    assert.deepEqual(planMerge(morgan, samBefore), { ok: false, reason: 'contact' });
    assert.deepEqual(planMerge(samBefore, morgan), { ok: false, reason: 'contact' });
    const { person: admin } = await upsertPerson(data.db, { email: 'team@example.org', name: 'Team Admin', role: 'admin' }, clock);
    const refused = await mergeRegistrations(data.db, samBefore!.id, morgan.id, { from: {} }, { actorId: admin.id, baseUrl: 'http://localhost:3000', clock });
    assert.deepEqual(refused, { ok: false, reason: 'contact' });
    assert.equal((await counts()).registrations, 2);
  });

  it('adds nothing when the same message is imported again', async () => {
    await importMessages([forSam('behalf-sam')]);
    const before = await counts();
    assert.deepEqual(before, { registrations: 1, imports: 1, outbox: 1 });
    const again = await importMessages([forSam('behalf-sam')]);
    assert.deepEqual([again.alreadyImported, again.created, again.updated, again.needsReview], [1, 0, 0, 0]);
    assert.deepEqual(await counts(), before);
  });

  it('knows a second message from the same contact for the same colleague, and asks the contact to confirm the change', async () => {
    await importMessages([forSam('behalf-sam')]);
    const [sam] = await named('Sam Fox');
    const second = await importMessages([forSam('behalf-sam-2', 'Name: sam  fox\nWorkplace: Airedale NHS Foundation Trust\nJob title: Senior clinical support worker', 'Morgan Reed <Morgan.Reed@example.org>')]);
    assert.deepEqual([second.created, second.updated, second.needsReview], [0, 1, 0]);
    const after = await data.db.selectFrom('registrations').selectAll().execute();
    assert.equal(after.length, 1, 'not registered twice');
    assert.equal(after[0]!.job_title, 'Clinical support worker', 'nothing changes until the contact confirms');
    assert.ok(after[0]!.pending_details);
    const mail = await outboxTo('morgan.reed@example.org');
    assert.equal(mail.length, 2);
    assert.equal(mail[1]!.subject, `Confirm the change to Sam Fox’s registration (${sam!.reference})`);
    const row = await data.db.selectFrom('mail_imports').selectAll().where('message_id', '=', '<behalf-sam-2@example.org>').executeTakeFirstOrThrow();
    assert.deepEqual([row.outcome, row.registration_id], ['registered', sam!.id]);
  });

  it('sends to review, with no registration, a colleague of the same name sent by another contact or registered already', async () => {
    await importMessages([forSam('behalf-sam')]);
    const summary = await importMessages([
      forSam('behalf-other', undefined, 'Lee Moss <lee.moss@example.org>'),
      message('sam-own', { From: 'Sam Fox <sam.fox@example.org>', Subject: 'SUPPORT WORKFORCE', ...textPlain() }, 'Name: Sam Fox\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW'),
    ]);
    assert.deepEqual([summary.created, summary.needsReview], [1, 1], 'their own registration by their own address is theirs to make');
    const [sam] = await named('Sam Fox');
    const row = await data.db.selectFrom('mail_imports').selectAll().where('message_id', '=', '<behalf-other@example.org>').executeTakeFirstOrThrow();
    assert.deepEqual([row.outcome, row.registration_id], ['needs_review', null]);
    assert.equal(row.problem, `Sent on behalf of “Sam Fox” by lee.moss@example.org: ${sam!.reference} is already registered under this name, so check whether it is the same person; check before registering`);
    assert.equal((await outboxTo('lee.moss@example.org')).length, 0);
  });

  it('sends an uncertain one to review prefilled, with no registration and no email', async () => {
    const summary = await importMessages([forSam('behalf-vague', 'Name: Sam Fox\nJob title: CSW')]);
    assert.deepEqual([summary.created, summary.needsReview], [0, 1]);
    assert.deepEqual(await counts(), { registrations: 0, imports: 1, outbox: 0 });
    const row = await data.db.selectFrom('mail_imports').selectAll().executeTakeFirstOrThrow();
    assert.match(row.problem!, /^Sent on behalf of “Sam Fox” by morgan.reed@example.org: could not read where they work; check before registering$/);
    assert.deepEqual(JSON.parse(row.reading!).onBehalf, { name: 'Sam Fox', contact: 'morgan.reed@example.org', contactName: 'Morgan Reed' });
  });
});

describe('large mailboxes', () => {
  it('reads an mbox as a stream, one message at a time, at a flat memory cost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coproduce-mbox-'));
    try {
      const file = join(dir, 'big.mbox');
      const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n'.repeat(60);
      const count = 4000;
      const parts: string[] = [];
      for (let i = 0; i < count; i++) parts.push(`From sender@example.org Mon Jun  3 09:00:00 2024\nMessage-ID: <big-${i}@example.org>\nSubject: SUPPORT WORKFORCE\n\n>From the body ${i}\n${filler}\n`);
      writeFileSync(file, parts.join(''));
      parts.length = 0;
      const size = statSync(file).size;
      assert.ok(size > 12_000_000, `a mailbox of ${size} bytes`);
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const base = process.memoryUsage().heapUsed;
      let peak = 0;
      let seen = 0;
      const opened = await openSource(file);
      assert.equal(opened.total, null, 'how many an mbox holds is not known until it has been read');
      for await (const m of opened.messages) {
        if (seen === 0) assert.match(m.raw.toString(), /^Message-ID: <big-0@example.org>\nSubject: SUPPORT WORKFORCE\n\nFrom the body 0\n/);
        if (++seen % 500 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        }
      }
      assert.equal(seen, count);
      assert.ok(peak < size / 4, `held ${peak} bytes at most while reading ${size}`);
      assert.equal(progressBar(seen, null), '4000 messages read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
