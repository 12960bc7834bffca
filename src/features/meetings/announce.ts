// What invitees are told when a meeting is published, changed or cancelled: the core
// (service.ts) calls these inside the transaction that makes the change, so a change rolled back
// tells nobody. Each email carries the calendar part (calendar/invitations.ts): an invitation or
// update (METHOD:REQUEST with the meeting's SEQUENCE) or a cancellation (METHOD:CANCEL), and goes
// to exactly the people recorded as invited. Each returns how many people were told.
import type { Tx } from '../../platform/db/database.ts';
import { scheduleJob } from '../../platform/jobs/jobs.ts';
import type { NotifyContext } from '../../platform/notify/notify.ts';
import type { Clock } from '../../platform/time.ts';
import { cancelAll, reconcile } from './calendar/invitations.ts';
import { withMailFrom } from './calendar/organiser.ts';

declare module '../../platform/jobs/jobs.ts' {
  interface JobKinds {
    /** Sends a published meeting's invitations to everyone in its audience not yet invited. */
    'meetings.invite': { meetingId: number };
  }
}

/**
 * A meeting has just been published (now, or at its set time): its invitees are to be invited.
 * The invitations go by a job (which has the site's address and secret for the links), so
 * publishing to a whole programme never waits on writing hundreds of emails.
 */
export async function announcePublished(tx: Tx, clock: Clock, meetingId: number): Promise<void> {
  await scheduleJob(tx, 'meetings.invite', clock(), { meetingId }, `meetings.invite:${meetingId}`, { clock });
}

/**
 * What the core's changes are made with: the notify context and the app's mail-from (config), who
 * the calendar updates and cancellations are from. Left out (a test, a seed), the config's default.
 */
export type MeetingsContext = NotifyContext & { mailFrom?: string };

/**
 * What changed when a published meeting was saved: its time (`moved`), anything else a calendar
 * holds (title, purpose, join link, joining notes, agenda: `details`), or who it is for (`audience`).
 */
export type MeetingChange = { moved: boolean; details: boolean; audience: boolean };

/**
 * A published meeting has been saved (the core calls this on every save of a published meeting):
 * an update to everyone invited when its time or details changed, an invitation to anyone now in
 * its audience and not yet invited, and a cancellation to anyone invited and no longer in it.
 */
export async function announceChanged(tx: Tx, ctx: MeetingsContext, meetingId: number, change: MeetingChange): Promise<number> {
  return reconcile(tx, withMailFrom(ctx), meetingId, { moved: change.moved, details: change.details });
}

/** A published meeting has been cancelled: METHOD:CANCEL, with its raised SEQUENCE, to everyone invited. */
export async function announceCancelled(tx: Tx, ctx: MeetingsContext, meetingId: number): Promise<number> {
  return cancelAll(tx, withMailFrom(ctx), meetingId);
}
