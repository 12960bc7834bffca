// A digest built for items with an audience holds only those the person may see now.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { setAudience } from '../audience/access.ts';
import { upsertPerson } from '../auth/people.ts';
import { inTransaction } from '../db/database.ts';
import { byAudience } from './audience-visibility.ts';
import { declareItemVisibility, sendDigests } from './digest.ts';
import { declareNotificationKinds } from './kinds.ts';
import { notify } from './notify.ts';

declareNotificationKinds({ kind: 'test.audience', label: 'When something new is posted for you', defaultDelivery: 'daily' });
declareItemVisibility('test-audience-item', byAudience('test-audience-item'));

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

it('leaves out of a digest the items whose audience no longer includes the person', async () => {
  const { person: ada } = await upsertPerson(t.data.db, { email: 'ada@example.org', name: 'Ada Example', role: 'participant' }, t.clock);
  const { person: ben } = await upsertPerson(t.data.db, { email: 'ben@example.org', name: 'Ben Example', role: 'participant' }, t.clock);
  const ctx = { clock: t.clock, baseUrl: t.config.baseUrl, secret: t.config.sessionSecret };
  await setAudience(t.data.db, 'test-audience-item', 1, [{ kind: 'person', id: ada.id }]);
  await setAudience(t.data.db, 'test-audience-item', 2, [{ kind: 'person', id: ada.id }]);
  await setAudience(t.data.db, 'test-audience-item', 3, [{ kind: 'signed-in' }]);
  for (const id of [1, 2, 3]) {
    await inTransaction(t.data.db, (tx) => notify(tx, ctx, ada.id, 'test.audience', { kind: 'test-audience-item', id, title: `Item number ${id}`, url: `/items/${id}`, group: 'Project A' }, { subject: 's', greeting: 'Hello,', parts: [] }));
  }
  // Item 2 is now for Ben only: Ada may no longer see it.
  await setAudience(t.data.db, 'test-audience-item', 2, [{ kind: 'person', id: ben.id }]);
  t.clock.advance(24 * 3600_000);
  assert.equal((await sendDigests(t.data.db, ctx, 'daily')).sent, 1);
  const mail = await t.data.db.selectFrom('outbox').select('text_body').executeTakeFirstOrThrow();
  assert.match(mail.text_body, /Item number 1/);
  assert.match(mail.text_body, /Item number 3/);
  assert.doesNotMatch(mail.text_body, /Item number 2/);
});
