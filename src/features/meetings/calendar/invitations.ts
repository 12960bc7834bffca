// Who is sent a meeting's calendar invitation, update or cancellation, and the emails themselves.
// Every send is recorded in meeting_invitations (person, the SEQUENCE sent, when, cancelled), so:
// the invitation job run twice invites nobody twice (a row is claimed before its email is
// written); a change goes to exactly those invited; a cancellation to those invited and not
// already told. All of it in the caller's transaction, under the meeting's row lock.
import { addressees } from '../../../platform/audience/access.ts';
import type { Db, Tx } from '../../../platform/db/database.ts';
import type { CalendarEvent } from '../../../platform/mail/outbox.ts';
import type { MailPart } from '../../../platform/mail/templates.ts';
import type { NotificationKind } from '../../../platform/notify/kinds.ts';
import { notify } from '../../../platform/notify/notify.ts';
import { markdownToText } from '../../../platform/rich-text/rich-text.ts';
import { londonSpan } from '../../../platform/london-time.ts';
import { MEETING_CHANGED } from '../notifications.ts';
import * as q from '../queries.ts';
import { ITEM_KIND, own } from '../service.ts';
import type { Meeting } from '../tables.ts';
import { answerUrl } from './answer-token.ts';
import { meetingPageUrl, meetingsCalendar, type CalendarMeeting, type CalendarMethod } from './ics.ts';
import { calendarDb } from './feed-tokens.ts';
import { organiserOf, type CalendarContext } from './organiser.ts';
import * as cq from './queries.ts';

export const MEETING_INVITED: NotificationKind = {
  kind: 'meetings.invited',
  label: 'When you are invited to a meeting',
  defaultDelivery: 'immediately',
};

/** What changed, in the words of the update email. */
export type ChangeWords = { moved: boolean; details: boolean };

/** The meeting with its agenda lines, as the calendar builder takes it. */
export async function calendarMeeting(db: Db | Tx, m: Meeting): Promise<CalendarMeeting> {
  const agenda = await q.agendaOf(own(db), m.id);
  return { ...m, agenda: agenda.map((a) => [a.title, a.lead_name ? `led by ${a.lead_name}` : '', a.minutes ? `${a.minutes} minutes` : ''].filter(Boolean).join(', ')) };
}

async function calendarEvent(tx: Tx, m: CalendarMeeting, method: CalendarMethod, ctx: CalendarContext): Promise<CalendarEvent> {
  const content = meetingsCalendar([m], method, { baseUrl: ctx.baseUrl, organiser: await organiserOf(tx, ctx.mailFrom), now: ctx.clock() });
  return { method: method, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content };
}

const item = (m: Meeting) => ({ kind: ITEM_KIND, id: m.id, title: m.title, url: `/meetings/${m.id}`, group: 'Meetings' });

function answerLinks(ctx: CalendarContext, personId: number, meetingId: number): MailPart[] {
  const link = (answer: 'yes' | 'no' | 'maybe') => answerUrl(ctx.baseUrl, ctx.secret, { personId, meetingId, answer });
  return ['Are you coming? Choose an answer (the page it opens asks you to confirm):', { link: link('yes'), text: 'Yes, I am coming' }, { link: link('no'), text: 'No, I cannot come' }, { link: link('maybe'), text: 'Maybe' }];
}

/** Invites everyone in the meeting's audience not yet invited; returns how many were. */
export async function inviteNewcomers(tx: Tx, ctx: CalendarContext, m: Meeting, audience?: readonly number[]): Promise<number> {
  // Not a meeting to invite anyone to: a draft, cancelled, or over (a job that ran late).
  if (m.status !== 'published' || Date.parse(m.ends_at) <= ctx.clock().getTime()) return 0;
  const people = audience ?? (await addressees(tx, ITEM_KIND, m.id));
  const now = ctx.clock().toISOString();
  const full = await calendarMeeting(tx, m);
  const calendar = await calendarEvent(tx, full, 'REQUEST', ctx);
  const when = londonSpan(m.starts_at, m.ends_at);
  const purpose = markdownToText(m.purpose, { baseUrl: ctx.baseUrl });
  let told = 0;
  for (const personId of people) {
    if (!(await cq.claimInvitation(calendarDb(tx), m, personId, now))) continue;
    await notify(tx, ctx, personId, MEETING_INVITED.kind, item(m), {
      subject: `Invitation: “${m.title}”`,
      greeting: 'Hello,',
      parts: [
        `You are invited to “${m.title}” on ${when}.`,
        ...(purpose ? [purpose] : []),
        ...answerLinks(ctx, personId, m.id),
        `The button to join will be on the meeting’s page from ${m.join_opens_minutes} minutes before the start.`,
        { link: meetingPageUrl(ctx.baseUrl, m.id), text: 'See the meeting' },
        // A calendar's own Accept or Decline goes to the programme's mailbox, not to the site.
        'The calendar invitation with this email adds the meeting to your calendar. Accepting or declining it there does not tell us whether you are coming: use the links above.',
      ],
      calendar,
    });
    told++;
  }
  return told;
}

