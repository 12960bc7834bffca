// Invented demo records for the past demo meeting ("Programme launch", held ten days ago):
// attendance, published minutes with two decisions, and three actions (one overdue, one done,
// one due next week with its reminder). Written straight through the part's queries, so the
// demo sends nobody an email about minutes that were never really published.
import { inTransaction, type Db, type Tx } from '../../../platform/db/database.ts';
import { addDays, londonDate, type Clock } from '../../../platform/time.ts';
import * as q from './queries.ts';
import { inviteesOf, own, syncReminder } from './service.ts';

const MINUTES = `The programme team welcomed everyone to the launch and explained why the programme exists: to make the most of the support workforce in imaging and radiotherapy, with the people who do the work.

**How to take part.** Participants can join projects and sub-groups, come to meetings, and comment on drafts. Captions and a BSL interpreter are at every meeting.

**Questions.** Several people asked how much time taking part needs. The team said an hour a month is enough to start, and that nobody should feel they must do more.`;

/** Seeds the after-the-meeting records of the given (past) meeting; returns how many actions it added. */
export async function seedDemoMeetingRecords(db: Db | Tx, clock: Clock, meetingId: number, organiserId: number): Promise<number> {
  return inTransaction(db, async (tx) => {
    const r = own(tx);
    const now = clock().toISOString();
    const today = londonDate(clock());
    const invitees = await inviteesOf(tx, meetingId);
    // Most came: every invitee but one in four.
    await q.saveAttendance(r, meetingId, invitees.map((i, n) => ({ personId: i.personId, attended: n % 4 !== 3 })), organiserId, now);
    await q.saveMinutesBody(r, meetingId, MINUTES, organiserId, now);
    await q.setMinutesState(r, meetingId, { status: 'published', reviewUntil: null, publishedAt: now }, organiserId, now);
    await q.addDecision(r, meetingId, 'Meetings are held online, with captions and a BSL interpreter at every one.', 2, now);
    await q.addDecision(r, meetingId, 'Each project reports back at the programme update meeting next week.', null, now);
    const [first, second, third] = [invitees[0], invitees[1] ?? invitees[0], invitees[2] ?? invitees[0]];
    if (!first) return 0;
    const actions = [
      { what: 'Send everyone the slides and the recording', ownerId: first.personId, dueDate: addDays(today, -3), status: 'open' as const, note: '' },
      { what: 'Set up the sub-groups’ first meetings', ownerId: second!.personId, dueDate: addDays(today, -5), status: 'done' as const, note: 'All three booked.' },
      { what: 'Draft the programme’s glossary for comment', ownerId: third!.personId, dueDate: addDays(today, 7), status: 'open' as const, note: '' },
    ];
    for (const a of actions) {
      const id = await q.insertAction(r, meetingId, a, organiserId, now);
      await syncReminder(tx, { id, status: a.status, owner_id: a.ownerId, due_date: a.dueDate }, clock);
    }
    return actions.length;
  });
}
