// A reply by email becomes the person's reply in the thread, with the same rules as the reply
// form: the person the signed address names must still see the space and may post there (not
// archived, locked, closed or suspended), and the message must come from their own address.
// Each message is taken once, whatever the re-imports (keyed by its Message-ID); a refusal is
// emailed to the sender once, through the outbox, saying why. Automatic mail (out-of-office
// answers, bounces) is refused without an answer, so two robots never write to each other.
import { createHash } from 'node:crypto';
import { inTransaction, type Db } from '../../../platform/db/database.ts';
import { enqueueMail } from '../../../platform/mail/outbox.ts';
import { composeMail, type MailPart } from '../../../platform/mail/templates.ts';
import { formatDateTime } from '../../../platform/time.ts';
import { BODY_MAX, own, readableThread, reply, type PostContext } from '../service.ts';
import type { ReplyTarget } from './address.ts';
import { threadById } from '../queries.ts';
import { earlierReply, personWithEmail, recordReply } from './queries.ts';
import { stripQuoted } from './strip-quoted.ts';

export type EmailedReply = {
  programmeId: number;
  /** As the import keys messages (in angle brackets, or a hash of the bytes). */
  messageId: string;
  /** What the signed reply address named, or 'forged' when its signature was wrong. */
  target: ReplyTarget | 'forged';
  fromAddress: string | null;
  /** The message's text (its plain part, or its HTML as text). */
  text: string;
  /** Auto-Submitted, or a Precedence of bulk, junk, list or auto_reply. */
  automatic: boolean;
};

export type ReplyRefusal = 'forged' | 'automatic' | 'no_person' | 'not_their_address' | 'no_access' | 'archived' | 'locked' | 'suspended' | 'empty' | 'too_long';
export type ReplyOutcome = { outcome: 'posted'; postId: number } | { outcome: 'refused'; reason: ReplyRefusal } | { outcome: 'already' };

const sameAddress = (a: string | null, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

/** Why a reply was not posted, in the email to its sender; null: no email (we cannot trust who sent it). */
function refusalText(reason: ReplyRefusal, ctx: { threadTitle: string | null; link: string | null; until: string | null }): MailPart[] | null {
  const thread = ctx.threadTitle ? `“${ctx.threadTitle}”` : 'the discussion';
  const onSite = ctx.link ? [{ link: ctx.link, text: 'Open the discussion' } as MailPart] : [];
  switch (reason) {
    case 'forged':
    case 'automatic':
    case 'no_person':
      return null;
    case 'not_their_address':
      return ['Your email was not posted in the discussion, because it came from a different email address from the one the notification was sent to.', 'Reply from the address that got the notification, or sign in and reply on the site.'];
    case 'no_access':
      return ['Your email was not posted, because you can no longer take part in this discussion.', 'If you think this is wrong, contact the programme team.'];
    case 'archived':
      return [`Your email was not posted in ${thread}, because its discussion space has been archived: it can be read but takes no new replies.`, ...onSite];
    case 'locked':
      return [`Your email was not posted in ${thread}, because the discussion has been locked or closed to new replies.`, ...onSite];
    case 'suspended':
      return [`Your email was not posted in ${thread}, because you cannot post in this discussion space${ctx.until ? ` until ${formatDateTime(ctx.until)} (UK time)` : ''}.`];
    case 'empty':
      return [`Your email was not posted in ${thread}, because once the earlier message you replied to was taken out, there was nothing left to post.`, 'Write your reply above the quoted message and send it again.', ...onSite];
    case 'too_long':
      return [`Your email was not posted in ${thread}, because it is longer than a post may be (${BODY_MAX.toLocaleString('en-GB')} characters).`, 'Shorten it and send it again, or post it on the site in parts.', ...onSite];
  }
}

export async function takeEmailReply(db: Db, ctx: PostContext, message: EmailedReply): Promise<ReplyOutcome> {
  const d = own(db);
  if (await earlierReply(d, message.messageId)) return { outcome: 'already' };
  const now = () => ctx.clock().toISOString();
  const refuse = async (reason: ReplyRefusal, extra: { personId?: number; threadId?: number | undefined; threadTitle?: string; until?: string | null; link?: boolean } = {}): Promise<ReplyOutcome> => {
    const link = extra.link && extra.threadId ? new URL(`/discussions/threads/${extra.threadId}`, ctx.baseUrl).toString() : null;
    const parts = refusalText(reason, { threadTitle: extra.threadTitle ?? null, link, until: extra.until ?? null });
    const recorded = await inTransaction(db, async (tx) => {
      const first = await recordReply(own(tx), { message_id: message.messageId, person_id: extra.personId ?? null, thread_id: extra.threadId ?? null, post_id: null, from_address: message.fromAddress, outcome: 'refused', reason, created_at: now() });
      if (first && parts && message.fromAddress) {
        const { text, html } = composeMail('Hello,', parts);
        await enqueueMail(tx, { to: message.fromAddress, subject: 'Your reply was not posted', text, html, category: 'essential' }, ctx.clock);
      }
      return first;
    });
    return recorded ? { outcome: 'refused', reason } : { outcome: 'already' };
  };

  if (message.target === 'forged') return refuse('forged');
  if (message.automatic) return refuse('automatic');
  const { personId } = message.target;
  // Signed, so the ids were real when the email went out; either may have gone since (the record keeps only what is there).
  const threadId = (await threadById(d, message.target.threadId)) ? message.target.threadId : undefined;
  const person = await personWithEmail(d, personId);
  if (!person) return refuse('no_person', { threadId });
  // Checked before anything about the thread is said: the sender may not be the person.
  if (!sameAddress(message.fromAddress, person.email)) return refuse('not_their_address', { personId, threadId });
  if (person.status !== 'active') return refuse('no_access', { personId, threadId });
  const viewer = { id: person.id, role: person.role, name: person.name };
  const access = threadId === undefined ? null : await readableThread(db, viewer, message.programmeId, threadId, ctx.clock);
  if (!access || viewer.role === 'observer') return refuse('no_access', { personId, threadId });
  const about = { personId, threadId: access.thread.id, threadTitle: access.thread.title };
  if (access.space.archived_at) return refuse('archived', about);
  if (access.suspendedUntil) return refuse('suspended', { ...about, until: access.suspendedUntil });
  if (access.thread.locked_at || access.thread.closed_at) return refuse('locked', { ...about, link: true });
  const body = stripQuoted(message.text);
  if (!body) return refuse('empty', { ...about, link: true });
  if (body.length > BODY_MAX) return refuse('too_long', { ...about, link: true });

  // The post's own key makes a second run at the same moment find this post, not write another.
  const key = `email:${createHash('sha256').update(message.messageId).digest('hex').slice(0, 40)}`;
  const posted = await reply(db, ctx, viewer, access, { body, parentId: null, quoteOf: null, key });
  if (!posted.ok) return refuse(posted.reason === 'bad_parent' || posted.reason === 'observer' ? 'no_access' : posted.reason, about);
  await recordReply(d, { message_id: message.messageId, person_id: personId, thread_id: access.thread.id, post_id: posted.postId, from_address: message.fromAddress, outcome: 'posted', reason: null, created_at: now() });
  return posted.duplicate ? { outcome: 'already' } : { outcome: 'posted', postId: posted.postId };
}
