// The facilitator's and observer's landing pages. No tables.
import { defineFeature } from '../../platform/feature.ts';

export const workspace = defineFeature({
  name: 'workspace',
  routes: async (app, deps) => (await import('./routes.ts')).workspaceRoutes(app, deps),
  navigation: [
    { href: '/facilitate', text: 'Facilitate', roles: ['facilitator'], order: 20 },
    { href: '/reports', text: 'Reports', roles: ['observer'], order: 30 },
    { href: '/reports', text: 'Reports', roles: ['admin'], section: 'reports', order: 20 },
  ],
  personalData: 'none',
});
