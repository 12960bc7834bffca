// Short surveys (issue 12): the team builds a survey from question types, sends it to an audience
// (or an open link), people answer it (identified or anonymously), and the team sees and codes the
// results, with small-number suppression. This slice: the builder, preview, copies, templates and
// versions; the tables are there for the whole issue (migrations 025 and 026).
import { defineFeature } from '../../platform/feature.ts';
import { surveysPersonalData } from './personal-data.ts';

export const surveys = defineFeature({
  name: 'surveys',
  routes: async (app, deps) => {
    (await import('./routes.ts')).surveysRoutes(app, deps);
    (await import('./answering/routes.ts')).answeringRoutes(app, deps);
    (await import('./results/routes.ts')).resultsRoutes(app, deps);
  },
  navigation: [{ href: '/admin/surveys', text: 'Surveys', roles: ['admin'], section: 'taking-part', order: 15 }],
  personalData: surveysPersonalData,
});
