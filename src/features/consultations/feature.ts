// Commenting on draft resources (issue 14): section-by-section consultations on the programme's
// drafts, "you said, we did", versions, and the public library of final outputs.
import { defineFeature } from '../../platform/feature.ts';

export const consultations = defineFeature({
  name: 'consultations',
  personalData: 'none',
});
