// Adjustment requests: a person asks for an adjustment for a meeting, organisers see the requests (issue 11).
import type { MeetingsPart } from '../part.ts';
import { MEETING_ADJUSTMENT } from './notifications.ts';
import * as q from './queries.ts';
import { closedReason, own, isInvitee, myRequest, needLabels, requestsFor } from './service.ts';

export const adjustmentsPart: MeetingsPart = {
  routes: async (app, deps) => (await import('./routes.ts')).adjustmentsRoutes(app, deps),
  notificationKinds: [MEETING_ADJUSTMENT],
  meetingPage: async ({ db, viewer, meeting, manages, clock }) => {
    const invitee = isInvitee(viewer, meeting);
    if (!invitee && !manages) return null;
    const mine = invitee ? await myRequest(db, meeting.id, viewer.id) : undefined;
    const requests = manages ? await requestsFor(db, meeting.id) : [];
    return {
      template: 'features/meetings/adjustments/views/section.njk',
      data: {
        meetingId: meeting.id,
        invitee,
        manages,
        closed: closedReason(meeting, clock()),
        mine: mine && { ...mine, labels: needLabels(mine.needs) },
        requests,
        toArrange: requests.filter((r) => r.status === 'requested').length,
      },
    };
  },
  personalData: {
    exportPerson: async (db, personId) => {
      const a = own(db);
      const [requests, arranged] = await Promise.all([q.personRequests(a, personId), q.arrangedBy(a, personId)]);
      return { meeting_adjustment_requests: requests, meeting_adjustments_arranged: arranged };
    },
    erasePerson: async (tx, personId) => q.forgetPerson(own(tx), personId),
  },
  // Requests for meetings to come are withdrawn with the person (organisers need not arrange them).
  onWithdraw: async (tx, personId, clock) => q.dropFutureRequests(own(tx), personId, clock().toISOString()),
};
