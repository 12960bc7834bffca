// Quick polls on a thread (issue 13 §3): a lead asks agree / abstain / disagree (with an optional
// reason), or to pick one of a few options, until a closing time (the end of a London day, as every
// deadline here). Results can be hidden until the poll closes; each person has one vote, which
// they can change while it is open. Only people who may post in the thread vote.
import { recordAudit } from '../../platform/audit/audit.ts';
import { inTransaction, type Db } from '../../platform/db/database.ts';
import { formatDate, londonDate, type Clock } from '../../platform/time.ts';
import * as q from './queries.ts';
import { isDuplicate, own, type ThreadAccess } from './service.ts';

export const AGREEMENT = [
  { value: 'agree', label: 'Agree' },
  { value: 'abstain', label: 'Abstain' },
  { value: 'disagree', label: 'Disagree' },
] as const;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 10;

export type PollInput = { kind: 'agreement' | 'options'; question: string; options: string[]; closesAt: string; hideResults: boolean };

export async function addPoll(db: Db, viewer: { id: number }, access: ThreadAccess, input: PollInput, clock: Clock): Promise<{ ok: true } | { ok: false; reason: 'exists' | 'in_past' }> {
  // The same person sending the same poll again (a double click) made it already: done, not refused.
  const existing = async () => {
    const poll = await q.pollOf(own(db), access.thread.id);
    return poll ? (poll.created_by === viewer.id && poll.question === input.question ? ({ ok: true } as const) : ({ ok: false, reason: 'exists' } as const)) : null;
  };
  const before = await existing();
  if (before) return before;
  if (input.closesAt <= clock().toISOString()) return { ok: false, reason: 'in_past' };
  try {
    await inTransaction(db, async (tx) => {
      await q.insertPoll(own(tx), { threadId: access.thread.id, kind: input.kind, question: input.question, closesAt: input.closesAt, hideResults: input.hideResults, options: input.kind === 'options' ? input.options : [], by: viewer.id }, clock().toISOString());
      await recordAudit(tx, { actorId: viewer.id, action: 'discussions.poll.add', recordType: 'discussion_thread', recordId: access.thread.id, summary: `Added a poll to the discussion “${access.thread.title}”` }, clock);
    });
  } catch (e) {
    // Two submits at the same moment: the thread's one poll (a unique index) went to the other.
    const after = isDuplicate(e) ? await existing() : null;
    if (after) return after;
    throw e;
  }
  return { ok: true };
}

/** The thread's poll as this person sees it: choices, their vote, and the results when they may see them. */
export async function pollFor(db: Db, viewer: { id: number }, access: ThreadAccess, clock: Clock) {
  const d = own(db);
  const poll = await q.pollOf(d, access.thread.id);
  if (!poll) return null;
  const closed = poll.closes_at <= clock().toISOString();
  const choices = poll.kind === 'agreement' ? AGREEMENT.map((c) => ({ value: c.value, label: c.label })) : (await q.pollOptions(d, poll.id)).map((o) => ({ value: String(o.id), label: o.label }));
  const mine = await q.voteOf(d, poll.id, viewer.id);
  const showResults = closed || poll.hide_results === 0;
  let results: { label: string; votes: number }[] | null = null;
  let reasons: { choice: string; reason: string; name: string }[] = [];
  if (showResults) {
    const counts = await q.pollCounts(d, poll.id);
    results = choices.map((c) => ({ label: c.label, votes: counts.get(c.value) ?? 0 }));
    const label = new Map(choices.map((c) => [c.value, c.label]));
    reasons = (await q.pollReasons(d, poll.id)).map((r) => ({ choice: label.get(r.choice) ?? '', reason: r.reason, name: r.name ?? 'Former participant' }));
  }
  const closesOn = formatDate(londonDate(new Date(new Date(poll.closes_at).getTime() - 1)));
  return { poll, closed, closesOn, choices, mine: mine ?? null, results, reasons, total: results?.reduce((n, r) => n + r.votes, 0) ?? 0, mayVote: !closed && access.mayPost && !access.thread.locked_at };
}

export type VoteRefusal = 'no_poll' | 'closed' | 'not_allowed' | 'bad_choice';

export async function vote(db: Db, viewer: { id: number }, access: ThreadAccess, input: { choice: string; reason: string }, clock: Clock): Promise<{ ok: true } | { ok: false; reason: VoteRefusal }> {
  const d = own(db);
  const poll = await q.pollOf(d, access.thread.id);
  if (!poll) return { ok: false, reason: 'no_poll' };
  if (poll.closes_at <= clock().toISOString()) return { ok: false, reason: 'closed' };
  if (!access.mayPost || access.thread.locked_at) return { ok: false, reason: 'not_allowed' };
  const allowed = poll.kind === 'agreement' ? AGREEMENT.map((c) => c.value as string) : (await q.pollOptions(d, poll.id)).map((o) => String(o.id));
  if (!allowed.includes(input.choice)) return { ok: false, reason: 'bad_choice' };
  await q.saveVote(d, { pollId: poll.id, personId: viewer.id, choice: input.choice, reason: input.reason }, clock().toISOString());
  return { ok: true };
}
