// Projects' members and sub-groups (admin), group leads, /facilitate's lists and the participant's
// home (/my), to which the other features add their sections.
import { defineFeature } from '../../platform/feature.ts';
import { ADDED_TO_GROUP } from './notifications.ts';
import { participantsPersonalData } from './personal-data/personal-data.ts';

export const participants = defineFeature({
  name: 'participants',
  routes: async (app, deps) => (await import('./routes.ts')).participantsRoutes(app, deps),
  navigation: [
    { href: '/my', text: 'Your programme', roles: ['participant'], order: 10 },
    { href: '/admin/projects', text: 'Projects and sub-groups', roles: ['admin'], section: 'programme', also: ['/admin/subgroups'], order: 40 },
  ],
  notificationKinds: [ADDED_TO_GROUP],
  home: async (viewer, ctx) => (await import('./home.ts')).participantsHomeSection(viewer, ctx),
  homeOrder: 10,
  personalData: participantsPersonalData,
});
