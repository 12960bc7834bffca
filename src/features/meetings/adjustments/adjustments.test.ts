// Adjustment requests over HTTP on both engines: an invitee asks, changes and withdraws; bad
// answers are refused with the form's errors and save nothing; only invitees may ask, and not
// once the meeting is cancelled or has ended; organisers see the requests and mark one arranged,
// which tells the person; export and erasure of the requests; hostile input is a 4xx.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../../test/helpers/database.ts';
import { makeLead } from '../../../platform/audience/access.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { assign, createSubgroup } from '../../participants/service.ts';
import { errorSummary, mainText, setUp, type Fixture, type Someone } from '../../participants/test-fixture.ts';
import { meetingsPersonalData } from '../personal-data.ts';
import { addMeeting } from '../lists/test-support.ts';
import { seedDemoAdjustments } from './demo.ts';
import { adjustmentsPart } from './part.ts';

describe(`meeting adjustments on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let amy: Someone, bo: Someone, cy: Someone;
  let meetingId: number;
  const db = () => f.t.data.db;
  const requests = () => db().selectFrom('meeting_adjustments').selectAll().orderBy('id').execute();

  beforeEach(async () => {
    f = await setUp();
    amy = await f.register('Amy Archer');
    bo = await f.register('Bo Baker');
    cy = await f.register('Cy Carter');
    meetingId = await addMeeting(db(), f.programmeId, { title: 'Steering group', startsAt: '2026-04-01T09:00:00Z', audience: [{ kind: 'person', id: amy.personId }, { kind: 'person', id: bo.personId }] });
  });
  afterEach(() => f.t.close());

  const ask = async (who: Someone, form: Record<string, string | string[]>) => (await f.signInAs(who.personId)).submit(`/meetings/${meetingId}/adjustment`, form, `/meetings/${meetingId}`);

  it('lets an invitee ask, change and withdraw; organisers see it and mark it arranged, and the person is told', async () => {
    const amyC = await f.signInAs(amy.personId);
    let page = mainText((await amyC.get(`/meetings/${meetingId}`)).body);
    assert.match(page, /Adjustments If you need something to take part/);
    const form = await amyC.get(`/meetings/${meetingId}/adjustment`);
    assert.equal(form.statusCode, 200);
    assert.match(mainText(form.body), /Ask for an adjustment .*Live captions.*British Sign Language.*Something else/);

    const sent = await amyC.submit(`/meetings/${meetingId}/adjustment`, { needs: ['captions', 'other'], details: 'Large print papers' }, `/meetings/${meetingId}/adjustment`);
    assert.equal(sent.statusCode, 302);
    assert.equal(sent.headers.location, `/meetings/${meetingId}#adjustments`);
    page = mainText((await amyC.get(`/meetings/${meetingId}`)).body);
    assert.match(page, /Your request has been sent to the organisers/);
    assert.match(page, /You asked for Live captions; Something else What you told us Large print papers Status Sent to the organisers/);
    let rows = await requests();
    assert.deepEqual(rows.map((r) => [r.person_id, r.needs, r.details, r.status]), [[amy.personId, 'captions,other', 'Large print papers', 'requested']]);

    // The organiser (an admin) sees it on the page and in the list, and arranges it.
    assert.match(mainText((await f.admin.get(`/meetings/${meetingId}`)).body), /1 person has asked for an adjustment, 1 still to arrange.*Amy Archer/);
    const list = await f.admin.get(`/meetings/${meetingId}/adjustments`);
    assert.equal(list.statusCode, 200);
    assert.match(mainText(list.body), /Amy Archer : see the request Live captions; Something else Large print papers To arrange/);
    const one = `/meetings/${meetingId}/adjustments/${rows[0]!.id}`;
    assert.match(mainText((await f.admin.get(one)).body), /Adjustment request from Amy Archer.*amy\.archer@example\.org/);
    const arranged = await f.admin.submit(one, { note: 'Captions will be on; papers posted Monday.' }, one);
    assert.equal(arranged.statusCode, 302);
    assert.match(mainText((await f.admin.get(arranged.headers.location!)).body), /Marked as arranged.*Arranged/);
    rows = await requests();
    assert.equal(rows[0]!.status, 'arranged');
    assert.equal(rows[0]!.arranged_by, f.admin.personId);
    const notes = await db().selectFrom('notifications').select(['kind', 'person_id']).where('kind', '=', 'meetings.adjustment').execute();
    assert.deepEqual(notes.map((n) => ({ ...n })), [{ kind: 'meetings.adjustment', person_id: amy.personId }]);
    const mail = await db().selectFrom('outbox').select(['to_address', 'subject', 'text_body']).where('to_address', '=', amy.email).where('subject', 'like', '%adjustment%').execute();
    assert.deepEqual(mail.map((m) => m.subject), ['Your adjustment for “Steering group” is arranged']);
    assert.match(mail[0]!.text_body, /live captions; something else.*Wednesday 1 April 2026, 10:00am to 11:00am \(UK time\)/s);
    assert.match(mail[0]!.text_body, /Their note: Captions will be on; papers posted Monday\./);
    assert.match(mainText((await amyC.get(`/meetings/${meetingId}`)).body), /Status Arranged: Captions will be on; papers posted Monday\./);

    // A change goes back to the organisers to look at again.
    const change = await amyC.get(`/meetings/${meetingId}/adjustment`);
    assert.match(mainText(change.body), /Change your adjustment request/);
    assert.match(change.body, /value="captions" checked/);
    await amyC.submit(`/meetings/${meetingId}/adjustment`, { needs: 'bsl', details: '' }, `/meetings/${meetingId}/adjustment`);
    rows = await requests();
    assert.deepEqual(rows.map((r) => [r.needs, r.details, r.status, r.arranged_note]), [['bsl', '', 'requested', null]]);

    // Withdrawn: gone.
    const withdrawn = await amyC.submit(`/meetings/${meetingId}/adjustment/withdraw`, {}, `/meetings/${meetingId}/adjustment`);
    assert.equal(withdrawn.statusCode, 302);
    assert.match(mainText((await amyC.get(withdrawn.headers.location!)).body), /Your request has been withdrawn.*Ask for an adjustment/);
    assert.equal((await requests()).length, 0);
    const again = await amyC.submit(`/meetings/${meetingId}/adjustment/withdraw`, {}, `/meetings/${meetingId}`);
    assert.match(mainText((await amyC.get(again.headers.location!)).body), /You had no request for this meeting/);
  });

  it('lets a sub-group’s lead see and arrange the requests for its meeting, and no other lead', async () => {
    const [p1, p2] = f.projects.map((p) => p.id) as [number, number];
    const s = await createSubgroup(db(), f.admin.personId, p1, { name: 'Delegation', description: '' }, f.t.clock);
    const other = await createSubgroup(db(), f.admin.personId, p2, { name: 'Imaging', description: '' }, f.t.clock);
    if (!s.ok || !other.ok) throw new Error('sub-groups');
    await assign(db(), f.admin.personId, { projectId: p1, subgroupId: s.id }, [amy.personId, bo.personId], f.t.clock);
    await assign(db(), f.admin.personId, { projectId: p2, subgroupId: other.id }, [cy.personId], f.t.clock);
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: s.id }, bo.personId, f.t.clock)).ok);
    assert.ok((await makeLead(db(), { kind: 'subgroup', id: other.id }, cy.personId, f.t.clock)).ok);
    const group = await addMeeting(db(), f.programmeId, { title: 'Delegation meeting', startsAt: '2026-04-02T09:00:00Z', audience: [{ kind: 'subgroup', id: s.id }] });
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.submit(`/meetings/${group}/adjustment`, { needs: 'bsl' }, `/meetings/${group}`)).statusCode, 302);
    const [r] = await requests();
    const lead = await f.signInAs(bo.personId);
    assert.match(mainText((await lead.get(`/meetings/${group}/adjustments`)).body), /Amy Archer/);
    const one = `/meetings/${group}/adjustments/${r!.id}`;
    assert.equal((await lead.submit(one, { note: 'Interpreter booked' }, one)).statusCode, 302);
    assert.equal((await requests())[0]!.status, 'arranged');
    const otherLead = await f.signInAs(cy.personId);
    assert.equal((await otherLead.get(`/meetings/${group}/adjustments`)).statusCode, 404);
    assert.equal((await otherLead.get(one)).statusCode, 404);
  });

  it('refuses a request with nothing chosen, an unknown need, or "something else" unexplained, saving nothing', async () => {
    const cases: [Record<string, string | string[]>, [string, string][]][] = [
      [{}, [['Choose what you need', '#needs']]],
      [{ needs: '' }, [['Choose what you need', '#needs']]],
      [{ needs: ['captions', 'teleport'] }, [['Choose what you need from the list', '#needs']]],
      [{ needs: 'other', details: '   ' }, [['Tell us what else you need', '#details']]],
      [{ needs: 'captions', details: 'x'.repeat(501) }, [['What you need must be 500 characters or fewer', '#details']]],
      [{ needs: 'captions', details: 'bad \u0000 byte' }, [['What you need contains characters we cannot read: remove them and try again', '#details']]],
      [{ needs: 'captions', details: ['a', 'b'] }, [['What you need must be text', '#details']]],
    ];
    for (const [form, expected] of cases) {
      const res = await ask(amy, form);
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.deepEqual(errorSummary(res.body), expected, JSON.stringify(form));
    }
    assert.equal((await requests()).length, 0);
  });

  it('lets only invitees ask, and not once the meeting is cancelled or has ended', async () => {
    const cyC = await f.signInAs(cy.personId);
    assert.equal((await cyC.get(`/meetings/${meetingId}/adjustment`)).statusCode, 404);
    assert.equal((await cyC.submit(`/meetings/${meetingId}/adjustment`, { needs: 'captions' }, '/my')).statusCode, 404, 'not invited');
    assert.equal((await f.admin.submit(`/meetings/${meetingId}/adjustment`, { needs: 'captions' }, '/meetings')).statusCode, 404, 'admins organise, they do not ask');
    const amyC = await f.signInAs(amy.personId);
    assert.equal((await amyC.get(`/meetings/${meetingId}/adjustments`)).statusCode, 404, 'an invitee does not see the others’ requests');
    const draft = await addMeeting(db(), f.programmeId, { title: 'Draft', startsAt: '2026-04-01T09:00:00Z', status: 'draft', audience: [{ kind: 'person', id: amy.personId }] });
    assert.equal((await amyC.submit(`/meetings/${draft}/adjustment`, { needs: 'captions' }, '/my')).statusCode, 404, 'a draft has no invitees yet');
    assert.equal((await requests()).length, 0);

    // Bo asks, then the meeting is cancelled: his request stays readable, new ones are refused.
    assert.equal((await ask(bo, { needs: 'documents' })).statusCode, 302);
    await db().updateTable('meetings').set({ status: 'cancelled', cancelled_at: f.t.clock().toISOString() }).where('id', '=', meetingId).execute();
    const refused = await ask(amy, { needs: 'captions' });
    assert.equal(refused.statusCode, 302);
    assert.match(mainText((await amyC.get(refused.headers.location!)).body), /This meeting has been cancelled, so you cannot ask for an adjustment for it\./);
    // The organiser can no longer mark it arranged: an email saying so would mislead.
    const [boRequest] = await requests();
    const one = `/meetings/${meetingId}/adjustments/${boRequest!.id}`;
    assert.match(mainText((await f.admin.get(one)).body), /This meeting has been cancelled, so there is nothing to arrange\./);
    assert.doesNotMatch((await f.admin.get(one)).body, /Mark as arranged/);
    const token = await f.admin.csrfToken(`/meetings/${meetingId}/adjustments`);
    const late = await f.admin.post(one, { note: 'Booked anyway' }, token);
    assert.equal(late.statusCode, 302);
    assert.match(mainText((await f.admin.get(late.headers.location!)).body), /This meeting has been cancelled, so there is nothing to arrange\./);
    assert.equal((await requests())[0]!.status, 'requested');
    assert.equal((await db().selectFrom('notifications').select('id').where('kind', '=', 'meetings.adjustment').execute()).length, 0, 'nobody told');
    const boC = await f.signInAs(bo.personId);
    assert.match(mainText((await boC.get(`/meetings/${meetingId}`)).body), /You asked for The papers sent to me before the meeting/);
    assert.doesNotMatch((await boC.get(`/meetings/${meetingId}`)).body, /Change or withdraw your request/);

    // Ended.
    const ended = await addMeeting(db(), f.programmeId, { title: 'Soon over', startsAt: '2026-03-11T09:00:00Z', audience: [{ kind: 'person', id: amy.personId }] });
    f.t.clock.set('2026-03-11T10:00:00Z');
    const lateAmy = await f.signInAs(amy.personId);
    const res = await lateAmy.submit(`/meetings/${ended}/adjustment`, { needs: 'captions' }, `/meetings/${ended}`);
    assert.equal(res.statusCode, 302);
    assert.match(mainText((await lateAmy.get(res.headers.location!)).body), /This meeting has ended, so you cannot ask/);
    assert.equal((await lateAmy.get(`/meetings/${ended}/adjustment`)).statusCode, 302);
    assert.deepEqual((await requests()).map((r) => r.person_id), [bo.personId]);
  });

  it('exports and erases a person’s requests, and takes an organiser’s name off what they arranged', async () => {
    await ask(amy, { needs: ['bsl'], details: 'Two interpreters' });
    const [r] = await requests();
    await f.admin.submit(`/meetings/${meetingId}/adjustments/${r!.id}`, { note: 'Booked' }, `/meetings/${meetingId}/adjustments/${r!.id}`);
    const out = await adjustmentsPart.personalData!.exportPerson(db(), amy.personId);
    assert.deepEqual(out.meeting_adjustment_requests!.map((x) => [x.meeting_id, x.title, x.needs, x.details, x.status, x.arranged_note]), [[meetingId, 'Steering group', 'bsl', 'Two interpreters', 'arranged', 'Booked']]);
    // Through the meetings feature's own personal data, as the privacy page reads it.
    assert.equal((await meetingsPersonalData.exportPerson(db(), amy.personId)).meeting_adjustment_requests!.length, 1);
    assert.equal((await meetingsPersonalData.exportPerson(db(), f.admin.personId)).meeting_adjustments_arranged!.length, 1);
    await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, f.admin.personId, f.t.clock));
    assert.equal((await requests())[0]!.arranged_by, null);
    await inTransaction(db(), (tx) => meetingsPersonalData.erasePerson(tx, amy.personId, f.t.clock));
    assert.equal((await requests()).length, 0);
    assert.deepEqual((await adjustmentsPart.personalData!.exportPerson(db(), amy.personId)).meeting_adjustment_requests, []);
  });

  it('seeds the demo’s requests only for invitees, one of them arranged', async () => {
    const jo = await f.register('Jo Williams', { email: 'participant@example.org' });
    const demo = await addMeeting(db(), f.programmeId, { title: 'Programme update', startsAt: '2026-04-01T09:00:00Z', audience: [{ kind: 'person', id: jo.personId }] });
    assert.equal(await seedDemoAdjustments(db(), f.programmeId, demo, f.admin.personId, f.t.clock), 1, 'the second demo person is not here');
    const rows = await requests();
    assert.deepEqual(rows.map((r) => [r.person_id, r.needs, r.status]), [[jo.personId, 'captions,documents', 'arranged']]);
    assert.equal(await seedDemoAdjustments(db(), f.programmeId, meetingId, f.admin.personId, f.t.clock), 0, 'Jo is not invited to this one');
  });

  it('answers a hostile address or body with a 4xx, never a 500', async () => {
    await ask(amy, { needs: 'captions' });
    const [r] = await requests();
    const amyC = await f.signInAs(amy.personId);
    for (const url of ['/meetings/abc/adjustment', '/meetings/0/adjustment', '/meetings/99999999999/adjustment', `/meetings/${meetingId}/adjustments/abc`, `/meetings/${meetingId}/adjustments/-1`, `/meetings/${meetingId}/adjustments/999999`, `/meetings/999999/adjustments/${r!.id}`, `/meetings/${meetingId}/adjustments/${r!.id}`]) {
      for (const c of [f.admin, amyC]) {
        const res = await c.get(url);
        const expectOk = c === f.admin && url === `/meetings/${meetingId}/adjustments/${r!.id}`;
        assert.ok(expectOk ? res.statusCode === 200 : res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
      }
    }
    const one = `/meetings/${meetingId}/adjustments/${r!.id}`;
    const long = await f.admin.submit(one, { note: 'x'.repeat(501) }, one);
    assert.equal(long.statusCode, 400);
    assert.deepEqual(errorSummary(long.body), [['The note must be 500 characters or fewer', '#note']]);
    const lines = await f.admin.submit(one, { note: 'one\ntwo' }, one);
    assert.deepEqual(errorSummary(lines.body), [['The note must be on one line', '#note']]);
    assert.equal((await f.admin.submit(one, { note: ['a', 'b'] }, one)).statusCode, 400);
    assert.equal((await amyC.submit(one, { note: 'I arrange it myself' }, `/meetings/${meetingId}`)).statusCode, 404, 'an invitee cannot arrange');
    assert.equal((await requests())[0]!.status, 'requested');
    const html = await ask(amy, { needs: 'other', details: '<script>alert(1)</script>' });
    assert.equal(html.statusCode, 302);
    assert.doesNotMatch((await f.admin.get(`/meetings/${meetingId}/adjustments`)).body, /<script>alert/);
    // A request without the CSRF token is refused.
    assert.ok([400, 403].includes((await amyC.post(`/meetings/${meetingId}/adjustment`, { needs: 'captions' })).statusCode));
  });
});
