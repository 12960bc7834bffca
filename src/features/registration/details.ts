// What a registration holds, and the one set of checks for each of its answers: the web journey's
// question pages, the review queue's form and the participant's "correct your details" all build
// their forms from these fields, and the email import checks what it read with them.
import { z } from 'zod';
import { textField } from '../../platform/http/form-fields.ts';
import { AFC_BANDS, ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from './options.ts';

/** Who registered someone on their behalf (a manager for a colleague with no work email). */
export type Contact = { name: string | null; email: string };

export type RegistrationDetails = {
  fullName: string;
  /** Their own address; null only when a contact registered them and they have none of their own. */
  email: string | null;
  /** Who registered them on their behalf, if someone did: emails go to the contact while they have no address. */
  contact?: Contact | null;
  organisationId: number | null;
  organisationName: string;
  department: string | null;
  nation: string | null;
  region: string | null;
  serviceType: string | null;
  serviceOther: string | null;
  jobTitle: string;
  roleGroup: string | null;
  roleOther: string | null;
  afcBand: string | null;
  aims: number[];
  participation: string[];
  adjustments: string | null;
  /** True when the person ticked the consent box (web); email registrants confirm by link. */
  consent: boolean;
};

const choice = (values: readonly string[], message: string) => z.string({ error: message }).refine((v) => values.includes(v), message);
const optionalChoice = (values: readonly string[], message: string) =>
  z.union([z.literal(''), choice(values, message)], { error: message }).optional().default('');

/** Each answer's check, written once. Pages pick the ones they ask. */
export const DETAIL_FIELDS = {
  fullName: textField('Full name', 200, 'Enter your full name', { oneLine: true }),
  email: textField('Email address', 254, 'Enter your email address', { oneLine: true }).pipe(z.email('Enter an email address in the correct format, like name@example.com')),
  organisationOther: textField('Organisation name', 200, null, { oneLine: true }),
  department: textField('Department or site', 200, null, { oneLine: true }),
  nation: choice(NATIONS, 'Select the nation you work in'),
  region: choice(ENGLAND_REGIONS, 'Select the NHS England region you work in'),
  serviceType: choice(
    SERVICE_TYPES.map((s) => s.value),
    'Select the type of service you work in',
  ),
  serviceOther: textField('Type of service', 200, null, { oneLine: true }),
  jobTitle: textField('Job title', 200, 'Enter your job title', { oneLine: true }),
  roleGroup: choice(
    ROLE_GROUPS.map((g) => g.value),
    'Select the option that best describes your role',
  ),
  optionalRoleGroup: optionalChoice(
    ROLE_GROUPS.map((g) => g.value),
    'Select your role from the list',
  ),
  roleOther: textField('Your role', 200, null, { oneLine: true }),
  afcBand: optionalChoice(
    AFC_BANDS.map((b) => b.value),
    'Select your pay band, or leave this question blank',
  ),
  adjustments: textField('Adjustments', 1000, null),
} as const;

/** The "Other" answers that must be filled in when "Other" is chosen. */
export function otherAnswerErrors(d: { serviceType?: string; serviceOther?: string; roleGroup?: string; roleOther?: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (d.serviceType === 'other' && !d.serviceOther) errors.serviceOther = 'Enter the type of service you work in';
  if (d.roleGroup === 'other' && !d.roleOther) errors.roleOther = 'Enter your role';
  return errors;
}

/**
 * A name as a key: "Sam Fox", "sam  fox" and "Sam Fox." are one. Case, accents, punctuation and
 * spacing are ignored; the words and their order are kept.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * What knows a registration made on someone's behalf: the contact's normalised address and the
 * person's normalised name. A contact registers each colleague once; a second message from the same
 * contact for the same name is the same person, and a different contact's is somebody else's.
 */
export function behalfKey(contactEmail: string, fullName: string): string {
  return `${contactEmail.trim().toLowerCase()} ${nameKey(fullName)}`;
}

/** A one-line value read from somewhere less careful (an email): one line, trimmed, or null. */
export function oneLine(value: string | null | undefined, max = 200): string | null {
  const s = value?.replace(/[\u0000-\u001F\u007F\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s && s.length <= max ? s : null;
}

const many = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional().default('');

/** What the every-answer form may choose from: the NHS list, the programme's aims and ways to take part. */
export type DetailChoices = { organisationIds: Set<number>; aims: Set<number>; methods: Set<string> };

/** The lists the form shows, as the sets its checks allow. */
export function allowedChoices(lists: { organisations: readonly { id: number }[]; aims: readonly { number: number }[]; methods: readonly { key: string }[] }): DetailChoices {
  return { organisationIds: new Set(lists.organisations.map((o) => o.id)), aims: new Set(lists.aims.map((a) => a.number)), methods: new Set(lists.methods.map((m) => m.key)) };
}

/**
 * The form with every answer on one page: the participant's "correct your details" (`who: 'you'`)
 * and the team's edit (`who: 'they'`, with the email address, and the type of service optional
 * since an emailed-in registration may never have said). Every problem is reported at once.
 */
export function detailsFormSchema(ctx: DetailChoices, options: { who: 'you' | 'they'; withEmail: boolean | 'optional'; serviceRequired: boolean }) {
  const you = options.who;
  // 'optional': someone registered by a contact, who may have no address of their own yet.
  const email =
    options.withEmail === 'optional'
      ? z.union([z.literal(''), DETAIL_FIELDS.email]).optional().transform((v): string | undefined => v || undefined)
      : options.withEmail
        ? DETAIL_FIELDS.email
        : z.unknown().transform((): string | undefined => undefined).optional();
  return z
    .object({
      fullName: DETAIL_FIELDS.fullName,
      // The participant's email is their sign-in: their form has none, and one sent anyway is ignored.
      email,
      organisationId: z
        .string({ error: `Choose where ${you} work from the list` })
        .optional()
        .default('')
        .refine((v) => !v || ctx.organisationIds.has(Number(v)), `Choose where ${you} work from the list`),
      organisationName: DETAIL_FIELDS.organisationOther,
      department: DETAIL_FIELDS.department,
      nation: optional(DETAIL_FIELDS.nation),
      region: optional(DETAIL_FIELDS.region),
      serviceType: options.serviceRequired ? DETAIL_FIELDS.serviceType : optional(DETAIL_FIELDS.serviceType),
      serviceOther: DETAIL_FIELDS.serviceOther,
      jobTitle: DETAIL_FIELDS.jobTitle,
      roleGroup: DETAIL_FIELDS.optionalRoleGroup,
      roleOther: DETAIL_FIELDS.roleOther,
      afcBand: DETAIL_FIELDS.afcBand,
      aims: z.preprocess(many, z.array(z.coerce.number()).refine((a) => a.every((n) => ctx.aims.has(n)), 'Select aims from the list')),
      participation: z.preprocess(many, z.array(z.string()).refine((a) => a.every((k) => ctx.methods.has(k)), 'Select ways to take part from the list')),
      adjustments: DETAIL_FIELDS.adjustments,
    })
    .superRefine(
      (d, issue) => {
        const add = (path: string, message: string) => issue.addIssue({ code: 'custom', path: [path], message });
        for (const [path, message] of Object.entries(otherAnswerErrors(d))) add(path, message);
        if (d.organisationId && d.organisationName) add('organisationName', `Either choose where ${you} work from the list or enter its name, not both`);
        if (!d.organisationId && !d.organisationName) add('organisationId', `Choose where ${you} work from the list, or enter its name if it is not listed`);
        // A workplace off the list says nothing about where it is, so that is asked.
        if (!d.organisationId && d.organisationName && !d.nation) add('nation', `Select the nation ${you} work in`);
        if (!d.organisationId && d.nation === 'England' && !d.region) add('region', `Select the NHS England region ${you} work in`);
      },
      // Also when other answers failed their checks: every problem is shown at once.
      { when: () => true },
    );
}

/** The order of the every-answer form's fields, for its error summary. */
export const DETAILS_FORM_ORDER = ['fullName', 'email', 'organisationId', 'organisationName', 'department', 'nation', 'region', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther', 'afcBand', 'aims', 'participation', 'adjustments'];

type DetailsForm = z.output<ReturnType<typeof detailsFormSchema>>;

/**
 * The form's answers as a registration's details: a workplace on the NHS list brings its own
 * nation and region, as in the journey; a typed one keeps what was asked.
 */
export function answersFromForm(d: DetailsForm, organisations: readonly { id: number; name: string; nation: string; region: string | null }[]): Omit<RegistrationDetails, 'email' | 'consent'> {
  const org = d.organisationId ? organisations.find((o) => o.id === Number(d.organisationId)) : undefined;
  return {
    fullName: d.fullName,
    organisationId: org?.id ?? null,
    organisationName: org?.name ?? d.organisationName,
    department: d.department || null,
    nation: org ? org.nation : d.nation || null,
    region: org ? org.region : d.nation === 'England' ? d.region || null : null,
    serviceType: d.serviceType || null,
    serviceOther: d.serviceOther || null,
    jobTitle: d.jobTitle,
    roleGroup: d.roleGroup || null,
    roleOther: d.roleOther || null,
    afcBand: d.afcBand || null,
    aims: [...new Set(d.aims)].sort((x, y) => x - y),
    participation: [...new Set(d.participation)],
    adjustments: d.adjustments || null,
  };
}

/** A registration's answers as the every-answer form shows them. */
export function formValuesOf(
  r: { full_name: string; email: string | null; organisation_id: number | null; organisation_name: string; department: string | null; nation: string | null; region: string | null; service_type: string | null; service_other: string | null; job_title: string; role_group: string | null; role_other: string | null; afc_band: string | null; participation: string; adjustments: string | null },
  aims: readonly number[],
): Record<string, string | string[]> {
  return {
    fullName: r.full_name,
    email: r.email ?? '',
    organisationId: r.organisation_id ? String(r.organisation_id) : '',
    organisationName: r.organisation_id ? '' : r.organisation_name,
    department: r.department ?? '',
    nation: r.nation ?? '',
    region: r.region ?? '',
    serviceType: r.service_type ?? '',
    serviceOther: r.service_other ?? '',
    jobTitle: r.job_title,
    roleGroup: r.role_group ?? '',
    roleOther: r.role_other ?? '',
    afcBand: r.afc_band ?? '',
    aims: aims.map(String),
    participation: r.participation.split(',').filter(Boolean),
    adjustments: r.adjustments ?? '',
  };
}
