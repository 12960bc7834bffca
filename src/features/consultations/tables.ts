// The consultations feature's tables (migrations 031, 032 and 037). Who a consultation is for is kept
// by the platform's audience rows (audience_targets, item kind 'consultation'), never here.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export type BodyFormat = 'markdown' | 'html';
export type Publication = 'named' | 'anonymous' | 'none';
export type TriageStatus = 'accepted' | 'partly' | 'not_accepted' | 'noted' | 'out_of_scope';
export type CommentsVisible = 'participants' | 'team';

export interface DraftsTable {
  id: Generated<number>;
  programme_id: number;
  title: string;
  /** Markdown. */
  summary: string;
  /** The programme aims it serves, as the team words them. */
  aims: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface DraftProjectsTable {
  draft_id: number;
  project_id: number;
}

export interface VersionsTable {
  id: Generated<number>;
  draft_id: number;
  number: number;
  source: 'written' | 'word';
  source_name: string | null;
  changelog: Generated<string>;
  created_by: number | null;
  created_at: string;
}

export interface SectionsTable {
  id: Generated<number>;
  version_id: number;
  /** Stable across versions: a later version's copy of this section keeps it. */
  section_key: string;
  position: number;
  heading: string;
  /** Markdown, or HTML already through the platform sanitiser (a Word import). */
  body: string;
  body_format: BodyFormat;
  pictures_without_alt: Generated<number>;
}

export interface ConsultationsTable {
  id: Generated<number>;
  programme_id: number;
  draft_id: number;
  version_id: number;
  /** UTC instants. */
  opens_at: string;
  closes_at: string;
  comments_visible: CommentsVisible;
  created_by: number | null;
  created_at: string;
}

export interface QuestionsTable {
  id: Generated<number>;
  consultation_id: number;
  position: number;
  text: string;
}

export interface CommentsTable {
  id: Generated<number>;
  consultation_id: number;
  person_id: number | null;
  version_id: number | null;
  section_key: string | null;
  question_id: number | null;
  parent_id: number | null;
  /** Plain text (shown through the rich-text renderer). */
  body: string;
  publication: Publication;
  redacted_body: string | null;
  redacted_by: number | null;
  redacted_at: string | null;
  status: TriageStatus | null;
  response: string | null;
  responded_by: number | null;
  responded_at: string | null;
  change_ref: string | null;
  created_at: string;
  /** body, redacted_body and response through the rich-text renderer, written with them (migration 037); null: render when read. */
  body_html: Generated<string | null>;
  redacted_html: Generated<string | null>;
  response_html: Generated<string | null>;
}

export interface AgreesTable {
  comment_id: number;
  person_id: number;
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    consultation_drafts: DraftsTable;
    consultation_draft_projects: DraftProjectsTable;
    consultation_versions: VersionsTable;
    consultation_sections: SectionsTable;
    consultations: ConsultationsTable;
    consultation_questions: QuestionsTable;
    consultation_comments: CommentsTable;
    consultation_agrees: AgreesTable;
  }
}

export type Draft = Selectable<DraftsTable>;
export type Version = Selectable<VersionsTable>;
export type Section = Selectable<SectionsTable>;
export type Consultation = Selectable<ConsultationsTable>;
export type Question = Selectable<QuestionsTable>;
export type Comment = Selectable<CommentsTable>;
export type ConsultationsTables =
  | 'consultation_drafts'
  | 'consultation_draft_projects'
  | 'consultation_versions'
  | 'consultation_sections'
  | 'consultations'
  | 'consultation_questions'
  | 'consultation_comments'
  | 'consultation_agrees';
/** The only handle the feature's queries get: its own tables, and people and projects to read names. */
export type ConsultationsDb = Scoped<ConsultationsTables, 'people' | 'projects'>;
