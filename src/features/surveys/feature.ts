// Short surveys (issue 12): the team builds a survey from question types, sends it to an audience
// (or an open link), people answer it (identified or anonymously), and the team sees and codes the
// results, with small-number suppression.
import { defineFeature } from '../../platform/feature.ts';

export const surveys = defineFeature({
  name: 'surveys',
  personalData: 'none',
});