/** Sends the update (METHOD:REQUEST, the meeting's SEQUENCE now) to these invited people. */
export async function sendUpdate(tx: Tx, ctx: CalendarContext, m: Meeting, people: readonly number[], change: ChangeWords): Promise<number> {
  if (!people.length) return 0;
  const calendar = await calendarEvent(tx, await calendarMeeting(tx, m), 'REQUEST', ctx);
  const when = londonSpan(m.starts_at, m.ends_at);
  const subject = change.moved ? `“${m.title}” has moved` : `“${m.title}” has changed`;
  const what = change.moved
    ? [`“${m.title}” has moved. It is now on ${when}.`, ...(change.details ? ['Its details have changed too: see the meeting’s page.'] : [])]
    : [`The details of “${m.title}” on ${when} have changed (such as its title, purpose, agenda or joining notes). The time is the same.`];
  for (const personId of people) {
    await notify(tx, ctx, personId, MEETING_CHANGED.kind, item(m), {
      subject,
      greeting: 'Hello,',
      parts: [...what, ...(change.moved ? answerLinks(ctx, personId, m.id) : []), { link: meetingPageUrl(ctx.baseUrl, m.id), text: 'See the meeting' }, 'The calendar update with this email changes the meeting in your calendar.'],
      calendar,
    });
  }
  await cq.recordSent(calendarDb(tx), m.id, people, m.sequence, null);
  return people.length;
}

/**
 * Sends METHOD:CANCEL to these invited people and records that they were told: the meeting is
 * cancelled (`cancelled`), or it is no longer for them (`removed`).
 */
export async function sendCancel(tx: Tx, ctx: CalendarContext, m: Meeting, people: readonly number[], why: 'cancelled' | 'removed'): Promise<number> {
  if (!people.length) return 0;
  const calendar = await calendarEvent(tx, await calendarMeeting(tx, m), 'CANCEL', ctx);
  const when = londonSpan(m.starts_at, m.ends_at);
  for (const personId of people) {
    await notify(tx, ctx, personId, MEETING_CHANGED.kind, item(m), {
      subject: why === 'cancelled' ? `“${m.title}” is cancelled` : `You are no longer invited to “${m.title}”`,
      greeting: 'Hello,',
      parts: [
        why === 'cancelled' ? `“${m.title}” on ${when} is cancelled.` : `“${m.title}” on ${when} is no longer for a group you are in, so you are no longer invited.`,
        'The calendar cancellation with this email takes the meeting out of your calendar.',
      ],
      calendar,
    });
  }
  await cq.recordSent(calendarDb(tx), m.id, people, m.sequence, ctx.clock().toISOString());
  return people.length;
}

/**
 * After a save of a published meeting: updates, invitations to newcomers, cancellations to those
 * who left. Nothing once it has ended: its record may be put right, but nobody is to be told a
 * meeting that is over has moved, changed or is no longer for them.
 */
export async function reconcile(tx: Tx, ctx: CalendarContext, meetingId: number, change: ChangeWords): Promise<number> {
  await q.lockMeeting(own(tx), meetingId);
  const m = await q.meetingRow(own(tx), meetingId);
  if (m.status !== 'published' || Date.parse(m.ends_at) <= ctx.clock().getTime()) return 0;
  const [invited, audience] = await Promise.all([cq.invitedNow(calendarDb(tx), meetingId), addressees(tx, ITEM_KIND, meetingId)]);
  const inAudience = new Set(audience);
  const wasInvited = new Set(invited);
  let told = 0;
  if (change.moved || change.details) told += await sendUpdate(tx, ctx, m, invited.filter((p) => inAudience.has(p)), change);
  told += await sendCancel(tx, ctx, m, invited.filter((p) => !inAudience.has(p)), 'removed');
  told += await inviteNewcomers(tx, ctx, m, audience.filter((p) => !wasInvited.has(p)));
  return told;
}

/** After the meeting is cancelled: METHOD:CANCEL to everyone invited and not yet told. */
export async function cancelAll(tx: Tx, ctx: CalendarContext, meetingId: number): Promise<number> {
  const m = await q.meetingRow(own(tx), meetingId);
  return sendCancel(tx, ctx, m, await cq.invitedNow(calendarDb(tx), meetingId), 'cancelled');
}
