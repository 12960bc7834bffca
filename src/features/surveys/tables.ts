// The surveys feature's tables (migrations 025 and 026). Who a survey is for is kept by the
// platform's audience rows (item kind 'survey'), never here. Flags are 0 or 1 on both engines.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export type SurveyStatus = 'draft' | 'open' | 'closed';
export const QUESTION_TYPES = ['short_text', 'long_text', 'single', 'multiple', 'rating', 'matrix', 'number', 'date', 'ranking'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const OPERATORS = ['equals', 'not_equals', 'includes', 'answered', 'not_answered'] as const;
export type Operator = (typeof OPERATORS)[number];
export type ShowIf = 'all' | 'any';
export type OptionKind = 'choice' | 'row';

export interface SurveysTable {
  id: Generated<number>;
  programme_id: number;
  title: string;
  /** Markdown. */
  intro: string;
  status: SurveyStatus;
  /** The version people answer; null only inside the transaction that makes the survey. */
  live_version_id: number | null;
  anonymous: Generated<number>;
  editable_until_close: Generated<number>;
  opens_at: string | null;
  closes_at: string | null;
  suppression_threshold: Generated<number>;
  open_link_hash: string | null;
  results_shared_with: Generated<'team' | 'audience' | 'public'>;
  results_free_text: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface SurveyVersionsTable {
  id: Generated<number>;
  survey_id: number;
  number: number;
  created_by: number | null;
  created_at: string;
}

export interface SurveySectionsTable {
  id: Generated<number>;
  version_id: number;
  position: number;
  title: string;
  /** Markdown; empty for none. */
  intro: string;
}

export interface SurveyQuestionsTable {
  id: Generated<number>;
  version_id: number;
  section_id: number;
  position: number;
  /** Stable across versions (copied), unique in a version. */
  key: string;
  type: QuestionType;
  title: string;
  /** Plain text shown as the question's hint; empty for none. */
  help: string;
  required: number;
  has_other: Generated<number>;
  min_value: number | null;
  max_value: number | null;
  show_if: Generated<ShowIf>;
}

export interface SurveyOptionsTable {
  id: Generated<number>;
  question_id: number;
  kind: OptionKind;
  position: number;
  key: string;
  label: string;
}

export interface SurveyConditionsTable {
  id: Generated<number>;
  question_id: number;
  position: number;
  target_question_id: number;
  operator: Operator;
  option_id: number | null;
}

export interface SurveyTemplatesTable {
  id: Generated<number>;
  programme_id: number;
  name: string;
  /** JSON: a SurveyDefinition (definition.ts). */
  definition: string;
  created_by: number | null;
  created_at: string;
}

export interface SurveyDraftsTable {
  id: string;
  survey_id: number;
  version_id: number;
  person_id: number | null;
  token_hash: string | null;
  answers: string;
  reached_section: Generated<number>;
  updated_at: string;
}

export interface SurveyResponsesTable {
  /** A random UUID (v4). */
  id: string;
  survey_id: number;
  version_id: number;
  anonymous: number;
  /** Null when anonymous (or an open link without an account). */
  person_id: number | null;
  /** Null when anonymous. */
  submitted_at: string | null;
  updated_at: string | null;
  role_group: string | null;
  service: string | null;
  nation: string | null;
  region: string | null;
  band: string | null;
}

export interface SurveyAnswersTable {
  response_id: string;
  question_id: number;
  item: number;
  option_id: number | null;
  value_text: string | null;
  value_number: number | null;
  value_date: string | null;
}

export interface SurveyRespondentsTable {
  survey_id: number;
  person_id: number;
}

export interface SurveyCodesTable {
  id: Generated<number>;
  survey_id: number;
  question_key: string;
  position: number;
  label: string;
}

export interface SurveyAnswerCodesTable {
  response_id: string;
  code_id: number;
}

/** Migration 027: who has been told what about a survey (claimed before sending). */
export type NoticeKind = 'invited' | 'reminder' | 'closing-soon';
export interface SurveyNoticesTable {
  survey_id: number;
  person_id: number;
  kind: NoticeKind;
}

/** Migration 027: the browsers (hash of their cookie token) that have submitted through the open link. */
export interface SurveyLinkUsesTable {
  survey_id: number;
  token_hash: string;
}

/**
 * Migration 036: the results' counts, kept with every write of answers (counts.ts). Counts only:
 * no response id, person, time or order. Sentinels, not NULL: '' for everyone / no value, 0 for
 * the response itself (question_id) or no option, -2 (item) for "answered".
 */
export interface SurveyCountsTable {
  survey_id: number;
  version_id: number;
  dim: string;
  grp: string;
  question_id: number;
  item: number;
  option_id: number;
  val: string;
  n: number;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    surveys: SurveysTable;
    survey_versions: SurveyVersionsTable;
    survey_sections: SurveySectionsTable;
    survey_questions: SurveyQuestionsTable;
    survey_options: SurveyOptionsTable;
    survey_conditions: SurveyConditionsTable;
    survey_templates: SurveyTemplatesTable;
    survey_drafts: SurveyDraftsTable;
    survey_responses: SurveyResponsesTable;
    survey_answers: SurveyAnswersTable;
    survey_respondents: SurveyRespondentsTable;
    survey_codes: SurveyCodesTable;
    survey_answer_codes: SurveyAnswerCodesTable;
    survey_notices: SurveyNoticesTable;
    survey_link_uses: SurveyLinkUsesTable;
    survey_counts: SurveyCountsTable;
  }
}

export type Survey = Selectable<SurveysTable>;
export type SurveysTables =
  | 'surveys'
  | 'survey_versions'
  | 'survey_sections'
  | 'survey_questions'
  | 'survey_options'
  | 'survey_conditions'
  | 'survey_templates'
  | 'survey_drafts'
  | 'survey_responses'
  | 'survey_answers'
  | 'survey_respondents'
  | 'survey_codes'
  | 'survey_answer_codes'
  | 'survey_notices'
  | 'survey_link_uses'
  | 'survey_counts';
/** The only handle the surveys feature's queries get: its own tables. */
export type SurveysDb = Scoped<SurveysTables>;
