import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, TestClient, type TestApp } from '../../../test/helpers/app.ts';
import { upsertPerson } from '../../platform/auth/people.ts';
import { IDLE_MINUTES, ABSOLUTE_DAYS } from '../../platform/auth/sessions.ts';
import { issueSignInLink } from '../../platform/auth/sign-in.ts';
import { DRAFT_HOURS } from '../registration/service.ts';
import { seedDemoProgramme } from '../programme/seed.ts';

describe('public pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await seedDemoProgramme(t.data.db, t.clock);
  });
  afterEach(() => t.close());

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
    assert.match(res.body, /21 April 2026<\/th>\s*<td class="govuk-table__cell">Last day to register interest/, 'the timeline gives the window’s last day');
    assert.doesNotMatch(res.body, /\d{1,2} [A-Z][a-z]+ 202[45]/, 'no date from before the first start');
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

/** The cookie names the cookies page lists, in its table's first column. */
function cookiesListed(html: string): string[] {
  const table = /<table[^>]*data-cookie-table[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<th scope="row"[^>]*>\s*([^<]+?)\s*<\/th>/g)].map((m) => m[1]!);
}

/** A client that notes the name of every cookie the site sets. */
function cookieCollector(t: TestApp) {
  const client = t.client();
  const names = new Set<string>();
  const request = client.request.bind(client);
  client.request = async (options) => {
    const res = await request(options);
    for (const c of res.cookies as { name: string; value: string }[]) if (c.value !== '') names.add(c.name);
    return res;
  };
  return { client, names };
}

async function walkTheSite(t: TestApp, client: TestClient): Promise<void> {
  // Pages without a form, and a form page (the sign-in page, which gets a CSRF cookie).
  for (const path of ['/', '/privacy', '/cookies', '/register', '/sign-in']) assert.equal((await client.get(path)).statusCode, 200, path);
  // Signing in, as the emailed link does.
  const { person } = await upsertPerson(t.data.db, { email: 'cookie.walker@example.org', name: 'Casey Walker', role: 'admin' }, t.clock);
  assert.equal((await client.submit('/sign-in', { email: 'cookie.walker@example.org' })).statusCode, 302);
  const link = await issueSignInLink(t.data.db, person.id, t.config.baseUrl, t.clock);
  const path = new URL(link).pathname;
  assert.equal((await client.submit(path, {}, path)).statusCode, 302);
  // An admin form page, and a change whose confirmation comes on the next page (the flash message).
  assert.equal((await client.get('/admin/people/new')).statusCode, 200);
  const project = await t.data.db.selectFrom('projects').select('id').orderBy('id').executeTakeFirstOrThrow();
  assert.equal((await client.submit(`/admin/projects/${project.id}/subgroups`, { name: 'Cookie walkers', description: '' }, `/admin/projects/${project.id}`)).statusCode, 302);
  assert.match((await client.get(`/admin/projects/${project.id}`)).body, /Sub-group created/);
  // Then the first step of the registration journey.
  assert.equal((await client.submit('/register/name', { fullName: 'Casey Walker' }, '/register/name')).statusCode, 302);
  assert.equal((await client.get('/register/email')).statusCode, 200);
}

for (const [label, env] of [
  ['with Secure __Host- cookies (https, production, or localhost)', {}],
  ['with plain cookies (plain http off this machine)', { BASE_URL: 'http://coproduce.internal:3000' }],
] as const) {
  describe(`the cookies page names every cookie the site sets, ${label}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp({ seed: true, env });
    });
    afterEach(() => t.close());

    it('lists exactly the cookies set by signing in, a registration step and a form page', async () => {
      const { client, names } = cookieCollector(t);
      await walkTheSite(t, client);
      const listed = cookiesListed((await t.client().get('/cookies')).body);
      assert.equal(listed.length, 4, 'the session, CSRF, registration and message cookies');
      assert.deepEqual([...names].sort(), [...listed].sort());
      const prefix = t.config.secureCookies ? '__Host-' : '';
      assert.ok(listed.every((n) => n.startsWith(`${prefix}coproduce-`)), listed.join(', '));
    });

    it('gives each cookie its purpose and a lifetime that matches the service', async () => {
      const page = (await t.client().get('/cookies')).body;
      assert.match(page, new RegExp(`after ${IDLE_MINUTES / 60} hours without using the service, or ${ABSOLUTE_DAYS} days after you signed in`));
      assert.match(page, new RegExp(`Answers you never sent are deleted after ${DRAFT_HOURS} hours`));
      assert.match(page, /Stops other websites sending forms in your name/);
      // Every cookie but the one-minute message is a browser-session cookie: none is given a lifetime of its own.
      const { client } = cookieCollector(t);
      const res = await client.get('/sign-in');
      assert.doesNotMatch(String(res.headers['set-cookie']), /max-age|expires=(?!Thu, 01 Jan 1970)/i);
    });
  });
}

describe('the privacy notice and accessibility statement say what the service does', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
  });
  afterEach(() => t.close());

  it('privacy: sub-group members see each other’s names; erasure is asked of the team, by email', async () => {
    const page = (await t.client().get('/privacy')).body;
    assert.match(page, /the other members of that sub-group see your name, and you see theirs/);
    assert.doesNotMatch(page, /Only the programme team/);
    assert.match(page, /Deleting your data is not available in the service yet/);
    assert.match(page, /href="mailto:supportworkforce@example.org"/);
    assert.match(page, /href="\/cookies"/);
  });

  it('accessibility: compliance status, known issues and when it was prepared and reviewed', async () => {
    const page = (await t.client().get('/accessibility')).body;
    assert.match(page, /<h2 class="govuk-heading-m">Compliance status<\/h2>/);
    assert.match(page, /partially compliant with the <a[^>]*>Web Content Accessibility Guidelines version 2.2<\/a> AA standard/);
    assert.match(page, /<h2 class="govuk-heading-m">Non-accessible content<\/h2>/);
    assert.match(page, /This statement was prepared on \d{1,2} \w+ \d{4}\. It was last reviewed on \d{1,2} \w+ \d{4}\./);
  });
});

describe('errors and health', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({
      routes: (app) =>
        app.get('/__test/boom', () => {
          throw new Error('secret internals');
        }),
    });
  });
  afterEach(() => t.close());

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
