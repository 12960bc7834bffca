// The programme as people see it: what it is, and whether registration is open today.
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { daysBetween, endOfLondonDay, londonDate, startOfLondonDay, type Clock } from '../../platform/time.ts';
import * as q from './queries.ts';
import type { Programme, ProgrammeDb, ProgrammeTable } from './tables.ts';

const own = (db: Db | Tx): ProgrammeDb => scoped<ProgrammeTable>(db);

/** The programme (there is one per installation for now). Pages get it from request.programme(). */
export const findProgramme = (db: Db | Tx) => q.findProgrammeRow(own(db));
export const loadProgrammeDetails = (db: Db | Tx, programmeId: number) => q.programmeDetails(own(db), programmeId);
export const findProject = (db: Db | Tx, id: number) => q.projectById(own(db), id);
/** The programme's projects, in order; only those with these ids when given. */
export const listProjects = (db: Db | Tx, programmeId: number, ids?: readonly number[]) => q.projectsOf(own(db), programmeId, ids);
export const projectsByIds = (db: Db | Tx, ids: readonly number[]) => q.projectsByIds(own(db), ids);

/** The team changes the registration window; audited in the same transaction. */
export async function setRegistrationWindow(db: Db, actorId: number, programmeId: number, opensOn: string, closesOn: string, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    await q.setWindow(own(tx), programmeId, opensOn, closesOn);
    await recordAudit(tx, { actorId, action: 'programme.registration-window', recordType: 'programme', recordId: programmeId, summary: `Set registration open from ${opensOn} to the end of ${closesOn}` }, clock);
  });
}

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
