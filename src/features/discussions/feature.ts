// Online discussion groups (issue 13): spaces per project and sub-group, threads and replies,
// moderation and notifications.
import { defineFeature } from '../../platform/feature.ts';

export const discussions = defineFeature({
  name: 'discussions',
  personalData: 'none',
});
