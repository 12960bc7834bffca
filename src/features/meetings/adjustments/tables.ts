// The adjustments part's table (migration 024): one request per person and meeting.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';

export const NEEDS = ['captions', 'bsl', 'documents', 'other'] as const;
export type Need = (typeof NEEDS)[number];
export type AdjustmentStatus = 'requested' | 'arranged';

export interface MeetingAdjustmentsTable {
  id: Generated<number>;
  meeting_id: number;
  person_id: number;
  /** The needs' codes, comma-separated in NEEDS order. */
  needs: string;
  /** What the person wrote (plain text, may be empty). */
  details: string;
  status: AdjustmentStatus;
  /** The organiser's note to the person when arranged. */
  arranged_note: string | null;
  arranged_by: number | null;
  arranged_at: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../../platform/db/schema.ts' {
  interface Database {
    meeting_adjustments: MeetingAdjustmentsTable;
  }
}

export type Adjustment = Selectable<MeetingAdjustmentsTable>;
/** The part's handle: its table; meetings and people to read titles and names. */
export type AdjustmentsDb = Scoped<'meeting_adjustments', 'meetings' | 'people'>;
