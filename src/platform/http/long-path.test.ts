// An address with a path part longer than any the site makes, or one the router cannot read, is
// a page that does not exist: an HTML not-found page, never the router's bare JSON error.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

it('answers a very long path part and a malformed address with an HTML not-found page', async () => {
  for (const path of [`/admin/registrations/${'1'.repeat(150)}`, `/admin/registrations/${'1'.repeat(400)}`, `/unsubscribe/${'a'.repeat(150)}`, '/%E0%A4%A']) {
    const res = await t.client().get(path);
    assert.equal(res.statusCode, 404, path);
    assert.match(String(res.headers['content-type']), /^text\/html/, path);
    assert.match(res.body, /Page not found|unsubscribe link does not work/, path);
    assert.doesNotMatch(res.body, /FST_ERR/, path);
  }
});
