// Editing the programme's content: the home page text, projects, aims, ways to take part and the
// timeline, with a preview that posts the form (no JavaScript), audited, shown at once; and a
// timeline whose registration dates always come from the registration window.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { createTestDatabase } from '../../../test/helpers/database.ts';
import { scoped } from '../../platform/db/database.ts';
import { up as migration010 } from '../../platform/db/migrations/010-programme-content.ts';
import { seedDemoProgramme } from './seed.ts';
import { findProgramme, loadProgrammeDetails, setRegistrationWindow, timelineOf } from './service.ts';
import type { ProgrammeTable } from './tables.ts';

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What the content form sends as it stands: its inputs and textareas. */
function contentForm(html: string): Record<string, string> {
  const form = /<form method="post" action="\/admin\/programme"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('no content form');
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b([^>]*)>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1];
    if (name && name !== '_csrf') out[name] = unescape(/\bvalue="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]!] = unescape(m[2]!.replace(/^\n/, ''));
  return out;
}

/** The home page's timeline rows as [date, what happens]. */
function timelineRows(html: string): [string, string][] {
  const table = /<table[\s\S]*?Key dates[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<th scope="row"[^>]*>\s*([^<]*?)\s*<\/th>\s*<td[^>]*>\s*([^<]*?)\s*<\/td>/g)].map((m) => [m[1]!, unescape(m[2]!)]);
}

describe('editing the programme’s content', () => {
  let t: TestApp;
  let admin: TestClient & { personId: number };
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
    admin = await t.signedIn('admin');
  });
  afterEach(() => t.close());

  it('is for admins only', async () => {
    const facilitator = await t.signedIn('facilitator');
    assert.equal((await facilitator.get('/admin/programme')).statusCode, 403);
    assert.equal((await t.client().get('/admin/programme')).statusCode, 302);
  });

  it('previews the page as it would look without saving, then saves from the preview', async () => {
    const home = (await t.client().get('/')).body; // cached for visitors
    const form = contentForm((await admin.get('/admin/programme')).body);
    assert.match(form.summary!, /^Two projects, commissioned by NHS England/);
    const summary = 'A new summary: support workers shape their own guidance.';
    const preview = await admin.submit('/admin/programme', { ...form, summary, action: 'preview' }, '/admin/programme');
    assert.equal(preview.statusCode, 200);
    assert.equal(h1(preview.body), 'Preview of the home page');
    assert.match(preview.body, /Nothing has been saved yet/);
    assert.match(preview.body, new RegExp(summary));
    assert.equal((await findProgramme(t.data.db))!.summary, form.summary, 'nothing saved');
    assert.equal((await t.client().get('/')).body, home);

    // The preview carries the form in hidden fields: "Save changes" there saves exactly it.
    const hidden = Object.fromEntries([...preview.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].filter((m) => m[1] !== '_csrf').map((m) => [m[1]!, unescape(m[2]!)]));
    assert.equal(hidden.summary, summary);
    const back = await admin.submit('/admin/programme', { ...hidden, action: 'edit' }, '/admin/programme');
    assert.equal(h1(back.body), 'Edit the home page');
    assert.equal(contentForm(back.body).summary, summary, 'back to the form as typed');
    const saved = await admin.submit('/admin/programme', { ...hidden, action: 'save' }, '/admin/programme');
    assert.equal(saved.statusCode, 302);
    assert.equal((await findProgramme(t.data.db))!.summary, summary);
    assert.match((await t.client().get('/')).body, new RegExp(summary), 'the home page shows it at once');
    const audit = await t.data.db.selectFrom('audit_events').selectAll().where('action', '=', 'programme.content').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_id, admin.personId);
    assert.equal(audit[0]!.summary, 'Changed the home page: summary');
  });

  it('changes projects, aims, ways to take part and the timeline, audited', async () => {
    const programme = (await findProgramme(t.data.db))!;
    const details = await loadProgrammeDetails(t.data.db, programme.id);
    const form = contentForm((await admin.get('/admin/programme')).body);
    const project = details.projects[0]!;
    const aim = details.aims.find((a) => a.number === 7)!;
    const method = details.methods[0]!;
    const res = await admin.submit(
      '/admin/programme',
      {
        ...form,
        audience: 'Everyone in the radiography support workforce.',
        [`project-${project.id}-name`]: 'Roles and safe delegation',
        [`aim-${aim.id}-title`]: 'New assistant practitioner roles',
        [`method-${method.id}-title`]: 'Online meetings',
        'timeline-1-title': form['timeline-1-title']!,
        'timeline-4-day': '1', 'timeline-4-month': '9', 'timeline-4-year': '2026', 'timeline-4-title': 'First draft guidance shared for comment',
        action: 'save',
      },
      '/admin/programme',
    );
    assert.equal(res.statusCode, 302);
    const page = (await t.client().get('/')).body;
    assert.match(page, /Everyone in the radiography support workforce\./);
    assert.match(page, /Roles and safe delegation/);
    assert.match(page, /<strong>Aim 7: New assistant practitioner roles\.<\/strong>/);
    assert.match(page, /<strong>Online meetings<\/strong>/);
    assert.ok(timelineRows(page).some(([d, w]) => d === '1 September 2026' && w === 'First draft guidance shared for comment'));
    const audit = await t.data.db.selectFrom('audit_events').select('summary').where('action', '=', 'programme.content').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(audit.summary, 'Changed the home page: who it is for, 1 project, 1 aim, 1 way to take part, the timeline');
  });

  it('refuses empty text and typed registration dates, with GOV.UK errors', async () => {
    const form = contentForm((await admin.get('/admin/programme')).body);
    const res = await admin.submit(
      '/admin/programme',
      { ...form, why: '   ', 'timeline-5-day': '31', 'timeline-5-month': '2', 'timeline-5-year': '2026', 'timeline-5-title': 'Registration closes', 'timeline-6-title': 'Something undated', action: 'preview' },
      '/admin/programme',
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /govuk-error-summary/);
    assert.match(res.body, /Enter why the programme matters/);
    assert.match(res.body, /Enter a real date for timeline entry 5/);
    assert.match(res.body, /Timeline entry 5 is about registration: registration dates come from the registration window/);
    assert.match(res.body, /Enter a real date for timeline entry 6/);
    assert.match(res.body, /href="#timeline-5-day"/);
    assert.match(res.body, /value="Something undated"/, 'what was typed is kept');
  });

  it('never contradicts the registration window: its entries follow the window in force', async () => {
    const programme = (await findProgramme(t.data.db))!;
    let rows = timelineRows((await t.client().get('/')).body);
    assert.deepEqual(rows.filter(([, w]) => /regist/i.test(w)), [
      ['10 March 2026', 'Registration of interest opens'],
      ['21 April 2026', 'Last day to register interest (registration closes at the end of the day)'],
    ]);
    await setRegistrationWindow(t.data.db, admin.personId, programme.id, '2026-03-10', '2026-05-31', t.clock);
    t.app.sharedCache.clear();
    rows = timelineRows((await t.client().get('/')).body);
    assert.deepEqual(rows.filter(([, w]) => /regist/i.test(w)), [
      ['10 March 2026', 'Registration of interest opens'],
      ['21 April 2026', 'Registration deadline first announced (since extended)'],
      ['31 May 2026', 'Last day to register interest (registration closes at the end of the day)'],
    ]);
    assert.match((await t.client().get('/')).body, /open until the end of <strong>31 May 2026<\/strong>/);
  });
});

