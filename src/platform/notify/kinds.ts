// The kinds of notification. Each feature declares the kinds it sends (its manifest does, once
// defineFeature exists); the settings page lists every declared kind, and notify() refuses one that
// was never declared, so a typo cannot send mail nobody can turn off.
import type { Delivery } from './tables.ts';

export type NotificationKind = {
  /** Stable name stored with rows and preferences, e.g. 'groups.added'. */
  kind: string;
  /** What the settings page and emails call it: "When you are added to a project or sub-group". */
  label: string;
  /** How a person hears about it until they choose. */
  defaultDelivery: Delivery;
  /**
   * Essential mail is never held back by preferences (a meeting moved or cancelled, the
   * confirmation of the person's own action): always sent at once, no unsubscribe link.
   */
  essential?: boolean;
};

const kinds = new Map<string, NotificationKind>();

/** Declares kinds; declaring the same kind again with the same meaning is harmless. */
export function declareNotificationKinds(...declared: NotificationKind[]): void {
  for (const k of declared) {
    const existing = kinds.get(k.kind);
    if (existing && (existing.label !== k.label || existing.defaultDelivery !== k.defaultDelivery || Boolean(existing.essential) !== Boolean(k.essential))) {
      throw new Error(`notification kind ${k.kind} is declared twice, differently`);
    }
    kinds.set(k.kind, k);
  }
}

export function notificationKind(kind: string): NotificationKind | undefined {
  return kinds.get(kind);
}

/** Every declared kind, in the order declared. */
export function notificationKinds(): NotificationKind[] {
  return [...kinds.values()];
}

/** A kind's label inside a sentence ("emails when you are added ..."): its first letter in lower case. */
export function labelInSentence(kind: NotificationKind): string {
  return kind.label.charAt(0).toLowerCase() + kind.label.slice(1);
}
