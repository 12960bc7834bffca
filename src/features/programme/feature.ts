// The programme: its public home page, the content editor, the registration window; it loads the
// programme (and, outside production, the demo people) into an empty database. Its tables hold the
// programme's own details (a contact address is the programme team's, not a person's).
import { defineFeature } from '../../platform/feature.ts';
import { registerProgrammeOnRequest } from './request.ts';

export const programme = defineFeature({
  name: 'programme',
  // request.programme() is used by every page's route, the platform's sign-in pages too.
  prepare: registerProgrammeOnRequest,
  routes: async (app, deps) => {
    const [{ programmeRoutes }, { programmeContentRoutes }] = await Promise.all([import('./routes.ts'), import('./content/routes.ts')]);
    programmeRoutes(app, deps);
    programmeContentRoutes(app, deps);
  },
  navigation: [
    // Admins reach the home page by the service's name in the header; their Programme is a section.
    { href: '/', text: 'Programme', roles: 'everyone', notFor: ['admin'], order: 0 },
    { href: '/admin/programme', text: 'Programme content', roles: ['admin'], section: 'programme', order: 20 },
    { href: '/admin/registration-window', text: 'Registration window', roles: ['admin'], section: 'programme', order: 30 },
  ],
  seed: {
    programme: async (tx, clock) => (await import('./seed.ts')).seedProgramme(tx, clock),
    demo: async (tx, clock) => (await import('./seed.ts')).seedDemoPeople(tx, clock),
  },
  personalData: 'none',
});
