import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createTestApp, h1, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import { details } from '../../../test/helpers/registrations.ts';
import { upsertPerson } from '../../platform/auth/people.ts';
import { seedDemoProgramme } from '../programme/seed.ts';
import { findProgramme } from '../programme/queries.ts';
import { submitRegistration, withdrawParticipant, acceptRegistration } from '../registration/service.ts';
import { csvLine } from './export.ts';

describe('registrations for the programme team', () => {
  let t: TestApp;
  let admin: TestClient & { personId: number };
  const ids: Record<string, number> = {};

  before(async () => {
    t = await createTestApp();
    await seedDemoProgramme(t.data.db, t.clock);
    const programmeId = (await findProgramme(t.data.db))!.id;
    const people = [
      { key: 'ann', fullName: 'Ann Abbott', email: 'ann@example.org', roleGroup: 'csw', serviceType: 'diagnostic', nation: 'England', region: 'London', aims: [1, 3], organisationName: 'Zeta Trust' },
      { key: 'ben', fullName: 'Ben Brook', email: 'ben@example.org', roleGroup: 'ap', serviceType: 'radiotherapy', nation: 'Wales', region: null, aims: [2], organisationName: 'Alpha Board' },
      { key: 'cat', fullName: 'Cat Cole', email: 'cat@example.org', roleGroup: 'manager', serviceType: 'both', nation: 'England', region: 'Midlands', aims: [3], organisationName: 'Beta 100% Trust', jobTitle: '=HYPERLINK("x")' },
      { key: 'dan', fullName: 'Dan "Danny" Dale', email: 'dan@example.org', roleGroup: 'csw', serviceType: 'diagnostic', nation: 'Scotland', region: null, aims: [], organisationName: 'Gamma, Health Board' },
    ];
    for (const [i, p] of people.entries()) {
      t.clock.set(`2026-03-0${i + 1}T10:00:00Z`);
      const { registration } = await submitRegistration(t.data.db, details(p), { programmeId, channel: i === 3 ? 'email' : 'web', baseUrl: t.config.baseUrl, clock: t.clock });
      ids[p.key] = registration.id;
    }
    admin = await t.signedIn('admin');
  });
  after(() => t.close());

  const names = (html: string) => [...html.matchAll(/href="\/admin\/registrations\/\d+">([^<]+)</g)].map((m) => m[1]);

  it('lists all registrations, newest first, with a count', async () => {
    const res = await admin.get('/admin/registrations');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Registrations');
    assert.match(res.body, /<strong>4 registrations<\/strong> match/);
    assert.deepEqual(names(res.body), ['Dan &quot;Danny&quot; Dale', 'Cat Cole', 'Ben Brook', 'Ann Abbott']);
  });

  it('filters by role group, service, nation, region, aim, channel, status and text', async () => {
    const cases: [string, string[]][] = [
      ['roleGroup=csw', ['Dan &quot;Danny&quot; Dale', 'Ann Abbott']],
      ['service=radiotherapy', ['Ben Brook']],
      ['nation=England', ['Cat Cole', 'Ann Abbott']],
      ['region=Midlands', ['Cat Cole']],
      ['aim=3', ['Cat Cole', 'Ann Abbott']],
      ['channel=email', ['Dan &quot;Danny&quot; Dale']],
      ['status=unconfirmed', ['Dan &quot;Danny&quot; Dale', 'Cat Cole', 'Ben Brook', 'Ann Abbott']],
      ['status=accepted', []],
      ['q=BROOK', ['Ben Brook']],
      ['q=100%25', ['Cat Cole']],
      ['q=_', []],
      ['roleGroup=csw&nation=Scotland', ['Dan &quot;Danny&quot; Dale']],
    ];
    for (const [query, expected] of cases) assert.deepEqual(names((await admin.get(`/admin/registrations?${query}`)).body), expected, query);
  });

  it('ignores filter values that are not choices, and says so', async () => {
    const res = await admin.get('/admin/registrations?status=bogus&aim=abc&sort=evil&page=-3');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /not recognised and have been ignored/);
    assert.equal(names(res.body).length, 4);
  });

  it('sorts by name and organisation both ways, with aria-sort on the active column', async () => {
    const byName = await admin.get('/admin/registrations?sort=name&dir=asc');
    assert.deepEqual(names(byName.body), ['Ann Abbott', 'Ben Brook', 'Cat Cole', 'Dan &quot;Danny&quot; Dale']);
    assert.match(byName.body, /aria-sort="ascending"><a class="govuk-link" href="\/admin\/registrations\?sort=name">Name/);
    const byOrg = await admin.get('/admin/registrations?sort=organisation&dir=desc');
    assert.deepEqual(names(byOrg.body), ['Ann Abbott', 'Dan &quot;Danny&quot; Dale', 'Cat Cole', 'Ben Brook']);
  });

  it('pages through 50 at a time', async () => {
    const programmeId = (await findProgramme(t.data.db))!.id;
    const t2 = await createTestApp();
    try {
      await seedDemoProgramme(t2.data.db, t2.clock);
      const pid = (await findProgramme(t2.data.db))!.id;
      for (let i = 0; i < 55; i++) await submitRegistration(t2.data.db, details({ email: `p${i}@example.org`, fullName: `Person ${String(i).padStart(2, '0')}` }), { programmeId: pid, channel: 'web', baseUrl: 'http://x', clock: t2.clock });
      const c = await t2.signedIn('admin');
      const one = await c.get('/admin/registrations?sort=name&dir=asc');
      assert.equal(names(one.body).length, 50);
      assert.match(one.body, /Page 1 of 2/);
      const two = await c.get('/admin/registrations?sort=name&dir=asc&page=2');
      assert.deepEqual(names(two.body), ['Person 50', 'Person 51', 'Person 52', 'Person 53', 'Person 54']);
    } finally {
      await t2.close();
    }
    assert.ok(programmeId);
  });

  it('shows a registration with its details, history and notes', async () => {
    const page = await admin.get(`/admin/registrations/${ids.ben}`);
    assert.equal(page.statusCode, 200);
    assert.equal(h1(page.body), 'Ben Brook');
    assert.match(page.body, /Alpha Board/);
    assert.match(page.body, /Radiotherapy roles guidance/);
    assert.match(page.body, /Registered by the web form/);
    const note = await admin.submit(`/admin/registrations/${ids.ben}/notes`, { body: 'Called; keen on sub-group 2.' }, `/admin/registrations/${ids.ben}`);
    assert.equal(note.statusCode, 302);
    const after = await admin.get(`/admin/registrations/${ids.ben}`);
    assert.match(after.body, /Called; keen on sub-group 2\./);
    assert.equal((await admin.get('/admin/registrations/999999')).statusCode, 404);
    assert.equal((await admin.get('/admin/registrations/abc')).statusCode, 404);
  });

  it('accepts: participant account, welcome email, history and audit', async () => {
    const res = await admin.submit(`/admin/registrations/${ids.ann}/accept`, {}, `/admin/registrations/${ids.ann}`);
    assert.equal(res.headers.location, `/admin/registrations/${ids.ann}?done=accept`);
    const r = await t.data.db.selectFrom('registrations').selectAll().where('id', '=', ids.ann!).executeTakeFirstOrThrow();
    assert.equal(r.status, 'accepted');
    const person = await t.data.db.selectFrom('people').selectAll().where('id', '=', r.person_id!).executeTakeFirstOrThrow();
    assert.equal(person.role, 'participant');
    const mail = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'ann@example.org').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.match(mail.subject, /Welcome/);
    assert.match(mail.text_body, /\/sign-in\//);
    const page = await admin.get(`/admin/registrations/${ids.ann}?done=accept`);
    assert.match(page.body, /Registration accepted\./);
    assert.match(page.body, /welcome email sent/);
    const audit = await admin.get('/admin/audit');
    assert.match(audit.body, new RegExp(`Accepted ${r.reference}`));
  });

  it('declines with a message (emailed) and waitlists', async () => {
    const before = (await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'cat@example.org').execute()).length;
    const form = await admin.get(`/admin/registrations/${ids.cat}/decline`);
    assert.equal(h1(form.body), 'Decline Cat Cole’s registration');
    const tooLong = await admin.submit(`/admin/registrations/${ids.cat}/decline`, { message: 'x'.repeat(2001) }, `/admin/registrations/${ids.cat}/decline`);
    assert.equal(tooLong.statusCode, 400);
    await admin.submit(`/admin/registrations/${ids.cat}/decline`, { message: 'The groups are full this round.' }, `/admin/registrations/${ids.cat}/decline`);
    const mails = await t.data.db.selectFrom('outbox').selectAll().where('to_address', '=', 'cat@example.org').orderBy('id').execute();
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1)!.text_body, /groups are full/);
    await admin.submit(`/admin/registrations/${ids.cat}/waitlist`, {}, `/admin/registrations/${ids.cat}`);
    const r = await t.data.db.selectFrom('registrations').select('status').where('id', '=', ids.cat!).executeTakeFirstOrThrow();
    assert.equal(r.status, 'waitlisted');
  });

  it('acts in bulk, reporting what could not be done', async () => {
    // Withdraw Ann (accepted above) so one of the selection is refused.
    const ann = await t.data.db.selectFrom('registrations').select('person_id').where('id', '=', ids.ann!).executeTakeFirstOrThrow();
    await withdrawParticipant(t.data.db, ann.person_id!, t.clock);
    const res = await admin.submit('/admin/registrations/bulk', { action: 'accept', ids: [String(ids.ben), String(ids.dan), String(ids.ann)], back: '?roleGroup=csw' }, '/admin/registrations');
    assert.equal(res.headers.location, '/admin/registrations?roleGroup=csw&done=accept&ok=2&skipped=1');
    const page = await admin.get(res.headers.location as string);
    assert.match(page.body, /2 registrations accepted\. 1 could not be/);
    const statuses = await t.data.db.selectFrom('registrations').select(['id', 'status']).where('id', 'in', [ids.ben!, ids.dan!, ids.ann!]).execute();
    assert.deepEqual(Object.fromEntries(statuses.map((s) => [s.id, s.status])), { [ids.ben!]: 'accepted', [ids.dan!]: 'accepted', [ids.ann!]: 'withdrawn' });
    const none = await admin.submit('/admin/registrations/bulk', { action: 'accept' }, '/admin/registrations');
    assert.match(none.headers.location as string, /error=none-selected/);
    assert.match((await admin.get(none.headers.location as string)).body, /Select at least one registration/);
    const evil = await admin.submit('/admin/registrations/bulk', { action: 'explode', ids: ['x'] }, '/admin/registrations');
    assert.equal(evil.statusCode, 302);
  });

  it('keeps an admin an admin when accepting their registration', async () => {
    const programmeId = (await findProgramme(t.data.db))!.id;
    await upsertPerson(t.data.db, { email: 'lead@example.org', name: 'Lead', role: 'admin' }, t.clock);
    const { registration } = await submitRegistration(t.data.db, details({ email: 'lead@example.org' }), { programmeId, channel: 'web', baseUrl: 'http://x', clock: t.clock });
    await acceptRegistration(t.data.db, registration.id, { actorId: admin.personId, baseUrl: 'http://x', clock: t.clock });
    assert.equal((await t.data.db.selectFrom('people').select('role').where('email_normalised', '=', 'lead@example.org').executeTakeFirstOrThrow()).role, 'admin');
  });

  it('exports exactly the filtered list as CSV and Excel, defusing formulas', async () => {
    const csv = await admin.get('/admin/registrations/export.csv?nation=England&sort=name&dir=asc');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="registrations-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines.length, 1 + 3, 'header and the three English registrations (incl. lead)');
    assert.match(lines[0]!, /^Reference,Status,Came by,Full name/);
    const listed = names((await admin.get('/admin/registrations?nation=England&sort=name&dir=asc')).body);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[3]), listed);
    assert.ok(csv.body.includes(`'=HYPERLINK(""x"")`) || csv.body.includes(`"'=HYPERLINK(""x"")"`));

    const xlsx = await admin.get('/admin/registrations/export.xlsx?nation=England&sort=name&dir=asc');
    assert.equal(xlsx.statusCode, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Registrations')!;
    const rows: string[] = [];
    sheet.eachRow((row, n) => n > 1 && rows.push(String(row.getCell(4).value)));
    assert.deepEqual(rows, listed);
    const audit = await t.data.db.selectFrom('audit_events').select('action').where('action', 'like', 'registration.export%').execute();
    assert.equal(audit.length, 2);
  });

  it('writes RFC 4180 CSV', () => {
    assert.equal(csvLine(['a', 'b,c', 'say "hi"', 'line\nbreak', '+1', '@x']), `a,"b,c","say ""hi""","line\nbreak",'+1,'@x\r\n`);
  });

  it('is for admins only', async () => {
    const c = await t.signedIn('facilitator');
    for (const path of ['/admin/registrations', `/admin/registrations/${ids.ben}`, '/admin/registrations/export.csv']) assert.equal((await c.get(path)).statusCode, 403, path);
    assert.equal((await c.submit('/admin/registrations/bulk', { action: 'accept', ids: [String(ids.cat)] }, '/account')).statusCode, 403);
  });
});
