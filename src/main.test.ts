// The command line, run as a newcomer would: a fresh SQLite file, real processes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../test/helpers/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'coproduce-cli-'));
const env: Record<string, string | undefined> = { PATH: process.env.PATH, DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}`, LOG_LEVEL: 'silent' };
let pgDatabase: TestData | null = null;
const run = (...args: string[]) => spawnSync(process.execPath, ['src/main.ts', ...args], { env, encoding: 'utf8', timeout: 30_000 });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('node src/main.ts', () => {
  // On PostgreSQL the commands get a throwaway database of their own (created empty, dropped after).
  before(async () => {
    if (TEST_ENGINE === 'postgres') {
      pgDatabase = await createTestDatabase({ migrate: false });
      env.DATABASE_URL = pgDatabase.url;
    }
  });
  after(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help lists every command', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    for (const c of ['serve', 'migrate', 'seed', 'create-admin', 'import-mail']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
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
    const port = await freePort();
    const child = spawn(process.execPath, ['src/main.ts', 'serve'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100 && !out.includes('running at'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, new RegExp(`running at http://localhost:${port}`));
    assert.match(out, /\/sign-in\/[A-Za-z0-9_-]+/, 'prints a sign-in link for the demo admin');
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
