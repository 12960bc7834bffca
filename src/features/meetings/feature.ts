// Virtual meetings (issue 11): organisers schedule meetings for an audience; invitees see them in
// "Your meetings", answer, and join through the site. The core (this folder) schedules, answers
// and keeps places; the parts (parts.ts) add calendars, lists, adjustments and what happens after
// the meeting. This manifest joins them: it is still the one place the feature is declared.
import { defineFeature } from '../../platform/feature.ts';
import { CORE_KINDS } from './notifications.ts';
import { PARTS } from './parts.ts';
import { meetingsPersonalData } from './personal-data.ts';

export const meetings = defineFeature({
  name: 'meetings',
  routes: async (app, deps) => {
    (await import('./routes.ts')).meetingsRoutes(app, deps);
    for (const part of PARTS) await part.routes?.(app, deps);
  },
  navigation: [
    { href: '/meetings', text: 'Meetings', roles: ['admin'], section: 'taking-part', order: 5 },
    { href: '/my/meetings', text: 'Your meetings', roles: ['participant', 'facilitator'], order: 20 },
    ...PARTS.flatMap((p) => p.navigation ?? []),
  ],
  notificationKinds: [...CORE_KINDS, ...PARTS.flatMap((p) => p.notificationKinds ?? [])],
  jobs: async (deps) => {
    const core = (await import('./service.ts')).meetingJobHandlers(deps.notify);
    const handlers = Object.assign({}, core, ...(await Promise.all(PARTS.map((p) => p.handlers?.(deps) ?? {}))));
    return { handlers, recurring: PARTS.flatMap((p) => p.recurring?.(deps) ?? []) };
  },
  home: async (viewer, ctx) => (await import('./home.ts')).meetingsHomeSection(viewer, ctx),
  homeOrder: 20,
  personalData: meetingsPersonalData,
  // A withdrawn participant is dropped from meetings to come: each part lets go first, then the
  // core frees their places (the waiting list moves up).
  onWithdraw: async (tx, personId, clock) => {
    for (const part of PARTS) await part.onWithdraw?.(tx, personId, clock);
    await (await import('./service.ts')).dropFromFutureMeetings(tx, personId, clock);
  },
});
