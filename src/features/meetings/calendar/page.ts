// The calendar section of a meeting's page, for its invitees while it is published: Add to
// Outlook, Add to Google Calendar (their own "new event" pages, filled in), the .ics download,
// and where to read how, or to get a feed of every meeting.
import type { MeetingPageContext, MeetingPagePart } from '../part.ts';
import type { Meeting } from '../tables.ts';
import { meetingDescription, meetingJoinUrl } from './ics.ts';

/** Calendars take a long address badly: the description is cut to this, the page link kept at its end. */
const DETAILS_MAX = 1200;

const googleTime = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const utc = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}/, '');

function details(m: Meeting, baseUrl: string): string {
  const text = meetingDescription(m, baseUrl);
  if (text.length <= DETAILS_MAX) return text;
  const tail = text.slice(text.indexOf('The meeting’s page:'));
  return `${text.slice(0, Math.max(0, DETAILS_MAX - tail.length - 3)).trimEnd()}…\n\n${tail}`;
}

export function outlookUrl(m: Meeting, baseUrl: string): string {
  const u = new URL('https://outlook.office.com/calendar/0/deeplink/compose');
  u.search = new URLSearchParams({ path: '/calendar/action/compose', rru: 'addevent', subject: m.title, startdt: utc(m.starts_at), enddt: utc(m.ends_at), body: details(m, baseUrl), location: meetingJoinUrl(baseUrl, m.id) }).toString();
  return u.toString();
}

export function googleUrl(m: Meeting, baseUrl: string): string {
  const u = new URL('https://calendar.google.com/calendar/render');
  u.search = new URLSearchParams({ action: 'TEMPLATE', text: m.title, dates: `${googleTime(m.starts_at)}/${googleTime(m.ends_at)}`, details: details(m, baseUrl), location: meetingJoinUrl(baseUrl, m.id) }).toString();
  return u.toString();
}

export async function calendarSection(ctx: MeetingPageContext): Promise<MeetingPagePart | null> {
  const m = ctx.meeting;
  // A draft is in no calendar, and a cancelled meeting is not to be added to one.
  if (m.status !== 'published') return null;
  return {
    template: 'features/meetings/calendar/views/meeting-section.njk',
    data: { outlook: outlookUrl(m, ctx.baseUrl), google: googleUrl(m, ctx.baseUrl), ics: `/meetings/${m.id}/calendar.ics` },
  };
}
