// The notification every message goes out as: people choose how they hear, or turn it off.
import type { NotificationKind } from '../../platform/notify/kinds.ts';

export const MESSAGES_FROM_TEAM: NotificationKind = {
  kind: 'messages.team',
  label: 'Messages from the programme team',
  defaultDelivery: 'immediately',
};
