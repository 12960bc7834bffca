// /admin/jobs over HTTP (both engines): admins only; failed jobs with their error and tries but
// not their payload; "Try again" puts a job back, says so once, and is audited.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { scheduleJob } from './jobs.ts';
import { runDueJobs, type JobHandlers } from './runner.ts';

declare module './jobs.ts' {
  interface JobKinds {
    'test.page': { personEmail: string };
  }
}

describe('/admin/jobs', () => {
  let t: TestApp;
  let failedId = 0;
  const failing: JobHandlers = {
    'test.page': async () => {
      throw new Error('The calendar service did not answer');
    },
  };

  beforeEach(async () => {
    t = await createTestApp();
    // A payload holding something personal (features should not, but the page must not show it).
    failedId = await scheduleJob(t.data.db, 'test.page', t.clock(), { personEmail: 'hidden.person@example.org' }, 'page:1', { maxAttempts: 1 });
    await scheduleJob(t.data.db, 'test.page', new Date(t.clock().getTime() + 3600_000), { personEmail: 'later@example.org' }, 'page:2');
    await runDueJobs(t.data.db, t.clock, failing, { recurring: [{ name: 'nightly-check', cron: '0 2 * * *', kind: 'test.page', payload: { personEmail: '' } }] });
  });
  afterEach(async () => {
    await t.close();
  });

  it('is for admins only', async () => {
    const signedOut = await t.client().get('/admin/jobs');
    assert.equal(signedOut.statusCode, 302);
    assert.equal(signedOut.headers.location, '/sign-in?next=%2Fadmin%2Fjobs');
    for (const role of ['participant', 'facilitator', 'observer'] as const) {
      const client = await t.signedIn(role);
      assert.equal((await client.get('/admin/jobs')).statusCode, 403, role);
      assert.equal((await client.post(`/admin/jobs/${failedId}/retry`, {}, await client.csrfToken('/account'))).statusCode, 403, role);
    }
  });

  it('shows the failed job with its error and tries, the counts, and not the payload', async () => {
    const admin = await t.signedIn('admin');
    const page = await admin.get('/admin/jobs');
    assert.equal(page.statusCode, 200);
    assert.equal(h1(page.body), 'Scheduled jobs');
    assert.match(page.body, /test\.page/);
    assert.match(page.body, /The calendar service did not answer/);
    assert.match(page.body, /after 1 try/);
    assert.match(page.body, /Waiting\s*<\/dt>\s*<dd[^>]*>\s*1\s*<\/dd>/);
    assert.match(page.body, /Failed\s*<\/dt>\s*<dd[^>]*>\s*1\s*<\/dd>/);
    assert.match(page.body, /nightly-check<\/dt>\s*<dd[^>]*>Next 11 March 2026 at 2:00am<\/dd>/, 'the recurring jobs, in London time');
    assert.doesNotMatch(page.body, /hidden\.person|later@example/);
    assert.match(page.body, /href="\/admin\/jobs"[^>]*aria-current="page"|aria-current="page"[^>]*href="\/admin\/jobs"/, 'in the admin navigation, as the current page');
  });

  it('"Try again" puts the job back to run now, says so once, and is audited; it runs again', async () => {
    const admin = await t.signedIn('admin');
    const csrf = await admin.csrfToken('/admin/jobs');
    const res = await admin.post(`/admin/jobs/${failedId}/retry`, {}, csrf);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/admin/jobs');
    const after = await admin.get('/admin/jobs');
    assert.match(after.body, /The job will run again in the next few seconds/);
    assert.match(after.body, /No jobs have failed/);
    assert.doesNotMatch((await admin.get('/admin/jobs')).body, /will run again/, 'the message is shown once');
    const job = await t.data.db.selectFrom('jobs').select(['status', 'attempts']).where('id', '=', failedId).executeTakeFirstOrThrow();
    assert.deepEqual({ ...job }, { status: 'pending', attempts: 0 });
    const audit = await t.data.db.selectFrom('audit_events').select(['action', 'record_id']).where('action', '=', 'job.retry').execute();
    assert.deepEqual(audit.map((a) => ({ ...a })), [{ action: 'job.retry', record_id: String(failedId) }]);

    // Pressed again from a page shown before: nothing changes, and the page says why.
    const again = await admin.post(`/admin/jobs/${failedId}/retry`, {}, csrf);
    assert.equal(again.statusCode, 302);
    assert.match((await admin.get('/admin/jobs')).body, /has not failed/);
    const gone = await admin.post('/admin/jobs/999999/retry', {}, csrf);
    assert.equal(gone.statusCode, 302);
    assert.match((await admin.get('/admin/jobs')).body, /no longer here/);
  });

  it('refuses a bad job number with a 404 and a missing CSRF token with a 403, never a 500', async () => {
    const admin = await t.signedIn('admin');
    const csrf = await admin.csrfToken('/admin/jobs');
    for (const id of ['abc', '0', '-1', '1.5', '99999999999']) assert.equal((await admin.post(`/admin/jobs/${id}/retry`, {}, csrf)).statusCode, 404, id);
    assert.equal((await admin.post(`/admin/jobs/${failedId}/retry`, {})).statusCode, 403);
  });
});
