// The admin's landing page, people and roles, the audit log and the email outbox. It keeps no
// tables of its own: people, audit entries and mail are the platform's.
import { defineFeature } from '../../platform/feature.ts';

export const admin = defineFeature({
  name: 'admin',
  routes: async (app, deps) => (await import('./routes.ts')).adminRoutes(app, deps),
  navigation: [
    { href: '/admin', text: 'Overview', roles: ['admin'], section: 'programme', order: 10 },
    { href: '/admin/people', text: 'People and roles', roles: ['admin'], section: 'people', order: 40 },
    { href: '/admin/audit', text: 'Audit log', roles: ['admin'], section: 'settings', order: 70 },
    { href: '/admin/mail', text: 'Email outbox', roles: ['admin'], section: 'settings', order: 75 },
  ],
  personalData: 'none',
});
