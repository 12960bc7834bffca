// Commenting on draft resources (issue 14): section-by-section consultations on the programme's
// drafts, "you said, we did", versions, and the public library of final outputs. Parts: drafts
// (written or imported from Word), consultations (set up, changed), comments, triage and redaction
// (here); versions/ (stable section keys, changelog, word diff); report/ (the consultation report,
// team and public readings, CSV/Excel); library/ (publishing, /library, printable page, original file).
import { defineFeature } from '../../platform/feature.ts';
import { KINDS } from './notifications.ts';
import './visibility.ts';

export const consultations = defineFeature({
  name: 'consultations',
  routes: async (app, deps) => {
    (await import('./routes.ts')).consultationsRoutes(app, deps);
    (await import('./versions/routes.ts')).versionRoutes(app, deps);
    (await import('./report/routes.ts')).reportRoutes(app, deps);
    (await import('./library/routes.ts')).libraryRoutes(app, deps);
  },
  navigation: [
    { href: '/admin/consultations', text: 'Consultations', roles: ['admin'], section: 'taking-part', order: 15 },
    { href: '/consultations', text: 'Consultations', roles: ['participant', 'facilitator'], order: 40 },
    { href: '/library', text: 'Library', roles: 'everyone', notFor: ['admin'], order: 90 },
  ],
  notificationKinds: KINDS,
  jobs: async (deps) => ({ handlers: (await import('./service.ts')).consultationJobHandlers({ baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret }) }),
  home: async (viewer, ctx) => (await import('./home.ts')).consultationsHomeSection(viewer, ctx),
  homeOrder: 40,
  personalData: {
    exportPerson: async (db, personId) => (await import('./service.ts')).personRows(db, personId),
    erasePerson: async (tx, personId) => (await import('./service.ts')).erasePerson(tx, personId),
  },
});
