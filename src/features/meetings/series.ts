// The dates of a series: every meeting at the same London times of day as the first, on the
// dates the repeat gives. The UTC instant of 10:00 London moves by an hour across a clock change,
// so each meeting's times are worked out from its own London date, never by adding hours. A date
// on which a time does not exist or happens twice (the clock changes) refuses the whole series.
import { addDays, daysBetween } from '../../platform/time.ts';
import { londonToUtc, utcToLondon } from '../../platform/london-time.ts';
import type { SeriesFrequency } from './tables.ts';

export const SERIES_MIN = 2;
export const SERIES_MAX = 24;

export type Occurrence = { startsAt: string; endsAt: string };
export type SeriesDates = { ok: true; meetings: Occurrence[] } | { ok: false; date: string };

/** The London date of the nth meeting (0: the first) of a series starting on firstDate. */
export function nthDate(firstDate: string, frequency: SeriesFrequency, n: number): string {
  if (frequency === 'weekly') return addDays(firstDate, 7 * n);
  if (frequency === 'fortnightly') return addDays(firstDate, 14 * n);
  // Monthly: the same weekday of the month as the first ("the second Tuesday"); the fifth of a
  // weekday is in only some months, so a series starting on one keeps to the last of each month.
  const [y, m, d] = firstDate.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const week = Math.ceil(d / 7);
  const month = new Date(Date.UTC(y, m - 1 + n, 1));
  const [yy, mm] = [month.getUTCFullYear(), month.getUTCMonth()];
  const firstWeekday = 1 + ((weekday - new Date(Date.UTC(yy, mm, 1)).getUTCDay() + 7) % 7);
  const daysInMonth = new Date(Date.UTC(yy, mm + 1, 0)).getUTCDate();
  let day = firstWeekday + 7 * (Math.min(week, 5) - 1);
  if (week >= 5) while (day > daysInMonth) day -= 7;
  return new Date(Date.UTC(yy, mm, day)).toISOString().slice(0, 10);
}

/** The same London times of day (and the same number of days from start to end) on another date. */
export function sameTimesOn(date: string, template: Occurrence): { ok: true; meeting: Occurrence } | { ok: false; date: string } {
  const s = utcToLondon(template.startsAt);
  const e = utcToLondon(template.endsAt);
  const endDate = addDays(date, daysBetween(s.date, e.date));
  const start = londonToUtc(date, s.time);
  if (!start.ok) return { ok: false, date };
  const end = londonToUtc(endDate, e.time);
  if (!end.ok) return { ok: false, date: endDate };
  return { ok: true, meeting: { startsAt: start.utc.toISOString(), endsAt: end.utc.toISOString() } };
}

/** Every meeting of a series whose first meeting is `first`. */
export function seriesDates(first: Occurrence, frequency: SeriesFrequency, count: number): SeriesDates {
  const firstDate = utcToLondon(first.startsAt).date;
  const meetings: Occurrence[] = [];
  for (let n = 0; n < count; n++) {
    const r = sameTimesOn(nthDate(firstDate, frequency, n), first);
    if (!r.ok) return r;
    meetings.push(r.meeting);
  }
  return { ok: true, meetings };
}
