// After the meeting (issue 11 §4, §5 exports): attendance, minutes with decisions and a review by
// the attendees, actions with reminders and "Your actions", overdue actions, and the export of
// invitees, answers and attendance. This says what the part adds to the meetings feature.
import type { MeetingsPart } from '../part.ts';
import { RECORDS_KINDS } from './notifications.ts';

export const afterPart: MeetingsPart = {
  routes: async (app, deps) => (await import('./routes.ts')).recordsRoutes(app, deps),
  navigation: [
    { href: '/my/actions', text: 'Your actions', roles: ['participant', 'facilitator'], order: 21 },
    { href: '/meetings/actions/overdue', text: 'Overdue actions', roles: ['admin'], section: 'taking-part', order: 6 },
  ],
  notificationKinds: RECORDS_KINDS,
  handlers: async (deps) => (await import('./service.ts')).recordsJobHandlers(deps.notify),
  meetingPage: async (ctx) => (await import('./page.ts')).recordsSection(ctx),
  onWithdraw: async (tx, personId) => (await import('./service.ts')).releaseWithdrawn(tx, personId),
  personalData: {
    exportPerson: async (db, personId) => (await import('./service.ts')).exportPersonRecords(db, personId),
    erasePerson: async (tx, personId) => (await import('./service.ts')).erasePersonRecords(tx, personId),
  },
};
