// The adjustments part's notification: an organiser has arranged what the person asked for.
import type { NotificationKind } from '../../../platform/notify/kinds.ts';

export const MEETING_ADJUSTMENT: NotificationKind = {
  kind: 'meetings.adjustment',
  label: 'When an adjustment you asked for at a meeting has been arranged',
  defaultDelivery: 'immediately',
};
