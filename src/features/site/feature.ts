// The site's footer pages (privacy notice, accessibility statement, cookies, contact). No tables.
import { defineFeature } from '../../platform/feature.ts';

export const site = defineFeature({
  name: 'site',
  routes: async (app, deps) => (await import('./routes.ts')).siteRoutes(app, deps),
  personalData: 'none',
});
