import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../test/helpers/app.ts';
import { importFromSource } from './import.ts';

describe('the needs-review queue', () => {
  let t: TestApp;
  let dir: string;
  let registrationId: number;
  before(async () => {
    t = await createTestApp({ seed: true });
    dir = mkdtempSync(join(tmpdir(), 'coproduce-review-'));
    writeFileSync(join(dir, 'vague.eml'), ['Message-ID: <vague@example.org>', 'From: Robin <robin@example.org>', 'Subject: SUPPORT WORKFORCE', 'Content-Type: text/plain', '', 'Hi, I would like to join. I am a <b>CSW</b> at Leeds, x-ray.'].join('\r\n'));
    await importFromSource(dir, { db: t.data.db, clock: t.clock, baseUrl: t.config.baseUrl });
    registrationId = (await t.data.db.selectFrom('registrations').select('id').where('email_normalised', '=', 'robin@example.org').executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the email and shows the original, escaped, beside the form', async () => {
    const admin = await t.signedIn('admin');
    const queue = await admin.get('/admin/review');
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /robin@example.org/);
    const page = await admin.get(`/admin/review/${registrationId}`);
    assert.equal(page.statusCode, 200);
    assert.match(h1(page.body), /Review the email from robin@example.org/);
    assert.match(page.body, /I am a &lt;b&gt;CSW&lt;\/b&gt; at Leeds/);
    const list = await admin.get('/admin/registrations?status=needs_review');
    assert.match(list.body, /by email/);
  });

  it('checks the completed details like the web form, then sends the confirmation email', async () => {
    const admin = await t.signedIn('admin');
    const bad = await admin.submit(`/admin/review/${registrationId}`, { fullName: '', email: 'robin@example.org', organisationOther: 'Leeds', serviceType: 'diagnostic', jobTitle: 'CSW' }, `/admin/review/${registrationId}`);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter your full name/);
    assert.match(bad.body, /Select the nation you work in/);
    const org = await t.data.db.selectFrom('organisations').selectAll().where('name', 'like', 'Leeds%').executeTakeFirstOrThrow();
    const ok = await admin.submit(`/admin/review/${registrationId}`, { fullName: 'Robin Hart', email: 'robin@example.org', organisationId: String(org.id), serviceType: 'diagnostic', jobTitle: 'Clinical support worker', roleGroup: 'csw' }, `/admin/review/${registrationId}`);
    assert.equal(ok.statusCode, 302);
    assert.equal(ok.headers.location, '/admin/review?done=1');
    const r = await t.data.db.selectFrom('registrations').selectAll().where('id', '=', registrationId).executeTakeFirstOrThrow();
    assert.equal(r.status, 'unconfirmed');
    assert.equal(r.full_name, 'Robin Hart');
    assert.equal(r.region, org.region);
    assert.equal(r.channel, 'email');
    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'robin@example.org').executeTakeFirstOrThrow();
    assert.match(mail.text_body, /\/register\/confirm\//);
    const queue = await admin.get('/admin/review');
    assert.match(queue.body, /There are no emails to review/);
    assert.equal((await admin.get(`/admin/review/${registrationId}`)).statusCode, 404);
    const audit = await t.data.db.selectFrom('audit_events').select('action').where('action', '=', 'registration.complete').execute();
    assert.equal(audit.length, 1);
  });

  it('is for admins only', async () => {
    const c = await t.signedIn('participant');
    assert.equal((await c.get('/admin/review')).statusCode, 403);
  });
});
