// The programme feature's tables: the programme, its projects, aims, ways to take part and timeline.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export interface ProgrammesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  short_name: string;
  run_by: string;
  commissioned_by: string;
  summary: string;
  audience: string;
  why: string;
  announced_on: string; // YYYY-MM-DD
  starts_on: string;
  ends_on: string;
  announced_deadline_on: string; // the registration deadline first announced
  registration_opens_on: string; // the window in force, London dates, inclusive
  registration_closes_on: string;
  mailbox_subject: string;
  contact_email: string;
  created_at: string;
}

export interface ProjectsTable {
  id: Generated<number>;
  programme_id: number;
  name: string;
  summary: string;
  position: number;
}

export interface AimsTable {
  id: Generated<number>;
  programme_id: number;
  project_id: number;
  number: number;
  title: string;
  summary: string;
}

export interface ParticipationMethodsTable {
  id: Generated<number>;
  programme_id: number;
  key: string;
  title: string;
  summary: string;
  position: number;
}

export interface TimelineEventsTable {
  id: Generated<number>;
  programme_id: number;
  on_date: string;
  title: string;
  position: number;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    programmes: ProgrammesTable;
    projects: ProjectsTable;
    aims: AimsTable;
    participation_methods: ParticipationMethodsTable;
    timeline_events: TimelineEventsTable;
  }
}

export type ProgrammeTable = 'programmes' | 'projects' | 'aims' | 'participation_methods' | 'timeline_events';
/** The only database handle the programme feature's queries get: its own tables. */
export type ProgrammeDb = Scoped<ProgrammeTable>;
export type Programme = Selectable<ProgrammesTable>;
export type Project = Selectable<ProjectsTable>;
