// Discussions' rules: who may read, post, manage and moderate; spaces, threads and posts; who is
// told about a post (in the post's transaction). Outcomes are codes; pages word them.
// Access always comes from the platform's audience rule on the space (item kind
// 'discussion-space'): a person reads a space, its threads and posts only when visibleTo/maySee
// says so, and manages it (pin, lock, archive, moderate) only when managedBy/mayManage does.
import { randomUUID } from 'node:crypto';
import { leadsAny, mayAddress, mayManage, maySee, managedBy, seenBy, setAudience, visibleTo, audienceOf, type AudienceTarget, type Viewer } from '../../platform/audience/access.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import { markdownToText } from '../../platform/rich-text/rich-text.ts';
import { notifyMany, type NotifyContext } from '../../platform/notify/notify.ts';
import type { Clock } from '../../platform/time.ts';
import { replyAddress } from './email-reply/address.ts';
import { GREETING, REPLY_HINT } from './email-reply/strip-quoted.ts';
import { mentionedIn, type Mentioned } from './mentions.ts';
import { MENTION, NEW_THREAD, POST_ITEM, REPLY_FOLLOWED, REPLY_TO_YOU } from './notifications.ts';
import * as q from './queries.ts';
import type { DiscussionsDb, DiscussionsTables, Post, Space, Thread } from './tables.ts';

export const own = (db: Db | Tx): DiscussionsDb => scoped<DiscussionsTables, 'people'>(db);
export { PAGE_SIZE, SPACE_KIND } from './queries.ts';
const SPACE = q.SPACE_KIND;

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const NOTE_MAX = 1000;

/**
 * What posting needs to tell people: notify()'s context and, when replies by email are taken in,
 * the programme mailbox their reply addresses are made from (config.replyMailbox).
 */
export type PostContext = NotifyContext & { replyMailbox?: string | null };

/** A fresh key for a posting form: the same form posted twice makes one post. */
export const newFormKey = () => randomUUID();

// ---- Reading

const visible = (viewer: Viewer) => (ref: string) => visibleTo(viewer, SPACE, ref);
const manages = (viewer: Viewer) => (ref: string) => managedBy(viewer, SPACE, ref);
/** The condition on a query of people: the person in the row may see this space. */
const seesSpace = (spaceId: number) => seenBy(SPACE, spaceId, { id: 'people.id', role: 'people.role' });

export type SpaceAccess = { space: Space; manages: boolean; mayPost: boolean; suspendedUntil: string | null };

/** The space, if this person may see it, with what they may do there; null otherwise (a 404: a private space is never confirmed). */
export async function readableSpace(db: Db | Tx, viewer: Viewer, programmeId: number, spaceId: number, clock: Clock): Promise<SpaceAccess | null> {
  if (!viewer) return null;
  const space = await q.spaceById(own(db), programmeId, spaceId);
  if (!space || !(await maySee(db, viewer, SPACE, spaceId))) return null;
  const managesIt = await mayManage(db, viewer, SPACE, spaceId);
  const suspendedUntil = await q.suspendedUntil(own(db), spaceId, viewer.id, clock().toISOString());
  return { space, manages: managesIt, mayPost: !space.archived_at && !suspendedUntil && viewer.role !== 'observer', suspendedUntil };
}

export const spacesFor = (db: Db | Tx, viewer: Viewer, programmeId: number) => q.listSpaces(own(db), programmeId, viewer!.id, visible(viewer), manages(viewer));

/** Admins, and anyone who leads a project or sub-group, may open spaces (for the groups they lead). */
export async function mayOpenSpaces(db: Db | Tx, viewer: Viewer): Promise<boolean> {
  return Boolean(viewer) && (viewer!.role === 'admin' || (await leadsAny(db, viewer)));
}

export type ThreadAccess = SpaceAccess & { thread: Thread; mayReply: boolean };

export async function readableThread(db: Db | Tx, viewer: Viewer, programmeId: number, threadId: number, clock: Clock): Promise<ThreadAccess | null> {
  const thread = await q.threadById(own(db), threadId);
  if (!thread) return null;
  const access = await readableSpace(db, viewer, programmeId, thread.space_id, clock);
  if (!access) return null;
  return { ...access, thread, mayReply: access.mayPost && !thread.locked_at && !thread.closed_at };
}

