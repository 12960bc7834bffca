// The programme mailbox read on a schedule, on both engines: with IMAP_URL set the job is
// declared every 5 minutes; each run reads a (fake) mailbox for registrations and replies alike
// and records its outcome, which the admins' review page shows; a mailbox that cannot be reached
// is recorded with the reason; reading the same mail again takes nothing in twice. Each run reads
// only the messages after where the last stopped (by UID), all again when the UIDVALIDITY changes,
// and a run that fails midway skips nothing; import-mail by hand still reads everything.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { formatDateTime } from '../../../platform/time.ts';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { scheduleDueOccurrences } from '../../../platform/jobs/recurring.ts';
import { runDueJobs } from '../../../platform/jobs/runner.ts';
import { mainText, setUp, type Fixture } from '../../participants/test-fixture.ts';
import { replyAddress } from '../../discussions/email-reply/address.ts';
import { importFromSource, ReadPosition } from './import.ts';
import { mailboxJobs, readMailbox, READ_MAILBOX, UNEXPECTED } from './mailbox-job.ts';
import { SourceError, type MessageSource, type OpenOptions } from './sources.ts';
import { saveMailboxPosition } from './queries.ts';
import { mailboxPositionsDb } from './position-table.ts';

const CRLF = '\r\n';
let sentAt = '';
const message = (id: string, headers: Record<string, string>, body: string) =>
  Buffer.from([`Message-ID: <${id}@mail.example.org>`, `Date: ${sentAt}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', body.replace(/\n/g, CRLF)].join(CRLF));

describe(`the programme mailbox read on a schedule on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let inbox: Buffer[];
  let reachable: boolean;
  const opened: string[] = [];
  const db = () => f.t.data.db;
  const imapUrl = 'imaps://programme:s3cret@imap.example.org/INBOX';
  /** A fake IMAP mailbox: what the job reads, without a server. */
  const open = async (source: string): Promise<MessageSource> => {
    opened.push(source);
    if (!reachable) throw new SourceError('Could not connect to the IMAP server at imap.example.org:993: the connection was refused (is the host and port right?)');
    const messages = [...inbox];
    return { total: messages.length, messages: (async function* () { for (const [i, raw] of messages.entries()) yield { source: `imap:INBOX/${i + 1}`, raw }; })(), close: async () => {} };
  };
  const deps = () => ({ config: { ...f.t.config, imapUrl }, open });
  const runs = () => db().selectFrom('mail_runs').selectAll().orderBy('id').execute();

  beforeEach(async () => {
    f = await setUp();
    reachable = true;
    opened.length = 0;
    sentAt = f.t.clock().toUTCString();
    const mailbox = f.t.config.replyMailbox;
    const forged = replyAddress(mailbox, 'not-the-secret-not-the-secret-not-the-secret', { personId: 1, threadId: 1 });
    inbox = [
      message('reg-1', { From: 'Jo Bloggs <jo.bloggs@example.org>', To: mailbox, Subject: 'SUPPORT WORKFORCE' }, 'Name: Jo Bloggs\nWhere I work: Airedale NHS Foundation Trust\nType of service: Diagnostic imaging\nJob title: Imaging assistant'),
      message('reg-2', { From: 'vague@example.org', To: mailbox, Subject: 'SUPPORT WORKFORCE' }, 'Please add me, I work in x-ray!'),
      message('reply-1', { From: 'someone@example.org', To: forged, Subject: 'Re: a discussion' }, 'Me too'),
      message('news-1', { From: 'news@example.org', To: mailbox, Subject: 'Newsletter' }, 'Nothing to do with it'),
    ];
  });
  afterEach(() => f.t.close());

  it('is declared every 5 minutes only when IMAP_URL is set', () => {
    assert.deepEqual(mailboxJobs({ config: { ...f.t.config, imapUrl: undefined } }).recurring, []);
    const on = mailboxJobs(deps());
    assert.deepEqual(on.recurring, [READ_MAILBOX]);
    assert.equal(READ_MAILBOX.cron, '*/5 * * * *');
    assert.ok(on.handlers['registration.read-mailbox']);
  });

  it('reads the mailbox on each occurrence, records what came of it, and shows the admins', async () => {
    const { handlers, recurring } = mailboxJobs(deps());
    // The next 5-minute mark after the fixture's time, and the runs on it and 5 and 10 minutes on.
    const FIVE = 5 * 60_000;
    const at = (n: number) => new Date((Math.floor(f.t.clock().getTime() / FIVE) + 1) * FIVE + n * FIVE);
    const [t1, t2, t3] = [at(0), at(1), at(2)];
    f.t.clock.set(new Date(t1.getTime() - 60_000));
    await scheduleDueOccurrences(db(), f.t.clock, recurring); // records the first occurrence, 10:05
    assert.equal((await runDueJobs(db(), f.t.clock, handlers)).ran, 0);
    f.t.clock.set(t1);
    assert.equal(await scheduleDueOccurrences(db(), f.t.clock, recurring), 1);
    assert.equal((await runDueJobs(db(), f.t.clock, handlers)).ran, 1);
    assert.deepEqual(opened, [imapUrl]);
    const [first] = await runs();
    assert.deepEqual({ read: first!.read, registered: first!.registered, for_review: first!.for_review, refused: first!.refused, posted: first!.posted, failed: first!.failed, skipped: first!.skipped, error: first!.error }, { read: 4, registered: 1, for_review: 1, refused: 1, posted: 0, failed: 0, skipped: 1, error: null });
    assert.equal(first!.started_at, t1.toISOString());

    // Five minutes on, the same mail (and nothing new): nothing is taken in twice.
    f.t.clock.set(t2);
    await scheduleDueOccurrences(db(), f.t.clock, recurring);
    await runDueJobs(db(), f.t.clock, handlers);
    const second = (await runs())[1]!;
    assert.deepEqual([second.read, second.registered, second.refused, second.skipped], [4, 0, 0, 4]);
    assert.equal((await db().selectFrom('registrations').select('id').execute()).length, 2, 'Jo, and the one waiting for review');

    // The server cannot be reached: recorded with the reason, never the password; the next run tries again.
    reachable = false;
    f.t.clock.set(t3);
    await scheduleDueOccurrences(db(), f.t.clock, recurring);
    assert.equal((await runDueJobs(db(), f.t.clock, handlers)).failed, 0);
    const third = (await runs())[2]!;
    assert.match(third.error ?? '', /connection was refused/);
    assert.doesNotMatch(JSON.stringify(await runs()), /s3cret/);

    const page = await f.admin.get('/admin/review');
    assert.equal(page.statusCode, 200);
    const text = mainText(page.body);
    assert.match(text, /The programme mailbox/);
    assert.match(text, /The latest 3 reads of the mailbox, newest first \(UK time\)/);
    assert.ok(text.includes(`${formatDateTime(t3.toISOString())} 0 0 0 0 0 0 Could not connect`), text);
    assert.ok(text.includes(`${formatDateTime(t1.toISOString())} 4 1 0 1 1 0 None`), text);
  });

  it('records a run that failed for a reason of its own, without its words, and lets the job runner see the error', async () => {
    const failing = async (): Promise<MessageSource> => {
      throw new Error('unexpected at imaps://programme:s3cret@imap.example.org');
    };
    await assert.rejects(readMailbox(db(), f.t.clock, { config: { ...f.t.config, imapUrl }, open: failing }), /unexpected/);
    const [run] = await runs();
    assert.equal(run!.error, UNEXPECTED);
    assert.equal(run!.read, 0);
    assert.doesNotMatch(JSON.stringify(await runs()), /s3cret/);
  });

  describe('remembering where it stopped', () => {
    /** A fake IMAP mailbox with UIDs: fetches by UID after the mark as a server does. */
    let box: { uidValidity: string; messages: { uid: number; raw: Buffer }[]; failAfter?: number; meanwhile?: () => Promise<void> };
    let fetched: number[];
    const imapOpen = async (_source: string, options: OpenOptions): Promise<MessageSource> => {
      const after = options.after;
      const from = after && after.uidValidity === box.uidValidity ? after.uid + 1 : 1;
      let chosen = box.messages.filter((m) => m.uid >= from);
      // A server answers "N:*" past its last UID with the last message.
      if (!chosen.length && box.messages.length) chosen = [box.messages.at(-1)!];
      const { failAfter, meanwhile } = box;
      return {
        total: null,
        uidValidity: box.uidValidity,
        messages: (async function* () {
          for (const [i, m] of chosen.entries()) {
            if (i === 1) await meanwhile?.();
            if (failAfter !== undefined && i >= failAfter) throw new SourceError('The IMAP connection to imap.example.org:993 failed while reading messages: the server did not answer in time. Run the import again to carry on.');
            fetched.push(m.uid);
            yield { source: `imap:INBOX/${m.uid}`, raw: m.raw, uid: m.uid };
          }
        })(),
        close: async () => {},
      };
    };
    const run = async () => {
      fetched = [];
      const r = await readMailbox(db(), f.t.clock, { config: { ...f.t.config, imapUrl }, open: imapOpen });
      return { read: r!.read, registered: r!.registered, skipped: r!.skipped, error: r!.error, fetched };
    };
    const position = () => db().selectFrom('mailbox_positions').selectAll().execute();
    const registrant = (n: number) =>
      message(`new-${n}`, { From: `person${n}@example.org`, To: f.t.config.replyMailbox, Subject: 'SUPPORT WORKFORCE' }, `Name: Person Number${n}\nWhere I work: Airedale NHS Foundation Trust\nType of service: Diagnostic imaging\nJob title: Imaging assistant`);
    const registrations = async () => (await db().selectFrom('registrations').select('id').execute()).length;

    beforeEach(() => {
      box = { uidValidity: '7', messages: inbox.map((raw, i) => ({ uid: 10 + i, raw })) };
    });

    it('reads only the new messages on the next run, and nothing when there are none', async () => {
      assert.deepEqual(await run(), { read: 4, registered: 1, skipped: 1, error: null, fetched: [10, 11, 12, 13] });
      assert.deepEqual((await position()).map((p) => ({ ...p })), [{ mailbox: 'programme@imap.example.org:993/INBOX', uid_validity: '7', last_uid: 13, updated_at: f.t.clock().toISOString() }]);
      assert.doesNotMatch(JSON.stringify(await position()), /s3cret/, 'never the password');
      // Nothing new: the message a server sends back for "14:*" is passed by, not read again.
      assert.deepEqual(await run(), { read: 0, registered: 0, skipped: 0, error: null, fetched: [13] });
      box.messages.push({ uid: 14, raw: registrant(1) }, { uid: 16, raw: registrant(2) });
      assert.deepEqual(await run(), { read: 2, registered: 2, skipped: 0, error: null, fetched: [14, 16] });
      assert.equal((await position())[0]!.last_uid, 16);
      assert.equal(await registrations(), 4);
    });

    it('reads everything again when the mailbox UIDVALIDITY changes, taking nothing in twice', async () => {
      await run();
      box = { uidValidity: '8', messages: [...inbox, registrant(1)].map((raw, i) => ({ uid: 1 + i, raw })) };
      assert.deepEqual(await run(), { read: 5, registered: 1, skipped: 4, error: null, fetched: [1, 2, 3, 4, 5] });
      assert.deepEqual((await position()).map((p) => [p.uid_validity, p.last_uid]), [['8', 5]]);
      assert.equal(await registrations(), 3, 'Jo, the one for review, and the new one: no one twice');
    });

    it('skips nothing when a run fails midway: the next one carries on after the last message stored', async () => {
      box.messages.push({ uid: 14, raw: registrant(1) }, { uid: 15, raw: registrant(2) });
      box.failAfter = 0;
      assert.match((await run()).error ?? '', /failed while reading messages/);
      assert.deepEqual((await position()).map((p) => [p.uid_validity, p.last_uid]), [['7', 0]], 'nothing stored, nothing passed');
      box.failAfter = 4;
      const failed = await run();
      assert.deepEqual(failed.fetched, [10, 11, 12, 13]);
      assert.match(failed.error ?? '', /failed while reading messages/);
      assert.equal(await registrations(), 2, 'the four read were stored');
      assert.equal((await position())[0]!.last_uid, 13, 'up to the last message stored');
      delete box.failAfter;
      assert.deepEqual(await run(), { read: 2, registered: 2, skipped: 0, error: null, fetched: [14, 15] });
      assert.equal(await registrations(), 4);
    });

    it('never puts the mark back when two runs overlap (two instances, or a run longer than five minutes)', async () => {
      box.messages.push({ uid: 14, raw: registrant(1) }, { uid: 15, raw: registrant(2) });
      const key = 'programme@imap.example.org:993/INBOX';
      // While this run is at its second message, another instance reads all six and keeps 15;
      // this run then fails after two, having taken in up to 11.
      box.meanwhile = async () => {
        assert.equal(await saveMailboxPosition(mailboxPositionsDb(db()), key, { uidValidity: '7', uid: 15 }, f.t.clock().toISOString()), true);
      };
      box.failAfter = 2;
      const slow = await run();
      assert.deepEqual(slow.fetched, [10, 11]);
      assert.match(slow.error ?? '', /failed while reading messages/);
      assert.deepEqual((await position()).map((p) => [p.uid_validity, p.last_uid]), [['7', 15]], 'the later mark stands');
      // The same, straight: a lower mark in the same UIDVALIDITY is not kept; a higher one is, and another UIDVALIDITY is.
      const save = (uidValidity: string, uid: number) => saveMailboxPosition(mailboxPositionsDb(db()), key, { uidValidity, uid }, f.t.clock().toISOString());
      assert.equal(await save('7', 12), false);
      assert.equal(await save('7', 15), false, 'the same mark: nothing to write');
      assert.deepEqual((await position()).map((p) => [p.uid_validity, p.last_uid]), [['7', 15]]);
      assert.equal(await save('7', 16), true);
      assert.equal(await save('8', 3), true, 'another UIDVALIDITY: the old mark means nothing');
      assert.deepEqual((await position()).map((p) => [p.uid_validity, p.last_uid]), [['8', 3]]);
    });

    it('keeps a UID past 2^31 (UIDs are 32-bit unsigned) and reads nothing again after it', async () => {
      box.messages = box.messages.map((m, i) => ({ ...m, uid: 4_294_967_292 + i }));
      assert.deepEqual((await run()).fetched, [4_294_967_292, 4_294_967_293, 4_294_967_294, 4_294_967_295]);
      assert.deepEqual((await position()).map((p) => [p.uid_validity, p.last_uid]), [['7', 4_294_967_295]]);
      assert.deepEqual(await run(), { read: 0, registered: 0, skipped: 0, error: null, fetched: [4_294_967_295] });
    });

    it('holds the mark at a message to be tried again, or when the server sends UIDs out of order', () => {
      const after = (steps: [number, boolean][], start: { uidValidity: string; uid: number } | null = { uidValidity: '7', uid: 3 }) => {
        const p = new ReadPosition('7', start);
        for (const [uid, settled] of steps) p.done(uid, settled);
        return p.moved();
      };
      assert.deepEqual(after([[4, true], [5, false], [6, true]]), { uidValidity: '7', uid: 4 }, 'a reply that failed is read again next time');
      assert.deepEqual(after([[4, true], [9, true], [6, true], [10, true]]), { uidValidity: '7', uid: 9 }, 'never past a message not yet read');
      assert.equal(after([[5, false]]), null, 'not moved: nothing to keep');
      assert.deepEqual(after([], { uidValidity: '6', uid: 40 }), { uidValidity: '7', uid: 0 }, 'another UIDVALIDITY: from the start');
      assert.equal(new ReadPosition(undefined, null).moved(), null, 'files have no UIDs');
      assert.ok(new ReadPosition('7', { uidValidity: '7', uid: 3 }).passed(3));
      assert.ok(!new ReadPosition('7', { uidValidity: '7', uid: 3 }).passed(4));
    });

    it('leaves import-mail by hand reading the whole mailbox, and its mark alone', async () => {
      await run();
      fetched = [];
      const summary = await importFromSource(imapUrl, { db: db(), clock: f.t.clock, baseUrl: f.t.config.baseUrl, open: imapOpen });
      assert.deepEqual([summary.read, summary.alreadyImported + summary.notRelevant, fetched], [4, 4, [10, 11, 12, 13]]);
      assert.equal((await position())[0]!.last_uid, 13);
    });
  });

  it('does nothing without IMAP_URL', async () => {
    assert.equal(await readMailbox(db(), f.t.clock, { config: { ...f.t.config, imapUrl: undefined }, open }), null);
    assert.deepEqual(opened, []);
  });
});
