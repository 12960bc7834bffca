// Online discussion groups (issue 13): spaces per project and sub-group, threads and replies,
// moderation, notifications and search. Reply by email (issue 13 §5–6) comes in the next slice:
// notifications about a post are built in one place (service.ts tellAbout) for its reply address.
import { defineFeature } from '../../platform/feature.ts';
import { DISCUSSION_KINDS } from './notifications.ts';
import { discussionsPersonalData } from './personal-data.ts';
import './visibility.ts';

export const discussions = defineFeature({
  name: 'discussions',
  routes: async (app, deps) => (await import('./routes.ts')).discussionsRoutes(app, deps),
  navigation: [
    { href: '/discussions', text: 'Discussions', roles: ['admin'], section: 'taking-part', order: 7 },
    { href: '/discussions', text: 'Discussions', roles: ['participant', 'facilitator'], order: 25 },
  ],
  notificationKinds: DISCUSSION_KINDS,
  home: async (viewer, ctx) => (await import('./home.ts')).discussionsHomeSection(viewer, ctx),
  homeOrder: 30,
  personalData: discussionsPersonalData,
  // Someone who leaves the programme is no longer told about discussions (their posts stay).
  onWithdraw: async (tx, personId) => (await import('./service.ts')).dropFollows(tx, personId),
});
