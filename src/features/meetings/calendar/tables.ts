// The calendar part's tables (migration 021): who was sent each meeting's invitation, and each
// person's private feed.
import type { Selectable } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';
import type { MeetingsTables } from '../tables.ts';

export interface MeetingInvitationsTable {
  meeting_id: number;
  person_id: number;
  /** The meeting's SEQUENCE in the last invitation or update they were sent. */
  sequence: number;
  invited_at: string;
  /** Set once they were sent METHOD:CANCEL (meeting cancelled, or they left its audience). */
  cancelled_at: string | null;
}

export interface CalendarFeedsTable {
  person_id: number;
  /** SHA-256 (hex) of the feed's token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
}

declare module '../../../platform/db/schema.ts' {
  interface Database {
    meeting_invitations: MeetingInvitationsTable;
    calendar_feeds: CalendarFeedsTable;
  }
}

export type MeetingInvitation = Selectable<MeetingInvitationsTable>;
export type CalendarTables = 'meeting_invitations' | 'calendar_feeds';
/** The calendar part's handle: its own tables, the meetings it reads, and people to read addresses and roles. */
export type CalendarDb = Scoped<CalendarTables | MeetingsTables, 'people'>;
