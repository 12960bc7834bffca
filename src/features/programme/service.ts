// The programme as people see it: what it is, and whether registration is open today.
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { saveSetting } from '../../platform/settings.ts';
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

export type TimelineEntry = { on_date: string; title: string; fromWindow: boolean };

/** Words in a typed timeline entry that would be a registration date: those come from the window. */
export const REGISTRATION_WORDS = /regist/i;

/**
 * The public timeline: the team's typed entries, and the registration entries derived from the
 * window in force (so the page can never give another date than the journey keeps). A deadline
 * first announced and since extended is kept, saying so.
 */
export function timelineOf(programme: Pick<Programme, 'registration_opens_on' | 'registration_closes_on' | 'announced_deadline_on'>, typed: readonly { on_date: string; title: string }[]): TimelineEntry[] {
  const derived: TimelineEntry[] = [
    { on_date: programme.registration_opens_on, title: 'Registration of interest opens', fromWindow: true },
    { on_date: programme.registration_closes_on, title: 'Last day to register interest (registration closes at the end of the day)', fromWindow: true },
  ];
  const announced = programme.announced_deadline_on;
  if (announced && announced >= programme.registration_opens_on && announced < programme.registration_closes_on) {
    derived.push({ on_date: announced, title: 'Registration deadline first announced (since extended)', fromWindow: true });
  }
  const entries = [...typed.map((e) => ({ on_date: e.on_date, title: e.title, fromWindow: false })), ...derived];
  // Stable: on one date, typed entries keep their order and come before the window's.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.on_date.localeCompare(b.e.on_date) || a.i - b.i).map(({ e }) => e);
}

type Details = Awaited<ReturnType<typeof loadProgrammeDetails>>;

/** What the home page shows, from the programme and its details (saved, or a preview's). */
export function overviewOf(programme: Programme, details: Details, now: Date) {
  const projects = details.projects.map((p) => ({ ...p, aims: details.aims.filter((a) => a.project_id === p.id) }));
  return { programme, ...details, projects, timeline: timelineOf(programme, details.timeline), window: registrationWindow(programme, now) };
}

export async function getProgrammeOverview(db: Db, clock: Clock) {
  const programme = await findProgramme(db);
  if (!programme) return null;
  return overviewOf(programme, await loadProgrammeDetails(db, programme.id), clock());
}

export type ProgrammeContent = q.ContentUpdate;

/** The team changes the home page's content; audited with what changed, in the same transaction. */
export async function updateProgrammeContent(db: Db, actorId: number, programmeId: number, content: ProgrammeContent, clock: Clock): Promise<{ changed: string[] }> {
  return inTransaction(db, async (tx) => {
    const programme = await q.findProgrammeRow(own(tx));
    if (!programme || programme.id !== programmeId) return { changed: [] };
    const before = await q.programmeDetails(own(tx), programmeId);
    const changed: string[] = [];
    for (const [key, words] of [['summary', 'summary'], ['audience', 'who it is for'], ['why', 'why it matters']] as const) {
      if (programme[key] !== content[key]) changed.push(words);
    }
    type Row = { id: number } & Record<string, unknown>;
    const differs = (rows: readonly Row[], next: readonly Row[], fields: string[]) =>
      next.filter((n) => {
        const was = rows.find((r) => r.id === n.id);
        return was && fields.some((f) => was[f] !== n[f]);
      }).length;
    const projects = differs(before.projects, content.projects, ['name', 'summary']);
    const aims = differs(before.aims, content.aims, ['title', 'summary']);
    const methods = differs(before.methods, content.methods, ['title', 'summary']);
    if (projects) changed.push(projects === 1 ? '1 project' : `${projects} projects`);
    if (aims) changed.push(aims === 1 ? '1 aim' : `${aims} aims`);
    if (methods) changed.push(methods === 1 ? '1 way to take part' : `${methods} ways to take part`);
    const timelineBefore = JSON.stringify(before.timeline.map((e) => [e.on_date, e.title]));
    if (timelineBefore !== JSON.stringify(content.timeline.map((e) => [e.on_date, e.title]))) changed.push('the timeline');
    if (!changed.length) return { changed };
    await q.writeContent(own(tx), programmeId, content);
    await recordAudit(tx, { actorId, action: 'programme.content', recordType: 'programme', recordId: programmeId, summary: `Changed the home page: ${changed.join(', ')}` }, clock);
    return { changed };
  });
}

export type ProgrammeOverview = NonNullable<Awaited<ReturnType<typeof getProgrammeOverview>>>;

/**
 * Every email ends with the programme's name and how to reach the team: recorded for the
 * platform's outbox, which adds it to each message (the platform knows no programme).
 */
export async function recordMailSignature(db: Db | Tx, clock: Clock): Promise<void> {
  const programme = await findProgramme(db);
  if (programme) await saveSetting(db, 'mail_signature', `${programme.name}\nQuestions? Email the programme team at ${programme.contact_email}`, clock);
}
