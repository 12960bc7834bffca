// Sign-in rate limits cannot be walked around: X-Forwarded-For counts only when TRUST_PROXY says
// which proxies write it, and one email address gets only so many links whatever the client address.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { ACCOUNT_SIGN_IN_LIMIT } from './routes.ts';

const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 'a-production-secret-of-at-least-32-characters' };

async function appWith(env: Record<string, string>): Promise<TestApp> {
  return createTestApp({
    env: { ...PRODUCTION, ...env },
    routes: (app) => app.get('/test-only/ip', async (request) => ({ ip: request.ip })),
  });
}

/** POSTs /sign-in for email, from the socket address `from`, with the given X-Forwarded-For. */
async function askForLink(t: TestApp, email: string, from: string, forwardedFor?: string): Promise<number> {
  const c = t.client();
  const token = await c.csrfToken();
  const res = await c.request({
    method: 'POST',
    url: '/sign-in',
    remoteAddress: from,
    payload: new URLSearchParams({ email, _csrf: token }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
  });
  return res.statusCode;
}

async function ipSeen(t: TestApp, from: string, forwardedFor: string): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/test-only/ip', remoteAddress: from, headers: { 'x-forwarded-for': forwardedFor } });
  return (res.json() as { ip: string }).ip;
}

describe(`sign-in rate limits behind proxies on ${TEST_ENGINE}`, () => {
  it('ignores X-Forwarded-For without TRUST_PROXY, even in production: rotating it does not get past the limit', async () => {
    const t = await appWith({});
    try {
      assert.equal(await ipSeen(t, '203.0.113.9', '198.51.100.1'), '203.0.113.9');
      const codes: number[] = [];
      for (let i = 1; i <= 6; i++) codes.push(await askForLink(t, 'target@example.org', '203.0.113.9', `198.51.100.${i}`));
      assert.deepEqual(codes, [302, 302, 302, 302, 302, 429]);
    } finally {
      await t.close();
    }
  });

  it('with TRUST_PROXY=1 uses the right-most X-Forwarded-For hop (what the proxy saw), not what the client wrote', async () => {
    const t = await appWith({ TRUST_PROXY: '1' });
    try {
      assert.equal(await ipSeen(t, '10.0.0.2', '6.6.6.6, 192.0.2.44'), '192.0.2.44');
      const codes: number[] = [];
      // The client writes its own (rotating) left part; the proxy appends the address it saw.
      for (let i = 1; i <= 6; i++) codes.push(await askForLink(t, 'target@example.org', '10.0.0.2', `198.51.100.${i}, 192.0.2.44`));
      assert.deepEqual(codes, [302, 302, 302, 302, 302, 429]);
      // Someone else behind the same proxy is a different client.
      assert.equal(await askForLink(t, 'target@example.org', '10.0.0.2', '192.0.2.45'), 302);
    } finally {
      await t.close();
    }
  });

  it('with TRUST_PROXY as addresses, trusts X-Forwarded-For only from those proxies', async () => {
    const t = await appWith({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' });
    try {
      assert.equal(await ipSeen(t, '10.1.2.3', '6.6.6.6, 192.0.2.44'), '192.0.2.44');
      assert.equal(await ipSeen(t, '192.168.1.1', '192.0.2.45'), '192.0.2.45');
      assert.equal(await ipSeen(t, '203.0.113.9', '192.0.2.44'), '203.0.113.9', 'an untrusted sender is taken at its own address');
    } finally {
      await t.close();
    }
  });

  it(`sends one email address at most ${ACCOUNT_SIGN_IN_LIMIT.max} links whatever the client addresses`, async () => {
    const t = await appWith({});
    try {
      const codes: number[] = [];
      for (let i = 1; i <= ACCOUNT_SIGN_IN_LIMIT.max + 1; i++) codes.push(await askForLink(t, i % 2 ? 'Target@Example.org' : 'target@example.org', `203.0.113.${i}`));
      assert.deepEqual(codes, [...Array<number>(ACCOUNT_SIGN_IN_LIMIT.max).fill(302), 429]);
      // Another address is unaffected.
      assert.equal(await askForLink(t, 'someone-else@example.org', '203.0.113.200'), 302);
    } finally {
      await t.close();
    }
  });
});
