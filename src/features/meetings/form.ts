// The "Schedule a meeting" form: its fields, checked with the form kit, into a MeetingDraft's parts
// (the audience is parsed beside it by parseAudience). London date and times become UTC here;
// a time the clocks skip or repeat is refused by name.
import { z } from 'zod';
import { textField } from '../../platform/http/form-fields.ts';
import { londonToUtc, utcToLondon } from './london.ts';
import type { AgendaInput } from './queries.ts';
import { AGENDA_ROWS } from './service.ts';
import type { AgendaItem, Meeting } from './tables.ts';

export const TITLE_MAX = 150;
export const RICH_MAX = 10_000;
const rows = Array.from({ length: AGENDA_ROWS }, (_, i) => i + 1);

export const FIELD_ORDER = ['title', 'purpose', ...rows.flatMap((i) => [`agenda${i}Title`, `agenda${i}Lead`, `agenda${i}Minutes`]), 'date', 'startTime', 'endTime', 'joinUrl', 'joiningNotes', 'capacity'];
export const ANCHORS = { date: 'date-day' };

const time = (label: string) =>
  z
    .string({ error: `Enter the ${label} time` })
    .transform((s) => s.trim().replace('.', ':'))
    .refine((s) => s.length > 0, `Enter the ${label} time`)
    .refine((s) => /^([01]?\d|2[0-3]):[0-5]\d$/.test(s), `Enter the ${label} time in the 24-hour clock, for example 14:30`)
    .transform((s) => s.padStart(5, '0'));

const optionalText = (label: string, max: number) => textField(label, max, null, { oneLine: true });

const SKIPPED = 'does not exist in the UK: the clocks go forward from 1am to 2am that night. Choose another time';
const AMBIGUOUS = 'happens twice in the UK: the clocks go back from 2am to 1am that night. Choose a time outside 1am to 2am';

export const meetingForm = z
  .looseObject({
    title: textField('Title', TITLE_MAX, 'Enter a title', { oneLine: true }),
    purpose: textField('Purpose', RICH_MAX, 'Enter what the meeting is for'),
    'date-day': z.string().optional().default(''),
    'date-month': z.string().optional().default(''),
    'date-year': z.string().optional().default(''),
    startTime: time('start'),
    endTime: time('end'),
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
    capacity: z
      .string()
      .optional()
      .default('')
      .transform((s) => s.trim())
      .refine((s) => s === '' || /^\d{1,6}$/.test(s), 'Enter the number of places as a whole number, or leave it blank for no limit')
      .transform((s) => (s === '' ? null : Number(s)))
      .refine((n) => n === null || n > 0, 'Enter at least 1 place, or leave it blank for no limit'),
  })
  .transform((f, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const [day, month, year] = [f['date-day'], f['date-month'], f['date-year']].map((s) => String(s).trim());
    let date: string | null = null;
    if (!day && !month && !year) fail('date', 'Enter the date of the meeting');
    else if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!)) fail('date', 'Enter the date as numbers, for example 21 6 2027');
    else date = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
    let startsAt: string | null = null;
    let endsAt: string | null = null;
    if (date) {
      const start = londonToUtc(date, f.startTime);
      const end = londonToUtc(date, f.endTime);
      if (!start.ok && start.reason === 'not_a_date') fail('date', 'Enter a real date, for example 21 6 2027');
      else {
        if (!start.ok) fail('startTime', `The start time ${f.startTime} on that day ${start.reason === 'skipped' ? SKIPPED : AMBIGUOUS}`);
        if (!end.ok) fail('endTime', `The end time ${f.endTime} on that day ${end.reason === 'skipped' ? SKIPPED : AMBIGUOUS}`);
        if (start.ok && end.ok) {
          if (end.utc <= start.utc) fail('endTime', 'The end time must be after the start time');
          else [startsAt, endsAt] = [start.utc.toISOString(), end.utc.toISOString()];
        }
      }
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
    return { title: f.title, purpose: f.purpose, startsAt: startsAt ?? '', endsAt: endsAt ?? '', joinUrl: f.joinUrl, joiningNotes: f.joiningNotes, capacity: f.capacity, agenda };
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
    joiningNotes: m.joining_notes,
    capacity: m.capacity === null ? '' : String(m.capacity),
  };
  agenda.forEach((a, i) => {
    out[`agenda${i + 1}Title`] = a.title;
    out[`agenda${i + 1}Lead`] = a.lead_name ?? '';
    out[`agenda${i + 1}Minutes`] = a.minutes === null ? '' : String(a.minutes);
  });
  return out;
}
