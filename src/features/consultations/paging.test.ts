// Long consultations stay quick and readable (issue 14, Benchmark): the draft page shows in each
// place the reader's own comments and the newest three others', with the count of all and a link
// to the place's own page, a page of 25 at a time; the team's triage list goes 50 at a time. Both
// engines; hostile page numbers answered.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { mainText, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { consultForm, draftInConsultation } from './test-drafts.ts';

describe(`consultation paging on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let amy: Someone, bo: Someone;
  let id: number;
  let section: { id: number; section_key: string; version_id: number };
  const db = () => f.t.data.db;

  beforeEach(async () => {
    f = await setUp();
    f.t.clock.set('2026-05-20T09:00:00Z');
    admin = await f.signInAs(f.admin.personId);
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    ({ id } = await draftInConsultation(admin, { title: 'Long one', text: '# One\n\nText one.\n\n# Two\n\nText two.' }, consultForm([amy.email, bo.email])));
    section = await db().selectFrom('consultation_sections').select(['id', 'section_key', 'version_id']).orderBy('position').executeTakeFirstOrThrow();
    // 60 comments by Bo on section 1, then one by Amy (the oldest of all).
    const row = (n: number, personId: number) => ({ consultation_id: id, person_id: personId, version_id: section.version_id, section_key: section.section_key, question_id: null, parent_id: null, body: `Comment number ${n}.`, publication: 'anonymous' as const, created_at: `2026-06-02T09:${String(n % 60).padStart(2, '0')}:00Z` });
    await db().insertInto('consultation_comments').values(row(0, amy.personId)).execute();
    await db().insertInto('consultation_comments').values(Array.from({ length: 60 }, (_, i) => row(i + 1, bo.personId))).execute();
    f.t.clock.set('2026-06-05T09:00:00Z');
  });
  afterEach(() => f.t.close());

  it('shows the reader’s own and the newest three in a section, with a link to all of them a page at a time', async () => {
    const amyC = await f.signInAs(amy.personId);
    const page = await amyC.get(`/consultations/${id}`);
    const text = mainText(page.body);
    assert.match(text, /61 comments/);
    assert.match(text, /Comment number 0\./, 'the reader’s own, however old');
    assert.match(text, /Comment number 58\..*Comment number 59\..*Comment number 60\./);
    assert.doesNotMatch(text, /Comment number 57\./);
    assert.match(page.body, new RegExp(`href="/consultations/${id}/sections/${section.id}/comments">Read all 61 comments on section 1`));
    const all = `/consultations/${id}/sections/${section.id}/comments`;
    let list = await amyC.get(all);
    assert.equal(list.statusCode, 200);
    assert.match(mainText(list.body), /Section 1: One: 61 comments/);
    assert.equal((list.body.match(/Comment number \d+\./g) ?? []).length, 25);
    assert.match(list.body, /govuk-pagination/);
    list = await amyC.get(`${all}?page=3`);
    assert.deepEqual(list.body.match(/Comment number \d+\./g), ['Comment number 50.', ...Array.from({ length: 10 }, (_, i) => `Comment number ${51 + i}.`)]);
    assert.match(list.body, /<title>[^<]*page 3 of 3/);
    for (const bad of ['999', '0', '-1', 'x', '1e9', '%27']) assert.equal((await amyC.get(`${all}?page=${bad}`)).statusCode, 200, bad);
    assert.equal((await amyC.get(`/consultations/${id}/sections/999999/comments`)).statusCode, 404);
    assert.equal((await amyC.get(`/consultations/${id}/general/comments`)).statusCode, 200);
    const cy = await f.register('Cy Carter');
    assert.equal((await (await f.signInAs(cy.personId)).get(all)).statusCode, 404, 'not in the audience');
  });

  it('lists the team’s triage 50 comments at a time', async () => {
    admin = await f.signInAs(f.admin.personId);
    let res = await admin.get(`/admin/consultations/${id}/triage`);
    assert.match(mainText(res.body), /61 comments, page 1 of 2/);
    assert.equal((res.body.match(/>Respond<span/g) ?? []).length, 50);
    res = await admin.get(`/admin/consultations/${id}/triage?page=2&section=${section.section_key}`);
    assert.equal((res.body.match(/>Respond<span/g) ?? []).length, 11);
    assert.match(res.body, new RegExp(`triage\\?section=${section.section_key}&amp;page=1`), 'the filter kept in the page links');
    for (const bad of ['999', 'x', '-3']) assert.equal((await admin.get(`/admin/consultations/${id}/triage?page=${bad}`)).statusCode, 200);
  });
});