export async function readablePost(db: Db | Tx, viewer: Viewer, programmeId: number, postId: number, clock: Clock): Promise<(ThreadAccess & { post: Post }) | null> {
  const post = await q.postById(own(db), postId);
  if (!post) return null;
  const access = await readableThread(db, viewer, programmeId, post.thread_id, clock);
  return access ? { ...access, post } : null;
}

export type ShownPost = {
  id: number;
  isOpening: boolean;
  authorId: number | null;
  authorName: string;
  createdAt: string;
  edited: boolean;
  /** What the person is shown: the text, or why not. */
  state: 'visible' | 'deleted' | 'hidden' | 'hidden-shown';
  body: string | null;
  moderationNote: string | null;
  isNew: boolean;
  quote: { authorName: string; body: string | null } | null;
  replies: ShownPost[];
  mine: boolean;
};

const authorName = (name: string | null) => name ?? 'Former participant';

/** A page of a thread as this person sees it, and marks it read. */
export async function threadPageFor(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess, page: number, clock: Clock) {
  const d = own(db);
  const { top, children, topTotal } = await q.threadPage(d, access.thread.id, page);
  const seen = await q.lastRead(d, access.thread.id, viewer.id);
  const all = [...top, ...children];
  const quotedIds = [...new Set(all.map((p) => p.quote_of).filter((x): x is number => x !== null))];
  const quoted = new Map((await q.postsWithAuthors(d, quotedIds)).map((p) => [p.id, p]));
  const shape = (p: (typeof all)[number]): ShownPost => {
    const qp = p.quote_of === null ? undefined : quoted.get(p.quote_of);
    const hidden = p.status === 'hidden';
    return {
      id: p.id,
      isOpening: p.is_opening === 1,
      authorId: p.author_id,
      authorName: authorName(p.author_name),
      createdAt: p.created_at,
      edited: p.edited_at !== null,
      state: p.status === 'deleted' ? 'deleted' : hidden ? (access.manages ? 'hidden-shown' : 'hidden') : 'visible',
      body: p.status === 'visible' || (hidden && access.manages) ? p.body : null,
      moderationNote: access.manages ? p.moderation_note : null,
      isNew: seen > 0 && p.id > seen && p.author_id !== viewer.id,
      quote: p.quote_of === null ? null : qp && qp.status === 'visible' && qp.thread_id === p.thread_id ? { authorName: authorName(qp.author_name), body: qp.body } : { authorName: '', body: null },
      replies: [],
      mine: p.author_id === viewer.id,
    };
  };
  const posts = top.map(shape);
  const byId = new Map(posts.map((p) => [p.id, p]));
  for (const c of children) byId.get(c.parent_id!)?.replies.push(shape(c));
  const pages = Math.max(1, Math.ceil(topTotal / q.PAGE_SIZE));
  const maxShown = Math.max(0, ...all.map((p) => p.id));
  if (maxShown > 0) await q.markRead(d, access.thread.id, viewer.id, maxShown, clock().toISOString());
  return { posts, pages, page, firstVisit: seen === 0, following: await q.follows(d, viewer.id, 'thread', access.thread.id) };
}

export const threadsOf = (db: Db, viewer: NonNullable<Viewer>, spaceId: number, page: number) => q.listThreads(own(db), spaceId, viewer.id, page);
export const summariesOf = (db: Db, spaceId: number) => q.summariesOf(own(db), spaceId);
export const followsSpace = (db: Db, viewer: NonNullable<Viewer>, spaceId: number) => q.follows(own(db), viewer.id, 'space', spaceId);
export const spaceAudience = (db: Db, spaceId: number) => audienceOf(db, SPACE, spaceId);
export const historyOf = (db: Db, postId: number) => q.versionsOf(own(db), postId);

// ---- Spaces

export type SpaceInput = { name: string; description: string; audience: AudienceTarget[] };

export async function openSpace(db: Db, viewer: NonNullable<Viewer>, programmeId: number, input: SpaceInput, clock: Clock): Promise<{ ok: true; id: number } | { ok: false; reason: 'not_allowed' }> {
  if (!(await mayAddress(db, viewer, input.audience))) return { ok: false, reason: 'not_allowed' };
  return inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const id = await q.insertSpace(own(tx), { programmeId, name: input.name, description: input.description, createdBy: viewer.id }, now);
    await setAudience(tx, SPACE, id, input.audience);
    await recordAudit(tx, { actorId: viewer.id, action: 'discussions.space.open', recordType: 'discussion_space', recordId: id, summary: `Opened the discussion space “${input.name}”` }, clock);
    return { ok: true as const, id };
  });
}

