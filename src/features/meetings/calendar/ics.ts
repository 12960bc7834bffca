// The one iCalendar builder (ical-generator, never by hand): invitations and updates
// (METHOD:REQUEST), cancellations (METHOD:CANCEL), the .ics download and the feed
// (METHOD:PUBLISH). Each event has the meeting's stable UID and SEQUENCE, UTC start and end,
// the purpose as plain text with the meeting page and the site's /join address (never the raw
// join link: /join records who joined, opens only near the start and only for invitees).
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { markdownToText } from '../../../platform/rich-text/rich-text.ts';
import type { Meeting } from '../tables.ts';

export type CalendarMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';
export type Organiser = { name: string; email: string };
export type CalendarSite = { baseUrl: string; organiser: Organiser; now: Date };
/** What a calendar needs of a meeting (an agenda line per item, when there is one). */
export type CalendarMeeting = Pick<Meeting, 'id' | 'uid' | 'sequence' | 'title' | 'purpose' | 'joining_notes' | 'starts_at' | 'ends_at' | 'status'> & { agenda?: readonly string[] };

const METHODS: Record<CalendarMethod, ICalCalendarMethod> = { REQUEST: ICalCalendarMethod.REQUEST, CANCEL: ICalCalendarMethod.CANCEL, PUBLISH: ICalCalendarMethod.PUBLISH };

export const meetingPageUrl = (baseUrl: string, id: number) => new URL(`/meetings/${id}`, baseUrl).toString();
export const meetingJoinUrl = (baseUrl: string, id: number) => new URL(`/meetings/${id}/join`, baseUrl).toString();

/** "Coproduce <no-reply@example.org>" (the config's mail-from) as a name and address. */
export function organiserFrom(mailFrom: string, name?: string | null): Organiser {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  const email = (m ? m[2]! : mailFrom).trim();
  return { name: name?.trim() || m?.[1]?.trim() || email, email };
}

/**
 * The plain-text description: purpose, agenda, joining notes, then where to see and join it.
 * Rendering the Markdown is most of a feed's work (two renders a meeting, every time a calendar
 * polls), so each text is kept by what it is made from: the same input always gives the same text.
 */
export function meetingDescription(m: CalendarMeeting, baseUrl: string): string {
  const key = JSON.stringify([baseUrl, m.id, m.purpose, m.joining_notes, m.agenda ?? []]);
  const known = descriptions.get(key);
  if (known !== undefined) return known;
  const parts = [markdownToText(m.purpose, { baseUrl })];
  if (m.agenda?.length) parts.push(`Agenda:\n${m.agenda.map((a, i) => `${i + 1}. ${a}`).join('\n')}`);
  const notes = markdownToText(m.joining_notes, { baseUrl });
  if (notes) parts.push(`Joining: ${notes}`);
  parts.push(`The meeting’s page: ${meetingPageUrl(baseUrl, m.id)}`);
  parts.push(`Join the meeting (opens 30 minutes before the start): ${meetingJoinUrl(baseUrl, m.id)}`);
  const text = parts.filter(Boolean).join('\n\n');
  // Bounded: past the limit the oldest go first (a Map keeps the order things were put in).
  if (descriptions.size >= DESCRIPTIONS_KEPT) descriptions.delete(descriptions.keys().next().value!);
  descriptions.set(key, text);
  return text;
}
const DESCRIPTIONS_KEPT = 5000;
const descriptions = new Map<string, string>();

/**
 * An iCalendar object of these meetings with this METHOD. Drafts are left out: they are never in
 * a calendar. A cancelled meeting (or any meeting in a CANCEL) has STATUS:CANCELLED.
 */
export function meetingsCalendar(meetings: readonly CalendarMeeting[], method: CalendarMethod, site: CalendarSite, name = 'Meetings'): string {
  const cal = ical({ name, method: METHODS[method], prodId: { company: 'Coproduce', product: 'Meetings', language: 'EN' } });
  for (const m of meetings) {
    if (m.status === 'draft') continue;
    const cancelled = method === 'CANCEL' || m.status === 'cancelled';
    cal.createEvent({
      id: m.uid,
      sequence: m.sequence,
      stamp: site.now,
      start: new Date(m.starts_at),
      end: new Date(m.ends_at),
      summary: m.title,
      description: meetingDescription(m, site.baseUrl),
      location: meetingJoinUrl(site.baseUrl, m.id),
      url: meetingPageUrl(site.baseUrl, m.id),
      organizer: { name: site.organiser.name, email: site.organiser.email },
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
