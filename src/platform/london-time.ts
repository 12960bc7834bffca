// Times people type and read in London time, stored in UTC (meetings, survey and consultation
// dates, reminders). A wall-clock time on the day the clocks change may not exist (01:00 to 01:59
// on the last Sunday in March is skipped) or may happen twice (01:00 to 01:59 on the last Sunday
// in October): londonToUtc says which, so forms refuse them by name. Plain date arithmetic and the
// short date formats are time.ts's (addDays, daysBetween, formatDate).
const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function wallClock(at: Date): string {
  const p = Object.fromEntries(wall.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export type LondonTime = { ok: true; utc: Date } | { ok: false; reason: 'not_a_date' | 'skipped' | 'ambiguous' };

/** The UTC instant of a London date (YYYY-MM-DD) and time (HH:MM), or why there is not exactly one. */
export function londonToUtc(date: string, time: string): LondonTime {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return { ok: false, reason: 'not_a_date' };
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  const asUtc = Date.UTC(y, mo - 1, da, h, mi);
  if (new Date(asUtc).toISOString().slice(0, 16) !== `${date}T${time}`) return { ok: false, reason: 'not_a_date' };
  // London is UTC+0 or UTC+1: the instants that show this wall-clock time.
  const matches = [0, 60].map((offset) => new Date(asUtc - offset * 60000)).filter((at) => wallClock(at) === `${date} ${time}`);
  if (matches.length === 0) return { ok: false, reason: 'skipped' };
  if (matches.length > 1) return { ok: false, reason: 'ambiguous' };
  return { ok: true, utc: matches[0]! };
}

/** The London date (YYYY-MM-DD) and time (HH:MM) of an instant, for an edit form. */
export function utcToLondon(iso: string): { date: string; time: string } {
  const [date, time] = wallClock(new Date(iso)).split(' ') as [string, string];
  return { date, time };
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true });
const clockTime = (at: Date) => timeFormat.format(at).replace(/\s/g, '').toLowerCase();

/** "Tuesday 1 December 2026, 10:00am to 11:30am (UK time)". */
export function londonSpan(startsAt: string, endsAt: string): string {
  const s = new Date(startsAt);
  const e = new Date(endsAt);
  const sameDay = dayFormat.format(s) === dayFormat.format(e);
  const day = dayFormat.format(s).replace(',', '');
  const end = sameDay ? clockTime(e) : `${dayFormat.format(e).replace(',', '')}, ${clockTime(e)}`;
  return `${day}, ${clockTime(s)} to ${end} (UK time)`;
}

/** "Tuesday 1 December 2026 at 9:00am (UK time)": one instant, such as when a draft will be published. */
export function londonInstant(iso: string): string {
  const at = new Date(iso);
  return `${dayFormat.format(at).replace(',', '')} at ${clockTime(at)} (UK time)`;
}

/** "Tuesday 27 October 2026": a London date (YYYY-MM-DD), to name it in a message. */
export function londonDay(date: string): string {
  return dayFormat.format(new Date(`${date}T12:00:00Z`)).replace(',', '');
}
