// The participants feature's tables: sub-groups and who belongs to each project and sub-group.
import type { Generated } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export interface SubgroupsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface ProjectMembersTable {
  project_id: number;
  person_id: number;
  created_at: string;
}

export interface SubgroupMembersTable {
  subgroup_id: number;
  person_id: number;
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    subgroups: SubgroupsTable;
    project_members: ProjectMembersTable;
    subgroup_members: SubgroupMembersTable;
  }
}

export type ParticipantsTable = 'subgroups' | 'project_members' | 'subgroup_members';
/** The only database handle the participants feature's queries get: its own tables, and people to read names. */
export type ParticipantsDb = Scoped<ParticipantsTable, 'people'>;