export async function renameSpace(db: Db, viewer: NonNullable<Viewer>, access: SpaceAccess, input: { name: string; description: string }, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    await q.updateSpace(own(tx), access.space.id, input, clock().toISOString());
    await recordAudit(tx, { actorId: viewer.id, action: 'discussions.space.rename', recordType: 'discussion_space', recordId: access.space.id, summary: `Renamed the discussion space “${access.space.name}” to “${input.name}”` }, clock);
  });
}

export async function archiveSpace(db: Db, viewer: NonNullable<Viewer>, access: SpaceAccess, archive: boolean, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    await q.updateSpace(own(tx), access.space.id, { archived_at: archive ? now : null }, now);
    await recordAudit(tx, { actorId: viewer.id, action: archive ? 'discussions.space.archive' : 'discussions.space.reopen', recordType: 'discussion_space', recordId: access.space.id, summary: `${archive ? 'Archived' : 'Reopened'} the discussion space “${access.space.name}”` }, clock);
  });
}

// ---- Posting

export type PostRefusal = 'archived' | 'locked' | 'suspended' | 'observer' | 'bad_parent';
export type Posted = { ok: true; threadId: number; postId: number; duplicate: boolean; notVisibleMentions: string[] };

function refusal(access: SpaceAccess, viewer: NonNullable<Viewer>, thread?: Thread): PostRefusal | null {
  if (viewer.role === 'observer') return 'observer';
  if (access.space.archived_at) return 'archived';
  if (access.suspendedUntil) return 'suspended';
  if (thread && (thread.locked_at || thread.closed_at)) return 'locked';
  return null;
}

/** Mentioned people split into who may see the space (told) and who may not (named to the author, not told): one query for all of them. */
async function splitMentions(tx: Tx, spaceId: number, authorId: number, text: string): Promise<{ told: Mentioned[]; notVisible: string[] }> {
  const mentioned = (await mentionedIn(own(tx), text)).filter((m) => m.id !== authorId);
  const seeing = await q.activeAmong(own(tx), mentioned.map((m) => m.id), seesSpace(spaceId));
  return { told: mentioned.filter((m) => seeing.has(m.id)), notVisible: mentioned.filter((m) => !seeing.has(m.id)).map((m) => m.name) };
}

// ---- Mention type-ahead

export const MENTION_LIMIT = 8;

/**
 * Whom a post in this space may mention, for the type-ahead: up to 8 active people who may see the
 * space (the audience rule in the query) and have not withdrawn from the programme, other than
 * the asker, with a word of their name starting with these letters, any case. Names only: the
 * list is for inserting "@Full Name".
 */
export async function mentionable(db: Db, viewer: NonNullable<Viewer>, spaceId: number, start: string): Promise<{ name: string }[]> {
  const typed = start.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
  const { prefixes, exact } = likePrefixes(typed);
  const rows = await q.peopleStartingWith(own(db), prefixes, seesSpace(spaceId), viewer.id, exact ? MENTION_LIMIT * 2 : MENTION_LIMIT * 5);
  return rows.filter((p) => wordStarts(p.name.normalize('NFC').toLowerCase(), typed)).slice(0, MENTION_LIMIT).map((p) => ({ name: p.name }));
}

/** Letters beyond A to Z tried in both cases; past this many, any one character (checked in JavaScript). */
const CASED_LETTERS = 3;

/**
 * The LIKE prefixes that find these lower-cased letters in lower(name) on both engines. The
 * engines' lower() is sure to lower-case only A to Z (SQLite's never goes further; PostgreSQL's
 * depends on the database's locale), so a name's other letters may be stored either way: each is
 * tried as typed and upper-cased ("é" and "É"). A name is read only if it can match, so the
 * limit is not spent on names that do not (Émile sorts after every Latin-letter name, and with
 * "_" for é a long list never reached him). `exact` is false when some letter had to be "_".
 */
function likePrefixes(typed: string): { prefixes: string[]; exact: boolean } {
  let prefixes = [''];
  let cased = 0;
  let exact = true;
  for (const c of typed) {
    const forms = c.charCodeAt(0) < 128 ? [c] : [...new Set([c, c.toUpperCase()])].filter((form) => [...form].length === 1);
    if (forms.length === 1 || (forms.length > 1 && cased++ < CASED_LETTERS)) prefixes = prefixes.flatMap((p) => forms.map((form) => p + form));
    else {
      exact = false;
      prefixes = prefixes.map((p) => `${p}_`);
    }
  }
  return { prefixes, exact };
}

