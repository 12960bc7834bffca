// The demo programme: the real programme's facts in our own words, with invented people.
// Its registration window opens on the day of the first start and runs for six weeks, so a
// newcomer can try the journey; its timeline starts from the same day (the registration entries
// come from the window itself: see timelineOf in service.ts).
import { inTransaction, scoped, type Db } from '../../platform/db/database.ts';
import type { Role } from '../../platform/db/schema.ts';
import { upsertPerson, findPersonByEmail } from '../../platform/auth/people.ts';
import { addDays, londonDate, type Clock } from '../../platform/time.ts';
import { findProgramme, recordMailSignature } from './service.ts';
import type { ProgrammeTable } from './tables.ts';

export const DEMO_SLUG = 'radiography-support-workforce';
export const DEMO_WINDOW_DAYS = 42;
/** The demo projects run for about eleven months from the first start, as the real ones did. */
export const DEMO_PROGRAMME_DAYS = 335;

const projects = [
  {
    name: 'Roles, responsibilities and safe delegation',
    summary: 'Sets out what support workers and assistant practitioners do, and how registered staff can delegate to them safely.',
    aims: [2, 3, 4],
  },
  {
    name: 'Education, training and careers',
    summary: 'Looks at the training this workforce needs, apprenticeships, and the routes from a local support role to a radiography career.',
    aims: [1, 5, 6, 7],
  },
];

const aims: Record<number, { title: string; summary: string }> = {
  1: { title: 'Careers that start locally', summary: 'Show that people recruited from the local community into support and assistant roles can go on to a successful radiography career, and make that better known.' },
  2: { title: 'Radiotherapy roles guidance', summary: 'Write national guidance on the roles and responsibilities of clinical support workers and assistant practitioners in radiotherapy.' },
  3: { title: 'Safe delegation', summary: 'Produce resources that help registered staff delegate safely and effectively.' },
  4: { title: 'Putting the frameworks into practice', summary: 'Find out what guidance services need to use the NHS England AHP support workforce framework and the SoR competency and education frameworks.' },
  5: { title: 'Training needs', summary: 'Identify the training needs this staff group shares, where the gaps are and how to close them.' },
  6: { title: 'Apprenticeships', summary: 'Work with services and education providers so that far more of this workforce can use apprenticeships.' },
  7: { title: 'Assistant practitioner roles', summary: 'Look at creating new assistant practitioner roles and spreading the ones that already exist.' },
};

const methods = [
  { key: 'meetings', title: 'Virtual meetings', summary: 'join online meetings with others from across the UK' },
  { key: 'subgroups', title: 'Sub-groups', summary: 'work in a small online group on one topic' },
  { key: 'surveys', title: 'Short surveys', summary: 'tell us about your role and training in a few minutes' },
  { key: 'discussions', title: 'Online discussions', summary: 'share experience and ideas in discussion groups' },
  { key: 'commenting', title: 'Commenting on draft resources', summary: 'say what works and what needs changing before guidance is published' },
];

export const DEMO_PEOPLE: { email: string; name: string; role: Role }[] = [
  { email: 'admin@example.org', name: 'Alex Morgan', role: 'admin' },
  { email: 'facilitator@example.org', name: 'Sam Patel', role: 'facilitator' },
  { email: 'participant@example.org', name: 'Jo Williams', role: 'participant' },
  { email: 'observer@example.org', name: 'Chris Taylor', role: 'observer' },
];

/**
 * Loads the programme itself (its projects, aims, ways to take part and timeline, which the site
 * needs) once, and no people; returns false, changing nothing, if a programme already exists.
 * This is all production gets: create-admin is the way in there.
 */
export async function seedProgramme(db: Db, clock: Clock): Promise<boolean> {
  if (await findProgramme(db)) return false;
  const today = londonDate(clock());
  await inTransaction(db, async (full) => {
    // The programme's own tables only.
    const tx = scoped<ProgrammeTable>(full);
    const programme = await tx
      .insertInto('programmes')
      .values({
        slug: DEMO_SLUG,
        name: 'Radiography support workforce programme',
        short_name: 'Support workforce programme',
        run_by: 'Society of Radiographers',
        commissioned_by: 'NHS England',
        summary: 'Two projects, commissioned by NHS England, working with clinical support workers and assistant practitioners in imaging and radiotherapy to shape guidance, training and careers for their roles.',
        audience: 'Clinical support workers and assistant practitioners in diagnostic imaging and radiotherapy, and the radiographers, managers and educators who supervise, manage or train them.',
        why: 'Support and assistant staff are a small share of the radiography workforce, with high vacancy rates at bands 3 and 4. In SoR’s 2024 survey about 9 in 10 said they were enthusiastic about their job and 73% felt they could contribute more (SoR/KCL figures).',
        announced_on: today,
        starts_on: today,
        ends_on: addDays(today, DEMO_PROGRAMME_DAYS),
        announced_deadline_on: addDays(today, DEMO_WINDOW_DAYS),
        registration_opens_on: today,
        registration_closes_on: addDays(today, DEMO_WINDOW_DAYS),
        mailbox_subject: 'SUPPORT WORKFORCE',
        contact_email: 'supportworkforce@example.org',
        created_at: clock().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    for (const [i, p] of projects.entries()) {
      const project = await tx
        .insertInto('projects')
        .values({ programme_id: programme.id, name: p.name, summary: p.summary, position: i + 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const n of p.aims) {
        await tx.insertInto('aims').values({ programme_id: programme.id, project_id: project.id, number: n, ...aims[n]! }).execute();
      }
    }
    await tx.insertInto('participation_methods').values(methods.map((m, i) => ({ ...m, programme_id: programme.id, position: i + 1 }))).execute();
    await tx
      .insertInto('timeline_events')
      .values([
        { on_date: today, title: 'Projects announced' },
        { on_date: addDays(today, DEMO_WINDOW_DAYS + 14), title: 'Meetings, sub-groups and surveys begin' },
        { on_date: addDays(today, DEMO_PROGRAMME_DAYS), title: 'Projects due to finish' },
      ].map((e, i) => ({ ...e, programme_id: programme.id, position: i + 1 })))
      .execute();
    await recordMailSignature(full, clock);
  });
  return true;
}

/** The invented demo people, through the platform's function; someone already there is left as they are. Never in production. */
export async function seedDemoPeople(db: Db, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    for (const person of DEMO_PEOPLE) {
      if (!(await findPersonByEmail(tx, person.email))) await upsertPerson(tx, person, clock);
    }
  });
}

/** The programme and the demo people together, once (what tests and benchmarks start from); false if a programme already exists. */
export async function seedDemoProgramme(db: Db, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    if (!(await seedProgramme(tx, clock))) return false;
    await seedDemoPeople(tx, clock);
    return true;
  });
}
