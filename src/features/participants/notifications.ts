// The notification the participants feature sends: being added to a project or sub-group.
import type { NotificationKind } from '../../platform/notify/kinds.ts';

export const ADDED_TO_GROUP: NotificationKind = {
  kind: 'groups.added',
  label: 'When you are added to a project or sub-group',
  defaultDelivery: 'immediately',
};
