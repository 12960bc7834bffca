// The audit log in words, with links to the records.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { upsertPerson } from '../../platform/auth/people.ts';
import { actionChoices, actionWords } from './audit-words.ts';

describe('the audit log', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ seed: true });
  });
  after(() => t.close());

  it('shows each action in words and links to its record, never the raw code', async () => {
    const admin = await t.signedIn('admin');
    const { person } = await upsertPerson(t.data.db, { email: 'audited.person@example.org', name: 'Ari Audited', role: 'participant' }, t.clock);
    await admin.submit(`/admin/people/${person.id}/role`, { role: 'observer' }, `/admin/people/${person.id}`);
    await recordAudit(t.data.db, { actorId: admin.personId, action: 'registration.export.csv', recordType: 'registration', summary: 'Exported 3 registrations' }, t.clock);
    await recordAudit(t.data.db, { actorId: null, action: 'something.brand-new', recordType: 'widget', recordId: 7, summary: 'A new kind of action' }, t.clock);
    const page = (await admin.get('/admin/audit')).body;
    const table = /<table[\s\S]*<\/table>/.exec(page)![0];
    assert.match(table, /Changed a person’s role/);
    assert.match(table, new RegExp(`<a class="govuk-link" href="/admin/people/${person.id}">Person ${person.id}</a>`));
    assert.match(table, /Exported registrations \(CSV\)/);
    assert.match(table, /Something brand new/);
    assert.match(table, /Widget 7/);
    assert.doesNotMatch(table, /person\.role|registration\.export|something\.brand/);
    const landing = (await admin.get('/admin')).body;
    assert.match(landing, new RegExp(`href="/admin/people/${person.id}">Changed Ari Audited’s role`));
  });

  it('words every action the services record', () => {
    assert.ok(actionChoices().length >= 20);
    for (const { value, text } of actionChoices()) assert.notEqual(text, value);
    assert.equal(actionWords('programme.registration-window'), 'Changed the registration window');
  });
});
