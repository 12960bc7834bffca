// The "Schedule a meeting" form: its fields, checked with the form kit, into a MeetingDraft's parts
// (the audience is parsed beside it by parseAudience). London date and times become UTC here;
// a time the clocks skip or repeat is refused by name. Beside the meeting itself: when it is
// published (now, at a set time, or kept as a draft), whether it repeats (a series, on scheduling
// only), an end on a later day (a meeting past midnight), and, for a meeting of a series, whether a
// change is for it alone or for the rest of the series too.
import { z } from 'zod';
import { textField } from '../../platform/http/form-fields.ts';
import { londonToUtc, utcToLondon } from '../../platform/london-time.ts';
import type { AgendaInput } from './queries.ts';
import { SERIES_MAX, SERIES_MIN } from './series.ts';
import { AGENDA_ROWS, JOIN_OPENS_MAX, JOIN_OPENS_MINUTES } from './service.ts';
import type { AgendaItem, Meeting, SeriesFrequency } from './tables.ts';

export const TITLE_MAX = 150;
export const RICH_MAX = 10_000;
const rows = Array.from({ length: AGENDA_ROWS }, (_, i) => i + 1);

export const FIELD_ORDER = ['title', 'purpose', ...rows.flatMap((i) => [`agenda${i}Title`, `agenda${i}Lead`, `agenda${i}Minutes`]), 'date', 'startTime', 'endDate', 'endTime', 'joinUrl', 'joinOpensMinutes', 'joiningNotes', 'capacity', 'repeat', 'repeatCount', 'publishWhen', 'publishAt', 'publishAtTime', 'scope'];
export const ANCHORS = { date: 'date-day', endDate: 'endDate-day', publishAt: 'publishAt-day' };

export type PublishWhen = 'now' | 'at' | 'draft';
export type Repeat = { frequency: SeriesFrequency; count: number } | null;
/** A change to a meeting of a series: this meeting alone, or it and the rest of the series. */
export type Scope = 'one' | 'rest';

