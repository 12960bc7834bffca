// Test support: a draft written through the team's form and a consultation opened on it, as the
// tests of the draft page, paging, stored HTML and editing all begin (June 2026, by email list),
// and the usual start: Amy and Bo invited to a consultation open 1 to 30 June.
import assert from 'node:assert/strict';
import type { TestClient } from '../../../test/helpers/app.ts';
import { errorSummary, setUp, type Fixture, type Someone } from '../participants/test-fixture.ts';

/** The consultation form for these people, open 1 to 30 June 2026, comments visible to participants unless `over` says otherwise. */
export const consultForm = (emails: readonly string[], over: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
  audience: 'people',
  audiencePeople: emails.join('\n'),
  'opens-day': '1',
  'opens-month': '6',
  'opens-year': '2026',
  'closes-day': '30',
  'closes-month': '6',
  'closes-year': '2026',
  commentsVisible: 'participants',
  ...over,
});

/** Writes a draft (markdown `text`) and opens a consultation on it; returns both ids. */
export async function draftInConsultation(admin: TestClient, draft: { title: string; text: string }, form: Record<string, string | string[]>): Promise<{ draftId: number; id: number }> {
  const written = await admin.submit('/admin/consultations/drafts/new', { title: draft.title, summary: 'S.', aims: 'A', text: draft.text }, '/admin/consultations/drafts/new');
  assert.equal(written.statusCode, 302, errorSummary(written.body).join(' | '));
  const draftId = Number(/\/drafts\/(\d+)$/.exec(written.headers.location as string)![1]);
  const consult = `/admin/consultations/drafts/${draftId}/consult`;
  const opened = await admin.submit(consult, form, consult);
  assert.equal(opened.statusCode, 302, errorSummary(opened.body).join(' | '));
  return { draftId, id: Number(/\/consultations\/(\d+)$/.exec(opened.headers.location as string)![1]) };
}

/** A 302, or the page's error summary in the failure. */
export const ok = (res: { statusCode: number; body: string }) => assert.equal(res.statusCode, 302, `${res.statusCode} ${errorSummary(res.body).join(' | ')}`);

export type Opened = { f: Fixture; admin: TestClient; amy: Someone; bo: Someone; id: number };

/** A fresh app where the admin opened a consultation on this draft for Amy and Bo (set up on 20 May 2026); the clock is then at `now`. */
export async function openForAmyAndBo(draft: { title: string; text: string }, now = '2026-06-02T09:00:00Z'): Promise<Opened> {
  const f = await setUp();
  f.t.clock.set('2026-05-20T09:00:00Z');
  const first = await f.signInAs(f.admin.personId);
  const amy = await f.register('Amy Archer');
  const bo = await f.register('Bo Baker');
  const { id } = await draftInConsultation(first, draft, consultForm([amy.email, bo.email]));
  f.t.clock.set(now);
  // Signed in again at `now`: a session from 20 May may have expired by then.
  return { f, admin: await f.signInAs(f.admin.personId), amy, bo, id };
}
