import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.databaseUrl, 'sqlite:data/coproduce.sqlite');
    assert.equal(c.baseUrl, 'http://localhost:3000');
    assert.equal(c.secureCookies, true, 'localhost accepts Secure cookies');
  });

  it('takes PostgreSQL timeouts as DATABASE_URL parameters', () => {
    const url = 'postgres://u@h:5432/db?connect_timeout=3&statement_timeout=20000';
    assert.equal(loadConfig({ DATABASE_URL: url }).databaseUrl, url);
  });

  it('trusts no proxy unless TRUST_PROXY says which, in every NODE_ENV', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ NODE_ENV: 'production', BASE_URL: 'https://c.example.org', SESSION_SECRET: 'x'.repeat(32) }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1,::1' }).trustProxy, ['10.0.0.0/8', '192.168.1.1', '::1']);
  });

  it('keeps sent mail bodies 7 days unless OUTBOX_BODY_RETENTION_DAYS says otherwise', () => {
    assert.equal(loadConfig({}).outboxBodyRetentionDays, 7);
    assert.equal(loadConfig({ OUTBOX_BODY_RETENTION_DAYS: '30' }).outboxBodyRetentionDays, 30);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ OUTBOX_BODY_RETENTION_DAYS: 'a week' }, /Configuration error: OUTBOX_BODY_RETENTION_DAYS must be a whole number of days/],
    [{ OUTBOX_BODY_RETENTION_DAYS: '-1' }, /Configuration error: OUTBOX_BODY_RETENTION_DAYS must be a whole number of days/],
    [{ TRUST_PROXY: 'true' }, /Configuration error: TRUST_PROXY must be a number of proxy hops/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /Configuration error: TRUST_PROXY /],
    [{ TRUST_PROXY: 'proxy.internal' }, /Configuration error: TRUST_PROXY /],
    [{ PORT: 'eighty' }, /Configuration error: PORT /],
    [{ PORT: '70000' }, /Configuration error: PORT /],
    [{ DATABASE_URL: 'mysql://x' }, /Configuration error: DATABASE_URL must be sqlite:PATH or postgres/],
    [{ DATABASE_URL: 'postgres://u@h/db?statement_timeout=soon' }, /Configuration error: DATABASE_URL connect_timeout must be 1 to 600 \(seconds\) and statement_timeout 100 to 3600000 \(milliseconds\)$/],
    [{ DATABASE_URL: 'postgres://u@h/db?connect_timeout=0' }, /Configuration error: DATABASE_URL connect_timeout must be 1 to 600 /],
    [{ SMTP_URL: 'http://mail' }, /Configuration error: SMTP_URL /],
    [{ BASE_URL: 'not a url' }, /Configuration error: BASE_URL /],
    [{ LOG_LEVEL: 'loud' }, /Configuration error: LOG_LEVEL /],
    [{ SESSION_SECRET: 'short' }, /Configuration error: SESSION_SECRET must be at least 32 characters/],
    [{ NODE_ENV: 'production', BASE_URL: 'https://coproduce.example.org' }, /Configuration error: SESSION_SECRET is required in production/],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), message);
    });
  }

  it('stops start-up with one clear line naming the setting', () => {
    const run = spawnSync(process.execPath, ['src/main.ts', 'serve'], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^Configuration error: PORT must be a port number/);
  });

  it('needs SESSION_SECRET in production, and starts nothing without it', () => {
    const run = spawnSync(process.execPath, ['src/main.ts', 'migrate'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', BASE_URL: 'https://c.example.org', DATABASE_URL: 'sqlite::memory:' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), 'Configuration error: SESSION_SECRET is required in production');
  });

  it('shows /dev/mail only on a loopback HOST, never with SMTP_URL or in production (DEV_MAIL overrides the HOST rule)', () => {
    const prod = { NODE_ENV: 'production', BASE_URL: 'https://c.example.org', SESSION_SECRET: 'x'.repeat(32) };
    assert.equal(loadConfig({}).devMail, true, 'npm start as a newcomer runs it');
    assert.equal(loadConfig({ HOST: '127.0.0.1' }).devMail, true);
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).devMail, false, 'open to the network');
    assert.equal(loadConfig({ HOST: '192.0.2.10' }).devMail, false);
    assert.equal(loadConfig({ HOST: '0.0.0.0', DEV_MAIL: 'on' }).devMail, true);
    assert.equal(loadConfig({ DEV_MAIL: 'off' }).devMail, false);
    assert.equal(loadConfig({ SMTP_URL: 'smtp://mail.example.org', DEV_MAIL: 'on' }).devMail, false);
    assert.equal(loadConfig({ ...prod, HOST: 'localhost', DEV_MAIL: 'on' }).devMail, false);
    assert.throws(() => loadConfig({ DEV_MAIL: 'yes' }), /DEV_MAIL must be on or off/);
  });
});
