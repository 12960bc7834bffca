// Short surveys (issue 12): the team builds a survey from question types, sends it to an audience
// (or an open link), people answer it (identified or anonymously), and the team sees and codes the
// results, with small-number suppression. The builder, preview, copies, templates and versions are
// here; sending and answering in answering/ (its notices and jobs too); results in results/.
import { defineFeature } from '../../platform/feature.ts';
import { SURVEY_KINDS } from './answering/notices.ts';
import { surveysPersonalData } from './personal-data.ts';

export const surveys = defineFeature({
  name: 'surveys',
  routes: async (app, deps) => {
    (await import('./routes.ts')).surveysRoutes(app, deps);
    (await import('./answering/routes.ts')).answeringRoutes(app, deps);
    (await import('./results/routes.ts')).resultsRoutes(app, deps);
  },
  navigation: [
    { href: '/admin/surveys', text: 'Surveys', roles: ['admin'], section: 'taking-part', order: 15 },
    { href: '/surveys', text: 'Your surveys', roles: ['participant', 'facilitator'], order: 25 },
  ],
  notificationKinds: SURVEY_KINDS,
  jobs: async (deps) => ({ handlers: (await import('./answering/notices.ts')).surveyJobHandlers(deps.notify) }),
  home: async (viewer, ctx) => (await import('./answering/home.ts')).surveysHomeSection(viewer, ctx),
  homeOrder: 25,
  personalData: surveysPersonalData,
  // Someone who withdraws is not reminded (notify withholds it) and their unsent answers go.
  onWithdraw: async (tx, personId) => (await import('./answering/queries.ts')).deleteDraftsOf((await import('./service.ts')).own(tx), personId),
});