/** A GOV.UK date input's three boxes as YYYY-MM-DD; null when all are blank; 'bad' when not numbers. */
function dateOf(f: Record<string, unknown>, prefix: string): string | null | 'bad' {
  const [day, month, year] = ['day', 'month', 'year'].map((p) => f[`${prefix}-${p}`]);
  if ([day, month, year].some((v) => v !== undefined && typeof v !== 'string')) return 'bad';
  const [d, m, y] = [day, month, year].map((v) => String(v ?? '').trim()) as [string, string, string];
  if (!d && !m && !y) return null;
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'bad';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** An optional choice among values; an unknown or doubled value is an error, blank is the default. */
const choice = <T extends string>(values: readonly [T, ...T[]], message: string) =>
  z
    .string({ error: message })
    .optional()
    .transform((s) => (s ?? '').trim())
    .refine((s) => s === '' || (values as readonly string[]).includes(s), message)
    .transform((s) => (s === '' ? null : (s as T)));

const time = (label: string) =>
  z
    .string({ error: `Enter the ${label} time` })
    .transform((s) => s.trim().replace('.', ':'))
    .refine((s) => s.length > 0, `Enter the ${label} time`)
    .refine((s) => /^([01]?\d|2[0-3]):[0-5]\d$/.test(s), `Enter the ${label} time in the 24-hour clock, for example 14:30`)
    .transform((s) => s.padStart(5, '0'));

const optionalText = (label: string, max: number) => textField(label, max, null, { oneLine: true });

// Also the message for a box posted twice (an array): the form kit's own words would be zod's.
const DATE_AS_NUMBERS = 'Enter the date as numbers, for example 21 6 2027';
const PLACES_AS_NUMBER = 'Enter the number of places as a whole number, or leave it blank for no limit';
const SKIPPED = 'does not exist in the UK: the clocks go forward from 1am to 2am that night. Choose another time';
const AMBIGUOUS = 'happens twice in the UK: the clocks go back from 2am to 1am that night. Choose a time outside 1am to 2am';

const MINUTES_AS_NUMBER = 'Enter how many minutes before the start to show the link, as a whole number, for example 30';

export const meetingForm = z
  .looseObject({
    title: textField('Title', TITLE_MAX, 'Enter a title', { oneLine: true }),
    purpose: textField('Purpose', RICH_MAX, 'Enter what the meeting is for'),
    'date-day': z.string({ error: DATE_AS_NUMBERS }).optional().default(''),
    'date-month': z.string({ error: DATE_AS_NUMBERS }).optional().default(''),
    'date-year': z.string({ error: DATE_AS_NUMBERS }).optional().default(''),
    startTime: time('start'),
    endTime: time('end'),
    publishWhen: choice(['now', 'at', 'draft'], 'Choose when invitees can see the meeting'),
    publishAtTime: z.string({ error: 'Enter the time to publish it in the 24-hour clock, for example 09:00' }).optional().default(''),
    repeat: choice(['none', 'weekly', 'fortnightly', 'monthly'], 'Choose whether the meeting repeats'),
    repeatCount: z.string({ error: 'Enter how many meetings there are in the series, from 2 to 24' }).optional().default(''),
    scope: choice(['one', 'rest'], 'Choose whether the change is for this meeting only or for the rest of the series too'),
    joinUrl: z
      .string({ error: 'Enter the link to join the meeting' })
      .transform((s) => s.trim())
      .refine((s) => s.length > 0, 'Enter the link to join the meeting')
      .refine((s) => s.length <= 2000, 'The link to join must be 2,000 characters or fewer')
      .refine((s) => {
        try {
          const u = new URL(s);
          return u.protocol === 'https:' && u.hostname.includes('.') && !/\s/.test(s);
        } catch {
          return false;
        }
      }, 'Enter the link to join as a full web address starting https://, for example https://teams.microsoft.com/...'),
    joiningNotes: textField('Joining notes', RICH_MAX, null),
    joinOpensMinutes: z
      .string({ error: MINUTES_AS_NUMBER })
      .optional()
      .default('')
      .transform((s) => s.trim())
      .refine((s) => s === '' || /^\d{1,3}$/.test(s), MINUTES_AS_NUMBER)
      .transform((s) => (s === '' ? JOIN_OPENS_MINUTES : Number(s)))
      .refine((n) => n <= JOIN_OPENS_MAX, `Show the link at most ${JOIN_OPENS_MAX} minutes (4 hours) before the start`),
    capacity: z
      .string({ error: PLACES_AS_NUMBER })
      .optional()
      .default('')
      .transform((s) => s.trim())
      .refine((s) => s === '' || /^\d{1,6}$/.test(s), PLACES_AS_NUMBER)
      .transform((s) => (s === '' ? null : Number(s)))
      .refine((n) => n === null || n > 0, 'Enter at least 1 place, or leave it blank for no limit'),
  })
  .transform((f, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const [day, month, year] = [f['date-day'], f['date-month'], f['date-year']].map((s) => String(s).trim());
    let date: string | null = null;
    if (!day && !month && !year) fail('date', 'Enter the date of the meeting');
    else if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!)) fail('date', DATE_AS_NUMBERS);
    else date = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
    let startsAt: string | null = null;
    let endsAt: string | null = null;
    // The end is on the same day unless a later end date is given (a meeting past midnight).
    const endDateIn = dateOf(f, 'endDate');
    if (endDateIn === 'bad') fail('endDate', 'Enter the end date as numbers, for example 22 6 2027, or leave it blank if the meeting ends on the same day');
    if (date) {
      const endDate = endDateIn === null || endDateIn === 'bad' ? date : endDateIn;
      const start = londonToUtc(date, f.startTime);
      const end = londonToUtc(endDate, f.endTime);
      if (!start.ok && start.reason === 'not_a_date') fail('date', 'Enter a real date, for example 21 6 2027');
      else if (!end.ok && end.reason === 'not_a_date') fail('endDate', 'Enter a real end date, for example 22 6 2027');
      else if (endDate < date) fail('endDate', 'The end date must be the same as the date of the meeting or later');
      else if (endDateIn !== 'bad') {
        if (!start.ok) fail('startTime', `The start time ${f.startTime} on that day ${start.reason === 'skipped' ? SKIPPED : AMBIGUOUS}`);
        if (!end.ok) fail('endTime', `The end time ${f.endTime} on ${endDate === date ? 'that day' : 'the end date'} ${end.reason === 'skipped' ? SKIPPED : AMBIGUOUS}`);
        if (start.ok && end.ok) {
          if (end.utc <= start.utc) fail('endTime', endDate === date ? 'The end time must be after the start time' : 'The end must be after the start');
          else [startsAt, endsAt] = [start.utc.toISOString(), end.utc.toISOString()];
        }
      }
    }
    // The join link is shown only to invitees and only near the start: the texts every invitee
    // reads at once (and calendars copy) must not carry it.
    if (f.joinUrl) {
      if (f.purpose.includes(f.joinUrl)) fail('purpose', 'Take the link to join out of the purpose: it goes in “Link to join”, which invitees see only shortly before the start');
      if (f.joiningNotes.includes(f.joinUrl)) fail('joiningNotes', 'Take the link to join out of the joining notes: it goes in “Link to join”, which invitees see only shortly before the start');
    }
    // When invitees see it: a set time must be a real London time before the start (the service
    // checks it is still in the future, against its clock).
    let publishAt: string | null = null;
    if (f.publishWhen === 'at') {
      const on = dateOf(f, 'publishAt');
      const at = String(f.publishAtTime).trim().replace('.', ':');
      if (on === null) fail('publishAt', 'Enter the date to publish the meeting');
      else if (on === 'bad') fail('publishAt', 'Enter the date to publish it as numbers, for example 14 6 2027');
      else if (!at) fail('publishAtTime', 'Enter the time to publish the meeting');
      else if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(at)) fail('publishAtTime', 'Enter the time to publish it in the 24-hour clock, for example 09:00');
      else {
        const when = londonToUtc(on, at.padStart(5, '0'));
        if (!when.ok && when.reason === 'not_a_date') fail('publishAt', 'Enter a real date to publish it, for example 14 6 2027');
        else if (!when.ok) fail('publishAtTime', `The time ${at} on that day ${when.reason === 'skipped' ? SKIPPED : AMBIGUOUS}`);
        else if (startsAt && when.utc.getTime() >= Date.parse(startsAt)) fail('publishAt', 'The time to publish the meeting must be before it starts');
        else publishAt = when.utc.toISOString();
      }
    }
    let repeat: Repeat = null;
    if (f.repeat && f.repeat !== 'none') {
      const n = String(f.repeatCount).trim();
      if (!n) fail('repeatCount', `Enter how many meetings there are in the series, from ${SERIES_MIN} to ${SERIES_MAX}`);
      else if (!/^\d{1,3}$/.test(n)) fail('repeatCount', `Enter how many meetings as a whole number, from ${SERIES_MIN} to ${SERIES_MAX}`);
      else if (Number(n) < SERIES_MIN || Number(n) > SERIES_MAX) fail('repeatCount', `A series has from ${SERIES_MIN} to ${SERIES_MAX} meetings`);
      else repeat = { frequency: f.repeat, count: Number(n) };
    }
    const agenda: AgendaInput[] = [];
    for (const i of rows) {
      const text = (field: string, label: string, max: number): string => {
        const r = optionalText(label, max).safeParse(f[field]);
        if (r.success) return r.data;
        fail(field, r.error.issues[0]?.message ?? `Check ${label.toLowerCase()}`);
        return '';
      };
      const title = text(`agenda${i}Title`, `Agenda item ${i}`, 200);
      const lead = text(`agenda${i}Lead`, `Who leads agenda item ${i}`, 100);
      const minutesText = text(`agenda${i}Minutes`, `Minutes for agenda item ${i}`, 10);
      if (!title) {
        if (lead || minutesText) fail(`agenda${i}Title`, `Enter agenda item ${i}, or clear its other boxes`);
        continue;
      }
      if (minutesText && !/^\d{1,3}$/.test(minutesText)) fail(`agenda${i}Minutes`, `Enter the minutes for agenda item ${i} as a whole number`);
      const minutes = minutesText ? Number(minutesText) : null;
      if (minutes === 0) fail(`agenda${i}Minutes`, `Enter at least 1 minute for agenda item ${i}, or leave it blank`);
      agenda.push({ title, leadName: lead || null, minutes: minutes || null });
    }
    return { title: f.title, purpose: f.purpose, startsAt: startsAt ?? '', endsAt: endsAt ?? '', joinUrl: f.joinUrl, joinOpensMinutes: f.joinOpensMinutes, joiningNotes: f.joiningNotes, capacity: f.capacity, agenda, publishWhen: f.publishWhen, publishAt, repeat, scope: (f.scope ?? 'one') as Scope };
  });

