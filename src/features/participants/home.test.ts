// The participant's home (/my) over HTTP (both engines): an empty state until there is anything;
// once the team adds them to a project or sub-group they are told (notify(): an email with
// one-click unsubscribe, and a row /my lists under what is new), and the home shows their groups.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { withdrawParticipant } from '../registration/service.ts';
import { mainText, setUp, type Fixture } from './test-fixture.ts';

describe('the participant’s home', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
  });
  afterEach(async () => {
    await f.t.close();
  });

  it('is empty until the team adds them, then tells them and shows their project and what is new', async () => {
    const amy = await f.register('Amy Archer');
    const client = await f.signInAs(amy.personId);
    const empty = mainText((await client.get('/my')).body);
    assert.match(empty, /Nothing here yet When the programme team adds you to a project or sub-group, it will show here/);
    assert.doesNotMatch(empty, /What is new for you/);

    const project = f.projects[0]!;
    const added = await f.admin.submit(`/admin/projects/${project.id}/assign`, { target: 'project', ids: String(amy.personId) }, `/admin/projects/${project.id}`);
    assert.equal(added.statusCode, 302);
    const mail = await f.t.data.db.selectFrom('outbox').select(['subject', 'text_body', 'headers']).where('to_address', '=', amy.email).where('subject', 'like', 'You have been added%').execute();
    assert.deepEqual(mail.map((m) => m.subject), [`You have been added to the project ${project.name}`]);
    assert.match(mail[0]!.text_body, new RegExp(`The programme team has added you to the project ${project.name}\\.`));
    assert.match(mail[0]!.headers ?? '', /List-Unsubscribe-Post/);

    const home = mainText((await client.get('/my')).body);
    assert.doesNotMatch(home, /Nothing here yet/);
    assert.match(home, new RegExp(`Your projects and sub-groups Project: ${project.name} Meetings of ${project.name} You are not in a sub-group of this project yet\\.`));
    assert.match(home, new RegExp(`What is new for you You were added to the project ${project.name} ${project.name},`));

    // Adding them again changes nothing and tells them nothing more.
    await f.admin.submit(`/admin/projects/${project.id}/assign`, { target: 'project', ids: String(amy.personId) }, `/admin/projects/${project.id}`);
    assert.equal((await f.t.data.db.selectFrom('notifications').select('id').where('person_id', '=', amy.personId).execute()).length, 1);
  });

  it('shows a withdrawn person no sections', async () => {
    const bo = await f.register('Bo Baker');
    await f.admin.submit(`/admin/projects/${f.projects[0]!.id}/assign`, { target: 'project', ids: String(bo.personId) }, `/admin/projects/${f.projects[0]!.id}`);
    await withdrawParticipant(f.t.data.db, bo.personId, f.t.clock);
    const text = mainText((await (await f.signInAs(bo.personId)).get('/my')).body);
    assert.match(text, /You withdrew from the/);
    assert.doesNotMatch(text, /What is new for you|Your projects and sub-groups|Nothing here yet/);
  });
});
