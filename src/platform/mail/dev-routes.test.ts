import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestApp } from '../../../test/helpers/app.ts';

describe('the development mail page', () => {
  it('is served on a loopback HOST, and not at all when the server is open to the network', async () => {
    for (const [env, status] of [[{}, 200], [{ HOST: '0.0.0.0' }, 404], [{ HOST: '0.0.0.0', DEV_MAIL: 'on' }, 200], [{ SMTP_URL: 'smtp://127.0.0.1:1' }, 404]] as const) {
      const t = await createTestApp({ env: { ...env } });
      try {
        assert.equal((await t.app.inject({ url: '/dev/mail', headers: { accept: 'text/html' } })).statusCode, status, JSON.stringify(env));
      } finally {
        await t.close();
      }
    }
  });
});
