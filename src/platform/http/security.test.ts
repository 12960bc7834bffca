import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';

describe('security headers', () => {
  let t: TestApp;
  before(async () => (t = await createTestApp({ seed: true })));
  after(() => t.close());

  it('are on every response, pages, errors and health alike, with the strict policy', async () => {
    for (const url of ['/', '/', '/no-such-page', '/health', '/sign-in']) {
      const res = await t.app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(res.headers['content-security-policy'], "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none';object-src 'none'", url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'same-origin');
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
      assert.equal(res.headers['x-powered-by'], undefined);
    }
  });
});