/** Does a word of this (lower-cased) name start with these letters: the name itself, or after a space or hyphen? */
function wordStarts(name: string, typed: string): boolean {
  if (name.startsWith(typed)) return true;
  for (let i = 0; i < name.length; i++) if ((name[i] === ' ' || name[i] === '-') && name.startsWith(typed, i + 1)) return true;
  return false;
}

/** A unique-index clash: the same form posted twice at the same moment. */
export const isDuplicate = (e: unknown) => /unique|duplicate key/i.test(String((e as Error)?.message ?? e));

async function once(db: Db, viewer: NonNullable<Viewer>, key: string | null, write: () => Promise<Posted>): Promise<Posted> {
  const earlier = async () => {
    const p = key ? await q.postByKey(own(db), viewer.id, key) : undefined;
    return p ? ({ ok: true, threadId: p.thread_id, postId: p.id, duplicate: true, notVisibleMentions: [] } as Posted) : null;
  };
  const before = await earlier();
  if (before) return before;
  try {
    return await write();
  } catch (e) {
    const after = isDuplicate(e) ? await earlier() : null;
    if (after) return after;
    throw e;
  }
}

const excerpt = (body: string) => {
  const text = markdownToText(body).replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
};

/**
 * Tells each person once about a new post, by the most personal reason: a mention, then a reply
 * to their own post, then a thread or space they follow; never the author, never someone who
 * cannot see the space. Who is told is found in one query (the audience rule in it, not one check
 * per follower) and told in one batch (notifyMany), however many follow the space. The message is
 * built here, with each person's own signed reply address (the reply-by-email slice).
 */
async function tellAbout(tx: Tx, ctx: PostContext, post: { id: number; threadId: number; spaceId: number; authorId: number; authorName: string; body: string; title: string; spaceName: string; isOpening: boolean }, reasons: { mention: number[]; replyTo: number[]; followers: number[] }) {
  const link = new URL(`/discussions/threads/${post.threadId}#post-${post.id}`, ctx.baseUrl).toString();
  const item = { kind: POST_ITEM, id: post.id, title: post.isOpening ? post.title : `Reply in “${post.title}”`, url: `/discussions/threads/${post.threadId}#post-${post.id}`, group: post.spaceName };
  const followed = post.isOpening
    ? { kind: NEW_THREAD.kind, subject: `New discussion in ${post.spaceName}: “${post.title}”`, lead: `${post.authorName} started a discussion in ${post.spaceName}:` }
    : { kind: REPLY_FOLLOWED.kind, subject: `New reply in “${post.title}”`, lead: `${post.authorName} replied in “${post.title}”:` };
  const why = [
    { ids: reasons.mention, kind: MENTION.kind, subject: `${post.authorName} mentioned you in “${post.title}”`, lead: `${post.authorName} mentioned you in “${post.title}” in ${post.spaceName}:` },
    { ids: reasons.replyTo, kind: REPLY_TO_YOU.kind, subject: `${post.authorName} replied to you in “${post.title}”`, lead: `${post.authorName} replied to your post in “${post.title}”:` },
    { ids: reasons.followers, ...followed },
  ];
  const reasonOf = new Map<number, (typeof why)[number]>();
  for (const reason of why) for (const id of reason.ids) if (id !== post.authorId && !reasonOf.has(id)) reasonOf.set(id, reason);
  if (!reasonOf.size) return;
  const seeing = await q.activeAmong(own(tx), [...reasonOf.keys()], seesSpace(post.spaceId));
  const quoted = `“${excerpt(post.body)}”`;
  const recipients = [...reasonOf].filter(([personId]) => seeing.has(personId)).map(([personId, reason]) => {
    // A reply to this email is posted in the thread as this person's (email-reply/take-reply.ts).
    const replyTo = ctx.replyMailbox ? replyAddress(ctx.replyMailbox, ctx.secret, { personId, threadId: post.threadId }) : undefined;
    const parts = [reason.lead, quoted, { link, text: 'Read it and reply' }, ...(replyTo ? [REPLY_HINT] : [])];
    return { personId, kind: reason.kind, message: { subject: reason.subject, greeting: GREETING, parts, ...(replyTo ? { replyTo } : {}) } };
  });
  await notifyMany(tx, ctx, item, recipients);
}

