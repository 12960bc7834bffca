import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { seedDemoProgramme } from '../programme/seed.ts';

describe('public pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await seedDemoProgramme(t.data.db, t.clock);
  });
  after(() => t.close());

  it('home presents the demo programme: projects, seven aims, ways to take part, deadline', async () => {
    const res = await t.client().get('/');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Radiography support workforce programme');
    assert.equal((res.body.match(/<strong>Aim \d:/g) ?? []).length, 7);
    assert.match(res.body, /Roles, responsibilities and safe delegation/);
    assert.match(res.body, /Education, training and careers/);
    assert.match(res.body, /Virtual meetings/);
    assert.match(res.body, /Commenting on draft resources/);
    assert.match(res.body, /Registration of interest is open until the end of <strong>21 April 2026<\/strong> \(43 days left\)/);
    assert.match(res.body, /21 June 2024/, 'the announced deadline stays in the timeline');
  });

  for (const [path, heading] of [
    ['/privacy', 'Privacy notice'],
    ['/accessibility', 'Accessibility statement'],
    ['/cookies', 'Cookies'],
    ['/contact', 'Contact the programme team'],
  ]) {
    it(`${path} is a real page linked from the footer`, async () => {
      const res = await t.client().get(path!);
      assert.equal(res.statusCode, 200);
      assert.equal(h1(res.body), heading);
      assert.match(res.body, new RegExp(`class="govuk-footer__link" href="${path}"`));
    });
  }

  it('sends a strict Content-Security-Policy and no inline script', async () => {
    const res = await t.client().get('/');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script is external');
    assert.doesNotMatch(res.body, /\sstyle="/);
  });

  it('has no GOV.UK crown, logo or GDS Transport font', async () => {
    const res = await t.client().get('/');
    assert.doesNotMatch(res.body, /govuk-logo|crown|GOV\.UK/i);
    const css = await t.client().get(/href="(\/assets\/build\/app-[^"]+\.css)"/.exec(res.body)?.[1] ?? '/missing');
    assert.equal(css.statusCode, 200);
    assert.doesNotMatch(css.body, /GDS Transport/);
    assert.match(String(css.headers['cache-control']), /max-age=31536000.*immutable|immutable.*max-age=31536000/);
  });

  it('compresses responses for clients that accept it', async () => {
    const res = await t.client().request({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
  });
});

describe('errors and health', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({
      routes: (app) =>
        app.get('/__test/boom', () => {
          throw new Error('secret internals');
        }),
    });
  });
  after(() => t.close());

  it('answers 404 with a page, not a stack trace', async () => {
    const res = await t.client().get('/no-such-page');
    assert.equal(res.statusCode, 404);
    assert.equal(h1(res.body), 'Page not found');
  });

  it('answers 500 with a page that reveals nothing', async () => {
    const res = await t.client().get('/__test/boom');
    assert.equal(res.statusCode, 500);
    assert.equal(h1(res.body), 'Sorry, there is a problem with the service');
    assert.doesNotMatch(res.body, /secret internals|at .*\.ts:\d+/);
  });

  it('refuses an oversized body with 413', async () => {
    const c = await t.signedIn('admin');
    const token = await c.csrfToken('/admin/people/new');
    const res = await c.post('/admin/people/new', { name: 'x'.repeat(300 * 1024), email: 'a@example.org', role: 'admin' }, token);
    assert.equal(res.statusCode, 413);
  });

  it('GET /health answers JSON and checks the database', async () => {
    const res = await t.client().request({ method: 'GET', url: '/health', headers: { accept: 'application/json' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: 'ok' });
  });
});