describe('the demo programme’s timeline', () => {
  it('starts from the first start, like the registration window', async () => {
    const t = await createTestApp();
    try {
      t.clock.set('2027-01-15T09:00:00Z');
      await seedDemoProgramme(t.data.db, t.clock);
      const rows = timelineRows((await t.client().get('/')).body);
      assert.deepEqual(rows[0], ['15 January 2027', 'Projects announced']);
      assert.deepEqual(rows[1], ['15 January 2027', 'Registration of interest opens']);
      assert.ok(rows.every(([d]) => /202[78]$/.test(d)), rows.map((r) => r[0]).join(', '));
      assert.ok(!rows.some(([d]) => /2024|2025/.test(d)), 'no dates from before the first start');
    } finally {
      await t.close();
    }
  });

  it('timelineOf puts typed entries first on a shared date and keeps an extended deadline', () => {
    const entries = timelineOf({ registration_opens_on: '2026-01-01', registration_closes_on: '2026-02-01', announced_deadline_on: '2026-01-20' }, [{ on_date: '2026-01-01', title: 'Launch' }]);
    assert.deepEqual(entries.map((e) => e.title), ['Launch', 'Registration of interest opens', 'Registration deadline first announced (since extended)', 'Last day to register interest (registration closes at the end of the day)']);
  });
});

describe('migration 010', () => {
  it('removes typed timeline entries about registration, which now come from the window', async () => {
    const data = await createTestDatabase();
    try {
      await seedDemoProgramme(data.db, () => new Date('2026-03-10T12:00:00Z'));
      const programme = (await findProgramme(data.db))!;
      const tx = scoped<ProgrammeTable>(data.db);
      await tx.deleteFrom('timeline_events').execute();
      await tx
        .insertInto('timeline_events')
        .values([
          { programme_id: programme.id, on_date: '2024-05-07', title: 'Projects announced; registration of interest opens', position: 1 },
          { programme_id: programme.id, on_date: '2024-06-21', title: 'Announced deadline to register interest', position: 2 },
          { programme_id: programme.id, on_date: '2024-07-01', title: 'Meetings, sub-groups and surveys begin', position: 3 },
        ])
        .execute();
      await migration010(data.db as never, data.engine);
      const left = await tx.selectFrom('timeline_events').select('title').orderBy('on_date').execute();
      assert.deepEqual(left.map((r) => r.title), ['Projects announced', 'Meetings, sub-groups and surveys begin']);
    } finally {
      await data.close();
    }
  });
});
