// The draft page carries one CSRF token per list of comments, not one per comment: the list is
// one form and each Agree button sends it to its own comment's address (formaction). Without
// JavaScript, a press of that button (its form's token, to its formaction) agrees, and the page
// then offers to take the agreement back; the team's status and response and the redaction note
// are still shown. Both engines.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ENGINE } from '../../../test/helpers/database.ts';
import { mainText, type Fixture, type Someone } from '../participants/test-fixture.ts';
import { ok, openForAmyAndBo } from './test-drafts.ts';

/** Each form on the page that holds Agree buttons: its hidden CSRF tokens and its buttons' addresses. */
function agreeForms(html: string): { tokens: string[]; actions: string[]; attributes: string }[] {
  return [...html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)]
    .filter((m) => m[2]!.includes('formaction='))
    .map((m) => ({ attributes: m[1]!, tokens: [...m[2]!.matchAll(/name="_csrf" value="([^"]+)"/g)].map((t) => t[1]!), actions: [...m[2]!.matchAll(/formaction="([^"]+)"/g)].map((t) => t[1]!) }));
}

describe(`agreeing from the draft page on ${TEST_ENGINE}`, () => {
  let f: Fixture;
  let admin: Awaited<ReturnType<Fixture['signInAs']>>;
  let amy: Someone, bo: Someone;
  let id: number;
  const db = () => f.t.data.db;

  beforeEach(async () => {
    ({ f, admin, amy, bo, id } = await openForAmyAndBo({ title: 'Agreeing', text: '# One\n\nText one.\n\n# Two\n\nText two.' }));
  });
  afterEach(() => f.t.close());

  it('agrees through the list’s one form and the button’s own address, and shows the response and the redaction note', async () => {
    const amyC = await f.signInAs(amy.personId);
    const sections = await db().selectFrom('consultation_sections').select('id').orderBy('position').execute();
    for (const body of ['First point', 'Second point']) {
      const path = `/consultations/${id}/sections/${sections[0]!.id}/comment`;
      ok(await amyC.submit(path, { body, publication: 'named' }, path));
    }
    const [first, second] = await db().selectFrom('consultation_comments').select('id').orderBy('id').execute();
    const at = `/admin/consultations/${id}/comments/${second!.id}`;
    ok(await admin.submit(at, { status: 'partly', response: 'We changed the *order*.' }, at));
    ok(await admin.submit(`${at}/redact`, { redacted: 'Second [removed]', reason: 'Shorter' }, at));

    const boC = await f.signInAs(bo.personId);
    const page = (await boC.get(`/consultations/${id}`)).body;
    const forms = agreeForms(page);
    assert.equal(forms.length, 1, 'one form for the list with comments');
    assert.equal(forms[0]!.tokens.length, 1, 'the token once per list');
    assert.match(forms[0]!.attributes, /method="post"/);
    assert.deepEqual(forms[0]!.actions, [`/consultations/${id}/comments/${first!.id}/agree`, `/consultations/${id}/comments/${second!.id}/agree`]);
    const text = mainText(page);
    assert.match(text, /Comment on this section ?: 1\. One · 2 comments/);
    assert.match(text, /Amy Archer ?, [^(]+ \(UK time\) \(part redacted by the team\) Second \[removed\] The team’s response: Partly accepted We changed the order ?\./);
    assert.match(page, /<strong class="govuk-tag">Partly accepted<\/strong>/);

    // Pressing Agree on the second comment: the form's token, sent to that button's address.
    ok(await boC.post(forms[0]!.actions[1]!, {}, forms[0]!.tokens[0]!));
    const agreed = await db().selectFrom('consultation_agrees').select(['comment_id', 'person_id']).execute();
    assert.deepEqual(agreed.map((a) => [Number(a.comment_id), Number(a.person_id)]), [[second!.id, bo.personId]]);
    const after = mainText((await boC.get(`/consultations/${id}`)).body);
    assert.match(after, /First point 0 people agree Agree with this comment Reply to this comment .* 1 person agrees Take back your agreement with this comment Reply to this comment 2\. Two/);
    // Without the token the press is refused.
    assert.equal((await boC.post(forms[0]!.actions[0]!, {})).statusCode, 403);
  });

  it('has no agree form where the comments are for the team alone', async () => {
    await db().updateTable('consultations').set({ comments_visible: 'team' }).where('id', '=', id).execute();
    const amyC = await f.signInAs(amy.personId);
    const path = `/consultations/${id}/comment`;
    ok(await amyC.submit(path, { body: 'Only for the team', publication: 'named' }, path));
    const page = (await amyC.get(`/consultations/${id}`)).body;
    assert.match(mainText(page), /Only for the team/);
    assert.deepEqual(agreeForms(page), []);
    assert.doesNotMatch(page, /\/agree"/);
  });
});
