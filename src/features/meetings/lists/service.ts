// Lists per project and sub-group, and the programme's calendar for admins (issue 11, §5).
// A group's list is for its members, its leads and admins; within it a person sees only the
// meetings visibleTo them, and drafts only when they manage them (the audience rule, in the query).
import { scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import { managedBy, mayManageGroup, visibleTo, type LedGroupKind, type Viewer } from '../../../platform/audience/access.ts';
import { expressionBuilder } from 'kysely';
import { londonDate, startOfLondonDay } from '../../../platform/time.ts';
import type { Clock } from '../../../platform/time.ts';
import * as core from '../queries.ts';
import { londonSpan } from '../../../platform/london-time.ts';
import { ITEM_KIND, own as meetingsDb } from '../service.ts';
import type { Meeting } from '../tables.ts';
import type { Database } from '../../../platform/db/schema.ts';
import * as q from './queries.ts';

const own = (db: Db | Tx): q.ListsDb => scoped<never, 'audience_groups' | 'audience_members' | 'audience_targets' | 'meetings'>(db);

export type GroupRef = { kind: LedGroupKind; id: number };

/**
 * The group, if it belongs to this programme and this person may see its list: an admin, one of
 * its members, or one of its leads (a project's lead leads its sub-groups too). Otherwise
 * undefined: the page is not found, so nobody learns of a group they are not in.
 */
export async function visibleGroup(db: Db, viewer: Viewer, programmeId: number, group: GroupRef) {
  if (!viewer) return undefined;
  const found = await q.groupOf(own(db), group.kind, group.id);
  if (!found || found.programme_id !== programmeId) return undefined;
  const allowed = viewer.role === 'admin' || (await q.isMember(own(db), group.kind, group.id, viewer.id)) || (await mayManageGroup(db, viewer, group));
  return allowed ? found : undefined;
}

/** The group's upcoming and past meetings as this person may see them. */
export async function groupMeetings(db: Db, viewer: Viewer, programmeId: number, group: GroupRef, clock: Clock) {
  const now = clock().toISOString();
  const e = expressionBuilder<Pick<Database, 'meetings'>, 'meetings'>();
  const cond = e.and([q.isForGroup(group.kind, group.id), e.or([e.and([e('meetings.status', '!=', 'draft'), visibleTo(viewer, ITEM_KIND, 'meetings.id')]), managedBy(viewer, ITEM_KIND, 'meetings.id')])]);
  const list = (when: 'upcoming' | 'past') => core.meetingsWhere(meetingsDb(db), programmeId, cond, when, now, { withDrafts: true });
  const [upcoming, past] = await Promise.all([list('upcoming'), list('past')]);
  const withWhen = (rows: Meeting[]) => rows.map((m) => ({ ...m, when: londonSpan(m.starts_at, m.ends_at) }));
  return { upcoming: withWhen(upcoming), past: withWhen(past) };
}

// ---- The programme calendar

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** More than any programme's month holds; the page says when a month is cut short. */
export const CALENDAR_LIMIT = 1000;

const monthName = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const dayName = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** A month as YYYY-MM: this one, or the one before or after. */
export const thisMonth = (clock: Clock) => londonDate(clock()).slice(0, 7);
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/** A month typed in the address, checked: YYYY-MM between the years 2000 and 2100. */
export function parseMonth(text: string): string | null {
  const m = MONTH_PATTERN.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  return year >= 2000 && year <= 2100 ? `${m[1]}-${m[2]}` : null;
}

export type CalendarDay = { date: string; label: string; meetings: { id: number; title: string; status: string; time: string }[] };

/**
 * Every meeting of the programme starting in this London month, grouped by the London day it
 * starts on (a meeting at 23:30 UTC on 31 March, in summer time, is on 1 April).
 */
export async function monthCalendar(db: Db, programmeId: number, month: string) {
  const first = `${month}-01`;
  const next = `${shiftMonth(month, 1)}-01`;
  const from = startOfLondonDay(first).toISOString();
  const to = startOfLondonDay(next).toISOString();
  const rows = await q.meetingsStarting(own(db), programmeId, from, to, CALENDAR_LIMIT);
  const days = new Map<string, CalendarDay>();
  for (const m of rows) {
    const date = londonDate(new Date(m.starts_at));
    let day = days.get(date);
    if (!day) days.set(date, (day = { date, label: dayName.format(new Date(`${date}T00:00:00Z`)).replace(',', ''), meetings: [] }));
    const when = londonSpan(String(m.starts_at), String(m.ends_at));
    const dayPrefix = `${day.label}, `;
    day.meetings.push({ id: m.id, title: m.title, status: m.status, time: when.startsWith(dayPrefix) ? when.slice(dayPrefix.length) : when });
  }
  // No link to a month the page would refuse (before 2000 or after 2100).
  const [previous, after] = [shiftMonth(month, -1), shiftMonth(month, 1)].map((m) => parseMonth(m));
  return { month, label: monthName.format(new Date(`${first}T00:00:00Z`)), days: [...days.values()], count: rows.length, cut: rows.length === CALENDAR_LIMIT, previous, next: after };
}
