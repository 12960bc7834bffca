// Virtual meetings (issue 11): organisers schedule meetings for an audience; invitees see them in
// "Your meetings", answer, and join through the site. Calendars, series, reminders and minutes
// build on this (see service.ts).
import { defineFeature } from '../../platform/feature.ts';
import { MEETING_CHANGED, MEETING_PLACE } from './notifications.ts';
import { meetingsPersonalData } from './personal-data.ts';

export const meetings = defineFeature({
  name: 'meetings',
  routes: async (app, deps) => (await import('./routes.ts')).meetingsRoutes(app, deps),
  navigation: [
    { href: '/meetings', text: 'Meetings', roles: ['admin'], section: 'taking-part', order: 5 },
    { href: '/my/meetings', text: 'Your meetings', roles: ['participant', 'facilitator'], order: 20 },
  ],
  notificationKinds: [MEETING_CHANGED, MEETING_PLACE],
  jobs: async (deps) => ({ handlers: (await import('./service.ts')).meetingJobHandlers(deps.notify) }),
  home: async (viewer, ctx) => (await import('./home.ts')).meetingsHomeSection(viewer, ctx),
  homeOrder: 20,
  personalData: meetingsPersonalData,
});
