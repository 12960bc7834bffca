import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, type TestData } from '../../../test/helpers/database.ts';
import { seedDemoProgramme } from '../programme/seed.ts';
import { seedOrganisations } from '../registration/organisations.ts';
import { importFromSource } from './import.ts';
import { openSource, parseImapUrl, SourceError } from './sources.ts';

const CRLF = '\r\n';
function message(id: string, headers: Record<string, string>, body: string): string {
  return [`Message-ID: <${id}@example.org>`, 'Date: Mon, 03 Jun 2024 09:00:00 +0100', 'MIME-Version: 1.0', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', body].join(CRLF);
}

const plain = message('plain', { From: 'Jo Bloggs <jo.bloggs@example.org>', To: 'team@example.org', Subject: 'SUPPORT WORKFORCE', 'Content-Type': 'text/plain; charset=utf-8' },
  'Hello,\r\n\r\nName: Jo Bloggs\r\nWhere I work: Airedale NHS Foundation Trust\r\nType of service: Diagnostic imaging\r\nJob title: Imaging assistant\r\n\r\nThanks');
const html = message('html', { From: 'ana@example.org', Subject: 'Re: support workforce', 'Content-Type': 'text/html; charset=utf-8' },
  '<html><body><p>Name: Ana Silva</p><p>Workplace: Example Private Clinic</p><p>Service: Radiotherapy</p><p>Job title: Radiotherapy helper</p></body></html>');
// "Siân Jones" in ISO-8859-1, quoted-printable.
const qp = message('qp', { From: 'sian@example.org', Subject: 'SUPPORT WORKFORCE', 'Content-Type': 'text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding': 'quoted-printable' },
  'Name: Si=E2n Jones\r\nWorkplace: Betsi Cadwaladr University Health Board\r\nService: X-ray\r\nJob title: Senior clinical support worker with a long title that wraps =\r\nonto the next line');
const b64 = message('b64', { From: 'kai@example.org', Subject: 'SUPPORT WORKFORCE', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'base64' },
  Buffer.from('Kai Müller\nRoyal Example Hospital\nBoth\nAssistant practitioner\n\nBest wishes').toString('base64').replace(/(.{76})/g, `$1${CRLF}`));
const forwarded = message('fwd', { From: 'manager@example.org', Subject: 'Fwd: SUPPORT WORKFORCE', 'Content-Type': 'text/plain; charset=utf-8' },
  'FYI\r\n\r\n---------- Forwarded message ---------\r\nFrom: Lee Jones <lee.jones@example.org>\r\nDate: Mon, 3 Jun 2024\r\nSubject: SUPPORT WORKFORCE\r\n\r\nName: Lee Jones\r\nWorkplace: Example Trust\r\nService: CT\r\nJob title: CSW\r\n');
const unreadable = message('unreadable', { From: 'vague@example.org', Subject: 'SUPPORT WORKFORCE', 'Content-Type': 'text/plain' }, 'Please add me, I work in x-ray!');
const offTopic = message('offtopic', { From: 'news@example.org', Subject: 'Newsletter', 'Content-Type': 'text/plain' }, 'Name: Not Me\r\nWorkplace: X\r\nJob title: Y');
const noId = ['From: nid@example.org', 'Subject: SUPPORT WORKFORCE', 'Content-Type: text/plain', '', 'Name: No Id\r\nWorkplace: Example Trust\r\nJob title: CSW'].join(CRLF);

describe('import-mail', () => {
  let data: TestData;
  let dir: string;
  const clock = testClock('2026-05-01T09:00:00Z');
  before(async () => {
    data = await createTestDatabase();
    await seedOrganisations(data.db);
    await seedDemoProgramme(data.db, clock);
    dir = mkdtempSync(join(tmpdir(), 'coproduce-mail-'));
    mkdirSync(join(dir, 'folder/nested'), { recursive: true });
    writeFileSync(join(dir, 'folder/plain.eml'), plain);
    writeFileSync(join(dir, 'folder/html.eml'), html);
    writeFileSync(join(dir, 'folder/nested/qp.eml'), Buffer.from(qp, 'latin1'));
    writeFileSync(join(dir, 'folder/notes.txt'), 'not a message');
    // An mbox with a body line that was ">From "-quoted.
    const mbox = [b64, forwarded, unreadable, offTopic, noId.replace('Name: No Id', 'From the team\r\nName: No Id')]
      .map((m) => `From sender@example.org Mon Jun  3 09:00:00 2024\n${m.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`)
      .join('\n');
    writeFileSync(join(dir, 'box.mbox'), mbox);
  });
  after(async () => {
    await data.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deps = () => ({ db: data.db, clock, baseUrl: 'http://localhost:3000' });
  const reg = (email: string) => data.db.selectFrom('registrations').selectAll().where('email_normalised', '=', email).executeTakeFirst();

  it('imports a folder of .eml files: plain, HTML-only and quoted-printable ISO-8859-1', async () => {
    const progress: number[] = [];
    const summary = await importFromSource(join(dir, 'folder'), { ...deps(), onProgress: (done) => progress.push(done) });
    assert.deepEqual(summary, { read: 3, created: 3, updated: 0, needsReview: 0, alreadyImported: 0, notRelevant: 0 });
    assert.deepEqual(progress, [1, 2, 3]);
    const jo = (await reg('jo.bloggs@example.org'))!;
    assert.equal(jo.channel, 'email');
    assert.equal(jo.status, 'unconfirmed');
    assert.equal(jo.full_name, 'Jo Bloggs');
    assert.equal(jo.organisation_name, 'Airedale NHS Foundation Trust');
    assert.equal(jo.nation, 'England');
    assert.equal(jo.region, 'North East and Yorkshire');
    assert.equal(jo.service_type, 'diagnostic');
    assert.equal(jo.job_title, 'Imaging assistant');
    const ana = (await reg('ana@example.org'))!;
    assert.equal(ana.full_name, 'Ana Silva');
    assert.equal(ana.service_type, 'radiotherapy');
    assert.equal(ana.nation, null);
    const sian = (await reg('sian@example.org'))!;
    assert.equal(sian.full_name, 'Siân Jones');
    assert.equal(sian.job_title, 'Senior clinical support worker with a long title that wraps onto the next line');
    assert.equal(sian.nation, 'Wales');
    const mail = await data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'jo.bloggs@example.org').executeTakeFirstOrThrow();
    assert.match(mail.text_body, /\/register\/confirm\//);
  });

  it('imports an mbox: base64, forwarded, unreadable, off-topic and one without a Message-ID', async () => {
    const summary = await importFromSource(join(dir, 'box.mbox'), deps());
    assert.deepEqual(summary, { read: 5, created: 3, updated: 0, needsReview: 1, alreadyImported: 0, notRelevant: 1 });
    const kai = (await reg('kai@example.org'))!;
    assert.equal(kai.full_name, 'Kai Müller');
    assert.equal(kai.service_type, 'both');
    assert.ok(await reg('lee.jones@example.org'), 'the forwarded registration is the original sender’s');
    assert.equal(await reg('manager@example.org'), undefined);
    const review = (await reg('vague@example.org'))!;
    assert.equal(review.status, 'needs_review');
    const queued = await data.db.selectFrom('mail_imports').selectAll().where('registration_id', '=', review.id).executeTakeFirstOrThrow();
    assert.equal(queued.outcome, 'needs_review');
    assert.match(queued.original_text, /I work in x-ray/);
    assert.match(queued.problem!, /Could not read/);
    assert.equal((await data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'vague@example.org').execute()).length, 0, 'no confirmation until completed');
    assert.equal(await reg('news@example.org'), undefined);
    const noId = (await reg('nid@example.org'))!;
    assert.equal(noId.full_name, 'No Id');
  });

  it('adds nothing when the same messages are imported again', async () => {
    const count = async () => ({
      registrations: (await data.db.selectFrom('registrations').select('id').execute()).length,
      imports: (await data.db.selectFrom('mail_imports').select('id').execute()).length,
      outbox: (await data.db.selectFrom('outbox').select('id').execute()).length,
    });
    const before = await count();
    const again = await importFromSource(dir, deps());
    assert.equal(again.alreadyImported, 8);
    assert.equal(again.created + again.updated + again.needsReview + again.notRelevant, 0);
    assert.deepEqual(await count(), before);
  });

  it('refuses a source it cannot read, with a clear message', async () => {
    await assert.rejects(openSource(join(dir, 'missing.eml')), (e: Error) => e instanceof SourceError && /no such file or folder/.test(e.message));
    await assert.rejects(openSource(join(dir, 'folder/notes.txt')), /give an \.eml file, an \.mbox file, a folder/);
    assert.deepEqual(parseImapUrl('imaps://team%40example.org:p%40ss@mail.example.org/INBOX'), {
      host: 'mail.example.org', port: 993, secure: true, auth: { user: 'team@example.org', pass: 'p@ss' }, mailbox: 'INBOX',
    });
    assert.throws(() => parseImapUrl('imaps://mail.example.org/INBOX'), /needs a user and a host/);
    // Nothing listens on port 9 on this machine's loopback: a clear error, not a crash.
    await assert.rejects(openSource('imap://user:pw@127.0.0.1:9/INBOX', { imapTimeoutMs: 3000 }), (e: Error) => e instanceof SourceError && /Could not connect to the IMAP server at 127\.0\.0\.1:9/.test(e.message));
  });
});
