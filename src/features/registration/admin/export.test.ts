import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { assign, createSubgroup, projectsWithGroups } from '../../participants/service.ts';
import { acceptRegistration } from '../service.ts';
import { csvLine, EXPORT_HEADERS, exportDateTime } from './export.ts';
import { parseCsv } from '../../../../test/helpers/csv.ts';
import { listedReferences, register, seededApp, type Seeded } from './test-factory.ts';

describe('registrations exports', () => {
  let s: Seeded;
  // Made once: these tests only read the registrations (each download adds an audit row, which
  // the audit test counts from before to after its own downloads).
  before(async () => {
    s = await seededApp();
    // More than a page (and more than one export batch would need with a small batch), in two nations.
    for (let i = 0; i < 70; i++) {
      await register(s, { fullName: `Person ${String(i).padStart(2, '0')}`, nation: i % 3 ? 'England' : 'Wales', region: i % 3 ? 'London' : null, aims: i % 2 ? [1, 4] : [] }, { at: new Date(Date.UTC(2026, 2, 1, 10) + i * 60_000).toISOString() });
    }
    await register(s, { fullName: '=HYPERLINK("https://evil.example","click")', jobTitle: '+44 123', department: '-x', adjustments: '@sum(1)', organisationName: 'Comma, "Quoted"\nand new line', nation: 'England', region: 'London', aims: [2, 5], participation: ['meetings', 'surveys'] });
  });
  after(() => s.t.close());

  /** Every reference the list shows for these filters, across all its pages. */
  async function listedAcrossPages(query: string): Promise<string[]> {
    const refs: string[] = [];
    for (let page = 1; ; page++) {
      const res = await s.admin.get(`/admin/registrations?${query}&page=${page}`);
      refs.push(...listedReferences(res.body));
      if (!res.body.includes('rel="next"')) return refs;
    }
  }

  it('downloads exactly the filtered, sorted list as RFC 4180 CSV, every page of it', async () => {
    const query = 'nation=England&sort=name&dir=asc';
    const res = await s.admin.get(`/admin/registrations/export.csv?${query}&page=2`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.equal(res.headers['content-disposition'], `attachment; filename="registrations-2026-03-01.csv"`);
    assert.ok(res.body.endsWith('\r\n'));
    const rows = parseCsv(res.body);
    assert.deepEqual(rows[0], EXPORT_HEADERS);
    assert.ok(rows.every((r) => r.length === EXPORT_HEADERS.length), 'every record has every field');
    const listed = await listedAcrossPages(query);
    assert.equal(listed.length, 47, '46 English registrations and the hostile one');
    assert.deepEqual(rows.slice(1).map((r) => r[0]), listed);

    const all = parseCsv((await s.admin.get('/admin/registrations/export.csv')).body);
    assert.deepEqual(all.slice(1).map((r) => r[0]), await listedAcrossPages('x=1'));
    const wales = parseCsv((await s.admin.get('/admin/registrations/export.csv?nation=Wales&aim=4')).body);
    assert.deepEqual(wales.slice(1).map((r) => r[0]), await listedAcrossPages('nation=Wales&aim=4'));
    assert.ok(wales.length > 2);
  });

  it('reads the export in batches that each start after the last, in every sort, without gaps or repeats', async () => {
    const { parseFilters } = await import('./filters.ts');
    const { exportRows, listRegistrations } = await import('./queries.ts');
    for (const sort of ['name', 'created', 'status', 'organisation']) {
      for (const dir of ['asc', 'desc']) {
        const { filters } = parseFilters({ sort, dir, nation: 'England' });
        const exported: string[] = [];
        for await (const r of exportRows(s.t.data.db, s.programmeId, filters, 7)) exported.push(r.reference);
        const listed = (await listRegistrations(s.t.data.db, s.programmeId, filters)).map((r) => r.reference);
        assert.equal(exported.length, 47, `${sort} ${dir}`);
        assert.equal(new Set(exported).size, 47, `${sort} ${dir}: no repeats`);
        assert.deepEqual(exported.slice(0, listed.length), listed, `${sort} ${dir}`);
      }
    }
  });

  it('writes readable values and defuses formulas', async () => {
    const rows = parseCsv((await s.admin.get('/admin/registrations/export.csv?aim=2')).body);
    assert.equal(rows.length, 2);
    const row = Object.fromEntries(EXPORT_HEADERS.map((h, i) => [h, rows[1]![i]]));
    assert.equal(row['Full name'], `'=HYPERLINK("https://evil.example","click")`);
    assert.equal(row['Job title'], "'+44 123");
    assert.equal(row['Department or site'], "'-x");
    assert.equal(row.Adjustments, "'@sum(1)");
    assert.equal(row.Organisation, 'Comma, "Quoted"\nand new line');
    assert.equal(row.Status, 'Unconfirmed');
    assert.equal(row['Came by'], 'Web form');
    assert.equal(row['Type of service'], 'Diagnostic imaging (clinical imaging)');
    assert.equal(row['Role group'], 'Clinical support worker (CSW)');
    assert.equal(row['Pay band'], 'Band 2');
    const aims = await s.t.data.db.selectFrom('aims').select(['number', 'title']).orderBy('number').execute();
    assert.equal(row.Aims, [2, 5].map((n) => `Aim ${n}: ${aims.find((a) => a.number === n)!.title}`).join('; '));
    const methods = await s.t.data.db.selectFrom('participation_methods').select(['key', 'title']).orderBy('position').execute();
    assert.equal(row['How they would like to take part'], ['meetings', 'surveys'].map((k) => methods.find((m) => m.key === k)!.title).join(', '));
    assert.equal(row['Email confirmed'], '');
    // London dates as the rest of the service writes them (GMT on 1 March).
    assert.equal(row.Registered, '1 March 2026 11:09');
    assert.equal(row['Consent given'], '1 March 2026 11:09');
    assert.equal(row['ODS code'], '');
    assert.equal(row.Groups, '');

    assert.equal(csvLine(['a', 'b,c', 'say "hi"', 'line\nbreak', '+1', '@x', '-2', '=1', '\tt', '\rr', 'ok=1']), `a,"b,c","say ""hi""","line\nbreak",'+1,'@x,'-2,'=1,'\tt,"'\rr",ok=1\r\n`);
    // A semicolon separates fields where Excel's list separator is one, so it is quoted too (issue 9 #20).
    assert.equal(csvLine(['a;b', 'c']), '"a;b",c\r\n');
  });

  it('writes London dates and times, in summer time too', () => {
    assert.equal(exportDateTime('2026-12-01T09:30:00.000Z'), '1 December 2026 09:30');
    assert.equal(exportDateTime('2026-07-01T08:05:00.000Z'), '1 July 2026 09:05');
    assert.equal(exportDateTime('2026-03-28T23:59:00.000Z'), '28 March 2026 23:59');
    assert.equal(exportDateTime(null), '');
  });

  it('downloads the same rows as an Excel workbook, with text cells that are never formulas', async () => {
    const query = 'nation=England&sort=name&dir=desc';
    const res = await s.admin.get(`/admin/registrations/export.xlsx?${query}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(res.headers['content-disposition'], `attachment; filename="registrations-2026-03-01.xlsx"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Registrations')!;
    const rows: string[][] = [];
    sheet.eachRow((row) => rows.push(EXPORT_HEADERS.map((_, i) => String(row.getCell(i + 1).value ?? ''))));
    assert.deepEqual(rows[0], EXPORT_HEADERS);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), await listedAcrossPages(query));
    const csv = parseCsv((await s.admin.get(`/admin/registrations/export.csv?${query}`)).body);
    // The same cells as the CSV, except that Excel cells hold text as typed.
    const undefuse = (v: string) => v.replace(/^'(?=[=+\-@\t\r])/, '');
    assert.deepEqual(rows, csv.map((r) => r.map(undefuse)));
    let hostile: ExcelJS.Cell | undefined;
    sheet.eachRow((row) => {
      if (String(row.getCell(4).value).startsWith('=HYPERLINK')) hostile = row.getCell(4);
    });
    assert.ok(hostile);
    assert.equal(hostile.type, ExcelJS.ValueType.String);
    assert.equal(hostile.formula, undefined);
  });

  it('records each download in the audit log, and is for admins only', async () => {
    const before = await s.t.data.db.selectFrom('audit_events').selectAll().where('action', 'like', 'registration.export%').execute();
    await s.admin.get('/admin/registrations/export.csv?status=new&bogus=1');
    await s.admin.get('/admin/registrations/export.xlsx');
    const after = await s.t.data.db.selectFrom('audit_events').selectAll().where('action', 'like', 'registration.export%').orderBy('id').execute();
    assert.equal(after.length, before.length + 2);
    assert.deepEqual(after.slice(-2).map((a) => [a.action, a.summary, a.actor_id]), [
      ['registration.export.csv', 'Downloaded registrations as CSV (status=new)', s.admin.personId],
      ['registration.export.xlsx', 'Downloaded registrations as Excel (all)', s.admin.personId],
    ]);
    const facilitator = await s.t.signedIn('facilitator');
    assert.equal((await facilitator.get('/admin/registrations/export.csv')).statusCode, 403);
    assert.equal((await facilitator.get('/admin/registrations/export.xlsx')).statusCode, 403);
    assert.equal((await s.t.data.db.selectFrom('audit_events').selectAll().where('action', 'like', 'registration.export%').execute()).length, after.length);
  });
});

it('an export gives the ODS code of a chosen organisation and the groups of an accepted participant', async (t) => {
  const s = await seededApp();
  t.after(() => s.t.close());
  const org = await s.t.data.db.selectFrom('organisations').select(['id', 'name', 'ods_code']).where('ods_code', 'is not', null).orderBy('name').executeTakeFirstOrThrow();
  const r = await register(s, { fullName: 'Grace Okafor', organisationId: org.id, organisationName: org.name, aims: [6] }, { confirm: true });
  const ctx = { actorId: s.admin.personId, baseUrl: s.t.config.baseUrl, clock: s.t.clock };
  assert.deepEqual(await acceptRegistration(s.t.data.db, r.id, ctx), { ok: true });
  const personId = (await s.t.data.db.selectFrom('registrations').select('person_id').where('id', '=', r.id).executeTakeFirstOrThrow()).person_id!;
  const [first, second] = await projectsWithGroups(s.t.data.db, s.programmeId);
  const made = await createSubgroup(s.t.data.db, s.admin.personId, first!.id, { name: 'Checklist; first draft', description: '' }, s.t.clock);
  assert.ok(made.ok);
  await assign(s.t.data.db, s.admin.personId, { projectId: first!.id, subgroupId: made.id }, [personId], s.t.clock);
  await assign(s.t.data.db, s.admin.personId, { projectId: second!.id, subgroupId: null }, [personId], s.t.clock);
  const res = await s.admin.get('/admin/registrations/export.csv?aim=6');
  assert.match(res.body, /"[^"\r\n]*Checklist; first draft[^"\r\n]*"/, 'a cell with a semicolon is quoted');
  const rows = parseCsv(res.body);
  assert.equal(rows.length, 2);
  const row = Object.fromEntries(EXPORT_HEADERS.map((h, i) => [h, rows[1]![i]]));
  assert.equal(row['ODS code'], org.ods_code);
  assert.equal(row.Groups, [`${first!.name} (Checklist; first draft)`, second!.name].join('; '));
  assert.equal(row.Status, 'Accepted');
});
