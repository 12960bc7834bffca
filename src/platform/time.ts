// All time is stored in UTC and reasoned about in Europe/London. The clock is injected so tests
// can move time.
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

const ZONE = 'Europe/London';
const dateParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parts(at: Date): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of dateParts.formatToParts(at)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The calendar date in London at an instant, as YYYY-MM-DD. */
export function londonDate(at: Date): string {
  const p = parts(at);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** London's offset from UTC in minutes at an instant (0 in winter, 60 in summer). */
function londonOffsetMinutes(at: Date): number {
  const p = parts(at);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** The first instant of a London calendar date, in UTC. */
export function startOfLondonDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // The offset at London midnight is the offset a few hours either side (clocks change at 01:00 UTC).
  const offset = londonOffsetMinutes(new Date(utcMidnight));
  return new Date(utcMidnight - offset * 60000);
}

/** The instant a London calendar date ends (the first instant of the next day), in UTC. */
export function endOfLondonDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return startOfLondonDay(next.toISOString().slice(0, 10));
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole calendar days from one London date to another (negative when to is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

/** "21 June 2024" for a YYYY-MM-DD date. */
export function formatDate(date: string): string {
  return longDate.format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
}

/** "21 June 2024 at 3:05pm" in London time, for an ISO instant. */
export function formatDateTime(iso: string): string {
  const p = dateTime.formatToParts(new Date(iso));
  const get = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${get('day')} ${get('month')} ${get('year')} at ${get('hour')}:${get('minute')}${get('dayPeriod').toLowerCase().replace(/\s/g, '')}`;
}
