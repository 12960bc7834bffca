// The after-the-meeting forms, checked with the form kit: minutes, a decision, an action (London
// due date), sending for comment (a London date and time), a comment. Dates are refused by name
// when they do not exist; a time the clocks skip or repeat likewise.
import { z } from 'zod';
import { textField } from '../../../platform/http/form-fields.ts';
import { londonToUtc } from '../../../platform/london-time.ts';

export const MINUTES_MAX = 20_000;
export const COMMENT_MAX = 5_000;

export const minutesForm = z.looseObject({ body: textField('The minutes', MINUTES_MAX, 'Enter the minutes') });

const optionalNumber = z.unknown().optional().transform((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v.trim()) ? Number(v.trim()) : null));

export const decisionForm = z.looseObject({
  decision: textField('The decision', 1000, 'Enter the decision'),
  agendaItem: optionalNumber,
});

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/** Day, month and year boxes (name-day, name-month, name-year) into a YYYY-MM-DD date, or an issue. */
function dateFrom(f: Record<string, unknown>, name: string, label: string, fail: (path: string, message: string) => void): string | null {
  const [day, month, year] = ['day', 'month', 'year'].map((p) => (typeof f[`${name}-${p}`] === 'string' ? String(f[`${name}-${p}`]).trim() : ''));
  if (!day && !month && !year) {
    fail(name, `Enter the ${label}`);
    return null;
  }
  if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!)) {
    fail(name, `Enter the ${label} as numbers, for example 21 6 2027`);
    return null;
  }
  const date = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    fail(name, `Enter a real ${label}, for example 21 6 2027`);
    return null;
  }
  // London time cannot place a far year (before 1847 it was not even GMT): refused by name, never a 500.
  if (Number(year) < MIN_YEAR || Number(year) > MAX_YEAR) {
    fail(name, `Enter a ${label} in the years ${MIN_YEAR} to ${MAX_YEAR}`);
    return null;
  }
  return date;
}

const anything = z.unknown().optional();

/** A field's own check, run inside the form's transform so that every field's error is reported together. */
function checked<T>(schema: z.ZodType<T>, value: unknown, path: string, fail: (path: string, message: string) => void, fallback: T): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  fail(path, r.error.issues[0]?.message ?? 'Check this answer');
  return fallback;
}

export const actionForm = z
  .looseObject({ what: anything, owner: anything, status: anything, note: anything })
  .transform((f, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const what = checked(textField('What is to be done', 500, 'Enter what is to be done', { oneLine: true }), f.what, 'what', fail, '');
    const owner = typeof f.owner === 'string' && /^\d{1,10}$/.test(f.owner) ? Number(f.owner) : null;
    if (owner === null) fail('owner', 'Choose who will do it');
    const dueDate = dateFrom(f, 'due', 'due date', fail);
    const note = checked(textField('The note', 1000, null), f.note, 'note', fail, '');
    return { what, ownerId: owner ?? 0, dueDate: dueDate ?? '', status: f.status === 'done' ? ('done' as const) : ('open' as const), note };
  });
export const ACTION_ORDER = ['what', 'owner', 'due', 'status', 'note'];
export const ACTION_ANCHORS = { due: 'due-day' };

const time = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' ? v.trim().replace('.', ':') : ''))
  .refine((s) => s.length > 0, 'Enter the time')
  .refine((s) => /^([01]?\d|2[0-3]):[0-5]\d$/.test(s), 'Enter the time in the 24-hour clock, for example 17:00')
  .transform((s) => s.padStart(5, '0'));

export const reviewForm = z.looseObject({ untilTime: anything }).transform((f, ctx) => {
  const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const date = dateFrom(f, 'until', 'date comments close', fail);
  const hour = checked(time, f.untilTime, 'untilTime', fail, null);
  if (!date || !hour) return { until: new Date(0) };
  const at = londonToUtc(date, hour);
  if (!at.ok) {
    fail('untilTime', at.reason === 'skipped' ? 'That time does not exist in the UK that night: the clocks go forward. Choose another time' : 'That time happens twice in the UK that night: the clocks go back. Choose another time');
    return { until: new Date(0) };
  }
  return { until: at.utc };
});
export const REVIEW_ORDER = ['until', 'untilTime'];
export const REVIEW_ANCHORS = { until: 'until-day' };

export const commentForm = z.looseObject({ comment: textField('Your comment', COMMENT_MAX, 'Enter your comment') });
