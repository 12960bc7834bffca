/// <reference lib="dom" />
// Starts the real app on a loopback port with a fresh database and the demo data, and drives
// Debian's Chromium through playwright-core. Every page a test visits goes through visit() or
// checkPage(), which runs axe-core (WCAG 2.2 A and AA) and checks the title and the single h1.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { seedDemoProgramme } from '../../src/features/programme/seed.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { seedOrganisations } from '../../src/features/registration/organisations.ts';
import { acceptRegistration, submitRegistration } from '../../src/features/registration/service.ts';
import { buildAssets } from '../../src/platform/http/assets.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { issueSignInLink } from '../../src/platform/auth/sign-in.ts';
import { systemClock } from '../../src/platform/time.ts';
import { createTestDatabase, type TestData } from '../helpers/database.ts';
import { confirmFromEmail, details } from '../helpers/registrations.ts';

export type Site = {
  baseUrl: string;
  config: Config;
  app: FastifyInstance;
  data: TestData;
  browser: Browser;
  close(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startSite(options: { routes?: (app: FastifyInstance) => void } = {}): Promise<Site> {
  const port = await freePort();
  // localhost, not 127.0.0.1: browsers accept Secure (__Host-) cookies over http only on localhost.
  const baseUrl = `http://localhost:${port}`;
  const data = await createTestDatabase();
  await seedOrganisations(data.db);
  await seedDemoProgramme(data.db, systemClock);
  const config = loadConfig({ NODE_ENV: 'test', BASE_URL: baseUrl, PORT: String(port) });
  const app = await buildApp({ config, data, clock: systemClock, assets: buildAssets(), pokeMailWorker: () => {} });
  options.routes?.(app);
  await app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    baseUrl,
    config,
    app,
    data,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await data.close();
    },
  };
}

const titlesSeen = new Map<string, string>();

const noScriptContexts = new WeakSet<BrowserContext>();
const mirrors = new WeakMap<BrowserContext, Page>();

/**
 * axe-core runs as a script, so it cannot run in a page with JavaScript switched off. For those
 * pages, the exact HTML the server sent is replayed at the same address in a scripting page that
 * blocks the site's own scripts: the DOM axe sees is the one a no-JavaScript visitor gets.
 */
async function axeTarget(page: Page): Promise<Page> {
  const context = page.context();
  if (!noScriptContexts.has(context)) return page;
  const html = await page.content();
  let mirror = mirrors.get(context);
  if (!mirror) {
    mirror = await (await context.browser()!.newContext()).newPage();
    await mirror.route(/\.m?js$/, (route) => route.abort());
    mirrors.set(context, mirror);
  }
  const url = page.url();
  await mirror.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), { times: 1 });
  await mirror.goto(url);
  return mirror;
}

/** Axe (WCAG 2.2 A and AA) finds nothing; one h1; a title of its own. */
export async function checkPage(page: Page): Promise<void> {
  const target = await axeTarget(page);
  const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']).analyze();
  const problems = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.equal(problems.length, 0, `axe found problems on ${page.url()}:\n  ${problems.join('\n  ')}`);
  assert.equal(await page.locator('h1').count(), 1, `one h1 on ${page.url()}`);
  const title = await page.title();
  assert.ok(title.trim().length > 0, `a title on ${page.url()}`);
  const path = new URL(page.url()).pathname;
  const earlier = titlesSeen.get(title);
  // The same page may be visited twice; two different pages must not share a title.
  if (earlier && earlier !== path && !isSamePageFamily(earlier, path)) assert.fail(`"${title}" is the title of both ${earlier} and ${path}`);
  titlesSeen.set(title, path);
}

// Error pages and token pages share a title whatever the address.
function isSamePageFamily(a: string, b: string): boolean {
  const family = (p: string) => p.replace(/\/[A-Za-z0-9_-]{20,}$/, '/:token').replace(/\/\d+/g, '/:id');
  return family(a) === family(b);
}

export async function visit(page: Page, url: string, expectedStatus = 200): Promise<void> {
  const response = await page.goto(url);
  assert.equal(response?.status(), expectedStatus, `GET ${url}`);
  await checkPage(page);
}

/** Collects console errors (CSP violations show up there) for a page. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Presses Tab until the focused element matches, like a keyboard user. */
export async function tabTo(page: Page, selector: string, maxTabs = 60): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`could not reach ${selector} by keyboard`);
}

/** The newest development-mail message to an address, opened through the /dev/mail pages. */
export async function openNewestMailTo(page: Page, baseUrl: string, email: string): Promise<void> {
  await visit(page, `${baseUrl}/dev/mail`);
  const link = page.locator('li', { hasText: email }).first().locator('a');
  await link.focus();
  await pressAndLoad(page);
  assert.match(page.url(), /\/dev\/mail\/\d+$/);
  await checkPage(page);
}

export async function newContext(site: Site, javaScriptEnabled = true): Promise<BrowserContext> {
  const context = await site.browser.newContext({ javaScriptEnabled });
  if (!javaScriptEnabled) noScriptContexts.add(context);
  return context;
}

/** Presses a key that submits a form or follows a link, and waits for the new page to load. */
export async function pressAndLoad(page: Page, key = 'Enter'): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
  return response?.status() ?? 0;
}

/** Focuses a button or link in <main> and presses Enter, as a keyboard user would; checks the new page and returns its status. */
export async function press(page: Page, role: 'button' | 'link', name: string | RegExp): Promise<number> {
  await page.getByRole('main').getByRole(role, { name }).first().focus();
  const status = await pressAndLoad(page);
  await checkPage(page);
  return status;
}

/** Signs in as a person through a fresh single-use link, as if they had opened the email. */
export async function signInAs(site: Site, personId: number, context: BrowserContext): Promise<Page> {
  const link = await issueSignInLink(site.data.db, personId, site.baseUrl, systemClock);
  const page = await context.newPage();
  await visit(page, link);
  await page.locator('main button').focus();
  await pressAndLoad(page);
  await checkPage(page);
  return page;
}

/** Someone who registered on the web, confirmed by email and was accepted by the admin: their person id. */
export async function acceptedParticipant(site: Site, adminId: number, fullName: string, email: string): Promise<number> {
  const db = site.data.db;
  const programmeId = (await findProgramme(db))!.id;
  const { registration } = await submitRegistration(db, details({ fullName, email }), { programmeId, channel: 'web', baseUrl: site.baseUrl, clock: systemClock });
  await confirmFromEmail(db, email, systemClock);
  const accepted = await acceptRegistration(db, registration.id, { actorId: adminId, baseUrl: site.baseUrl, clock: systemClock });
  if (!accepted.ok) throw new Error(accepted.reason);
  return (await findPersonByEmail(db, email))!.id;
}
