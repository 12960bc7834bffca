// The questions of the web journey, in order: what each asks, why, how its answer is checked
// (with the registration's one set of field checks), when it applies, and which later answers it
// invalidates. The platform's journey engine runs them; nothing here touches the database.
import { z } from 'zod';
import { createJourney, type JourneyField, type JourneyStep, type StepParse } from '../../../platform/forms/journey.ts';
import { DETAIL_FIELDS, otherAnswerErrors, type RegistrationDetails } from '../details.ts';
import { AFC_BANDS, ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';

export type Answers = {
  fullName?: string;
  email?: string;
  organisationId?: number | null;
  organisationOther?: string;
  department?: string;
  /** Set from the chosen organisation, or asked. */
  nation?: string;
  region?: string | null;
  serviceType?: string;
  serviceOther?: string;
  jobTitle?: string;
  roleGroup?: string;
  roleOther?: string;
  afcBand?: string;
  aims?: number[];
  participation?: string[];
  adjustments?: string;
  consent?: boolean;
  /** Which steps have been answered (optional ones may be answered with nothing). */
  done?: string[];
};

export type Organisation = { id: number; name: string; nation: string; region: string | null; aliases?: string };
export type JourneyContext = {
  organisations: Organisation[];
  aims: { number: number; title: string }[];
  methods: { key: string; title: string }[];
};

export type Field = JourneyField;
export type Step = JourneyStep<Answers, JourneyContext>;

const one = (v: unknown) => (Array.isArray(v) ? v : v); // arrays are refused by z.string
const many = (v: unknown): unknown[] => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

function errorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? 'form')] ??= issue.message;
  return out;
}

function parseWith<T extends z.ZodRawShape>(shape: T, body: Record<string, unknown>) {
  const input = Object.fromEntries(Object.keys(shape).map((k) => [k, one(body[k])]));
  return z.object(shape).safeParse(input);
}


export function orgChoice(a: Answers, ctx: JourneyContext): Organisation | undefined {
  return a.organisationId ? ctx.organisations.find((o) => o.id === a.organisationId) : undefined;
}

