// The consultations feature's notifications: a consultation you are invited to has opened, it
// closes soon, and the team has responded to your comment.
import type { NotificationKind } from '../../platform/notify/kinds.ts';

export const CONSULTATION_OPENED: NotificationKind = { kind: 'consultations.opened', label: 'When a consultation on a draft opens for you', defaultDelivery: 'immediately' };
export const CONSULTATION_CLOSING: NotificationKind = { kind: 'consultations.closing', label: 'When a consultation you can comment on closes soon', defaultDelivery: 'immediately' };
export const CONSULTATION_RESPONSE: NotificationKind = { kind: 'consultations.response', label: 'When the team responds to your comment on a draft', defaultDelivery: 'immediately' };

export const KINDS: readonly NotificationKind[] = [CONSULTATION_OPENED, CONSULTATION_CLOSING, CONSULTATION_RESPONSE];
