// The after-the-meeting part's tables (migration 023): attendance, minutes with their review
// (who was asked, comments, approvals), decisions and actions. It reads the core's meetings and
// meeting_responses, and people for names, but never writes them.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';

export type MinutesStatus = 'draft' | 'review' | 'published';
export type ActionStatus = 'open' | 'done';

export interface MeetingAttendanceTable {
  meeting_id: number;
  person_id: number;
  /** 1 attended, 0 did not. */
  attended: number;
  recorded_by: number | null;
  recorded_at: string;
}

export interface MeetingMinutesTable {
  meeting_id: number;
  /** Markdown. */
  body: string;
  status: MinutesStatus;
  /** UTC: comments and approvals are taken until then (status 'review'). */
  review_until: string | null;
  published_at: string | null;
  updated_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface MeetingMinutesReviewersTable {
  meeting_id: number;
  person_id: number;
}

export interface MeetingMinutesCommentsTable {
  id: Generated<number>;
  meeting_id: number;
  person_id: number;
  body: string;
  created_at: string;
}

export interface MeetingMinutesApprovalsTable {
  meeting_id: number;
  person_id: number;
  approved_at: string;
}

export interface MeetingDecisionsTable {
  id: Generated<number>;
  meeting_id: number;
  text: string;
  /** The agenda item's position, or null. */
  agenda_position: number | null;
  created_at: string;
}

export interface MeetingActionsTable {
  id: Generated<number>;
  meeting_id: number;
  what: string;
  /** Null once the owner's personal data is erased: shown as "(owner removed)". */
  owner_id: number | null;
  /** London date, YYYY-MM-DD. */
  due_date: string;
  status: ActionStatus;
  note: string;
  done_at: string | null;
  /** The due date the reminder was sent for, so a job that runs twice reminds once. */
  reminded_for: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

declare module '../../../platform/db/schema.ts' {
  interface Database {
    meeting_attendance: MeetingAttendanceTable;
    meeting_minutes: MeetingMinutesTable;
    meeting_minutes_reviewers: MeetingMinutesReviewersTable;
    meeting_minutes_comments: MeetingMinutesCommentsTable;
    meeting_minutes_approvals: MeetingMinutesApprovalsTable;
    meeting_decisions: MeetingDecisionsTable;
    meeting_actions: MeetingActionsTable;
  }
}

export type Minutes = Selectable<MeetingMinutesTable>;
export type Action = Selectable<MeetingActionsTable>;
export type Decision = Selectable<MeetingDecisionsTable>;
export type RecordsTables = 'meeting_attendance' | 'meeting_minutes' | 'meeting_minutes_reviewers' | 'meeting_minutes_comments' | 'meeting_minutes_approvals' | 'meeting_decisions' | 'meeting_actions';
/** The part's handle: its own tables; the core's meetings, answers and agenda, and people, to read. */
export type RecordsDb = Scoped<RecordsTables, 'people' | 'meetings' | 'meeting_responses' | 'meeting_agenda_items'>;
