// The after-the-meeting part's notifications: minutes published (to everyone the meeting is for),
// draft minutes sent for comment (to those asked), and an action's reminder (to its owner).
import type { NotificationKind } from '../../../platform/notify/kinds.ts';

export const MINUTES_PUBLISHED: NotificationKind = {
  kind: 'meetings.minutes',
  label: 'When the minutes of a meeting you were invited to are published',
  defaultDelivery: 'immediately',
};

export const MINUTES_REVIEW: NotificationKind = {
  kind: 'meetings.minutes-review',
  label: 'When you are asked to comment on the draft minutes of a meeting',
  defaultDelivery: 'immediately',
};

export const ACTION_DUE: NotificationKind = {
  kind: 'meetings.action-due',
  label: 'The day before an action from a meeting you own is due',
  defaultDelivery: 'immediately',
};

export const RECORDS_KINDS: readonly NotificationKind[] = [MINUTES_PUBLISHED, MINUTES_REVIEW, ACTION_DUE];
