// A valid set of registration details for tests; override what the test is about.
import type { RegistrationDetails } from '../../src/features/registration/service.ts';

export function details(overrides: Partial<RegistrationDetails> = {}): RegistrationDetails {
  return {
    fullName: 'Robin Ellis',
    email: 'robin.ellis@example.org',
    organisationId: null,
    organisationName: 'Example Community Hospital',
    department: 'X-ray',
    nation: 'England',
    region: 'North West',
    serviceType: 'diagnostic',
    serviceOther: null,
    jobTitle: 'Imaging assistant',
    roleGroup: 'csw',
    roleOther: null,
    afcBand: '2',
    aims: [3, 5],
    participation: ['surveys'],
    adjustments: null,
    consent: true,
    ...overrides,
  };
}
