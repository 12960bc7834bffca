// The programme's admin forms given what nobody's browser would send: the form again with its
// messages, never a 500, and nothing saved. Each test has its own app and database.
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { createTestApp } from '../../../test/helpers/app.ts';
import { findProgramme } from './service.ts';

async function setUp(t: TestContext) {
  const app = await createTestApp({ seed: true });
  t.after(() => app.close());
  return { t: app, admin: await app.signedIn('admin') };
}

const LONG = 'x'.repeat(20_000);

it('the registration window: dates sent as lists, missing or far too long are refused, and nothing changes', async (t) => {
  const { t: app, admin } = await setUp(t);
  const before = await findProgramme(app.data.db);
  const forms: Record<string, string | string[]>[] = [
    { 'opens-day': ['1', '2'], 'opens-month': '2', 'opens-year': '2026', 'closes-day': '9', 'closes-month': '3', 'closes-year': '2026' },
    {},
    { 'opens-day': LONG, 'opens-month': LONG, 'opens-year': LONG, 'closes-day': '9', 'closes-month': '3', 'closes-year': '2026' },
  ];
  for (const form of forms) {
    const res = await admin.submit('/admin/registration-window', form, '/admin/registration-window');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter a real date for when registration opens/);
    assert.ok(!res.body.includes('x'.repeat(7)), 'what is shown again is cut to the field’s length');
  }
  const after = await findProgramme(app.data.db);
  assert.equal(after?.registration_opens_on, before?.registration_opens_on);
  assert.equal((await admin.get('/admin/registration-window?saved=1&saved=1')).body.includes('Registration window saved'), false);
});

it('the home page content: answers sent as lists or far too long are refused with their messages, and nothing is saved', async (t) => {
  const { t: app, admin } = await setUp(t);
  const before = await findProgramme(app.data.db);
  const list = await admin.submit('/admin/programme', { summary: ['one', 'two'], audience: 'Everyone', why: 'Because', action: 'save' }, '/admin/programme');
  assert.equal(list.statusCode, 400);
  assert.match(list.body, /Enter a summary of the programme/);
  const long = await admin.submit('/admin/programme', { summary: LONG, audience: 'Everyone', why: 'Because', action: ['save', 'preview'] }, '/admin/programme');
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /The summary must be 1000 characters or fewer/);
  const missing = await admin.submit('/admin/programme', {}, '/admin/programme');
  assert.equal(missing.statusCode, 400);
  // A timeline row number far past the form's rows is not read as thousands of rows.
  const rows = await admin.submit('/admin/programme', { 'timeline-99999-title': 'x', action: 'edit' }, '/admin/programme');
  assert.equal(rows.statusCode, 200);
  assert.equal((await findProgramme(app.data.db))?.summary, before?.summary);
});
