// A valid set of registration details for tests; override what the test is about.
import { confirmRegistrationEmail, type RegistrationDetails } from '../../src/features/registration/service.ts';
import type { Db } from '../../src/platform/db/database.ts';
import type { Clock } from '../../src/platform/time.ts';

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

/** Follows the newest confirmation link emailed to this address, as its owner would (with consent if asked). */
export async function confirmFromEmail(db: Db, email: string, clock: Clock): Promise<void> {
  const mail = await db.selectFrom('outbox').select('text_body').where('to_address', '=', email).where('text_body', 'like', '%/register/confirm/%').orderBy('id', 'desc').executeTakeFirst();
  const token = mail && /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
  if (!token) throw new Error(`no confirmation link was emailed to ${email}`);
  const result = await confirmRegistrationEmail(db, token, clock, { consent: true });
  if (!result.ok) throw new Error(`the confirmation link did not work: ${result.reason}`);
}
