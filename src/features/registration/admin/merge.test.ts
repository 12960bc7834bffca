import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { h1 } from '../../../../test/helpers/app.ts';
import { acceptRegistration, addNote } from '../service.ts';
import { formFields, register, seededApp, type Seeded } from './test-factory.ts';

describe('the programme team merges two registrations of one person', () => {
  let s: Seeded;
  beforeEach(async () => {
    s = await seededApp();
  });
  afterEach(() => s.t.close());

  const db = () => s.t.data.db;
  const reg = (id: number) => db().selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
  const aims = async (id: number) => (await db().selectFrom('registration_aims').select('aim_number').where('registration_id', '=', id).orderBy('aim_number').execute()).map((a) => a.aim_number);
  const events = (id: number) => db().selectFrom('registration_events').selectAll().where('registration_id', '=', id).orderBy('id').execute();
  const accept = (id: number) => acceptRegistration(db(), id, { actorId: s.admin.personId, baseUrl: s.t.config.baseUrl, clock: s.t.clock }, 'Consent given on a call');
  const merge = (id: number) => `/admin/registrations/${id}/merge`;

  /** Chooses the other registration by its reference; the address of the page that compares them. */
  async function choose(keepId: number, reference: string) {
    return s.admin.submit(merge(keepId), { reference }, merge(keepId));
  }
  /** The compare page's form as it stands, with these choices. */
  async function compareForm(url: string, changes: Record<string, string>) {
    const page = await s.admin.get(url);
    assert.equal(page.statusCode, 200);
    const fields = formFields(page.body.slice(page.body.indexOf('<form method="post" action="/admin/registrations/', page.body.indexOf('<main'))), 'post').filter(([k]) => !(k in changes));
    return { ...Object.fromEntries(fields), ...changes };
  }

  it('keeps the chosen answers, joins the aims, moves history and notes, deletes the other, and audits it', async () => {
    const keep = await register(s, { fullName: 'Dana Price', email: 'dana.price@example.org', jobTitle: 'Imaging assistant', aims: [1, 3] }, { confirm: true });
    const other = await register(s, { fullName: 'Dana Price-Jones', email: 'dana.pj@example.org', jobTitle: 'Senior imaging assistant', aims: [3, 4] });
    await addNote(db(), other.id, s.admin.personId, 'Rang about her second form', s.t.clock);
    const otherEvents = (await events(other.id)).map((e) => e.detail);

    const page = await s.admin.get(`/admin/registrations/${keep.id}`);
    assert.match(page.body, new RegExp(`href="${merge(keep.id)}">Merge with another registration`));
    const ask = await s.admin.get(merge(keep.id));
    assert.equal(h1(ask.body), 'Merge Dana Price’s registration with another');

    // People quote references in lower case and with spaces.
    const chosen = await choose(keep.id, ` ${other.reference.toLowerCase()} `);
    assert.equal(chosen.statusCode, 302);
    const url = `${merge(keep.id)}/${other.id}`;
    assert.equal(chosen.headers.location, url);
    const compare = await s.admin.get(url);
    assert.equal(h1(compare.body), 'Check the two registrations and choose what to keep');
    for (const text of ['Dana Price-Jones', 'dana.pj@example.org', 'Senior imaging assistant', `Kept: ${keep.reference}`, `Deleted: ${other.reference}`]) assert.ok(compare.body.includes(text), text);
    // Radios only for the answers that differ.
    assert.match(compare.body, /name="fullName" type="radio" value="other"/);
    assert.match(compare.body, /name="email" type="radio" value="other"/);
    assert.doesNotMatch(compare.body, /name="department" type="radio"/);
    assert.match(compare.body, /Status: <strong>New<\/strong>/);

    const done = await s.admin.submit(url, await compareForm(url, { fullName: 'other', email: 'other' }), url);
    assert.equal(done.statusCode, 302);
    assert.equal(done.headers.location, `/admin/registrations/${keep.id}`);
    assert.equal(await reg(other.id), undefined, 'the other registration is deleted');
    const merged = (await reg(keep.id))!;
    assert.equal(merged.full_name, 'Dana Price-Jones');
    assert.equal(merged.email, 'dana.pj@example.org');
    assert.equal(merged.job_title, 'Imaging assistant');
    assert.equal(merged.status, 'new');
    assert.deepEqual(await aims(keep.id), [1, 3, 4]);
    const history = await events(keep.id);
    for (const detail of otherEvents) assert.ok(history.some((e) => e.detail === detail), `moved: ${detail}`);
    const line = history.at(-1)!;
    assert.equal(line.action, 'merged');
    assert.ok(line.detail.startsWith(`Merged with ${other.reference} (Dana Price-Jones), which was deleted`), line.detail);
    assert.ok(line.detail.includes('name: “Dana Price” → “Dana Price-Jones”'), line.detail);
    assert.ok(line.detail.includes('aims: 1, 3 → 1, 3, 4'), line.detail);
    const notes = await db().selectFrom('registration_notes').selectAll().where('registration_id', '=', keep.id).execute();
    assert.deepEqual(notes.map((n) => n.body), ['Rang about her second form']);
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'registration.merge').where('record_id', '=', String(keep.id)).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.summary, `Merged ${other.reference} into ${keep.reference}`);
    const shown = await s.admin.get(`/admin/registrations/${keep.id}`);
    assert.ok(shown.body.includes(`${other.reference} was merged into this registration and deleted.`));
    // The search finds the merged registration by the name it kept.
    const found = await s.admin.get('/admin/registrations?q=price-jones');
    assert.ok(found.body.includes(keep.reference));
    assert.ok(!found.body.includes(other.reference));
  });

  it('refuses the same registration, a reference that does not exist, and two different accounts, saying why', async () => {
    const a = await register(s, { fullName: 'Eli Ward' }, { confirm: true });
    const b = await register(s, { fullName: 'Eli Ward' }, { confirm: true });
    const same = await choose(a.id, a.reference);
    assert.equal(same.statusCode, 400);
    assert.ok(same.body.includes(`<a href="#reference">That is this registration’s own reference (${a.reference})`));
    const unknown = await choose(a.id, 'REG-2222-2222');
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /There is no registration with that reference in this programme/);
    assert.match(unknown.body, /value="REG-2222-2222"/);
    const empty = await choose(a.id, '');
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter the reference of the other registration/);

    await accept(a.id);
    await accept(b.id);
    const accounts = await choose(a.id, b.reference);
    assert.equal(accounts.statusCode, 400);
    assert.match(accounts.body, /each have an account of their own, so they cannot be merged here/);
    // Posting the merge itself is refused the same way, and changes nothing.
    const direct = await s.admin.submit(`${merge(a.id)}/${b.id}`, {}, merge(a.id));
    assert.equal(direct.statusCode, 400);
    assert.ok(await reg(b.id));
    assert.equal((await s.admin.get(`${merge(a.id)}/999999`)).statusCode, 404);
  });

  it('takes the status further along, keeps the account and its sign-in email', async () => {
    const waitlisted = await register(s, { fullName: 'Fay Khan', email: 'fay.k@example.org' }, { then: 'waitlist' });
    const accepted = await register(s, { fullName: 'Fay Khan', email: 'fay.khan@example.org' }, { confirm: true });
    await accept(accepted.id);
    const personId = (await reg(accepted.id))!.person_id;
    const url = `${merge(waitlisted.id)}/${accepted.id}`;
    assert.equal((await choose(waitlisted.id, accepted.reference)).headers.location, url);
    const page = await s.admin.get(url);
    assert.doesNotMatch(page.body, /name="email" type="radio"/);
    assert.match(page.body, /fay.khan@example.org \(from [A-Z0-9-]+\) is kept, because it is how they sign in/);
    assert.match(page.body, /Status: <strong>Accepted<\/strong>/);
    // Even a forged choice cannot take the address away from the account.
    const done = await s.admin.submit(url, await compareForm(url, { email: 'keep' }), url);
    assert.equal(done.statusCode, 302);
    const merged = (await reg(waitlisted.id))!;
    assert.equal(merged.status, 'accepted');
    assert.equal(merged.email, 'fay.khan@example.org');
    assert.equal(merged.person_id, personId);
    assert.ok(merged.email_confirmed_at);
    assert.equal(await reg(accepted.id), undefined);
  });

  it('asks the team to choose the status when one was declined', async () => {
    const declined = await register(s, { fullName: 'Gil Moss' }, { then: 'decline' });
    const fresh = await register(s, { fullName: 'Gil Moss' }, { confirm: true });
    const url = `${merge(fresh.id)}/${declined.id}`;
    const page = await s.admin.get(url);
    assert.match(page.body, /name="status" type="radio" value="new"/);
    assert.match(page.body, /name="status" type="radio" value="declined"/);
    const missing = await s.admin.submit(url, await compareForm(url, {}), url);
    assert.equal(missing.statusCode, 400);
    assert.ok(missing.body.includes('<a href="#status">Choose which status the merged registration keeps</a>'));
    assert.ok(await reg(declined.id), 'nothing merged');
    // A status neither of them has is not a choice.
    const other = await s.admin.submit(url, await compareForm(url, { status: 'accepted' }), url);
    assert.equal(other.statusCode, 400);
    const done = await s.admin.submit(url, await compareForm(url, { status: 'declined' }), url);
    assert.equal(done.statusCode, 302);
    assert.equal((await reg(fresh.id))!.status, 'declined');
    assert.match((await events(fresh.id)).at(-1)!.detail, /status: “new” → “declined”/);
  });

  it('refuses when either registration changed after the page was shown', async () => {
    const a = await register(s, { fullName: 'Hal Noor' });
    const b = await register(s, { fullName: 'Hal Noor' });
    const url = `${merge(a.id)}/${b.id}`;
    const form = await compareForm(url, {});
    s.t.clock.advance(60_000);
    await s.admin.submit(`/admin/registrations/${b.id}/edit`, { fullName: 'Hal Noor', email: b.email!, organisationName: 'Another place', nation: 'Wales', serviceType: 'diagnostic', jobTitle: 'Changed' }, `/admin/registrations/${b.id}/edit`);
    const res = await s.admin.submit(url, form, url);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /One of the registrations changed while you were looking at them/);
    assert.ok(await reg(b.id));
  });
});
