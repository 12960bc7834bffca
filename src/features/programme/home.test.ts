// The home page as visitors get it: one cached page for everyone signed out, a page of their own
// (never stored by the browser) for everyone signed in.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';

describe('home page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
  });
  afterEach(() => t.close());

  it('is the same page, with the same security headers, for every visitor who is signed out', async () => {
    const first = await t.client().get('/');
    const second = await t.client().get('/?from=elsewhere');
    assert.equal(first.statusCode, 200);
    assert.equal(second.body, first.body);
    assert.equal(first.headers['content-type'], 'text/html; charset=utf-8');
    for (const res of [first, second]) {
      assert.equal(res.headers['set-cookie'], undefined, 'no cookie for a visitor who is signed out');
      assert.notEqual(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    }
    assert.match(first.body, /href="\/register"/, 'signed-out navigation');
  });

  it('counts the days left by the London date, also when the clock goes back', async () => {
    const daysLeft = async () => /\((\d+) days left\)/.exec((await t.client().get('/')).body)?.[1];
    t.clock.set('2026-03-10T23:59:59Z');
    assert.equal(await daysLeft(), '43');
    t.clock.set('2026-03-11T00:00:00Z');
    assert.equal(await daysLeft(), '42');
    t.clock.set('2026-03-10T12:00:00Z');
    assert.equal(await daysLeft(), '43');
  });

  it('is rendered for each person who is signed in, and never stored by the browser', async () => {
    const participant = await t.signedIn('participant');
    const mine = await participant.get('/');
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.headers['cache-control'], 'no-store');
    assert.match(mine.body, /href="\/my"/, 'their own navigation');
    assert.match(String(mine.headers['content-security-policy']), /default-src 'self'/);
    // The page cached for visitors who are signed out is untouched by it.
    const anonymous = await t.client().get('/');
    assert.doesNotMatch(anonymous.body, /href="\/my"/);
    assert.match(anonymous.body, /href="\/register"/);
  });

  it('is compressed for clients that accept it, and the same page once decompressed', async () => {
    const { gunzipSync } = await import('node:zlib');
    const plain = await t.client().get('/');
    const gzipped = await t.client().request({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzipped.rawPayload).toString('utf8'), plain.body);
  });
});
