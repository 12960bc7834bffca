// Demo data a newcomer can see: invented registrations in every status, a few emails waiting for
// review, and accepted participants in both projects and three sub-groups, so the registrations
// list, the dashboard, the review queue, the projects pages and participant@example.org's /my are
// not empty on the first start. Everything goes through the real services (registering, the
// email import, confirming from the emailed link, the team's decisions, sub-groups), so each
// registration's history, the audit log and the emails are what they would really be.
// Dates are spread over the past four weeks by handing each step a clock of its own.
// Never in production: see src/main.ts. Only with the demo programme and demo people just loaded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoped, type Db } from '../../platform/db/database.ts';
import { findPersonByEmail } from '../../platform/auth/people.ts';
import { addDays, londonDate, type Clock } from '../../platform/time.ts';
import { londonToUtc } from '../../platform/london-time.ts';
import { seedDemoConsultations } from '../consultations/demo.ts';
import { seedDemoLibrary } from '../consultations/library/demo.ts';
import { seedDemoDiscussions } from '../discussions/demo.ts';
import { seedDemoAdjustments } from '../meetings/adjustments/demo.ts';
import { seedDemoMeetingRecords } from '../meetings/after/demo.ts';
import { seedDemoSeries } from '../meetings/demo-series.ts';
import { scheduleMeeting } from '../meetings/service.ts';
import { seedDemoSurveyResponses } from '../surveys/answering/demo.ts';
import { seedDemoSurveys } from '../surveys/demo.ts';
import { saveDraft, saveTemplate, sendMessage } from '../messages/service.ts';
import { assign, createSubgroup } from '../participants/service.ts';
import { findProgramme, listProjects } from '../programme/service.ts';
import { importFromSource } from '../registration/email-import/import.ts';
import {
  acceptRegistration,
  confirmRegistrationEmail,
  declineRegistration,
  submitRegistration,
  waitlistRegistration,
  withdrawParticipant,
  type RegistrationDetails,
} from '../registration/service.ts';
import { newestLinkToken } from './queries.ts';

type Status = 'unconfirmed' | 'new' | 'accepted' | 'waitlisted' | 'declined' | 'withdrawn';
type Placement = { project: 0 | 1; group?: string };

/** One invented registrant. `daysAgo`: when they registered; the team decides three days later. */
type Registrant = {
  name: string;
  email: string;
  organisation: string;
  nation: 'England' | 'Scotland' | 'Wales' | 'Northern Ireland';
  region: string | null;
  service: string;
  serviceOther?: string;
  job: string;
  role: string;
  roleOther?: string;
  band: string;
  aims: number[];
  ways: string[];
  channel: 'web' | 'email';
  daysAgo: number;
  status: Status;
  /** Accepted (and the withdrawn, before they withdrew): where the team put them. */
  placed?: Placement[];
  /** Declined: the message emailed with it. */
  message?: string;
};

export const DEMO_GROUPS = [
  { project: 0, name: 'Delegation toolkit group', description: 'Drafts the safe delegation checklist and the examples that go with it.' },
  { project: 0, name: 'Radiotherapy roles group', description: 'Works on the national guidance for support roles in radiotherapy.' },
  { project: 1, name: 'Apprenticeship routes group', description: 'Maps the apprenticeship routes from support roles into radiography.' },
] as const;

const [DELEGATION, RADIOTHERAPY, APPRENTICESHIPS] = DEMO_GROUPS.map((g) => g.name) as [string, string, string];

