// Invented demo discussions: a programme-wide lounge and a space per project, a few threads and
// replies by the given demo participants, and one thread closed with a summary. Made through the
// service, as a person would make them, so the audiences, follows and notifications are real.
import { audienceChoices } from '../../platform/audience/access.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/time.ts';
import { closeThread, openSpace, readableSpace, readableThread, reply, startThread, viewerOf } from './service.ts';

export type DemoDiscussionsOptions = { programmeId: number; adminId: number; authors: readonly number[]; clock: Clock };

export async function seedDemoDiscussions(db: Db, o: DemoDiscussionsOptions): Promise<{ spaces: number; threads: number }> {
  const admin = await viewerOf(db, o.adminId);
  const people = (await Promise.all(o.authors.map((id) => viewerOf(db, id)))).filter((p) => p !== null);
  if (!admin || !people.length) return { spaces: 0, threads: 0 };
  // Posted silently: demo data sends no mail, so the context's site and secret are never used.
  const ctx = { clock: o.clock, baseUrl: 'http://localhost', secret: '' };
  const choices = await audienceChoices(db, o.programmeId);
  const lounge = await openSpace(db, admin, o.programmeId, { name: 'Programme lounge', description: 'For everyone taking part: introductions, questions and ideas.', audience: [{ kind: 'programme', id: o.programmeId }] }, o.clock);
  let spaces = lounge.ok ? 1 : 0;
  for (const p of choices.projects) {
    const made = await openSpace(db, admin, o.programmeId, { name: `${p.name}: discussion`, description: `For the members of ${p.name}.`, audience: [{ kind: 'project', id: p.id }] }, o.clock);
    if (made.ok) spaces++;
  }
  if (!lounge.ok) return { spaces, threads: 0 };
  const who = (i: number) => people[i % people.length]!;
  const inLounge = async (author: (typeof people)[number]) => (await readableSpace(db, author, o.programmeId, lounge.id, o.clock))!;
  let threads = 0;
  const say = async (i: number, title: string, body: string, replies: string[]) => {
    const started = await startThread(db, ctx, who(i), await inLounge(who(i)), { title, body, key: null, silent: true });
    if (!started.ok) return null;
    threads++;
    for (const [n, text] of replies.entries()) {
      const author = who(i + n + 1);
      const access = (await readableThread(db, author, o.programmeId, started.threadId, o.clock))!;
      await reply(db, ctx, author, access, { body: text, parentId: null, quoteOf: null, key: null, silent: true });
    }
    return started.threadId;
  };
  await say(0, 'Introduce yourself', 'Hello everyone! Tell us a little about yourself and what you hope to get from the programme.', ['Hi, I joined to help make the bus service better for wheelchair users.', 'Hello! I am interested in the community garden project.']);
  await say(1, 'Ideas for the summer event', 'Where could we hold an event in July that everyone can get to?', ['The library hall has step-free access and a hearing loop.']);
  const agreed = await say(0, 'How often should we meet online?', 'Once a month, or every two weeks?', ['Every two weeks is better for keeping momentum.', 'Monthly suits people who work shifts.', 'Could we alternate days of the week?']);
  if (agreed) {
    const access = (await readableThread(db, admin, o.programmeId, agreed, o.clock))!;
    await closeThread(db, admin, access, 'We agreed to meet **monthly**, alternating between a Tuesday evening and a Saturday morning, and to review this in six months.', o.clock);
  }
  return { spaces, threads };
}
