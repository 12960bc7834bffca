// The meetings feature's tables (migration 019). Who a meeting is for is kept by the platform's
// audience rows (audience_targets, item kind 'meeting'), never here.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export type MeetingStatus = 'draft' | 'published' | 'cancelled';
export type Response = 'yes' | 'no' | 'maybe';
export type Place = 'attending' | 'waiting';

export interface MeetingsTable {
  id: Generated<number>;
  programme_id: number;
  /** The iCalendar UID, stable for the meeting's life. */
  uid: string;
  /** The series the meeting belongs to (meeting_series); null for a single meeting. */
  series_id: number | null;
  title: string;
  /** Markdown. */
  purpose: string;
  /** UTC instants. */
  starts_at: string;
  ends_at: string;
  /** Always https. */
  join_url: string;
  /** Markdown: dial-in, captions, interpreters, how to ask for adjustments. */
  joining_notes: string;
  /** Null: no limit. */
  capacity: number | null;
  /** How long before the start the join link is shown to invitees (0 to 240; 30 unless the organiser chose). */
  join_opens_minutes: Generated<number>;
  status: MeetingStatus;
  /** A draft to be published at this instant (the meetings.publish job); null: published (or to be) by hand. */
  publish_at: string | null;
  /** The iCalendar SEQUENCE: raised on every change invitees are told of. */
  sequence: Generated<number>;
  created_by: number | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MeetingAgendaItemsTable {
  id: Generated<number>;
  meeting_id: number;
  position: number;
  title: string;
  lead_name: string | null;
  minutes: number | null;
}

export interface MeetingResponsesTable {
  meeting_id: number;
  person_id: number;
  /** Null: pressed Join without answering. */
  response: Response | null;
  place: Place | null;
  /** Set exactly when place is 'waiting': lower goes first. */
  waiting_position: number | null;
  first_joined_at: string | null;
  last_joined_at: string | null;
  responded_at: string | null;
  created_at: string;
  updated_at: string;
}

export type SeriesFrequency = 'weekly' | 'fortnightly' | 'monthly';

/** Migration 022: how a series repeats; its meetings point to it by series_id. */
export interface MeetingSeriesTable {
  id: Generated<number>;
  programme_id: number;
  /** monthly: the same weekday of the month ("the second Tuesday"; a fifth one becomes "the last"). */
  frequency: SeriesFrequency;
  count: number;
  created_by: number | null;
  created_at: string;
}

/** Migration 022: a reminder sent to a person, claimed before sending so a job run twice sends it once. */
export interface MeetingRemindersSentTable {
  meeting_id: number;
  person_id: number;
  /** The start the reminder was for (a moved meeting is reminded again). */
  starts_at: string;
  hours: number;
  sent_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    meetings: MeetingsTable;
    meeting_series: MeetingSeriesTable;
    meeting_reminders_sent: MeetingRemindersSentTable;
    meeting_agenda_items: MeetingAgendaItemsTable;
    meeting_responses: MeetingResponsesTable;
  }
}

export type Meeting = Selectable<MeetingsTable>;
export type AgendaItem = Selectable<MeetingAgendaItemsTable>;
export type MeetingResponse = Selectable<MeetingResponsesTable>;
export type MeetingsTables = 'meetings' | 'meeting_agenda_items' | 'meeting_responses' | 'meeting_series' | 'meeting_reminders_sent';
/** The only handle the meetings feature's queries get: its own tables, and people to read names. */
export type MeetingsDb = Scoped<MeetingsTables, 'people'>;
