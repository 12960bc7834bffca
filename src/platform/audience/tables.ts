// The audience module's tables: who each item is for, and who leads which group; and the two
// read-only views (migration 016) through which it sees the programme's groups and their members.
import type { ColumnType } from 'kysely';
import type { Scoped } from '../db/database.ts';

/** A group an item can be for, and a lead can lead (the programme has no lead: admins run it). */
export type GroupKind = 'programme' | 'project' | 'subgroup';
export type LedGroupKind = 'project' | 'subgroup';
export type TargetKind = GroupKind | 'person' | 'signed-in' | 'public';

export interface AudienceTargetsTable {
  /** What the item is ('meeting', 'survey' ...): each feature names its own. */
  item_kind: string;
  item_id: number;
  target_kind: TargetKind;
  /** The programme, project, sub-group or person; 0 for 'signed-in' and 'public'. */
  target_id: number;
}

export interface GroupLeadsTable {
  group_kind: LedGroupKind;
  group_id: number;
  person_id: number;
  created_at: string;
}

type View<T> = { [K in keyof T]: ColumnType<T[K], never, never> };

export interface AudienceGroupsView {
  group_kind: GroupKind;
  group_id: number;
  programme_id: number;
  /** The project itself for a project, its project for a sub-group, null for the programme. */
  project_id: number | null;
  name: string;
}

export interface AudienceMembersView {
  group_kind: GroupKind;
  group_id: number;
  person_id: number;
}

declare module '../db/schema.ts' {
  interface Database {
    audience_targets: AudienceTargetsTable;
    group_leads: GroupLeadsTable;
    audience_groups: View<AudienceGroupsView>;
    audience_members: View<AudienceMembersView>;
  }
}

/** The audience module's handle: its two tables, and the views and people to read. */
export type AudienceDb = Scoped<'audience_targets' | 'group_leads', 'audience_groups' | 'audience_members' | 'people'>;
