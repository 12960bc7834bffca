// Table types, declared once. Timestamps are ISO-8601 UTC strings on both engines
// (PostgreSQL stores timestamptz; the pool parses it back to the same string form).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'admin' | 'facilitator' | 'participant' | 'observer';
export const ROLES: readonly Role[] = ['admin', 'facilitator', 'participant', 'observer'];

export interface PeopleTable {
  id: Generated<number>;
  email: string;
  email_normalised: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
  /** Set when the person withdraws: no programme email after this (sign-in email still works). */
  programme_mail_stopped_at: string | null;
}

export interface SignInTokensTable {
  id: Generated<number>;
  person_id: number;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id: string; // SHA-256 of the cookie value: a leaked table cannot be replayed as cookies
  person_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
export interface OutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_at: string | null;
  last_error: string | null;
  message_id: string;
  created_at: string;
  sent_at: string | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  record_type: string;
  record_id: string | null;
  summary: string;
  created_at: string;
}

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

export interface OrganisationsTable {
  id: Generated<number>;
  ods_code: string | null;
  name: string;
  nation: string;
  region_code: string | null;
  region: string | null;
  kind: string;
  active: number;
}

export const REGISTRATION_STATUSES = ['unconfirmed', 'new', 'accepted', 'waitlisted', 'declined', 'withdrawn', 'needs_review'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export type RegistrationChannel = 'web' | 'email';

export interface RegistrationsTable {
  id: Generated<number>;
  programme_id: number;
  reference: string;
  status: RegistrationStatus;
  channel: RegistrationChannel;
  email: string;
  email_normalised: string;
  full_name: string;
  organisation_id: number | null;
  organisation_name: string;
  department: string | null;
  nation: string | null;
  region: string | null;
  service_type: string | null;
  service_other: string | null;
  job_title: string;
  role_group: string | null;
  role_other: string | null;
  afc_band: string | null;
  /** Comma-separated participation method keys. */
  participation: string;
  adjustments: string | null;
  consent_at: string | null;
  email_confirmed_at: string | null;
  confirm_token_hash: string | null;
  person_id: number | null;
  /** Lower-cased name, email, organisation and job title, for the admin text search. */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface RegistrationAimsTable {
  registration_id: number;
  aim_number: number;
}

export interface RegistrationEventsTable {
  id: Generated<number>;
  registration_id: number;
  actor_id: number | null;
  action: string;
  detail: string;
  created_at: string;
}

export interface RegistrationNotesTable {
  id: Generated<number>;
  registration_id: number;
  author_id: number | null;
  body: string;
  created_at: string;
}

export interface RegistrationDraftsTable {
  id: string;
  answers: string;
  created_at: string;
  updated_at: string;
}

export interface MailImportsTable {
  id: Generated<number>;
  message_id: string;
  source: string;
  from_address: string | null;
  subject: string;
  received_at: string | null;
  original_text: string;
  outcome: 'registered' | 'needs_review' | 'not_relevant' | 'failed';
  problem: string | null;
  /** A hash of the message's content: with message_id, the key of an import. '' before migration 006. */
  content_hash: string;
  /** What was read, as JSON, for a review item that has no registration (sent on someone's behalf). */
  reading: string | null;
  registration_id: number | null;
  created_at: string;
}

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

export interface Database {
  organisations: OrganisationsTable;
  registrations: RegistrationsTable;
  registration_aims: RegistrationAimsTable;
  registration_events: RegistrationEventsTable;
  registration_notes: RegistrationNotesTable;
  registration_drafts: RegistrationDraftsTable;
  mail_imports: MailImportsTable;
  subgroups: SubgroupsTable;
  project_members: ProjectMembersTable;
  subgroup_members: SubgroupMembersTable;
  people: PeopleTable;
  sign_in_tokens: SignInTokensTable;
  sessions: SessionsTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
  programmes: ProgrammesTable;
  projects: ProjectsTable;
  aims: AimsTable;
  participation_methods: ParticipationMethodsTable;
  timeline_events: TimelineEventsTable;
}

export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type OutboxMessage = Selectable<OutboxTable>;
export type Programme = Selectable<ProgrammesTable>;
export type Registration = Selectable<RegistrationsTable>;
export type Organisation = Selectable<OrganisationsTable>;
