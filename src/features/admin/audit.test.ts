// The audit log in words, with links to the records.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { upsertPerson } from '../../platform/auth/people.ts';
import { actionChoices, actionWords } from './audit-words.ts';

describe('the audit log', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
  });
  afterEach(() => t.close());

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

  it('narrows to one action, one person and London days, keeping the filters across pages', async () => {
    t.clock.set('2026-06-02T22:30:00Z'); // 23:30 on 2 June in London (summer time)
    const admin = await t.signedIn('admin');
    const other = await t.signedIn('admin');
    await recordAudit(t.data.db, { actorId: admin.personId, action: 'registration.accept', recordType: 'registration', recordId: 1, summary: 'Accepted late on 2 June' }, t.clock);
    t.clock.set('2026-06-02T23:30:00Z'); // 00:30 on 3 June in London
    await recordAudit(t.data.db, { actorId: other.personId, action: 'registration.accept', recordType: 'registration', recordId: 2, summary: 'Accepted early on 3 June' }, t.clock);
    await recordAudit(t.data.db, { actorId: admin.personId, action: 'subgroup.create', recordType: 'subgroup', recordId: 3, summary: 'Made a group on 3 June' }, t.clock);
    const table = async (query: string) => /<tbody[\s\S]*<\/tbody>/.exec((await admin.get(`/admin/audit?${query}`)).body)?.[0] ?? '';
    const june3 = await table('from=2026-06-03&to=2026-06-03');
    assert.match(june3, /Accepted early on 3 June/);
    assert.match(june3, /Made a group on 3 June/);
    assert.doesNotMatch(june3, /Accepted late on 2 June/, 'days are London days');
    const accepts = await table('action=registration.accept&from=2026-06-02');
    assert.match(accepts, /Accepted late on 2 June/);
    assert.doesNotMatch(accepts, /Made a group/);
    const byOther = await table(`who=${other.personId}&from=2026-06-01`);
    assert.match(byOther, /Accepted early on 3 June/);
    assert.doesNotMatch(byOther, /Accepted late on 2 June|Made a group/);
    const form = (await admin.get(`/admin/audit?action=registration.accept&who=${other.personId}`)).body;
    assert.match(form, /<option value="registration.accept" selected>/);
    assert.match(form, new RegExp(`<option value="${other.personId}" selected>`));
    // Nonsense in the address is ignored, never a 500.
    assert.equal((await admin.get('/admin/audit?from=2026-02-31&who=abc&action=DROP%20TABLE')).statusCode, 200);
  });

  it('words every action the services record', () => {
    assert.ok(actionChoices().length >= 20);
    for (const { value, text } of actionChoices()) assert.notEqual(text, value);
    assert.equal(actionWords('programme.registration-window'), 'Changed the registration window');
  });
});
