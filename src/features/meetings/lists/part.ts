// Lists per project and sub-group, and the programme calendar for admins (issue 11).
import type { MeetingsPart } from '../part.ts';

export const listsPart: MeetingsPart = {
  routes: async (app, deps) => (await import('./routes.ts')).listsRoutes(app, deps),
  navigation: [{ href: '/meetings/calendar', text: 'Meetings calendar', roles: ['admin'], section: 'taking-part', order: 6 }],
};
