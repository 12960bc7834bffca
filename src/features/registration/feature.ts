// Registration of interest: the public journey, the participant's own details, the team's list,
// review queue and dashboard. It keeps the NHS organisations list up to date on every start, and
// purges abandoned drafts in the hourly housekeeping.
import { defineFeature } from '../../platform/feature.ts';
import { registrationPersonalData } from './personal-data/personal-data.ts';

export const registration = defineFeature({
  name: 'registration',
  routes: async (app, deps) => (await import('./routes.ts')).registrationRoutes(app, deps),
  navigation: [
    { href: '/register', text: 'Register your interest', roles: 'signed-out', order: 10 },
    { href: '/admin/registrations', text: 'Registrations', roles: ['admin'], section: 'people', order: 10 },
    { href: '/admin/review', text: 'Emails to review', roles: ['admin'], section: 'people', order: 20 },
    { href: '/admin/dashboard', text: 'Dashboard', roles: ['admin'], section: 'reports', order: 10 },
  ],
  jobs: async (deps) => {
    const { purgeOldDrafts } = await import('./journey/drafts.ts');
    // With IMAP_URL set, the programme mailbox is read every 5 minutes (replies and registrations).
    const { mailboxJobs } = await import('./email-import/mailbox-job.ts');
    return { housekeeping: [{ name: 'registration drafts', run: purgeOldDrafts }], ...mailboxJobs({ config: deps.config }) };
  },
  seed: {
    reference: async (db) => (await import('./organisations.ts')).seedOrganisations(db),
  },
  personalData: registrationPersonalData,
});
