// Invented demo data (registrations in every status, emails waiting for review, participants in
// projects and sub-groups), loaded outside production into an empty database after the programme.
// It writes through the other features' services and keeps no tables of its own.
import { defineFeature } from '../../platform/feature.ts';

export const demo = defineFeature({
  name: 'demo',
  seed: {
    demo: async (tx, clock, baseUrl) => (await import('./demo.ts')).seedDemoData(tx, clock, baseUrl),
  },
  personalData: 'none',
});
