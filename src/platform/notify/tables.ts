// The notification tables (migration 017), owned by the platform: features write them only
// through notify() and the preference functions in this folder.
import type { Generated } from 'kysely';

/** How a person hears about one kind of notification. */
export type Delivery = 'immediately' | 'daily' | 'weekly' | 'off';
export const DELIVERIES: readonly Delivery[] = ['immediately', 'daily', 'weekly', 'off'];
/** How one notification row was to reach its person: a delivery, or withheld (they had withdrawn). */
export type RowDelivery = Delivery | 'withheld';

export interface NotificationsTable {
  id: Generated<number>;
  person_id: number;
  kind: string;
  item_kind: string;
  item_id: number;
  /** What a digest groups it under: the project or sub-group's name, or the programme's. */
  group_label: string;
  title: string;
  /** A path on the site (the digest and the email make it absolute). */
  url: string;
  delivery: RowDelivery;
  created_at: string;
  digested_at: string | null;
}

export interface NotificationPreferencesTable {
  person_id: number;
  kind: string;
  delivery: Delivery;
  updated_at: string;
}

export interface DigestRunsTable {
  person_id: number;
  period: 'daily' | 'weekly';
  period_start: string;
  sent_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    notifications: NotificationsTable;
    notification_preferences: NotificationPreferencesTable;
    digest_runs: DigestRunsTable;
  }
}