/** `silent`: post without telling anyone (the invented demo data, which must send no mail). */
export async function startThread(db: Db, ctx: PostContext, viewer: NonNullable<Viewer> & { name: string }, access: SpaceAccess, input: { title: string; body: string; key: string | null; silent?: boolean }): Promise<Posted | { ok: false; reason: PostRefusal }> {
  const refused = refusal(access, viewer);
  if (refused) return { ok: false, reason: refused };
  return once(db, viewer, input.key, () =>
    inTransaction(db, async (tx) => {
      const now = ctx.clock().toISOString();
      const d = own(tx);
      const threadId = await q.insertThread(d, { spaceId: access.space.id, title: input.title, authorId: viewer.id }, now);
      const postId = await q.insertPost(d, { threadId, spaceId: access.space.id, isOpening: true, parentId: null, quoteOf: null, authorId: viewer.id, body: input.body, searchText: `${input.title}\n${input.body}`, key: input.key }, now);
      await q.follow(d, viewer.id, 'thread', threadId, now);
      await q.markRead(d, threadId, viewer.id, postId, now);
      const mentions = await splitMentions(tx, access.space.id, viewer.id, input.body);
      if (!input.silent) await tellAbout(tx, ctx, { id: postId, threadId, spaceId: access.space.id, authorId: viewer.id, authorName: viewer.name, body: input.body, title: input.title, spaceName: access.space.name, isOpening: true }, {
        mention: mentions.told.map((m) => m.id),
        replyTo: [],
        followers: await q.followersOf(d, 'space', access.space.id),
      });
      return { ok: true as const, threadId, postId, duplicate: false, notVisibleMentions: mentions.notVisible };
    }),
  );
}

export async function reply(db: Db, ctx: PostContext, viewer: NonNullable<Viewer> & { name: string }, access: ThreadAccess, input: { body: string; parentId: number | null; quoteOf: number | null; key: string | null; silent?: boolean }): Promise<Posted | { ok: false; reason: PostRefusal }> {
  const refused = refusal(access, viewer, access.thread);
  if (refused) return { ok: false, reason: refused };
  const d = own(db);
  // One level of nesting: a reply to a nested reply joins the same top-level post's replies.
  let parentId: number | null = null;
  const replyTo: number[] = [];
  if (input.parentId !== null) {
    const parent = await q.postById(d, input.parentId);
    if (!parent || parent.thread_id !== access.thread.id) return { ok: false, reason: 'bad_parent' };
    parentId = parent.is_opening ? null : (parent.parent_id ?? parent.id);
    if (parent.author_id && parent.status === 'visible') replyTo.push(parent.author_id);
  }
  // A reply to the discussion itself answers the person who started it.
  if (input.parentId === null && access.thread.author_id) replyTo.push(access.thread.author_id);
  if (input.quoteOf !== null) {
    const quoted = await q.postById(d, input.quoteOf);
    if (!quoted || quoted.thread_id !== access.thread.id || quoted.status !== 'visible') return { ok: false, reason: 'bad_parent' };
    if (quoted.author_id) replyTo.push(quoted.author_id);
  }
  return once(db, viewer, input.key, () =>
    inTransaction(db, async (tx) => {
      const now = ctx.clock().toISOString();
      const t = own(tx);
      const postId = await q.insertPost(t, { threadId: access.thread.id, spaceId: access.space.id, isOpening: false, parentId, quoteOf: input.quoteOf, authorId: viewer.id, body: input.body, searchText: input.body, key: input.key }, now);
      await q.setThread(t, access.thread.id, { last_post_at: now });
      await q.follow(t, viewer.id, 'thread', access.thread.id, now);
      await q.markRead(t, access.thread.id, viewer.id, postId, now);
      const mentions = await splitMentions(tx, access.space.id, viewer.id, input.body);
      if (!input.silent) await tellAbout(tx, ctx, { id: postId, threadId: access.thread.id, spaceId: access.space.id, authorId: viewer.id, authorName: viewer.name, body: input.body, title: access.thread.title, spaceName: access.space.name, isOpening: false }, {
        mention: mentions.told.map((m) => m.id),
        replyTo,
        followers: [...(await q.followersOf(t, 'thread', access.thread.id)), ...(await q.followersOf(t, 'space', access.space.id))],
      });
      return { ok: true as const, threadId: access.thread.id, postId, duplicate: false, notVisibleMentions: mentions.notVisible };
    }),
  );
}

