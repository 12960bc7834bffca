// The questions of the web journey, in order: what each asks, why, how its answer is checked,
// and when it applies. Routes render and save them; nothing here touches the database.
import { z } from 'zod';
import { textField } from '../../../platform/http/form-fields.ts';
import { AFC_BANDS, ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';
import type { RegistrationDetails } from '../service.ts';

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

export type Organisation = { id: number; name: string; nation: string; region: string | null };
export type JourneyContext = {
  organisations: Organisation[];
  aims: { number: number; title: string }[];
  methods: { key: string; title: string }[];
};

export type Field = {
  kind: 'input' | 'email' | 'textarea' | 'select' | 'radios' | 'checkboxes' | 'consent';
  name: string;
  label: string;
  hint?: string;
  items?: { value: string; text: string; hint?: string }[];
  /** For radios: the value that reveals a follow-up text field, and that field. */
  otherValue?: string;
  other?: { name: string; label: string };
  width?: string;
  autocomplete?: string;
  maxLength?: number;
};

export type Step = {
  slug: string;
  title: string;
  /** Why we ask: shown under the heading. */
  why: string;
  fields: Field[];
  /** True when this step's question is the single field (the label is the page heading). */
  single: boolean;
  applies(a: Answers): boolean;
  parse(body: Record<string, unknown>, ctx: JourneyContext): { ok: true; answers: Partial<Answers> } | { ok: false; errors: Record<string, string> };
  /** Summary for Check your answers. */
  summary(a: Answers, ctx: JourneyContext): { key: string; value: string }[];
};

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

const choice = (values: readonly string[], message: string) => z.string({ error: message }).refine((v) => values.includes(v), message);

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
      const r = parseWith({ fullName: textField('Full name', 200, 'Enter your full name') }, body);
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
        { email: textField('Email address', 254, 'Enter your email address').pipe(z.email('Enter an email address in the correct format, like name@example.com')) },
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
    parse(body, ctx) {
      const r = parseWith(
        {
          organisationId: z.string({ error: 'Choose your organisation from the list' }).optional().default(''),
          organisationOther: textField('Organisation name', 200, null),
          department: textField('Department or site', 200, null),
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
    parse(body) {
      const r = parseWith({ nation: choice(NATIONS, 'Select the nation you work in') }, body);
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
      const r = parseWith({ region: choice(ENGLAND_REGIONS, 'Select the NHS England region you work in') }, body);
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
      const r = parseWith({ serviceType: choice(SERVICE_TYPES.map((s) => s.value), 'Select the type of service you work in'), serviceOther: textField('Type of service', 200, null) }, body);
      if (!r.success) return { ok: false, errors: errorsOf(r.error) };
      if (r.data.serviceType === 'other' && !r.data.serviceOther) return { ok: false, errors: { serviceOther: 'Enter the type of service you work in' } };
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
      const r = parseWith({ jobTitle: textField('Job title', 200, 'Enter your job title') }, body);
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
      const r = parseWith({ roleGroup: choice(ROLE_GROUPS.map((g) => g.value), 'Select the option that best describes your role'), roleOther: textField('Your role', 200, null) }, body);
      if (!r.success) return { ok: false, errors: errorsOf(r.error) };
      if (r.data.roleGroup === 'other' && !r.data.roleOther) return { ok: false, errors: { roleOther: 'Enter your role' } };
      return { ok: true, answers: { roleGroup: r.data.roleGroup, roleOther: r.data.roleGroup === 'other' ? r.data.roleOther : '' } };
    },
    summary: (a) => [{ key: 'Role', value: a.roleGroup === 'other' ? `Other: ${a.roleOther}` : (ROLE_GROUPS.find((g) => g.value === a.roleGroup)?.text ?? '') }],
  },
  {
    slug: 'band',
    title: 'What is your Agenda for Change pay band? (optional)',
    why: 'Support roles are usually bands 2 to 4; knowing bands shows how roles compare between employers. You can skip this question.',
    single: true,
    fields: [{ kind: 'radios', name: 'afcBand', label: 'What is your Agenda for Change pay band? (optional)', items: AFC_BANDS.map((b) => ({ ...b })) }],
    applies: () => true,
    parse(body) {
      const r = parseWith({ afcBand: z.union([z.literal(''), choice(AFC_BANDS.map((b) => b.value), 'Select your pay band, or leave this question blank')]).optional().default('') }, body);
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
    parse(body, ctx): ReturnType<Step['parse']> {
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
      const r = parseWith({ adjustments: textField('Adjustments', 1000, null) }, body);
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

export function stepBySlug(slug: string): Step | undefined {
  return STEPS.find((s) => s.slug === slug);
}

/** A step's saved answers as the form that would have given them, to check them again. */
function bodyOf(step: Step, a: Answers): Record<string, unknown> {
  const saved = a as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const name of step.fields.flatMap((f) => [f.name, f.other?.name])) {
    if (!name) continue;
    const v = saved[name];
    body[name] = v === true ? 'yes' : v === null || v === undefined ? undefined : typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(String) : v;
  }
  return body;
}

/**
 * Whether a step answered earlier still passes its checks. A draft can go stale while it waits:
 * an organisation leaves the list, the programme's aims change. Nothing stale is registered.
 */
export function recheck(step: Step, a: Answers, ctx: JourneyContext): ReturnType<Step['parse']> {
  const result = step.parse(bodyOf(step, a), ctx);
  if (!result.ok) return result;
  // The checks must also give back exactly what was saved (a single value where a list belongs
  // would pass them, and then break the pages that expect a list).
  const saved = a as Record<string, unknown>;
  const again = result.answers as Record<string, unknown>;
  const same = (k: string) => JSON.stringify(saved[k] ?? '') === JSON.stringify(again[k] ?? '');
  const changed = step.fields.flatMap((f) => [f.name, f.other?.name]).find((k) => k !== undefined && !same(k));
  return changed ? { ok: false, errors: { [changed]: 'Check this answer and continue' } } : result;
}

/** The first step to (re)answer: unanswered, or answered with something that no longer passes. */
export function firstToAnswer(a: Answers, ctx: JourneyContext): Step | null {
  const done = new Set(a.done ?? []);
  return STEPS.find((s) => s.applies(a) && (!done.has(s.slug) || !recheck(s, a, ctx).ok)) ?? null;
}

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
