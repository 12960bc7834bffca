// Discussions: the list of spaces, a space's threads, a thread's posts and replies, editing and
// deleting one's own posts, leads' pin/lock/close/archive, following, reporting and the
// moderators' queue, suspensions, search and the community guidelines. Every route asks the
// service for the space through the audience rule: a space the person may not see is a 404.
import type { FastifyReply, FastifyRequest, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { audienceChoices, audienceChoicesFor } from '../../platform/audience/access.ts';
import { audienceFieldOrder, parseAudience, pickerChoices, type AudienceChoice } from '../../platform/forms/audience.ts';
import { parseForm, typedValues, type FormFailure } from '../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { formBody, formOf, idParams, oneText, rowId, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { endOfLondonDay } from '../../platform/time.ts';
import { closeForm, editForm, moderateForm, POLL_ANCHORS, pollForm, replyForm, reportForm, spaceForm, suspendForm, SUSPEND_ANCHORS, threadForm, voteForm } from './forms.ts';
import { addPoll, OPTIONS_MAX, pollFor, vote, type VoteRefusal } from './polls.ts';
import * as s from './service.ts';

const V = 'features/discussions/views';
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const SPACE_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people'];
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });
const replyQuery = z.object({ to: rowId.optional().catch(undefined), quote: z.unknown().optional().transform((v) => v === '1') });
const searchQuery = z.object({ q: oneText(200) });
const mentionQuery = z.object({ q: oneText(200) });
/** What the type-ahead sends: the letters typed after "@" so far. */
const nameStart = z
  .string()
  .trim()
  .min(1, 'Type at least one letter of the name after the @')
  .max(60, 'Type no more than 60 letters of the name')
  .regex(/^\p{L}[\p{L}\p{M}'’. -]*$/u, 'Type only the letters of a name after the @: no numbers or symbols');
/** The type-ahead asks as a person types: generous, but counted per person (many NHS staff share one address). */
const lookupLimit = { rateLimit: { max: 120, timeWindow: '1 minute', hook: 'preHandler' as const, keyGenerator: (request: FastifyRequest) => `person:${request.user?.id ?? request.ip}` } };
const flagBody = formOf({ what: z.enum(['pin', 'unpin', 'lock', 'unlock']).optional().catch(undefined) });
const onOffBody = formOf({ on: z.enum(['1', '0']).optional().catch(undefined) });

const POST_REFUSED: Record<s.EditRefusal, string> = {
  archived: 'This space is archived, so nothing more can be posted in it',
  locked: 'This discussion is locked, so no more replies can be added',
  suspended: 'You cannot post in this space at the moment: a moderator has suspended you',
  observer: 'Observers can read but not post',
  bad_parent: 'The post you are replying to is no longer there. Reply to the discussion instead',
  not_yours: 'You can only change your own posts',
  gone: 'This post has been deleted or hidden, so it cannot be changed',
};

export function discussionsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const notifyCtx = () => ({ clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret, replyMailbox: deps.config.replyMailbox });

  const programmeOf = async (request: FastifyRequest, reply: FastifyReply) => {
    const programme = await request.programme();
    if (!programme) await sendErrorPage(request, reply, 404);
    return programme;
  };
  /** What a route reads through one of the service's access checks: a 404 when the person may not see it (or manage it, when asked). */
  const or404 =
    <A extends { manages: boolean }>(read: (viewer: FastifyRequest['user'], programmeId: number, id: number) => Promise<A | null>) =>
    async (request: FastifyRequest, reply: FastifyReply, id: number, needManage = false) => {
      const programme = await programmeOf(request, reply);
      if (!programme) return null;
      const access = await read(request.user, programme.id, id);
      if (!access || (needManage && !access.manages)) {
        await sendErrorPage(request, reply, 404);
        return null;
      }
      return { programme, access };
    };
  const spaceOr404 = or404((viewer, programmeId, id) => s.readableSpace(db, viewer, programmeId, id, clock));
  const threadOr404 = or404((viewer, programmeId, id) => s.readableThread(db, viewer, programmeId, id, clock));
  const postOr404 = or404((viewer, programmeId, id) => s.readablePost(db, viewer, programmeId, id, clock));

  // ---- Spaces

  app.get('/discussions', signedIn, async (request, reply) => {
    const programme = await programmeOf(request, reply);
    if (!programme) return reply;
    const spaces = await s.spacesFor(db, request.user, programme.id);
    return reply.view(`${V}/index.njk`, { pageTitle: 'Discussions', spaces, mayOpen: await s.mayOpenSpaces(db, request.user), managesAny: spaces.some((x) => x.manages) });
  });

  app.get('/discussions/guidelines', signedIn, async (request, reply) => reply.view(`${V}/guidelines.njk`, { pageTitle: 'Community guidelines for discussions' }));

  type SpaceFormCtx = { values: Record<string, string | string[]>; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; status?: number };
  const spaceFormPage = async (request: FastifyRequest, reply: FastifyReply, programmeId: number, ctx: SpaceFormCtx) => {
    const choices = await audienceChoicesFor(db, request.user, programmeId);
    return reply.code(ctx.status ?? 200).view(`${V}/space-form.njk`, { pageTitle: 'Open a discussion space', values: ctx.values, errors: ctx.errors ?? {}, errorList: ctx.errorList, choices, allow: pickerChoices(choices.allowedKinds, SPACE_CHOICES) });
  };

  app.get('/discussions/spaces/new', signedIn, async (request, reply) => {
    const programme = await programmeOf(request, reply);
    if (!programme) return reply;
    if (!(await s.mayOpenSpaces(db, request.user))) return sendErrorPage(request, reply, 403);
    return spaceFormPage(request, reply, programme.id, { values: {} });
  });

  app.post('/discussions/spaces/new', { ...signedIn, schema: { body: formBody } }, async (request, reply) => {
    const programme = await programmeOf(request, reply);
    if (!programme) return reply;
    if (!(await s.mayOpenSpaces(db, request.user))) return sendErrorPage(request, reply, 403);
    const form = parseForm(spaceForm, request.body, { order: ['name', 'description', ...audienceFieldOrder()] });
    const audience = await parseAudience(db, request.body, { allow: request.user!.role === 'admin' ? SPACE_CHOICES : ['projects', 'subgroups'], choices: await audienceChoices(db, programme.id) });
    const values = typedValues(request.body, 2100);
    if (!form.ok || !audience.ok) {
      return spaceFormPage(request, reply, programme.id, {
        values,
        errors: { ...(form.ok ? {} : form.errors), ...(audience.ok ? {} : audience.errors) },
        errorList: [...(form.ok ? [] : form.errorList), ...(audience.ok ? [] : audience.errorList)],
        status: 400,
      });
    }
    const opened = await s.openSpace(db, request.user!, programme.id, { ...form.data, audience: audience.data }, clock);
    if (!opened.ok) {
      const text = 'You can open spaces only for the projects and sub-groups you lead. Choose one of those';
      return spaceFormPage(request, reply, programme.id, { values, errors: { audience: { text } }, errorList: [{ text, href: `#${audienceFieldOrder()[0]}` }], status: 403 });
    }
    reply.flash('Space opened.');
    return reply.redirect(`/discussions/spaces/${opened.id}`);
  });

  app.get('/discussions/spaces/:id', { ...signedIn, schema: { params: idParams, querystring: pageQuery } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id);
    if (!found) return reply;
    const { access } = found;
    const page = request.query.page;
    const { rows, total } = await s.threadsOf(db, request.user!, access.space.id, page);
    const pages = Math.max(1, Math.ceil(total / s.PAGE_SIZE));
    if (page > pages) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/space.njk`, {
      pageTitle: page > 1 ? `${access.space.name} (page ${page} of ${pages})` : access.space.name,
      ...access,
      threads: rows,
      page,
      pages,
      pagination: paginationFor(page, pages),
      audience: await s.spaceAudience(db, access.space.id),
      following: await s.followsSpace(db, request.user!, access.space.id),
      summaries: await s.summariesOf(db, access.space.id),
      suspensions: access.manages ? await s.suspensionsIn(db, access.space.id, clock) : [],
    });
  });

  const editSpacePage = (reply: FastifyReply, access: s.SpaceAccess, ctx: SpaceFormCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/space-edit.njk`, { pageTitle: `Change ${access.space.name}`, space: access.space, values: ctx.values, errors: ctx.errors ?? {}, errorList: ctx.errorList });

  app.get('/discussions/spaces/:id/edit', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    return editSpacePage(reply, found.access, { values: { name: found.access.space.name, description: found.access.space.description } });
  });

  app.post('/discussions/spaces/:id/edit', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    const form = parseForm(spaceForm, request.body, { order: ['name', 'description'] });
    if (!form.ok) return editSpacePage(reply, found.access, { values: form.values, errors: form.errors, errorList: form.errorList, status: 400 });
    await s.renameSpace(db, request.user!, found.access, form.data, clock);
    reply.flash('Space changed.');
    return reply.redirect(`/discussions/spaces/${found.access.space.id}`);
  });

  app.post('/discussions/spaces/:id/archive', { ...signedIn, schema: { params: idParams, body: onOffBody } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    const on = request.body.on;
    if (on === undefined) return sendErrorPage(request, reply, 400);
    await s.archiveSpace(db, request.user!, found.access, on === '1', clock);
    reply.flash(on === '1' ? 'Space archived. It can be read but nothing more can be posted.' : 'Space reopened.');
    return reply.redirect(`/discussions/spaces/${found.access.space.id}`);
  });

  app.post('/discussions/spaces/:id/follow', { ...signedIn, schema: { params: idParams, body: onOffBody } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id);
    if (!found) return reply;
    if (request.body.on === undefined) return sendErrorPage(request, reply, 400);
    await s.setFollow(db, request.user!, 'space', found.access.space.id, request.body.on === '1', clock);
    reply.flash(request.body.on === '1' ? 'You are following this space: you will hear about new discussions in it.' : 'You have stopped following this space.');
    return reply.redirect(`/discussions/spaces/${found.access.space.id}`);
  });

  // The @mention type-ahead (assets/js/mentions.mjs): people who can see the space whose name
  // has a word starting with what was typed. Only for those who may post here; names only, never
  // kept by a shared cache.
  app.get('/discussions/spaces/:id/people', { config: { ...signedIn.config, ...lookupLimit }, schema: { params: idParams, querystring: mentionQuery } }, async (request, reply) => {
    reply.header('cache-control', 'private, no-store');
    const found = await spaceOr404(request, reply, request.params.id);
    if (!found) return reply;
    if (!found.access.mayPost) return sendErrorPage(request, reply, 403);
    const typed = nameStart.safeParse(request.query.q ?? '');
    if (!typed.success) return reply.code(400).send({ error: typed.error.issues[0]!.message });
    return reply.send({ people: await s.mentionable(db, request.user!, found.access.space.id, typed.data) });
  });

  // ---- Threads

  type ThreadFormCtx = { values: Record<string, string | string[]>; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; status?: number; preview?: boolean };
  const threadFormPage = (reply: FastifyReply, access: s.SpaceAccess, ctx: ThreadFormCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/thread-form.njk`, {
      pageTitle: `Start a discussion in ${access.space.name}`,
      space: access.space,
      values: { key: s.newFormKey(), ...ctx.values },
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
      preview: ctx.preview ? { body: String(ctx.values.body ?? '') } : {},
    });
  const refusedPage = (reply: FastifyReply, text: string) => reply.code(403).view(`${V}/refused.njk`, { pageTitle: 'You cannot post here', text });

  app.get('/discussions/spaces/:id/threads/new', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id);
    if (!found) return reply;
    if (!found.access.mayPost) return refusedPage(reply, POST_REFUSED[found.access.space.archived_at ? 'archived' : found.access.suspendedUntil ? 'suspended' : 'observer']);
    return threadFormPage(reply, found.access, { values: {} });
  });

  app.post('/discussions/spaces/:id/threads/new', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id);
    if (!found) return reply;
    const values = typedValues(request.body, s.BODY_MAX + 100);
    if (request.body.action === 'preview') return threadFormPage(reply, found.access, { values, preview: true });
    const form = parseForm(threadForm, request.body, { order: ['title', 'body'] });
    if (!form.ok) return threadFormPage(reply, found.access, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    const posted = await s.startThread(db, notifyCtx(), request.user!, found.access, form.data);
    if (!posted.ok) {
      const text = POST_REFUSED[posted.reason];
      return threadFormPage(reply, found.access, { values, errors: { body: { text } }, errorList: [{ text, href: '#body' }], status: 403 });
    }
    if (!posted.duplicate) deps.pokeMailWorker();
    reply.flash(postedMessage('Discussion started.', posted.notVisibleMentions));
    return reply.redirect(`/discussions/threads/${posted.threadId}`);
  });

  const postedMessage = (done: string, notVisible: string[]) =>
    notVisible.length ? `${done} ${listNames(notVisible)} cannot see this space, so we did not tell them about your mention.` : done;

  type ThreadCtx = { values?: Record<string, string | string[]>; errors?: FormFailure['errors']; errorList?: FormFailure['errorList']; status?: number; preview?: boolean; page?: number; voteErrors?: FormFailure['errors'] };
  const threadView = async (request: FastifyRequest, reply: FastifyReply, access: s.ThreadAccess, ctx: ThreadCtx) => {
    const page = ctx.page ?? 1;
    const shown = await s.threadPageFor(db, request.user!, access, page, clock);
    if (page > shown.pages) return sendErrorPage(request, reply, 404);
    const poll = await pollFor(db, request.user!, access, clock);
    return reply.code(ctx.status ?? 200).view(`${V}/thread.njk`, {
      pageTitle: shown.pages > 1 ? `${access.thread.title} (page ${page} of ${shown.pages})` : access.thread.title,
      ...access,
      ...shown,
      values: { key: s.newFormKey(), ...(ctx.values ?? {}) },
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
      preview: ctx.preview ? { body: String(ctx.values?.body ?? '') } : {},
      pagination: paginationFor(page, shown.pages),
      poll,
      pollItems: poll?.choices.map((c) => ({ value: c.value, text: c.label, checked: (ctx.values?.choice ?? poll.mine?.choice) === c.value })) ?? [],
      voteErrors: ctx.voteErrors ?? {},
    });
  };

  app.get('/discussions/threads/:id', { ...signedIn, schema: { params: idParams, querystring: pageQuery } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id);
    if (!found) return reply;
    return threadView(request, reply, found.access, { page: request.query.page });
  });

  // A reply to one post (or quoting it), on its own page: works without JavaScript.
  app.get('/discussions/threads/:id/reply', { ...signedIn, schema: { params: idParams, querystring: replyQuery } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id);
    if (!found) return reply;
    if (!found.access.mayReply) return refusedPage(reply, POST_REFUSED[refusalOf(found.access)]);
    const target = request.query.to ? await s.readablePost(db, request.user, found.programme.id, request.query.to, clock) : null;
    if (request.query.to && (!target || target.thread.id !== found.access.thread.id || target.post.status !== 'visible')) return sendErrorPage(request, reply, 404);
    return replyPage(reply, found.access, target?.post ?? null, request.query.quote, {});
  });

  const replyPage = async (reply: FastifyReply, access: s.ThreadAccess, to: { id: number; body: string; author_id: number | null } | null, quote: boolean, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/reply-form.njk`, {
      pageTitle: `Reply in ${access.thread.title}`,
      thread: access.thread,
      to,
      quote,
      values: { key: s.newFormKey(), ...(to ? { parentId: String(to.id) } : {}), ...(to && quote ? { quoteOf: String(to.id) } : {}), ...(ctx.values ?? {}) },
      errors: ctx.errors ?? {},
      errorList: ctx.errorList,
      preview: ctx.preview ? { body: String(ctx.values?.body ?? '') } : {},
    });

  const refusalOf = (access: s.ThreadAccess): s.PostRefusal =>
    access.space.archived_at ? 'archived' : access.suspendedUntil ? 'suspended' : access.thread.locked_at || access.thread.closed_at ? 'locked' : 'observer';

  app.post('/discussions/threads/:id/replies', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id);
    if (!found) return reply;
    const values = typedValues(request.body, s.BODY_MAX + 100);
    const onOwnPage = values.parentId !== undefined && values.parentId !== '';
    const again = async (ctx: ThreadCtx) => {
      if (!onOwnPage) return threadView(request, reply, found.access, { ...ctx, values });
      const to = await s.readablePost(db, request.user, found.programme.id, Number(values.parentId) || 0, clock);
      return replyPage(reply, found.access, to && to.thread.id === found.access.thread.id ? to.post : null, Boolean(values.quoteOf), { ...ctx, values });
    };
    if (request.body.action === 'preview') return again({ preview: true });
    const form = parseForm(replyForm, request.body, { order: ['body'] });
    if (!form.ok) return again({ errors: form.errors, errorList: form.errorList, status: 400 });
    const posted = await s.reply(db, notifyCtx(), request.user!, found.access, form.data);
    if (!posted.ok) {
      const text = POST_REFUSED[posted.reason];
      return again({ errors: { body: { text } }, errorList: [{ text, href: '#body' }], status: posted.reason === 'bad_parent' ? 400 : 403 });
    }
    if (!posted.duplicate) deps.pokeMailWorker();
    reply.flash(postedMessage('Reply posted.', posted.notVisibleMentions));
    return reply.redirect(await postUrl(found.access.thread.id, posted.postId));
  });

  /** Where a post is: its thread's page that holds it (its top-level post's page), at its anchor. */
  const postUrl = async (threadId: number, postId: number) => {
    const post = await s.readablePostRow(db, postId);
    const page = post ? await s.pageOfPost(db, threadId, post.parent_id ?? post.id) : 1;
    return `/discussions/threads/${threadId}${page > 1 ? `?page=${page}` : ''}#post-${postId}`;
  };

  app.post('/discussions/threads/:id/flags', { ...signedIn, schema: { params: idParams, body: flagBody } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    const what = request.body.what;
    if (!what) return sendErrorPage(request, reply, 400);
    await s.setThreadFlag(db, request.user!, found.access, what, clock);
    reply.flash({ pin: 'Discussion pinned to the top of the space.', unpin: 'Discussion unpinned.', lock: 'Discussion locked: no more replies can be added.', unlock: 'Discussion unlocked.' }[what]);
    return reply.redirect(`/discussions/threads/${found.access.thread.id}`);
  });

  app.post('/discussions/threads/:id/follow', { ...signedIn, schema: { params: idParams, body: onOffBody } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id);
    if (!found) return reply;
    if (request.body.on === undefined) return sendErrorPage(request, reply, 400);
    await s.setFollow(db, request.user!, 'thread', found.access.thread.id, request.body.on === '1', clock);
    reply.flash(request.body.on === '1' ? 'You are following this discussion.' : 'You have stopped following this discussion.');
    return reply.redirect(`/discussions/threads/${found.access.thread.id}`);
  });

  const closePage = (reply: FastifyReply, access: s.ThreadAccess, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/close-form.njk`, { pageTitle: `Close ${access.thread.title}`, thread: access.thread, values: ctx.values ?? {}, errors: ctx.errors ?? {}, errorList: ctx.errorList, preview: ctx.preview ? { summary: String(ctx.values?.summary ?? '') } : {} });

  app.get('/discussions/threads/:id/close', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    if (found.access.thread.closed_at) return reply.redirect(`/discussions/threads/${found.access.thread.id}`);
    return closePage(reply, found.access, {});
  });

  app.post('/discussions/threads/:id/close', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    // Closed already (a second click, or another lead): its summary stands, as the form's page says.
    if (found.access.thread.closed_at) return reply.redirect(`/discussions/threads/${found.access.thread.id}`);
    const values = typedValues(request.body, s.BODY_MAX + 100);
    if (request.body.action === 'preview') return closePage(reply, found.access, { values, preview: true });
    const form = parseForm(closeForm, request.body);
    if (!form.ok) return closePage(reply, found.access, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    await s.closeThread(db, request.user!, found.access, form.data.summary, clock);
    reply.flash('Discussion closed with your summary.');
    return reply.redirect(`/discussions/threads/${found.access.thread.id}`);
  });

  // ---- One post: edit, delete, history, report, moderate

  const editPage = (reply: FastifyReply, access: s.ThreadAccess & { post: { id: number } }, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/edit-form.njk`, { pageTitle: `Change your post in ${access.thread.title}`, thread: access.thread, post: access.post, values: ctx.values ?? {}, errors: ctx.errors ?? {}, errorList: ctx.errorList, preview: ctx.preview ? { body: String(ctx.values?.body ?? '') } : {} });

  app.get('/discussions/posts/:id/edit', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id);
    if (!found) return reply;
    if (found.access.post.author_id !== request.user!.id || found.access.post.status !== 'visible') return sendErrorPage(request, reply, 404);
    return editPage(reply, found.access, { values: { body: found.access.post.body } });
  });

  app.post('/discussions/posts/:id/edit', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id);
    if (!found) return reply;
    const values = typedValues(request.body, s.BODY_MAX + 100);
    if (request.body.action === 'preview') return editPage(reply, found.access, { values, preview: true });
    const form = parseForm(editForm, request.body);
    if (!form.ok) return editPage(reply, found.access, { values, errors: form.errors, errorList: form.errorList, status: 400 });
    const edited = await s.editPost(db, request.user!, found.access, form.data.body, clock);
    if (!edited.ok) {
      const text = POST_REFUSED[edited.reason];
      return editPage(reply, found.access, { values, errors: { body: { text } }, errorList: [{ text, href: '#body' }], status: 403 });
    }
    reply.flash('Post changed.');
    return reply.redirect(await postUrl(found.access.thread.id, found.access.post.id));
  });

  app.post('/discussions/posts/:id/delete', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id);
    if (!found) return reply;
    const done = await s.deletePost(db, request.user!, found.access);
    if (!done.ok) return refusedPage(reply, POST_REFUSED[done.reason]);
    reply.flash('Post deleted.');
    return reply.redirect(await postUrl(found.access.thread.id, found.access.post.id));
  });

  app.get('/discussions/posts/:id/history', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    return reply.view(`${V}/history.njk`, { pageTitle: `Earlier versions of a post in ${found.access.thread.title}`, ...found.access, versions: await s.historyOf(db, found.access.post.id) });
  });

  const reportPage = (reply: FastifyReply, access: s.ThreadAccess & { post: { id: number; body: string } }, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/report-form.njk`, { pageTitle: `Report a post in ${access.thread.title}`, thread: access.thread, post: access.post, values: ctx.values ?? {}, errors: ctx.errors ?? {}, errorList: ctx.errorList });

  app.get('/discussions/posts/:id/report', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id);
    if (!found || found.access.post.status !== 'visible') return found ? sendErrorPage(request, reply, 404) : reply;
    return reportPage(reply, found.access, {});
  });

  app.post('/discussions/posts/:id/report', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id);
    if (!found || found.access.post.status !== 'visible') return found ? sendErrorPage(request, reply, 404) : reply;
    const form = parseForm(reportForm, request.body);
    if (!form.ok) return reportPage(reply, found.access, { values: form.values, errors: form.errors, errorList: form.errorList, status: 400 });
    await s.reportPost(db, request.user!, found.access, form.data.reason, clock);
    reply.flash('Thank you. A moderator will look at the post.');
    return reply.redirect(await postUrl(found.access.thread.id, found.access.post.id));
  });

  const moderatePage = (reply: FastifyReply, access: s.ThreadAccess & { post: { id: number; body: string; status: string } }, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/moderate-form.njk`, { pageTitle: `Moderate a post in ${access.thread.title}`, thread: access.thread, post: access.post, values: ctx.values ?? {}, errors: ctx.errors ?? {}, errorList: ctx.errorList });

  app.get('/discussions/posts/:id/moderate', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    return moderatePage(reply, found.access, { values: { action: found.access.post.status === 'hidden' ? 'restore' : 'hide' } });
  });

  app.post('/discussions/posts/:id/moderate', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await postOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    const form = parseForm(moderateForm, request.body, { order: ['action', 'note'] });
    if (!form.ok) return moderatePage(reply, found.access, { values: form.values, errors: form.errors, errorList: form.errorList, status: 400 });
    const done = await s.moderatePost(db, request.user!, found.access, form.data.action, form.data.note, clock);
    if (!done.ok) return refusedPage(reply, POST_REFUSED.gone);
    reply.flash({ hide: 'Post hidden. Others now see that a moderator hid it.', restore: 'Post restored.', keep: 'Post kept as it is; its reports are closed.' }[form.data.action]);
    return reply.redirect(`/discussions/moderation`);
  });

  app.get('/discussions/moderation', { ...signedIn, schema: { querystring: z.object({ space: rowId.optional().catch(undefined) }) } }, async (request, reply) => {
    const programme = await programmeOf(request, reply);
    if (!programme) return reply;
    if (!(await s.mayOpenSpaces(db, request.user))) return sendErrorPage(request, reply, 404);
    const spaceId = request.query.space;
    const one = spaceId ? await s.readableSpace(db, request.user, programme.id, spaceId, clock) : null;
    if (spaceId && !one?.manages) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/moderation.njk`, {
      pageTitle: one ? `Reported posts in ${one.space.name}` : 'Reported posts',
      space: one?.space ?? null,
      reports: await s.reportQueue(db, request.user, programme.id, one?.space.id ?? null),
    });
  });

  const suspendPage = (reply: FastifyReply, access: s.SpaceAccess, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/suspend-form.njk`, { pageTitle: `Suspend someone from posting in ${access.space.name}`, space: access.space, values: ctx.values ?? {}, errors: ctx.errors ?? {}, errorList: ctx.errorList });

  app.get('/discussions/spaces/:id/suspend', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    return suspendPage(reply, found.access, {});
  });

  app.post('/discussions/spaces/:id/suspend', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await spaceOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    const form = parseForm(suspendForm, request.body, { order: ['email', 'until-day', 'until-month', 'until-year', 'note'], anchors: SUSPEND_ANCHORS });
    const fail = (field: string, text: string, href = `#${field}`) => suspendPage(reply, found.access, { values: typedValues(request.body), errors: { [field]: { text } }, errorList: [{ text, href }], status: 400 });
    if (!form.ok) return suspendPage(reply, found.access, { values: form.values, errors: collapseDate(form.errors), errorList: dedupe(form.errorList), status: 400 });
    const d = form.data;
    const date = realDate(d['until-year'], d['until-month'], d['until-day']);
    if (!date) return fail('until', 'The date must be a real date', '#until-day');
    const done = await s.suspend(db, request.user!, found.access, { email: d.email, until: endOfLondonDay(date).toISOString(), note: d.note }, clock);
    if (!done.ok) {
      if (done.reason === 'in_past') return fail('until', 'The date must be today or in the future', '#until-day');
      return fail('email', done.reason === 'self' ? 'You cannot suspend yourself' : 'No one who can see this space has that email address');
    }
    reply.flash(`${done.name} cannot post in this space until the end of ${date.split('-').reverse().join('/')} (UK time).`);
    return reply.redirect(`/discussions/spaces/${found.access.space.id}`);
  });

  // ---- Quick polls

  const pollPage = (reply: FastifyReply, access: s.ThreadAccess, ctx: ThreadCtx) =>
    reply.code(ctx.status ?? 200).view(`${V}/poll-form.njk`, { pageTitle: `Add a poll to ${access.thread.title}`, thread: access.thread, values: ctx.values ?? {}, errors: ctx.errors ?? {}, errorList: ctx.errorList, optionsMax: OPTIONS_MAX });

  app.get('/discussions/threads/:id/poll', { ...signedIn, schema: { params: idParams } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    return pollPage(reply, found.access, { values: { kind: 'agreement' } });
  });

  app.post('/discussions/threads/:id/poll', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id, true);
    if (!found) return reply;
    const values = typedValues(request.body);
    const form = parseForm(pollForm, request.body, { order: ['question', 'kind', 'options', 'closes-day', 'closes-month', 'closes-year'], anchors: POLL_ANCHORS });
    const fail = (field: string, text: string, href = `#${field}`) => pollPage(reply, found.access, { values, errors: { [field]: { text } }, errorList: [{ text, href }], status: 400 });
    if (!form.ok) return pollPage(reply, found.access, { values, errors: collapseDate(form.errors, 'closes'), errorList: dedupe(form.errorList), status: 400 });
    const d = form.data;
    const date = realDate(d['closes-year'], d['closes-month'], d['closes-day']);
    if (!date) return fail('closes', 'The closing date must be a real date', '#closes-day');
    const added = await addPoll(db, request.user!, found.access, { kind: d.kind, question: d.question, options: d.options, closesAt: endOfLondonDay(date).toISOString(), hideResults: d.hideResults }, clock);
    if (!added.ok) return added.reason === 'exists' ? fail('question', 'This discussion already has a poll') : fail('closes', 'The closing date must be today or in the future', '#closes-day');
    reply.flash('Poll added.');
    return reply.redirect(`/discussions/threads/${found.access.thread.id}#poll`);
  });

  const VOTE_REFUSED: Record<VoteRefusal, string> = {
    no_poll: 'This discussion has no poll',
    closed: 'This poll has closed',
    not_allowed: 'You cannot vote in this poll',
    bad_choice: 'Choose one of the answers',
  };

  app.post('/discussions/threads/:id/vote', { ...signedIn, schema: { params: idParams, body: formBody } }, async (request, reply) => {
    const found = await threadOr404(request, reply, request.params.id);
    if (!found) return reply;
    const values = typedValues(request.body);
    const form = parseForm(voteForm, request.body, { order: ['choice', 'reason'] });
    if (!form.ok) return threadView(request, reply, found.access, { values, voteErrors: form.errors, errorList: form.errorList, status: 400 });
    const done = await vote(db, request.user!, found.access, form.data, clock);
    if (!done.ok) {
      const text = VOTE_REFUSED[done.reason];
      return threadView(request, reply, found.access, { values, voteErrors: { choice: { text } }, errorList: [{ text, href: '#choice' }], status: done.reason === 'bad_choice' ? 400 : 403 });
    }
    reply.flash('Your vote is saved. You can change it until the poll closes.');
    return reply.redirect(`/discussions/threads/${found.access.thread.id}#poll`);
  });

  // ---- Search

  app.get('/discussions/search', { ...signedIn, schema: { querystring: searchQuery } }, async (request, reply) => {
    const programme = await programmeOf(request, reply);
    if (!programme) return reply;
    const text = request.query.q?.trim() ?? '';
    const results = text ? await s.search(db, request.user!, programme.id, text) : [];
    return reply.view(`${V}/search.njk`, { pageTitle: text ? `Search discussions for ${text}` : 'Search discussions', q: text, results, searched: Boolean(text), limit: s.SEARCH_LIMIT });
  });

}

/** GOV.UK pagination's parameters for page `page` of `pages`: every page number (with gaps when there are many). */
function paginationFor(page: number, pages: number) {
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  for (const [i, n] of shown.entries()) {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: `?page=${n}`, current: n === page });
  }
  return { items, ...(page > 1 ? { previous: { href: `?page=${page - 1}` } } : {}), ...(page < pages ? { next: { href: `?page=${page + 1}` } } : {}) };
}

function listNames(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The three date boxes share one message, shown once. */
function collapseDate(errors: FormFailure['errors'], prefix = 'until'): FormFailure['errors'] {
  const out = { ...errors };
  const first = errors[`${prefix}-day`] ?? errors[`${prefix}-month`] ?? errors[`${prefix}-year`];
  if (first) out[prefix] = first;
  return out;
}

/** A YYYY-MM-DD date from its parts, or null when there is no such day (31 February). */
function realDate(year: number, month: number, day: number): string | null {
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const real = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(real.getTime()) || real.toISOString().slice(0, 10) !== date ? null : date;
}
function dedupe(list: FormFailure['errorList']): FormFailure['errorList'] {
  const seen = new Set<string>();
  return list.filter((e) => !seen.has(e.href) && Boolean(seen.add(e.href)));
}
