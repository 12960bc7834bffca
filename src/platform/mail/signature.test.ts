import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { upsertPerson } from '../auth/people.ts';

describe('every email', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ seed: true });
    await upsertPerson(t.data.db, { email: 'signed.off@example.org', name: 'Sam Signed', role: 'participant' }, t.clock);
  });
  after(() => t.close());

  it('ends with the programme’s name and contact address, in text and HTML (a sign-in link and a confirmation alike)', async () => {
    await t.client().submit('/sign-in', { email: 'signed.off@example.org' });
    const programme = await t.data.db.selectFrom('programmes').select(['name', 'contact_email']).executeTakeFirstOrThrow();
    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'signed.off@example.org').executeTakeFirstOrThrow();
    assert.ok(mail.text_body.endsWith(`--\n${programme.name}\nQuestions? Email the programme team at ${programme.contact_email}`), mail.text_body);
    assert.match(mail.html_body!, new RegExp(`${programme.name}<br>Questions\\? Email the programme team at ${programme.contact_email.replace('.', '\\.')}</p>\\n</body>`));
  });
});
