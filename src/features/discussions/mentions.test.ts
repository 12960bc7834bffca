// The @mention type-ahead's lookup on both engines (GET /discussions/spaces/:id/people?q=): only
// for people who may post in the space, only people who can see it, matched on the start of any
// word of their name in any case, names only, never cached; bad input a 400 with a message;
// letters beyond A to Z found however long the list, nobody who withdrew, a limit per person. And
// a post's followers, mentioned and replied-to people told in one batch, each once, by their
// most personal reason, and never someone who cannot see the space.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import type { TestClient } from '../../../test/helpers/app.ts';
import { formKey } from '../../../test/helpers/app.ts';
import { setAudience } from '../../platform/audience/access.ts';
import { setPersonStatus, upsertPerson } from '../../platform/auth/people.ts';
import { errorSummary, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { assign, removeFromProject } from '../participants/service.ts';
import { withdrawParticipant } from '../registration/service.ts';
import { SPACE_KIND } from './service.ts';

describe(`@mention type-ahead and telling followers on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone, emile: Someone, mary: Someone;
  let amyC: TestClient, cyC: TestClient;
  let projectA: number, projectB: number, spaceId: number;
  const db = () => f.t.data.db;
  const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, errorSummary(res.body).join(' | ') || res.body.slice(0, 300));
  const lookup = (client: TestClient, q: string | null, space = spaceId) => client.request({ method: 'GET', url: `/discussions/spaces/${space}/people${q === null ? '' : `?q=${encodeURIComponent(q)}`}`, headers: { accept: 'application/json' } });
  const names = async (client: TestClient, q: string, space = spaceId) => {
    const res = await lookup(client, q, space);
    assert.equal(res.statusCode, 200, res.body);
    return (JSON.parse(res.body) as { people: { name: string }[] }).people.map((p) => p.name);
  };
  const keyOf = formKey;

  beforeEach(async () => {
    f = await setUp();
    [projectA, projectB] = [f.projects[0]!.id, f.projects[1]!.id];
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    emile = await f.register('Émile Zola-Ampère');
    mary = await f.register('Mary Amberley');
    await assign(db(), f.admin.personId, { projectId: projectA, subgroupId: null }, [amy.personId, bo.personId, emile.personId, mary.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: projectB, subgroupId: null }, [cy.personId], f.t.clock);
    [amyC, cyC] = [await f.signInAs(amy.personId), await f.signInAs(cy.personId)];
    ok(await f.admin.submit('/discussions/spaces/new', { name: 'Project A talk', description: '', audience: 'projects', audienceProjects: String(projectA) }, '/discussions/spaces/new'));
    spaceId = (await db().selectFrom('discussion_spaces').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  });
  afterEach(() => f.t.close());

  it('lists people who can see the space whose name has a word starting with the letters, any case', async () => {
    assert.deepEqual(await names(amyC, 'Bo'), ['Bo Baker']);
    assert.deepEqual(await names(amyC, 'ba'), ['Bo Baker'], 'the start of the second word');
    assert.deepEqual(await names(amyC, 'BAK'), ['Bo Baker'], 'in any case');
    assert.deepEqual(await names(amyC, 'aker'), [], 'not the middle of a word');
    assert.deepEqual((await names(amyC, 'am')).sort(), ['Mary Amberley', 'Émile Zola-Ampère'].sort(), 'after a space or a hyphen; not the asker herself');
    assert.deepEqual(await names(amyC, 'mary am'), ['Mary Amberley'], 'more than one word');
    // Letters beyond A to Z, in either case, on both engines.
    assert.deepEqual(await names(amyC, 'é'), ['Émile Zola-Ampère']);
    assert.deepEqual(await names(amyC, 'ÉMI'), ['Émile Zola-Ampère']);
    assert.deepEqual(await names(amyC, 'ampè'), ['Émile Zola-Ampère']);
    assert.deepEqual(await names(amyC, 'ampé'), [], 'a different letter is not taken for it');
    // Cy cannot see the space (project B): never offered, whatever is typed.
    assert.deepEqual(await names(amyC, 'Cy'), []);
    assert.deepEqual(await names(amyC, 'carter'), []);
  });

  it('offers at most 8 people, only active ones who can see the space, and names only', async () => {
    const many: Someone[] = [];
    for (let i = 0; i < 10; i++) many.push(await f.register(`Amos Tester${String.fromCharCode(97 + i)}`));
    await assign(db(), f.admin.personId, { projectId: projectA, subgroupId: null }, many.map((m) => m.personId), f.t.clock);
    const res = await lookup(amyC, 'amos');
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.body) as { people: Record<string, unknown>[] };
    assert.equal(body.people.length, 8);
    assert.deepEqual(body.people.map((p) => p.name), many.slice(0, 8).map((m) => m.name), 'by name');
    assert.ok(body.people.every((p) => Object.keys(p).join() === 'name'), 'each person only a name: no id, no email');
    assert.doesNotMatch(res.body, /@example\.org|"id"/);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.match(String(res.headers['content-type']), /^application\/json/);

    // Someone disabled, or who left the project, is not offered.
    await setPersonStatus(db(), mary.personId, 'disabled', f.t.clock);
    await removeFromProject(db(), f.admin.personId, projectA, bo.personId, f.t.clock);
    assert.deepEqual(await names(amyC, 'mary'), []);
    assert.deepEqual(await names(amyC, 'bo'), []);
    // An admin sees every space, so an admin is offered.
    const admin = await db().selectFrom('people').select('name').where('id', '=', f.admin.personId).executeTakeFirstOrThrow();
    assert.deepEqual(await names(amyC, admin.name.split(' ').at(-1)!), [admin.name]);
  });

  it('finds a name starting with a letter beyond A to Z however many names sort before it, stored in either case; never someone who withdrew', async () => {
    // Open to everyone signed in, with 60 names that sort before "É" (every Latin-letter name does).
    await setAudience(db(), SPACE_KIND, spaceId, [{ kind: 'signed-in' }]);
    const now = f.t.clock().toISOString();
    const person = (name: string, i: number) => ({ email: `p${i}@example.org`, email_normalised: `p${i}@example.org`, name, role: 'participant' as const, status: 'active' as const, created_at: now, updated_at: now, programme_mail_stopped_at: null });
    await db().insertInto('people').values([...Array.from({ length: 60 }, (_, i) => person(`Aaron Example${String(i).padStart(2, '0')}`, i)), person('élodie Lower', 60), person('ÉVA UPPER', 61)]).execute();
    assert.deepEqual(await names(amyC, 'é'), ['ÉVA UPPER', 'Émile Zola-Ampère', 'élodie Lower']);
    assert.deepEqual(await names(amyC, 'É'), ['ÉVA UPPER', 'Émile Zola-Ampère', 'élodie Lower']);
    assert.deepEqual(await names(amyC, 'émile zola-ampè'), ['Émile Zola-Ampère'], 'two such letters, each in its own case');
    assert.deepEqual(await names(amyC, 'e\u0301m'), ['Émile Zola-Ampère'], 'an accent typed as a separate mark');
    assert.deepEqual(await names(amyC, 'aaron'), Array.from({ length: 8 }, (_, i) => `Aaron Example0${i}`));
    // Mary can see a space for everyone signed in, but once she withdraws she is not offered.
    assert.deepEqual(await names(amyC, 'mary'), ['Mary Amberley']);
    await withdrawParticipant(db(), mary.personId, f.t.clock);
    assert.deepEqual(await names(amyC, 'mary'), []);
    assert.deepEqual(await names(amyC, 'amber'), []);
  });

  it('counts lookups per person: one who asks too often is told to wait, others are not', async () => {
    const boC = await f.signInAs(bo.personId);
    for (let i = 0; i < 120; i++) assert.equal((await lookup(amyC, 'Bo')).statusCode, 200, `lookup ${i + 1}`);
    const refused = await lookup(amyC, 'Bo');
    assert.equal(refused.statusCode, 429);
    assert.doesNotMatch(refused.body, /Baker/);
    assert.deepEqual(await names(boC, 'Amy'), ['Amy Archer'], 'another person still gets names');
  });

  it('refuses anyone who may not post in the space, as the other routes do', async () => {
    const refused = await lookup(cyC, 'Amy');
    assert.equal(refused.statusCode, 404, 'a private space is never confirmed to a non-member');
    assert.doesNotMatch(refused.body, /Amy|Archer/);
    assert.equal((await lookup(amyC, 'Amy', 999_999)).statusCode, 404);
    // An observer may not post, so has no one to mention.
    const { person: obs } = await upsertPerson(db(), { email: 'obi@example.org', name: 'Obi Observer', role: 'observer' }, f.t.clock);
    ok(await f.admin.submit('/discussions/spaces/new', { name: 'Open to all', description: '', audience: 'projects', audienceProjects: String(projectB) }, '/discussions/spaces/new'));
    const open = (await db().selectFrom('discussion_spaces').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    await setAudience(db(), SPACE_KIND, open, [{ kind: 'public' }]);
    const obsC = await f.signInAs(obs.id);
    assert.equal((await obsC.get(`/discussions/spaces/${open}`)).statusCode, 200, 'the observer reads the public space');
    assert.equal((await lookup(obsC, 'Amy', open)).statusCode, 403);
    // Nor in an archived space.
    ok(await f.admin.submit(`/discussions/spaces/${spaceId}/archive`, { on: '1' }, `/discussions/spaces/${spaceId}`));
    assert.equal((await lookup(amyC, 'Bo')).statusCode, 403);
    // Signed out: to the sign-in page, nothing listed.
    const out = await f.t.client().request({ method: 'GET', url: `/discussions/spaces/${spaceId}/people?q=Bo`, headers: { accept: 'application/json' } });
    assert.equal(out.statusCode, 302);
    assert.doesNotMatch(out.body, /Baker/);
  });

  it('answers a bad query with a 400 and a clear message, never a 500', async () => {
    const cases: [string | null, RegExp][] = [
      [null, /Type at least one letter/],
      ['', /Type at least one letter/],
      ['   ', /Type at least one letter/],
      ['%', /only the letters/],
      ['a_b', /only the letters/],
      ["Bo'); drop table people; --", /only the letters/],
      ['12', /only the letters/],
      ['a'.repeat(61), /no more than 60 letters/],
      ['a'.repeat(5000), /no more than 60 letters/],
    ];
    for (const [q, message] of cases) {
      const res = await lookup(amyC, q);
      assert.equal(res.statusCode, 400, String(q));
      assert.match((JSON.parse(res.body) as { error: string }).error, message, String(q));
    }
    // A repeated q: the first is taken.
    const twice = await amyC.request({ method: 'GET', url: `/discussions/spaces/${spaceId}/people?q=Bo&q=Cy`, headers: { accept: 'application/json' } });
    assert.deepEqual(JSON.parse(twice.body), { people: [{ name: 'Bo Baker' }] });
  });

  it('tells followers, mentioned and replied-to people once each, by the most personal reason, only if they can see the space', async () => {
    const followers: Someone[] = [];
    for (const name of ['Fola Follower', 'Fen Follower', 'Fay Follower']) followers.push(await f.register(name));
    await assign(db(), f.admin.personId, { projectId: projectA, subgroupId: null }, followers.map((p) => p.personId), f.t.clock);
    for (const p of [...followers, bo, mary, amy]) {
      const c = await f.signInAs(p.personId);
      ok(await c.submit(`/discussions/spaces/${spaceId}/follow`, { on: '1' }, `/discussions/spaces/${spaceId}`));
    }
    // Fay leaves the project (still following, but cannot see the space now); Fen is disabled.
    await removeFromProject(db(), f.admin.personId, projectA, followers[2]!.personId, f.t.clock);
    await setPersonStatus(db(), followers[1]!.personId, 'disabled', f.t.clock);
    const form = `/discussions/spaces/${spaceId}/threads/new`;
    ok(await amyC.submit(form, { title: 'Meeting room', body: 'Ask @Bo Baker about the room.', key: await keyOf(amyC, form), action: 'post' }, form));
    const rows = await db().selectFrom('notifications').select(['person_id', 'kind']).where('kind', 'like', 'discussions.%').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.person_id, r.kind]), [
      [bo.personId, 'discussions.mention'],
      ...[followers[0]!.personId, mary.personId].sort((a, b) => a - b).map((id) => [id, 'discussions.thread']),
    ], 'Bo once, for the mention; not Amy (the author), Fen (disabled) or Fay (cannot see it)');
    const mention = await db().selectFrom('outbox').select(['to_address', 'subject', 'text_body']).where('to_address', '=', bo.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(mention.subject, 'Amy Archer mentioned you in “Meeting room”');
    assert.match(mention.text_body, /Ask @Bo Baker about the room/);
  });
});
