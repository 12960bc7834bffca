// The command line, run as a newcomer would: a fresh SQLite file, real processes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createDataAccess } from './platform/db/database.ts';
import { enqueueMail } from './platform/mail/outbox.ts';
import { systemClock } from './platform/time.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../test/helpers/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'coproduce-cli-'));
const env: Record<string, string | undefined> = { PATH: process.env.PATH, LOG_LEVEL: 'silent' };
let pgDatabase: TestData | null = null;
let databases = 0;
const run = (...args: string[]) => spawnSync(process.execPath, ['src/main.ts', ...args], { env, encoding: 'utf8', timeout: 30_000 });
const runWith = (extra: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, ['src/main.ts', ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 30_000 });
const PRODUCTION = { NODE_ENV: 'production', BASE_URL: 'https://coproduce.example.org', SESSION_SECRET: 'cli-test-secret-cli-test-secret-cli-test' };

/** `serve` as a real process: resolves once it says where it is running (or fails after 60 s). */
async function startServe(extra: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts', 'serve'], { env: { ...env, ...extra, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && !out.includes('running at') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(out, /running at/, `serve did not start: ${err}`);
  // The rest of what it prints comes in the same write, just after.
  await new Promise((r) => setTimeout(r, 100));
  return {
    port,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('node src/main.ts', () => {
  // Each test's commands get an empty database of their own: a new SQLite file, or on PostgreSQL
  // a throwaway database (created empty, dropped after).
  beforeEach(async () => {
    if (TEST_ENGINE === 'postgres') {
      pgDatabase = await createTestDatabase({ migrate: false });
      env.DATABASE_URL = pgDatabase.url;
    } else env.DATABASE_URL = `sqlite:${join(dir, `cli-${++databases}.sqlite`)}`;
  });
  afterEach(async () => {
    await pgDatabase?.close();
    pgDatabase = null;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists every command', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    for (const c of ['serve', 'migrate', 'seed', 'create-admin', 'import-mail']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  });

  it('-h and no command at all print the same help, and exit 0', () => {
    const help = run('--help').stdout;
    for (const args of [['-h'], [], ['create-admin', '--help']]) {
      const r = run(...args);
      assert.equal(r.status, 0, `node src/main.ts ${args.join(' ')}`);
      assert.equal(r.stdout, help);
    }
  });

  it('help and an unknown command answer without reading the settings', () => {
    // A broken setting stops every real command, but not these.
    const help = runWith({ PORT: 'not-a-port' }, '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: node src\/main.ts <command>/);
    const unknown = runWith({ PORT: 'not-a-port' }, 'explode');
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stdout, '');
    assert.equal(unknown.stderr, 'Unknown command "explode". Run node src/main.ts --help\n');
    // "toString" is no command, even though every object has one.
    assert.equal(run('toString').status, 1);
  });

  it('a wrong setting stops a command with one line naming it, and exit code 1', () => {
    const r = runWith({ PORT: 'not-a-port' }, 'migrate');
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /PORT/);
    const production = runWith({ NODE_ENV: 'production' }, 'migrate');
    assert.equal(production.status, 1);
    assert.match(production.stderr, /SESSION_SECRET|BASE_URL/);
  });

  it('migrates, seeds once, and refuses an unknown command', () => {
    assert.match(run('migrate').stdout, /Applied 001-foundation/);
    assert.match(run('migrate').stdout, /up to date/);
    assert.match(run('seed').stdout, /Loaded the demo programme/);
    assert.match(run('seed').stdout, /already exists/);
    const bad = run('explode');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Unknown command "explode"/);
  });

  it('outside production, seed loads registrations in every status, emails to review and a participant in a sub-group, once', async () => {
    assert.equal(run('seed').status, 0);
    const data = createDataAccess(env.DATABASE_URL!);
    try {
      const db = data.db;
      const count = async () => Number((await db.selectFrom('registrations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const statuses = new Set((await db.selectFrom('registrations').select('status').distinct().execute()).map((r) => r.status));
      assert.deepEqual([...statuses].sort(), ['accepted', 'declined', 'needs_review', 'new', 'unconfirmed', 'waitlisted', 'withdrawn']);
      const channels = new Set((await db.selectFrom('registrations').select('channel').distinct().execute()).map((r) => r.channel));
      assert.deepEqual([...channels].sort(), ['email', 'web']);
      const review = await db.selectFrom('mail_imports').select(['registration_id', 'problem']).where('outcome', '=', 'needs_review').execute();
      assert.ok(review.length >= 3, 'the review queue has items');
      assert.ok(review.some((r) => r.registration_id === null && /on behalf/i.test(r.problem ?? '')), 'one of them sent on someone’s behalf');
      // Real history: the accepted were confirmed by their owners, then accepted by the team, who wrote the audit log.
      const events = new Set((await db.selectFrom('registration_events').select('action').distinct().execute()).map((e) => e.action));
      for (const action of ['created', 'confirmed', 'accepted', 'waitlisted', 'declined', 'withdrawn']) assert.ok(events.has(action), `history has “${action}”`);
      assert.ok((await db.selectFrom('audit_events').select('id').execute()).length > 0);
      const groups = await db
        .selectFrom('subgroup_members')
        .innerJoin('people', 'people.id', 'subgroup_members.person_id')
        .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
        .select('subgroups.name')
        .where('people.email', '=', 'participant@example.org')
        .execute();
      assert.ok(groups.length > 0, 'participant@example.org is in a sub-group, so /my shows something');
      const jo = await db.selectFrom('registrations').select('status').where('email', '=', 'participant@example.org').executeTakeFirstOrThrow();
      assert.equal(jo.status, 'accepted');
      const projects = await db.selectFrom('project_members').select('project_id').distinct().execute();
      assert.equal(projects.length, 2, 'participants in both projects');
      const subgroups = await db.selectFrom('subgroup_members').select('subgroup_id').distinct().execute();
      assert.ok(subgroups.length >= 2, 'in two or more sub-groups');
      // Dated over the past few weeks, none in the future.
      const dates = await db.selectFrom('registrations').select('created_at').execute();
      const ages = dates.map((d) => (Date.now() - Date.parse(d.created_at)) / 86_400_000);
      assert.ok(Math.min(...ages) >= 0 && Math.max(...ages) > 14 && Math.max(...ages) < 60);

      const before = await count();
      assert.ok(before >= 20);
      assert.match(run('seed').stdout, /already exists/);
      assert.equal(await count(), before, 'seeding again adds nothing');
    } finally {
      await data.close();
    }
  });

  it('create-admin prints a single-use sign-in URL on a line of its own', () => {
    const r = run('create-admin', '--email', 'Lead@Example.org', '--name', 'Lead Person');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.split('\n').some((line) => /^http:\/\/localhost:3000\/sign-in\/[A-Za-z0-9_-]{40,}$/.test(line)));
    const missing = run('create-admin', '--email', 'not-an-email');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /create-admin: --email must be an email address/);
  });

  it('import-mail reads a folder and prints a summary; a bad source is one clear line', () => {
    const mail = join(dir, 'mail');
    spawnSync('mkdir', [mail]);
    writeFileSync(join(mail, 'one.eml'), ['Message-ID: <cli-1@example.org>', 'From: Jo <jo@example.org>', 'Subject: SUPPORT WORKFORCE', 'Content-Type: text/plain', '', 'Name: Jo Bloggs\r\nWorkplace: Example Trust\r\nService: CT\r\nJob title: CSW'].join('\r\n'));
    assert.equal(run('seed').status, 0, 'a programme to register people for');
    const r = run('import-mail', mail);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Read 1 message:/);
    assert.match(r.stdout, /1 new registrations/);
    assert.match(run('import-mail', mail).stdout, /1 already imported/);
    const bad = run('import-mail', join(dir, 'nope'));
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /no such file or folder/);
  });

  it('serve answers /health, and on SIGTERM finishes and exits cleanly', async () => {
    const server = await startServe({});
    assert.match(server.output(), new RegExp(`running at http://localhost:${server.port}`));
    assert.match(server.output(), /\/sign-in\/[A-Za-z0-9_-]+/, 'prints a sign-in link for the demo admin');
    assert.doesNotMatch(server.output(), /No administrator yet/);
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'ok' });
    assert.equal(await server.stop(), 0);
  });

  it('serve runs the job runner: mail waiting in the outbox goes out within seconds, housekeeping is scheduled hourly and the digests daily and weekly, and SIGTERM stops it cleanly', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        stream.resume();
        stream.on('end', () => {
          received.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    try {
      const server = await startServe({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
      const data = createDataAccess(env.DATABASE_URL!);
      try {
        // Queued by another process (as import-mail does): the runner's five-second mail job sends it.
        await enqueueMail(data.db, { to: 'jobs-check@example.org', subject: 'Runner check', text: 'Sent by the mail job.' }, systemClock);
        const queuedAt = Date.now();
        while (!received.includes('jobs-check@example.org') && Date.now() - queuedAt < 20_000) await new Promise((r) => setTimeout(r, 100));
        assert.ok(received.includes('jobs-check@example.org'), 'the email was sent');
        assert.ok(Date.now() - queuedAt < 15_000, `within seconds (took ${Date.now() - queuedAt} ms)`);
        const schedules = await data.db.selectFrom('job_schedules').select(['name', 'cron', 'next_at']).orderBy('name').execute();
        assert.deepEqual(schedules.map((s) => [s.name, s.cron]), [['digest-daily', '0 7 * * *'], ['digest-weekly', '0 7 * * 1'], ['housekeeping', '0 * * * *'], ['mail', '*/5 * * * * *']]);
        const housekeeping = new Date(schedules.find((s) => s.name === 'housekeeping')!.next_at);
        assert.equal(housekeeping.getUTCMinutes(), 0, 'at the top of an hour');
        assert.ok(housekeeping.getTime() - Date.now() <= 3600_000);
      } finally {
        await data.close();
      }
      assert.equal(await server.stop(), 0);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('in production, serve on an empty database loads the programme but no demo people; create-admin is the way in', async () => {
    // An empty database of its own: a new SQLite file, or a new PostgreSQL database.
    const pg = TEST_ENGINE === 'postgres' ? await createTestDatabase({ migrate: false }) : null;
    const url = pg?.url ?? `sqlite:${join(dir, 'production.sqlite')}`;
    const production = { ...PRODUCTION, DATABASE_URL: url };
    try {
      const first = await startServe(production);
      assert.match(first.output(), /running at https:\/\/coproduce\.example\.org/);
      assert.doesNotMatch(first.output(), /\/sign-in\//, 'no sign-in link for anyone');
      assert.match(first.output(), /No administrator yet: run node src\/main\.ts create-admin --email E --name N/);
      const home = await fetch(`http://127.0.0.1:${first.port}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /Radiography support workforce programme/, 'the programme is there');
      assert.equal(await first.stop(), 0);

      const data = createDataAccess(url);
      try {
        assert.deepEqual(await data.db.selectFrom('people').select('email').execute(), [], 'no demo people, admin@example.org included');
        assert.equal((await data.db.selectFrom('registrations').select('id').execute()).length, 0, 'no invented registrations');
        assert.equal((await data.db.selectFrom('mail_imports').select('id').execute()).length, 0, 'nothing to review');
        assert.equal((await data.db.selectFrom('outbox').select('id').execute()).length, 0, 'no emails');
        assert.equal((await data.db.selectFrom('programmes').select('id').execute()).length, 1);
        assert.ok((await data.db.selectFrom('aims').select('id').execute()).length > 0, 'with its aims');
      } finally {
        await data.close();
      }
      const seed = runWith(production, 'seed');
      assert.equal(seed.status, 0, seed.stderr);
      assert.match(seed.stdout, /already exists/);

      const admin = runWith(production, 'create-admin', '--email', 'lead@nhs.example', '--name', 'Programme Lead');
      assert.equal(admin.status, 0, admin.stderr);
      assert.ok(admin.stdout.split('\n').some((line) => /^https:\/\/coproduce\.example\.org\/sign-in\/[A-Za-z0-9_-]{40,}$/.test(line)));
      const second = await startServe(production);
      assert.doesNotMatch(second.output(), /No administrator yet/);
      assert.equal(await second.stop(), 0);
    } finally {
      await pg?.close();
    }
  });

  it('in production, seed loads the programme without the demo people', async () => {
    const pg = TEST_ENGINE === 'postgres' ? await createTestDatabase({ migrate: false }) : null;
    const url = pg?.url ?? `sqlite:${join(dir, 'production-seed.sqlite')}`;
    try {
      // Someone who happens to have a demo address keeps their account.
      const admin = runWith({ ...PRODUCTION, DATABASE_URL: url }, 'create-admin', '--email', 'observer@example.org', '--name', 'Real Person');
      assert.equal(admin.status, 0, admin.stderr);
      const r = runWith({ ...PRODUCTION, DATABASE_URL: url }, 'seed');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /without the demo people/);
      const data = createDataAccess(url);
      try {
        assert.deepEqual((await data.db.selectFrom('people').select(['email', 'name', 'role']).execute()).map((p) => ({ ...p })), [{ email: 'observer@example.org', name: 'Real Person', role: 'admin' }]);
        assert.equal((await data.db.selectFrom('programmes').select('id').execute()).length, 1);
        assert.equal((await data.db.selectFrom('registrations').select('id').execute()).length, 0, 'no invented registrations');
        assert.equal((await data.db.selectFrom('mail_imports').select('id').execute()).length, 0, 'nothing to review');
        assert.equal((await data.db.selectFrom('subgroups').select('id').execute()).length, 0, 'no sub-groups');
      } finally {
        await data.close();
      }
    } finally {
      await pg?.close();
    }
  });
});
