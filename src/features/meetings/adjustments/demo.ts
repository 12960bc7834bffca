// Demo data for adjustment requests (invented): two demo participants ask for adjustments for a
// meeting to come, and the team has already arranged one. The requests go through the real
// service (so they are refused, and nothing is seeded, for a meeting the person is not invited
// to); the arranged one is marked directly, so the demo sends no email for it.
import { findPersonByEmail } from '../../../platform/auth/people.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import * as q from './queries.ts';
import { ask, own } from './service.ts';

const DEMO_REQUESTS = [
  { email: 'participant@example.org', needs: ['captions', 'documents'] as const, details: 'Large-print papers, please, a few days before.', arranged: 'Captions are on for every meeting; we will email the papers in large print on Monday.' },
  { email: 'callum.fraser@example.org', needs: ['other'] as const, details: 'A short break halfway through, if possible.', arranged: null },
];

/** Seeds the demo's adjustment requests for this meeting; returns how many were made. */
export async function seedDemoAdjustments(db: Db, programmeId: number, meetingId: number, adminId: number, clock: Clock): Promise<number> {
  let made = 0;
  for (const r of DEMO_REQUESTS) {
    const person = await findPersonByEmail(db, r.email);
    if (!person) continue;
    const saved = await ask(db, { id: person.id, role: person.role }, programmeId, meetingId, { needs: r.needs, details: r.details }, clock);
    if (!saved.ok) continue;
    made++;
    if (r.arranged) {
      const row = await q.requestOf(own(db), meetingId, person.id);
      if (row) await q.markArranged(own(db), meetingId, row.id, r.arranged, adminId, clock().toISOString());
    }
  }
  return made;
}