export const STEPS: Step[] = [
  {
    slug: 'name',
    title: 'What is your full name?',
    why: 'So the programme team knows who you are when they contact you.',
    single: true,
    fields: [{ kind: 'input', name: 'fullName', label: 'What is your full name?', autocomplete: 'name', maxLength: 200 }],
    applies: () => true,
    parse(body) {
      const r = parseWith({ fullName: DETAIL_FIELDS.fullName }, body);
      return r.success ? { ok: true, answers: { fullName: r.data.fullName } } : { ok: false, errors: errorsOf(r.error) };
    },
    summary: (a) => [{ key: 'Full name', value: a.fullName ?? '' }],
  },
  {
    slug: 'email',
    title: 'What is your email address?',
    why: 'We will send a link to this address to confirm it is yours, then use it to contact you about the programme.',
    single: true,
    fields: [{ kind: 'email', name: 'email', label: 'What is your email address?', autocomplete: 'email', maxLength: 254 }],
    applies: () => true,
    parse(body) {
      const r = parseWith(
        { email: DETAIL_FIELDS.email },
        body,
      );
      return r.success ? { ok: true, answers: { email: r.data.email } } : { ok: false, errors: errorsOf(r.error) };
    },
    summary: (a) => [{ key: 'Email address', value: a.email ?? '' }],
  },
  {
    slug: 'workplace',
    title: 'Where do you work?',
    why: 'So we hear from every kind of service and every part of the country.',
    single: false,
    fields: [
      { kind: 'select', name: 'organisationId', label: 'NHS organisation', hint: 'Choose your trust or health board' },
      { kind: 'input', name: 'organisationOther', label: 'If your organisation is not listed, enter its name', hint: 'For example, a private provider or university', maxLength: 200 },
      { kind: 'input', name: 'department', label: 'Department or site (optional)', maxLength: 200 },
    ],
    applies: () => true,
    // A different organisation brings its own nation and region: they are asked again if needed.
    invalidates: {
      steps: ['nation', 'region'],
      changed: (before, after) => (before.organisationId ?? null) !== (after.organisationId ?? null),
      reset(after) {
        if (!after.organisationId) {
          delete after.nation;
          after.region = null;
        }
      },
    },
    parse(body, ctx) {
      const r = parseWith(
        {
          organisationId: z.string({ error: 'Choose your organisation from the list' }).optional().default(''),
          organisationOther: DETAIL_FIELDS.organisationOther,
          department: DETAIL_FIELDS.department,
        },
        body,
      );
      if (!r.success) return { ok: false, errors: errorsOf(r.error) };
      const id = r.data.organisationId ? Number(r.data.organisationId) : null;
      const org = id ? ctx.organisations.find((o) => o.id === id) : undefined;
      if (r.data.organisationId && !org) return { ok: false, errors: { organisationId: 'Choose your organisation from the list' } };
      if (org && r.data.organisationOther) return { ok: false, errors: { organisationOther: 'Either choose an organisation from the list or enter a name, not both' } };
      if (!org && !r.data.organisationOther) return { ok: false, errors: { organisationId: 'Choose your organisation from the list, or enter its name if it is not listed' } };
      return {
        ok: true,
        answers: org
          ? { organisationId: org.id, organisationOther: '', department: r.data.department, nation: org.nation, region: org.region }
          : { organisationId: null, organisationOther: r.data.organisationOther, department: r.data.department },
      };
    },
    summary(a, ctx) {
      const org = orgChoice(a, ctx);
      return [
        { key: 'Organisation', value: org?.name ?? a.organisationOther ?? '' },
        // From the organisation as it is now, as the registration will be.
        ...(org ? [{ key: 'Nation and region', value: [org.nation, org.region].filter(Boolean).join(', ') }] : []),
        { key: 'Department or site', value: a.department || 'Not given' },
      ];
    },
  },
  {
    slug: 'nation',
    title: 'Which nation do you work in?',
    why: 'Each UK nation runs its services differently, so we report by nation.',
    single: true,
    fields: [{ kind: 'radios', name: 'nation', label: 'Which nation do you work in?', items: NATIONS.map((n) => ({ value: n, text: n })) }],
    applies: (a) => !a.organisationId,
    invalidates: { steps: ['region'], changed: (before, after) => before.nation !== after.nation },
    parse(body) {
      const r = parseWith({ nation: DETAIL_FIELDS.nation }, body);
      if (!r.success) return { ok: false, errors: errorsOf(r.error) };
      return { ok: true, answers: { nation: r.data.nation, ...(r.data.nation === 'England' ? {} : { region: null }) } };
    },
    summary: (a) => [{ key: 'Nation', value: a.nation ?? '' }],
  },
  {
    slug: 'region',
    title: 'Which NHS England region do you work in?',
    why: 'NHS England plans its workforce by region, so we report by region.',
    single: true,
    fields: [{ kind: 'radios', name: 'region', label: 'Which NHS England region do you work in?', items: ENGLAND_REGIONS.map((r) => ({ value: r, text: r })) }],
    applies: (a) => !a.organisationId && a.nation === 'England',
    parse(body) {
      const r = parseWith({ region: DETAIL_FIELDS.region }, body);
      return r.success ? { ok: true, answers: { region: r.data.region } } : { ok: false, errors: errorsOf(r.error) };
    },
    summary: (a) => [{ key: 'NHS England region', value: a.region ?? '' }],
  },
  {
    slug: 'service',
    title: 'What type of service do you work in?',
    why: 'Diagnostic imaging and radiotherapy have different roles and training, and the guidance must work for both.',
    single: true,
    fields: [
      { kind: 'radios', name: 'serviceType', label: 'What type of service do you work in?', items: SERVICE_TYPES.map((s) => ({ ...s })), otherValue: 'other', other: { name: 'serviceOther', label: 'Type of service' } },
    ],
    applies: () => true,
    parse(body) {
      const r = parseWith({ serviceType: DETAIL_FIELDS.serviceType, serviceOther: DETAIL_FIELDS.serviceOther }, body);
      if (!r.success) return { ok: false, errors: errorsOf(r.error) };
      const other = otherAnswerErrors(r.data);
      if (other.serviceOther) return { ok: false, errors: other };
      return { ok: true, answers: { serviceType: r.data.serviceType, serviceOther: r.data.serviceType === 'other' ? r.data.serviceOther : '' } };
    },
    summary: (a) => [{ key: 'Type of service', value: a.serviceType === 'other' ? `Other: ${a.serviceOther}` : (SERVICE_TYPES.find((s) => s.value === a.serviceType)?.text ?? '') }],
  },
  {
    slug: 'job',
    title: 'What is your job title?',
    why: 'Job titles vary between employers; this helps us understand what roles exist.',
    single: true,
    fields: [{ kind: 'input', name: 'jobTitle', label: 'What is your job title?', autocomplete: 'organization-title', maxLength: 200 }],
    applies: () => true,
    parse(body) {
      const r = parseWith({ jobTitle: DETAIL_FIELDS.jobTitle }, body);
      return r.success ? { ok: true, answers: { jobTitle: r.data.jobTitle } } : { ok: false, errors: errorsOf(r.error) };
    },
    summary: (a) => [{ key: 'Job title', value: a.jobTitle ?? '' }],
  },
  {
    slug: 'role',
    title: 'Which best describes your role?',
    why: 'The projects need to hear from support workers, assistant practitioners, and those who supervise, manage and train them.',
    single: true,
    fields: [
      { kind: 'radios', name: 'roleGroup', label: 'Which best describes your role?', items: ROLE_GROUPS.map((r) => ({ value: r.value, text: r.text, ...('hint' in r ? { hint: r.hint } : {}) })), otherValue: 'other', other: { name: 'roleOther', label: 'Your role' } },
    ],
    applies: () => true,
    parse(body) {
      const r = parseWith({ roleGroup: DETAIL_FIELDS.roleGroup, roleOther: DETAIL_FIELDS.roleOther }, body);
      if (!r.success) return { ok: false, errors: errorsOf(r.error) };
      const other = otherAnswerErrors(r.data);
      if (other.roleOther) return { ok: false, errors: other };
      return { ok: true, answers: { roleGroup: r.data.roleGroup, roleOther: r.data.roleGroup === 'other' ? r.data.roleOther : '' } };
    },
    summary: (a) => [{ key: 'Role', value: a.roleGroup === 'other' ? `Other: ${a.roleOther}` : (ROLE_GROUPS.find((g) => g.value === a.roleGroup)?.text ?? '') }],
  },
  {
    slug: 'band',
    title: 'What is your Agenda for Change pay band? (optional)',
    why: 'Support roles are usually bands 2 to 4; knowing bands shows how roles compare between employers. You can skip this question.',
    single: true,
    fields: [{ kind: 'radios', name: 'afcBand', label: 'What is your Agenda for Change pay band? (optional)', items: [...AFC_BANDS.map((b) => ({ ...b })), { value: '', text: 'I would rather not say' }] }],
    applies: () => true,
    parse(body) {
      const r = parseWith({ afcBand: DETAIL_FIELDS.afcBand }, body);
      return r.success ? { ok: true, answers: { afcBand: r.data.afcBand } } : { ok: false, errors: errorsOf(r.error) };
    },
    summary: (a) => [{ key: 'Pay band', value: AFC_BANDS.find((b) => b.value === a.afcBand)?.text ?? 'Not given' }],
  },
  {
    slug: 'interests',
    title: 'Your interests (optional)',
    why: 'So we can invite you to the parts of the programme you care about. You can skip these questions.',
    single: false,
    fields: [
      { kind: 'checkboxes', name: 'aims', label: 'Which of the projects’ aims interest you?', hint: 'Select all that apply' },
      { kind: 'checkboxes', name: 'participation', label: 'How would you like to take part?', hint: 'Select all that apply' },
    ],
    applies: () => true,
    parse(body, ctx): StepParse<Answers> {
      const aims = many(body.aims);
      const participation = many(body.participation);
      const aimNumbers = ctx.aims.map((a) => String(a.number));
      const keys = ctx.methods.map((m) => m.key);
      if (aims.length > aimNumbers.length || aims.some((a) => typeof a !== 'string' || !aimNumbers.includes(a))) return { ok: false, errors: { aims: 'Select aims from the list' } };
      if (participation.length > keys.length || participation.some((p) => typeof p !== 'string' || !keys.includes(p))) {
        return { ok: false, errors: { participation: 'Select ways to take part from the list' } };
      }
      return { ok: true, answers: { aims: [...new Set(aims.map(Number))].sort((x, y) => x - y), participation: [...new Set(participation as string[])] } };
    },
    summary: (a, ctx) => [
      { key: 'Aims that interest you', value: (a.aims ?? []).map((n) => `Aim ${n}: ${ctx.aims.find((x) => x.number === n)?.title ?? ''}`).join('\n') || 'None chosen' },
      { key: 'How you would like to take part', value: (a.participation ?? []).map((k) => ctx.methods.find((m) => m.key === k)?.title ?? k).join('\n') || 'None chosen' },
    ],
  },
  {
    slug: 'adjustments',
    title: 'Do you need any adjustments to take part? (optional)',
    why: 'For example captions in meetings, papers in advance, or meetings at certain times. We only use this to make taking part easier for you.',
    single: true,
    fields: [{ kind: 'textarea', name: 'adjustments', label: 'Do you need any adjustments to take part? (optional)', maxLength: 1000 }],
    applies: () => true,
    parse(body) {
      const r = parseWith({ adjustments: DETAIL_FIELDS.adjustments }, body);
      return r.success ? { ok: true, answers: { adjustments: r.data.adjustments } } : { ok: false, errors: errorsOf(r.error) };
    },
    summary: (a) => [{ key: 'Adjustments', value: a.adjustments || 'None' }],
  },
  {
    slug: 'consent',
    title: 'Your consent',
    why: 'We can only keep your details and contact you with your consent.',
    single: false,
    fields: [{ kind: 'consent', name: 'consent', label: 'I agree that the programme team can keep my details and contact me about the programme' }],
    applies: () => true,
    parse(body) {
      return body.consent === 'yes' ? { ok: true, answers: { consent: true } } : { ok: false, errors: { consent: 'Tick the box to agree, or you cannot register' } };
    },
    summary: (a) => [{ key: 'Consent', value: a.consent ? 'Given' : 'Not given' }],
  },
];

export const journey = createJourney<Answers, JourneyContext>(STEPS);
export const stepBySlug = journey.step;
export const recheck = journey.recheck;
export const firstToAnswer = journey.firstToAnswer;

/** The answers as a registration, once every applying step is done; otherwise null. */
export function toDetails(a: Answers, ctx: JourneyContext): RegistrationDetails | null {
  if (firstToAnswer(a, ctx)) return null;
  const org = orgChoice(a, ctx);
  if (!a.fullName || !a.email || !a.jobTitle || !a.consent || (!org && !a.organisationOther)) return null;
  return {
    fullName: a.fullName,
    email: a.email,
    organisationId: org?.id ?? null,
    organisationName: org?.name ?? a.organisationOther ?? '',
    department: a.department || null,
    nation: org?.nation ?? a.nation ?? null,
    region: org ? org.region : (a.region ?? null),
    serviceType: a.serviceType ?? null,
    serviceOther: a.serviceOther || null,
    jobTitle: a.jobTitle,
    roleGroup: a.roleGroup ?? null,
    roleOther: a.roleOther || null,
    afcBand: a.afcBand || null,
    aims: a.aims ?? [],
    participation: a.participation ?? [],
    adjustments: a.adjustments || null,
    consent: true,
  };
}
