// The answer lists the registration questions offer, with the words people see.
// Role groups and bands come from the workforce facts; keep them as data, not logic.

export const SERVICE_TYPES = [
  { value: 'diagnostic', text: 'Diagnostic imaging (clinical imaging)' },
  { value: 'radiotherapy', text: 'Radiotherapy (therapeutic radiography)' },
  { value: 'both', text: 'Both diagnostic imaging and radiotherapy' },
  { value: 'education', text: 'Education provider' },
  { value: 'other', text: 'Other' },
] as const;

export const ROLE_GROUPS = [
  { value: 'csw', text: 'Clinical support worker (CSW)', hint: 'Usually Agenda for Change band 2' },
  { value: 'senior-csw', text: 'Senior clinical support worker', hint: 'Usually band 3' },
  { value: 'mammography-associate', text: 'Mammography associate', hint: 'Usually band 4' },
  { value: 'ap', text: 'Assistant practitioner (AP)', hint: 'Usually band 4' },
  { value: 'radiographer', text: 'Radiographer who supervises or delegates to support staff', hint: 'Band 5 or above' },
  { value: 'manager', text: 'Manager or service lead', hint: 'You manage support or assistant staff' },
  { value: 'educator', text: 'Educator or practice educator', hint: 'You train or assess support staff' },
  { value: 'other', text: 'Other' },
] as const;

export const AFC_BANDS = [
  { value: '2', text: 'Band 2' },
  { value: '3', text: 'Band 3' },
  { value: '4', text: 'Band 4' },
  { value: '5', text: 'Band 5' },
  { value: '6', text: 'Band 6' },
  { value: '7', text: 'Band 7' },
  { value: '8+', text: 'Band 8 or above' },
  { value: 'not-afc', text: 'Not on Agenda for Change' },
] as const;

export const NATIONS = ['England', 'Scotland', 'Wales', 'Northern Ireland'] as const;

export const ENGLAND_REGIONS = [
  'London',
  'South East',
  'South West',
  'Midlands',
  'East of England',
  'North West',
  'North East and Yorkshire',
] as const;

export const PARTICIPATION_KEYS = ['meetings', 'subgroups', 'surveys', 'discussions', 'commenting'] as const;

const label = <T extends { value: string; text: string }>(list: readonly T[], value: string | null | undefined) =>
  list.find((o) => o.value === value)?.text ?? value ?? '';

export const serviceLabel = (v: string | null | undefined) => label(SERVICE_TYPES, v);
export const roleGroupLabel = (v: string | null | undefined) => label(ROLE_GROUPS, v);
export const bandLabel = (v: string | null | undefined) => label(AFC_BANDS, v);

export const STATUS_LABELS: Record<string, string> = {
  unconfirmed: 'Unconfirmed',
  new: 'New',
  accepted: 'Accepted',
  waitlisted: 'Waitlisted',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  needs_review: 'Needs review',
};

/** Every answer list, as the every-answer forms' templates name them. */
export const ANSWER_LISTS = { roleGroups: ROLE_GROUPS, bands: AFC_BANDS, services: SERVICE_TYPES, nations: NATIONS, regions: ENGLAND_REGIONS } as const;
