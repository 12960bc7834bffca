// Calendars and invitations: the iCalendar files and emails, the per-person feed, Add to Outlook / Google, answering from the email (issue 11).
import type { MeetingsPart } from '../part.ts';

export const calendarPart: MeetingsPart = {};
