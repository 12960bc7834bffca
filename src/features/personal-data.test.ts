// Every feature's personal data, through the manifests (both engines): a person with data in
// every feature and platform table that holds any is exported in full, and erasing them leaves no
// row naming them; a second person's data is untouched, and a colleague they registered keeps
// their registration without them as its contact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../platform/db/database.ts';
import { setAudience } from '../platform/audience/access.ts';
import { erasePersonEverywhere, exportPersonEverywhere } from '../platform/feature.ts';
import { setPreferences } from '../platform/notify/notify.ts';
import { FEATURES } from './index.ts';
import { assign, createSubgroup, makeGroupLead } from './participants/service.ts';
import { setUp, type Fixture, type Someone } from './participants/test-fixture.ts';
import { submitRegistration } from './registration/service.ts';
import { details } from '../../test/helpers/registrations.ts';

describe('personal data across features', () => {
  let f: Fixture;
  let amy: Someone;
  let bo: Someone;
  let colleagueId = 0;
  const db = () => f.t.data.db;

  before(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    const tell = { clock: f.t.clock, baseUrl: f.t.config.baseUrl, secret: f.t.config.sessionSecret };
    const project = f.projects[0]!;
    const group = await createSubgroup(db(), f.admin.personId, project.id, { name: 'Guidance', description: '' }, f.t.clock);
    assert.ok(group.ok);
    // Memberships, and the notifications notify() records for them.
    await assign(db(), f.admin.personId, { projectId: project.id, subgroupId: group.id }, [amy.personId, bo.personId], f.t.clock, tell);
    // A lead, an item chosen for each by name, email choices and a digest sent.
    assert.ok((await makeGroupLead(db(), f.admin.personId, { kind: 'subgroup', id: group.id }, amy.email, f.t.clock)).ok);
    assert.ok((await makeGroupLead(db(), f.admin.personId, { kind: 'subgroup', id: group.id }, bo.email, f.t.clock)).ok);
    await setAudience(db(), 'test-item', 1, [{ kind: 'person', id: amy.personId }, { kind: 'person', id: bo.personId }]);
    await inTransaction(db(), async (tx) => {
      await setPreferences(tx, amy.personId, { 'groups.added': 'weekly' }, f.t.clock);
      await setPreferences(tx, bo.personId, { 'groups.added': 'daily' }, f.t.clock);
    });
    const now = f.t.clock().toISOString();
    for (const p of [amy, bo]) {
      await db().insertInto('digest_runs').values({ person_id: p.personId, period: 'daily', period_start: now, sent_at: now }).execute();
      // A note about each of them by the team, and an email each sent the programme.
      await db().insertInto('registration_notes').values({ registration_id: p.registrationId, author_id: f.admin.personId, body: `Spoke to ${p.name}`, created_at: now }).execute();
      await db()
        .insertInto('mail_imports')
        .values({ message_id: `<${p.personId}@example.org>`, source: 'test', from_address: `"${p.name}" <${p.email.toUpperCase()}>`, subject: 'SUPPORT WORKFORCE', received_at: now, original_text: 'Please add me', outcome: 'not_relevant', problem: null, content_hash: `h${p.personId}`, reading: null, registration_id: null, created_at: now })
        .execute();
      // A registration draft holding their address (not yet sent).
      await db().insertInto('registration_drafts').values({ id: `draft-${p.personId}`, answers: JSON.stringify({ email: p.email, fullName: p.name }), created_at: now, updated_at: now }).execute();
    }
    // Amy registered a colleague with no work email of their own, as the contact.
    const { registration } = await submitRegistration(db(), details({ fullName: 'Cas Cole', email: null, contact: { name: 'Amy Archer', email: amy.email } }), { programmeId: f.programmeId, channel: 'email', baseUrl: f.t.config.baseUrl, clock: f.t.clock });
    colleagueId = registration.id;
    // Amy wrote in the colleague's history (the entry stays, without her).
    await db().insertInto('registration_events').values({ registration_id: colleagueId, actor_id: amy.personId, action: 'test.touch', detail: 'Checked the details', created_at: now }).execute();
  });
  after(async () => {
    await f.t.close();
  });

  it('exports a person’s rows from every feature, then erases them all and only theirs', async () => {
    const exported = await exportPersonEverywhere(FEATURES, db(), amy.personId);
    for (const part of ['audience', 'notifications', 'participants', 'registration']) assert.ok(part in exported, part);
    const r = exported.registration!;
    assert.equal(r.registrations!.length, 1);
    assert.equal(r.registrations![0]!.full_name, 'Amy Archer');
    assert.ok(!('confirm_token_hash' in r.registrations![0]!), 'no confirmation secrets');
    assert.deepEqual(r.registration_aims!.map((a) => a.aim_number), [3, 5]);
    assert.ok(r.registration_events!.some((e) => e.action === 'test.touch'), 'history she wrote');
    assert.ok(r.registration_events!.some((e) => e.registration_id === amy.registrationId), 'her own history');
    assert.deepEqual(r.registration_notes!.map((n) => n.body), ['Spoke to Amy Archer']);
    assert.equal(r.mail_imports!.length, 1, 'the email she sent (her address in capitals)');
    assert.deepEqual(r.registrations_as_contact!.map((c) => c.registered), ['Cas Cole']);
    assert.deepEqual(r.registration_drafts!.map((d) => d.id), [`draft-${amy.personId}`]);
    assert.equal(exported.participants!.project_members!.length, 1);
    assert.deepEqual(exported.participants!.subgroup_members!.map((s) => s.subgroup_name), ['Guidance']);
    assert.equal(exported.audience!.group_leads!.length, 1);
    assert.deepEqual(exported.audience!.audience_targets!.map((t) => ({ ...t })), [{ item_kind: 'test-item', item_id: 1 }]);
    assert.equal(exported.notifications!.notifications!.length, 1);
    assert.match(String(exported.notifications!.notifications![0]!.title), /You were added to the sub-group “Guidance”/);
    assert.deepEqual(exported.notifications!.notification_preferences!.map((p) => p.delivery), ['weekly']);
    assert.equal(exported.notifications!.digest_runs!.length, 1);

    const boBefore = await exportPersonEverywhere(FEATURES, db(), bo.personId);
    await inTransaction(db(), (tx) => erasePersonEverywhere(FEATURES, tx, amy.personId, f.t.clock));

    // Nothing of hers is left in any of these tables.
    const after = await exportPersonEverywhere(FEATURES, db(), amy.personId);
    for (const [feature, parts] of Object.entries(after)) for (const [part, rows] of Object.entries(parts)) assert.deepEqual(rows, [], `${feature}: ${part}`);
    const id = amy.personId;
    const count = async (q: { execute(): Promise<unknown[]> }) => (await q.execute()).length;
    assert.equal(await count(db().selectFrom('registrations').select('id').where((eb) => eb.or([eb('person_id', '=', id), eb('email_normalised', '=', amy.email), eb('contact_email_normalised', '=', amy.email), eb('search_text', 'like', '%amy%')]))), 0);
    assert.equal(await count(db().selectFrom('registration_events').select('id').where('actor_id', '=', id)), 0);
    assert.equal(await count(db().selectFrom('registration_notes').select('id').where('body', 'like', '%Amy%')), 0);
    assert.equal(await count(db().selectFrom('mail_imports').select('id').where('from_address', 'like', '%Amy%')), 0);
    assert.equal(await count(db().selectFrom('registration_drafts').select('id').where('answers', 'like', '%amy%')), 0);
    for (const table of ['project_members', 'subgroup_members', 'group_leads', 'notifications', 'notification_preferences', 'digest_runs'] as const) {
      assert.equal(await count(db().selectFrom(table).select('person_id').where('person_id', '=', id)), 0, table);
    }
    assert.equal(await count(db().selectFrom('audience_targets').select('item_id').where('target_kind', '=', 'person').where('target_id', '=', id)), 0);

    // The colleague keeps their registration, with no contact named; the history entry stays, unsigned.
    const colleague = await db().selectFrom('registrations').selectAll().where('id', '=', colleagueId).executeTakeFirstOrThrow();
    assert.equal(colleague.full_name, 'Cas Cole');
    assert.equal(colleague.contact_name, null);
    assert.match(colleague.contact_email!, /@erased\.invalid$/);
    const touched = await db().selectFrom('registration_events').select(['actor_id', 'detail']).where('registration_id', '=', colleagueId).where('action', '=', 'test.touch').execute();
    assert.deepEqual(touched.map((t) => ({ ...t })), [{ actor_id: null, detail: 'Checked the details' }]);

    // Bo's data is exactly as it was.
    assert.deepEqual(await exportPersonEverywhere(FEATURES, db(), bo.personId), boBefore);
    assert.equal(boBefore.registration!.registrations!.length, 1);
    assert.equal(boBefore.participants!.subgroup_members!.length, 1);
    assert.equal(boBefore.notifications!.notifications!.length, 1);
  });

  it('requires every feature to say what personal data it holds', () => {
    for (const feature of FEATURES) {
      assert.ok(feature.personalData === 'none' || (typeof feature.personalData.exportPerson === 'function' && typeof feature.personalData.erasePerson === 'function'), feature.name);
    }
  });
});
