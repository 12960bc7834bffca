// What invitees are told when a meeting is published, changed or cancelled: the core
// (service.ts) calls these inside the transaction that makes the change, so a change rolled back
// tells nobody. Each returns how many people were told.
import { addressees } from '../../platform/audience/access.ts';
import type { Tx } from '../../platform/db/database.ts';
import { notify, type NotifyContext } from '../../platform/notify/notify.ts';
import type { Clock } from '../../platform/time.ts';
import { meetingWhen } from './london.ts';
import { MEETING_CHANGED } from './notifications.ts';
import * as q from './queries.ts';
import { ITEM_KIND, own } from './service.ts';

/**
 * A meeting has just been published (now, or at its set time): its invitees are to be invited.
 * The invitations go by a job (which has the site's address and secret for the links), so
 * publishing to a whole programme never waits on writing hundreds of emails.
 */
export async function announcePublished(_tx: Tx, _clock: Clock, _meetingId: number): Promise<void> {}

/**
 * What changed when a published meeting was saved: its time (`moved`), anything else a calendar
 * holds (title, purpose, join link, joining notes, agenda: `details`), or who it is for (`audience`).
 */
export type MeetingChange = { moved: boolean; details: boolean; audience: boolean };

/** A published meeting has been saved (the core calls this on every save of a published meeting). */
export async function announceChanged(tx: Tx, ctx: NotifyContext, meetingId: number, change: MeetingChange): Promise<number> {
  const m = await q.meetingRow(own(tx), meetingId);
  if (!change.moved) return 0;
  const when = meetingWhen(m.starts_at, m.ends_at);
  return tellEveryone(tx, ctx, meetingId, m.title, `“${m.title}” has moved`, [`“${m.title}” has moved. It is now on ${when}.`]);
}

/** A published meeting has been cancelled. */
export async function announceCancelled(tx: Tx, ctx: NotifyContext, meetingId: number): Promise<number> {
  const m = await q.meetingRow(own(tx), meetingId);
  const when = meetingWhen(m.starts_at, m.ends_at);
  return tellEveryone(tx, ctx, meetingId, m.title, `“${m.title}” is cancelled`, [`“${m.title}” on ${when} is cancelled.`]);
}

/** Tells every invitee (the essential kind), in the caller's transaction; returns how many were told. */
async function tellEveryone(tx: Tx, ctx: NotifyContext, meetingId: number, title: string, subject: string, parts: string[]): Promise<number> {
  const people = await addressees(tx, ITEM_KIND, meetingId);
  const url = `${ctx.baseUrl}/meetings/${meetingId}`;
  for (const personId of people) {
    await notify(tx, ctx, personId, MEETING_CHANGED.kind, { kind: ITEM_KIND, id: meetingId, title, url: `/meetings/${meetingId}`, group: 'Meetings' }, { subject, greeting: 'Hello,', parts: [...parts, { link: url, text: 'See the meeting' }] });
  }
  return people.length;
}