export type EditRefusal = PostRefusal | 'not_yours' | 'gone';

/** The author changes their post: the earlier text is kept (moderators can read it), the post is marked edited. */
export async function editPost(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess & { post: Post }, body: string, clock: Clock): Promise<{ ok: true } | { ok: false; reason: EditRefusal }> {
  if (access.post.author_id !== viewer.id) return { ok: false, reason: 'not_yours' };
  if (access.post.status !== 'visible') return { ok: false, reason: 'gone' };
  const refused = refusal(access, viewer, access.thread);
  if (refused) return { ok: false, reason: refused };
  if (body === access.post.body) return { ok: true };
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const t = own(tx);
    await q.insertVersion(t, { postId: access.post.id, body: access.post.body, writtenAt: access.post.edited_at ?? access.post.created_at }, now);
    await q.setPost(t, access.post.id, { body, search_text: access.post.is_opening ? `${access.thread.title}\n${body}` : body, edited_at: now });
  });
  return { ok: true };
}

/** The author deletes their post: it shows as deleted (its earlier versions stay for moderators). */
export async function deletePost(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess & { post: Post }): Promise<{ ok: true } | { ok: false; reason: EditRefusal }> {
  if (access.post.author_id !== viewer.id) return { ok: false, reason: 'not_yours' };
  if (access.post.status !== 'visible') return { ok: false, reason: 'gone' };
  if (access.space.archived_at) return { ok: false, reason: 'archived' };
  await q.setPost(own(db), access.post.id, { status: 'deleted' });
  return { ok: true };
}

// ---- Leads: pin, lock, close

const FLAG_WORDS = { pin: 'Pinned', unpin: 'Unpinned', lock: 'Locked', unlock: 'Unlocked' } as const;

export async function setThreadFlag(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess, what: 'pin' | 'unpin' | 'lock' | 'unlock', clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const set = what === 'pin' ? { pinned: 1 } : what === 'unpin' ? { pinned: 0 } : what === 'lock' ? { locked_at: now } : { locked_at: null };
    await q.setThread(own(tx), access.thread.id, set);
    await recordAudit(tx, { actorId: viewer.id, action: `discussions.thread.${what}`, recordType: 'discussion_thread', recordId: access.thread.id, summary: `${FLAG_WORDS[what]} the discussion “${access.thread.title}”` }, clock);
  });
}

export async function closeThread(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess, summary: string, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    await q.setThread(own(tx), access.thread.id, { closed_at: now, summary, closed_by: viewer.id });
    await recordAudit(tx, { actorId: viewer.id, action: 'discussions.thread.close', recordType: 'discussion_thread', recordId: access.thread.id, summary: `Closed the discussion “${access.thread.title}” with a summary` }, clock);
  });
}

// ---- Following

export async function setFollow(db: Db, viewer: NonNullable<Viewer>, kind: 'space' | 'thread', id: number, on: boolean, clock: Clock): Promise<void> {
  if (on) await q.follow(own(db), viewer.id, kind, id, clock().toISOString());
  else await q.unfollow(own(db), viewer.id, kind, id);
}

// ---- Moderation

export async function reportPost(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess & { post: Post }, reason: string, clock: Clock): Promise<void> {
  // One open report a person for a post: a second (a double click) adds nothing to the queue or the log.
  if (await q.openReportBy(own(db), access.post.id, viewer.id)) return;
  await inTransaction(db, async (tx) => {
    const id = await q.insertReport(own(tx), { postId: access.post.id, spaceId: access.space.id, reporterId: viewer.id, reason }, clock().toISOString());
    await recordAudit(tx, { actorId: viewer.id, action: 'discussions.post.report', recordType: 'discussion_post', recordId: access.post.id, summary: `Reported a post in “${access.thread.title}” (report ${id})` }, clock);
  });
}

