import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';

describe('flash messages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({
      routes: (app) => {
        app.post('/test/flash', async (_request, reply) => reply.flash('Saved <b>it</b>.').redirect('/cookies'));
      },
    });
  });
  after(() => t.close());

  it('shows the message once on the page after the redirect, escaped', async () => {
    const c = t.client();
    const posted = await c.submit('/test/flash', {}, '/sign-in');
    assert.equal(posted.statusCode, 302);
    const page = await c.get('/cookies');
    assert.match(page.body, /govuk-notification-banner--success/);
    assert.match(page.body, /Saved &lt;b&gt;it&lt;\/b&gt;\./);
    const again = await c.get('/cookies');
    assert.doesNotMatch(again.body, /Saved &lt;b&gt;it/, 'only once');
  });
});
