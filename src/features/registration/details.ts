// What a registration holds, and the one set of checks for each of its answers: the web journey's
// question pages, the review queue's form and the participant's "correct your details" all build
// their forms from these fields, and the email import checks what it read with them.
import { z } from 'zod';
import { textField } from '../../platform/http/form-fields.ts';
import { AFC_BANDS, ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from './options.ts';

export type RegistrationDetails = {
  fullName: string;
  email: string;
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

/** A one-line value read from somewhere less careful (an email): one line, trimmed, or null. */
export function oneLine(value: string | null | undefined, max = 200): string | null {
  const s = value?.replace(/[\u0000-\u001F\u007F\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s && s.length <= max ? s : null;
}
