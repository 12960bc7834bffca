// The meetings feature's notifications. A meeting moved or cancelled is essential: it always goes,
// at once, whatever the person chose. A place from the waiting list has its own kind, and so do
// reminders before a meeting (24 hours and 1 hour before), which follow the person's preferences.
import type { NotificationKind } from '../../platform/notify/kinds.ts';

export const MEETING_CHANGED: NotificationKind = {
  kind: 'meetings.changed',
  label: 'When a meeting you are invited to moves or is cancelled',
  defaultDelivery: 'immediately',
  essential: true,
};

export const MEETING_PLACE: NotificationKind = {
  kind: 'meetings.place',
  label: 'When a place at a meeting comes up for you from the waiting list',
  defaultDelivery: 'immediately',
};

export const MEETING_REMINDER: NotificationKind = {
  kind: 'meetings.reminder',
  label: 'Reminders before meetings you are going to',
  defaultDelivery: 'immediately',
};

/** The core's kinds (the parts declare theirs in their part.ts). */
export const CORE_KINDS: readonly NotificationKind[] = [MEETING_CHANGED, MEETING_PLACE, MEETING_REMINDER];
