// Registration counts for the dashboard, as bars in a fixed, meaningful order.
import type { Db, Engine } from '../../../platform/db/database.ts';
import { addDays, formatDate, londonDate } from '../../../platform/time.ts';
import type { Bar } from '../../../platform/views/bar-chart.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES, STATUS_LABELS } from '../options.ts';
import { registrationCounts } from './queries.ts';

type Count = { key: string | null; n: number };

function ordered(counts: Count[], order: { value: string; text: string }[], unknown = 'Not given'): Bar[] {
  const get = (k: string | null) => counts.find((c) => c.key === k)?.n ?? 0;
  const bars = order.map((o) => ({ label: o.text, value: get(o.value) }));
  const missing = counts.filter((c) => c.key === null || c.key === '').reduce((s, c) => s + c.n, 0);
  if (missing) bars.push({ label: unknown, value: missing });
  return bars;
}

/** Day-by-day counts over the whole span of registrations (London dates), at most the last 120 days. */
export function byDay(hours: { hour: string; n: number }[]): Bar[] {
  const days = new Map<string, number>();
  for (const h of hours) {
    const day = londonDate(new Date(`${h.hour}:00:00Z`));
    days.set(day, (days.get(day) ?? 0) + h.n);
  }
  if (!days.size) return [];
  const sorted = [...days.keys()].sort();
  let first = sorted[0]!;
  const last = sorted.at(-1)!;
  if (Date.parse(last) - Date.parse(first) > 119 * 86400000) first = addDays(last, -119);
  const bars: Bar[] = [];
  // Labelled as the rest of the service writes dates: "1 December 2026".
  for (let d = first; d <= last; d = addDays(d, 1)) bars.push({ label: formatDate(d), value: days.get(d) ?? 0 });
  return bars;
}

export async function dashboard(db: Db, engine: Engine, programmeId: number) {
  const c = await registrationCounts(db, engine, programmeId);
  const total = c.status.reduce((s, x) => s + x.n, 0);
  const statuses = Object.entries(STATUS_LABELS).map(([value, text]) => ({ value, text }));
  const nations = NATIONS.map((n) => ({ value: n, text: n }));
  const regions = ENGLAND_REGIONS.map((r) => ({ value: r, text: r }));
  return {
    total,
    charts: [
      { id: 'status', title: 'Registrations by status', bars: ordered(c.status, statuses) },
      { id: 'role-group', title: 'Registrations by role group', bars: ordered(c.roleGroup, [...ROLE_GROUPS]) },
      { id: 'service', title: 'Registrations by type of service', bars: ordered(c.service, [...SERVICE_TYPES]) },
      { id: 'nation', title: 'Registrations by nation', bars: ordered(c.nation, nations) },
      { id: 'region', title: 'Registrations in England by NHS England region', bars: ordered(c.region.filter((r) => r.key !== null), regions) },
      { id: 'channel', title: 'Registrations by how they came in', bars: ordered(c.channel, [{ value: 'web', text: 'Web form' }, { value: 'email', text: 'Email' }]) },
    ],
    overTime: { id: 'over-time', title: 'Registrations by day (London time)', bars: byDay(c.hours) },
  };
}