export async function moderatePost(db: Db, viewer: NonNullable<Viewer>, access: ThreadAccess & { post: Post }, action: 'hide' | 'restore' | 'keep', note: string, clock: Clock): Promise<{ ok: true } | { ok: false; reason: 'gone' }> {
  if (access.post.status === 'deleted') return { ok: false, reason: 'gone' };
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const t = own(tx);
    if (action !== 'keep') await q.setPost(t, access.post.id, { status: action === 'hide' ? 'hidden' : 'visible', moderated_by: viewer.id, moderation_note: note });
    await q.resolveReports(t, access.post.id, viewer.id, action === 'hide' ? 'hidden' : action === 'restore' ? 'restored' : 'kept', now);
    const verb = action === 'hide' ? 'Hid' : action === 'restore' ? 'Restored' : 'Kept';
    await recordAudit(tx, { actorId: viewer.id, action: `discussions.post.${action}`, recordType: 'discussion_post', recordId: access.post.id, summary: `${verb} a post in “${access.thread.title}”: ${note}` }, clock);
  });
  return { ok: true };
}

/** Open reports in the spaces this person moderates (admins: every space), or in one of them. */
export const reportQueue = (db: Db, viewer: Viewer, programmeId: number, spaceId: number | null = null) => q.openReports(own(db), programmeId, manages(viewer), spaceId);
export const suspensionsIn = (db: Db, spaceId: number, clock: Clock) => q.suspensionsIn(own(db), spaceId, clock().toISOString());

export async function suspend(db: Db, viewer: NonNullable<Viewer>, access: SpaceAccess, input: { email: string; until: string; note: string }, clock: Clock): Promise<{ ok: true; name: string } | { ok: false; reason: 'no_person' | 'self' | 'in_past' }> {
  const person = await q.personByEmail(own(db), input.email);
  if (!person || !(await maySee(db, { id: person.id, role: person.role }, SPACE, access.space.id))) return { ok: false, reason: 'no_person' };
  if (person.id === viewer.id) return { ok: false, reason: 'self' };
  if (input.until <= clock().toISOString()) return { ok: false, reason: 'in_past' };
  await inTransaction(db, async (tx) => {
    await q.insertSuspension(own(tx), { spaceId: access.space.id, personId: person.id, until: input.until, note: input.note, by: viewer.id }, clock().toISOString());
    await recordAudit(tx, { actorId: viewer.id, action: 'discussions.member.suspend', recordType: 'discussion_space', recordId: access.space.id, summary: `Suspended person ${person.id} from posting in “${access.space.name}” until ${input.until}: ${input.note}` }, clock);
  });
  return { ok: true, name: person.name };
}

// ---- Search

export const SEARCH_LIMIT = 50;

/** The words of a search (letters and digits only: nothing of the query's own syntax reaches the index). */
export function searchWords(text: string): string[] {
  return [...new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length <= 50))].slice(0, 10);
}

/** Posts matching the words in spaces this person may see, never hidden or deleted ones. */
export async function search(db: Db, viewer: NonNullable<Viewer>, programmeId: number, text: string) {
  const d = own(db);
  const rows = await q.searchPosts(d, q.engineOf(d), programmeId, searchWords(text), visible(viewer), SEARCH_LIMIT);
  return rows.map((r) => {
    const page = Math.floor(Number(r.before) / q.PAGE_SIZE) + 1;
    return { ...r, excerpt: excerpt(r.body), url: `/discussions/threads/${r.thread_id}${page > 1 ? `?page=${page}` : ''}#post-${r.id}` };
  });
}

// ---- Digests and the home page

/** Which of these posts the person may still see: the post still shown, its space visible to them now. */
export async function postsStillVisible(db: Db | Tx, personId: number, postIds: number[]): Promise<Set<number>> {
  const person = await q.personById(own(db), personId);
  if (!person || person.status !== 'active') return new Set();
  return new Set(await q.visiblePostIds(own(db), postIds, visible({ id: person.id, role: person.role })));
}

export const pageOfPost = (db: Db, threadId: number, topPostId: number) => q.pageOfPost(own(db), threadId, topPostId);
export const dropFollows = (tx: Tx, personId: number) => q.dropFollows(own(tx), personId);

/** A post's row by id, for finding its place in the thread (the caller has already checked access). */
export const readablePostRow = (db: Db, postId: number) => q.postById(own(db), postId);

/** A person as a viewer (id, name, role), for code that acts on someone's behalf (the demo seed). */
export async function viewerOf(db: Db | Tx, personId: number): Promise<{ id: number; name: string; role: NonNullable<Viewer>['role'] } | null> {
  const p = await q.personById(own(db), personId);
  return p && p.status === 'active' ? { id: p.id, name: p.name, role: p.role } : null;
}
