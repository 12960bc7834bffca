// How many people a survey's invitation reaches, said on the send page before the settings are
// saved again (as messages do): its saved audience, through the platform's deliveriesFor, so
// the numbers are exactly what the invitation job's notify() will do for each person.
import { addressees } from '../../../platform/audience/access.ts';
import type { Db, Tx } from '../../../platform/db/database.ts';
import { deliveriesFor } from '../../../platform/notify/notify.ts';
import { SURVEY_INVITED } from './notices.ts';
import { ITEM_KIND } from './sending.ts';

export type SurveyReach = { people: number; reach: number; withdrawn: number; off: number };

/** The saved audience's reach by email, or null when the survey has no audience (not sent, or an open link). */
export async function surveyReach(db: Db | Tx, surveyId: number): Promise<SurveyReach | null> {
  const ids = await addressees(db, ITEM_KIND, surveyId);
  if (!ids.length) return null;
  const deliveries = await deliveriesFor(db, SURVEY_INVITED.kind, ids);
  const count = (test: (d: string | undefined) => boolean) => ids.filter((id) => test(deliveries.get(id))).length;
  return {
    people: ids.length,
    reach: count((d) => d === 'immediately' || d === 'daily' || d === 'weekly'),
    withdrawn: count((d) => d === 'withheld'),
    off: count((d) => d === 'off'),
  };
}