// A fixed list of invented people (example.org addresses); the workplaces are on the NHS list.
const REGISTRANTS: Registrant[] = [
  { name: 'Jo Williams', email: 'participant@example.org', organisation: 'Barnsley Hospital NHS Foundation Trust', nation: 'England', region: 'North East and Yorkshire', service: 'diagnostic', job: 'Clinical support worker', role: 'csw', band: '2', aims: [3, 5], ways: ['subgroups', 'surveys'], channel: 'web', daysAgo: 26, status: 'accepted', placed: [{ project: 0, group: DELEGATION }, { project: 1 }] },
  { name: 'Amara Okafor', email: 'amara.okafor@example.org', organisation: "Guy's and St Thomas' NHS Foundation Trust", nation: 'England', region: 'London', service: 'radiotherapy', job: 'Radiotherapy assistant practitioner', role: 'ap', band: '4', aims: [2, 7], ways: ['subgroups', 'commenting'], channel: 'web', daysAgo: 25, status: 'accepted', placed: [{ project: 0, group: RADIOTHERAPY }] },
  { name: 'Callum Fraser', email: 'callum.fraser@example.org', organisation: 'NHS Lothian', nation: 'Scotland', region: null, service: 'diagnostic', job: 'Senior imaging support worker', role: 'senior-csw', band: '3', aims: [3, 4], ways: ['meetings', 'subgroups'], channel: 'web', daysAgo: 24, status: 'accepted', placed: [{ project: 0, group: DELEGATION }] },
  { name: 'Bethan Price', email: 'bethan.price@example.org', organisation: 'Cardiff and Vale University Health Board', nation: 'Wales', region: null, service: 'both', job: 'Radiographer', role: 'radiographer', band: '6', aims: [], ways: [], channel: 'email', daysAgo: 23, status: 'accepted', placed: [{ project: 0, group: DELEGATION }] },
  { name: 'Niamh Kelly', email: 'niamh.kelly@example.org', organisation: 'Belfast Health and Social Care Trust', nation: 'Northern Ireland', region: null, service: 'diagnostic', job: 'Mammography associate', role: 'mammography-associate', band: '4', aims: [1, 6], ways: ['subgroups', 'discussions'], channel: 'web', daysAgo: 22, status: 'accepted', placed: [{ project: 1, group: APPRENTICESHIPS }] },
  { name: 'Tariq Hussain', email: 'tariq.hussain@example.org', organisation: 'Manchester University NHS Foundation Trust', nation: 'England', region: 'North West', service: 'diagnostic', job: 'Imaging services manager', role: 'manager', band: '8+', aims: [4, 6], ways: ['meetings', 'subgroups', 'commenting'], channel: 'web', daysAgo: 21, status: 'accepted', placed: [{ project: 1, group: APPRENTICESHIPS }, { project: 0 }] },
  { name: 'Grace Lindqvist', email: 'grace.lindqvist@example.org', organisation: 'The Christie NHS Foundation Trust', nation: 'England', region: 'North West', service: 'radiotherapy', job: 'Practice educator', role: 'educator', band: '7', aims: [2, 5], ways: ['subgroups', 'commenting'], channel: 'web', daysAgo: 20, status: 'accepted', placed: [{ project: 0, group: RADIOTHERAPY }] },
  { name: 'Owen Hughes', email: 'owen.hughes@example.org', organisation: 'Hywel Dda University Health Board', nation: 'Wales', region: null, service: 'diagnostic', job: 'Assistant practitioner', role: 'ap', band: '4', aims: [], ways: [], channel: 'email', daysAgo: 19, status: 'accepted', placed: [{ project: 1 }] },
  { name: 'Mei Chen', email: 'mei.chen@example.org', organisation: 'Northbrook University', nation: 'England', region: 'Midlands', service: 'education', job: 'Senior lecturer in radiography', role: 'educator', band: 'not-afc', aims: [1, 5, 6], ways: ['subgroups', 'surveys'], channel: 'web', daysAgo: 18, status: 'accepted', placed: [{ project: 1, group: APPRENTICESHIPS }] },
  { name: 'Ellie Ward', email: 'ellie.ward@example.org', organisation: 'Blackpool Teaching Hospitals NHS Foundation Trust', nation: 'England', region: 'North West', service: 'diagnostic', job: 'Imaging assistant', role: 'csw', band: '2', aims: [5], ways: ['surveys'], channel: 'web', daysAgo: 17, status: 'waitlisted' },
  { name: 'Patrick Doyle', email: 'patrick.doyle@example.org', organisation: 'Northern Health and Social Care Trust', nation: 'Northern Ireland', region: null, service: 'radiotherapy', job: 'Therapeutic radiographer', role: 'radiographer', band: '6', aims: [2, 3], ways: ['meetings', 'commenting'], channel: 'web', daysAgo: 16, status: 'waitlisted' },
  { name: 'Zara Ahmed', email: 'zara.ahmed@example.org', organisation: 'Chesterfield Royal Hospital NHS Foundation Trust', nation: 'England', region: 'Midlands', service: 'diagnostic', job: 'Senior clinical support worker', role: 'senior-csw', band: '3', aims: [], ways: [], channel: 'email', daysAgo: 15, status: 'waitlisted' },
  { name: 'Marcus Bell', email: 'marcus.bell@example.org', organisation: "Ashford and St Peter's Hospitals NHS Foundation Trust", nation: 'England', region: 'South East', service: 'other', serviceOther: 'Medical physics', job: 'Medical physics technician', role: 'other', roleOther: 'Medical physics technician', band: '5', aims: [4], ways: ['surveys'], channel: 'web', daysAgo: 14, status: 'declined', message: 'Thank you for registering. This programme is for the support workforce in imaging and radiotherapy and the people who supervise them, so we cannot offer you a place; we will share the published guidance with your department.' },
  { name: 'Ingrid Solberg', email: 'ingrid.solberg@example.org', organisation: 'Countess of Chester Hospital NHS Foundation Trust', nation: 'England', region: 'North West', service: 'diagnostic', job: 'Radiology business manager', role: 'manager', band: '7', aims: [6], ways: ['meetings'], channel: 'web', daysAgo: 13, status: 'declined' },
  { name: 'Daniel Osei', email: 'daniel.osei@example.org', organisation: 'Chelsea and Westminster Hospital NHS Foundation Trust', nation: 'England', region: 'London', service: 'diagnostic', job: 'Healthcare assistant, CT', role: 'csw', band: '2', aims: [1, 5], ways: ['surveys', 'discussions'], channel: 'web', daysAgo: 12, status: 'new' },
  { name: 'Fiona MacLeod', email: 'fiona.macleod@example.org', organisation: 'NHS Highland', nation: 'Scotland', region: null, service: 'radiotherapy', job: 'Radiotherapy support worker', role: 'senior-csw', band: '3', aims: [], ways: [], channel: 'email', daysAgo: 10, status: 'new' },
  { name: 'Ravi Menon', email: 'ravi.menon@example.org', organisation: 'Gloucestershire Hospitals NHS Foundation Trust', nation: 'England', region: 'South West', service: 'diagnostic', job: 'Diagnostic radiographer', role: 'radiographer', band: '5', aims: [3], ways: ['commenting'], channel: 'web', daysAgo: 9, status: 'new' },
  { name: 'Hannah Brooks', email: 'hannah.brooks@example.org', organisation: 'Leeds Teaching Hospitals NHS Trust', nation: 'England', region: 'North East and Yorkshire', service: 'both', job: 'Ultrasound support worker', role: 'other', roleOther: 'Ultrasound support worker', band: '3', aims: [5, 7], ways: ['subgroups', 'surveys'], channel: 'web', daysAgo: 7, status: 'new' },
  { name: 'Kwame Asante', email: 'kwame.asante@example.org', organisation: 'Bedfordshire Hospitals NHS Foundation Trust', nation: 'England', region: 'East of England', service: 'diagnostic', job: 'Radiology services manager', role: 'manager', band: '8+', aims: [4, 7], ways: ['meetings', 'commenting'], channel: 'web', daysAgo: 6, status: 'new' },
  { name: 'Sophie Turner', email: 'sophie.turner@example.org', organisation: 'East Kent Hospitals University NHS Foundation Trust', nation: 'England', region: 'South East', service: 'diagnostic', job: 'Imaging support worker', role: 'csw', band: '2', aims: [1], ways: ['surveys'], channel: 'web', daysAgo: 4, status: 'unconfirmed' },
  { name: 'Luis Fernandes', email: 'luis.fernandes@example.org', organisation: 'Dorset County Hospital NHS Foundation Trust', nation: 'England', region: 'South West', service: 'diagnostic', job: 'Assistant practitioner in CT', role: 'ap', band: '4', aims: [], ways: [], channel: 'email', daysAgo: 3, status: 'unconfirmed' },
  { name: 'Aisha Rahman', email: 'aisha.rahman@example.org', organisation: 'George Eliot Hospital NHS Trust', nation: 'England', region: 'Midlands', service: 'other', serviceOther: 'Cardiac catheter laboratory', job: 'Cardiac imaging support worker', role: 'csw', band: '3', aims: [5, 6], ways: ['surveys', 'discussions'], channel: 'web', daysAgo: 1, status: 'unconfirmed' },
  { name: 'Tom Baxter', email: 'tom.baxter@example.org', organisation: 'Bradford Teaching Hospitals NHS Foundation Trust', nation: 'England', region: 'North East and Yorkshire', service: 'diagnostic', job: 'Clinical support worker', role: 'csw', band: '2', aims: [3], ways: ['subgroups'], channel: 'web', daysAgo: 27, status: 'withdrawn', placed: [{ project: 0, group: DELEGATION }] },
  { name: 'Yasmin Clarke', email: 'yasmin.clarke@example.org', organisation: 'The Clatterbridge Cancer Centre NHS Foundation Trust', nation: 'England', region: 'North West', service: 'radiotherapy', job: 'Radiotherapy assistant practitioner', role: 'ap', band: '4', aims: [2], ways: ['meetings'], channel: 'web', daysAgo: 26, status: 'withdrawn', placed: [{ project: 0 }] },
];

