// Demo data for consultations (invented): a draft "Safe delegation checklist" in six sections, an
// open consultation on it for the whole programme (opened three days ago, closing in three weeks,
// comments visible to everyone taking part, two guiding questions), a few comments from the demo's
// participants, and the team's responses to two of them. Responses are recorded without notifying
// anyone: demo data sends no mail. The demo (features/demo/demo.ts) calls it once people exist.
import type { Db } from '../../platform/db/database.ts';
import { addDays, endOfLondonDay, londonDate, startOfLondonDay, type Clock } from '../../platform/time.ts';
import { splitMarkdown } from './import.ts';
import * as q from './queries.ts';
import { addComment, commentHtml, createConsultation, createDraft, own } from './service.ts';

const CHECKLIST = `# Choose the task
- Pick work that someone can finish with the time and support they have.
- Say why it matters and who it is for.

# Choose the person
- Ask, do not assume: people can say no without a reason.
- Check what support or adjustments they need.

# Agree what done looks like
- Write down the outcome, not the method.
- Agree a date, and what happens if it moves.

# Hand over what they need
- Share documents, contacts and any access they need on the first day.
- Name one person they can ask.

# Check in
- Agree how often you will check in, and keep to it.
- Ask what is getting in the way, and remove it if you can.

# Afterwards
- Thank them, and say what difference the work made.
- Ask what you could do better next time.`;

export type DemoConsultationsOptions = { programmeId: number; adminId: number; commenters: readonly number[]; clock: Clock };

/** Seeds the demo draft, its consultation and a few comments with responses; returns the consultation's id (null when no one can comment). */
export async function seedDemoConsultations(db: Db, o: DemoConsultationsOptions): Promise<number | null> {
  const admin = { id: o.adminId, role: 'admin' as const };
  const today = londonDate(o.clock());
  const draftId = await createDraft(db, admin, o.programmeId, { title: 'Safe delegation checklist', summary: 'Use this checklist when you hand a piece of work to someone else in your project, safely and fairly. It is a draft: tell us what is missing.', aims: 'Shared leadership; safe and inclusive working', projectIds: [] }, { sections: splitMarkdown(CHECKLIST), format: 'markdown', source: 'written' }, o.clock);
  const made = await createConsultation(
    db,
    admin,
    o.programmeId,
    draftId,
    {
      opensAt: startOfLondonDay(addDays(today, -3)).toISOString(),
      closesAt: endOfLondonDay(addDays(today, 21)).toISOString(),
      commentsVisible: 'participants',
      questions: ['Is anything missing from the checklist?', 'Which step is hardest in your project?'],
      audience: [{ kind: 'programme', id: o.programmeId }],
    },
    o.clock,
  );
  if (!made.ok) throw new Error(`the demo consultation was not set up: ${made.reason}`);
  const found = await q.sectionsOf(own(db), (await q.latestVersion(own(db), draftId)).id);
  const questions = await q.questionsOf(own(db), made.id);
  const comments: { by: number | undefined; on: Parameters<typeof addComment>[3]; body: string; publication: 'named' | 'anonymous' | 'none'; response?: { status: 'accepted' | 'noted'; response: string } }[] = [
    { by: o.commenters[0], on: { kind: 'section', sectionId: found[1]!.id }, body: 'Add a line about checking the person has time: people say yes when they are already stretched.', publication: 'named', response: { status: 'accepted', response: 'Thank you: we have added "Check they have the time, not just the willingness" to this step.' } },
    { by: o.commenters[1], on: { kind: 'section', sectionId: found[4]!.id }, body: 'How often is "often"? A suggestion of weekly would help new leads.', publication: 'anonymous', response: { status: 'noted', response: 'We will suggest weekly as a starting point, but leave it to each project to agree.' } },
    { by: o.commenters[2], on: { kind: 'general' }, body: 'Clear and short. Could there be a printable version?', publication: 'named' },
    { by: o.commenters[0], on: { kind: 'question', questionId: questions[1]!.id }, body: 'Handing over access: it always takes a week to get people onto the shared drive.', publication: 'none' },
  ];
  for (const c of comments) {
    if (c.by === undefined) continue;
    const saved = await addComment(db, { id: c.by, role: 'participant' }, made.id, c.on, { body: c.body, publication: c.publication }, o.clock);
    if (saved.ok && c.response) await q.setResponse(own(db), saved.id, { ...c.response, html: commentHtml(c.response.response), by: o.adminId }, o.clock().toISOString());
  }
  return made.id;
}
