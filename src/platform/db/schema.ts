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
  /** See MailCategory in mail/outbox.ts. */
  category: 'essential' | 'registration' | 'programme';
  /** Lower is sent first: see MailPriority in mail/outbox.ts. */
  priority: Generated<number>;
  created_at: string;
  sent_at: string | null;
  /** Set when the body of a sent message was dropped (text_body is then empty). */
  body_dropped_at: string | null;
  /** Extra headers as a JSON object (List-Unsubscribe on notification mail), or null. */
  headers: string | null;
  /** A calendar invitation as JSON ({ method, filename, content }: see CalendarEvent in mail/outbox.ts), or null. */
  calendar_event: Generated<string | null>;
}

/** Always empty: /health inserts a row and rolls the insert back, to prove writes work. */
export interface HealthProbeTable {
  id: number;
  checked_at: string;
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


/**
 * Every table. The platform declares its own here; each feature adds its tables by augmenting this
 * interface in its own tables.ts (`declare module`), so the platform never names a feature's table.
 * Code outside db/ never takes the whole of it: see Scoped in database.ts.
 */
/** One value per key, written by one process and read by another (see platform/settings.ts). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface Database {
  settings: SettingsTable;
  people: PeopleTable;
  sign_in_tokens: SignInTokensTable;
  sessions: SessionsTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
  health_probe: HealthProbeTable;
}

/** The platform's own tables: features read them only through platform functions and never write them. */
export type PlatformTable = 'people' | 'sign_in_tokens' | 'sessions' | 'outbox' | 'audit_events' | 'health_probe' | 'settings';

export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type OutboxMessage = Selectable<OutboxTable>;