/** Emails the import cannot read with confidence, so they wait for review: `daysAgo` each. */
const REVIEW_EMAILS: { from: string; daysAgo: number; body: string }[] = [
  // No labels and no workplace or job title: a registration that needs review.
  { from: 'Dana Frost <dana.frost@example.org>', daysAgo: 5, body: 'Hi,\n\nI saw the poster in the staff room and would like to be involved. I help out on the X-ray team most days.\n\nThanks,\nDana' },
  // No labels, and lines that are not recognised for what they are.
  { from: 'Sam Quinlan <sam.quinlan@example.org>', daysAgo: 2, body: 'Sam Quinlan\nNightingale Community Imaging Centre\nweekend rota, mostly\nplease add me to the list\n' },
  // Sent on someone else's behalf: it waits for review without any registration.
  { from: 'Priya Shah <priya.shah@example.org>', daysAgo: 3, body: 'Hello,\n\nPlease register my colleague Lewis Grant, who has no work email yet. He is a clinical support worker in our CT department at Barnsley Hospital NHS Foundation Trust and keen to take part.\n\nBest wishes,\nPriya Shah\nImaging services manager' },
];

export type DemoSummary = { registrations: number; reviewItems: number; groups: number };

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** An RFC 5322 email, as the programme's mailbox would receive it. */
function eml(id: string, from: string, sentAt: Date, body: string): string {
  return [`Message-ID: <demo-${id}@example.org>`, `From: ${from}`, 'To: supportworkforce@example.org', 'Subject: SUPPORT WORKFORCE', `Date: ${sentAt.toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', body.replace(/\n/g, '\r\n')].join('\r\n');
}

const SERVICE_WORDS: Record<string, string> = { diagnostic: 'Diagnostic imaging', radiotherapy: 'Radiotherapy', both: 'Both diagnostic imaging and radiotherapy', education: 'Education provider' };

/**
 * Loads the demo registrations, review items and sub-groups into a database holding the demo
 * programme and demo people and nothing else yet (the caller's rule: only just after seeding
 * them, in the same transaction). `baseUrl` goes into the emailed links.
 */
export async function seedDemoData(db: Db, clock: Clock, baseUrl: string): Promise<DemoSummary> {
  const programme = await findProgramme(db);
  const admin = await findPersonByEmail(db, 'admin@example.org');
  if (!programme || admin?.role !== 'admin') throw new Error('the demo data needs the demo programme and the demo administrator');
  const projects = await listProjects(db, programme.id);
  const now = clock().getTime();
  const at = (daysAgo: number, hours = 0): Clock => () => new Date(now - daysAgo * DAY + hours * HOUR);
  const team = (when: Clock) => ({ actorId: admin.id, baseUrl, clock: when });
  const folder = mkdtempSync(join(tmpdir(), 'coproduce-demo-'));
  const importOne = async (name: string, text: string, when: Clock) => {
    const file = join(folder, `${name}.eml`);
    writeFileSync(file, text);
    return importFromSource(file, { db, clock: when, baseUrl });
  };
  let reviewItems = 0;
  try {
    // The team set the sub-groups up before the first decisions.
    const groups = new Map<string, { projectId: number; id: number }>();
    for (const g of DEMO_GROUPS) {
      const projectId = projects[g.project]!.id;
      const made = await createSubgroup(db, admin.id, projectId, { name: g.name, description: g.description }, at(25));
      if (!made.ok) throw new Error(made.message);
      groups.set(g.name, { projectId, id: made.id });
    }

    // Accepted participants in a project or sub-group: the demo discussions' authors.
    const placedPeople: number[] = [];
    for (const [i, r] of REGISTRANTS.entries()) {
      const registered = at(r.daysAgo);
      if (r.channel === 'web') {
        const details: RegistrationDetails = {
          fullName: r.name,
          email: r.email,
          organisationId: null,
          organisationName: r.organisation,
          department: null,
          nation: r.nation,
          region: r.region,
          serviceType: r.service,
          serviceOther: r.serviceOther ?? null,
          jobTitle: r.job,
          roleGroup: r.role,
          roleOther: r.roleOther ?? null,
          afcBand: r.band,
          aims: r.aims,
          participation: r.ways,
          adjustments: null,
          consent: true,
        };
        await submitRegistration(db, details, { programmeId: programme.id, channel: 'web', baseUrl, clock: registered });
      } else {
        const body = `Hello,\n\nI would like to register my interest in the programme.\n\nName: ${r.name}\nWorkplace: ${r.organisation}\nService: ${SERVICE_WORDS[r.service] ?? r.serviceOther ?? r.service}\nJob title: ${r.job}\n\nThank you`;
        const summary = await importOne(`registrant-${i}`, eml(`registrant-${i}`, `${r.name} <${r.email}>`, registered(), body), registered);
        if (summary.created !== 1) throw new Error(`the demo email from ${r.email} was not registered`);
      }
      if (r.status === 'unconfirmed') continue;

      // They follow the link in their confirmation email a couple of hours later.
      const token = await newestLinkToken(scoped<never, 'outbox'>(db), r.email, '/register/confirm/');
      if (!token) throw new Error(`no confirmation email to ${r.email}`);
      const confirmed = await confirmRegistrationEmail(db, token, at(r.daysAgo, 2), { consent: true });
      if (!confirmed.ok) throw new Error(`could not confirm ${r.email}: ${confirmed.reason}`);
      const id = confirmed.registration.id;
      const decided = at(r.daysAgo - 3);
      let done: { ok: boolean } = { ok: true };
      if (r.status === 'accepted' || r.status === 'withdrawn') done = await acceptRegistration(db, id, team(decided));
      else if (r.status === 'waitlisted') done = await waitlistRegistration(db, id, team(decided));
      else if (r.status === 'declined') done = await declineRegistration(db, id, team(decided), r.message ?? null);
      if (!done.ok) throw new Error(`the team could not decide on ${r.email}`);

      const person = r.placed || r.status === 'withdrawn' ? await findPersonByEmail(db, r.email) : undefined;
      for (const p of r.placed ?? []) {
        const group = p.group ? groups.get(p.group)! : null;
        await assign(db, admin.id, { projectId: group?.projectId ?? projects[p.project]!.id, subgroupId: group?.id ?? null }, [person!.id], at(r.daysAgo - 3, 1));
      }
      if (r.status === 'withdrawn') await withdrawParticipant(db, person!.id, at(r.daysAgo - 12));
      else if (person && r.status === 'accepted') placedPeople.push(person.id);
    }

    for (const [i, m] of REVIEW_EMAILS.entries()) {
      const when = at(m.daysAgo);
      reviewItems += (await importOne(`review-${i}`, eml(`review-${i}`, m.from, when(), m.body), when)).needsReview;
    }

    // A template, and a message sent to one sub-group (the job delivers it once the service starts).
    const welcome = 'Dear ((name)),\n\nThank you for joining the **Delegation toolkit group**. Our first meeting is on Thursday at 2pm, online.\n\nBefore then, please read the [draft checklist](https://example.org/checklist) and note anything that does not match how your department works.\n\nBest wishes,\n\nThe programme team';
    const template = await saveTemplate(db, admin.id, programme.id, { name: 'Welcome to a sub-group', subject: 'Welcome to your sub-group', body: welcome }, at(6));
    if (!template.ok) throw new Error('the demo template was not saved');
    const draft = await saveDraft(db, { id: admin.id, role: 'admin' }, programme.id, { subject: 'Welcome to the Delegation toolkit group', body: welcome, audience: { kind: 'targets', targets: [{ kind: 'subgroup', id: groups.get(DEMO_GROUPS[0].name)!.id }] } }, at(5));
    if (!draft.ok || !(await sendMessage(db, { id: admin.id, role: 'admin' }, programme.id, draft.id, at(5))).ok) throw new Error('the demo message was not sent');

    // Two meetings for the whole programme: one next week, one held ten days ago (scheduled before it).
    const meetingAt = (daysFromNow: number, start: string, end: string) => {
      const day = addDays(londonDate(new Date(now)), daysFromNow);
      const [s, e] = [londonToUtc(day, start), londonToUtc(day, end)];
      if (!s.ok || !e.ok) throw new Error('a demo meeting time does not exist in London');
      return { startsAt: s.utc.toISOString(), endsAt: e.utc.toISOString() };
    };
    const everyone = [{ kind: 'programme' as const, id: programme.id }];
    const joiningNotes = 'Live captions are on. A BSL interpreter joins every meeting.\n\nTo ask for an adjustment, reply to your invitation or email [programme@example.org](mailto:programme@example.org).';
    const meetingsToSeed = [
      { when: meetingAt(7, '14:00', '15:30'), scheduled: at(2), title: 'Programme update and questions', capacity: 40, agenda: ['Welcome and introductions', 'What the projects have found so far', 'Questions from participants'] },
      { when: meetingAt(-10, '10:00', '11:00'), scheduled: at(20), title: 'Programme launch', capacity: null, agenda: ['Why this programme', 'How to take part'] },
    ];
    const meetingIds = new Map<string, number>();
    for (const m of meetingsToSeed) {
      const made = await scheduleMeeting(db, { id: admin.id, role: 'admin' }, programme.id, {
        title: m.title,
        purpose: 'An online meeting for everyone on the programme: hear how the work is going and ask the team anything.',
        ...m.when,
        joinUrl: 'https://meet.example.org/coproduce-programme',
        joiningNotes,
        capacity: m.capacity,
        agenda: m.agenda.map((title) => ({ title, leadName: null, minutes: null })),
        audience: everyone,
        publish: true,
      }, m.scheduled);
      if (!made.ok) throw new Error(`the demo meeting was not scheduled: ${made.reason}`);
      meetingIds.set(m.title, made.id);
      // The meeting that has happened has its record: attendance, minutes, decisions and actions.
      if (m.title === 'Programme launch') await seedDemoMeetingRecords(db, clock, made.id, admin.id);
    }
    // A monthly steering group (a series) and a drop-in published at a set time; adjustment requests for the next meeting.
    await seedDemoSeries(db, admin.id, programme.id, everyone, clock);
    await seedDemoAdjustments(db, programme.id, meetingIds.get('Programme update and questions')!, admin.id, clock);

    // A training-needs survey from the shipped template.
    const { surveyId } = await seedDemoSurveys(db, programme.id, admin.id, at(3));
    // It is sent to the programme (identified), beside an anonymous pulse survey, each with a few invented responses.
    await seedDemoSurveyResponses(db, programme.id, admin.id, surveyId, at(3));

    // A programme-wide lounge and a space per project, with threads and replies; one closed with a summary.
    await seedDemoDiscussions(db, { programmeId: programme.id, adminId: admin.id, authors: placedPeople.slice(0, 4), clock: at(2) });

    // A draft resource out for comment, section by section, with comments and the team's responses.
    await seedDemoConsultations(db, { programmeId: programme.id, adminId: admin.id, commenters: placedPeople.slice(0, 3), clock });
    // An earlier draft, consulted on and published: the public library's first output.
    await seedDemoLibrary(db, { programmeId: programme.id, adminId: admin.id, commenters: placedPeople.slice(0, 2), clock });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return { registrations: REGISTRANTS.length + REVIEW_EMAILS.length - 1, reviewItems, groups: DEMO_GROUPS.length };
}
