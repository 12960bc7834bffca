// Demo data for surveys (invented, never in production): a draft training-needs survey made from
// the shipped template, as the team would start one. Called by the demo feature's seed.
import type { Db, Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/time.ts';
import { createSurvey } from './service.ts';
import { SHIPPED_TEMPLATES } from './templates.ts';

export async function seedDemoSurveys(tx: Db | Tx, programmeId: number, adminId: number, clock: Clock): Promise<{ surveyId: number }> {
  const template = SHIPPED_TEMPLATES.find((t) => t.id === 'training-needs')!;
  const made = await createSurvey(tx, adminId, programmeId, structuredClone(template.definition), clock, 'made from the template training-needs');
  if (!made.ok) throw new Error(`the demo survey was not made: ${made.problems?.join('; ') ?? made.reason}`);
  return { surveyId: made.id };
}
