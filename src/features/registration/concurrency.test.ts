// Real concurrent requests, on both engines: the same email submitted from two browsers at the
// same moment, and an Accept pressed twice at once. Each is one registration, one decision and
// one email, never a 500 (issue 9 #7).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { confirmFromEmail } from '../../../test/helpers/registrations.ts';

const ANSWERS: [string, Record<string, string | string[]>][] = [
  ['name', { fullName: 'Pat Pair' }],
  ['email', { email: '' }],
  ['workplace', { organisationOther: 'Example Imaging Ltd', department: '' }],
  ['nation', { nation: 'Wales' }],
  ['service', { serviceType: 'diagnostic' }],
  ['job', { jobTitle: 'Imaging assistant' }],
  ['role', { roleGroup: 'csw' }],
  ['band', { afcBand: '2' }],
  ['interests', {}],
  ['adjustments', { adjustments: '' }],
  ['consent', { consent: 'yes' }],
];

/** Answers every question, ready for "Check your answers" to be sent. */
async function readyToSend(c: TestClient, email: string): Promise<string> {
  for (const [slug, form] of ANSWERS) {
    const res = await c.submit(`/register/${slug}`, slug === 'email' ? { email } : form, `/register/${slug}`);
    assert.equal(res.statusCode, 302, `${slug}: ${res.statusCode}`);
  }
  return c.csrfToken('/register/check-answers');
}

describe('concurrent requests', () => {
  let t: TestApp;
  beforeEach(async () => (t = await createTestApp({ seed: true })));
  afterEach(() => t.close());

  it('registers one email sent from two browsers at the same moment once, twenty times over', async () => {
    for (let i = 0; i < 20; i++) {
      const email = `pair.${i}@example.org`;
      const [a, b] = [t.client(), t.client()];
      const [ta, tb] = await Promise.all([readyToSend(a, email), readyToSend(b, email)]);
      const sent = await Promise.all([a.post('/register/check-answers', {}, ta), b.post('/register/check-answers', {}, tb)]);
      assert.deepEqual(sent.map((r) => r.statusCode), [302, 302], `pair ${i}`);
      const rows = await t.data.db.selectFrom('registrations').select('id').where('email_normalised', '=', email).execute();
      assert.equal(rows.length, 1, `pair ${i}: one registration`);
      const mail = await t.data.db.selectFrom('outbox').select('subject').where('to_address', '=', email).execute();
      assert.equal(mail.filter((m) => m.subject.startsWith('Confirm your registration')).length, 1, `pair ${i}: one confirmation`);
    }
  });

  it('sends one welcome email and one sign-in link when Accept is pressed twice at once', async () => {
    const admin = await t.signedIn('admin');
    const c = t.client();
    const token = await readyToSend(c, 'double.click@example.org');
    await c.post('/register/check-answers', {}, token);
    await confirmFromEmail(t.data.db, 'double.click@example.org', t.clock);
    const r = await t.data.db.selectFrom('registrations').select('id').where('email_normalised', '=', 'double.click@example.org').executeTakeFirstOrThrow();
    const csrf = await admin.csrfToken(`/admin/registrations/${r.id}`);
    const presses = await Promise.all([1, 2, 3].map(() => admin.post(`/admin/registrations/${r.id}/accept`, {}, csrf)));
    assert.deepEqual(presses.map((p) => p.statusCode), [302, 302, 302]);
    const welcome = await t.data.db.selectFrom('outbox').select('subject').where('to_address', '=', 'double.click@example.org').where('subject', 'like', 'Welcome%').execute();
    assert.equal(welcome.length, 1);
    const person = await t.data.db.selectFrom('registrations').select('person_id').where('id', '=', r.id).executeTakeFirstOrThrow();
    assert.equal((await t.data.db.selectFrom('sign_in_tokens').select('id').where('person_id', '=', person.person_id!).execute()).length, 1);
  });
});
