// Demo data for the library (invented): a finished output, "Welcome guide for new support
// workers", consulted on two months ago (closed), answered, revised into a second version and
// published to the library with the programme's first aim and its consultation report. Comments
// are made at the consultation's own (past) time; no mail is sent. The demo calls it once people exist,
// after the demo discussions: the output cites the summaries of the discussions closed by then
// (the demo's "How often should we meet online?") as evidence of what participants agreed.
import type { Db } from '../../../platform/db/database.ts';
import { addDays, endOfLondonDay, londonDate, startOfLondonDay, type Clock } from '../../../platform/time.ts';
import { splitMarkdown } from '../import.ts';
import * as cq from '../queries.ts';
import { addComment, createConsultation, createDraft, own } from '../service.ts';
import { editSection, newVersion } from '../versions/service.ts';
import { programmeAims } from './queries.ts';
import { libraryDb } from '../service.ts';
import { citeSummaries, publishDraft } from './service.ts';
import { closedSummaries } from '../../discussions/citations.ts';

const GUIDE = `# Your first day
- Someone will meet you and show you around.
- You will get your badge, your rota and the name of your buddy.

# Your first month
- Shadow a colleague on each kind of shift.
- Meet your supervisor every week.

# Who to ask
- Your buddy for day-to-day questions.
- Your supervisor for anything about your role or your wellbeing.`;

export type DemoLibraryOptions = { programmeId: number; adminId: number; commenters: readonly number[]; clock: Clock };

/** Seeds the published output; returns its library id. */
export async function seedDemoLibrary(db: Db, o: DemoLibraryOptions): Promise<number> {
  const admin = { id: o.adminId, role: 'admin' as const };
  const now = o.clock();
  const then = (days: number): Clock => () => new Date(now.getTime() - days * 86_400_000);
  const opened = londonDate(then(70)());
  const draftId = await createDraft(db, admin, o.programmeId, { title: 'Welcome guide for new support workers', summary: 'What to expect in your first day and month, and who to ask. Written with support workers across the programme.', aims: 'Careers that start locally', projectIds: [] }, { sections: splitMarkdown(GUIDE), format: 'markdown', source: 'written' }, then(75));
  const made = await createConsultation(db, admin, o.programmeId, draftId, { opensAt: startOfLondonDay(opened).toISOString(), closesAt: endOfLondonDay(addDays(opened, 28)).toISOString(), commentsVisible: 'participants', questions: ['What do you wish you had known in your first week?'], audience: [{ kind: 'programme', id: o.programmeId }] }, then(75));
  if (!made.ok) throw new Error(`the demo library consultation was not set up: ${made.reason}`);
  const sections = await cq.sectionsOf(own(db), (await cq.latestVersion(own(db), draftId)).id);
  const said = [
    { by: o.commenters[0], on: { kind: 'section' as const, sectionId: sections[1]!.id }, body: 'Every week is a lot for a supervisor with ten new starters: every two weeks after the first month?', publication: 'named' as const, response: { status: 'partly' as const, response: 'Weekly for the first month, then every two weeks: we have changed the guide.' } },
    { by: o.commenters[1], on: { kind: 'section' as const, sectionId: sections[0]!.id }, body: 'Say where to park and where lockers are.', publication: 'anonymous' as const, response: { status: 'accepted' as const, response: 'Added to "Your first day".' } },
  ];
  for (const c of said) {
    if (c.by === undefined) continue;
    const saved = await addComment(db, { id: c.by, role: 'participant' }, made.id, c.on, { body: c.body, publication: c.publication }, then(60));
    if (saved.ok) await cq.setResponse(own(db), saved.id, { ...c.response, by: o.adminId }, then(40)().toISOString());
  }
  const v2 = await newVersion(db, admin, o.programmeId, draftId, 'Supervision every two weeks after the first month; parking and lockers on the first day', then(35));
  if (!v2.ok) throw new Error('the demo library version was not made');
  const latest = await cq.sectionsOf(own(db), (await cq.latestVersion(own(db), draftId)).id);
  await editSection(db, o.programmeId, draftId, latest[0]!.id, { heading: latest[0]!.heading, body: `${latest[0]!.body}\n- Where to park, and where the lockers are.` });
  await editSection(db, o.programmeId, draftId, latest[1]!.id, { heading: latest[1]!.heading, body: '- Shadow a colleague on each kind of shift.\n- Meet your supervisor every week for the first month, then every two weeks.' });
  const aims = await programmeAims(libraryDb(db), o.programmeId);
  const published = await publishDraft(db, admin, o.programmeId, draftId, { aimIds: aims.slice(0, 1).map((a) => a.id), consultationId: made.id }, o.clock);
  if (!published.ok) throw new Error('the demo output was not published');
  const agreed = await closedSummaries(db, o.programmeId);
  const cited = await citeSummaries(db, admin, o.programmeId, published.id, agreed.map((s) => s.threadId), o.clock);
  if (!cited.ok) throw new Error('the demo output did not cite the demo discussions');
  return published.id;
}
