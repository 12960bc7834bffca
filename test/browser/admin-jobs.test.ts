/// <reference lib="dom" />
// /admin/jobs in real Chromium, without JavaScript: axe-clean with a failed job shown, and
// "Try again" reached and pressed by keyboard alone, back on the page with its message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { scheduleJob } from '../../src/platform/jobs/jobs.ts';
import { runDueJobs } from '../../src/platform/jobs/runner.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, pressAndLoad, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('admin: scheduled jobs (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  it('shows a failed job, passes axe, and "Try again" works by keyboard without JavaScript', async () => {
    const { person } = await upsertPerson(site.data.db, { email: 'jobs-admin@example.org', name: 'Jobs Admin', role: 'admin' }, systemClock);
    await scheduleJob(site.data.db, 'housekeeping', systemClock(), {}, 'browser:1', { maxAttempts: 1 });
    await runDueJobs(site.data.db, systemClock, {
      housekeeping: async () => {
        throw new Error('The file store did not answer');
      },
    });
    const context = await newContext(site, false);
    try {
      const page = await signInAs(site, person.id, context);
      await visit(page, `${site.baseUrl}/admin/jobs`);
      assert.match(await page.locator('main table').innerText(), /housekeeping[\s\S]*The file store did not answer/);
      await tabTo(page, 'main table button');
      assert.equal(await pressAndLoad(page), 200);
      assert.equal(new URL(page.url()).pathname, '/admin/jobs');
      await checkPage(page);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The job will run again/);
      assert.match(await page.locator('main').innerText(), /No jobs have failed/);
    } finally {
      await context.close();
    }
  });
});
