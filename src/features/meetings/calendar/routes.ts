// The calendar part's pages: the .ics download of one meeting (invitees only), answering from
// the invitation email (a page with one button, then the answer), the person's private feed and
// its page under the account, and the help page on adding a calendar.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { formatDate, londonDate } from '../../../platform/time.ts';
import { londonSpan } from '../../../platform/london-time.ts';
import { readableMeeting, rsvp } from '../service.ts';
import { answerUrl, readAnswerToken } from './answer-token.ts';
import { feedIcs, meetingIcs } from './calendars.ts';
import { feedOf, feedOwner, feedPath, newFeedToken, turnOffFeed } from './feed-tokens.ts';
import { linkPerson } from './people.ts';

const V = 'features/meetings/calendar/views';
const signedIn = { config: onlyRoles('admin', 'facilitator', 'participant', 'observer') };
const idParam = z.object({ id: rowId });
/** Anything longer than any token we issue is refused before it is read. */
const answerParams = z.object({ id: rowId, token: z.string().min(1).max(200) });
const feedParams = z.object({ file: z.string().min(1).max(200) });

const ANSWER_BUTTON = { yes: 'Yes, I am coming', no: 'No, I cannot come', maybe: 'Maybe, I might come' } as const;

export function sendCalendar(reply: FastifyReply, content: string, filename: string, caching: string): FastifyReply {
  return reply
    .type('text/calendar; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', caching)
    .send(content);
}

export function calendarRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;
  const clock = deps.clock;
  const site = () => ({ baseUrl: deps.config.baseUrl, mailFrom: deps.config.mailFrom, now: clock() });
  const notifyCtx = () => ({ clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret });

  // ---- One meeting's .ics: invitees (and its organisers) only, never a draft.
  app.get('/meetings/:id/calendar.ics', { ...signedIn, schema: { params: idParam } }, async (request, reply) => {
    const programme = await request.programme();
    const found = programme && (await readableMeeting(db, request.user, programme.id, request.params.id));
    if (!found || found.meeting.status === 'draft') return sendErrorPage(request, reply, 404);
    return sendCalendar(reply, await meetingIcs(db, found.meeting, site()), `meeting-${found.meeting.id}.ics`, 'private, no-store');
  });

  // ---- Answering from the email. The token is the person, the meeting and the answer, signed.
  const answerTarget = async (meetingId: number, token: string) => {
    const t = readAnswerToken(deps.config.sessionSecret, token);
    if (!t || t.meetingId !== meetingId) return null;
    const person = await linkPerson(db, t.personId);
    if (!person) return null;
    return { ...t, viewer: person };
  };
  const linkFails = (reply: FastifyReply) => reply.code(404).view(`${V}/answer-invalid.njk`, { pageTitle: 'This link does not work' });

  app.get('/meetings/:id/answer/:token', { schema: { params: answerParams } }, async (request, reply) => {
    const target = await answerTarget(request.params.id, request.params.token);
    const programme = await request.programme();
    const found = target && programme && (await readableMeeting(db, target.viewer, programme.id, target.meetingId));
    if (!target || !found || found.meeting.status === 'draft') return linkFails(reply);
    const m = found.meeting;
    const ended = Date.parse(m.ends_at) <= clock().getTime();
    return reply.view(`${V}/answer.njk`, {
      pageTitle: `Answer: “${m.title}”`,
      meeting: m,
      when: londonSpan(m.starts_at, m.ends_at),
      state: m.status === 'cancelled' ? 'cancelled' : ended ? 'ended' : 'open',
      button: ANSWER_BUTTON[target.answer],
      action: new URL(answerUrl(deps.config.baseUrl, deps.config.sessionSecret, target)).pathname,
    });
  });

  // No CSRF token: the signed link is the proof, as for /unsubscribe. Only this POST answers.
  app.post('/meetings/:id/answer/:token', { config: { csrf: false }, schema: { params: answerParams, body: formBody } }, async (request, reply) => {
    const target = await answerTarget(request.params.id, request.params.token);
    const programme = await request.programme();
    if (!target || !programme) return linkFails(reply);
    const result = await rsvp(db, target.viewer, programme.id, target.meetingId, target.answer, notifyCtx());
    if (!result.ok && (result.reason === 'not_found' || result.reason === 'draft')) return linkFails(reply);
    const found = await readableMeeting(db, target.viewer, programme.id, target.meetingId);
    if (!found) return linkFails(reply);
    if (result.ok) deps.pokeMailWorker();
    const m = found.meeting;
    return reply.view(`${V}/answered.njk`, {
      pageTitle: result.ok ? 'Your answer is saved' : result.reason === 'cancelled' ? 'This meeting is cancelled' : 'This meeting has ended',
      meeting: m,
      when: londonSpan(m.starts_at, m.ends_at),
      outcome: result.ok ? (result.place ?? result.response) : result.reason,
    });
  });

  // ---- The person's feed, and its page under the account.
  app.get('/account/calendar', signedIn, async (request, reply) => {
    const feed = await feedOf(db, request.user!.id);
    return reply.view(`${V}/account.njk`, { pageTitle: 'Your calendar feed', on: !!feed, made: feed?.created_at ? formatDate(londonDate(new Date(feed.created_at))) : null, flashFeedUrl: null });
  });

  app.post('/account/calendar/new', signedIn, async (request, reply) => {
    const token = await newFeedToken(db, request.user!.id, clock);
    // Shown on this response only: just the hash is kept, so the link cannot be shown again.
    return reply.view(`${V}/account.njk`, { pageTitle: 'Your new calendar feed link', on: true, made: formatDate(londonDate(clock())), feedUrl: new URL(feedPath(token), deps.config.baseUrl).toString() });
  });

  app.post('/account/calendar/off', signedIn, async (request, reply) => {
    await turnOffFeed(db, request.user!.id);
    reply.flash('Your calendar feed is turned off. Calendars that used its link will stop showing new meetings.');
    return reply.redirect('/account/calendar');
  });

  app.get('/calendar/:file', { schema: { params: feedParams } }, async (request, reply) => {
    const match = /^(.+)\.ics$/.exec(request.params.file);
    const personId = match ? await feedOwner(db, match[1]!) : null;
    const person = personId === null ? undefined : await linkPerson(db, personId);
    if (!person) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return sendCalendar(reply, await feedIcs(db, person, site()), 'meetings.ics', 'private, max-age=900');
  });

  app.get('/help/calendar', async (_request, reply) => reply.view(`${V}/help.njk`, { pageTitle: 'How to add your meetings to your calendar' }));
}
