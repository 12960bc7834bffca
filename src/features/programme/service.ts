// The programme as people see it: what it is, and whether registration is open today.
import type { Db } from '../../platform/db/database.ts';
import type { Programme } from '../../platform/db/schema.ts';
import { daysBetween, endOfLondonDay, londonDate, startOfLondonDay, type Clock } from '../../platform/time.ts';
import { findProgramme, loadProgrammeDetails } from './queries.ts';

export type RegistrationWindow = {
  open: boolean;
  notYetOpen: boolean;
  closesOn: string;
  opensOn: string;
  /** Whole days left including today, when open (1 on the last day). */
  daysLeft: number;
};

/** Registration is open from the start of opens_on to the end of closes_on, London time. */
export function registrationWindow(programme: Pick<Programme, 'registration_opens_on' | 'registration_closes_on'>, now: Date): RegistrationWindow {
  const opens = startOfLondonDay(programme.registration_opens_on);
  const closes = endOfLondonDay(programme.registration_closes_on);
  const open = now >= opens && now < closes;
  return {
    open,
    notYetOpen: now < opens,
    opensOn: programme.registration_opens_on,
    closesOn: programme.registration_closes_on,
    daysLeft: open ? daysBetween(londonDate(now), programme.registration_closes_on) + 1 : 0,
  };
}

export async function getProgrammeOverview(db: Db, clock: Clock) {
  const programme = await findProgramme(db);
  if (!programme) return null;
  const details = await loadProgrammeDetails(db, programme.id);
  const projects = details.projects.map((p) => ({ ...p, aims: details.aims.filter((a) => a.project_id === p.id) }));
  return { programme, ...details, projects, window: registrationWindow(programme, clock()) };
}

export type ProgrammeOverview = NonNullable<Awaited<ReturnType<typeof getProgrammeOverview>>>;
