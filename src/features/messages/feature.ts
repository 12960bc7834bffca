// Messages to an audience (issue 10 §7): admins, and leads for the groups they lead, write a
// message, preview who it will reach and send it; the messages.send job delivers it through
// notify() (kind messages.team); admins keep the record of every message and who it went to.
import { defineFeature } from '../../platform/feature.ts';
import { MESSAGES_FROM_TEAM } from './notifications.ts';
import { messagesPersonalData } from './personal-data/personal-data.ts';

export const messages = defineFeature({
  name: 'messages',
  routes: async (app, deps) => (await import('./routes.ts')).messagesRoutes(app, deps),
  navigation: [
    { href: '/admin/messages', text: 'Messages', roles: ['admin'], section: 'taking-part', also: ['/messages'], order: 10 },
    { href: '/messages', text: 'Messages', roles: ['facilitator'], order: 30 },
  ],
  notificationKinds: [MESSAGES_FROM_TEAM],
  jobs: async (deps) => ({ handlers: (await import('./service.ts')).messageJobHandlers(deps.notify) }),
  personalData: messagesPersonalData,
});
