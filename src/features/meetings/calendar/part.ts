// Calendars and invitations: the iCalendar files and emails, the per-person feed, Add to Outlook / Google, answering from the email (issue 11).
import { inTransaction } from '../../../platform/db/database.ts';
import type { PersonalData } from '../../../platform/feature.ts';
import type { JobHandlers } from '../../../platform/jobs/runner.ts';
import type { MeetingsPart } from '../part.ts';
import * as q from '../queries.ts';
import { own } from '../service.ts';
import { calendarDb } from './feed-tokens.ts';
import { inviteNewcomers, MEETING_INVITED } from './invitations.ts';
import { calendarSection } from './page.ts';
import { deleteFeed, feedOf, forgetInvitations, invitationsOf, withdrawInvitations } from './queries.ts';

/** The invitation job: everyone in a published meeting's audience not yet invited (safe to run twice). */
export function calendarJobHandlers(site: { baseUrl: string; secret: string; mailFrom: string }): JobHandlers {
  return {
    'meetings.invite': async (payload, job) => {
      const ctx = { clock: job.clock, baseUrl: site.baseUrl, secret: site.secret, mailFrom: site.mailFrom };
      await inTransaction(job.db, async (tx) => {
        if (!(await q.meetingExists(own(tx), payload.meetingId))) return;
        // Under the meeting's lock, so a change saved meanwhile is either before or after.
        await q.lockMeeting(own(tx), payload.meetingId);
        await inviteNewcomers(tx, ctx, await q.meetingRow(own(tx), payload.meetingId));
      });
    },
  };
}

/** Which meetings a person was sent invitations to, and whether their feed is on; erasing deletes both. */
export const calendarPersonalData: PersonalData = {
  exportPerson: async (db, personId) => {
    const c = calendarDb(db);
    const feed = await feedOf(c, personId);
    return {
      meeting_invitations: (await invitationsOf(c, personId)).map((r) => ({ ...r })),
      calendar_feed: feed ? [{ turned_on_at: feed.created_at }] : [],
    };
  },
  erasePerson: async (tx, personId) => {
    await forgetInvitations(calendarDb(tx), personId);
    await deleteFeed(calendarDb(tx), personId);
  },
};

export const calendarPart: MeetingsPart = {
  routes: async (app, deps) => {
    (await import('./routes.ts')).calendarRoutes(app, deps);
  },
  notificationKinds: [MEETING_INVITED],
  handlers: (deps) => calendarJobHandlers({ ...deps.notify, mailFrom: deps.config.mailFrom }),
  meetingPage: calendarSection,
  personalData: calendarPersonalData,
  // Their invitations to meetings to come are taken back, so no update or cancellation about
  // those goes to someone who has withdrawn (a meeting's change is essential mail, which a
  // withdrawal does not stop). Their queued mail is dropped by the withdrawal itself.
  onWithdraw: async (tx, personId, clock) => withdrawInvitations(calendarDb(tx), personId, clock().toISOString()),
};
