// The registration feature's tables: registrations with their aims, history, notes and drafts,
// the NHS organisations list they choose from, and the email import's record of messages.
import type { Generated, Selectable } from 'kysely';
import { scoped, type Db, type Scoped, type Tx } from '../../platform/db/database.ts';

export const REGISTRATION_STATUSES = ['unconfirmed', 'new', 'accepted', 'waitlisted', 'declined', 'withdrawn', 'needs_review'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export type RegistrationChannel = 'web' | 'email';

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

export interface RegistrationsTable {
  id: Generated<number>;
  programme_id: number;
  reference: string;
  status: RegistrationStatus;
  channel: RegistrationChannel;
  /** Null for someone registered on their behalf who has no address of their own: see contact_*. */
  email: string | null;
  email_normalised: string | null;
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
  /** The confirmation link stops working after this. */
  confirm_expires_at: string | null;
  /** Details sent by registering again with this email, applied only once the address's owner confirms. */
  pending_details: string | null;
  pending_token_hash: string | null;
  pending_expires_at: string | null;
  person_id: number | null;
  /**
   * Who registered them on their behalf (a manager for a colleague with no work email), or null.
   * Emails about a registration go to its own address, or to the contact when it has none.
   */
  contact_name: string | null;
  contact_email: string | null;
  contact_email_normalised: string | null;
  /** The contact's normalised address and the registrant's normalised name: a second message from them for the same person is known by it. */
  behalf_key: string | null;
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

declare module '../../platform/db/schema.ts' {
  interface Database {
    mail_imports: MailImportsTable;
    organisations: OrganisationsTable;
    registrations: RegistrationsTable;
    registration_aims: RegistrationAimsTable;
    registration_events: RegistrationEventsTable;
    registration_notes: RegistrationNotesTable;
    registration_drafts: RegistrationDraftsTable;
  }
}

export type RegistrationTable = 'organisations' | 'registrations' | 'registration_aims' | 'registration_events' | 'registration_notes' | 'registration_drafts' | 'mail_imports';
/** The only database handle the registration feature's queries get: its own tables, and people to read names. */
export type RegistrationDb = Scoped<RegistrationTable, 'people'>;
/** Narrows the app's handle, or a transaction on it, to the registration feature's tables. */
export const registrationDb = (db: Db | Tx): RegistrationDb => scoped<RegistrationTable, 'people'>(db);
export type Registration = Selectable<RegistrationsTable>;
export type Organisation = Selectable<OrganisationsTable>;