/** A saved meeting as the form's values (London date and times), for its edit page. */
export function formValues(m: Meeting, agenda: readonly Pick<AgendaItem, 'title' | 'lead_name' | 'minutes'>[]): Record<string, string> {
  const start = utcToLondon(m.starts_at);
  const end = utcToLondon(m.ends_at);
  const [year, month, day] = start.date.split('-') as [string, string, string];
  const out: Record<string, string> = {
    title: m.title,
    purpose: m.purpose,
    'date-day': String(Number(day)),
    'date-month': String(Number(month)),
    'date-year': year,
    startTime: start.time,
    endTime: end.time,
    joinUrl: m.join_url,
    joinOpensMinutes: String(m.join_opens_minutes),
    joiningNotes: m.joining_notes,
    capacity: m.capacity === null ? '' : String(m.capacity),
  };
  if (end.date !== start.date) {
    const [ey, em, ed] = end.date.split('-') as [string, string, string];
    Object.assign(out, { 'endDate-day': String(Number(ed)), 'endDate-month': String(Number(em)), 'endDate-year': ey });
  }
  // A draft with a set time keeps it on its edit page.
  if (m.status === 'draft') {
    if (m.publish_at) {
      const p = utcToLondon(m.publish_at);
      const [py, pm, pd] = p.date.split('-') as [string, string, string];
      Object.assign(out, { publishWhen: 'at', 'publishAt-day': String(Number(pd)), 'publishAt-month': String(Number(pm)), 'publishAt-year': py, publishAtTime: p.time });
    } else out.publishWhen = 'draft';
  }
  agenda.forEach((a, i) => {
    out[`agenda${i + 1}Title`] = a.title;
    out[`agenda${i + 1}Lead`] = a.lead_name ?? '';
    out[`agenda${i + 1}Minutes`] = a.minutes === null ? '' : String(a.minutes);
  });
  return out;
}
